"""Huey's storage comes from one URL: its own SQLite file by default, Redis or PostgreSQL by URL.
Each is exercised for real: a task enqueued is found in the storage and runs."""

import os
import socket
import uuid

import pytest

from jobs import make_huey


def _reachable(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _round_trip(huey):
    @huey.task(name=f"probe-{uuid.uuid4().hex}")
    def add(a, b):
        return a + b

    result = add(2, 3)
    assert huey.pending_count() == 1
    task = huey.dequeue()
    huey.execute(task)
    assert result.get() == 5
    huey.flush()


def test_sqlite_file_by_default(tmp_path):
    huey = make_huey(f"sqlite:///{tmp_path / 'queue.db'}")
    _round_trip(huey)
    assert (tmp_path / "queue.db").exists()


@pytest.mark.skipif(not _reachable("127.0.0.1", 6379), reason="no Redis server on 127.0.0.1:6379")
def test_redis_by_url():
    _round_trip(make_huey(f"redis://127.0.0.1:6379/{15}"))


@pytest.mark.skipif(not os.environ.get("PORTAL_TEST_DATABASE_URL"), reason="PORTAL_TEST_DATABASE_URL is not set")
def test_postgresql_by_url(postgres_database):
    _round_trip(make_huey(postgres_database))  # the run's scratch database


def test_an_unknown_scheme_is_refused():
    with pytest.raises(ValueError):
        make_huey("mysql://localhost/queue")
