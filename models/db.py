"""One database for the whole portal, initialised from a URL (sqlite:///… or postgresql://…)."""

from __future__ import annotations

import contextlib
import re
import weakref
from collections.abc import Callable
from urllib.parse import parse_qsl, unquote, urlparse

import peewee
from playhouse.pool import PooledPostgresqlDatabase

db = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "normal",
    # Deleted content is overwritten with zeros in the file (retention, AVG).
    "secure_delete": 1,
    # Pages kept in memory per connection: up to 64 MB (SQLite's default is 2 MB), filled only with
    # the pages read. At 100 000 cases a start page's lists and steps read more than 2 MB of cases and
    # deadlines, and read them again from the file at every showing (issue 15: 6.2 -> 4.0 ms of a clerk's
    # start page). The appliance has four connections (two web workers, two job threads).
    "cache_size": -65536,
}

# A fixed key for pg_advisory_xact_lock: serialises writers of the audit hash chain.
AUDIT_CHAIN_LOCK = 0x5642_4155  # "VBAU"


def database_from_url(url: str) -> peewee.Database:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        path = path[1:]  # sqlite:////abs/path -> /abs/path ; sqlite:///rel/path -> rel/path
        return peewee.SqliteDatabase(path or ":memory:", pragmas=SQLITE_PRAGMAS, timeout=10)
    if parsed.scheme in ("postgres", "postgresql"):
        options = dict(parse_qsl(parsed.query))
        host = options.pop("host", None) or parsed.hostname
        return PooledPostgresqlDatabase(
            unquote(parsed.path.lstrip("/")),
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            host=host,
            port=parsed.port,
            max_connections=int(options.pop("max_connections", 8)),
            stale_timeout=300,
            **options,
        )
    raise ValueError(f"Unsupported database URL scheme: {parsed.scheme!r}")


def init_database(url: str) -> peewee.Database:
    database = database_from_url(url)
    db.initialize(database)
    return database


def is_sqlite() -> bool:
    return isinstance(db.obj, peewee.SqliteDatabase)


def is_postgres() -> bool:
    return isinstance(db.obj, peewee.PostgresqlDatabase)


def write_transaction():
    """A transaction that writes. On SQLite it takes the write lock at once (BEGIN IMMEDIATE), so
    two writers never deadlock on a lock upgrade; nested calls become savepoints."""
    if is_sqlite() and not db.in_transaction():
        return db.atomic("IMMEDIATE")
    return db.atomic()


_WRITTEN: dict[tuple[type, str], tuple[type, str]] = {}


def select_written_once(key: str, query: Callable[[], peewee.ModelSelect], *params) -> list:
    """The rows of `query()`, its SQL written once per database kind and `key`. peewee writes a
    statement's SQL anew each time it runs; for the few statements every case page sends that was
    some 0.2 ms each. `query` takes its values from `params` alone, in that order (the first run
    checks it), and everything else that shapes the statement is part of `key`."""
    found = _WRITTEN.get((type(db.obj), key))
    if found is None:
        select = query()
        sql, values = select.sql()
        if list(values) != list(params):
            raise RuntimeError(f"{key}: the statement takes {values!r}, not {list(params)!r}")
        found = _WRITTEN[type(db.obj), key] = (select.model, sql)
    model, sql = found
    return list(model.raw(sql, *params))


_PREPARED_ON: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # connection -> names prepared on it


def prepared(name: str, sql: str) -> str:
    """The statement to send for `sql` (its parameters `%s` or `?`): on PostgreSQL `EXECUTE name(…)` of
    a statement prepared once per connection, elsewhere `sql` itself. PostgreSQL plans a statement
    anew each time it is sent; the case file's, with its 16 sub-queries, took 1.6 ms to plan and
    0.2 ms to run. Prepared, it keeps its plan (SQLite keeps its own prepared statements)."""
    if not is_postgres():
        return sql
    names = _PREPARED_ON.setdefault(db.connection(), set())
    count = sql.count("%s")
    if name not in names:
        numbered = iter(range(1, count + 1))
        db.execute_sql(f"PREPARE {name} AS " + re.sub(r"%s", lambda _m: f"${next(numbered)}", sql))
        names.add(name)
    return f"EXECUTE {name}({', '.join(['%s'] * count)})" if count else f"EXECUTE {name}"


@contextlib.contextmanager
def serialised(lock_key: int, durable: bool = True):
    """Inside a write transaction: serialise this section across processes (PostgreSQL advisory
    lock; SQLite already holds its single write lock). `durable=False`, for a transaction of its own:
    PostgreSQL commits it without waiting for the disk (synchronous_commit off, in the same statement
    as the lock), as SQLite commits every transaction (WAL, synchronous=NORMAL): a crash of the server
    may lose the last moment of such commits, never the order or consistency of what is kept."""
    if is_postgres():
        if durable:
            db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (lock_key,))
        else:
            db.execute_sql(
                "SELECT pg_advisory_xact_lock(%s), set_config('synchronous_commit', 'off', true)", (lock_key,)
            )
    yield


def refresh_statistics() -> None:
    """Let the query planner know how the tables have grown, so a filtered inbox walks an index
    instead of sorting thousands of rows. SQLite keeps no statistics by itself (a full ANALYZE: with
    analysis_limit the estimates came out 20x off); PostgreSQL's autovacuum does this too, ANALYZE
    makes it immediate. Run nightly (jobs) and after every migration."""
    db.execute_sql("ANALYZE")
