"""E-mail goes over SMTP through Huey; notifications carry no content; periodic jobs run."""
import os
import subprocess
import sys
import time

from models import audit, outbox
from models.accounts import LoginFailure, LoginSession, Role
from models.audit import AuditEntry
from models.outbox import OutboxMessage


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
    assert outbox.pending_ids() == []              # not again at once
    clock_at(minutes=6)
    assert outbox.pending_ids() == [message.id]    # after five minutes
    assert outbox.deliver(message.id, unreachable) is False
    clock_at(minutes=12)
    assert outbox.pending_ids() == []              # the second pause is ten minutes
    clock_at(minutes=17)
    assert outbox.pending_ids() == [message.id]
    assert outbox.deliver(message.id, smtp_settings()) is True
    assert len(mailbox.messages) == 1
    assert outbox_module.retry_delay(20) == outbox_module.dt.timedelta(hours=6)


def test_mail_bodies_are_encrypted_in_the_database(app, db_session):
    from models.db import db

    message = outbox.queue("x@gemeente-test.nl", "Onderwerp", "https://portal/link/geheim-token", "activation")
    raw = db.execute_sql('SELECT "body" FROM "outbox_message" WHERE "id" = %s'.replace("%s", db.param),
                         (message.id,)).fetchone()[0]
    assert "geheim-token" not in raw


def test_purging_forgets_old_failures_and_sessions(app, db_session, create_user, clock_at):
    from jobs.tasks import purge_expired_logins
    from models import accounts

    user = create_user()
    accounts.record_login_failure(user.email, "10.0.0.1")
    accounts.start_session(user, "10.0.0.1")
    clock_at(hours=13)
    purge_expired_logins.call_local()
    assert LoginFailure.select().count() == 0 and LoginSession.select().count() == 0


def test_the_real_consumer_delivers_queued_mail(app, database_url, smtp_server, tmp_path, db_session):
    """`python -m jobs` as `make run` starts it: a queued mail reaches the SMTP server."""
    controller, mailbox = smtp_server
    mailbox.messages.clear()
    message = outbox.queue("consumer@gemeente-test.nl", "Via de consumer", "Er staat iets klaar.", "test")
    env = dict(os.environ, PORTAL_DATABASE_URL=database_url, PORTAL_HUEY_URL=f"sqlite:///{tmp_path / 'q.db'}",
               PORTAL_SMTP_HOST=controller.hostname, PORTAL_SMTP_PORT=str(controller.port))
    enqueue = ("import jobs; from portal import create_app; jobs.init_app(create_app()); "
               f"from jobs.tasks import deliver_mail; deliver_mail({message.id})")
    subprocess.run([sys.executable, "-c", enqueue], env=env, check=True, timeout=60)
    consumer = subprocess.Popen([sys.executable, "-m", "jobs"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
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
