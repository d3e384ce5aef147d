"""A disrupted meeting (§5): the chair or the clerk keeps a record during the meeting — each order
to leave with its time (after the third it is trespass, lokaalvredebreuk), the livestream stopped,
the police called and the decision on a police report — and closing it files one case per disrupter."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import peewee

from models import audit, cases, clock, registration, scheme
from models.accounts import Role, User
from models.base import BaseModel
from models.cases import Case, CaseEvent, CaseKind, Channel, EventKind, NotAllowed
from models.crypto import EncryptedTextField
from models.db import write_transaction
from models.i18n import N_

# The chair and the clerk run the meeting mode (§5).
MEETING_ROLES = frozenset({Role.MAYOR, Role.CLERK, Role.DEPUTY_CLERK})
# §5: after the third order to leave, staying is trespass (lokaalvredebreuk, art. 139 Sr).
TRESPASS_AFTER_ORDERS = 3
DEFAULT_BEHAVIOURS = ("obstruction",)
# §5: the chair decides on a police report together with the clerk and the security officer.
DECISION_CLERK_ROLES = frozenset({Role.CLERK, Role.DEPUTY_CLERK})
# The timeline entries on a disrupter's case (kind EventKind.MEETING): the order that made it trespass,
# and the decision on a police report taken in the meeting ("police_report:file" / "police_report:no_report").
TRESPASS_EVENT = "trespass"
DECISION_EVENT = "police_report"


class PoliceReportDecision(str, Enum):
    FILE = "file"
    NO_REPORT = "no_report"


DECISION_LABELS = {
    PoliceReportDecision.FILE: N_("Ja, de gemeente doet aangifte"),
    PoliceReportDecision.NO_REPORT: N_("Nee, geen aangifte"),
}


class Meeting(BaseModel):
    title = peewee.CharField(max_length=200)
    held_at = peewee.DateTimeField()
    chair = peewee.ForeignKeyField(User, backref="chaired_meetings", on_delete="RESTRICT")
    started_by = peewee.ForeignKeyField(User, backref="started_meetings", on_delete="RESTRICT")
    started_at = peewee.DateTimeField()
    livestream_stopped_at = peewee.DateTimeField(null=True)
    livestream_stopped_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    police_called_at = peewee.DateTimeField(null=True)
    police_called_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    # §5: the chair decides with the clerk and the security officer: who took part (accounts), who
    # recorded it (decided_by) and when. decided_with: their names as written then (the record keeps them).
    police_report_decision = peewee.CharField(max_length=16, null=True)
    decided_with = EncryptedTextField(null=True)
    decided_at = peewee.DateTimeField(null=True)
    decided_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decided_clerk = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decided_security_officer = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    closed_at = peewee.DateTimeField(null=True)
    closed_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        table_name = "meeting"


class Disrupter(BaseModel):
    meeting = peewee.ForeignKeyField(Meeting, backref="disrupters", on_delete="CASCADE")
    description = EncryptedTextField()
    name = EncryptedTextField(null=True)
    behaviours = peewee.CharField(max_length=500, default=",".join(DEFAULT_BEHAVIOURS))
    trespass_at = peewee.DateTimeField(null=True)
    case = peewee.ForeignKeyField(Case, null=True, backref="+", on_delete="SET NULL")
    added_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    added_at = peewee.DateTimeField()

    class Meta:
        table_name = "disrupter"

    @property
    def behaviour_codes(self) -> list[str]:
        return [code for code in self.behaviours.split(",") if code in scheme.BEHAVIOUR_BY_CODE]


class OrderToLeave(BaseModel):
    disrupter = peewee.ForeignKeyField(Disrupter, backref="orders", on_delete="CASCADE")
    at = peewee.DateTimeField()
    # Made by the phone for each tap: a tap sent twice (or queued and sent again) is stored once.
    token = peewee.CharField(max_length=64, unique=True)
    recorded_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        table_name = "order_to_leave"


def may_run_meetings(user: User | None) -> bool:
    return bool(user and user.is_active and user.role_enum in MEETING_ROLES)


def chair_choices(user: User) -> list[User]:
    """Who can be recorded as chair: the mayor chairs themselves; the clerk files for any office holder."""
    if not cases.may_file_on_behalf(user):
        return [user]
    return [u for u in User.select().where(User.is_active).order_by(User.name) if u.is_office_holder]


def meeting_for(user: User, meeting_id: int) -> Meeting | None:
    """A meeting record, for those who run meetings; anyone else gets None (a 404)."""
    if not may_run_meetings(user):
        return None
    return Meeting.get_or_none(Meeting.id == meeting_id)


def open_meetings() -> list[Meeting]:
    return list(Meeting.select().where(Meeting.closed_at.is_null()).order_by(Meeting.started_at.desc()))


def start(user: User, title: str, held_at: dt.datetime, chair: User) -> Meeting:
    if not may_run_meetings(user):
        raise NotAllowed("meeting_role")
    if chair.id not in {u.id for u in chair_choices(user)}:
        raise NotAllowed("meeting_chair", N_("Kies wie de vergadering voorzit."))
    with write_transaction():
        meeting = Meeting.create(title=title, held_at=held_at, chair=chair, started_by=user, started_at=clock.utcnow())
        audit.record("meeting_started", actor_id=user.id, object_type="meeting", object_id=meeting.id)
    return meeting


def _check_open(meeting: Meeting) -> None:
    if meeting.closed_at is not None:
        raise NotAllowed("meeting_closed", N_("Dit verslag is al afgesloten."))


def add_disrupter(meeting: Meeting, user: User, description: str, name: str | None, behaviours) -> Disrupter:
    _check_open(meeting)
    codes = [code for code in behaviours if code in scheme.BEHAVIOUR_BY_CODE] or list(DEFAULT_BEHAVIOURS)
    with write_transaction():
        disrupter = Disrupter.create(
            meeting=meeting,
            description=description,
            name=name or None,
            behaviours=",".join(codes),
            added_by=user,
            added_at=clock.utcnow(),
        )
        audit.record("meeting_disrupter_added", actor_id=user.id, object_type="meeting", object_id=meeting.id)
    return disrupter


def order_count(disrupter: Disrupter) -> int:
    return OrderToLeave.select().where(OrderToLeave.disrupter == disrupter).count()


def is_trespass(disrupter: Disrupter) -> bool:
    return disrupter.trespass_at is not None


def record_order(disrupter: Disrupter, user: User, token: str) -> bool:
    """One order to leave, stored once per token. True when this call stored it. The order that
    reaches the threshold marks trespass, at its time."""
    _check_open(disrupter.meeting)
    with write_transaction():
        if OrderToLeave.get_or_none(OrderToLeave.token == token) is not None:
            return False
        now = clock.utcnow()
        OrderToLeave.create(disrupter=disrupter, at=now, token=token, recorded_by=user)
        if disrupter.trespass_at is None and order_count(disrupter) >= TRESPASS_AFTER_ORDERS:
            disrupter.trespass_at = now
            disrupter.save(only=[Disrupter.trespass_at])
        audit.record("meeting_order_recorded", actor_id=user.id, object_type="meeting", object_id=disrupter.meeting_id)
    return True


def stop_livestream(meeting: Meeting, user: User) -> None:
    _check_open(meeting)
    if meeting.livestream_stopped_at is None:
        meeting.livestream_stopped_at, meeting.livestream_stopped_by = clock.utcnow(), user
        meeting.save(only=[Meeting.livestream_stopped_at, Meeting.livestream_stopped_by])


def call_police(meeting: Meeting, user: User) -> None:
    _check_open(meeting)
    if meeting.police_called_at is None:
        meeting.police_called_at, meeting.police_called_by = clock.utcnow(), user
        meeting.save(only=[Meeting.police_called_at, Meeting.police_called_by])


def decision_clerks() -> list[User]:
    """Who can be named as the clerk who decided: the active clerks and deputy clerks."""
    roles = sorted(role.value for role in DECISION_CLERK_ROLES)
    return list(User.select().where((User.is_active == True) & User.role.in_(roles)).order_by(User.name))  # noqa: E712


def decision_security_officers() -> list[User]:
    """Who can be named as the security officer who decided."""
    return list(
        User.select()
        .where((User.is_active == True) & (User.role == Role.SECURITY_OFFICER.value))  # noqa: E712
        .order_by(User.name)
    )


def decide_police_report(
    meeting: Meeting, user: User, decision: PoliceReportDecision, clerk: User, security_officer: User
) -> None:
    """§5: the chair decides with the clerk and the security officer; the record names the three of
    them and who recorded it (the chair or the clerk, in the meeting mode), with the time."""
    _check_open(meeting)
    if not may_run_meetings(user):
        raise NotAllowed("meeting_role")
    if clerk.id not in {u.id for u in decision_clerks()}:
        raise NotAllowed("decision_clerk", N_("Kies de griffier die mee besliste."))
    if security_officer.id not in {u.id for u in decision_security_officers()}:
        raise NotAllowed("decision_security_officer", N_("Kies de ambtenaar Veiligheid die mee besliste."))
    decision = PoliceReportDecision(decision)
    with write_transaction():
        meeting.police_report_decision = decision.value
        meeting.decided_clerk, meeting.decided_security_officer = clerk, security_officer
        # In the municipality's language, as the case text that quotes it (models.meetings._narrative).
        meeting.decided_with = f"{meeting.chair.name} (voorzitter), {clerk.name} (griffier), {security_officer.name} (ambtenaar Veiligheid)"
        meeting.decided_at, meeting.decided_by = clock.utcnow(), user
        meeting.save(
            only=[
                Meeting.police_report_decision,
                Meeting.decided_clerk,
                Meeting.decided_security_officer,
                Meeting.decided_with,
                Meeting.decided_at,
                Meeting.decided_by,
            ]
        )
        audit.record(
            "meeting_police_report_decided",
            actor_id=user.id,
            object_type="meeting",
            object_id=meeting.id,
            detail=f"decision={decision.value}",
        )


def _after_addressed(orders: int) -> scheme.AfterAddressed:
    if orders == 0:
        return scheme.AfterAddressed.NOT_ADDRESSED
    return scheme.AfterAddressed.CORRECTED if orders == 1 else scheme.AfterAddressed.PERSISTED


def _local(moment: dt.datetime | None) -> str:
    return clock.to_local(moment).strftime("%d-%m-%Y %H:%M") if moment else ""


def _narrative(meeting: Meeting, disrupter: Disrupter, orders: list[OrderToLeave]) -> str:
    # Stored case text, in the municipality's language (as a reporter would have written it).
    lines = [f"Verstoring van de vergadering: {meeting.title}.", f"Wie: {disrupter.description}"]
    if orders:
        times = ", ".join(clock.to_local(o.at).strftime("%H:%M") for o in orders)
        lines.append(f"Opdrachten tot vertrek: {len(orders)} (om {times}).")
    if disrupter.trespass_at:
        lines.append(f"Lokaalvredebreuk vanaf {_local(disrupter.trespass_at)}.")
    if meeting.livestream_stopped_at:
        lines.append(f"Livestream gestopt om {_local(meeting.livestream_stopped_at)}.")
    if meeting.police_called_at:
        lines.append(f"Politie gebeld om {_local(meeting.police_called_at)}.")
    if meeting.police_report_decision:
        decision = (
            "aangifte doen" if meeting.police_report_decision == PoliceReportDecision.FILE.value else "geen aangifte"
        )
        lines.append(f"Besluit over aangifte: {decision} (genomen met: {meeting.decided_with}).")
    return "\n".join(lines)


def _record_on_case(case: Case, meeting: Meeting, disrupter: Disrupter, orders: list[OrderToLeave]) -> None:
    """The disrupter's new case's timeline: the order that made it trespass, at its time and by who
    tapped it; and the decision on a police report taken in the meeting, by who recorded it."""
    if disrupter.trespass_at is not None:
        threshold = orders[TRESPASS_AFTER_ORDERS - 1] if len(orders) >= TRESPASS_AFTER_ORDERS else None
        CaseEvent.create(
            case=case,
            at=disrupter.trespass_at,
            actor=threshold.recorded_by_id if threshold else None,
            kind=EventKind.MEETING.value,
            detail=TRESPASS_EVENT,
        )
    if meeting.police_report_decision:
        CaseEvent.create(
            case=case,
            at=meeting.decided_at or clock.utcnow(),
            actor=meeting.decided_by_id,
            kind=EventKind.MEETING.value,
            detail=f"{DECISION_EVENT}:{meeting.police_report_decision}",
        )


def close(meeting: Meeting, user: User) -> list[Case]:
    """Close the record: one case per disrupter, filed for the chair (a council meeting is aimed at
    the council; the chair reports), classified from what happened and routed as any case."""
    _check_open(meeting)
    if not may_run_meetings(user):
        raise NotAllowed("meeting_role")
    filed = []
    with write_transaction():
        for disrupter in meeting.disrupters.order_by(Disrupter.id):
            orders = list(disrupter.orders.order_by(OrderToLeave.at, OrderToLeave.id))
            draft = cases.new_draft(user, CaseKind.REPORT, reporter=meeting.chair)
            values = {
                "behaviours": disrupter.behaviour_codes,
                "after_addressed": _after_addressed(len(orders)).value,
                "recurring": False,
                "target": cases.Target.SELF.value,
                "occurred_at": orders[0].at if orders else meeting.held_at,
                "occurred_time_known": True,
                "channel": Channel.MEETING.value,
                "location": meeting.title[:200],
                "narrative": _narrative(meeting, disrupter, orders),
                "perpetrator_known": bool(disrupter.name),
                "perpetrator_name": disrupter.name,
                "perpetrator_description": disrupter.description,
                "meeting_disrupted": True,
                "meeting_orders_out": len(orders),
                "livestream_stopped": meeting.livestream_stopped_at is not None,
            }
            case = registration.file_case(draft.id, values)
            _record_on_case(case, meeting, disrupter, orders)
            disrupter.case = case
            disrupter.save(only=[Disrupter.case])
            filed.append(case)
        meeting.closed_at, meeting.closed_by = clock.utcnow(), user
        meeting.save(only=[Meeting.closed_at, Meeting.closed_by])
        audit.record("meeting_closed", actor_id=user.id, object_type="meeting", object_id=meeting.id)
    return filed
