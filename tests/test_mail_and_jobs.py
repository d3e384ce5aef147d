"""E-mail goes over SMTP through Huey; notifications carry no content; periodic jobs run. The Huey consumer
sends every mail without the web app, in each recipient's language, with links to the portal's pages."""

import dataclasses
import datetime as dt
import os
import pathlib
import re
import subprocess
import sys
import time

import pytest
from babel.dates import format_datetime

from models import audit, clock, outbox
from models.accounts import LoginFailure, LoginSession, Role
from models.audit import AuditEntry
from models.outbox import OutboxMessage

REPO = pathlib.Path(__file__).resolve().parent.parent


def test_a_broken_audit_chain_warns_the_admins_by_mail_without_details(app, db_session, create_user, mailbox):
    admin = create_user(Role.ADMIN)
    create_user(Role.CLERK)
    entries = [audit.record("login", actor_id=admin.id, detail="case VB-2026-0001") for _ in range(3)]
    AuditEntry.update(detail="changed").where(AuditEntry.id == entries[1].id).execute()
    from jobs.tasks import verify_audit_chain

    verify_audit_chain.call_local()
    [mail] = mailbox.messages
    assert mail["To"] == admin.email
    body = mail.get_content()
    assert f"regel {entries[1].id}" in body
    assert "VB-2026-0001" not in body and "changed" not in body  # no content of the trail in the mail


def test_a_mail_is_sent_once_even_when_delivered_twice(app, db_session, mailbox):
    from jobs.tasks import smtp_settings

    message = outbox.queue("someone@gemeente-test.nl", "Onderwerp", "Tekst", "test")
    assert outbox.deliver(message.id, smtp_settings()) is True
    assert outbox.deliver(message.id, smtp_settings()) is False
    assert len(mailbox.messages) == 1


def test_many_mails_go_over_one_connection_each_once(app, db_session, mailbox):
    """A reminder run of many mails opens one connection to the mail server, not one per mail."""
    from jobs.tasks import smtp_settings

    ids = [outbox.queue(f"person{n}@gemeente-test.nl", "Onderwerp", "Tekst", "test").id for n in range(5)]
    assert outbox.deliver_all(ids, smtp_settings()) == 5
    assert outbox.deliver_all(ids, smtp_settings()) == 0  # already sent: nothing twice
    assert sorted(m["To"] for m in mailbox.messages) == [f"person{n}@gemeente-test.nl" for n in range(5)]
    assert len(set(mailbox.peers)) == 1


def test_a_failed_delivery_is_retried_later_with_growing_pauses(app, db_session, mailbox, clock_at):
    from jobs.tasks import smtp_settings
    from models import outbox as outbox_module

    message = outbox.queue("someone@gemeente-test.nl", "Onderwerp", "Tekst", "test")
    unreachable = smtp_settings().__class__(**{**smtp_settings().__dict__, "port": 1})
    assert outbox.deliver(message.id, unreachable) is False
    assert OutboxMessage.get_by_id(message.id).sent_at is None
    assert outbox.pending_ids() == []  # not again at once
    clock_at(minutes=6)
    assert outbox.pending_ids() == [message.id]  # after five minutes
    assert outbox.deliver(message.id, unreachable) is False
    clock_at(minutes=12)
    assert outbox.pending_ids() == []  # the second pause is ten minutes
    clock_at(minutes=17)
    assert outbox.pending_ids() == [message.id]
    assert outbox.deliver(message.id, smtp_settings()) is True
    assert len(mailbox.messages) == 1
    assert outbox_module.retry_delay(20) == outbox_module.dt.timedelta(hours=6)


def test_mail_bodies_are_encrypted_in_the_database(app, db_session):
    from models.db import db

    message = outbox.queue("x@gemeente-test.nl", "Onderwerp", "https://portal/link/geheim-token", "activation")
    raw = db.execute_sql(
        'SELECT "body" FROM "outbox_message" WHERE "id" = %s'.replace("%s", db.param), (message.id,)
    ).fetchone()[0]
    assert "geheim-token" not in raw


def test_purging_forgets_old_failures_and_sessions(app, db_session, create_user, clock_at):
    from jobs.tasks import purge_expired_logins
    from models import accounts

    user = create_user()
    accounts.record_login_failure(accounts.attempt_login(user.email, "fout-fout-fout-fout", "000000", "10.0.0.1"))
    accounts.start_session(user, "10.0.0.1")
    clock_at(hours=13)
    purge_expired_logins.call_local()
    assert LoginFailure.select().count() == 1  # failures stay 30 days: the owner's account page shows them
    assert LoginSession.select().count() == 0
    clock_at(days=31)
    purge_expired_logins.call_local()
    assert LoginFailure.select().count() == 0


def test_the_real_consumer_delivers_queued_mail(app, database_url, smtp_server, tmp_path, db_session):
    """`python -m jobs` as `make run` starts it: a queued mail reaches the SMTP server."""
    controller, mailbox = smtp_server
    mailbox.messages.clear()
    message = outbox.queue("consumer@gemeente-test.nl", "Via de consumer", "Er staat iets klaar.", "test")
    env = dict(
        os.environ,
        PORTAL_DATABASE_URL=database_url,
        PORTAL_HUEY_URL=f"sqlite:///{tmp_path / 'q.db'}",
        PORTAL_SMTP_HOST=controller.hostname,
        PORTAL_SMTP_PORT=str(controller.port),
    )
    enqueue = (
        "import jobs, jobs.tasks; from models.config import load_config; jobs.configure(load_config()); "
        f"jobs.tasks.deliver_mail({message.id})"
    )
    subprocess.run([sys.executable, "-c", enqueue], env=env, check=True, timeout=60)
    consumer = subprocess.Popen(
        [sys.executable, "-m", "jobs"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while not mailbox.to("consumer@gemeente-test.nl") and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        consumer.terminate()
        consumer.wait(timeout=30)
    [mail] = mailbox.to("consumer@gemeente-test.nl")
    assert mail["Subject"] == "Via de consumer"
    assert OutboxMessage.get_by_id(message.id).sent_at is not None


def test_a_mail_sent_again_is_the_same_mail_with_a_message_id_of_the_sender_s_domain(app, db_session, mailbox):
    from jobs.tasks import smtp_settings

    smtp = dataclasses.replace(smtp_settings(), sender="Veilig Bestuur <noreply@gemeente-test.nl>")
    first, other = (outbox.queue("someone@gemeente-test.nl", "Onderwerp", "Tekst", "test") for _ in range(2))
    assert outbox.deliver(first.id, smtp) is True
    OutboxMessage.update(sent_at=None, claimed_at=None).where(OutboxMessage.id == first.id).execute()  # as if lost
    assert outbox.deliver(first.id, smtp) is True
    assert outbox.deliver(other.id, smtp) is True
    once, again, different = (m["Message-ID"] for m in mailbox.messages)
    assert once == again != different
    assert re.fullmatch(r"<[0-9a-f]{32}@gemeente-test\.nl>", once)  # nothing in it but a token and the domain


# --- the consumer needs no web app --------------------------------------------------------------

WEB_FRAMEWORK = ("flask", "werkzeug", "flask_babel", "flask_login", "flask_wtf", "wtforms", "portal")


def test_importing_the_jobs_loads_no_web_framework_and_opens_no_queue(tmp_path):
    instance, queue = tmp_path / "instance", tmp_path / "queue" / "huey.db"
    code = (
        "import sys, jobs, jobs.tasks, jobs.notifications\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {WEB_FRAMEWORK!r}))"
    )
    env = dict(os.environ, PORTAL_INSTANCE_PATH=str(instance), PORTAL_HUEY_URL=f"sqlite:///{queue}")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert not instance.exists() and not queue.parent.exists()  # no file, no storage opened


def test_the_queue_is_the_one_the_settings_name(tmp_path):
    import jobs
    from models.config import load_config

    queue = tmp_path / "elsewhere" / "queue.db"
    config = load_config({"PORTAL_INSTANCE_PATH": str(tmp_path / "instance"), "PORTAL_HUEY_URL": f"sqlite:///{queue}"})
    try:
        jobs.configure(config)
        assert jobs.huey.storage.filename == str(queue) and queue.exists()
        assert jobs.settings() is config
    finally:
        jobs.configure(load_config())  # as a consumer started from this environment would be


def test_the_pages_jobs_link_to_are_the_portal_s_routes(app):
    from flask import url_for

    from jobs import notifications

    with app.test_request_context():
        for endpoint, path in notifications.PAGES.items():
            assert url_for(endpoint) == path, endpoint


@pytest.mark.parametrize("kind", sorted(p.stem for p in (REPO / "portal" / "templates" / "mail").glob("*.txt")))
def test_every_mail_reads_in_english_for_an_english_recipient(kind):
    from jobs import notifications

    context = {
        "name": "Sam",
        "base_url": "https://veilig.gemeente.nl",
        "path": "/termijnen",
        "link": "L",
        "what": "Eerste nazorggesprek",
        "due_at": dt.datetime(2026, 3, 1, 12),
        "at": dt.datetime(2026, 3, 1, 12),
        "month": "2026-02",
        "entry_id": 7,
        "demand": True,
    }
    dutch_subject, dutch = notifications.render(kind, "nl", **context)
    english_subject, english = notifications.render(kind, "en", **context)
    assert english_subject != dutch_subject and english != dutch
    assert "Veilig Bestuur" in dutch_subject + dutch and "Veilig Bestuur" in english_subject + english


def test_a_reminder_shows_what_is_due_and_when_in_the_recipient_s_language():
    from jobs import notifications

    due = dt.datetime(2026, 3, 1, 12, 0)  # UTC: 13:00 in Amsterdam
    context = {
        "name": "Sam",
        "base_url": "https://veilig.gemeente.nl",
        "path": "/termijnen",
        "what": "Eerste nazorggesprek",
        "due_at": due,
    }
    _subject, dutch = notifications.render("deadline_reminder", "nl", **context)
    _subject, english = notifications.render("deadline_reminder", "en", **context)
    assert "Eerste nazorggesprek" in dutch and "Uiterlijk: 1 maart 2026, 13:00" in dutch
    assert "First aftercare conversation" in english and "Due by: 1 March 2026, 13:00" in english
    assert "https://veilig.gemeente.nl/termijnen" in dutch and "https://veilig.gemeente.nl/termijnen" in english


# Put first on the consumer's path: should it import any of the web framework, it fails.
NO_WEB_FRAMEWORK = 'raise ImportError("the Huey consumer must not need the web app")\n'


def test_the_consumer_alone_sends_reminders_and_invitations_in_each_recipient_s_language(
    make_app, database_url, smtp_server, tmp_path, create_user, login, file_report
):
    """`python -m jobs` with no web process and without the web framework on its path: a reminder run and two
    invitations reach the mail server, each in its recipient's language, with base URL + path as the link."""
    import jobs
    from jobs import tasks
    from models import deadlines
    from models.cases import Case
    from models.db import db
    from models.deadlines import DeadlineKind

    base_url = "https://veilig.gemeente-test.nl"
    app = make_app(BASE_URL=base_url)
    controller, mailbox = smtp_server
    reporter, admin = create_user(Role.COUNCIL_MEMBER), create_user(Role.ADMIN)
    mayor, clerk = create_user(Role.MAYOR, locale="nl"), create_user(Role.CLERK, locale="en")
    reporter_client, admin_client = app.test_client(), app.test_client()
    login(reporter_client, reporter)
    reference = file_report(reporter_client)
    with app.app_context():
        db.connect(reuse_if_open=True)
        now = clock.utcnow()
        deadlines.schedule(
            Case.get(Case.reference == reference),
            DeadlineKind.BAN_ENDING,
            now + dt.timedelta(days=2),
            now - dt.timedelta(minutes=1),
            {Role.MAYOR, Role.CLERK},
            object_id=1,
        )
    login(admin_client, admin)

    queue_url = f"sqlite:///{tmp_path / 'queue.db'}"  # from here on tasks go to the queue the consumer reads
    jobs.configure({**app.config, "HUEY_URL": queue_url, "HUEY_IMMEDIATE": False})
    mailbox.messages.clear()
    for name, email, locale in (
        ("Noor de Vries", "noor@gemeente-test.nl", "nl"),
        ("Emma Clarke", "emma@gemeente-test.nl", "en"),
    ):
        response = admin_client.post(
            "/beheer/accounts", data={"name": name, "email": email, "role": "alderman", "locale": locale}
        )
        assert response.status_code == 302
    tasks.send_due_reminders()  # as the consumer's minute-by-minute schedule would

    no_web = tmp_path / "no-web"
    for package in WEB_FRAMEWORK:
        (no_web / package).mkdir(parents=True)
        (no_web / package / "__init__.py").write_text(NO_WEB_FRAMEWORK)
    env = dict(
        os.environ,
        PYTHONPATH=f"{no_web}{os.pathsep}{REPO}",
        PORTAL_INSTANCE_PATH=str(tmp_path / "consumer"),
        PORTAL_CONTENT_KEY=app.config["CONTENT_KEY"].hex(),
        PORTAL_DATABASE_URL=database_url,
        PORTAL_HUEY_URL=queue_url,
        PORTAL_BASE_URL=base_url,
        PORTAL_SMTP_HOST=controller.hostname,
        PORTAL_SMTP_PORT=str(controller.port),
    )
    log = tmp_path / "consumer.log"
    with log.open("w") as output:
        consumer = subprocess.Popen(
            [sys.executable, "-m", "jobs"], cwd=tmp_path, env=env, stdout=output, stderr=subprocess.STDOUT
        )

    def unsent() -> int:
        with app.app_context():
            db.connect(reuse_if_open=True)
            return OutboxMessage.select().where(OutboxMessage.sent_at.is_null()).count()

    try:
        deadline = time.monotonic() + 45
        while len(mailbox.messages) < 4 and consumer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        # The sink has the fourth mail before the consumer records it as sent: on a busy machine it was
        # stopped in between once, and the outbox still held that mail as unsent.
        while unsent() and consumer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        consumer.kill()
        consumer.wait(timeout=30)
        jobs.configure(app.config)
    assert len(mailbox.messages) == 4, log.read_text()[-3000:]

    [noor], [emma] = mailbox.to("noor@gemeente-test.nl"), mailbox.to("emma@gemeente-test.nl")
    assert noor["Subject"] == "Uw account voor Veilig Bestuur" and "Activeer uw account" in noor.get_content()
    assert emma["Subject"] == "Your Veilig Bestuur account" and "Activeer" not in emma.get_content()
    for invitation in (noor, emma):
        assert re.search(rf"^{re.escape(base_url)}/link/[\w-]+\r?$", invitation.get_content(), re.MULTILINE)

    [to_mayor], [to_clerk] = mailbox.to(mayor.email), mailbox.to(clerk.email)
    assert to_mayor["Subject"] == "Herinnering: er verloopt binnenkort een termijn in Veilig Bestuur"
    assert to_clerk["Subject"] == "Reminder: a deadline in Veilig Bestuur is coming up"
    for reminder, locale, what, due in (
        (to_mayor, "nl", "Einde van een ontzegging: verlengen of laten aflopen", "Uiterlijk"),
        (to_clerk, "en", "End of a ban: extend it or let it end", "Due by"),
    ):
        text = reminder.get_content().replace("\r\n", "\n")
        when = format_datetime(clock.to_local(now + dt.timedelta(days=2)), "d MMMM yyyy, HH:mm", locale=locale)
        assert what in text and f"{due}: {when}" in text  # the time in Amsterdam, the month in their language
        assert f"\n{base_url}/termijnen\n" in text and reference not in text
    with app.app_context():
        db.connect(reuse_if_open=True)
        assert OutboxMessage.select().where(OutboxMessage.sent_at.is_null()).count() == 0
