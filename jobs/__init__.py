"""The Huey instance and the settings its tasks read. Importing this opens nothing and creates no file:
`configure(config)` points the queue at config["HUEY_URL"] (models.config, the same settings the web app
reads) — a SQLite file by default (never the app's database), Redis (redis://) or PostgreSQL
(postgresql://). The consumer (`python -m jobs`) calls it itself; the web app through init_app.

The tasks are in jobs.tasks: whoever runs or enqueues them imports that module."""

from __future__ import annotations

import pathlib
from collections.abc import Mapping
from urllib.parse import unquote, urlparse

from huey import Huey
from huey.contrib.sql_huey import SqlStorage
from huey.storage import RedisStorage, SqliteStorage

NAME = "veilig-bestuur"


class _NotConfigured:
    """The queue's storage until configure(): any use says so, instead of opening a default file."""

    def __init__(self, name, **_options):
        self.name = name

    def __getattr__(self, attribute):
        raise RuntimeError("The task queue is not configured: call jobs.configure(models.config.load_config()).")


huey = Huey(NAME, utc=True, storage_class=_NotConfigured)
_settings: Mapping | None = None


def storage_for(url: str) -> tuple[type, dict]:
    """Huey's storage class and its options for a URL."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = pathlib.Path(unquote(parsed.path)[1:])
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteStorage, {"filename": str(path)}
    if parsed.scheme in ("redis", "rediss"):
        return RedisStorage, {"url": url}
    if parsed.scheme in ("postgres", "postgresql"):
        return SqlStorage, {"database": url}
    raise ValueError(f"Unsupported Huey URL scheme: {parsed.scheme!r}")


def make_huey(url: str) -> Huey:
    """A Huey of its own on the storage at `url`."""
    storage_class, options = storage_for(url)
    return Huey(NAME, utc=True, storage_class=storage_class, **options)


def configure(config: Mapping) -> None:
    """The settings the tasks read (SMTP, base URL, paths) and the queue's storage. With HUEY_IMMEDIATE
    (tests) a task runs at once in the caller, on memory storage."""
    global _settings
    _settings = config
    storage_class, options = storage_for(config["HUEY_URL"])
    immediate = bool(config.get("HUEY_IMMEDIATE"))
    if (huey.storage_class, huey.storage_kwargs, huey.immediate) == (storage_class, options, immediate):
        return  # the same queue: keep its open storage (tests build the web app many times)
    huey.storage_class, huey.storage_kwargs = storage_class, options
    if huey.immediate != immediate:
        huey.immediate = immediate  # Huey makes the storage of that mode
    else:
        huey.storage = huey.create_storage()


def settings() -> Mapping:
    if _settings is None:
        raise RuntimeError("The jobs are not configured: call jobs.configure(models.config.load_config()).")
    return _settings


def init_app(app) -> None:
    """The web app's tasks (and those it runs at once, in tests) read the app's own configuration."""
    configure(app.config)
