"""When things break, nothing is lost and nothing happens twice: the web process killed while saving a
report, the job consumer killed while sending reminders, the database gone for a moment, a full disk
while storing evidence, and someone guessing passwords from one address. A mail is sent again only when
the consumer dies just as the mail server accepted it, and then as the same mail (one Message-ID)."""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import io
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import peewee
import pytest

from models import clock, deadlines, outbox
from models.accounts import Role
from models.aftercare import Conversation
from models.audit import AuditEntry
from models.cases import Case, CaseAccess, CaseEvent, Draft, Evidence
from models.db import db
from models.deadlines import Deadline, DeadlineKind
from models.outbox import CLAIM_LEASE, OutboxMessage
from tests.conftest import PNG_SCREENSHOT

REPO = pathlib.Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until(condition, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def _portal_env(database_url, tmp_path, smtp_server, **extra) -> dict:
    controller, _ = smtp_server
    env = dict(
        os.environ,
        PORTAL_DATABASE_URL=database_url,
        PORTAL_UPLOAD_PATH=str(tmp_path / "uploads"),
        PORTAL_HUEY_URL=os.environ["PORTAL_HUEY_URL"],
        PORTAL_SMTP_HOST=controller.hostname,
        PORTAL_SMTP_PORT=str(controller.port),
        PYTHONPATH=f"{REPO}{os.pathsep}{tmp_path}",
    )
    env.update(extra)
    return env


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


# --- 1. the web process killed while saving a report --------------------------------------------

# The portal as gunicorn would run it, except that filing stops half way: the case, its access and
# its aftercare are written inside the transaction, then the process waits to be killed.
HALTING_PORTAL = """
import os, pathlib, time
from models import registration

_plan = registration._plan

def _plan_then_halt(case):
    _plan(case)
    pathlib.Path(os.environ["HALTED_FILE"]).write_text(str(case.id))
    time.sleep(120)

registration._plan = _plan_then_halt
from app import app
app.config["WTF_CSRF_ENABLED"] = False  # this test is about the process dying, not about forms
"""


def test_a_report_is_wholly_there_or_absent_when_the_web_process_is_killed_while_saving(
    app, client, create_user, login, file_report, smtp_server, database_url, tmp_path
):
    reporter = create_user(Role.COUNCIL_MEMBER)
    create_user(Role.MAYOR), create_user(Role.CLERK)
    login(client, reporter)
    token = _draft_filled_up_to_the_last_step(app, client, file_report)

    (tmp_path / "halting_portal.py").write_text(HALTING_PORTAL)
    halted, port = tmp_path / "halted", _free_port()
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "halting_portal",
            "run",
            "--port",
            str(port),
            "--no-reload",
            "--no-debugger",
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_portal_env(database_url, tmp_path, smtp_server, HALTED_FILE=str(halted)),
    )
    try:
        _wait_until(lambda: _answers(f"http://127.0.0.1:{port}/health"), what="the web process")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/melden/{token}/versturen",
            method="POST",
            data=urllib.parse.urlencode({"consent_police_report": "yes", "consent_inform_others": "no"}).encode(),
            headers={"Cookie": f"portal={client.get_cookie('portal').value}"},
        )
        threading.Thread(target=_send_ignoring_errors, args=(request,), daemon=True).start()
        _wait_until(halted.exists, what="the save to be half way")
        _kill(web)
    finally:
        if web.poll() is None:
            _kill(web)

    with app.app_context():
        db.connect(reuse_if_open=True)
        assert Case.select().count() == 0
        assert CaseAccess.select().count() == CaseEvent.select().count() == 0
        assert Deadline.select().count() == Conversation.select().count() == 0
        assert OutboxMessage.select().count() == 0
        assert AuditEntry.select().where(AuditEntry.action == "case_submitted").count() == 0
        draft = Draft.get(Draft.token == token)
        assert draft.case_id is None
        assert draft.values["narrative"] == "Hij schreef dat hij mij thuis weet te vinden."
        assert [e.filename for e in Evidence.select().where(Evidence.draft == draft.id)] == ["screenshot.png"]
        db.close()

    # The reporter sends it again: one case, complete.
    response = client.post(
        f"/melden/{token}/versturen", data={"consent_police_report": "yes", "consent_inform_others": "no"}
    )
    assert response.status_code == 302 and "/mijn-meldingen/VB-" in response.headers["Location"]
    with app.app_context():
        db.connect(reuse_if_open=True)
        case = Case.get()
        assert Case.select().count() == 1
        assert case.narrative == "Hij schreef dat hij mij thuis weet te vinden."
        assert Evidence.select().where(Evidence.case == case.id).count() == 1
        assert Deadline.select().where(Deadline.case == case.id).count() > 0
        db.close()


def _draft_filled_up_to_the_last_step(app, client, file_report) -> str:
    """All steps but the last through the form; the token of the draft."""
    seen = {}
    real_post = client.post

    def stop_before_sending(url, *args, **kwargs):
        if url.endswith("/versturen"):
            seen["token"] = re.search(r"/melden/([^/]+)/versturen", url).group(1)
            raise _StopBeforeSending
        return real_post(url, *args, **kwargs)

    client.post = stop_before_sending
    try:
        file_report(client)
    except _StopBeforeSending:
        pass
    finally:
        client.post = real_post
    return seen["token"]


class _StopBeforeSending(Exception):
    pass


def _answers(url) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def _send_ignoring_errors(request):
    try:
        urllib.request.urlopen(request, timeout=60)
    except OSError:
        pass  # the server died: the browser would show a connection error


# --- 2. the job consumer killed in the middle of a reminder run ----------------------------------


def test_reminders_are_all_sent_once_when_the_consumer_is_killed_half_way_and_restarted(
    app, create_user, login, file_report, mailbox, smtp_server, database_url, tmp_path, monkeypatch
):
    import jobs
    from jobs import tasks

    reporter, mayor, clerk = create_user(Role.COUNCIL_MEMBER), create_user(Role.MAYOR), create_user(Role.CLERK)
    client = app.test_client()
    login(client, reporter)
    reference = file_report(client)
    with app.app_context():
        db.connect(reuse_if_open=True)
        case = Case.get(Case.reference == reference)
        now = clock.utcnow()
        for n in range(15):  # 15 deadlines due now, each reminding the mayor and the clerk: 30 mails
            deadlines.schedule(
                case,
                DeadlineKind.BAN_ENDING,
                now + dt.timedelta(days=1),
                now - dt.timedelta(minutes=1),
                {Role.MAYOR, Role.CLERK},
                object_id=1000 + n,
            )
        db.close()
    mailbox.messages.clear()

    # The mail server holds the 8th message until the consumer is dead; it then refuses it, as a mail
    # server does with a message whose sender disappeared before it was accepted.
    in_flight, consumer_dead = threading.Event(), threading.Event()
    received = {"n": 0}

    async def handle_data(server, session, envelope):
        received["n"] += 1
        if received["n"] == 8:
            in_flight.set()
            while not consumer_dead.is_set():
                await asyncio.sleep(0.01)
            return "451 Connection lost before the message was accepted"
        return await type(mailbox).handle_DATA(mailbox, server, session, envelope)

    monkeypatch.setattr(mailbox, "handle_DATA", handle_data, raising=False)
    jobs.huey.immediate = False  # from here on tasks go to the queue the consumer reads
    jobs.huey.flush()
    env = _portal_env(database_url, tmp_path, smtp_server)

    first = _consumer(env)
    try:
        tasks.send_due_reminders()  # as the consumer's minute-by-minute schedule would
        assert in_flight.wait(30), "the consumer did not start sending"
        _kill(first)
    finally:
        if first.poll() is None:
            _kill(first)
        consumer_dead.set()

    with app.app_context():
        db.connect(reuse_if_open=True)
        assert len(mailbox.messages) == 7
        reminders = OutboxMessage.select().where(OutboxMessage.kind == "deadline_reminder")
        assert reminders.count() == 30
        assert reminders.where(OutboxMessage.sent_at.is_null(False)).count() == 7
        # Five minutes later the claim of the message that was being sent has run out.
        abandoned = reminders.where(OutboxMessage.claimed_at.is_null(False) & OutboxMessage.sent_at.is_null())
        assert abandoned.count() == 1
        (
            OutboxMessage.update(claimed_at=clock.utcnow() - CLAIM_LEASE - dt.timedelta(seconds=1))
            .where(OutboxMessage.id.in_([m.id for m in abandoned]))
            .execute()
        )
        db.close()

    second = _consumer(env)
    try:
        tasks.send_due_reminders()
        tasks.deliver_pending_mail()
        _wait_until(lambda: len(mailbox.messages) >= 30, what="every reminder")
        time.sleep(0.5)  # anything sent twice would arrive now
    finally:
        _kill(second)

    reminders = [
        m for m in mailbox.messages if "Einde van een ontzegging: verlengen of laten aflopen" in m.get_content()
    ]
    assert len(mailbox.messages) == len(reminders) == 30
    assert len({m["Message-ID"] for m in reminders}) == 30
    assert sorted(m["To"] for m in reminders) == sorted([mayor.email, clerk.email] * 15)
    with app.app_context():
        db.connect(reuse_if_open=True)
        assert OutboxMessage.select().where(OutboxMessage.sent_at.is_null()).count() == 0
        assert Deadline.select().where((Deadline.kind == "ban_ending") & Deadline.reminded_at.is_null()).count() == 0
        db.close()


def _consumer(env) -> subprocess.Popen:
    # One worker: the periodic reminder run and an enqueued one never overlap, so the test can
    # count the mails the SMTP server held back exactly (the exactly-once rule itself is tested
    # with two consumers at once in tests/test_reminders.py).
    env = dict(env, PORTAL_HUEY_WORKERS="1")
    return subprocess.Popen(
        [sys.executable, "-m", "jobs"], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


# --- 3. the database unavailable for a moment ----------------------------------------------------


def test_requests_fail_with_a_clear_page_while_the_database_is_gone_and_recover_by_themselves(
    make_app, create_user, login, database_url
):
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite is a file opened by the process itself: there is no database server to lose")
    mayor = create_user(Role.MAYOR)
    with _TcpProxy(urllib.parse.urlparse(database_url)) as proxy:
        app = make_app(DATABASE_URL=proxy.url)  # the portal reaches PostgreSQL through a line we can cut
        client = app.test_client()
        login(client, mayor)
        assert client.get("/zaken").status_code == 200

        _cut_the_portal_s_connections(database_url)  # what a PostgreSQL restart does
        assert client.get("/zaken").status_code == 200  # the pool noticed and connected afresh

        proxy.stop()  # the database is gone
        response = client.get("/zaken")
        body = response.get_data(as_text=True)
        assert response.status_code == 503
        assert "Het portaal is even niet bereikbaar" in body and "Probeer het over een minuut opnieuw" in body
        assert "Traceback" not in body and "psycopg2" not in body and "connection" not in body.lower()

        proxy.start()  # back: the same process serves again, nobody restarted it
        assert client.get("/zaken").status_code == 200


class _TcpProxy:
    """A line between the portal and PostgreSQL that can be cut (listener and every connection)."""

    def __init__(self, target):
        self.target = (target.hostname, target.port or 5432)
        self.port = _free_port()
        self.url = target._replace(netloc=f"{target.username}@127.0.0.1:{self.port}").geturl()
        self._sockets, self._listener = [], None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def stop(self):
        for sock in [self._listener, *self._sockets]:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self._sockets = []

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self._sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def _cut_the_portal_s_connections(database_url):
    url = urllib.parse.urlparse(database_url)
    admin = peewee.PostgresqlDatabase(
        "postgres", user=url.username, password=url.password, host=url.hostname, port=url.port
    )
    with admin.connection_context():
        cut = admin.execute_sql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (url.path.lstrip("/"),),
        ).fetchone()[0]
    assert cut >= 1


# --- 4. the disk full while storing evidence -----------------------------------------------------


def test_a_full_disk_while_storing_evidence_gives_a_clear_message_and_keeps_the_form(
    app, client, create_user, login, tmp_path, monkeypatch
):
    import models.evidence

    login(client, create_user(Role.ALDERMAN))
    draft_url = client.post("/melden", data={"kind": "report"}).headers["Location"].rsplit("/", 1)[0]
    # A message on Facebook: the online questions are asked only for an online channel.
    client.post(f"{draft_url}/wanneer", data={"occurred_date": "2026-11-20", "channel": "social_media"})
    written = {}
    real_fsync = os.fsync

    def disk_full(fd):
        written["bytes"] = os.fstat(fd).st_size  # the half file exists at this point
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(models.evidence.os, "fsync", disk_full)
    response = client.post(
        f"{draft_url}/bewijs",
        content_type="multipart/form-data",
        data={
            "platform": "Facebook",
            "sender_account": "@dreiger",
            "urls": "https://fb.example/post/9",
            "files": [(io.BytesIO(PNG_SCREENSHOT), "dreigbericht.png")],
        },
    )
    monkeypatch.setattr(models.evidence.os, "fsync", real_fsync)

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "dreigbericht.png: Het bestand kon niet worden opgeslagen" in body
    assert "wat u verder heeft ingevuld is bewaard" in body
    assert "@dreiger" in body and "https://fb.example/post/9" in body  # the form as it was
    assert written["bytes"] > 0
    assert list((tmp_path / "uploads").iterdir()) == []  # no half file, under any name
    with app.app_context():
        db.connect(reuse_if_open=True)
        assert Evidence.select().count() == 0
        assert Draft.get().values["sender_account"] == "@dreiger"
        db.close()

    # Space again: the same upload works.
    again = client.post(
        f"{draft_url}/bewijs",
        content_type="multipart/form-data",
        data={
            "platform": "Facebook",
            "sender_account": "@dreiger",
            "urls": "https://fb.example/post/9",
            "files": [(io.BytesIO(PNG_SCREENSHOT), "dreigbericht.png")],
        },
    )
    assert again.status_code == 302
    assert len(list((tmp_path / "uploads").iterdir())) == 1


# --- 5. fifty failed logins from one address, across accounts ------------------------------------


def test_fifty_failed_logins_from_one_address_are_throttled_and_the_owners_still_log_in(app, create_user, login):
    people = [create_user(Role.COUNCIL_MEMBER) for _ in range(10)]
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.66"
    answers = [login(attacker, people[n % 10], password="geraden-wachtwoord-123").status_code for n in range(50)]
    assert answers[:30] == [401] * 30  # the address may guess 30 times an hour (setting), over ten accounts
    assert answers[30:] == [429] * 20
    throttled = login(attacker, people[0], code="000000")  # the right password with a wrong code
    assert throttled.status_code == 429 and "vaak geprobeerd in te loggen" in throttled.get_data(as_text=True)
    assert login(attacker, people[1]).status_code == 302  # the right pair gets in, even from that address

    for person in people:  # each owner, from their own address
        own = app.test_client()
        own.environ_base["REMOTE_ADDR"] = "198.51.100.7"
        assert login(own, person).status_code == 302
    with app.app_context():
        db.connect(reuse_if_open=True)
        assert AuditEntry.select().where(AuditEntry.action == "login_throttled").count() == 21
        db.close()


# --- 6. the consumer killed just after the mail server accepted a mail ---------------------------


def _message_id_header(raw: bytes) -> bytes:
    """The Message-ID header exactly as it went over the wire (folded lines included)."""
    return re.search(rb"^Message-ID:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*", raw, re.MULTILINE | re.IGNORECASE).group()


def test_a_mail_sent_again_after_the_consumer_died_as_it_was_accepted_has_the_same_message_id(
    app, db_session, mailbox, smtp_server, database_url, tmp_path, monkeypatch
):
    message = outbox.queue(
        "burgemeester@gemeente-test.nl",
        "Nieuwe melding in Veilig Bestuur",
        "Log in om te zien wat er nodig is:\nhttp://portal.test/zaken/VB-2026-0001\n",
        "new_case",
    )
    accepted, consumers = [], []

    async def accept_then_kill_the_first_consumer(server, session, envelope):
        accepted.append(envelope.original_content)
        if len(accepted) == 1:  # the mail server has the message; the consumer dies before it hears "250"
            _kill(consumers[0])
        return "250 OK"

    monkeypatch.setattr(mailbox, "handle_DATA", accept_then_kill_the_first_consumer, raising=False)
    env = _portal_env(database_url, tmp_path, smtp_server, PORTAL_HUEY_URL=f"sqlite:///{tmp_path / 'queue.db'}")
    consumers.append(_consumer(env))  # its schedule's first round, at start, delivers what is pending
    try:
        _wait_until(lambda: consumers[0].poll() is not None, timeout=90, what="the consumer to be killed")
    finally:
        if consumers[0].poll() is None:
            _kill(consumers[0])
    row = OutboxMessage.get_by_id(message.id)
    assert len(accepted) == 1 and row.sent_at is None and row.claimed_at is not None

    # The claim runs out; the next consumer sends it again: the receiver can tell it is the same mail.
    (
        OutboxMessage.update(claimed_at=clock.utcnow() - CLAIM_LEASE - dt.timedelta(seconds=1))
        .where(OutboxMessage.id == message.id)
        .execute()
    )
    consumers.append(_consumer(env))
    try:
        _wait_until(
            lambda: OutboxMessage.get_by_id(message.id).sent_at is not None, timeout=90, what="the mail sent again"
        )
    finally:
        _kill(consumers[1])
    assert len(accepted) == 2
    first, again = accepted
    assert _message_id_header(again) == _message_id_header(first)
    assert again == first  # the same mail byte for byte: Message-ID, Date and all


# --- 7. the database connection lost just as the mail server accepted a mail ---------------------

CONSUMER_APPLICATION = "vb-consumer-under-test"


def test_a_mail_is_marked_sent_once_when_the_database_connection_drops_as_it_is_accepted(
    app, db_session, mailbox, smtp_server, database_url, tmp_path, monkeypatch
):
    """PostgreSQL: the consumer's connections are terminated (a database restart or a dropped line).
    SQLite: another writer holds the database longer than the consumer waits ("database is locked").
    Either way the consumer's next statement fails; it must still record that the mail went out, so it
    goes once."""
    message = outbox.queue(
        "griffier@gemeente-test.nl",
        "Nieuw bericht in Veilig Bestuur",
        "Log in om het te lezen:\nhttp://portal.test/mijn-meldingen/VB-2026-0001\n",
        "new_message",
    )
    accepted, released = [], threading.Event()
    on_postgres = not database_url.startswith("sqlite")

    def hold_the_database_lock(path):
        import sqlite3

        blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        blocker.execute("BEGIN IMMEDIATE")
        threading.Thread(target=_release_later, args=(blocker, released), daemon=True).start()

    async def accept_and_cut_the_database(server, session, envelope):
        accepted.append(envelope.original_content)
        if len(accepted) == 1:
            if on_postgres:
                _terminate_backends(database_url, CONSUMER_APPLICATION)
            else:
                hold_the_database_lock(urllib.parse.urlparse(database_url).path[1:])
        return "250 OK"

    monkeypatch.setattr(mailbox, "handle_DATA", accept_and_cut_the_database, raising=False)
    consumer_url = f"{database_url}?application_name={CONSUMER_APPLICATION}" if on_postgres else database_url
    env = _portal_env(consumer_url, tmp_path, smtp_server, PORTAL_HUEY_URL=f"sqlite:///{tmp_path / 'queue.db'}")
    consumer = _consumer(env)
    try:
        _wait_until(
            lambda: OutboxMessage.get_by_id(message.id).sent_at is not None,
            timeout=90,
            what="the mail to be marked sent",
        )
        assert consumer.poll() is None  # it survived the lost connection
        time.sleep(1)  # anything sent twice would arrive now
    finally:
        released.set()
        _kill(consumer)
    assert len(accepted) == 1
    assert OutboxMessage.get_by_id(message.id).attempts == 1


def _release_later(blocker, released, hold=11.0):
    """Longer than the consumer's busy timeout (10 s, models.db): its statement fails, a retry succeeds."""
    released.wait(hold)
    blocker.execute("ROLLBACK")
    blocker.close()


def _terminate_backends(database_url, application_name):
    url = urllib.parse.urlparse(database_url)
    admin = peewee.PostgresqlDatabase(
        "postgres", user=url.username, password=url.password, host=url.hostname, port=url.port
    )
    with admin.connection_context():
        pids = [
            row[0]
            for row in admin.execute_sql(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
                (url.path.lstrip("/"), application_name),
            ).fetchall()
        ]
        assert pids, "the consumer has no connection to cut"
        admin.execute_sql("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", (pids,))
        _wait_until(
            lambda: (
                not admin.execute_sql("SELECT 1 FROM pg_stat_activity WHERE pid = ANY(%s::int[])", (pids,)).fetchall()
            ),
            what="the connections to be gone",
        )
