"""The handlers' dashboard: open cases by status, what is overdue, my assignments and the trend of the
last twelve months — always over the cases this person may see (models.visibility.inbox_condition),
never more. These are working figures for handlers, not anonymised statistics (that is the yearly
report, models.annual_report)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from models import casework, clock, deadlines
from models.accounts import User
from models.annual_report import Period, local_month
from models.cases import Case, CaseKind, Status
from models.deadlines import Deadline, DeadlineKind
from models.i18n import N_
from models.visibility import inbox_condition

# What is overdue, in the groups the issue names.
OVERDUE_GROUPS = {
    "aftercare": (
        N_("Nazorggesprekken"),
        {DeadlineKind.AFTERCARE_1, DeadlineKind.AFTERCARE_2, DeadlineKind.AFTERCARE_3},
    ),
    "inspectorate": (N_("Arbeidsinspectie waarschuwen"), {DeadlineKind.INSPECTORATE}),
    "ban_ending": (N_("Gebiedsverboden die aflopen"), {DeadlineKind.BAN_ENDING}),
    "payments": (N_("Betalingen van veroorzakers"), {DeadlineKind.RECOVERY_REMINDER, DeadlineKind.RECOVERY_DEMAND}),
    "police_feedback": (N_("De melder informeren over de aangifte"), {DeadlineKind.POLICE_FEEDBACK}),
}


@dataclass(frozen=True)
class DueStep:
    """A deadline as the open step it belongs to (models.casework): what, where on the case page, by when."""

    deadline: Deadline
    code: casework.StepCode
    label: str  # N_ msgid
    section: casework.Section
    due_at: dt.datetime
    overdue: bool

    @property
    def reference(self) -> str:
        return self.deadline.case.reference


# Deadlines whose own label says more than their step's (which measure ends, which letter to send).
_OWN_LABELS = {DeadlineKind.BAN_ENDING, DeadlineKind.RECOVERY_REMINDER, DeadlineKind.RECOVERY_DEMAND}
_CONVERSATIONS = {DeadlineKind.AFTERCARE_1: 1, DeadlineKind.AFTERCARE_2: 2, DeadlineKind.AFTERCARE_3: 3}


def due_step(deadline: Deadline, now: dt.datetime | None = None) -> DueStep:
    """The step of the case page a deadline belongs to, with casework's label and section."""
    kind = DeadlineKind(deadline.kind)
    code = casework.step_for_deadline(deadline)
    if kind in _CONVERSATIONS:
        label = casework.CONVERSATION_LABELS[_CONVERSATIONS[kind]]
    elif kind in _OWN_LABELS:
        label = deadlines.DEADLINE_LABELS[kind]
    else:
        label = casework.STEP_LABELS[code]
    return DueStep(
        deadline, code, label, casework.STEP_SECTIONS[code], deadline.due_at, deadline.is_overdue(now or clock.utcnow())
    )


def visible_cases(user: User):
    return Case.select().where(inbox_condition(user))


def open_cases_by_status(user: User) -> dict[Status, int]:
    """Cases (reports and consultations) not closed, per status; every status is listed."""
    counts = Counter(
        status
        for (status,) in visible_cases(user).select(Case.status).where(Case.status != Status.CLOSED.value).tuples()
    )
    return {status: counts.get(status.value, 0) for status in Status if status != Status.CLOSED}


def overdue_deadlines(user: User, now: dt.datetime | None = None) -> list[Deadline]:
    """Open deadlines past their due time on cases this person may see, the oldest first."""
    now = now or clock.utcnow()
    visible = visible_cases(user).select(Case.id)
    return list(deadlines.open_for(visible).where(Deadline.due_at < now).select(Deadline, Case).join(Case))


def overdue_by_group(rows: list[Deadline]) -> dict[str, list[Deadline]]:
    kind_to_group = {kind.value: code for code, (_label, kinds) in OVERDUE_GROUPS.items() for kind in kinds}
    grouped = {code: [] for code in OVERDUE_GROUPS}
    for row in rows:
        grouped[kind_to_group.get(row.kind, "police_feedback")].append(row)
    return grouped


def my_assignments(user: User) -> list[Case]:
    """Open cases assigned to this person (that they may still see)."""
    return list(
        visible_cases(user)
        .where((Case.assigned_to == user.id) & (Case.status != Status.CLOSED.value))
        .order_by(Case.created_at.desc())
    )


def monthly_trend(user: User, now: dt.datetime | None = None, months: int = 12) -> list[tuple[dt.date, int]]:
    """Reports registered per month, the last `months` months up to and including this one."""
    this_month = local_month(now or clock.utcnow())
    period = Period(clock.add_months(this_month, -(months - 1)), this_month)
    start, end = period.utc_bounds()
    counts = Counter(
        local_month(created)
        for (created,) in visible_cases(user)
        .select(Case.created_at)
        .where((Case.kind == CaseKind.REPORT.value) & (Case.created_at >= start) & (Case.created_at < end))
        .tuples()
    )
    return [(month, counts.get(month, 0)) for month in period.months]
