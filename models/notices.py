"""Notifications the protocol requires (§6.4, §7).

- The labour inspectorate within 24 hours of a serious incident: physical or mental injury, a
  hospital admission, lasting harm to health or death. The report's answers suggest it; a handler
  assesses it (assess) and records the notice given (record_inspectorate_notice). The 24 hours run
  from the moment the municipality knew: a hospital admission, lasting harm or death starts them at
  once; otherwise the handler's assessment does. Fear or bad sleep is a reason to look, not a notice.
- The public prosecutor (OM) of every threat report and every police report.
- An acute, serious threat (models.protection): the police, and the Chief Public Prosecutor, who
  decides on protection measures; when the mayor is the target also the NCTV.
- The King's Commissioner when the mayor is the victim.
- Other office holders only with the victim's consent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

import peewee

from models import clock, consent, deadlines, protection, settings
from models.accounts import Role, User
from models.base import BaseModel
from models.cases import Case, CaseEvent, CaseKind, EventKind, NotAllowed
from models.crypto import EncryptedTextField
from models.db import write_transaction
from models.i18n import N_


class NoticeKind(str, Enum):
    POLICE = "police"
    PUBLIC_PROSECUTOR = "public_prosecutor"
    CHIEF_PROSECUTOR = "chief_prosecutor"
    NCTV = "nctv"
    KINGS_COMMISSIONER = "kings_commissioner"
    OTHER_OFFICE_HOLDERS = "other_office_holders"


NOTICE_LABELS = {
    NoticeKind.POLICE: N_("Politie op de hoogte gesteld"),
    NoticeKind.PUBLIC_PROSECUTOR: N_("Openbaar Ministerie op de hoogte gesteld"),
    NoticeKind.CHIEF_PROSECUTOR: N_("Hoofdofficier van Justitie op de hoogte (beveiligingsmaatregelen)"),
    NoticeKind.NCTV: N_("Overleg met de Nationaal Coördinator Terrorismebestrijding en Veiligheid (NCTV)"),
    NoticeKind.KINGS_COMMISSIONER: N_("Commissaris van de Koning op de hoogte gesteld"),
    NoticeKind.OTHER_OFFICE_HOLDERS: N_("Andere ambtsdragers geïnformeerd (met toestemming)"),
}

# Why each item is on the checklist (§6.4, §7), shown under it.
NOTICE_HINTS = {
    NoticeKind.POLICE: N_("Bij een acute, ernstige dreiging. De politie stelt beveiligingsmaatregelen voor."),
    NoticeKind.PUBLIC_PROSECUTOR: N_("Bij elke dreiging en elke aangifte. Dit doet de politie of de burgemeester."),
    NoticeKind.CHIEF_PROSECUTOR: N_(
        "Bij een acute, ernstige dreiging. De Hoofdofficier beslist over beveiligingsmaatregelen."
    ),
    NoticeKind.NCTV: N_("De burgemeester wordt acuut en ernstig bedreigd. Overleg met de NCTV is mogelijk."),
    NoticeKind.KINGS_COMMISSIONER: N_("De burgemeester is slachtoffer."),
    NoticeKind.OTHER_OFFICE_HOLDERS: N_("Alleen met toestemming van de ambtsdrager."),
}


# --- a serious incident: the labour inspectorate (§6.4) --------------------------------------------


class Criterion(str, Enum):
    """What makes an incident serious (§6.4)."""

    PHYSICAL_INJURY = "physical_injury"
    MENTAL_INJURY = "mental_injury"
    HOSPITAL_ADMISSION = "hospital_admission"
    LASTING_HARM = "lasting_harm"
    DEATH = "death"


CRITERION_LABELS = {
    Criterion.PHYSICAL_INJURY: N_("Lichamelijk letsel"),
    Criterion.MENTAL_INJURY: N_("Geestelijk letsel"),
    Criterion.HOSPITAL_ADMISSION: N_("Opname in het ziekenhuis"),
    Criterion.LASTING_HARM: N_("Blijvende schade aan de gezondheid"),
    Criterion.DEATH: N_("Overleden aan de gevolgen"),
}


def report_answers(case: Case) -> list[str]:
    """What the report (or a handler, for lasting harm or death) says that suggests a serious
    incident: a reason for a handler to assess it, not by itself a notice."""
    answers = []
    if case.injury_physical:
        answers.append(N_("Lichamelijk letsel"))
    if case.injury_mental:
        answers.append(N_("Psychische klachten, zoals angst of slecht slapen"))
    if case.hospital_admission:
        answers.append(N_("Opname in het ziekenhuis"))
    if case.serious_harm:
        answers.append(N_("Blijvende schade of overlijden"))
    return answers


def starts_clock_at_once(case: Case) -> bool:
    """A hospital admission, lasting harm or death: the 24 hours run from when the municipality knew
    of it, before any handler has assessed the incident."""
    return bool(case.hospital_admission or case.serious_harm)


class InspectorateAssessment(BaseModel):
    """A handler's assessment whether the incident is serious (§6.4), and the notice given. One per
    round: lasting harm or death that comes to light after 'not reportable' asks for a new one."""

    case = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE")
    number = peewee.IntegerField(default=1)
    reportable = peewee.BooleanField()
    criteria = peewee.CharField(max_length=120, default="")  # comma-separated Criterion values
    reason = EncryptedTextField(null=True)  # why not reportable
    known_at = peewee.DateTimeField(null=True)  # when the municipality knew, if this assessment started the clock
    assessed_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    assessed_at = peewee.DateTimeField(default=clock.utcnow)
    notified_at = peewee.DateTimeField(null=True)
    notified_by = EncryptedTextField(null=True)  # who warned the inspectorate: a name
    notice_reference = peewee.CharField(max_length=64, null=True)  # the inspectorate's reference
    notice_recorded_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    superseded_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("case", "number"), True),)

    @property
    def criteria_list(self) -> list[Criterion]:
        return [Criterion(code) for code in self.criteria.split(",") if code]


class InspectorateState(str, Enum):
    NOTHING = "nothing"  # nothing known suggests a serious incident
    TO_ASSESS = "to_assess"
    REPORTABLE = "reportable"  # assessed serious: the inspectorate is still to be warned
    NOTIFIED = "notified"
    NOT_REPORTABLE = "not_reportable"


@dataclass(frozen=True)
class InspectorateStatus:
    state: InspectorateState
    answers: list[str]
    assessment: InspectorateAssessment | None
    deadline: deadlines.Deadline | None  # this round's 24 hours, running or stopped
    now: dt.datetime

    @property
    def clock_running(self) -> bool:
        return self.deadline is not None and self.deadline.done_at is None

    @property
    def overdue(self) -> bool:
        return self.clock_running and self.now > self.deadline.due_at

    @property
    def notified_late(self) -> bool:
        notified = self.assessment.notified_at if self.assessment else None
        return bool(notified and self.deadline and notified > self.deadline.due_at)


class Notice(BaseModel):
    case = peewee.ForeignKeyField(Case, backref="notices", on_delete="CASCADE")
    kind = peewee.CharField(max_length=32)
    done_on = peewee.DateField()
    done_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    recorded_at = peewee.DateTimeField(default=clock.utcnow)

    class Meta:
        indexes = ((("case", "kind"), True),)


class NoticeRefused(Exception):
    """`field`: the form field the message belongs next to, when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def checklist(case: Case, *, acute: bool | None = None, reports: list | None = None) -> list[NoticeKind]:
    """The notifications that apply to this case. `acute` (models.protection.is_acute) and `reports`
    (the case's police reports): when the caller has read them already."""
    acute = protection.is_acute(case) if acute is None else acute
    mayor = case.reporter_role == Role.MAYOR.value
    has_reports = bool(reports) if reports is not None else bool(case.police_reports.count())
    items = []
    if acute:
        items.append(NoticeKind.POLICE)
    if acute or case.behaviour_class in ("threat", "physical_violence") or has_reports:
        items.append(NoticeKind.PUBLIC_PROSECUTOR)
    if acute:
        items.append(NoticeKind.CHIEF_PROSECUTOR)
    if acute and mayor:
        items.append(NoticeKind.NCTV)
    if mayor:
        items.append(NoticeKind.KINGS_COMMISSIONER)
    items.append(NoticeKind.OTHER_OFFICE_HOLDERS)
    return items


def _inspectorate_rows(case: Case):
    kind = deadlines.DeadlineKind.INSPECTORATE.value
    return deadlines.Deadline.select().where((deadlines.Deadline.case == case.id) & (deadlines.Deadline.kind == kind))


def inspectorate_deadline_row(case: Case, *, rows: list | None = None) -> deadlines.Deadline | None:
    """The latest 24 hours for the inspectorate, running or stopped. `rows`: the case's deadlines
    (all of them, running and done) when the caller has read them already."""
    if rows is not None:
        kind = deadlines.DeadlineKind.INSPECTORATE.value
        return max((row for row in rows if row.kind == kind), key=lambda row: row.id, default=None)
    return _inspectorate_rows(case).order_by(deadlines.Deadline.id.desc()).first()


def _running_clock(case: Case) -> deadlines.Deadline | None:
    return _inspectorate_rows(case).where(deadlines.Deadline.done_at.is_null()).first()


def inspectorate_deadline(case: Case) -> dt.datetime | None:
    """When the inspectorate must have been warned, once the 24 hours run (or ran)."""
    row = inspectorate_deadline_row(case)
    return row.due_at if row is not None else None


def current_assessment(case: Case, *, assessments: list | None = None) -> InspectorateAssessment | None:
    """The assessment in force (not superseded). `assessments`: all the case's assessments, when
    the caller has read them already."""
    if assessments is not None:
        current = [a for a in assessments if a.superseded_at is None]
        return max(current, key=lambda a: a.number, default=None)
    return (
        InspectorateAssessment.select()
        .where((InspectorateAssessment.case == case.id) & InspectorateAssessment.superseded_at.is_null())
        .order_by(InspectorateAssessment.number.desc())
        .first()
    )


def inspectorate_state(case: Case, *, assessments: list | None = None) -> InspectorateState:
    assessment = current_assessment(case, assessments=assessments)
    if assessment is None:
        return InspectorateState.TO_ASSESS if report_answers(case) else InspectorateState.NOTHING
    if not assessment.reportable:
        return InspectorateState.NOT_REPORTABLE
    return InspectorateState.NOTIFIED if assessment.notified_at else InspectorateState.REPORTABLE


def inspectorate_status(
    case: Case, *, assessments: list | None = None, deadline_rows: list | None = None
) -> InspectorateStatus:
    """Everything the case page shows about the inspectorate. `assessments` (all the case's) and
    `deadline_rows` (all the case's deadlines): when the caller has read them already."""
    if assessments is None:
        assessments = list(InspectorateAssessment.select().where(InspectorateAssessment.case == case.id))
    return InspectorateStatus(
        state=inspectorate_state(case, assessments=assessments),
        answers=report_answers(case),
        assessment=current_assessment(case, assessments=assessments),
        deadline=inspectorate_deadline_row(case, rows=deadline_rows),
        now=clock.utcnow(),
    )


def is_serious(case: Case) -> bool:
    """Assessed by a handler as a serious incident (§6.4)."""
    return inspectorate_state(case) in (InspectorateState.REPORTABLE, InspectorateState.NOTIFIED)


def schedule_inspectorate(case: Case) -> None:
    """At registration: a hospital admission (or lasting harm or death) in the report starts the
    24 hours at once. Other injuries wait for a handler's assessment (assess)."""
    if starts_clock_at_once(case):
        _start_clock(case, case.created_at)


def _start_clock(case: Case, since: dt.datetime) -> deadlines.Deadline:
    """The inspectorate must be warned within 24 hours (setting) of `since`. Reminds the handlers,
    then escalates to the mayor and the municipal secretary before the deadline passes. A clock
    that runs already keeps running: the municipality knew from then."""
    running = _running_clock(case)
    if running is not None:
        return running
    from models.routing import HANDLES

    handler_roles = {Role(a.role) for a in case.access if a.kind == HANDLES and a.role}
    return deadlines.schedule(
        case,
        deadlines.DeadlineKind.INSPECTORATE,
        since + dt.timedelta(hours=settings.get("inspectorate_hours")),
        since + dt.timedelta(hours=settings.get("inspectorate_remind_hours")),
        handler_roles | {Role.SECURITY_OFFICER},
        escalate_at=since + dt.timedelta(hours=settings.get("inspectorate_escalate_hours")),
        escalate_roles={Role.MAYOR, Role.MUNICIPAL_SECRETARY},
    )


def _local_today() -> dt.date:
    return clock.to_local(clock.utcnow()).date()


def assess(
    case: Case,
    actor: User,
    *,
    reportable: bool,
    criteria=(),
    reason: str = "",
    known_at: dt.datetime | None = None,
) -> InspectorateAssessment:
    """A handler's assessment (§6.4). Reportable: the criteria that apply, and — when no 24 hours
    run yet — since when the municipality knew (`known_at`, UTC), from which they run. Not
    reportable: why; a running clock stops. Sent twice: stored once (the first one counts)."""
    if case.kind != CaseKind.REPORT.value:
        raise NoticeRefused(N_("Alleen bij een melding hoort een beoordeling voor de Arbeidsinspectie."))
    criteria = [Criterion(code) for code in criteria]
    reason = (reason or "").strip()
    if reportable and not criteria:
        raise NoticeRefused(
            N_("Kies wat de ambtsdrager is overkomen. Alleen dan is het een ernstig incident."), "criteria"
        )
    if not reportable and not reason:
        raise NoticeRefused(N_("Schrijf op waarom dit geen ernstig incident is."), "reason")
    if known_at is not None and known_at > clock.utcnow():
        raise NoticeRefused(N_("Dit moment ligt in de toekomst."), "known_at")
    with write_transaction():
        current = current_assessment(case)
        if current is not None:
            return current
        running = _running_clock(case)
        if reportable and running is None and known_at is None:
            raise NoticeRefused(
                N_("Vul in sinds wanneer de gemeente weet dat het om een ernstig incident gaat."), "known_at"
            )
        last = (
            InspectorateAssessment.select(peewee.fn.MAX(InspectorateAssessment.number))
            .where(InspectorateAssessment.case == case.id)
            .scalar()
        )
        try:
            with write_transaction():  # a savepoint: the same assessment sent at the same moment stores once
                assessment = InspectorateAssessment.create(
                    case=case,
                    number=(last or 0) + 1,
                    reportable=reportable,
                    criteria=",".join(c.value for c in criteria) if reportable else "",
                    reason=None if reportable else reason,
                    known_at=known_at if reportable and running is None else None,
                    assessed_by=actor,
                )
        except peewee.IntegrityError:
            return current_assessment(case)
        outcome = "reportable" if reportable else "not_reportable"
        CaseEvent.create(case=case, actor=actor, kind=EventKind.NOTIFICATION.value, detail=f"inspectorate:{outcome}")
        if not reportable:
            deadlines.complete(deadlines.DeadlineKind.INSPECTORATE, case.id)
        elif running is None:
            _start_clock(case, known_at)
    return assessment


def record_inspectorate_notice(
    case: Case, actor: User, *, notified_at: dt.datetime | None, notified_by: str, reference: str
) -> InspectorateAssessment:
    """The notice given to the inspectorate: when (UTC), by whom, its reference. Only for an
    incident assessed serious; stops the 24 hours. Sent twice: stored once."""
    notified_by, reference = (notified_by or "").strip(), (reference or "").strip()
    if notified_at is None:
        raise NoticeRefused(N_("Vul in wanneer de Arbeidsinspectie is gewaarschuwd."), "notified_at")
    if notified_at > clock.utcnow():
        raise NoticeRefused(N_("Dit moment ligt in de toekomst."), "notified_at")
    if not notified_by:
        raise NoticeRefused(N_("Vul in wie de Arbeidsinspectie heeft gewaarschuwd."), "notified_by")
    if not reference:
        raise NoticeRefused(N_("Vul het kenmerk in dat de Arbeidsinspectie aan de melding gaf."), "reference")
    with write_transaction():
        current = current_assessment(case)
        if current is None or not current.reportable:
            raise NoticeRefused(
                N_("Beoordeel eerst of dit een ernstig incident is. Alleen dat meldt u bij de Arbeidsinspectie.")
            )
        stored = (
            InspectorateAssessment.update(
                notified_at=notified_at,
                notified_by=notified_by,
                notice_reference=reference,
                notice_recorded_by=actor.id,
            )
            .where((InspectorateAssessment.id == current.id) & InspectorateAssessment.notified_at.is_null())
            .execute()
        )
        if stored:
            CaseEvent.create(case=case, actor=actor, kind=EventKind.NOTIFICATION.value, detail="inspectorate")
            deadlines.complete(deadlines.DeadlineKind.INSPECTORATE, case.id)
    return InspectorateAssessment.get_by_id(current.id)


def record(case: Case, kind: NoticeKind, actor: User, done_on: dt.date) -> Notice:
    if kind not in checklist(case):
        raise NoticeRefused(N_("Deze melding hoort niet bij deze zaak."))
    if done_on > _local_today():
        raise NoticeRefused(N_("Deze datum ligt in de toekomst."), "done_on")
    with write_transaction():
        if kind == NoticeKind.OTHER_OFFICE_HOLDERS:  # §7: only with the victim's consent, in force now
            try:
                consent.require(case, consent.Purpose.INFORM_OTHERS)
            except NotAllowed as refused:
                raise NoticeRefused(refused.message) from refused
        notice, _created = Notice.get_or_create(
            case=case, kind=kind.value, defaults={"done_on": done_on, "done_by": actor}
        )
        if _created:
            CaseEvent.create(case=case, actor=actor, kind=EventKind.NOTIFICATION.value, detail=kind.value)
    return notice


def mark_serious_harm(case: Case, actor: User) -> None:
    """Lasting harm or death, recorded by a handler: the 24 hours run from now (the municipality
    could not warn the inspectorate before it knew), unless they run already or the inspectorate
    was warned. An earlier 'not reportable' no longer stands: the incident is assessed again."""
    if case.kind != CaseKind.REPORT.value:
        raise NoticeRefused(N_("Alleen bij een melding hoort een beoordeling voor de Arbeidsinspectie."))
    with write_transaction():
        if Case.get_by_id(case.id).serious_harm:
            case.serious_harm = True
            return  # sent twice: stored once
        case.serious_harm = True
        case.save(only=[Case.serious_harm])
        CaseEvent.create(case=case, actor=actor, kind=EventKind.NOTIFICATION.value, detail="serious_harm")
        current = current_assessment(case)
        if current is not None and not current.reportable:
            current.superseded_at = clock.utcnow()
            current.save(only=[InspectorateAssessment.superseded_at])
            current = None
        if current is None or current.notified_at is None:
            _start_clock(case, clock.utcnow())
