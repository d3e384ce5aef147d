"""The victim's consent (§6.4, §7), per purpose, with its history.

The municipality acts *with* the victim: a police report only with their consent (§6.4), other office
holders informed only with their consent (§7), peer support (the NVR ambassadors, §6.3) involved and
a statement by the mayor made only when they agree (§7). The victim gives or withdraws each at any
time; a handler can record what the victim said by phone or in person. Every change is a new record
(nothing is overwritten), so the history shows who, when and how; what was done under a consent in
force stays done, and the record shows when.

`require` is the one check every path calls before it acts (the police panel, a measure of type
police report, the notice "other office holders informed", a statement). Call it before the write
transaction of the act, at the moment of acting.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

import peewee

from models import audit, clock
from models.accounts import User
from models.base import BaseModel
from models.cases import Case, CaseEvent, EventKind, NotAllowed
from models.db import serialised, write_transaction
from models.i18n import N_

CONSENT_LOCK = 0x5642_434E  # "VBCN": serialises consent changes on PostgreSQL (a change sent twice is stored once)


class Purpose(str, Enum):
    POLICE_REPORT = "police_report"  # §6.4: the municipality files the police report
    INFORM_OTHERS = "inform_others"  # §7: other office holders are informed
    PEER_SUPPORT = "peer_support"  # §6.3: the NVR ambassador network is involved
    PUBLIC_STATEMENT = "public_statement"  # §7: the mayor makes a public statement


PURPOSE_LABELS = {
    Purpose.POLICE_REPORT: N_("Aangifte doen bij de politie"),
    Purpose.INFORM_OTHERS: N_("Andere ambtsdragers informeren"),
    Purpose.PEER_SUPPORT: N_("Collegiale opvang door het ambassadeursnetwerk van de NVR"),
    Purpose.PUBLIC_STATEMENT: N_("Een publieke verklaring door de burgemeester"),
}

# What the victim is asked, in their own words (Mijn meldingen, the reporting form).
PURPOSE_QUESTIONS = {
    Purpose.POLICE_REPORT: N_("Mag de gemeente namens u aangifte doen bij de politie?"),
    Purpose.INFORM_OTHERS: N_("Mogen andere ambtsdragers over dit incident worden geïnformeerd?"),
    Purpose.PEER_SUPPORT: N_("Mag de gemeente een ambassadeur van de NVR vragen contact met u op te nemen?"),
    Purpose.PUBLIC_STATEMENT: N_("Mag de burgemeester een publieke verklaring over dit incident doen?"),
}

# What `require` tells a person when the consent is not in force (plain Dutch, N_).
REFUSALS = {
    Purpose.POLICE_REPORT: N_(
        "Zonder toestemming van de ambtsdrager doet de gemeente geen aangifte. Leg eerst de toestemming vast."
    ),
    Purpose.INFORM_OTHERS: N_("De ambtsdrager heeft geen toestemming gegeven om andere ambtsdragers te informeren."),
    Purpose.PEER_SUPPORT: N_(
        "De ambtsdrager heeft geen toestemming gegeven om het ambassadeursnetwerk van de NVR in te schakelen."
    ),
    Purpose.PUBLIC_STATEMENT: N_(
        "De ambtsdrager heeft geen toestemming gegeven voor een publieke verklaring over dit incident."
    ),
}


class How(str, Enum):
    """How a consent was given or withdrawn."""

    PORTAL = "portal"  # by the victim themselves, in Mijn meldingen
    IN_REPORT = "in_report"  # in the report, while filing
    PHONE = "phone"  # told a handler by phone; the handler recorded it
    IN_PERSON = "in_person"  # told a handler in person; the handler recorded it
    RECORDED = "recorded"  # recorded by a handler before the way was kept (migration 0008)


HOW_LABELS = {
    How.PORTAL: N_("door de ambtsdrager zelf in Mijn meldingen"),
    How.IN_REPORT: N_("in de melding"),
    How.PHONE: N_("telefonisch, vastgelegd door een behandelaar"),
    How.IN_PERSON: N_("persoonlijk, vastgelegd door een behandelaar"),
    How.RECORDED: N_("vastgelegd door een behandelaar"),
}

# The ways a handler records what the victim told them.
HANDLER_HOWS = (How.PHONE, How.IN_PERSON)


class ConsentRecord(BaseModel):
    """One change of one consent: given or withdrawn, when (`at`, the moment it takes effect), by whom
    (`actor`: the victim, or the handler who recorded it) and how. Only ever added to."""

    case = peewee.ForeignKeyField(Case, backref="consent_records", on_delete="CASCADE")
    purpose = peewee.CharField(max_length=24)
    given = peewee.BooleanField()
    at = peewee.DateTimeField()
    actor = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    how = peewee.CharField(max_length=16)
    recorded_at = peewee.DateTimeField(default=clock.utcnow)

    class Meta:
        indexes = ((("case", "purpose", "at"), False),)

    @property
    def purpose_enum(self) -> Purpose:
        return Purpose(self.purpose)

    @property
    def how_enum(self) -> How:
        return How(self.how)


def _latest(case: Case | int, purpose: Purpose, at: dt.datetime | None = None) -> ConsentRecord | None:
    query = ConsentRecord.select().where(
        (ConsentRecord.case == (case if isinstance(case, int) else case.id)) & (ConsentRecord.purpose == purpose.value)
    )
    if at is not None:
        query = query.where(ConsentRecord.at <= at)
    return query.order_by(ConsentRecord.at.desc(), ConsentRecord.id.desc()).first()


def in_force(case: Case | int, purpose: Purpose, at: dt.datetime | None = None) -> bool:
    """Whether the victim's consent for `purpose` is in force at `at` (now when not given)."""
    latest = _latest(case, Purpose(purpose), at or clock.utcnow())
    return latest is not None and latest.given


def require(case: Case | int, purpose: Purpose, at: dt.datetime | None = None) -> None:
    """The one check before acting under a consent: raises NotAllowed (code `consent:<purpose>`, with
    the message a person sees) when the consent is not in force at `at` (now)."""
    purpose = Purpose(purpose)
    if not in_force(case, purpose, at):
        raise NotAllowed(f"consent:{purpose.value}", REFUSALS[purpose])


def _change(case: Case, purpose: Purpose, actor: User, given: bool, how: How, at, ip) -> ConsentRecord:
    purpose, how = Purpose(purpose), How(how)
    now = clock.utcnow()
    at = at or now
    if at > now:
        raise NotAllowed("consent:future", N_("Een toestemming kan niet in de toekomst worden vastgelegd."))
    with write_transaction(), serialised(CONSENT_LOCK):
        latest = _latest(case, purpose)
        if latest is not None and latest.given == given:
            return latest  # sent twice: stored once
        if latest is None and not given:
            # never given: withdrawing changes nothing, so nothing is stored
            return None
        if latest is not None and at < latest.at:
            raise NotAllowed("consent:order", N_("Deze wijziging ligt vóór de laatste wijziging van deze toestemming."))
        record = ConsentRecord.create(
            case=case, purpose=purpose.value, given=given, at=at, actor=actor, how=how.value, recorded_at=now
        )
        change = "given" if given else "withdrawn"
        CaseEvent.create(
            case=case, at=now, actor=actor, kind=EventKind.CONSENT.value, detail=f"{purpose.value}:{change}"
        )
        audit.record(
            f"consent_{change}",
            actor_id=actor.id,
            object_type="case",
            object_id=case.id,
            ip=ip,
            detail=f"purpose={purpose.value} how={how.value} record={record.id}",
        )
        return record


def give(
    case: Case, purpose: Purpose, actor: User, *, how: How, at: dt.datetime | None = None, ip: str | None = None
) -> ConsentRecord:
    """The victim gives consent for `purpose` (or a handler records that they did, `how`). Given
    while already in force: nothing new is stored, the record in force is returned."""
    return _change(case, purpose, actor, True, how, at, ip)


def withdraw(
    case: Case, purpose: Purpose, actor: User, *, how: How, at: dt.datetime | None = None, ip: str | None = None
) -> ConsentRecord | None:
    """The victim withdraws consent for `purpose`. What was done while it was in force stays done.
    Withdrawn when not in force: nothing new is stored (the latest record, or None if never given)."""
    return _change(case, purpose, actor, False, how, at, ip)


def history(case: Case | int, purpose: Purpose | None = None) -> list[ConsentRecord]:
    """Every change, oldest first (of one purpose, or of all)."""
    query = ConsentRecord.select().where(ConsentRecord.case == (case if isinstance(case, int) else case.id))
    if purpose is not None:
        query = query.where(ConsentRecord.purpose == Purpose(purpose).value)
    return list(query.order_by(ConsentRecord.at, ConsentRecord.id))


def current(case: Case | int) -> dict[Purpose, ConsentRecord | None]:
    """For each purpose, the record in force now (given or withdrawn), or None when never asked."""
    latest: dict[Purpose, ConsentRecord | None] = dict.fromkeys(Purpose)
    for record in history(case):
        if record.at <= clock.utcnow():
            latest[record.purpose_enum] = record
    return latest
