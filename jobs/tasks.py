"""Huey tasks. They take ids, not objects, call functions in models/ and need no web app: settings come from
jobs.settings(), mails are rendered and stored by jobs.notifications and delivered after their commit."""

from __future__ import annotations

import functools
import logging
import pathlib

from huey import crontab

from jobs import huey, notifications, settings
from models import accounts, audit, casework, clock, damages, deadlines, outbox, retention
from models import db as database
from models.accounts import Role, User
from models.db import db, write_transaction
from models.deadlines import LEDGER_KINDS, DeadlineKind

log = logging.getLogger("veilig_bestuur.jobs")


def with_connection(task_function):
    """A database connection of this worker's own for the task (the caller's, when it has one open)."""

    @functools.wraps(task_function)
    def wrapper(*args, **kwargs):
        opened = db.connect(reuse_if_open=True)
        try:
            return task_function(*args, **kwargs)
        finally:
            if opened and not db.in_transaction():
                db.close()

    return wrapper


def smtp_settings() -> outbox.SmtpSettings:
    config = settings()
    return outbox.SmtpSettings(
        host=config["SMTP_HOST"],
        port=config["SMTP_PORT"],
        username=config["SMTP_USERNAME"],
        password=config["SMTP_PASSWORD"],
        starttls=config["SMTP_STARTTLS"],
        sender=config["MAIL_FROM"],
    )


@huey.task()
@with_connection
def deliver_mail(message_id: int) -> bool:
    return outbox.deliver(message_id, smtp_settings())


@huey.periodic_task(crontab(minute="*"))
@with_connection
def deliver_pending_mail() -> int:
    """Retry what could not be sent, and anything stored but never handed to the queue."""
    return outbox.deliver_all(outbox.pending_ids(), smtp_settings())


@huey.periodic_task(crontab(minute="*/15"))
@with_connection
def purge_expired_logins() -> tuple[int, int]:
    return accounts.purge_expired_logins()


def audit_anchor_path() -> pathlib.Path:
    return pathlib.Path(settings()["AUDIT_ANCHOR_PATH"])


@huey.periodic_task(crontab(hour="3", minute="17"))
@with_connection
def verify_audit_chain() -> bool:
    """Nightly: check the audit trail and that it still holds the entry anchored last night (see
    models.audit); when not, warn every active admin (no details by mail)."""
    report = audit.verify_with_anchor(audit_anchor_path(), move_anchor=True)
    if report.intact:
        log.info("audit chain intact: %d entries; anchored %s", report.checked, audit.read_anchor(audit_anchor_path()))
        return True
    log.error("audit chain broken at entry %s (%s)", report.first_broken_id, report.reason)
    admins = User.select().where((User.role == Role.ADMIN.value) & (User.is_active == True))
    with write_transaction():
        message_ids = [
            notifications.queue(
                admin.email,
                admin.locale,
                "audit_broken",
                base_url=settings()["BASE_URL"],
                entry_id=report.first_broken_id,
            )
            for admin in admins
        ]
    outbox.deliver_all(message_ids, smtp_settings())
    return False


# A deadline of no case is not on the deadlines page: its mail links to the page where it is done.
DEADLINE_PAGES = {
    DeadlineKind.RISK_ANALYSIS: "risk.overview",
    DeadlineKind.TERM_BRIEFING: "prevention.terms",
    DeadlineKind.YEARLY_EVALUATION: "evaluation.overview",
    DeadlineKind.INFORMAL_MEETING: "evaluation.overview",
}


def _queue_deadline_mail(person: User, deadline: deadlines.Deadline, escalation: bool) -> int:
    kind = DeadlineKind(deadline.kind)
    base_url = settings()["BASE_URL"]
    if kind in LEDGER_KINDS:  # about money: the recipient may not see the case
        page = "damages.finance_overview" if person.role == Role.FINANCE_OFFICER.value else "damages.assess_list"
        # A late payment has its own text: that a payment is late and a link, no more.
        return notifications.queue(
            person.email,
            person.locale,
            "payment_overdue_escalation" if escalation else "payment_overdue",
            base_url=base_url,
            name=person.name,
            path=notifications.PAGES[page],
            demand=kind == DeadlineKind.RECOVERY_DEMAND,
        )
    return notifications.queue(
        person.email,
        person.locale,
        "deadline_escalation" if escalation else "deadline_reminder",
        base_url=base_url,
        name=person.name,
        path=notifications.PAGES[DEADLINE_PAGES.get(kind, "deadlines.my_deadlines")],
        what=casework.deadline_label(deadline),
        due_at=deadline.due_at,
    )


@huey.periodic_task(crontab(minute="*"))
@with_connection
def send_due_reminders() -> int:
    """Every minute: reminders and escalations that are due, each queued exactly once (models.deadlines)
    and delivered after its deadline's transaction committed."""
    message_ids = deadlines.send_due(clock.utcnow(), _queue_deadline_mail)
    outbox.deliver_all(message_ids, smtp_settings())  # one connection to the mail server for all of them
    return len(message_ids)


@huey.periodic_task(crontab(day="1", hour="7", minute="7"))
@with_connection
def send_monthly_damages_overview() -> int:
    """On the first of the month: the finance officer gets a link to the damages overview (no case
    content). The month is marked sent in the transaction that stores the mails: once, also when run twice."""
    now = clock.utcnow()
    month = clock.to_local(now).strftime("%Y-%m")
    message_ids = []
    with write_transaction():
        if not damages.claim_monthly_overview(month, now):
            return 0
        for person in User.select().where((User.role == Role.FINANCE_OFFICER.value) & (User.is_active == True)):
            message_ids.append(
                notifications.queue(
                    person.email,
                    person.locale,
                    "damages_monthly",
                    base_url=settings()["BASE_URL"],
                    name=person.name,
                    path=notifications.PAGES["damages.finance_overview"],
                    month=month,
                )
            )
    outbox.deliver_all(message_ids, smtp_settings())  # one connection to the mail server for all of them
    return len(message_ids)


def _apply_retention(actor_id: int | None = None, ip: str | None = None) -> dict:
    actor = User.get_or_none(User.id == actor_id) if actor_id else None
    result = retention.apply(clock.utcnow(), actor=actor, upload_dir=settings()["UPLOAD_PATH"], ip=ip)
    log.info("retention: %s", dict(result.counts))
    return {kind.value: count for kind, count in result.counts.items()}


@huey.periodic_task(crontab(hour="2", minute="23"))
@with_connection
def apply_retention() -> dict:
    """Nightly (before the audit-chain check): what is past its retention is anonymised or deleted."""
    return _apply_retention()


@huey.periodic_task(crontab(hour="4", minute="41"))
@with_connection
def refresh_statistics() -> None:
    """Nightly: the query planner learns how the tables grew (models.db.refresh_statistics)."""
    database.refresh_statistics()


@huey.task()
@with_connection
def run_retention_now(actor_id: int, ip: str | None = None) -> dict:
    """The admin pressed 'Nu opruimen'."""
    return _apply_retention(actor_id, ip)
