"""What each person's start page says needs doing (issue 15, item 4), as plain functions of the user.

Every list is a query over cases, with who may see what decided by models.visibility alone
(inbox_condition for handlers, own_cases_condition for the office holder; the finance officer sees
only cases in the damages ledger, never their content). A start page shows each list's count and its
first few cases; the count links to the whole list (`cases_of`), so the number and the list behind it
are the same query.

None of this grows with the number of cases: counts stop at CAP (the page says "meer dan 20"), lists
are read with a LIMIT, and each query walks an index (case(status, created_at), deadline(done_at,
due_at), the measure and threat tables) and probes the access rows of the cases it meets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import peewee

from models import cases as cases_model
from models import clock
from models.accounts import Role, User
from models.cases import Case, CaseAccess, CaseEvent, CaseKind, EventKind, Status
from models.casework import STEP_SECTIONS, StepCode
from models.consent import ConsentRecord, Purpose
from models.damages import EntryKind, LedgerEntry, Recovery
from models.db import db, is_sqlite
from models.deadlines import LEDGER_KINDS, Deadline
from models.i18n import N_
from models.measures import DECIDERS, DEFAULT_DECIDERS, Measure, MeasureState, MeasureType
from models.police import PoliceReport, ReportSubject
from models.protection import AcuteThreat
from models.routing import HANDLER_ROLES, HANDLES, INFORMED
from models.scheme import Advice, BehaviourClass
from models.visibility import inbox_condition, own_cases_condition

CAP = 20  # a count stops here: "meer dan 20" says enough on a start page, and costs no more at 100 000 cases
SHOWN = 5  # cases shown under each count on the start page
STEPS_SHOWN = 8  # open steps shown on a handler's start page
WALK = 200  # open deadlines read, at most, on each side of now to find them: years of a municipality's steps
OPEN_STATUSES = [s.value for s in Status if s != Status.CLOSED]  # an IN uses the status index, a != cannot

# Handlers who pick up new cases and carry the steps (§6.1).
PICKUP_ROLES = {Role.CLERK, Role.DEPUTY_CLERK, Role.MUNICIPAL_SECRETARY}
# Reports for which a police report is due whatever else happens (models.casework: ASK_CONSENT).
REPORT_REQUIRED_CLASSES = (BehaviourClass.THREAT.value, BehaviourClass.PHYSICAL_VIOLENCE.value)


@dataclass(frozen=True)
class ListKind:
    """One list behind a count: its name in the address, its title and what it says when empty."""

    key: str
    title: str  # N_ msgid
    explanation: str  # N_ msgid: what the list holds, in one sentence
    empty: str  # N_ msgid
    step: StepCode | None = None  # the open step the list is about (models.casework)
    finance: bool = False  # the rows lead to the finance officer's money pages, not to the case
    own: bool = False  # the rows lead to Mijn meldingen

    @property
    def section(self) -> str | None:
        """The HTML id of the case page's section where the step is done."""
        return STEP_SECTIONS[self.step].value if self.step else None


LISTS = {
    kind.key: kind
    for kind in (
        ListKind(
            "besluiten",
            N_("Besluiten die op u wachten"),
            N_("Voorgestelde maatregelen waarover u besluit. Een gebiedsverbod is een besluit van de burgemeester."),
            N_("Er wachten geen besluiten op u."),
            step=StepCode.DECIDE_MEASURE,
        ),
        ListKind(
            "geinformeerd",
            N_("Meldingen waarover u wordt geïnformeerd"),
            N_("Open meldingen die anderen behandelen. U wordt op de hoogte gehouden."),
            N_("Er zijn geen open meldingen waarover u wordt geïnformeerd."),
        ),
        ListKind(
            "nieuw",
            N_("Nieuwe meldingen"),
            N_("Meldingen die nog niemand heeft opgepakt."),
            N_("Er zijn geen nieuwe meldingen."),
            step=StepCode.PICK_UP,
        ),
        ListKind(
            "te-laat-opgepakt",
            N_("Te laat opgepakt"),
            N_("Nieuwe meldingen die al langer wachten dan de termijn om op te pakken."),
            N_("Er is geen melding te laat opgepakt."),
            step=StepCode.PICK_UP,
        ),
        ListKind(
            "advies",
            N_("Advies gevraagd"),
            N_("Voorgestelde maatregelen waarover u nog geen advies heeft gegeven."),
            N_("Er wordt nu geen advies van u gevraagd."),
            step=StepCode.SECURITY_ADVICE,
        ),
        ListKind(
            "acuut",
            N_("Acute dreiging"),
            N_("Open meldingen die zijn aangemerkt als acute, ernstige dreiging."),
            N_("Er is geen open melding met een acute dreiging."),
            step=StepCode.NOTICE,
        ),
        ListKind(
            "uitbetalen",
            N_("Uitbetalen aan melders"),
            N_("Schade die is toegekend maar nog niet is uitbetaald."),
            N_("Er hoeft niets te worden uitbetaald."),
            finance=True,
            step=StepCode.REIMBURSE,
        ),
        ListKind(
            "betalingen-te-laat",
            N_("Betalingen van veroorzakers te laat"),
            N_("Een veroorzaker heeft een termijn niet op tijd betaald."),
            N_("Er is geen betaling te laat."),
            finance=True,
            step=StepCode.RECOVER,
        ),
        ListKind(
            "mijn-open",
            N_("Uw open meldingen"),
            N_("Uw meldingen die nog niet zijn afgesloten."),
            N_("U heeft geen open meldingen."),
            own=True,
        ),
        ListKind(
            "toestemming",
            N_("Toestemming gevraagd"),
            N_("De gemeente wil weten of zij namens u aangifte mag doen bij de politie."),
            N_("Er wordt nu geen toestemming aan u gevraagd."),
            own=True,
            step=StepCode.VICTIM_CONSENT,
        ),
        ListKind(
            "berichten",
            N_("Berichten om te beantwoorden"),
            N_("De gemeente heeft u een bericht gestuurd. U heeft nog niet gereageerd."),
            N_("Er zijn geen berichten die op uw antwoord wachten."),
            own=True,
            step=StepCode.VICTIM_REPLY,
        ),
    )
}


# --- who sees which lists -------------------------------------------------------------------------


def lists_for(user: User) -> list[ListKind]:
    """The lists on this person's start page, in the order the page shows them (most urgent first)."""
    if not user.is_active:
        return []
    role = user.role_enum
    keys: list[str] = []
    if decided_types(user) or role in DEFAULT_DECIDERS:
        keys.append("besluiten")
    if role in PICKUP_ROLES:
        keys += ["te-laat-opgepakt", "nieuw"]
    if role == Role.SECURITY_OFFICER:
        keys += ["acuut", "advies"]
    if role == Role.MAYOR:
        keys.append("geinformeerd")
    if role == Role.FINANCE_OFFICER:
        keys += ["uitbetalen", "betalingen-te-laat"]
    if user.is_office_holder:
        keys += ["toestemming", "berichten", "mijn-open"]
    return [LISTS[key] for key in keys]


def may_see_list(user: User, key: str) -> bool:
    return key in {kind.key for kind in lists_for(user)}


# --- the conditions behind each list ----------------------------------------------------------------


def decided_types(user: User) -> list[MeasureType]:
    """Measure types reserved to this person's role (a written building ban: the mayor, §6.2)."""
    return [kind for kind, roles in DECIDERS.items() if user.role_enum in roles]


def _handled_by_role(user: User, case_id=Case.id) -> peewee.Expression:
    """The case (`case_id`: a column that holds its id) is routed to this person's role to handle
    (not only to be informed of)."""
    rows = CaseAccess.select(peewee.SQL("1")).where(
        (CaseAccess.case == case_id)
        & (CaseAccess.kind == HANDLES)
        & ((CaseAccess.role == user.role) | (CaseAccess.user == user.id))
        & CaseAccess.revoked_at.is_null()
    )
    return peewee.fn.EXISTS(rows)


def _proposed(types) -> peewee.Expression:
    """A measure of one of these types waiting for a decision."""
    return (Measure.state == MeasureState.PROPOSED.value) & Measure.type.in_([t.value for t in types])


def _waiting_decision(user: User) -> tuple[peewee.SelectQuery, peewee.Expression | None]:
    """A proposed measure this person decides: a type reserved to their role on any case they see, or
    another type they may decide on a case their role handles. As the ids of the cases with one (read
    from the proposed measures, which are few) and, where needed, a condition on the case. With both
    (the mayor), whether the role handles the case is asked per measure inside that one read: as an
    EXISTS on the case under an OR, PostgreSQL read every access row of the role to answer it (100 000
    at 100 000 cases). With only the second, the EXISTS stays on the case: inside the read of the
    measures PostgreSQL walked all open cases against it."""
    reserved = decided_types(user)
    shared = [t for t in MeasureType if t not in DECIDERS] if user.role_enum in DEFAULT_DECIDERS else []
    if reserved and shared:
        mine = _proposed(shared) & _handled_by_role(user, Measure.case)
        return Measure.select(Measure.case).where(_proposed(reserved) | mine), None
    if reserved:
        return Measure.select(Measure.case).where(_proposed(reserved)), None
    if shared:
        return Measure.select(Measure.case).where(_proposed(shared)), _handled_by_role(user)
    return Measure.select(Measure.case).where(Measure.id.is_null()), None


def _informed(user: User) -> peewee.Expression:
    rows = CaseAccess.select(peewee.SQL("1")).where(
        (CaseAccess.case == Case.id)
        & (CaseAccess.kind == INFORMED)
        & (CaseAccess.role == user.role)
        & CaseAccess.revoked_at.is_null()
    )
    return peewee.fn.EXISTS(rows)


def _advice_requested() -> tuple[peewee.SelectQuery, None]:
    """The cases with a proposed measure without the security officer's advice, as their ids."""
    advice_missing = (Measure.state == MeasureState.PROPOSED.value) & Measure.security_advice.is_null()
    return Measure.select(Measure.case).where(advice_missing), None


def _acute() -> tuple[peewee.SelectQuery, None]:
    return AcuteThreat.select(AcuteThreat.case), None


def _to_reimburse() -> peewee.Expression:
    """Approved minus reimbursed above nothing (models.damages.Balance.to_reimburse), per case."""
    signed = peewee.Case(
        None, [(LedgerEntry.reverses.is_null(), LedgerEntry.amount_cents)], LedgerEntry.amount_cents * -1
    )
    approved = peewee.Case(None, [(LedgerEntry.kind == EntryKind.APPROVED.value, signed)], 0)
    reimbursed = peewee.Case(None, [(LedgerEntry.kind == EntryKind.REIMBURSED.value, signed)], 0)
    owing = (
        LedgerEntry.select(LedgerEntry.case)
        .where(LedgerEntry.kind.in_([EntryKind.APPROVED.value, EntryKind.REIMBURSED.value]))
        .group_by(LedgerEntry.case)
        .having(peewee.fn.SUM(approved) - peewee.fn.SUM(reimbursed) > 0)
    )
    return Case.id.in_(owing)


def _payment_overdue(now: dt.datetime) -> peewee.Expression:
    """A recovery with an instalment past its due moment and its reminders still open (models.damages
    schedules them as deadlines). From the recoveries (few), then each one's deadlines."""
    rows = Deadline.select(peewee.SQL("1")).where(
        (Deadline.case == Case.id)
        & Deadline.kind.in_([kind.value for kind in LEDGER_KINDS])
        & Deadline.done_at.is_null()
        & (Deadline.due_at < now)
    )
    return Case.id.in_(Recovery.select(Recovery.case)) & peewee.fn.EXISTS(rows)


def _consent_asked() -> peewee.Expression:
    """The office holder is asked whether the municipality may file a police report (§6.4): the same
    rule as models.casework's VICTIM_CONSENT step, as a condition — a report that needs one (a
    required report of a threat or violence, or a police report proposed as a measure), no answer yet
    on the police-report consent, and no police report about the incident filed."""
    answered = ConsentRecord.select(peewee.SQL("1")).where(
        (ConsentRecord.case == Case.id) & (ConsentRecord.purpose == Purpose.POLICE_REPORT.value)
    )
    police_measure = Measure.select(peewee.SQL("1")).where(
        (Measure.case == Case.id)
        & (Measure.type == MeasureType.POLICE_REPORT.value)
        & (Measure.state != MeasureState.ENDED.value)
    )
    reported = PoliceReport.select(peewee.SQL("1")).where(
        (PoliceReport.case == Case.id) & (PoliceReport.subject == ReportSubject.INCIDENT.value)
    )
    required = (Case.advice == Advice.REQUIRED.value) & Case.behaviour_class.in_(REPORT_REQUIRED_CLASSES)
    return (
        (Case.kind == CaseKind.REPORT.value)
        & (required | peewee.fn.EXISTS(police_measure))
        & ~peewee.fn.EXISTS(answered)
        & ~peewee.fn.EXISTS(reported)
    )


def _message_waiting() -> peewee.Expression:
    """The municipality's last message came after the office holder's last message (or there is none)."""
    last_to = CaseEvent.select(peewee.fn.MAX(CaseEvent.at)).where(
        (CaseEvent.case == Case.id) & (CaseEvent.kind == EventKind.MESSAGE_TO_REPORTER.value)
    )
    answered_after = CaseEvent.select(peewee.SQL("1")).where(
        (CaseEvent.case == Case.id)
        & (CaseEvent.kind == EventKind.MESSAGE_FROM_REPORTER.value)
        & (CaseEvent.at >= last_to)
    )
    told = CaseEvent.select(peewee.SQL("1")).where(
        (CaseEvent.case == Case.id) & (CaseEvent.kind == EventKind.MESSAGE_TO_REPORTER.value)
    )
    return peewee.fn.EXISTS(told) & ~peewee.fn.EXISTS(answered_after)


def cases_of(user: User, key: str, now: dt.datetime | None = None) -> peewee.ModelSelect:
    """The cases of list `key` for this person, in the order the list shows them. Only ever cases they
    may see (models.visibility); a list they do not have is empty."""
    now = now or clock.utcnow()
    query = Case.select(Case.id, Case.reference, Case.kind, Case.status, Case.created_at, Case.behaviour_class)
    if not may_see_list(user, key):
        return query.where(Case.id.is_null())
    is_open = Case.status.in_(OPEN_STATUSES)
    newest = (Case.created_at.desc(), Case.id.desc())
    oldest = (Case.created_at, Case.id)
    if key in {"mijn-open", "toestemming", "berichten"}:
        condition = own_cases_condition(user) & (Case.reporter == user.id) & is_open
        extra = {"mijn-open": None, "toestemming": _consent_asked(), "berichten": _message_waiting()}[key]
        return query.where(condition if extra is None else condition & extra).order_by(*newest)
    if key in {"uitbetalen", "betalingen-te-laat"}:  # money only: the finance officer sees no case content
        query = Case.select(Case.id, Case.reference, Case.created_at)
        extra = _to_reimburse() if key == "uitbetalen" else _payment_overdue(now)
        return query.where(extra).order_by(*oldest)
    visible = inbox_condition(user)
    if key == "nieuw":
        return query.where(visible & (Case.status == Status.NEW.value)).order_by(*newest)
    if key == "te-laat-opgepakt":
        return query.where(visible & cases_model.pickup_overdue_condition()).order_by(*oldest)
    if key == "geinformeerd":
        # The cheap column test first: walking case(created_at) newest first, a closed case is passed
        # over before its access rows are probed.
        return query.where(is_open & _informed(user) & visible).order_by(*newest)
    rare_side = {"besluiten": lambda: _waiting_decision(user), "advies": _advice_requested, "acuut": _acute}
    candidates, extra = rare_side[key]()
    condition = is_open & visible if extra is None else is_open & extra & visible
    # Read from the rare side (the measures, the threats): newest first by the case's number, which the
    # portal hands out in the order cases are made (created_at is the same moment), so that the database
    # takes the candidates' ids in that order and stops at the LIMIT. In created_at order it had to judge
    # and sort every candidate first: at 405 measures waiting for advice 2.5 ms instead of 0.46.
    if is_sqlite():  # SQLite reads the ids of `Case.id IN (...)` backwards from the list it makes of them
        return query.where(Case.id.in_(candidates) & condition).order_by(Case.id.desc())
    # PostgreSQL turned that IN into a join, judged every candidate (the case, its access rows) and
    # then kept the newest: 405 of them for 21 at 100 000 cases, 2 ms. As a list of distinct ids of
    # its own, sorted (integers only), it judges the candidates in that order until the LIMIT is full.
    rare = candidates.distinct().order_by(candidates.selected_columns[0].desc()).alias("rare")
    return query.join(rare, on=(Case.id == rare.c.case_id)).where(condition).order_by(rare.c.case_id.desc())


# --- the start page ---------------------------------------------------------------------------------


@dataclass
class Tally:
    kind: ListKind
    count: int  # at most CAP + 1
    cases: list  # the first SHOWN

    @property
    def more_than_cap(self) -> bool:
        return self.count > CAP


@dataclass
class StartPage:
    tallies: list[Tally] = field(default_factory=list)
    steps: list[Deadline] = field(default_factory=list)  # the person's open steps with a due time, soonest first
    waiting_measures: dict[int, list[str]] = field(default_factory=dict)  # case id -> measure types waiting

    @property
    def needs_doing(self) -> int:
        return sum(t.count for t in self.tallies if t.kind.key not in {"mijn-open", "geinformeerd"})


def _role_reminded(user: User) -> peewee.Expression:
    """Deadlines whose reminder or escalation names this person's role (comma-separated role names)."""
    role = f"%,{user.role},%"
    comma = peewee.Value(",")
    return (comma.concat(Deadline.remind_roles).concat(comma) ** role) | (
        comma.concat(Deadline.escalate_roles).concat(comma) ** role
    )


def open_steps(user: User, now: dt.datetime | None = None, limit: int = STEPS_SHOWN) -> list[Deadline]:
    """This person's open steps with a due moment (models.deadlines, the one source of due moments) on
    cases they may see: the overdue ones (most recently due first), then the next ones due. Each walk of
    deadline(due_at) reads at most WALK deadlines: a start page shows the nearest steps, the deadlines
    page (/termijnen) all of them."""
    if not user.is_active or user.role_enum not in set(HANDLER_ROLES):
        return []
    now = now or clock.utcnow()

    def nearest(past: bool) -> list[Deadline]:
        # The edge of the walk: the due moment of the WALK-th open deadline from now (an index-only read
        # of deadline(done_at, due_at)), or none when there are fewer. Counted among the open ones only,
        # so that the walk reads about WALK deadlines whether the municipality has a thousand cases or a
        # hundred thousand: counted among all deadlines, the window held few open ones where the cases
        # are few (most deadlines done) and WALK where they are many. Ordered by the index's own columns:
        # PostgreSQL does not take `done_at IS NULL` as fixing done_at, and ordered by due_at alone it
        # fetched and sorted every open deadline on that side of now (3 ms at 100 000 cases).
        edge = Deadline.select(Deadline.due_at).where(Deadline.done_at.is_null())
        if past:
            edge = edge.where(Deadline.due_at < now).order_by(Deadline.done_at.desc(), Deadline.due_at.desc())
            window = (Deadline.due_at < now) & (
                Deadline.due_at >= peewee.fn.COALESCE(edge.limit(1).offset(WALK - 1), dt.datetime.min)
            )
        else:
            edge = edge.where(Deadline.due_at >= now).order_by(Deadline.done_at, Deadline.due_at)
            window = (Deadline.due_at >= now) & (
                Deadline.due_at <= peewee.fn.COALESCE(edge.limit(1).offset(WALK - 1), dt.datetime.max)
            )
        order = Deadline.due_at.desc() if past else Deadline.due_at
        named = window & Deadline.done_at.is_null() & _role_reminded(user)
        if is_sqlite():
            # SQLite walks deadline(done_at, due_at, remind_roles, escalate_roles) from now in due order,
            # tests the roles on the index entry, probes the case of each one that names the role and
            # stops at the `limit`-th it keeps.
            query = (
                Deadline.select(Deadline, Case.id, Case.reference)
                .join(Case)
                .where(named & inbox_condition(user))
                .order_by(order)
            )
        else:
            # PostgreSQL takes the role test to match almost none of the window, and so judged every
            # deadline in it against the case and its access rows and sorted them afterwards (3-12 ms at
            # 100 000 cases). Here the deadlines that name the role come first, in due order, as a step
            # of their own (its LIMIT, never reached but for ties at the window's edge, keeps it one);
            # the cases are probed after it, in that order, until `limit` are kept. SQLite would
            # materialise that step and sort it again, hence the two shapes of one rule.
            first = (
                Deadline.select(Deadline.id, Deadline.due_at).where(named).order_by(order).limit(WALK).alias("named")
            )
            query = (
                Deadline.select(Deadline, Case.id, Case.reference)
                .join(first, on=(Deadline.id == first.c.id))
                .switch(Deadline)
                .join(Case)
                .where(inbox_condition(user))
                .order_by(first.c.due_at.desc() if past else first.c.due_at)
            )
        return list(query.limit(limit))

    # Both walks always: the number of queries does not depend on how many steps are overdue.
    overdue, upcoming = nearest(past=True), nearest(past=False)
    return (overdue + upcoming)[:limit]


def start_page(user: User, now: dt.datetime | None = None) -> StartPage:
    """What this person's start page shows: a count and the first cases of each of their lists, and
    for handlers their open steps."""
    now = now or clock.utcnow()
    page = StartPage()
    for kind in lists_for(user):
        # One query per list: its first CAP + 1 cases, the count is how many came back. The database
        # stops walking there, and no second query appears once a list has more than SHOWN cases.
        count, shown = _count_and_first(cases_of(user, kind.key, now).limit(CAP + 1), SHOWN)
        page.tallies.append(Tally(kind, count, shown))
    page.steps = open_steps(user, now)
    decisions = next((t for t in page.tallies if t.kind.key == "besluiten"), None)
    if decisions:  # also when there are none: the same queries for every amount of cases
        page.waiting_measures = waiting_measures(user, [c.id for c in decisions.cases])
    return page


def _count_and_first(query: peewee.ModelSelect, shown: int) -> tuple[int, list[Case]]:
    """How many rows the query gives, and the first `shown` of them as cases. The rows are counted as
    the driver returns them: a Case object (its fields' defaults set, its dates parsed) costs ~10 us,
    and of up to CAP + 1 rows a start page shows SHOWN."""
    rows = db.execute(query).fetchall()
    fields = query.selected_columns
    cases = [
        Case(__no_default__=1, **{f.name: f.python_value(v) for f, v in zip(fields, row, strict=True)})
        for row in rows[:shown]
    ]
    return len(rows), cases


def waiting_measures(user: User, case_ids: list[int]) -> dict[int, list[str]]:
    """Per case, the types of the proposed measures on it that this person may decide."""
    may = {t.value for t in decided_types(user)}
    if user.role_enum in DEFAULT_DECIDERS:
        may |= {t.value for t in MeasureType if t not in DECIDERS}
    out: dict[int, list[str]] = {}
    rows = (
        Measure.select(Measure.case, Measure.type)
        .where(Measure.case.in_(case_ids) & (Measure.state == MeasureState.PROPOSED.value) & Measure.type.in_(may))
        .order_by(Measure.proposed_at)
        .tuples()
    )
    for case_id, kind in rows:
        out.setdefault(case_id, []).append(kind)
    return out
