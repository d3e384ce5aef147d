"""The victim's consent (§6.4, §7), per purpose, with its history.

The municipality acts *with* the victim: a police report only with their consent (§6.4), other office
holders informed only with their consent (§7), peer support (the NVR ambassadors, §6.3) involved and
a statement by the mayor made only when they agree (§7). The victim gives or withdraws each at any
time; a handler can record what the victim said by phone or in person. Every change is a new record
(nothing is overwritten), so the history shows who, when and how; what was done under a consent in
force stays done, and the record shows when.

`require` is the one check every path calls before it acts (the police panel, a measure of type
police report, the notice "other office holders informed", a statement). Call it inside the act's
write transaction, at the moment of acting: a withdrawal sent at the same time then comes after.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum

import peewee

from models import audit, clock
from models.accounts import User
from models.base import BaseModel
from models.cases import Case, CaseEvent, EventKind, NotAllowed
from models.db import select_written_once, serialised, write_transaction
from models.i18n import N_
from models.visibility import Access, case_access

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
    Purpose.INFORM_OTHERS: N_("Mogen andere ambtsdragers horen dat dit is gebeurd?"),
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

# What a withdrawal cannot undo, said plainly where the victim withdraws and where handlers read it.
STAYS_DONE = {
    Purpose.POLICE_REPORT: N_(
        "Een aangifte die al is gedaan, blijft bij de politie: de gemeente kan die niet terugnemen. Na het intrekken doet de gemeente geen nieuwe aangifte namens u."
    ),
    Purpose.INFORM_OTHERS: N_(
        "Wie al is geïnformeerd, weet het al. Na het intrekken informeert de gemeente niemand meer."
    ),
    Purpose.PEER_SUPPORT: N_(
        "Een ambassadeur die al is gevraagd, weet dat u steun kunt gebruiken. Na het intrekken vraagt de gemeente niemand meer."
    ),
    Purpose.PUBLIC_STATEMENT: N_(
        "Een verklaring die al is gedaan, kan niet worden teruggenomen. Na het intrekken doet de burgemeester geen nieuwe verklaring."
    ),
}

# What was done under each consent, as the case's timeline records it: (event kind, detail as a LIKE
# pattern). A police report's event is "filed:<id>" ("filed" before migration 0009).
ACTS = {
    Purpose.POLICE_REPORT: ((EventKind.POLICE, "filed"), (EventKind.POLICE, "filed:%")),
    Purpose.INFORM_OTHERS: (  # the checklist's notice; each office holder informed (models.communication)
        (EventKind.NOTIFICATION, "other_office_holders"),
        (EventKind.NOTIFICATION, "other_office_holders:%"),
    ),
    Purpose.PEER_SUPPORT: ((EventKind.AFTERCARE, "referral:nvr_ambassadors"),),  # not its later updates
    Purpose.PUBLIC_STATEMENT: ((EventKind.NOTIFICATION, "statement:%"),),  # models.communication
}

ACT_LABELS = {
    Purpose.POLICE_REPORT: N_("Aangifte gedaan"),
    Purpose.INFORM_OTHERS: N_("Andere ambtsdragers geïnformeerd"),
    Purpose.PEER_SUPPORT: N_("Ambassadeursnetwerk van de NVR ingeschakeld"),
    Purpose.PUBLIC_STATEMENT: N_("Publieke verklaring gedaan"),
}


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


def _case_id(case: Case | int) -> int:
    return case if isinstance(case, int) else case.id


def _latest(case: Case | int, purpose: Purpose, at: dt.datetime | None = None) -> ConsentRecord | None:
    query = ConsentRecord.select().where(
        (ConsentRecord.case == _case_id(case)) & (ConsentRecord.purpose == Purpose(purpose).value)
    )
    if at is not None:
        query = query.where(ConsentRecord.at <= at)
    return query.order_by(ConsentRecord.at.desc(), ConsentRecord.id.desc()).first()


def _latest_of(records: list[ConsentRecord], purpose: Purpose, at: dt.datetime) -> ConsentRecord | None:
    """`_latest` from the case's history read already (`history(case)`)."""
    own = [r for r in records if r.purpose == Purpose(purpose).value and r.at <= at]
    return max(own, key=lambda r: (r.at, r.id)) if own else None


def record_in_force(
    case: Case | int, purpose: Purpose, at: dt.datetime | None = None, *, records: list[ConsentRecord] | None = None
) -> ConsentRecord | None:
    """The record by which the consent for `purpose` is in force at `at` (now), or None. `records`:
    the case's history (`history(case)`) when the caller has read it already."""
    at = at or clock.utcnow()
    latest = _latest(case, purpose, at) if records is None else _latest_of(records, purpose, at)
    return latest if latest is not None and latest.given else None


def in_force(
    case: Case | int, purpose: Purpose, at: dt.datetime | None = None, *, records: list[ConsentRecord] | None = None
) -> bool:
    """Whether the victim's consent for `purpose` is in force at `at` (now when not given). `records`:
    the case's history when the caller has read it already (a page that shows it)."""
    return record_in_force(case, purpose, at, records=records) is not None


def require(case: Case | int, purpose: Purpose, at: dt.datetime | None = None) -> None:
    """The one check before acting under a consent: raises NotAllowed (code `consent:<purpose>`, with
    the message a person sees) when the consent is not in force at `at` (now). Called inside the act's
    write transaction, it holds off a withdrawal until the act is stored (on PostgreSQL by the lock;
    SQLite has one writer)."""
    purpose = Purpose(purpose)
    with serialised(CONSENT_LOCK):
        if not in_force(case, purpose, at):
            raise NotAllowed(f"consent:{purpose.value}", REFUSALS[purpose])


# --- who changes a consent --------------------------------------------------------------------


def may_change_own(user: User | None, case: Case) -> bool:
    """The victim themselves, in Mijn meldingen (not who filed for them)."""
    return user is not None and user.is_active and case.reporter_id == user.id


def may_record(user: User | None, case: Case) -> bool:
    """A handler of the case records what the victim said by phone or in person."""
    return case_access(user, case) >= Access.HANDLER


def _check_actor(case: Case, actor: User, how: How) -> None:
    if how == How.PORTAL:
        allowed = may_change_own(actor, case)
    elif how in HANDLER_HOWS:
        allowed = may_record(actor, case)
    elif how == How.IN_REPORT:
        allowed = actor.id == case.filed_by_id  # registration.file_case, while filing
    else:
        allowed = False  # How.RECORDED: only migration 0008 wrote those
    if not allowed:
        raise NotAllowed(f"consent_by:{how.value}")


def _change(case: Case, purpose: Purpose, actor: User, given: bool, how: How, at, ip) -> ConsentRecord | None:
    purpose, how = Purpose(purpose), How(how)
    _check_actor(case, actor, how)
    now = clock.utcnow()
    at = at or now
    if at > now:
        raise NotAllowed("consent:future", N_("Een toestemming kan niet in de toekomst worden vastgelegd."))
    with write_transaction(), serialised(CONSENT_LOCK):
        latest = _latest(case, purpose)
        if (latest.given if latest is not None else False) == given:
            return latest  # sent twice (or withdrawn when never given): stored once, or not at all
        if latest is not None and at < latest.at:
            raise NotAllowed("consent:order", N_("Deze wijziging ligt vóór de laatste wijziging van deze toestemming."))
        record = ConsentRecord.create(
            case=case, purpose=purpose.value, given=given, at=at, actor=actor, how=how.value, recorded_at=now
        )
        change = "given" if given else "withdrawn"
        if how != How.IN_REPORT:  # given in the report: the timeline's "submitted" is that moment
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
    """The victim gives consent for `purpose` (how=PORTAL), or a handler records that they did
    (PHONE, IN_PERSON), or it was given in the report (IN_REPORT, by who filed). Given while already in
    force: nothing new is stored, the record in force is returned. Audited."""
    return _change(case, purpose, actor, True, how, at, ip)


def withdraw(
    case: Case, purpose: Purpose, actor: User, *, how: How, at: dt.datetime | None = None, ip: str | None = None
) -> ConsentRecord | None:
    """The victim withdraws consent for `purpose`. What was done while it was in force stays done.
    Withdrawn when not in force: nothing new is stored (the latest record, or None if never given)."""
    return _change(case, purpose, actor, False, how, at, ip)


def history(case: Case | int, purpose: Purpose | None = None) -> list[ConsentRecord]:
    """Every change, oldest first (of one purpose, or of all)."""
    case_id = _case_id(case)
    if purpose is None:
        return select_written_once(
            "consent:history",
            lambda: (
                ConsentRecord.select().where(ConsentRecord.case == case_id).order_by(ConsentRecord.at, ConsentRecord.id)
            ),
            case_id,
        )
    query = ConsentRecord.select().where(
        (ConsentRecord.case == case_id) & (ConsentRecord.purpose == Purpose(purpose).value)
    )
    return list(query.order_by(ConsentRecord.at, ConsentRecord.id))


def _like(value: str, pattern: str) -> bool:
    """SQL's case-insensitive LIKE (`%`, `_`), as done_under's query matches a detail."""
    parts = (".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch("".join(parts), value or "", re.IGNORECASE | re.DOTALL) is not None


def done_under(case: Case | int, purpose: Purpose, *, events: list[CaseEvent] | None = None) -> list[CaseEvent]:
    """What was done under this consent (the timeline's acts), oldest first: it stays done.
    `events`: the case's timeline, oldest first, when the caller has read it already."""
    if events is not None:
        acts = ACTS[Purpose(purpose)]
        return [e for e in events if any(e.kind == kind.value and _like(e.detail, pattern) for kind, pattern in acts)]
    condition = None
    for kind, pattern in ACTS[Purpose(purpose)]:
        matches = (CaseEvent.kind == kind.value) & (CaseEvent.detail**pattern)  # LIKE (peewee: % is GLOB on SQLite)
        condition = matches if condition is None else condition | matches
    if condition is None:
        return []
    return list(
        CaseEvent.select().where((CaseEvent.case == _case_id(case)) & condition).order_by(CaseEvent.at, CaseEvent.id)
    )


@dataclass
class State:
    """One purpose on a case, as the pages show it."""

    purpose: Purpose
    latest: ConsentRecord | None  # the last change, None when never given
    records: list[ConsentRecord]  # the history, oldest first
    acts: list[CaseEvent]  # what was done under it (stays done)

    @property
    def in_force(self) -> bool:
        return self.latest is not None and self.latest.given

    @property
    def withdrawn_after_acts(self) -> list[CaseEvent]:
        """Acts done before the withdrawal now in force: what the withdrawal cannot undo."""
        if self.latest is None or self.latest.given:
            return []
        return [act for act in self.acts if act.at <= self.latest.at]


def states(
    case: Case, *, records: list[ConsentRecord] | None = None, events: list[CaseEvent] | None = None
) -> list[State]:
    """Every purpose with its last change, history and acts, in the order of Purpose. `records`
    (`history(case)`) and `events` (the timeline, oldest first): when the caller has read them."""
    now = clock.utcnow()
    records = history(case) if records is None else records
    out = []
    for purpose in Purpose:
        own = [r for r in records if r.purpose == purpose.value and r.at <= now]
        out.append(State(purpose, own[-1] if own else None, own, done_under(case, purpose, events=events)))
    return out
