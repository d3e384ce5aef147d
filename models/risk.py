"""Prevention (§4.1, §4.2): the risk analysis before a group meeting or information evening (and a
risk conversation in the town hall with a security presence), and home screening on request.

Neither belongs to a case: an office holder asks before anything happened. The risk analysis's
decision is due before the date; the deadline engine (models.deadlines) reminds the security officer
once when it nears undecided.

What the municipality pays for a home screening is kept on the screening (cost_cents), and, when the
screening follows an incident of the office holder (§6.4: a security screening of the victim's home),
it is booked in the damages ledger (models.damages.bear_cost) on that case as a cost the municipality
bears itself: from there it can be recovered from the perpetrator. The ledger books per case and
checks its invariants per case (LedgerEntry.case is required), so a screening asked without any
incident (§4.1) is not booked there: no case is invented for it; its cost stays on the screening
and is counted by `preventive_costs`."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import peewee

from models import audit, clock, damages, deadlines
from models.accounts import Role, User
from models.base import BaseModel
from models.cases import Case, CaseKind, NotAllowed
from models.crypto import EncryptedTextField
from models.db import write_transaction
from models.deadlines import DeadlineKind
from models.i18n import N_

# The security officer is reminded this long before the date when there is no decision yet.
REMIND_BEFORE = dt.timedelta(days=3)


class MeetingKind(str, Enum):
    GROUP_MEETING = "group_meeting"
    INFORMATION_EVENING = "information_evening"
    RISK_CONVERSATION = "risk_conversation"  # a conversation in the town hall where problems are expected


MEETING_LABELS = {
    MeetingKind.GROUP_MEETING: N_("Groepsbijeenkomst"),
    MeetingKind.INFORMATION_EVENING: N_("Informatieavond"),
    MeetingKind.RISK_CONVERSATION: N_("Gesprek met een burger in het gemeentehuis"),
}


class Tension(str, Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


TENSION_LABELS = {
    Tension.LOW: N_("Weinig spanning verwacht"),
    Tension.MEDIUM: N_("Enige spanning verwacht"),
    Tension.HIGH: N_("Veel spanning verwacht"),
}


class RiskDecision(str, Enum):
    GO = "go"
    GO_WITH_MEASURES = "go_with_measures"
    NOT_LIKE_THIS = "not_like_this"


DECISION_LABELS = {
    RiskDecision.GO: N_("Gaat door zoals gepland"),
    RiskDecision.GO_WITH_MEASURES: N_("Gaat door, met organisatorische maatregelen"),
    RiskDecision.NOT_LIKE_THIS: N_("Gaat niet door op deze manier"),
}


class RiskAnalysis(BaseModel):
    requested_by = peewee.ForeignKeyField(User, backref="+", on_delete="CASCADE")
    kind = peewee.CharField(max_length=32)
    what = EncryptedTextField()
    location = EncryptedTextField()
    starts_at = peewee.DateTimeField(index=True)  # UTC
    # §4.2 first two bullets: a security officer or intervention team present, and from when.
    security_presence = peewee.BooleanField(default=False)
    security_from = peewee.DateTimeField(null=True)
    requested_at = peewee.DateTimeField(default=clock.utcnow)
    token = peewee.CharField(max_length=32, null=True, unique=True)  # a form sent twice is one request
    expected_tension = peewee.CharField(max_length=16, null=True)
    location_chosen = EncryptedTextField(null=True)
    organisational_measures = EncryptedTextField(null=True)
    security_present = peewee.BooleanField(null=True)
    decision = peewee.CharField(max_length=32, null=True)
    decided_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decided_at = peewee.DateTimeField(null=True)


class HomeScreening(BaseModel):
    office_holder = peewee.ForeignKeyField(User, backref="+", on_delete="CASCADE")
    reason = EncryptedTextField(null=True)
    requested_at = peewee.DateTimeField(default=clock.utcnow)
    token = peewee.CharField(max_length=32, null=True, unique=True)
    visited_on = peewee.DateField(null=True)
    advice = EncryptedTextField(null=True)
    measures_taken = EncryptedTextField(null=True)
    cost_cents = peewee.BigIntegerField(null=True, constraints=[peewee.Check("cost_cents >= 0")])
    updated_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    # The office holder's incident the screening follows (§6.4), if any, and the ledger entry in force
    # that books its cost on that case (models.damages, kind "borne").
    case = peewee.ForeignKeyField(Case, null=True, backref="+", on_delete="SET NULL")
    ledger_entry = peewee.ForeignKeyField(damages.LedgerEntry, null=True, backref="+", on_delete="SET NULL")


# What the ledger entry of a screening's cost says (stored text, in the municipality's language).
LEDGER_REASON = "Beveiligingsscan van de woning (§6.4)"
NOT_THIS_CASE = N_("Kies een melding van deze ambtsdrager.")


# --- who may see them ---------------------------------------------------------------------------


def is_security_officer(user: User | None) -> bool:
    return user is not None and user.is_active and user.role == Role.SECURITY_OFFICER.value


# --- risk analyses ------------------------------------------------------------------------------


def ask_risk_analysis(
    user: User,
    *,
    kind: MeetingKind,
    what: str,
    location: str,
    starts_at: dt.datetime,
    security_presence: bool = False,
    security_from: dt.datetime | None = None,
    token: str | None = None,
    ip: str | None = None,
) -> RiskAnalysis:
    """An office holder asks for a risk analysis; the decision is due before `starts_at` (UTC)."""
    if not user.is_active or not user.is_office_holder:
        raise NotAllowed("ask_risk_analysis")
    if token and (existing := RiskAnalysis.get_or_none(RiskAnalysis.token == token)):
        return existing
    now = clock.utcnow()
    with write_transaction():
        analysis = RiskAnalysis.create(
            requested_by=user,
            kind=kind.value,
            what=what,
            location=location,
            starts_at=starts_at,
            security_presence=security_presence,
            security_from=security_from if security_presence else None,
            requested_at=now,
            token=token or None,
        )
        deadlines.schedule(
            None,
            DeadlineKind.RISK_ANALYSIS,
            due_at=starts_at,
            remind_at=max(now, starts_at - REMIND_BEFORE),
            remind_roles=[Role.SECURITY_OFFICER],
            object_id=analysis.id,
        )
        audit.record("risk_analysis_asked", actor_id=user.id, object_type="risk_analysis", object_id=analysis.id, ip=ip)
    return analysis


def _decision_deadline(analysis: RiskAnalysis):
    """The open reminder of this analysis (a deadline of no case, models.deadlines), as a condition."""
    Deadline = deadlines.Deadline
    return (
        Deadline.case.is_null()
        & (Deadline.kind == DeadlineKind.RISK_ANALYSIS.value)
        & (Deadline.object_id == analysis.id)
        & Deadline.done_at.is_null()
    )


def decide_risk_analysis(
    analysis: RiskAnalysis,
    actor: User,
    *,
    expected_tension: Tension,
    location_chosen: str,
    organisational_measures: str,
    security_present: bool,
    decision: RiskDecision,
    ip: str | None = None,
) -> RiskAnalysis:
    """The security officer's assessment and decision; the reminder is no longer needed."""
    if not is_security_officer(actor):
        raise NotAllowed("decide_risk_analysis")
    with write_transaction():
        analysis.expected_tension = expected_tension.value
        analysis.location_chosen = location_chosen
        analysis.organisational_measures = organisational_measures
        analysis.security_present = security_present
        analysis.decision = decision.value
        analysis.decided_by = actor
        analysis.decided_at = clock.utcnow()
        analysis.save()
        Deadline = deadlines.Deadline
        Deadline.update(done_at=clock.utcnow()).where(_decision_deadline(analysis)).execute()
        audit.record(
            "risk_analysis_decided", actor_id=actor.id, object_type="risk_analysis", object_id=analysis.id, ip=ip
        )
    return analysis


def risk_analyses_for(user: User) -> list[RiskAnalysis]:
    """The security officer sees every request; an office holder their own; anyone else none."""
    query = RiskAnalysis.select().order_by(RiskAnalysis.starts_at.desc(), RiskAnalysis.id.desc())
    if is_security_officer(user):
        return list(query)
    if user.is_active and user.is_office_holder:
        return list(query.where(RiskAnalysis.requested_by == user.id))
    return []


# --- home screenings ----------------------------------------------------------------------------


def ask_home_screening(user: User, *, reason: str = "", token: str | None = None, ip: str | None = None):
    """An office holder asks for a home screening, also without an incident (§4.1, §6.4)."""
    if not user.is_active or not user.is_office_holder:
        raise NotAllowed("ask_home_screening")
    if token and (existing := HomeScreening.get_or_none(HomeScreening.token == token)):
        return existing
    with write_transaction():
        screening = HomeScreening.create(office_holder=user, reason=reason or None, token=token or None)
        audit.record(
            "home_screening_asked", actor_id=user.id, object_type="home_screening", object_id=screening.id, ip=ip
        )
    return screening


def incident_cases(screening: HomeScreening, actor: User) -> list[Case]:
    """The office holder's own reports the actor may see: the incidents the screening can follow."""
    from models.visibility import Access, case_access

    query = (
        Case.select()
        .where((Case.reporter == screening.office_holder_id) & (Case.kind == CaseKind.REPORT.value))
        .order_by(Case.created_at.desc())
    )
    return [case for case in query if case_access(actor, case) >= Access.INFORMED]


def record_home_screening(
    screening: HomeScreening,
    actor: User,
    *,
    visited_on: dt.date | None,
    advice: str,
    measures_taken: str,
    cost_cents: int | None,
    case: Case | None = None,
    ip: str | None = None,
) -> HomeScreening:
    """The security officer records the visit, the advice, the measures taken and what the
    municipality paid (integer cents; None: nothing paid yet). With `case` (an incident of this office
    holder the officer may see) the cost is booked in that case's ledger as a cost the municipality
    bears; a new amount or another case reverses the entry booked before (the ledger is only added to)."""
    if not is_security_officer(actor):
        raise NotAllowed("record_home_screening")
    if cost_cents is not None and cost_cents < 0:
        raise ValueError("cost_cents")
    if case is not None and case.id not in {c.id for c in incident_cases(screening, actor)}:
        raise NotAllowed("home_screening_case", NOT_THIS_CASE)
    with write_transaction():
        screening.visited_on = visited_on
        screening.advice = advice or None
        screening.measures_taken = measures_taken or None
        screening.cost_cents = cost_cents
        screening.updated_by = actor
        _book_cost(screening, actor, case, cost_cents, ip)
        screening.save()
        audit.record(
            "home_screening_recorded",
            actor_id=actor.id,
            object_type="home_screening",
            object_id=screening.id,
            ip=ip,
        )
    return screening


def _book_cost(screening: HomeScreening, actor: User, case: Case | None, cost_cents: int | None, ip) -> None:
    """The ledger follows the screening: its cost on its case, as a cost the municipality bears."""
    booked = screening.ledger_entry  # the entry in force, on screening.case
    if booked is not None and (case is None or booked.case_id != case.id):
        damages.bear_cost(booked.case, None, actor, reason=LEDGER_REASON, replaces=booked, ip=ip)  # reversed
        booked = None
    entry = None
    if case is not None and cost_cents:
        entry = damages.bear_cost(case, cost_cents, actor, reason=LEDGER_REASON, replaces=booked, ip=ip)
    elif booked is not None:
        damages.bear_cost(booked.case, None, actor, reason=LEDGER_REASON, replaces=booked, ip=ip)
    screening.case = case
    screening.ledger_entry = entry


def preventive_costs(year: int | None = None) -> int:
    """What the municipality paid for home screenings that follow no incident (not in the ledger), in
    cents; of the screenings visited in `year` when given."""
    query = HomeScreening.select(peewee.fn.SUM(HomeScreening.cost_cents)).where(HomeScreening.ledger_entry.is_null())
    if year is not None:
        query = query.where(
            (HomeScreening.visited_on >= dt.date(year, 1, 1)) & (HomeScreening.visited_on < dt.date(year + 1, 1, 1))
        )
    return int(query.scalar() or 0)


def home_screenings_for(user: User) -> list[HomeScreening]:
    query = HomeScreening.select().order_by(HomeScreening.requested_at.desc(), HomeScreening.id.desc())
    if is_security_officer(user):
        return list(query)
    if user.is_active and user.is_office_holder:
        return list(query.where(HomeScreening.office_holder == user.id))
    return []
