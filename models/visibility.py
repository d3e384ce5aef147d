"""Who may see which case: decided here, in one place, for every list, page, download, export and
job. A case someone may not see is treated exactly like a case that does not exist."""

from __future__ import annotations

from enum import Enum, IntEnum

import peewee

from models.accounts import Role, User, listed
from models.cases import REPORTER_VISIBLE_EVENTS, Case, CaseAccess, EventKind, NotAllowed
from models.routing import HANDLER_ROLES, HANDLES

# Roles that never see case content, whatever the routing says.
NO_CASE_CONTENT = {Role.ADMIN.value, Role.FINANCE_OFFICER.value}


class Access(IntEnum):
    NONE = 0
    REPORTER = 1  # the office holder concerned, or who filed it: the report, messages, status
    INFORMED = 2  # informed by the routing or granted by a handler: everything, incl. internal notes
    HANDLER = 3  # handles it: also status, assignment and access of others


def _live(query):
    return query.where(CaseAccess.revoked_at.is_null())


def case_access(user: User | None, case: Case, case_rows: list | None = None) -> Access:
    """`case_rows`: the case's live access rows (kind, role, user_id), when the caller already has
    them for many people at once; otherwise only this person's rows are read."""
    if user is None or not user.is_active or user.role in NO_CASE_CONTENT:
        return Access.NONE
    level = Access.NONE
    if case.filed_by_id == user.id or case.reporter_id == user.id:
        level = Access.REPORTER
    if case.reporter_id == user.id:
        return level  # nobody handles (or is informed of) a case about themselves
    if case_rows is None:
        case_rows = _live(
            CaseAccess.select(CaseAccess.kind, CaseAccess.role, CaseAccess.user).where(
                (CaseAccess.case == case.id) & ((CaseAccess.role == user.role) | (CaseAccess.user == user.id))
            )
        ).tuples()
    for kind, role, user_id in case_rows:
        if role == user.role or user_id == user.id:
            level = max(level, Access.HANDLER if kind == HANDLES else Access.INFORMED)
    return level


def inbox_condition(user: User) -> peewee.Expression:
    """The cases a person sees in their inbox (as handler, informed or granted) — the same rule as
    case_access, as a condition for a query with pagination and filters."""
    if not user.is_active or user.role in NO_CASE_CONTENT:
        return Case.id.is_null()  # never true
    # A correlated EXISTS, not `id IN (all routed case ids)`: a page of 50 probes the access rows of
    # the cases it walks (index case_access_case_id) instead of reading every access row of the role.
    routed = _live(
        CaseAccess.select(peewee.SQL("1")).where(
            (CaseAccess.case == Case.id) & ((CaseAccess.role == user.role) | (CaseAccess.user == user.id))
        )
    )
    return (Case.reporter != user.id) & peewee.fn.EXISTS(routed)


def own_cases_condition(user: User) -> peewee.Expression:
    """Cases about this person, or filed by them on someone's behalf."""
    if not user.is_active or user.role in NO_CASE_CONTENT:
        return Case.id.is_null()
    return (Case.reporter == user.id) | (Case.filed_by == user.id)


def handled_by_condition(case_id: int):
    """People who handle a case (for notifications and assignment)."""
    roles = _live(
        CaseAccess.select(CaseAccess.role).where(
            (CaseAccess.case == case_id) & (CaseAccess.kind == HANDLES) & CaseAccess.role.is_null(False)
        )
    )
    return User.role.in_(roles)


def people_with_access(case: Case, accounts=None, case_rows: list | None = None) -> list[tuple[User, Access]]:
    """Everyone who may see the case beyond its reporter, with their level (notifications).
    `accounts` (every account, models.accounts.listed) and `case_rows` (the case's live access rows:
    kind, role, user_id), when the caller has read them already (models.case_file): the same rule,
    no read of its own."""
    if accounts is None:
        accounts = listed().where(
            (User.is_active == True) & (User.id != case.reporter_id) & User.role.not_in(NO_CASE_CONTENT)
        )
    candidates = [
        person
        for person in accounts
        if person.is_active and person.id != case.reporter_id and person.role not in NO_CASE_CONTENT
    ]
    if case_rows is None:
        case_rows = list(
            _live(
                CaseAccess.select(CaseAccess.kind, CaseAccess.role, CaseAccess.user).where(CaseAccess.case == case.id)
            ).tuples()
        )  # one query, not one per person
    return [
        (person, level) for person in candidates if (level := case_access(person, case, case_rows)) >= Access.INFORMED
    ]


def live_access_rows(rows) -> list[tuple]:
    """The (kind, role, user_id) of the access rows that are not revoked, as case_access and
    people_with_access take them: for a caller that read all of a case's CaseAccess rows at once."""
    return [(row.kind, row.role, row.user_id) for row in rows if row.revoked_at is None]


def may_be_granted(person: User) -> bool:
    return person.is_active and person.role in {r.value for r in HANDLER_ROLES}


def may_see_employee_incidents(user: User | None) -> bool:
    """Incidents against municipal employees (§6.2): what they were, only the security officer sees.
    Everyone who sees a case sees that there were some (they make an incident a repeated one)."""
    return user is not None and user.is_active and user.role == Role.SECURITY_OFFICER.value


def employee_incidents(user: User | None, perpetrator) -> list:
    """The incidents against employees by this perpetrator (models.perpetrators.EmployeeIncident),
    oldest first; refused for anyone else. Read through the entry, so that models.perpetrators can
    ask this module who may record them without an import cycle."""
    if not may_see_employee_incidents(user):
        raise NotAllowed("employee_incidents")
    incidents = perpetrator.employee_incidents
    return list(incidents.order_by(incidents.model.occurred_on, incidents.model.id))


# --- what the office holder concerned sees of their own case (Mijn meldingen) ------------------------


class VictimPart(str, Enum):
    """The parts of their own case the office holder concerned sees (DOMAIN.md, "The victim sees what
    is done"; §6.4). models.victim_view assembles them and copies only what the comment names."""

    STATUS = "status"  # the status, and why in their words (never a handler's own reason for it)
    TIMELINE = "timeline"  # their messages, the municipality's messages to them, what they added
    MEASURES = "measures"  # each measure once decided: its type and date only
    POLICE = "police"  # each police report: date, station, number, stand, the OM's decision, feedback given
    AFTERCARE = "aftercare"  # the conversations planned and held (dates, never the notes), referrals
    DAMAGES = "damages"  # what was asked, granted and paid
    CONSENT = "consent"  # their consent per purpose, and what was done under it
    ASKED = "asked"  # what is asked of them (models.casework steps for the victim): a consent, a message


# Never on their page: internal notes, assignments, who was given access or is informed, a measure's
# reasons, the security officer's advice, the citizen's side, the perpetrator register, notices to
# agencies and protection measures (models.protection) - nor anything of another case.
VICTIM_EVENTS = frozenset(REPORTER_VISIBLE_EVENTS)
# A measure is shown once decided: a proposal is not yet something the municipality does.
VICTIM_MEASURE_STATES = frozenset({"decided", "carried_out", "ended"})  # models.measures.MeasureState

_FOR_THE_FILER = frozenset(
    {VictimPart.STATUS, VictimPart.TIMELINE, VictimPart.MEASURES, VictimPart.POLICE, VictimPart.DAMAGES}
)


def victim_parts(user: User | None, case: Case, level: Access | None = None) -> frozenset[VictimPart]:
    """What this person sees of the case in Mijn meldingen: every part when it is about them; who filed
    it for them sees how it is handled and may claim damages for them, not the victim's aftercare,
    consent or what is asked of the victim; anyone else nothing here (a handler reads the case page).
    `level`: case_access, when the caller has it."""
    level = case_access(user, case) if level is None else level
    if level < Access.REPORTER:
        return frozenset()
    if case.reporter_id == user.id:
        return frozenset(VictimPart)
    if case.filed_by_id == user.id:
        return _FOR_THE_FILER
    return frozenset()


def victim_sees_event(kind: str) -> bool:
    return EventKind(kind) in VICTIM_EVENTS


# --- prevention (§4): a risk analysis and a home screening belong to no case ----------------------


def may_see_risk_analysis(user: User | None, analysis) -> bool:
    """Who asked for it and the security officer (models.risk.RiskAnalysis)."""
    return (
        user is not None
        and user.is_active
        and (user.id == analysis.requested_by_id or user.role == Role.SECURITY_OFFICER.value)
    )


def may_see_home_screening(user: User | None, screening) -> bool:
    """A home screening's content (models.risk.HomeScreening): only the office holder whose home it is
    and the security officer."""
    return (
        user is not None
        and user.is_active
        and (user.id == screening.office_holder_id or user.role == Role.SECURITY_OFFICER.value)
    )
