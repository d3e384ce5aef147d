"""Notifications the protocol requires (§6.4, §7): the labour inspectorate within 24 hours of a
serious incident; the public prosecutor; when the mayor is the target, the Chief Public Prosecutor,
the NCTV and the King's Commissioner; other office holders only with the victim's consent."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import peewee

from models import clock, deadlines, settings
from models.accounts import Role, User
from models.base import BaseModel
from models.cases import Case, CaseEvent, EventKind
from models.db import write_transaction
from models.i18n import N_


def is_serious(case: Case) -> bool:
    """§6.4: physical or mental injury, hospital admission, lasting harm or death."""
    return bool(case.injury_physical or case.injury_mental or case.hospital_admission or case.serious_harm)


class NoticeKind(str, Enum):
    INSPECTORATE = "inspectorate"
    PUBLIC_PROSECUTOR = "public_prosecutor"
    CHIEF_PROSECUTOR = "chief_prosecutor"
    NCTV = "nctv"
    KINGS_COMMISSIONER = "kings_commissioner"
    OTHER_OFFICE_HOLDERS = "other_office_holders"


NOTICE_LABELS = {
    NoticeKind.INSPECTORATE: N_("Nederlandse Arbeidsinspectie gewaarschuwd (ernstig incident)"),
    NoticeKind.PUBLIC_PROSECUTOR: N_("Openbaar Ministerie op de hoogte gesteld"),
    NoticeKind.CHIEF_PROSECUTOR: N_("Hoofdofficier van Justitie op de hoogte (beveiligingsmaatregelen)"),
    NoticeKind.NCTV: N_("Overleg met de Nationaal Coördinator Terrorismebestrijding en Veiligheid (NCTV)"),
    NoticeKind.KINGS_COMMISSIONER: N_("Commissaris van de Koning op de hoogte gesteld"),
    NoticeKind.OTHER_OFFICE_HOLDERS: N_("Andere ambtsdragers geïnformeerd (met toestemming)"),
}


class Notice(BaseModel):
    case = peewee.ForeignKeyField(Case, backref="notices", on_delete="CASCADE")
    kind = peewee.CharField(max_length=32)
    done_on = peewee.DateField()
    done_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    recorded_at = peewee.DateTimeField(default=clock.utcnow)

    class Meta:
        indexes = ((("case", "kind"), True),)


class NoticeRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def checklist(case: Case) -> list[NoticeKind]:
    """The notifications that apply to this case."""
    items = []
    if is_serious(case):
        items.append(NoticeKind.INSPECTORATE)
    if case.behaviour_class in ("threat", "physical_violence") or case.police_reports.count():
        items.append(NoticeKind.PUBLIC_PROSECUTOR)
    if case.reporter_role == Role.MAYOR.value:
        items += [NoticeKind.CHIEF_PROSECUTOR, NoticeKind.NCTV, NoticeKind.KINGS_COMMISSIONER]
    items.append(NoticeKind.OTHER_OFFICE_HOLDERS)
    return items


def inspectorate_deadline_row(case: Case) -> deadlines.Deadline | None:
    return case.deadlines.where(deadlines.Deadline.kind == deadlines.DeadlineKind.INSPECTORATE.value).first()


def inspectorate_deadline(case: Case) -> dt.datetime:
    """When the inspectorate must have been warned: as scheduled, else 24 hours (setting) after registration."""
    row = inspectorate_deadline_row(case)
    if row is not None:
        return row.due_at
    return case.created_at + dt.timedelta(hours=settings.get("inspectorate_hours"))


def schedule_inspectorate(case: Case, since: dt.datetime | None = None) -> None:
    """A serious incident: the inspectorate must be warned within 24 hours (setting) of registration,
    or of the moment lasting harm became known (`since`). Reminds the handlers, then escalates to
    the mayor and the municipal secretary before the deadline passes."""
    if not is_serious(case) or inspectorate_deadline_row(case) is not None:
        return
    from models.routing import HANDLES

    since = since or case.created_at
    handler_roles = {Role(a.role) for a in case.access if a.kind == HANDLES and a.role}
    deadlines.schedule(
        case,
        deadlines.DeadlineKind.INSPECTORATE,
        since + dt.timedelta(hours=settings.get("inspectorate_hours")),
        since + dt.timedelta(hours=settings.get("inspectorate_remind_hours")),
        handler_roles | {Role.SECURITY_OFFICER},
        escalate_at=since + dt.timedelta(hours=settings.get("inspectorate_escalate_hours")),
        escalate_roles={Role.MAYOR, Role.MUNICIPAL_SECRETARY},
    )


def record(case: Case, kind: NoticeKind, actor: User, done_on: dt.date) -> Notice:
    if kind == NoticeKind.OTHER_OFFICE_HOLDERS and not case.consent_inform_others:
        raise NoticeRefused(N_("De ambtsdrager heeft geen toestemming gegeven om andere ambtsdragers te informeren."))
    if kind not in checklist(case):
        raise NoticeRefused(N_("Deze melding hoort niet bij deze zaak."))
    with write_transaction():
        notice, _created = Notice.get_or_create(
            case=case, kind=kind.value, defaults={"done_on": done_on, "done_by": actor}
        )
        CaseEvent.create(case=case, actor=actor, kind=EventKind.NOTIFICATION.value, detail=kind.value)
        if kind == NoticeKind.INSPECTORATE:
            deadlines.complete(deadlines.DeadlineKind.INSPECTORATE, case.id)
    return notice


def mark_serious_harm(case: Case, actor: User) -> None:
    """Lasting harm or death, recorded by a handler. When that makes the case serious only now, the
    24 hours run from now: the municipality could not warn the inspectorate before it knew."""
    with write_transaction():
        was_serious = is_serious(case)
        case.serious_harm = True
        case.save(only=[Case.serious_harm])
        CaseEvent.create(case=case, actor=actor, kind=EventKind.NOTIFICATION.value, detail="serious_harm")
        schedule_inspectorate(case, since=None if was_serious else clock.utcnow())
