"""Server time and query count of the inbox, the case page and each role's start page, next to a floor: a bare Flask route
that selects 50 cases with one indexed query and renders them with a minimal template."""

from __future__ import annotations

import statistics
import time

from flask import Flask, render_template_string

from models import accounts
from models.cases import Case, Status
from models.db import db, is_sqlite

FLOOR_TEMPLATE = """<table>{% for c in cases %}<tr><td>{{ c.reference }}</td><td>{{ c.status }}</td>
<td>{{ c.created_at }}</td><td>{{ c.behaviour_class }}</td></tr>{% endfor %}</table>"""


class QueryCounter:
    """Wraps the database's execute_sql: every statement the portal sends is counted."""

    def __init__(self, database):
        self.count = 0
        original = database.execute_sql

        def counting(sql, params=None, *args, **kwargs):
            self.count += 1
            return original(sql, params, *args, **kwargs)

        database.execute_sql = counting


def floor_app() -> Flask:
    bare = Flask("floor")

    @bare.route("/floor")
    def floor():
        # The same connection handling as the portal (portal/database.py): SQLite's connection stays
        # open between requests, PostgreSQL's goes back to the pool. A floor that opened and closed
        # SQLite every time would be ~2 ms slower and flatter the ratio.
        db.connect(reuse_if_open=True)
        try:
            rows = list(
                Case.select(Case.reference, Case.status, Case.created_at, Case.behaviour_class)
                .where(Case.status != Status.CLOSED.value)
                .order_by(Case.created_at.desc(), Case.id.desc())
                .limit(50)
            )
            return render_template_string(FLOOR_TEMPLATE, cases=rows)
        finally:
            if not is_sqlite():
                db.close()

    return bare


def logged_in_client(app, user):
    """A browser session for `user` (a real database session, as after logging in)."""
    with app.app_context():
        db.connect(reuse_if_open=True)
        token = accounts.start_session(user, "127.0.0.1")
        db.close()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return client


BATCH = 5  # requests of one page on one stage in a row, after one that is not counted


def timed_together(entries: list, rounds: int) -> list[dict]:
    """Server time of several (target, client, path) at once, each against its own database
    (`target.use()` points the models at it): in turn a batch of BATCH requests of each, so that what
    disturbs one batch disturbs all of them alike, until each has `rounds`. The request that starts a
    batch is not counted: the stages are copies with 5 million audit entries each, and switching
    between them one request at a time left PostgreSQL's buffers (128 MB by default) holding the other
    copies' pages, which no municipality's single database meets (session 9: the case page's p95 on
    PostgreSQL 15.5 ms measured that way, 10.0 ms with one stage alone, its median 11.6 and 9.0)."""
    for target, client, path in entries:
        target.use()
        client.get(path)  # warm caches (templates, translations) once
    samples = [([], [], []) for _ in entries]
    while len(samples[0][0]) < rounds:
        for (target, client, path), (times, cpu, queries) in zip(entries, samples, strict=True):
            target.use()
            client.get(path)
            for _ in range(min(BATCH, rounds - len(times))):
                before = target.counter.count
                start, start_cpu = time.perf_counter(), time.thread_time()
                response = client.get(path)
                times.append(time.perf_counter() - start)
                cpu.append(time.thread_time() - start_cpu)
                assert response.status_code == 200, (path, response.status_code)
                queries.append(target.counter.count - before)
    return [_figures(*sample) for sample in samples]


def _figures(times: list, cpu: list, queries: list) -> dict:
    times, cpu = sorted(times), sorted(cpu)
    p95 = max(int(round(0.95 * len(times))) - 1, 0)
    return {
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[p95] * 1000,
        "queries": max(queries),
        # The portal process's own CPU time (not the database server's, not waiting): on a machine
        # shared with other work the wall-clock p95 swings with the load, this much less.
        "cpu_median_ms": statistics.median(cpu) * 1000,
        "cpu_p95_ms": cpu[p95] * 1000,
    }


def start_page_people(people: dict) -> dict:
    """Whose start page is measured (issue 15): one person of each role with a start page of its own;
    the office holder is the first of the 200 who report (a council member)."""
    from models.accounts import Role

    return {
        Role.MAYOR.value: people[Role.MAYOR],
        Role.CLERK.value: people[Role.CLERK],
        Role.MUNICIPAL_SECRETARY.value: people[Role.MUNICIPAL_SECRETARY],
        Role.SECURITY_OFFICER.value: people[Role.SECURITY_OFFICER],
        Role.FINANCE_OFFICER.value: people[Role.FINANCE_OFFICER],
        "office holder": people["reporters"][0],
    }


def newest_open_reference() -> str:
    return (
        Case.select(Case.reference)
        .where(Case.status != Status.CLOSED.value)
        .order_by(Case.created_at.desc())
        .first()
        .reference
    )
