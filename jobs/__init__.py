"""The Huey instance. Its storage comes from PORTAL_HUEY_URL: a SQLite file by default (never the
app's database), Redis (redis://) or PostgreSQL (postgresql://) by URL."""
from __future__ import annotations

import os
import pathlib
from urllib.parse import unquote, urlparse

from huey import RedisHuey, SqliteHuey
from huey.contrib.sql_huey import SqlHuey

_app = None


def make_huey(url: str):
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = pathlib.Path(unquote(parsed.path)[1:])
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey("veilig-bestuur", filename=str(path), utc=True)
    if parsed.scheme in ("redis", "rediss"):
        return RedisHuey("veilig-bestuur", url=url, utc=True)
    if parsed.scheme in ("postgres", "postgresql"):
        return SqlHuey("veilig-bestuur", database=url, utc=True)
    raise ValueError(f"Unsupported Huey URL scheme: {parsed.scheme!r}")


def _default_url() -> str:
    instance = pathlib.Path(os.environ.get("PORTAL_INSTANCE_PATH", "instance")).resolve()
    return os.environ.get("PORTAL_HUEY_URL", f"sqlite:///{instance / 'portal-huey.db'}")


huey = make_huey(_default_url())


def init_app(app) -> None:
    """Tasks run inside this app (its database, configuration and mail templates)."""
    global _app
    _app = app
    if app.config.get("HUEY_IMMEDIATE"):
        huey.immediate = True


def app():
    if _app is None:
        from portal import create_app

        create_app()
    return _app


from jobs import tasks  # noqa: E402,F401  (registers the tasks)
