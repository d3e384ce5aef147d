"""Huey tasks. They take ids, not objects, and call functions in models/."""
from __future__ import annotations

import functools
import logging

from flask import has_app_context
from huey import crontab

import jobs
from jobs import huey
from models import accounts, audit, outbox
from models.db import db
from models import db as database

log = logging.getLogger("veilig_bestuur.jobs")


def in_app(task_function):
    """Run inside the app context with a database connection of this worker's own."""

    @functools.wraps(task_function)
    def wrapper(*args, **kwargs):
        if has_app_context():
            return _with_connection(task_function, *args, **kwargs)
        with jobs.app().app_context():
            return _with_connection(task_function, *args, **kwargs)
    return wrapper


def _with_connection(function, *args, **kwargs):
    opened = db.connect(reuse_if_open=True)
    try:
        return function(*args, **kwargs)
    finally:
        if opened and not db.in_transaction():
            db.close()


def smtp_settings() -> outbox.SmtpSettings:
    config = jobs.app().config
    return outbox.SmtpSettings(
        host=config["SMTP_HOST"], port=config["SMTP_PORT"], username=config["SMTP_USERNAME"],
        password=config["SMTP_PASSWORD"], starttls=config["SMTP_STARTTLS"], sender=config["MAIL_FROM"])


@huey.task()
@in_app
def deliver_mail(message_id: int) -> bool:
    return outbox.deliver(message_id, smtp_settings())


@huey.periodic_task(crontab(minute="*"))
@in_app
def deliver_pending_mail() -> int:
    """Retry what could not be sent, and anything stored but never handed to the queue."""
    return outbox.deliver_all(outbox.pending_ids(), smtp_settings())


@huey.periodic_task(crontab(minute="*/15"))
@in_app
def purge_expired_logins() -> tuple[int, int]:
    return accounts.purge_expired_logins()


def audit_anchor_path():
    import pathlib

    return pathlib.Path(jobs.app().config["AUDIT_ANCHOR_PATH"])


@huey.periodic_task(crontab(hour="3", minute="17"))
@in_app
def verify_audit_chain() -> bool:
    """Nightly: check the audit trail and that it still holds the entry anchored last night (see
    models.audit); when not, warn every active admin (no details by mail)."""
    report = audit.verify_with_anchor(audit_anchor_path(), move_anchor=True)
    if report.intact:
        log.info("audit chain intact: %d entries; anchored %s", report.checked, audit.read_anchor(audit_anchor_path()))
        return True
    log.error("audit chain broken at entry %s (%s)", report.first_broken_id, report.reason)
    from portal import mail

    admins = accounts.User.select().where((accounts.User.role == accounts.Role.ADMIN.value)
                                          & (accounts.User.is_active == True))  # noqa: E712
    for admin in admins:
        mail.queue(admin.email, admin.locale, "audit_broken", entry_id=report.first_broken_id)
    mail.flush()
    return False


def _queue_deadline_mail(person, deadline, escalation: bool) -> int:
    from flask import url_for

    from models.deadlines import DEADLINE_LABELS, LEDGER_KINDS, DeadlineKind
    from portal import mail

    kind = DeadlineKind(deadline.kind)
    with jobs.app().test_request_context():
        path = url_for("deadlines.my_deadlines")
        if kind in LEDGER_KINDS:  # about money: the recipient may not see the case
            path = url_for("damages.finance_overview" if person.role == "finance_officer" else "damages.assess_list")
    if kind in LEDGER_KINDS:  # a late payment has its own text: that a payment is late and a link, no more
        return mail.queue(person.email, person.locale, "payment_overdue_escalation" if escalation else "payment_overdue",
                          name=person.name, path=path, demand=kind == DeadlineKind.RECOVERY_DEMAND)
    return mail.queue(person.email, person.locale, "deadline_escalation" if escalation else "deadline_reminder",
                      name=person.name, path=path, what=DEADLINE_LABELS[DeadlineKind(deadline.kind)],
                      due_at=deadline.due_at)


@huey.periodic_task(crontab(minute="*"))
@in_app
def send_due_reminders() -> int:
    """Every minute: reminders and escalations that are due, each exactly once (see models.deadlines)."""
    from flask import g

    from models import clock, deadlines
    from portal import mail

    g.pop("_mail_ids", None)  # ids are collected by send_due itself and delivered below
    message_ids = deadlines.send_due(clock.utcnow(), _queue_deadline_mail)
    g.pop("_mail_ids", None)
    outbox.deliver_all(message_ids, smtp_settings())  # one connection to the mail server for all of them
    return len(message_ids)


@huey.periodic_task(crontab(day="1", hour="7", minute="7"))
@in_app
def send_monthly_damages_overview() -> int:
    """On the first of the month: the finance officer gets a link to the damages overview (no case
    content). The month is marked sent in the transaction that stores the mails: once, also when run twice."""
    from flask import g, url_for

    from models import clock, damages
    from models.accounts import Role, User
    from models.db import write_transaction
    from portal import mail

    now = clock.utcnow()
    month = clock.to_local(now).strftime("%Y-%m")
    with jobs.app().test_request_context():
        path = url_for("damages.finance_overview")
    g.pop("_mail_ids", None)
    message_ids = []
    with write_transaction():
        if not damages.claim_monthly_overview(month, now):
            return 0
        for person in User.select().where((User.role == Role.FINANCE_OFFICER.value) & (User.is_active == True)):  # noqa: E712
            message_ids.append(mail.queue(person.email, person.locale, "damages_monthly", name=person.name,
                                          path=path, month=month))
    g.pop("_mail_ids", None)
    outbox.deliver_all(message_ids, smtp_settings())  # one connection to the mail server for all of them
    return len(message_ids)


def _apply_retention(actor_id: int | None = None, ip: str | None = None) -> dict:
    from models import clock, retention
    from models.accounts import User

    actor = User.get_or_none(User.id == actor_id) if actor_id else None
    result = retention.apply(clock.utcnow(), actor=actor, upload_dir=jobs.app().config["UPLOAD_PATH"], ip=ip)
    log.info("retention: %s", dict(result.counts))
    return {kind.value: count for kind, count in result.counts.items()}


@huey.periodic_task(crontab(hour="2", minute="23"))
@in_app
def apply_retention() -> dict:
    """Nightly (before the audit-chain check): what is past its retention is anonymised or deleted."""
    return _apply_retention()


@huey.periodic_task(crontab(hour="4", minute="41"))
@in_app
def refresh_statistics() -> None:
    """Nightly: the query planner learns how the tables grew (models.db.refresh_statistics)."""
    database.refresh_statistics()


@huey.task()
@in_app
def run_retention_now(actor_id: int, ip: str | None = None) -> dict:
    """The admin pressed 'Nu opruimen'."""
    return _apply_retention(actor_id, ip)
