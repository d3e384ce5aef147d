"""Benchmarks that run the portal's real processes: gunicorn under 20 concurrent reporters, the
Huey consumer sending 10 000 reminders, the audit-chain check in its own process, and their memory."""

from __future__ import annotations

import datetime as dt
import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from email import message_from_bytes, policy

REPO = pathlib.Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40


def total_memory_mb() -> float:
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(url: str, work: pathlib.Path, **extra) -> dict:
    env = dict(os.environ, PORTAL_DATABASE_URL=url, PORTAL_UPLOAD_PATH=str(work / "uploads"), PYTHONPATH=str(REPO))
    env.update(extra)
    return env


# --- 4. the audit chain, checked in a process of its own (its peak memory is the figure) ----------

VERIFY = """
import json, sys, time
from portal import create_app
from models.db import db
from models import audit

def memory_mb(field):  # of this process only (ru_maxrss would carry the parent's peak over the fork)
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024

create_app({"DATABASE_URL": sys.argv[1]})
with db.connection_context():
    baseline = memory_mb("VmHWM")
    start = time.perf_counter()
    report = audit.verify_chain()
    seconds = time.perf_counter() - start
print(json.dumps({"checked": report.checked, "intact": report.intact, "seconds": seconds, "baseline_mb": baseline,
                  "peak_mb": memory_mb("VmHWM")}))
"""


def verify_chain_in_child(url: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", VERIFY, url],
        cwd=REPO,
        env=_env(url, pathlib.Path("/tmp")),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- 2. submitting reports through gunicorn --------------------------------------------------------


def _wait_for(url: str, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


class Browser:
    """One reporter with a cookie and the session's CSRF token, over plain HTTP."""

    def __init__(self, base: str):
        self.base, self.cookie, self.csrf = base, "", ""

    def request(self, path, fields=None, files=None):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        data = None
        if fields is not None:
            fields = dict(fields, csrf_token=self.csrf)
            boundary = uuid.uuid4().hex
            parts = []
            for name, values in fields.items():
                for value in values if isinstance(values, list) else [values]:
                    parts.append(
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                    )
            for name, (filename, content) in (files or {}).items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    f"Content-Type: image/png\r\n\r\n".encode()
                    + content
                    + b"\r\n"
                )
            data = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        request = urllib.request.Request(
            self.base + path, data=data, headers=headers, method="POST" if data is not None else "GET"
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            response = opener.open(request, timeout=60)
        except urllib.error.HTTPError as answer:
            response = answer
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookie = header.split(";", 1)[0]
        body = response.read().decode("utf-8", "replace")
        token = re.search(r'name="csrf_token" value="([^"]+)"', body)
        if token:
            self.csrf = token.group(1)
        return response.status, response.headers.get("Location", ""), body


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _log_in(browser: Browser, email: str, password: str, secret: str) -> None:
    import pyotp

    browser.request("/login")
    status, _, _ = browser.request("/login", {"email": email, "password": password, "code": pyotp.TOTP(secret).now()})
    if status != 302:
        raise RuntimeError(f"login failed for {email}: {status}")
    browser.request("/melden")


REQUESTS_PER_REPORT = 6  # the start and five steps (see _file_one)


def _file_one(browser: Browser) -> str | None:
    """One report through the flow as tests/conftest.py's `file_report` posts it: an online threat
    with a screenshot. Each step must answer with a redirect to the next one (a step that renders
    again did not validate), the last with the case's confirmation."""
    from models import scheme

    status, location, _ = browser.request("/melden", {"kind": "report"})
    if status != 302:
        return None
    base = urllib.parse.urlparse(location).path.rsplit("/", 1)[0]
    behaviours = ["threatening"]
    steps = [
        (
            "wat",
            {
                "situations": scheme.situations_of(behaviours),
                "behaviours": behaviours,
                "after_addressed": "persisted",
                "recurring": "no",
            },
            None,
        ),
        (
            "wanneer",
            {
                "occurred_date": "2026-03-02",
                "occurred_time": "21:30",
                "channel": "social_media",  # not a meeting: no meeting step
                "target": "self",
                "narrative": "Hij schreef dat hij mij thuis weet te vinden.",
            },
            None,
        ),
        (
            "bewijs",
            {
                "platform": "X",
                "sender_account": "@boos",
                "urls": "https://x.example/status/1",
                "message_date": "2026-03-02",
                "reported_to_platform": "yes",
            },
            {"files": ("scherm.png", PNG)},
        ),
        ("wie", {"perpetrator_known": "yes", "perpetrator_name": "Piet Boos"}, None),
        ("versturen", {"consent_police_report": "yes", "consent_inform_others": "no"}, None),
    ]
    for n, (name, fields, files) in enumerate(steps):
        status, location, _ = browser.request(f"{base}/{name}", fields, files)
        if status != 302:
            return None
        if n + 1 < len(steps) and not urllib.parse.urlparse(location).path.endswith(f"/{steps[n + 1][0]}"):
            return None  # sent somewhere else than the next step
    match = re.search(r"/mijn-meldingen/(VB-\d{4}-\d+)", location)
    return match.group(1) if match else None


def submissions(label: str, url: str, work: pathlib.Path, seconds: int, footprint: list) -> tuple:
    from models.accounts import User
    from models.cases import Case
    from models.db import db, init_database

    init_database(url)
    with db.connection_context():
        reporters = list(User.select().where(User.email.startswith("holder")).order_by(User.id).limit(20))
        before = Case.select().count()
    port = _free_port()
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "app:app"],
        cwd=REPO,
        env=_env(url, work),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    acknowledged, errors, durations, lock = [], [0], [], threading.Lock()
    try:
        _wait_for(f"http://127.0.0.1:{port}/health")
        stop_at = [0.0]

        def reporter(person):
            browser = Browser(f"http://127.0.0.1:{port}")
            try:
                _log_in(browser, person.email, "bench-wachtwoord-lang-genoeg", person.totp_secret)
            except Exception:  # noqa: BLE001 - counted, the run goes on
                with lock:
                    errors[0] += 1
                return
            while time.monotonic() < stop_at[0]:
                start = time.monotonic()
                try:
                    reference = _file_one(browser)
                except OSError:
                    reference = None
                with lock:
                    if reference:
                        acknowledged.append(reference)
                        durations.append(time.monotonic() - start)
                    else:
                        errors[0] += 1

        stop_at[0] = time.monotonic() + seconds
        threads = [threading.Thread(target=reporter, args=(person,)) for person in reporters]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        workers = _children(web.pid)
        per_worker = len(acknowledged) * REQUESTS_PER_REPORT // max(len(workers), 1)
        for n, pid in enumerate(workers):
            footprint.append(
                (
                    f"{label}: gunicorn worker {n + 1} after {per_worker:,}+ requests",
                    f"{rss_mb(pid):.0f}",
                )
            )
        footprint.append((f"{label}: gunicorn master", f"{rss_mb(web.pid):.0f}"))
    finally:
        web.terminate()
        web.wait(timeout=30)
    with db.connection_context():
        present = Case.select().where(Case.reference.in_(acknowledged)).count() if acknowledged else 0
        total = Case.select().count() - before
    durations.sort()
    p95 = durations[int(len(durations) * 0.95) - 1] if durations else 0
    return (
        label,
        total,
        f"{len(acknowledged) / elapsed:.1f}",
        errors[0],
        len(acknowledged),
        f"{present} of {len(acknowledged)}",
        f"{p95:.2f}",
    )


def _children(pid: int) -> list[int]:
    path = pathlib.Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


# --- 5. reminders ------------------------------------------------------------------------------


def reminders(work: pathlib.Path, footprint: list, count: int = 10_000) -> tuple:
    """A municipality of 40 people; 2 500 cases with 4 deadlines each, all due now."""
    from aiosmtpd.controller import Controller

    import jobs
    from bench import seed
    from models import clock, deadlines, migrations
    from models.accounts import Role, User
    from models.cases import Case
    from models.db import db
    from models.deadlines import Deadline, DeadlineKind
    from models.outbox import OutboxMessage, message_id_header
    from portal import create_app

    url = f"sqlite:///{work / 'reminders.db'}"
    create_app({"DATABASE_URL": url})
    with db.connection_context():
        migrations.apply_pending()
        people = seed.people()
        seeder = seed.CaseSeeder(people["reporters"][:34], clock.utcnow())
        User.delete().where(
            User.email.startswith("holder") & ~User.id.in_([r.id for r in people["reporters"][:34]])
        ).execute()
        sink = seed.Sink(db.obj)
        seeder.add(count // 4, [sink])
        sink.close()
        now = clock.utcnow()
        Deadline.update(done_at=now).where(Deadline.done_at.is_null()).execute()
        for case in Case.select():
            for n in range(4):
                deadlines.schedule(
                    case,
                    DeadlineKind.BAN_ENDING,
                    now + dt.timedelta(days=1),
                    now - dt.timedelta(minutes=1),
                    {Role.MAYOR},
                    object_id=n,
                )  # one mail each
        due = len(deadlines.due_reminders(clock.utcnow()))

    received = []

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope.content)
            return "250 OK"

    port = _free_port()
    smtp = Controller(Sink(), hostname="127.0.0.1", port=port)
    smtp.start()
    huey_url = os.environ["PORTAL_HUEY_URL"]  # the queue jobs.huey of this process writes to
    jobs.huey.flush()  # tasks left by the submissions run (mails of the other databases) are not measured here
    consumer = subprocess.Popen(
        [sys.executable, "-m", "jobs"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(url, work, PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=str(port), PORTAL_HUEY_URL=huey_url),
    )
    try:
        time.sleep(3)
        footprint.append(("Huey consumer, idle", f"{rss_mb(consumer.pid):.0f}"))
        from jobs import tasks

        jobs.huey.immediate = False
        tasks.send_due_reminders()  # what the consumer's minute-by-minute schedule does
        start = time.monotonic()
        expected = None
        peak = 0.0
        while time.monotonic() - start < 400:
            peak = max(peak, rss_mb(consumer.pid))
            with db.connection_context():
                expected = OutboxMessage.select().where(OutboxMessage.kind == "deadline_reminder").count()
                unsent = OutboxMessage.select().where(OutboxMessage.sent_at.is_null()).count()
            if (
                expected
                and unsent == 0
                and len(received) >= expected
                and due
                and Deadline.select().where(Deadline.reminded_at.is_null()).count() == 0
            ):
                break
            time.sleep(0.5)
        seconds = time.monotonic() - start
        footprint.append(
            ("Huey consumer, busy (peak while sending)", f"{max(peak, rss_mb(consumer.pid, 'VmHWM')):.0f}")
        )
    finally:
        consumer.terminate()
        consumer.wait(timeout=30)
        smtp.stop()
    # Each mail is mapped to its outbox row by the Message-ID the portal computes for that row
    # (models.outbox.message_id_header, the same on a resend), with the sender the mail came from.
    with db.connection_context():
        rows = list(OutboxMessage.select().where(OutboxMessage.kind == "deadline_reminder"))
    row_of, per_row, unknown = {}, {}, 0
    for content in received:
        mail = message_from_bytes(content, policy=policy.default)
        sender = str(mail["From"])
        if sender not in row_of:
            row_of[sender] = {message_id_header(row, sender): row.id for row in rows}
        row_id = row_of[sender].get(str(mail["Message-ID"]).strip())
        if row_id is None:
            unknown += 1
        else:
            per_row[row_id] = per_row.get(row_id, 0) + 1
    once = sum(1 for n in per_row.values() if n == 1)
    twice = sum(1 for n in per_row.values() if n > 1)
    if unknown:
        print(f"{unknown} mails match no reminder in the outbox")
    return (
        f"{due:,}",
        f"{len(received):,}",
        f"{seconds:.0f}",
        f"{len(received) / seconds:.0f}",
        f"{once:,}",
        twice,
        len(rows) - len(per_row),
    )


def footprint_verdict(rows) -> str:
    web = [float(r[1]) for r in rows if "worker" in r[0]]
    masters = [float(r[1]) for r in rows if "master" in r[0]]
    consumer = [float(r[1]) for r in rows if "busy" in r[0]]
    if not (web and consumer):
        return ""
    whole = 2 * max(web) + max(masters or [0]) + max(consumer)
    return (
        f"The portal as deployed (gunicorn master + 2 workers + the consumer): about {whole:.0f} MB, "
        f"{'well within' if whole < 500 else 'NOT within'} a 1 GB server (PostgreSQL, nginx and the OS need the rest).\n"
    )
