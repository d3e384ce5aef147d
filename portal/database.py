"""The database for each request: opened before, closed after (connections return to the pool).
Settings are read once per request (models.settings.read_once)."""
from flask import g

from models import settings
from models.db import db, init_database


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
        if not db.is_closed():
            db.close()
