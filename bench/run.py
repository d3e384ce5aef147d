"""`make bench`: every figure of issue 9, printed as tables. See bench/README.md.

Environment: BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/test; the benchmark makes
and drops its own scratch database; set it empty to skip PostgreSQL), BENCH_SUBMIT_SECONDS (60),
BENCH_AUDIT_ENTRIES (5 000 000), BENCH_ROUNDS (40 requests per page), BENCH_ONLY=pages (only part 1:
the inbox, the case page and the start pages)."""

from __future__ import annotations

import os
import pathlib
import platform
import sqlite3
import sys
import tempfile
import time
import uuid
from urllib.parse import urlparse, urlunparse

WORK = pathlib.Path(tempfile.mkdtemp(prefix="vb-bench-"))
os.environ["PORTAL_INSTANCE_PATH"] = str(WORK / "instance")
os.environ["PORTAL_HUEY_URL"] = f"sqlite:///{WORK / 'huey.db'}"
os.environ.pop("PORTAL_DATABASE_URL", None)

import peewee  # noqa: E402

from bench import load, pages, seed  # noqa: E402
from models import clock, migrations  # noqa: E402
from models.accounts import Role, User  # noqa: E402
from models.audit import AuditEntry  # noqa: E402
from models.cases import Case  # noqa: E402
from models.db import db, init_database, refresh_statistics  # noqa: E402

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))
AUDIT_ENTRIES = int(os.environ.get("BENCH_AUDIT_ENTRIES", "5000000"))
SUBMIT_SECONDS = int(os.environ.get("BENCH_SUBMIT_SECONDS", "60"))
STAGES = tuple(int(n) for n in os.environ.get("BENCH_CASES", "1000,10000,100000").split(","))
ONLY_PAGES = os.environ.get("BENCH_ONLY") == "pages"
STARTED = time.monotonic()


def say(text: str = "") -> None:
    print(text, flush=True)


def table(headers, rows) -> None:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=True)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"  # noqa: E731
    say(line(headers))
    say("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        say(line(row))
    say()


# --- databases ------------------------------------------------------------------------------------


def on_server(sql: str) -> None:
    """One statement on BENCH_PG_URL's database (making, copying and dropping the scratch databases)."""
    admin = urlparse(PG_URL)
    server = peewee.PostgresqlDatabase(
        admin.path.lstrip("/"), user=admin.username, password=admin.password, host=admin.hostname, port=admin.port
    )
    with server.connection_context():
        server.execute_sql(sql)


def scratch_databases() -> dict[str, str]:
    urls = {"SQLite": f"sqlite:///{WORK / 'bench.db'}"}
    if PG_URL:
        name = f"vb_bench_{uuid.uuid4().hex[:8]}"
        on_server(f'CREATE DATABASE "{name}"')
        urls["PostgreSQL"] = urlunparse(urlparse(PG_URL)._replace(path=f"/{name}"))
    return urls


def drop_scratch(url: str) -> None:
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            pathlib.Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    if url.startswith("postgresql"):
        on_server(f'DROP DATABASE IF EXISTS "{urlparse(url).path.lstrip("/")}" WITH (FORCE)')


def make_app(url: str):
    from portal import create_app

    return create_app({"DATABASE_URL": url, "UPLOAD_PATH": str(WORK / "uploads"), "SERVER_NAME": None})


# --- 1. inbox and case page ----------------------------------------------------------------------


class Target:
    """One database under test: its app, its peewee database object and its query counter. The
    models use one database proxy; `use()` points it at this database."""

    def __init__(self, label: str, url: str):
        self.label, self.url = label, url
        init_database(url)
        with db.connection_context():
            migrations.apply_pending()
        self.app = make_app(url)
        self.database = db.obj
        self.counter = pages.QueryCounter(self.database)

    def use(self) -> Target:
        db.initialize(self.database)
        return self


def snapshot(target: Target, stage: int) -> Target:
    """A copy of the target's database as it is now, to measure beside the later stages. SQLite: the
    online backup API into a file of its own; PostgreSQL: a new database made from this one as its
    template (which needs every connection to it closed first)."""
    if target.url.startswith("sqlite"):
        path = WORK / f"bench-{stage}.db"
        target.use()
        db.connect(reuse_if_open=True)
        copy = sqlite3.connect(path)
        db.connection().backup(copy)
        copy.close()
        db.close()
        return Target(f"{target.label} {stage:,}", f"sqlite:///{path}")
    admin = urlparse(target.url)
    name = f"{admin.path.lstrip('/')}_{stage}"
    target.use()
    if not db.is_closed():
        db.close()
    target.database.close_all()
    on_server(f'CREATE DATABASE "{name}" TEMPLATE "{admin.path.lstrip("/")}"')
    return Target(f"{target.label} {stage:,}", urlunparse(admin._replace(path=f"/{name}")))


def seed_and_measure_pages(targets: list[Target], results: list, snapshots: list[str]) -> None:
    """Per stage: the next cases are built once and written to every database at once (one writer
    thread per database), and every stage but the last is kept as a copy (its url in `snapshots`, for
    the caller to drop). Then the stages of each database are measured together, request by request
    in turn (1 000, 10 000, 100 000, 1 000, ...): a burst of load elsewhere on the machine falls on
    every stage alike instead of on the one being measured, so the growth from stage to stage is the
    portal's own."""
    people = {}
    for target in targets:
        with target.use().app.app_context(), db.connection_context():
            people[target.label] = seed.people()  # same ids in every database
    first = targets[0]
    with first.use().app.app_context():
        seeder = seed.CaseSeeder(people[first.label]["reporters"], clock.utcnow())
    if AUDIT_ENTRIES:  # first, while every database's chain is still empty: one chain fits all of them
        start = time.monotonic()
        for target in targets:
            with target.use().app.app_context(), db.connection_context():
                if AuditEntry.select().exists():
                    raise RuntimeError(f"{target.label}: the audit trail is not empty before seeding")
        with first.use().app.app_context(), db.connection_context():
            actor_ids = [u.id for u in User.select(User.id)]
        seed.audit_entries(
            AUDIT_ENTRIES, actor_ids, list(range(1, min(STAGES[-1], 5000) + 1)), [t.url for t in targets]
        )
        say(
            f"  seeded {AUDIT_ENTRIES:,} audit entries (one hash chain) into {', '.join(t.label for t in targets)} "
            f"in {time.monotonic() - start:.0f} s"
        )
    stages = {t.label: [] for t in targets}  # per database: (stage, its target) in stage order
    done = 0
    for stage in STAGES:
        start = time.monotonic()
        with first.use().app.app_context(), db.connection_context():
            sinks = [seed.Sink(t.database) for t in targets]
            try:
                seeder.add(stage - done, sinks)
                done = stage
                extra = f" (besides {AUDIT_ENTRIES:,} audit entries)" if AUDIT_ENTRIES else ""
            finally:
                for sink in sinks:
                    sink.close()
        for target in targets:  # what the nightly job does (jobs.tasks.refresh_statistics): the night after the load
            with target.use().app.app_context(), db.connection_context():
                refresh_statistics()
            if stage == STAGES[-1]:
                stages[target.label].append((stage, target))
            else:
                copy = snapshot(target, stage)
                snapshots.append(copy.url)
                stages[target.label].append((stage, copy))
        say(
            f"  seeded {stage:,} cases{extra} into {', '.join(t.label for t in targets)} "
            f"in {time.monotonic() - start:.0f} s"
        )
    floor = pages.floor_app().test_client()
    for target in targets:
        paths = {"floor (bare route, 50 rows)": "/floor", "inbox, first page": "/zaken"}
        paths["inbox, filtered (threats, oldest first, page 2)"] = (
            "/zaken?status=all&behaviour_class=threat&sort=oldest&pagina=2"
        )
        paths["case page"] = None  # the newest open case of each stage
        for role in pages.start_page_people(people[target.label]):
            paths[f"start page: {role}"] = "/"
        clients = {}  # stage -> page -> (target, client, path)
        for stage, copy in stages[target.label]:
            with copy.use().app.app_context(), db.connection_context():
                reference = pages.newest_open_reference()
            mayor = pages.logged_in_client(copy.use().app, people[target.label][Role.MAYOR])
            starts = {
                role: pages.logged_in_client(copy.use().app, who)
                for role, who in pages.start_page_people(people[target.label]).items()
            }
            clients[stage] = {
                page: (
                    copy,
                    floor if page.startswith("floor") else starts.get(page.removeprefix("start page: "), mayor),
                    path or f"/zaken/{reference}",
                )
                for page, path in paths.items()
            }
        for page in paths:
            figures = pages.timed_together([clients[stage][page] for stage in clients], ROUNDS)
            for stage, figure in zip(clients, figures, strict=True):
                results.append(
                    (
                        target.label,
                        f"{stage:,}",
                        page,
                        f"{figure['median_ms']:.1f}",
                        f"{figure['p95_ms']:.1f}",
                        figure["queries"],
                        f"{figure['cpu_median_ms']:.1f}",
                        f"{figure['cpu_p95_ms']:.1f}",
                    )
                )
        say(f"  measured {target.label} at every stage ({time.monotonic() - STARTED:.0f} s since start)")
    labels = [t.label for t in targets]
    results.sort(key=lambda r: (labels.index(r[0]), int(r[1].replace(",", ""))))  # stable: pages stay in order


# --- 3. yearly report ------------------------------------------------------------------------------


def yearly_report(target: Target, rows: list) -> None:
    label, app = target.label, target.use().app
    if "annual_report" not in app.blueprints:
        rows.append((label, "not yet: the yearly report (portal/annual_report) is not part of the portal yet", "", ""))
        return
    with app.app_context(), db.connection_context():
        first = Case.select(peewee.fn.MIN(Case.created_at)).scalar()
        last = Case.select(peewee.fn.MAX(Case.created_at)).scalar()
        producer = User.get(User.role == Role.MAYOR.value)
    client = pages.logged_in_client(app, producer)
    period = f"van={clock.to_local(first):%Y-%m}&tot={clock.to_local(last):%Y-%m}"
    for kind, path in (("HTML", "/jaarverslag"), ("CSV", "/jaarverslag.csv"), ("PDF", "/jaarverslag.pdf")):
        start = time.perf_counter()
        response = client.get(f"{path}?{period}")
        seconds = time.perf_counter() - start
        rows.append((label, kind, f"{seconds:.2f}", response.status_code))


# --- 4. audit chain --------------------------------------------------------------------------------


def audit_chains(targets: list[Target], rows: list) -> None:
    """Each database's chain checked in a process of its own, both at once (two cores): time and
    memory are per process."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(targets)) as pool:
        results = list(pool.map(lambda target: load.verify_chain_in_child(target.url), targets))
    for target, result in zip(targets, results, strict=True):
        rows.append(
            (
                target.label,
                f"{result['checked']:,}",
                "intact" if result["intact"] else "BROKEN",
                f"{result['seconds']:.1f}",
                f"{result['baseline_mb']:.0f}",
                f"{result['peak_mb']:.0f}",
                f"{result['peak_mb'] - result['baseline_mb']:.0f}",
            )
        )


def main() -> int:
    seed.TOTAL_CASES = STAGES[-1]
    say(
        f"Veilig Bestuur benchmarks — {platform.node()}: {os.cpu_count()} cores, "
        f"{load.total_memory_mb():,.0f} MB RAM, Python {platform.python_version()}, {platform.platform()}"
    )
    say(f"scratch folder {WORK}")
    urls = scratch_databases()
    snapshots: list[str] = []  # the earlier stages' copies (part 1), dropped at the end
    page_rows, yearly_rows, chain_rows, submit_rows, footprint_rows, reminder_rows = [], [], [], [], [], []
    try:
        targets = [Target(label, url) for label, url in urls.items()]
        say("\n## Seeding and measuring pages")
        seed_and_measure_pages(targets, page_rows, snapshots)
        if ONLY_PAGES:
            say(
                f"\n## 1. Inbox, case page and start pages (server time in ms over {ROUNDS} requests each; queries per page)"
            )
            table(
                ("database", "cases", "page", "median ms", "p95 ms", "queries", "CPU median ms", "CPU p95 ms"),
                page_rows,
            )
            say(pages_verdict(page_rows))
            return 0
        for target in targets:
            yearly_report(target, yearly_rows)
            say(f"  yearly report on {target.label} done ({time.monotonic() - STARTED:.0f} s since start)")
        audit_chains(targets, chain_rows)
        say(f"  audit chains checked ({time.monotonic() - STARTED:.0f} s since start)")
        say(
            f"\n## 1. Inbox, case page and start pages (server time in ms over {ROUNDS} requests each; queries per page)"
        )
        table(("database", "cases", "page", "median ms", "p95 ms", "queries", "CPU median ms", "CPU p95 ms"), page_rows)
        say(pages_verdict(page_rows))

        say("## 3. Yearly report over all seeded cases (target HTML < 2 s at 100 000)")
        table(("database", "format", "seconds", "status"), yearly_rows)

        say("## 4. Audit chain verification (models.audit.verify_chain, in its own process)")
        table(("database", "entries", "result", "seconds", "RSS before MB", "peak RSS MB", "growth MB"), chain_rows)

        for label, url in urls.items():
            say(f"## 2. Submitting reports: {label} ({SUBMIT_SECONDS} s, 20 clients, gunicorn 2 workers)")
            submit_rows.append(load.submissions(label, url, WORK, SUBMIT_SECONDS, footprint_rows))
        table(
            ("database", "reports", "reports/s", "errors", "acknowledged", "present afterwards", "p95 s/report"),
            submit_rows,
        )

        say("## 5. Reminders: 10 000 deadlines due at once (SQLite, consumer `python -m jobs`, local SMTP)")
        reminder_rows.append(load.reminders(WORK, footprint_rows))
        table(("deadlines", "mails", "seconds", "mails/s", "sent once", "sent twice", "missing"), reminder_rows)

        say("## 6. Footprint (resident memory)")
        table(("process", "RSS MB"), footprint_rows)
        say(load.footprint_verdict(footprint_rows))
    finally:
        for url in [*urls.values(), *snapshots]:
            try:
                db.obj.close_all() if hasattr(db.obj, "close_all") else None
                drop_scratch(url)
            except Exception as error:  # noqa: BLE001 - cleaning up must not hide the figures
                say(f"(could not drop {url}: {error})")
    say(f"\nmake bench took {time.monotonic() - STARTED:.0f} s")
    return 0


def pages_verdict(rows) -> str:
    lines = []
    for label in dict.fromkeys(r[0] for r in rows):
        mine = [r for r in rows if r[0] == label]
        last = STAGES[-1]
        floor = float(next(r[4] for r in mine if r[1] == f"{last:,}" and r[2].startswith("floor")))
        start_pages = [p for p in dict.fromkeys(r[2] for r in mine) if p.startswith("start page")]
        for page in ("inbox, first page", "inbox, filtered (threats, oldest first, page 2)", "case page", *start_pages):
            small = float(next(r[4] for r in mine if r[1] == f"{STAGES[0]:,}" and r[2] == page))
            large = float(next(r[4] for r in mine if r[1] == f"{last:,}" and r[2] == page))
            ratio_floor, growth = large / floor, large / small
            verdict = "met" if ratio_floor <= 3 else "MISSED"
            if page != "inbox, first page" and not page.startswith("inbox"):
                verdict = "no target, shown for comparison"
            if page == "case page":  # issue 15: at most 6x the floor, in at most 15 queries
                queries = int(next(r[5] for r in mine if r[1] == f"{last:,}" and r[2] == page))
                lines.append(
                    f"{label} case page: p95 at {last:,} = {ratio_floor:.1f}x floor (target <= 6x: "
                    f"{'met' if ratio_floor <= 6 else 'MISSED'}); {queries} queries (target <= 15: "
                    f"{'met' if queries <= 15 else 'MISSED'})"
                )
            cpu_floor = float(next(r[7] for r in mine if r[1] == f"{last:,}" and r[2].startswith("floor")))
            cpu_small = float(next(r[7] for r in mine if r[1] == f"{STAGES[0]:,}" and r[2] == page))
            cpu_large = float(next(r[7] for r in mine if r[1] == f"{last:,}" and r[2] == page))
            lines.append(
                f"{label} {page}: CPU p95 at {last:,} = {cpu_large / cpu_floor:.1f}x the floor's; "
                f"{STAGES[0]:,} -> {last:,} growth {cpu_large / cpu_small:.2f}x (the portal process's own time)"
            )
            lines.append(
                f"{label} {page}: p95 at {last:,} = {ratio_floor:.1f}x floor (target <= 3x for the inbox: "
                f"{verdict}); {STAGES[0]:,} -> {last:,} growth {growth:.2f}x (target <= 1.5x: "
                f"{'met' if growth <= 1.5 else 'MISSED'})"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
