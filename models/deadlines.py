"""One mechanism for every deadline: a due time stored with what it belongs to, a periodic job that
sends what is due, and marks it sent in the same transaction as the mail it stores — so each
reminder (and each escalation) is sent exactly once, also when the job runs twice at once or dies
half way. Mails carry no case content."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import peewee

from models import clock
from models.base import BaseModel
from models.cases import Case
from models.db import write_transaction
from models.i18n import N_


class DeadlineKind(str, Enum):
    AFTERCARE_1 = "aftercare_1"
    AFTERCARE_2 = "aftercare_2"
    AFTERCARE_3 = "aftercare_3"
    INSPECTORATE = "inspectorate"
    BAN_ENDING = "ban_ending"
    POLICE_FEEDBACK = "police_feedback"
    RECOVERY_REMINDER = "recovery_reminder"  # herinnering to the perpetrator; escalates to the assessor
    RECOVERY_DEMAND = "recovery_demand"  # aanmaning to the perpetrator
    RISK_ANALYSIS = "risk_analysis"  # §4.2: decide before the meeting's date (no case: models.risk)
    TERM_BRIEFING = "term_briefing"  # §4.1, no case: object_id is the council term (models.prevention)
    YEARLY_EVALUATION = "yearly_evaluation"  # §4.1, no case: object_id is the year's evaluation (models.evaluation)
    INFORMAL_MEETING = "informal_meeting"  # §4.1, no case: the yearly informal meeting on impact (its date only)


# Deadlines that belong to no case (prevention, §4): no step on a case page, their own page instead.
CASELESS_KINDS = frozenset(
    {
        DeadlineKind.RISK_ANALYSIS,
        DeadlineKind.TERM_BRIEFING,
        DeadlineKind.YEARLY_EVALUATION,
        DeadlineKind.INFORMAL_MEETING,
    }
)


# A date to be reminded of rather than work to do (the informal meeting keeps no minutes): once its
# day has passed it is no longer shown as open, never as overdue.
APPOINTMENT_KINDS = frozenset({DeadlineKind.INFORMAL_MEETING})


DEADLINE_LABELS = {
    DeadlineKind.AFTERCARE_1: N_("Eerste nazorggesprek"),
    DeadlineKind.AFTERCARE_2: N_("Tweede nazorggesprek"),
    DeadlineKind.AFTERCARE_3: N_("Derde nazorggesprek"),
    DeadlineKind.INSPECTORATE: N_("Arbeidsinspectie waarschuwen"),
    DeadlineKind.BAN_ENDING: N_("Einde van een gebiedsverbod: verlengen of laten aflopen"),
    DeadlineKind.POLICE_FEEDBACK: N_("De melder informeren over de aangifte"),
    DeadlineKind.RECOVERY_REMINDER: N_("Betaling van de veroorzaker is te laat: herinnering sturen"),
    DeadlineKind.RECOVERY_DEMAND: N_("Betaling van de veroorzaker is te laat: aanmaning sturen"),
    DeadlineKind.RISK_ANALYSIS: N_("Risicoanalyse voor een bijeenkomst: beoordelen en besluiten"),
    DeadlineKind.TERM_BRIEFING: N_("Voorlichting geven aan het begin van de raadsperiode"),
    DeadlineKind.YEARLY_EVALUATION: N_("Jaarlijkse evaluatie van het protocol"),
    DeadlineKind.INFORMAL_MEETING: N_("Jaarlijks informeel overleg over de impact van agressie"),
}

# Deadlines about money (the damages ledger): the roles they name act on the ledger, not on the case,
# so they are reminded without access to the case (the mail has no case content), and a closed case
# does not stop them — what the perpetrator owes is still owed.
LEDGER_KINDS = frozenset({DeadlineKind.RECOVERY_REMINDER, DeadlineKind.RECOVERY_DEMAND})


class Deadline(BaseModel):
    # None for a deadline that belongs to no case (the term's briefing): its roles are reminded as such.
    case = peewee.ForeignKeyField(Case, backref="deadlines", on_delete="CASCADE", null=True)
    kind = peewee.CharField(max_length=32)
    object_id = peewee.IntegerField(null=True)  # the measure, conversation or police report it belongs to
    due_at = peewee.DateTimeField(index=True)
    remind_at = peewee.DateTimeField(index=True)
    escalate_at = peewee.DateTimeField(null=True, index=True)
    # Who is reminded and who is escalated to: role names, comma-separated.
    remind_roles = peewee.CharField(max_length=200)
    escalate_roles = peewee.CharField(max_length=200, default="")
    reminded_at = peewee.DateTimeField(null=True)
    escalated_at = peewee.DateTimeField(null=True)
    done_at = peewee.DateTimeField(null=True, index=True)

    class Meta:
        # The open deadlines in due order (models.start_pages.open_steps walks it from now and stops at
        # the steps a start page shows), with who is reminded, tested on the index entry: migration 0020,
        # widened by 0026.
        indexes = ((("done_at", "due_at", "remind_roles", "escalate_roles"), False),)

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.done_at is None and (now or clock.utcnow()) > self.due_at


def schedule(
    case: Case | None,
    kind: DeadlineKind,
    due_at: dt.datetime,
    remind_at: dt.datetime,
    remind_roles,
    escalate_at: dt.datetime | None = None,
    escalate_roles=(),
    object_id: int | None = None,
) -> Deadline:
    return Deadline.create(
        case=case,
        kind=kind.value,
        object_id=object_id,
        due_at=due_at,
        remind_at=remind_at,
        escalate_at=escalate_at,
        remind_roles=",".join(sorted(r.value for r in remind_roles)),
        escalate_roles=",".join(sorted(r.value for r in escalate_roles)),
    )


def complete(kind: DeadlineKind, case_id: int, object_id: int | None = None) -> int:
    query = Deadline.update(done_at=clock.utcnow()).where(
        (Deadline.case == case_id) & (Deadline.kind == kind.value) & Deadline.done_at.is_null()
    )
    if object_id is not None:
        query = query.where(Deadline.object_id == object_id)
    return query.execute()


def cancel_open(case_id: int) -> int:
    """A closed case needs no reminders (except about money still owed: LEDGER_KINDS)."""
    return (
        Deadline.update(done_at=clock.utcnow())
        .where(
            (Deadline.case == case_id)
            & Deadline.done_at.is_null()
            & Deadline.kind.not_in([kind.value for kind in LEDGER_KINDS])
        )
        .execute()
    )


def due_reminders(now: dt.datetime) -> list[int]:
    return [
        d.id
        for d in Deadline.select(Deadline.id).where(
            Deadline.done_at.is_null() & Deadline.reminded_at.is_null() & (Deadline.remind_at <= now)
        )
    ]


def due_escalations(now: dt.datetime) -> list[int]:
    return [
        d.id
        for d in Deadline.select(Deadline.id).where(
            Deadline.done_at.is_null()
            & Deadline.escalated_at.is_null()
            & Deadline.escalate_at.is_null(False)
            & (Deadline.escalate_at <= now)
        )
    ]


def claim(deadline_id: int, field: str, now: dt.datetime) -> Deadline | None:
    """Mark one reminder (field 'reminded_at') or escalation ('escalated_at') as sent, unless another
    run did already. Call inside the transaction that also stores its mails."""
    column = getattr(Deadline, field)
    claimed = (
        Deadline.update({column: now})
        .where((Deadline.id == deadline_id) & column.is_null() & Deadline.done_at.is_null())
        .execute()
    )
    return Deadline.get_by_id(deadline_id) if claimed else None


def send_due(now: dt.datetime, queue_mail) -> list[int]:
    """Send every reminder and escalation that is due. `queue_mail(person, deadline, escalation)`
    stores a mail in the outbox and returns its id. Each deadline is claimed and its mails stored in
    one transaction: all of it happens once, or (after a crash) not at all and again next run."""
    message_ids = []
    for field, ids in (("reminded_at", due_reminders(now)), ("escalated_at", due_escalations(now))):
        for deadline_id in ids:
            with write_transaction():
                deadline = claim(deadline_id, field, now)
                if deadline is None:
                    continue
                roles = deadline.remind_roles if field == "reminded_at" else deadline.escalate_roles
                for person in recipients(deadline, set(filter(None, roles.split(",")))):
                    message_ids.append(queue_mail(person, deadline, field == "escalated_at"))
    return message_ids


def recipients(deadline: Deadline, roles: set[str]) -> list:
    """Who is reminded: people with one of these roles who may see the case; for a deadline about
    money (LEDGER_KINDS), people with one of these roles, whether or not they may see the case."""
    from models.accounts import User
    from models.visibility import Access, people_with_access

    if deadline.case_id is None:  # no case to see: the people in these roles (the term's briefing)
        return list(User.select().where((User.is_active == True) & User.role.in_(sorted(roles))).order_by(User.id))
    if DeadlineKind(deadline.kind) in LEDGER_KINDS:
        return list(
            User.select()
            .where((User.is_active == True) & User.role.in_(sorted(roles)) & (User.id != deadline.case.reporter_id))
            .order_by(User.id)
        )
    return [
        person
        for person, level in people_with_access(deadline.case)
        if person.role in roles and level >= Access.INFORMED
    ]


def open_for(case_ids) -> peewee.ModelSelect:
    return Deadline.select().where(Deadline.case.in_(case_ids) & Deadline.done_at.is_null()).order_by(Deadline.due_at)
