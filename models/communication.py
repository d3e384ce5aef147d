"""Communication about a case (§7): who speaks for the municipality, and what was said to the press.

The mayor is the spokesperson; once a criminal investigation runs (a police report the police
investigate, or one with the public prosecutor) the police or the OM speak. That follows from the
police reports, never typed. A statement or press contact is recorded only with the victim's consent
for a public statement in force (models.consent.require, inside the write transaction), and never
when its text names a security measure of the case: a protection measure (models.protection) or a
measure marked not-for-press (models.measures). Statements are stored encrypted and never leave the
portal beyond a count."""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum

import peewee

from models import clock, consent
from models.accounts import User
from models.base import BaseModel
from models.cases import Case, CaseEvent, EventKind, NotAllowed
from models.crypto import EncryptedTextField
from models.db import write_transaction
from models.i18n import N_
from models.measures import Measure
from models.police import InvestigationStatus, PoliceReport
from models.protection import ProtectionMeasure

# The timeline entry of a statement: "statement:<id>" (models.consent.ACTS lists it as done under
# the consent for a public statement).
STATEMENT_EVENT = "statement"


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
