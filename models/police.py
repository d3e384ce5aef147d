"""The police report (§6.4): filed by the municipality, only with the victim's consent; its progress
is fed back to the victim at a set interval until the case is closed."""

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


class InvestigationStatus(str, Enum):
    FILED = "filed"
    INVESTIGATING = "investigating"
    WITH_PROSECUTOR = "with_prosecutor"
    DECIDED = "decided"
    CLOSED = "closed"


INVESTIGATION_LABELS = {
    InvestigationStatus.FILED: N_("Aangifte gedaan"),
    InvestigationStatus.INVESTIGATING: N_("Politie onderzoekt"),
    InvestigationStatus.WITH_PROSECUTOR: N_("Bij het Openbaar Ministerie"),
    InvestigationStatus.DECIDED: N_("Het OM heeft besloten"),
    InvestigationStatus.CLOSED: N_("Afgerond"),
}

# Who keeps the victim informed (§6.4: municipal secretary and/or clerk), by the victim's role.
FEEDBACK_ROLES = {Role.CLERK, Role.DEPUTY_CLERK, Role.MUNICIPAL_SECRETARY}


class PoliceReport(BaseModel):
    case = peewee.ForeignKeyField(Case, backref="police_reports", on_delete="CASCADE", unique=True)
    consent_recorded_at = peewee.DateTimeField()
    consent_recorded_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    filed_on = peewee.DateField()
    registration_number = peewee.CharField(max_length=64)
    filed_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    status = peewee.CharField(max_length=24, default=InvestigationStatus.FILED.value)
    prosecutor_decision = EncryptedTextField(null=True)
    outcome = EncryptedTextField(null=True)
    last_feedback_at = peewee.DateTimeField(null=True)


class PoliceReportRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def record_consent(case: Case, actor: User) -> None:
    """The victim gave consent later (for example by phone): recorded on the case, with who recorded it."""
    with write_transaction():
        case.consent_police_report = True
        case.save(only=[Case.consent_police_report])
        CaseEvent.create(case=case, actor=actor, kind=EventKind.POLICE.value, detail="consent")


def file(case: Case, actor: User, *, filed_on: dt.date, registration_number: str) -> PoliceReport:
    if not case.consent_police_report:
        raise PoliceReportRefused(
            N_("Zonder toestemming van de ambtsdrager doet de gemeente geen aangifte. Leg eerst de toestemming vast.")
        )
    if PoliceReport.select().where(PoliceReport.case == case.id).exists():
        raise PoliceReportRefused(N_("Voor deze melding is al aangifte gedaan."))
    if not registration_number.strip():
        raise PoliceReportRefused(N_("Vul het registratienummer van de politie in."))
    now = clock.utcnow()
    consent_at, consent_by = _consent_given(case)
    with write_transaction():
        report = PoliceReport.create(
            case=case,
            consent_recorded_at=consent_at,
            consent_recorded_by=consent_by,
            filed_on=filed_on,
            registration_number=registration_number.strip(),
            filed_by=actor,
        )
        CaseEvent.create(case=case, actor=actor, kind=EventKind.POLICE.value, detail="filed")
        _schedule_feedback(case, report, now)
    return report


def _consent_given(case: Case) -> tuple[dt.datetime, int]:
    """When and by whom consent was recorded: later on the case, or by the reporter in the report."""
    later = (
        CaseEvent.select()
        .where(
            (CaseEvent.case == case.id) & (CaseEvent.kind == EventKind.POLICE.value) & (CaseEvent.detail == "consent")
        )
        .order_by(CaseEvent.at.desc())
        .first()
    )
    if later is not None and later.actor_id:
        return later.at, later.actor_id
    return case.created_at, case.reporter_id


def _schedule_feedback(case: Case, report: PoliceReport, since: dt.datetime) -> None:
    due = since + dt.timedelta(days=settings.get("police_feedback_days"))
    deadlines.schedule(
        case,
        deadlines.DeadlineKind.POLICE_FEEDBACK,
        due,
        due - dt.timedelta(days=2),
        FEEDBACK_ROLES,
        object_id=report.id,
    )


def update_status(
    report: PoliceReport,
    status: InvestigationStatus,
    actor: User,
    *,
    decision: str | None = None,
    outcome: str | None = None,
) -> None:
    with write_transaction():
        report.status = status.value
        if decision:
            report.prosecutor_decision = decision
        if outcome:
            report.outcome = outcome
        report.save()
        CaseEvent.create(case=report.case, actor=actor, kind=EventKind.POLICE.value, detail=f"status:{status.value}")
        if status == InvestigationStatus.CLOSED:
            deadlines.complete(deadlines.DeadlineKind.POLICE_FEEDBACK, report.case_id, report.id)


def feedback_given(report: PoliceReport, actor: User) -> None:
    """The victim was told how things stand; the next feedback is due one interval later."""
    now = clock.utcnow()
    with write_transaction():
        report.last_feedback_at = now
        report.save(only=[PoliceReport.last_feedback_at])
        deadlines.complete(deadlines.DeadlineKind.POLICE_FEEDBACK, report.case_id, report.id)
        CaseEvent.create(case=report.case, actor=actor, kind=EventKind.POLICE.value, detail="feedback")
        if report.status != InvestigationStatus.CLOSED.value and report.case.status != "closed":
            _schedule_feedback(report.case, report, now)
