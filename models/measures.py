"""Measures against the perpetrator (§6.2): decisions about a citizen, so each records who proposed
it, who decided, when and why, with the security officer's advice. A written building ban is a
decision of the mayor only, for a period; the portal prints the letter and reminds before it ends.

Due process: before a measure against a known citizen is decided, their side is recorded (hoor en
wederhoor, §2) or the decider writes why not; the decider writes their own reasons. A ban is open to
objection (bezwaar, six weeks, Awb), and a violation of it informs the police and proposes a new
police report (§6.2)."""

from __future__ import annotations

import datetime as dt
import secrets
from enum import Enum

import peewee
from babel.dates import format_date

from models import clock, consent, deadlines, settings
from models.accounts import Role, User
from models.base import BaseModel
from models.cases import Case, CaseEvent, EventKind, NotAllowed
from models.crypto import EncryptedTextField
from models.db import write_transaction
from models.i18n import N_
from models.perpetrators import Perpetrator


class MeasureType(str, Enum):
    WARNING_ORAL = "warning_oral"
    WARNING_WRITTEN = "warning_written"
    LIMIT_SERVICE = "limit_service"
    BUILDING_BAN = "building_ban"
    STOP_CONVERSATION = "stop_conversation"
    POLICE_NOTIFICATION = "police_notification"
    POLICE_REPORT = "police_report"
    PRIORITY_RESPONSE = "priority_response"
    OTHER = "other"


MEASURE_LABELS = {
    MeasureType.WARNING_ORAL: N_("Mondelinge waarschuwing"),
    MeasureType.WARNING_WRITTEN: N_("Schriftelijke waarschuwing"),
    MeasureType.LIMIT_SERVICE: N_("Dienstverlening (tijdelijk) beperken"),
    MeasureType.BUILDING_BAN: N_("Toegang tot gemeentelijke gebouwen ontzeggen"),
    MeasureType.STOP_CONVERSATION: N_("Incidentgesprek of stopgesprek"),
    MeasureType.POLICE_NOTIFICATION: N_("Het voorval melden bij de politie"),
    MeasureType.POLICE_REPORT: N_("Aangifte doen bij de politie"),
    MeasureType.PRIORITY_RESPONSE: N_("Afspraak met de politie over voorrang bij een melding (locatie of persoon)"),
    MeasureType.OTHER: N_("Andere maatregel"),
}

# Measures that last for a period: they need a start and an end date.
PERIOD_MEASURES = {MeasureType.BUILDING_BAN, MeasureType.LIMIT_SERVICE}
# Who may decide a measure; a written building ban is a decision of the mayor (§6.2).
DECIDERS = {MeasureType.BUILDING_BAN: {Role.MAYOR}}
DEFAULT_DECIDERS = {Role.MAYOR, Role.MUNICIPAL_SECRETARY, Role.CLERK, Role.DEPUTY_CLERK}
# Measures the municipality takes only with the victim's consent in force (§6.4): proposed, decided, carried out.
CONSENT_NEEDED = {MeasureType.POLICE_REPORT: consent.Purpose.POLICE_REPORT}


class MeasureState(str, Enum):
    PROPOSED = "proposed"
    DECIDED = "decided"
    CARRIED_OUT = "carried_out"
    ENDED = "ended"


STATE_LABELS = {
    MeasureState.PROPOSED: N_("Voorgesteld"),
    MeasureState.DECIDED: N_("Besloten"),
    MeasureState.CARRIED_OUT: N_("Uitgevoerd"),
    MeasureState.ENDED: N_("Beëindigd"),
}


class Measure(BaseModel):
    case = peewee.ForeignKeyField(Case, backref="measures", on_delete="CASCADE")
    perpetrator = peewee.ForeignKeyField(Perpetrator, null=True, backref="measures", on_delete="SET NULL")
    type = peewee.CharField(max_length=32)
    state = peewee.CharField(max_length=16, default=MeasureState.PROPOSED.value)
    description = EncryptedTextField(null=True)
    reasons = EncryptedTextField(null=True)
    security_advice = EncryptedTextField(null=True)  # advice of the security officer (§6.2)
    advice_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    proposed_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    proposed_at = peewee.DateTimeField(default=clock.utcnow)
    decided_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decided_at = peewee.DateTimeField(null=True)
    starts_on = peewee.DateField(null=True)
    ends_on = peewee.DateField(null=True)
    carried_out_at = peewee.DateTimeField(null=True)
    ended_at = peewee.DateTimeField(null=True)
    not_for_press = peewee.BooleanField(default=True)  # §7: security measures never go to the press
    decision_reasons = EncryptedTextField(null=True)  # the decider's own words; a ban's letter quotes them
    unheard_reason = EncryptedTextField(null=True)  # why it was decided without the citizen's side (§2)

    class Meta:
        # The measures waiting for a decision or advice (models.start_pages), read from this index
        # however many measures were decided or ended before (migration 0027).
        indexes = ((("state", "type", "case"), False),)


class MeasureRefused(Exception):
    def __init__(self, message: str, field: str | None = None, **params):
        super().__init__(message)
        self.message = message
        self.field = field  # the form field the refusal is about, where there is one
        self.params = params  # the message's %(name)s values


class HearingOutcome(str, Enum):
    HEARD = "heard"
    DECLINED = "declined"
    UNREACHABLE = "unreachable"


HEARING_LABELS = {
    HearingOutcome.HEARD: N_("De burger is gehoord"),
    HearingOutcome.DECLINED: N_("De burger wilde niet reageren"),
    HearingOutcome.UNREACHABLE: N_("De burger was niet bereikbaar"),
}


class MeasureHearing(BaseModel):
    """Hoor en wederhoor (§2): the citizen's side before a measure is decided, or that they declined
    or could not be reached. Each attempt is kept; the latest counts."""

    measure = peewee.ForeignKeyField(Measure, backref="hearings", on_delete="CASCADE")
    outcome = peewee.CharField(max_length=16)
    held_on = peewee.DateField()
    heard_by = peewee.CharField(max_length=200)  # who spoke with the citizen, or tried to
    account = EncryptedTextField(null=True)  # what the citizen said, or how they were approached
    recorded_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    recorded_at = peewee.DateTimeField(default=clock.utcnow)
    token = peewee.CharField(max_length=32, unique=True)  # a form sent twice stores one hearing


class ObjectionOutcome(str, Enum):
    UPHELD = "upheld"
    PARTLY = "partly"
    REJECTED = "rejected"


OBJECTION_LABELS = {
    ObjectionOutcome.UPHELD: N_("Gegrond: de maatregel stopt"),
    ObjectionOutcome.PARTLY: N_("Gedeeltelijk gegrond: de maatregel verandert"),
    ObjectionOutcome.REJECTED: N_("Ongegrond: de maatregel blijft"),
}
# Awb art. 6:7: an objection is made within six weeks.
OBJECTION_PERIOD = dt.timedelta(weeks=6)
# Measures that are a decision open to objection: those for a period (a ban, limited service).
OBJECTION_MEASURES = {MeasureType.BUILDING_BAN, MeasureType.LIMIT_SERVICE}


class MeasureObjection(BaseModel):
    """Bezwaar against a decided measure, and the decision on it (by whoever may decide the measure)."""

    measure = peewee.ForeignKeyField(Measure, backref="objections", on_delete="CASCADE")
    received_on = peewee.DateField()
    grounds = EncryptedTextField()  # what the citizen objects to, and why
    recorded_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    recorded_at = peewee.DateTimeField(default=clock.utcnow)
    token = peewee.CharField(max_length=32, unique=True)  # a form sent twice stores one objection
    outcome = peewee.CharField(max_length=16, null=True)  # None: not decided yet
    outcome_reasons = EncryptedTextField(null=True)
    decided_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decided_at = peewee.DateTimeField(null=True)
    previous_ends_on = peewee.DateField(null=True)  # partly upheld: the period before it changed
    previous_description = EncryptedTextField(null=True)


class BanViolation(BaseModel):
    """Not complying with a building ban (§6.2): the police are informed at once, and it is a new
    criminal offence, of which a police report is proposed (filed through the police panel)."""

    measure = peewee.ForeignKeyField(Measure, backref="violations", on_delete="CASCADE")
    occurred_at = peewee.DateTimeField()
    location = EncryptedTextField()
    seen_by = EncryptedTextField()
    account = EncryptedTextField(null=True)
    police_informed_at = peewee.DateTimeField(null=True)
    police_informed_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    police_report_proposal = peewee.ForeignKeyField(Measure, null=True, backref="+", on_delete="SET NULL")
    recorded_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    recorded_at = peewee.DateTimeField(default=clock.utcnow)
    token = peewee.CharField(max_length=32, unique=True)  # a form sent twice stores one violation


def _require_consent(case: Case, measure_type: MeasureType) -> None:
    purpose = CONSENT_NEEDED.get(measure_type)
    if purpose is None:
        return
    try:
        consent.require(case, purpose)
    except NotAllowed as refused:
        raise MeasureRefused(refused.message) from refused


def may_decide(user: User, measure_type: MeasureType) -> bool:
    return user.role_enum in DECIDERS.get(measure_type, DEFAULT_DECIDERS)


def propose(
    case: Case,
    measure_type: MeasureType,
    actor: User,
    *,
    reasons: str,
    description: str = "",
    perpetrator: Perpetrator | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    not_for_press: bool = True,
) -> Measure:
    if measure_type in PERIOD_MEASURES:
        if not (starts_on and ends_on):
            raise MeasureRefused(
                N_("Vul de begindatum en de einddatum in. Deze maatregel geldt voor een bepaalde tijd.")
            )
        if ends_on <= starts_on:
            raise MeasureRefused(N_("De einddatum moet na de begindatum liggen."))
    if not reasons.strip():
        raise MeasureRefused(N_("Schrijf op waarom deze maatregel nodig is. Het is een besluit over een burger."))
    with write_transaction():
        _require_consent(case, measure_type)
        measure = Measure.create(
            case=case,
            perpetrator=perpetrator,
            type=measure_type.value,
            reasons=reasons,
            description=description or None,
            proposed_by=actor,
            starts_on=starts_on,
            ends_on=ends_on,
            not_for_press=not_for_press,
        )
        CaseEvent.create(case=case, actor=actor, kind=EventKind.MEASURE.value, detail=f"{measure.id}:proposed")
    return measure


def record_advice(measure: Measure, advice: str, actor: User) -> None:
    if actor.role_enum != Role.SECURITY_OFFICER:
        raise MeasureRefused(N_("Alleen de ambtenaar Veiligheid geeft advies over maatregelen."))
    with write_transaction():
        measure.security_advice = advice
        measure.advice_by = actor
        measure.save(only=[Measure.security_advice, Measure.advice_by])
        CaseEvent.create(case=measure.case, actor=actor, kind=EventKind.MEASURE.value, detail=f"{measure.id}:advice")


def against_known_person(measure: Measure) -> bool:
    """Hoor en wederhoor (§2) is owed to a citizen who is known: linked in the register, or named in the report."""
    return bool(measure.perpetrator_id or measure.case.perpetrator_name)


def latest_hearing(measure: Measure) -> MeasureHearing | None:
    return (
        MeasureHearing.select()
        .where(MeasureHearing.measure == measure.id)
        .order_by(MeasureHearing.held_on.desc(), MeasureHearing.id.desc())
        .first()
    )


def letter_reference(measure: Measure) -> str:
    """The municipality's reference (kenmerk) of a decision, for its letter and for an objection to quote."""
    return f"{measure.case.reference}-M{measure.id}"


def record_hearing(
    measure: Measure,
    actor: User,
    *,
    outcome: HearingOutcome,
    held_on: dt.date,
    heard_by: str,
    account: str = "",
    token: str | None = None,
) -> MeasureHearing:
    """The citizen's side of the story (§2), recorded before the measure is decided."""
    token = token or secrets.token_hex(16)
    existing = MeasureHearing.get_or_none(MeasureHearing.token == token)
    if existing is not None:
        return existing
    if measure.state != MeasureState.PROPOSED.value:
        raise MeasureRefused(N_("De kant van de burger wordt vastgelegd voordat over de maatregel wordt besloten."))
    if held_on > clock.to_local(clock.utcnow()).date():
        raise MeasureRefused(N_("Deze datum ligt in de toekomst."), field="held_on")
    if not heard_by.strip():
        raise MeasureRefused(N_("Vul in wie met de burger sprak of dat probeerde."), field="heard_by")
    if not account.strip() and outcome == HearingOutcome.HEARD:
        raise MeasureRefused(N_("Schrijf op wat de burger zei."), field="account")
    if not account.strip() and outcome == HearingOutcome.UNREACHABLE:
        raise MeasureRefused(N_("Schrijf op hoe is geprobeerd de burger te bereiken."), field="account")
    with write_transaction():
        hearing = MeasureHearing.create(
            measure=measure,
            outcome=outcome.value,
            held_on=held_on,
            heard_by=heard_by.strip(),
            account=account.strip() or None,
            recorded_by=actor,
            token=token,
        )
        CaseEvent.create(case=measure.case, actor=actor, kind=EventKind.MEASURE.value, detail=f"{measure.id}:hearing")
    return hearing


def why_not_decider(actor: User, measure_type: MeasureType) -> str | None:
    """Why this person may not decide this measure (a message to show), or None when they may."""
    if may_decide(actor, measure_type):
        return None
    if measure_type == MeasureType.BUILDING_BAN:
        return N_("Alleen de burgemeester kan besluiten tot een ontzegging van de toegang tot gemeentelijke gebouwen.")
    return N_("U kunt niet besluiten over deze maatregel.")


def _same_decision(measure_id: int, actor: User, reasons: str) -> bool:
    stored = Measure.get_by_id(measure_id)
    return stored.decided_by_id == actor.id and (stored.decision_reasons or "") == reasons


def decide(measure: Measure, actor: User, *, reasons: str, unheard_reason: str = "") -> bool:
    """The decision, with the decider's own reasons. A measure against a known citizen waits for
    their side (§2), unless the decider writes why it cannot wait. The same decision sent again
    stores nothing new: returns False."""
    measure_type = MeasureType(measure.type)
    refusal = why_not_decider(actor, measure_type)
    if refusal:
        raise MeasureRefused(refusal)
    reasons, unheard_reason = reasons.strip(), unheard_reason.strip()
    if measure.state != MeasureState.PROPOSED.value:
        if _same_decision(measure.id, actor, reasons):
            return False
        raise MeasureRefused(N_("Over deze maatregel is al besloten."))
    if not reasons:
        raise MeasureRefused(N_("Schrijf op waarom u tot deze maatregel besluit."), field="reasons")
    heard = latest_hearing(measure) is not None
    if against_known_person(measure) and not heard and not unheard_reason:
        raise MeasureRefused(
            N_(
                "De kant van de burger is nog niet vastgelegd. Leg eerst vast wat de burger zei, of dat de burger "
                "niet wilde reageren of niet bereikbaar was. Kan dat niet wachten? Schrijf dan op waarom u besluit "
                "zonder de burger te horen."
            ),
            field="unheard_reason",
        )
    now = clock.utcnow()
    with write_transaction():
        _require_consent(measure.case, measure_type)
        changed = (
            Measure.update(
                state=MeasureState.DECIDED.value,
                decided_by=actor.id,
                decided_at=now,
                decision_reasons=reasons,
                unheard_reason=None if heard else unheard_reason or None,
            )
            .where((Measure.id == measure.id) & (Measure.state == MeasureState.PROPOSED.value))
            .execute()
        )
        if not changed:  # decided by another request between reading and writing
            if _same_decision(measure.id, actor, reasons):
                return False
            raise MeasureRefused(N_("Over deze maatregel is al besloten."))
        measure.state, measure.decided_by, measure.decided_at = MeasureState.DECIDED.value, actor, now
        measure.decision_reasons, measure.unheard_reason = reasons, None if heard else unheard_reason or None
        CaseEvent.create(case=measure.case, actor=actor, kind=EventKind.MEASURE.value, detail=f"{measure.id}:decided")
        if measure_type in PERIOD_MEASURES and measure.ends_on:
            _schedule_ending(measure, now)
    return True


def _schedule_ending(measure: Measure, now: dt.datetime) -> None:
    """The reminder before a period measure ends (the ban_remind_days setting), on its end date."""
    ends_at = clock.to_utc(dt.datetime.combine(measure.ends_on, dt.time(0, 0)))
    deadlines.schedule(
        measure.case,
        deadlines.DeadlineKind.BAN_ENDING,
        ends_at,
        max(ends_at - dt.timedelta(days=settings.get("ban_remind_days")), now),
        {Role.MAYOR, Role.SECURITY_OFFICER},
        object_id=measure.id,
    )


def carry_out(measure: Measure, actor: User) -> None:
    if measure.state != MeasureState.DECIDED.value:
        raise MeasureRefused(N_("Een maatregel wordt pas uitgevoerd als erover is besloten."))
    with write_transaction():
        _require_consent(measure.case, MeasureType(measure.type))
        measure.state = MeasureState.CARRIED_OUT.value
        measure.carried_out_at = clock.utcnow()
        measure.save(only=[Measure.state, Measure.carried_out_at])
        CaseEvent.create(
            case=measure.case, actor=actor, kind=EventKind.MEASURE.value, detail=f"{measure.id}:carried_out"
        )


def end(measure: Measure, actor: User) -> None:
    if measure.state not in (MeasureState.DECIDED.value, MeasureState.CARRIED_OUT.value):
        raise MeasureRefused(N_("Alleen een besloten of uitgevoerde maatregel kan worden beëindigd."))
    with write_transaction():
        measure.state = MeasureState.ENDED.value
        measure.ended_at = clock.utcnow()
        measure.save(only=[Measure.state, Measure.ended_at])
        deadlines.complete(deadlines.DeadlineKind.BAN_ENDING, measure.case_id, measure.id)
        CaseEvent.create(case=measure.case, actor=actor, kind=EventKind.MEASURE.value, detail=f"{measure.id}:ended")


def extend(measure: Measure, new_end: dt.date, actor: User) -> None:
    """Extend a period measure: a new end date, and the reminder moves with it."""
    measure_type = MeasureType(measure.type)
    if not may_decide(actor, measure_type):
        if measure_type == MeasureType.BUILDING_BAN:
            raise MeasureRefused(N_("Alleen de burgemeester kan een ontzegging verlengen."))
        raise MeasureRefused(N_("U kunt deze maatregel niet verlengen."))
    if measure.state not in (MeasureState.DECIDED.value, MeasureState.CARRIED_OUT.value):
        raise MeasureRefused(N_("Alleen een besloten of uitgevoerde maatregel kan worden verlengd."))
    if not measure.ends_on or new_end <= measure.ends_on:
        raise MeasureRefused(N_("De nieuwe einddatum moet na de huidige einddatum liggen."))
    with write_transaction():
        deadlines.complete(deadlines.DeadlineKind.BAN_ENDING, measure.case_id, measure.id)
        measure.ends_on = new_end
        measure.save(only=[Measure.ends_on])
        _schedule_ending(measure, clock.utcnow())
        CaseEvent.create(case=measure.case, actor=actor, kind=EventKind.MEASURE.value, detail=f"{measure.id}:extended")


# --- objection (bezwaar, Awb) ---------------------------------------------------------------------


def objection_deadline(measure: Measure) -> dt.date:
    """The last day of the six weeks (Awb art. 6:7), counted from the date of the decision's letter."""
    return clock.to_local(measure.decided_at).date() + OBJECTION_PERIOD


def objection_late(objection: MeasureObjection) -> bool:
    return objection.received_on > objection_deadline(objection.measure)


def record_objection(
    measure: Measure, actor: User, *, received_on: dt.date, grounds: str, token: str | None = None
) -> MeasureObjection:
    """An objection that came in; it is decided on later by whoever may decide the measure."""
    token = token or secrets.token_hex(16)
    existing = MeasureObjection.get_or_none(MeasureObjection.token == token)
    if existing is not None:
        return existing
    if MeasureType(measure.type) not in OBJECTION_MEASURES:
        raise MeasureRefused(
            N_("Bezwaar vastleggen kan bij een ontzegging van de toegang of een beperking van de dienstverlening.")
        )
    if measure.decided_at is None:
        raise MeasureRefused(N_("Bezwaar kan pas als over de maatregel is besloten."))
    if received_on > clock.to_local(clock.utcnow()).date():
        raise MeasureRefused(N_("Deze datum ligt in de toekomst."), field="received_on")
    if received_on < clock.to_local(measure.decided_at).date():
        raise MeasureRefused(
            N_("Het bezwaar kan niet eerder zijn ontvangen dan het besluit is genomen."), field="received_on"
        )
    if not grounds.strip():
        raise MeasureRefused(N_("Schrijf op waartegen de burger bezwaar maakt en waarom."), field="grounds")
    with write_transaction():
        objection = MeasureObjection.create(
            measure=measure, received_on=received_on, grounds=grounds.strip(), recorded_by=actor, token=token
        )
        CaseEvent.create(case=measure.case, actor=actor, kind=EventKind.MEASURE.value, detail=f"{measure.id}:objection")
    return objection


def decide_objection(
    objection: MeasureObjection,
    actor: User,
    *,
    outcome: ObjectionOutcome,
    reasons: str,
    new_ends_on: dt.date | None = None,
    new_description: str = "",
) -> bool:
    """The decision on an objection, by whoever may decide the measure (the mayor for a ban). Upheld:
    the measure stops. Partly upheld: it changes (an earlier end, or what it holds). Rejected: it stays.
    The same decision sent again stores nothing new: returns False."""
    measure = objection.measure
    measure_type = MeasureType(measure.type)
    if not may_decide(actor, measure_type):
        if measure_type == MeasureType.BUILDING_BAN:
            raise MeasureRefused(N_("Alleen de burgemeester beslist op een bezwaar tegen een ontzegging."))
        raise MeasureRefused(N_("U kunt niet beslissen op dit bezwaar."))
    reasons, new_description = reasons.strip(), new_description.strip()
    if objection.outcome is not None:
        if objection.outcome == outcome.value and objection.decided_by_id == actor.id:
            return False
        raise MeasureRefused(N_("Op dit bezwaar is al beslist."))
    if not reasons:
        raise MeasureRefused(N_("Schrijf op waarom u zo beslist op het bezwaar."), field="reasons")
    if outcome == ObjectionOutcome.PARTLY:
        if new_ends_on is None and not new_description:
            raise MeasureRefused(
                N_("Vul in wat er verandert: een eerdere einddatum, of wat de maatregel nu inhoudt. Of beslis anders.")
            )
        if new_ends_on is not None and not (
            measure.ends_on and measure.starts_on and measure.starts_on <= new_ends_on < measure.ends_on
        ):
            raise MeasureRefused(
                N_("De nieuwe einddatum moet vóór de huidige einddatum liggen en niet vóór de begindatum."),
                field="new_ends_on",
            )
    now = clock.utcnow()
    in_force = measure.state in (MeasureState.DECIDED.value, MeasureState.CARRIED_OUT.value)
    with write_transaction():
        changed = (
            MeasureObjection.update(
                outcome=outcome.value,
                outcome_reasons=reasons,
                decided_by=actor.id,
                decided_at=now,
                previous_ends_on=measure.ends_on if new_ends_on else None,
                previous_description=measure.description if new_description else None,
            )
            .where((MeasureObjection.id == objection.id) & MeasureObjection.outcome.is_null())
            .execute()
        )
        if not changed:  # decided by another request between reading and writing
            return False
        CaseEvent.create(
            case=measure.case, actor=actor, kind=EventKind.MEASURE.value, detail=f"{measure.id}:objection_decided"
        )
        if outcome == ObjectionOutcome.PARTLY:
            if new_description:
                measure.description = new_description
                measure.save(only=[Measure.description])
            if new_ends_on is not None:
                measure.ends_on = new_ends_on
                measure.save(only=[Measure.ends_on])
                if in_force:
                    deadlines.complete(deadlines.DeadlineKind.BAN_ENDING, measure.case_id, measure.id)
                    _schedule_ending(measure, now)
        ends_now = outcome == ObjectionOutcome.UPHELD or (
            new_ends_on is not None and new_ends_on < clock.to_local(now).date()
        )
        if ends_now and in_force:
            end(measure, actor)
    return True


# --- a violation of a ban (§6.2) ----------------------------------------------------------------


def in_force_on(measure: Measure, moment: dt.datetime) -> bool:
    """Whether a ban held at this moment (UTC): decided, within its period, not yet ended."""
    if measure.decided_at is None or not (measure.starts_on and measure.ends_on):
        return False
    day = clock.to_local(moment).date()
    ended = measure.ended_at is not None and moment >= measure.ended_at
    return measure.starts_on <= day <= measure.ends_on and not ended


def record_violation(
    ban: Measure,
    actor: User,
    *,
    occurred_at: dt.datetime,
    location: str,
    seen_by: str,
    account: str = "",
    police_informed: bool,
    token: str | None = None,
) -> tuple[BanViolation, str | None]:
    """A ban not complied with (§6.2): recorded with when, where and who saw it; the police are to be
    informed at once (recorded here, or later with police_informed), and a new police report is
    proposed as a measure, decided and filed like any other. Returns the violation and, when the
    police report could not be proposed (for example without the victim's consent), why not."""
    token = token or secrets.token_hex(16)
    existing = BanViolation.get_or_none(BanViolation.token == token)
    if existing is not None:
        return existing, None
    if ban.type != MeasureType.BUILDING_BAN.value:
        raise MeasureRefused(N_("Een overtreding wordt vastgelegd bij een ontzegging van de toegang."))
    now = clock.utcnow()
    if occurred_at > now:
        raise MeasureRefused(N_("Dit moment ligt in de toekomst."), field="occurred_date")
    if not in_force_on(ban, occurred_at):
        raise MeasureRefused(
            N_("Op dat moment gold de ontzegging niet. Kies een moment in de periode van de ontzegging."),
            field="occurred_date",
        )
    if not location.strip():
        raise MeasureRefused(N_("Vul in waar het gebeurde."), field="location")
    if not seen_by.strip():
        raise MeasureRefused(N_("Vul in wie het zag."), field="seen_by")
    not_proposed = None
    with write_transaction():
        violation = BanViolation.create(
            measure=ban,
            occurred_at=occurred_at,
            location=location.strip(),
            seen_by=seen_by.strip(),
            account=account.strip() or None,
            police_informed_at=now if police_informed else None,
            police_informed_by=actor if police_informed else None,
            recorded_by=actor,
            token=token,
        )
        CaseEvent.create(case=ban.case, actor=actor, kind=EventKind.MEASURE.value, detail=f"{ban.id}:violation")
        day = format_date(clock.to_local(occurred_at).date(), "d MMMM yyyy", locale="nl")
        try:
            proposal = propose(
                ban.case,
                MeasureType.POLICE_REPORT,
                actor,
                reasons=(
                    f"De ontzegging met kenmerk {letter_reference(ban)} is op {day} niet nageleefd. "
                    "Dat is opnieuw een strafbaar feit; daarvan doet de gemeente aangifte (protocol §6.2)."
                ),
                perpetrator=ban.perpetrator if ban.perpetrator_id else None,
            )
        except MeasureRefused as refusal:
            not_proposed = refusal.message
        else:
            violation.police_report_proposal = proposal
            violation.save(only=[BanViolation.police_report_proposal])
    return violation, not_proposed


def police_informed(violation: BanViolation, actor: User) -> None:
    """The police were told of the violation (§6.2: at once); recorded once."""
    with write_transaction():
        changed = (
            BanViolation.update(police_informed_at=clock.utcnow(), police_informed_by=actor.id)
            .where((BanViolation.id == violation.id) & BanViolation.police_informed_at.is_null())
            .execute()
        )
        if changed:
            CaseEvent.create(
                case=violation.measure.case,
                actor=actor,
                kind=EventKind.MEASURE.value,
                detail=f"{violation.measure_id}:police_informed",
            )


def forget_measure_texts(case_id: int) -> None:
    """Anonymising a case (models.retention): the free texts of its measures go, the facts stay."""
    in_case = Measure.select(Measure.id).where(Measure.case == case_id)
    Measure.update(
        description=None, reasons=None, security_advice=None, decision_reasons=None, unheard_reason=None
    ).where(Measure.case == case_id).execute()
    MeasureHearing.update(account=None, heard_by="").where(MeasureHearing.measure.in_(in_case)).execute()
    MeasureObjection.update(grounds="", outcome_reasons=None, previous_description=None).where(
        MeasureObjection.measure.in_(in_case)
    ).execute()
    BanViolation.update(location="", seen_by="", account=None).where(BanViolation.measure.in_(in_case)).execute()
