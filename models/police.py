"""Police reports (§6.4): filed by the municipality, only with the victim's consent; its progress
is fed back to the victim at a set interval until the report is closed. A case can hold several: the
incident itself, a ban that was not kept (§6.2: a new offence, a new report), a later message. Each
records that the public prosecutor (OM) was informed, and the victim sees each in Mijn meldingen."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import peewee

from models import clock, consent, deadlines, notices, settings
from models.accounts import Role, User
from models.base import BaseModel
from models.cases import Case, CaseEvent, EventKind, NotAllowed
from models.crypto import EncryptedTextField
from models.db import serialised, write_transaction
from models.i18n import N_

POLICE_REPORT_LOCK = 0x5642_504F  # "VBPO": serialises filing on PostgreSQL (a form sent twice stores once)


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


class ReportSubject(str, Enum):
    """What a police report is about: a case can hold several (§6.2, §6.4)."""

    INCIDENT = "incident"
    BAN_VIOLATED = "ban_violated"
    LATER_INCIDENT = "later_incident"


SUBJECT_LABELS = {
    ReportSubject.INCIDENT: N_("Het incident uit de melding"),
    ReportSubject.BAN_VIOLATED: N_("De veroorzaker hield zich niet aan een ontzegging of verbod"),
    ReportSubject.LATER_INCIDENT: N_("Een later bericht of incident"),
}

# Who keeps the victim informed (§6.4: municipal secretary and/or clerk), by the victim's role.
FEEDBACK_ROLES = {Role.CLERK, Role.DEPUTY_CLERK, Role.MUNICIPAL_SECRETARY}


class PoliceReport(BaseModel):
    case = peewee.ForeignKeyField(Case, backref="police_reports", on_delete="CASCADE")
    subject = peewee.CharField(max_length=24, default=ReportSubject.INCIDENT.value)
    consent_recorded_at = peewee.DateTimeField()
    consent_recorded_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    filed_on = peewee.DateField()
    police_station = peewee.CharField(max_length=120, default="")
    registration_number = peewee.CharField(max_length=64)
    filed_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    status = peewee.CharField(max_length=24, default=InvestigationStatus.FILED.value)
    prosecutor_decision = EncryptedTextField(null=True)
    outcome = EncryptedTextField(null=True)
    prosecutor_informed_on = peewee.DateField(null=True)  # §6.4: the OM informed of this report
    last_feedback_at = peewee.DateTimeField(null=True)


class PoliceFeedback(BaseModel):
    """One moment the victim was told how their police report stands (§6.4), and the stand told."""

    report = peewee.ForeignKeyField(PoliceReport, backref="feedback", on_delete="CASCADE")
    given_at = peewee.DateTimeField()
    given_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    status = peewee.CharField(max_length=24, null=True)  # null: given before the stand was kept (0009)


class PoliceReportRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AlreadyFiled(PoliceReportRefused):
    """This report (same registration number) is on the case already: a form sent twice stores once."""

    def __init__(self, report: PoliceReport):
        super().__init__(N_("Deze aangifte was al vastgelegd."))
        self.report = report


def file(
    case: Case,
    actor: User,
    *,
    filed_on: dt.date,
    registration_number: str,
    police_station: str = "",
    subject: ReportSubject = ReportSubject.INCIDENT,
) -> PoliceReport:
    """Record a police report the municipality filed. A case can hold several; the same
    registration number twice is the same report (AlreadyFiled)."""
    number = registration_number.strip()
    if not number:
        raise PoliceReportRefused(N_("Vul het registratienummer van de politie in."))
    if filed_on > _today():
        raise PoliceReportRefused(N_("Deze datum ligt in de toekomst."))
    subject = ReportSubject(subject)
    now = clock.utcnow()
    with write_transaction(), serialised(POLICE_REPORT_LOCK):
        same = PoliceReport.get_or_none((PoliceReport.case == case.id) & (PoliceReport.registration_number == number))
        if same is not None:
            raise AlreadyFiled(same)
        given = _consent_in_force(case, now)
        report = PoliceReport.create(
            case=case,
            consent_recorded_at=given.at,
            consent_recorded_by=given.actor_id,
            filed_on=filed_on,
            subject=subject.value,
            police_station=police_station.strip(),
            registration_number=number,
            filed_by=actor,
        )
        CaseEvent.create(case=case, actor=actor, kind=EventKind.POLICE.value, detail=f"filed:{report.id}")
        _schedule_feedback(case, report, now)
    return report


def _today() -> dt.date:
    return clock.to_local(clock.utcnow()).date()


def reports_of(case: Case) -> list[PoliceReport]:
    """The case's police reports, first filed first."""
    return list(case.police_reports.order_by(PoliceReport.filed_on, PoliceReport.id))


def record_prosecutor_informed(report: PoliceReport, actor: User, done_on: dt.date) -> None:
    """§6.4: the OM is informed of a police report (by the police or the mayor). Recorded on the
    report, and as the case's notice 'OM informed' (models.notices), which is kept once per case."""
    if done_on > _today():
        raise PoliceReportRefused(N_("Deze datum ligt in de toekomst."))
    with write_transaction():
        stored = PoliceReport.get_by_id(report.id).prosecutor_informed_on
        if stored is not None:
            report.prosecutor_informed_on = stored
            return  # sent twice: stored once
        report.prosecutor_informed_on = done_on
        report.save(only=[PoliceReport.prosecutor_informed_on])
        CaseEvent.create(case=report.case, actor=actor, kind=EventKind.POLICE.value, detail=f"prosecutor:{report.id}")
        notices.record(report.case, notices.NoticeKind.PUBLIC_PROSECUTOR, actor, done_on)


def _consent_in_force(case: Case, now: dt.datetime) -> consent.ConsentRecord:
    """The victim's consent to a police report (§6.4) in force now, or refused; inside the filing's
    transaction, so a withdrawal sent at the same moment comes after the report (models.consent)."""
    try:
        consent.require(case, consent.Purpose.POLICE_REPORT, now)
    except NotAllowed as refused:
        raise PoliceReportRefused(refused.message) from refused
    return consent.record_in_force(case, consent.Purpose.POLICE_REPORT, now)


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
    unchanged = report.status == status.value and decision in (None, "", report.prosecutor_decision)
    if unchanged and outcome in (None, "", report.outcome):
        return  # sent twice: stored once
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


def last_feedback(report: PoliceReport) -> PoliceFeedback | None:
    return report.feedback.order_by(PoliceFeedback.given_at.desc(), PoliceFeedback.id.desc()).first()


def last_feedback_of(reports: list[PoliceReport]) -> dict[int, PoliceFeedback | None]:
    """last_feedback of several reports in one read, by report id."""
    found: dict[int, PoliceFeedback | None] = {r.id: None for r in reports}
    if found:
        query = (
            PoliceFeedback.select()
            .where(PoliceFeedback.report.in_(list(found)))
            .order_by(PoliceFeedback.given_at.desc(), PoliceFeedback.id.desc())
        )
        for row in query:
            if found[row.report_id] is None:
                found[row.report_id] = row
    return found


def feedback_given(report: PoliceReport, actor: User, *, after: int | None = None) -> PoliceFeedback:
    """The victim was told how this report stands; the next feedback is due one interval later.
    `after` is the feedback the handler saw last (0: none): when another came since, this is the
    same form sent twice and nothing new is stored."""
    now = clock.utcnow()
    with write_transaction(), serialised(POLICE_REPORT_LOCK):
        latest = last_feedback(report)
        if after is not None and latest is not None and latest.id != after:
            return latest
        feedback = PoliceFeedback.create(report=report, given_at=now, given_by=actor, status=report.status)
        report.last_feedback_at = now
        report.save(only=[PoliceReport.last_feedback_at])
        deadlines.complete(deadlines.DeadlineKind.POLICE_FEEDBACK, report.case_id, report.id)
        CaseEvent.create(case=report.case, actor=actor, kind=EventKind.POLICE.value, detail=f"feedback:{report.id}")
        if report.status != InvestigationStatus.CLOSED.value and report.case.status != "closed":
            _schedule_feedback(report.case, report, now)
    return feedback
