"""Measures against the perpetrator (§6.2): decisions about a citizen, so each records who proposed
it, who decided, when and why, with the security officer's advice. A written building ban is a
decision of the mayor only, for a period; the portal prints the letter and reminds before it ends."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import peewee

from models import clock, deadlines, settings
from models.accounts import Role, User
from models.base import BaseModel
from models.cases import Case, CaseEvent, EventKind
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


class MeasureRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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


def decide(measure: Measure, actor: User) -> None:
    measure_type = MeasureType(measure.type)
    if not may_decide(actor, measure_type):
        if measure_type == MeasureType.BUILDING_BAN:
            raise MeasureRefused(
                N_("Alleen de burgemeester kan besluiten tot een ontzegging van de toegang tot gemeentelijke gebouwen.")
            )
        raise MeasureRefused(N_("U kunt niet besluiten over deze maatregel."))
    if measure.state != MeasureState.PROPOSED.value:
        raise MeasureRefused(N_("Over deze maatregel is al besloten."))
    now = clock.utcnow()
    with write_transaction():
        measure.state = MeasureState.DECIDED.value
        measure.decided_by = actor
        measure.decided_at = now
        measure.save(only=[Measure.state, Measure.decided_by, Measure.decided_at])
        CaseEvent.create(case=measure.case, actor=actor, kind=EventKind.MEASURE.value, detail=f"{measure.id}:decided")
        if measure_type in PERIOD_MEASURES and measure.ends_on:
            ends_at = clock.to_utc(dt.datetime.combine(measure.ends_on, dt.time(0, 0)))
            remind_at = ends_at - dt.timedelta(days=settings.get("ban_remind_days"))
            deadlines.schedule(
                measure.case,
                deadlines.DeadlineKind.BAN_ENDING,
                ends_at,
                max(remind_at, now),
                {Role.MAYOR, Role.SECURITY_OFFICER},
                object_id=measure.id,
            )


def carry_out(measure: Measure, actor: User) -> None:
    if measure.state != MeasureState.DECIDED.value:
        raise MeasureRefused(N_("Een maatregel wordt pas uitgevoerd als erover is besloten."))
    with write_transaction():
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
        ends_at = clock.to_utc(dt.datetime.combine(new_end, dt.time(0, 0)))
        deadlines.schedule(
            measure.case,
            deadlines.DeadlineKind.BAN_ENDING,
            ends_at,
            max(ends_at - dt.timedelta(days=settings.get("ban_remind_days")), clock.utcnow()),
            {Role.MAYOR, Role.SECURITY_OFFICER},
            object_id=measure.id,
        )
        CaseEvent.create(case=measure.case, actor=actor, kind=EventKind.MEASURE.value, detail=f"{measure.id}:extended")
