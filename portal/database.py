"""The database for each request. PostgreSQL: a connection from the pool, returned after the
request. SQLite: the worker keeps its connection open between requests (opening one, with its
pragmas, and closing it — which checkpoints the WAL — cost ~2 ms of a ~12 ms page); it is closed
when a request ends inside a transaction or with an error, so no request ever inherits one.
Settings are read once per request (models.settings.read_once)."""

from flask import g

from models import settings
from models.db import db, init_database, is_sqlite


def init_app(app):
    init_database(app.config["DATABASE_URL"])

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)
        g.settings_scope = settings.read_once()
        g.settings_scope.__enter__()

    @app.teardown_appcontext
    def _close(exc):
        scope = g.pop("settings_scope", None)
        if scope is not None:
            scope.__exit__(None, None, None)
        if db.is_closed():
            return
        if is_sqlite() and exc is None and not db.in_transaction() and not db.connection().in_transaction:
            return
        db.close()
