"""Communication about a case (§7): who speaks for the municipality, and what was said to the press.

The mayor is the spokesperson; once a criminal investigation runs (a police report the police
investigate, or one with the public prosecutor) the police or the OM speak. That follows from the
police reports, never typed. A statement or press contact is recorded only with the victim's consent
for a public statement in force (models.consent.require, inside the write transaction), and never
when its text names a security measure of the case: a protection measure (models.protection) or a
measure marked not-for-press (models.measures). Statements are stored encrypted and never leave the
portal beyond a count.

Other office holders are informed only with the victim's consent to inform others in force (§7):
who (an office holder's account), when, and the consent record by which it was allowed, each in the
timeline ("other_office_holders:<user id>", models.consent.ACTS lists it as done under that consent)."""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum

import peewee

from models import clock, consent
from models.accounts import OFFICE_HOLDER_ROLES, User
from models.base import BaseModel
from models.cases import Case, CaseEvent, EventKind, NotAllowed
from models.consent import ConsentRecord
from models.crypto import EncryptedTextField
from models.db import write_transaction
from models.i18n import N_
from models.measures import Measure
from models.notices import Notice, NoticeKind
from models.police import InvestigationStatus, PoliceReport
from models.protection import ProtectionMeasure

# The timeline entry of a statement: "statement:<id>" (models.consent.ACTS lists it as done under
# the consent for a public statement).
STATEMENT_EVENT = "statement"
# The timeline entry of an office holder informed: "other_office_holders:<user id>" (models.consent.ACTS).
INFORMED_EVENT = "other_office_holders"


class Spokesperson(str, Enum):
    MAYOR = "mayor"
    POLICE = "police"
    PROSECUTOR = "prosecutor"


SPOKESPERSON_LABELS = {
    Spokesperson.MAYOR: N_("De burgemeester"),
    Spokesperson.POLICE: N_("De politie"),
    Spokesperson.PROSECUTOR: N_("Het Openbaar Ministerie"),
}

SPOKESPERSON_REASONS = {
    Spokesperson.MAYOR: N_("De burgemeester spreekt namens de gemeente, in overleg met de ambtsdrager."),
    Spokesperson.POLICE: N_(
        "De politie onderzoekt de aangifte. Zolang er een strafrechtelijk onderzoek loopt, spreekt de politie of het OM."
    ),
    Spokesperson.PROSECUTOR: N_(
        "De aangifte ligt bij het Openbaar Ministerie. Zolang er een strafrechtelijk onderzoek loopt, spreekt het OM."
    ),
}


class Medium(str, Enum):
    PRESS_RELEASE = "press_release"
    INTERVIEW = "interview"
    PRESS_QUESTION = "press_question"
    SOCIAL_MEDIA = "social_media"
    COUNCIL_MEETING = "council_meeting"
    OTHER = "other"


MEDIUM_LABELS = {
    Medium.PRESS_RELEASE: N_("Persbericht"),
    Medium.INTERVIEW: N_("Interview"),
    Medium.PRESS_QUESTION: N_("Antwoord op een vraag van de pers"),
    Medium.SOCIAL_MEDIA: N_("Sociale media of website"),
    Medium.COUNCIL_MEETING: N_("In een openbare vergadering"),
    Medium.OTHER: N_("Anders"),
}

NAMES_A_MEASURE = N_(
    "Deze tekst noemt een beveiligingsmaatregel van deze zaak. Beveiligingsmaatregelen gaan nooit naar de pers. Haal die uit de tekst."
)
EMPTY_TEXT = N_("Schrijf op wat er is gezegd.")
FUTURE_DATE = N_("Deze datum ligt in de toekomst.")
NOBODY_CHOSEN = N_("Kies wie er is geïnformeerd.")
NOT_AN_OFFICE_HOLDER = N_("Kies alleen ambtsdragers uit de lijst.")


class Statement(BaseModel):
    """A statement or press contact about the case (§7). Only ever added to; never in an export."""

    case = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE")
    made_on = peewee.DateField()
    medium = peewee.CharField(max_length=24)
    made_by = EncryptedTextField()  # who spoke, as the handler wrote it down
    text = EncryptedTextField()
    recorded_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    recorded_at = peewee.DateTimeField(default=clock.utcnow)
    token = peewee.CharField(max_length=32, null=True, unique=True)  # a form sent twice stores one statement

    @property
    def medium_label(self) -> str:
        return MEDIUM_LABELS[Medium(self.medium)]


def spokesperson(case: Case, *, reports: list[PoliceReport] | None = None) -> Spokesperson:
    """Who speaks for the municipality now (§7). `reports`: the case's police reports, when read."""
    if reports is None:
        reports = list(PoliceReport.select().where(PoliceReport.case == case.id))
    statuses = {report.status for report in reports}
    if InvestigationStatus.WITH_PROSECUTOR.value in statuses:
        return Spokesperson.PROSECUTOR
    if InvestigationStatus.INVESTIGATING.value in statuses:
        return Spokesperson.POLICE
    return Spokesperson.MAYOR


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").casefold()).strip()


def security_measures(case: Case) -> list[str]:
    """The descriptions of the case's security measures that may never be communicated."""
    protection = ProtectionMeasure.select(ProtectionMeasure.description).where(ProtectionMeasure.case == case.id)
    not_for_press = Measure.select(Measure.description).where(
        (Measure.case == case.id) & (Measure.not_for_press == True)  # noqa: E712 (peewee)
    )
    return [row.description for row in [*protection, *not_for_press] if row.description]


def names_a_measure(case: Case, text: str) -> bool:
    plain = _plain(text)
    return any(_plain(description) and _plain(description) in plain for description in security_measures(case))


def statements(case: Case) -> list[Statement]:
    return list(
        Statement.select().where(Statement.case == case.id).order_by(Statement.made_on.desc(), Statement.id.desc())
    )


def record_statement(
    case: Case,
    actor: User,
    *,
    made_on: dt.date,
    medium: Medium,
    made_by: str,
    text: str,
    token: str | None = None,
    today: dt.date | None = None,
) -> Statement:
    """Record a statement or press contact. Raises NotAllowed with the message a person sees:
    no consent for a public statement in force, or a text that names a security measure."""
    text, made_by, medium = (text or "").strip(), (made_by or "").strip(), Medium(medium)
    if not text:
        raise NotAllowed("statement:empty", EMPTY_TEXT)
    if made_on > (today or clock.to_local(clock.utcnow()).date()):
        raise NotAllowed("statement:future", FUTURE_DATE)
    with write_transaction():
        if token and (existing := Statement.get_or_none(Statement.token == token)) is not None:
            return existing  # sent twice: stored once
        if names_a_measure(case, text):
            raise NotAllowed("statement:security_measure", NAMES_A_MEASURE)
        consent.require(case, consent.Purpose.PUBLIC_STATEMENT)
        statement = Statement.create(
            case=case,
            made_on=made_on,
            medium=medium.value,
            made_by=made_by,
            text=text,
            recorded_by=actor,
            token=token or None,
        )
        CaseEvent.create(
            case=case, actor=actor, kind=EventKind.NOTIFICATION.value, detail=f"{STATEMENT_EVENT}:{statement.id}"
        )
    return statement


# --- other office holders informed (§7) -----------------------------------------------------------


class OfficeHolderInformed(BaseModel):
    """One office holder told about the case (§7): who, when, and the victim's consent record by which
    it was allowed. Only ever added to: who was informed knows it, also after a withdrawal."""

    case = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE")
    office_holder = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    informed_on = peewee.DateField()
    consent_record = peewee.ForeignKeyField(ConsentRecord, backref="+", on_delete="RESTRICT")
    recorded_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    recorded_at = peewee.DateTimeField(default=clock.utcnow)
    token = peewee.CharField(max_length=32, null=True)  # the form that recorded it: sent twice, stored once

    class Meta:
        table_name = "office_holder_informed"
        indexes = ((("case", "office_holder"), True),)


def office_holders_to_inform(case: Case, *, users: list[User] | None = None) -> list[User]:
    """Who can be chosen: the active office holders (also former ones) other than the victim, by
    name. `users`: every account, when the caller has read them already (the case page)."""
    if users is None:
        users = list(User.select(User.id, User.name, User.role, User.is_active).order_by(User.name))
    roles = {role.value for role in OFFICE_HOLDER_ROLES}
    return sorted(
        (u for u in users if u.is_active and u.role in roles and u.id != case.reporter_id), key=lambda u: u.name
    )


def informed(case: Case, *, events: list[CaseEvent] | None = None) -> list[OfficeHolderInformed]:
    """Who was informed, first informed first, with their account and the consent record. `events`:
    the case's timeline when the caller has read it: without an entry of someone informed, nothing
    more is read."""
    if events is not None and not any(
        e.kind == EventKind.NOTIFICATION.value and e.detail.startswith(f"{INFORMED_EVENT}:") for e in events
    ):
        return []
    return list(
        OfficeHolderInformed.select(OfficeHolderInformed, User, ConsentRecord)
        .join(User, on=(OfficeHolderInformed.office_holder == User.id))
        .switch(OfficeHolderInformed)
        .join(ConsentRecord)
        .where(OfficeHolderInformed.case == case.id)
        .order_by(OfficeHolderInformed.informed_on, OfficeHolderInformed.id)
    )


def record_informed(
    case: Case,
    actor: User,
    *,
    office_holder_ids,
    informed_on: dt.date,
    token: str | None = None,
    today: dt.date | None = None,
) -> list[OfficeHolderInformed]:
    """Record that these office holders were informed on `informed_on`. Raises NotAllowed with the
    message a person sees: nobody chosen, someone who is not an office holder (or the victim), a
    date in the future, or the victim's consent to inform others not in force (checked inside the
    write transaction, models.consent.require). Someone informed before is not stored again; the
    same form sent twice stores once. Returns the rows this call stored."""
    wanted = {int(i) for i in office_holder_ids or ()}
    if not wanted:
        raise NotAllowed("informed:nobody", NOBODY_CHOSEN)
    if informed_on > (today or clock.to_local(clock.utcnow()).date()):
        raise NotAllowed("informed:future", FUTURE_DATE)
    allowed = {u.id for u in office_holders_to_inform(case)}
    if not wanted <= allowed:
        raise NotAllowed("informed:not_office_holder", NOT_AN_OFFICE_HOLDER)
    stored = []
    with write_transaction():
        if token and OfficeHolderInformed.select().where(OfficeHolderInformed.token == token).exists():
            return []  # sent twice: stored once
        consent.require(case, consent.Purpose.INFORM_OTHERS)
        record = consent.record_in_force(case, consent.Purpose.INFORM_OTHERS)
        already = {
            row.office_holder_id
            for row in OfficeHolderInformed.select(OfficeHolderInformed.office_holder).where(
                OfficeHolderInformed.case == case.id
            )
        }
        for user_id in sorted(wanted - already):
            stored.append(
                OfficeHolderInformed.create(
                    case=case,
                    office_holder=user_id,
                    informed_on=informed_on,
                    consent_record=record,
                    recorded_by=actor,
                    token=token or None,
                )
            )
            CaseEvent.create(
                case=case, actor=actor, kind=EventKind.NOTIFICATION.value, detail=f"{INFORMED_EVENT}:{user_id}"
            )
        if stored:  # the checklist of whom to warn (models.notices) shows it done
            Notice.get_or_create(
                case=case,
                kind=NoticeKind.OTHER_OFFICE_HOLDERS.value,
                defaults={"done_on": informed_on, "done_by": actor},
            )
    return stored
