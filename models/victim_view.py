"""The office holder's own case in Mijn meldingen, in plain words: what the municipality is doing
(DOMAIN.md, "The victim sees what is done"; §6.3, §6.4). What they may see is decided in
models.visibility (victim_parts, VICTIM_EVENTS, VICTIM_MEASURE_STATES); this module only reads the
models and copies, per part, the fields named there into plain records - never a row, so a page
cannot reach a measure's reasons, an advice or a conversation's notes through them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import peewee

from models import aftercare, casework, consent, damages, deadlines, measures, police
from models.accounts import User
from models.aftercare import Conversation, Referral
from models.cases import Case, CaseEvent, CaseKind, EventKind, NotAllowed, Status
from models.consent import Purpose
from models.i18n import N_
from models.visibility import (
    VICTIM_MEASURE_STATES,
    Access,
    VictimPart,
    case_access,
    victim_parts,
    victim_sees_event,
)

# The status and why (models.casework.status_explained, written for handlers) in the victim's words,
# by the handlers' sentence. A proposal is not shown (only what was decided is), nor a handler's name
# or their own reason for a status set by hand: "De griffier heeft de status veranderd" is.
VICTIM_WHY = {
    "Nog niemand heeft de melding opgepakt.": N_("Uw melding is binnen. De gemeente pakt hem zo snel mogelijk op."),
    "%(name)s heeft de melding opgepakt op %(date)s.": N_("%(who)s heeft uw melding opgepakt op %(date)s."),
    "De melding is toegewezen aan een behandelaar.": N_("%(who)s behandelt uw melding."),
    "Er is een maatregel voorgesteld: %(measure)s.": N_(
        "De gemeente bekijkt welke maatregel nodig is tegen wie dit deed."
    ),
    "Er is een maatregel besloten die nog wordt uitgevoerd: %(measure)s.": N_(
        "De gemeente heeft besloten tot een maatregel: %(measure)s. Die wordt nu uitgevoerd."
    ),
    "Er is een maatregel genomen: %(measure)s.": N_("De gemeente heeft een maatregel genomen: %(measure)s."),
    "Het %(number)s nazorggesprek is gevoerd op %(date)s.": N_("Uw %(number)s nazorggesprek was op %(date)s."),
    "De melding is afgesloten.": N_("De gemeente heeft uw melding afgesloten. Er hoeft niets meer te gebeuren."),
}
BY_HAND = N_("%(who)s heeft de status veranderd op %(date)s.")
# When the handlers' sentence is one this page does not know yet: the status alone, plainly.
STATUS_WHY = {
    Status.NEW: VICTIM_WHY["Nog niemand heeft de melding opgepakt."],
    Status.IN_PROGRESS: N_("De gemeente behandelt uw melding."),
    Status.MEASURES: N_("De gemeente neemt maatregelen tegen wie dit deed."),
    Status.AFTERCARE: N_("De gemeente helpt u na het incident."),
    Status.CLOSED: VICTIM_WHY["De melding is afgesloten."],
}
THE_MUNICIPALITY = N_("De gemeente")

# Where on their page they answer what is asked of them, by the section of the step.
ASKED_ANCHORS = {
    casework.Section.CONSENT: "toestemming",
    casework.Section.MESSAGES: "berichten",
    casework.Section.DAMAGES: "schade",
    casework.Section.AFTERCARE: "nazorg",
    casework.Section.POLICE: "aangifte",
}


@dataclass(frozen=True)
class StatusLine:
    status: Status
    why: str  # N_ msgid, with `params`
    params: dict  # who: a role value (None: "the municipality"); date: UTC; measure, number: N_ msgids


@dataclass(frozen=True)
class MeasureTaken:
    """Type and date only (models.visibility.VictimPart.MEASURES)."""

    label: str  # N_ msgid of models.measures.MEASURE_LABELS
    state: str  # models.measures.MeasureState value: decided, carried_out, ended
    at: dt.datetime  # UTC, of the latest of those steps


@dataclass(frozen=True)
class PoliceReportSeen:
    id: int
    subject: str  # N_ msgid
    filed_on: dt.date
    police_station: str
    registration_number: str
    status: str  # N_ msgid
    prosecutor_decision: str | None
    outcome: str | None
    feedback: tuple  # (given_at UTC, status N_ msgid or None), oldest first
    next_feedback_due: dt.datetime | None

    @property
    def last_feedback_at(self) -> dt.datetime | None:
        return self.feedback[-1][0] if self.feedback else None


@dataclass(frozen=True)
class ConversationSeen:
    """A conversation planned or held: its moments, never its notes or who holds it."""

    number: int
    outcome: str  # models.aftercare.Outcome value
    due_from: dt.datetime
    due_at: dt.datetime
    as_soon_as_possible: bool
    planned_at: dt.datetime | None
    held_at: dt.datetime | None


@dataclass(frozen=True)
class ReferralSeen:
    kind: str  # N_ msgid
    status: str  # N_ msgid
    contact: str
    costs_covered: bool
    cost_cents: int | None


@dataclass(frozen=True)
class DamageItemSeen:
    category: str  # N_ msgid
    description: str  # their own words
    claimed: int  # cents
    decision: str | None  # models.damages.Decision value, None while it is assessed
    granted: int | None  # cents, once decided
    reason: str | None  # why not all was granted, written for them


@dataclass(frozen=True)
class DamagesSeen:
    items: tuple
    approved: int
    reimbursed: int
    to_reimburse: int
    may_claim: bool


@dataclass(frozen=True)
class Asked:
    """Something the municipality asks of them (models.casework.open_steps), with where on their page
    they answer it."""

    label: str  # N_ msgid
    why: str  # N_ msgid, in their words
    anchor: str  # an id on their case page
    due_at: dt.datetime | None = None


@dataclass(frozen=True)
class TimelineEntry:
    id: int
    at: dt.datetime
    kind: str  # models.cases.EventKind value, one of models.visibility.VICTIM_EVENTS
    by_them: bool  # written or done by the person looking
    actor_role: str | None  # a role, never a name (None: the system)
    detail: str  # a status event: the new status only; consent: "purpose:given|withdrawn"
    body: str | None  # messages only


@dataclass(frozen=True)
class VictimView:
    case: Case
    parts: frozenset
    status: StatusLine | None = None
    measures: tuple = ()
    police_reports: tuple = ()
    conversations: tuple = ()
    referrals: tuple = ()
    damages: DamagesSeen | None = None
    consent: tuple = ()  # models.consent.State per purpose
    may_change_consent: bool = False
    asked: tuple = ()
    timeline: tuple = field(default=())

    def shows(self, part: VictimPart) -> bool:
        return part in self.parts


def victim_view(user: User, case: Case, level: Access | None = None) -> VictimView:
    """Their own case as Mijn meldingen shows it. NotAllowed for anyone victim_parts gives nothing."""
    level = case_access(user, case) if level is None else level
    parts = victim_parts(user, case, level)
    if not parts:
        raise NotAllowed("victim_view")
    events = _events(case)
    report = case.kind == CaseKind.REPORT.value
    states = consent.states(case) if report and VictimPart.CONSENT in parts else []
    entries = tuple(_entry(e, user) for e in events)
    return VictimView(
        case=case,
        parts=parts,
        status=_status(case, events) if VictimPart.STATUS in parts else None,
        measures=_measures(case) if VictimPart.MEASURES in parts else (),
        police_reports=_police_reports(case) if report and VictimPart.POLICE in parts else (),
        conversations=_conversations(case) if VictimPart.AFTERCARE in parts else (),
        referrals=_referrals(case) if VictimPart.AFTERCARE in parts else (),
        damages=_damages(user, case, level) if VictimPart.DAMAGES in parts else None,
        consent=tuple(states),
        may_change_consent=bool(states) and consent.may_change_own(user, case),
        asked=_asked(case, user) if VictimPart.ASKED in parts else (),
        timeline=entries if VictimPart.TIMELINE in parts else (),
    )


def summary(user: User, case: Case) -> VictimView:
    """For the list of their cases: the status and why, and what is asked of them - no more."""
    parts = victim_parts(user, case)
    if not parts:
        raise NotAllowed("victim_view")
    return VictimView(
        case=case,
        parts=parts,
        status=_status(case, _events(case)) if VictimPart.STATUS in parts else None,
        asked=_asked(case, user) if VictimPart.ASKED in parts else (),
    )


def _events(case: Case) -> list[CaseEvent]:
    """The timeline's events the victim sees, oldest first, with who did them (one query)."""
    query = (
        CaseEvent.select(CaseEvent, User)
        .join(User, peewee.JOIN.LEFT_OUTER, on=(CaseEvent.actor == User.id))
        .where(CaseEvent.case == case.id)
        .order_by(CaseEvent.at, CaseEvent.id)
    )
    return [e for e in query if victim_sees_event(e.kind)]


def _status(case: Case, events: list[CaseEvent]) -> StatusLine:
    explained = casework.status_explained(case)
    status = explained.status
    changes = [e for e in events if e.kind == EventKind.STATUS.value]
    if explained.by_hand and changes:
        last = changes[-1]
        return StatusLine(status, BY_HAND, {"who": _role(last), "date": last.at})
    why = VICTIM_WHY.get(explained.why)
    if why is None:
        return StatusLine(status, STATUS_WHY[status], {})
    params = {name: value for name, value in explained.params.items() if name in ("date", "measure", "number")}
    if "%(who)s" in why:
        params["who"] = _who_picked_up(case, explained.params.get("date"))
    return StatusLine(status, why, params)


def _role(event: CaseEvent) -> str | None:
    return event.actor.role if event.actor_id is not None else None


def _who_picked_up(case: Case, at: dt.datetime | None) -> str | None:
    """The role of who picked the case up (the act casework read, at `at`), or of who handles it."""
    if at is not None:
        event = (
            CaseEvent.select(CaseEvent, User)
            .join(User, on=(CaseEvent.actor == User.id))
            .where(
                (CaseEvent.case == case.id)
                & (CaseEvent.at == at)
                & User.id.not_in([case.reporter_id, case.filed_by_id])
            )
            .first()
        )
        if event is not None:
            return event.actor.role
    return case.assigned_to.role if case.assigned_to_id else None


def _measures(case: Case) -> tuple[MeasureTaken, ...]:
    taken = (
        measures.Measure.select(
            measures.Measure.type,
            measures.Measure.state,
            measures.Measure.decided_at,
            measures.Measure.carried_out_at,
            measures.Measure.ended_at,
        )
        .where((measures.Measure.case == case.id) & measures.Measure.state.in_(sorted(VICTIM_MEASURE_STATES)))
        .order_by(measures.Measure.decided_at, measures.Measure.id)
    )
    out = []
    for m in taken:
        at = {"decided": m.decided_at, "carried_out": m.carried_out_at, "ended": m.ended_at}[m.state]
        out.append(MeasureTaken(measures.MEASURE_LABELS[measures.MeasureType(m.type)], m.state, at or m.decided_at))
    return tuple(out)


def _police_reports(case: Case) -> tuple[PoliceReportSeen, ...]:
    reports = police.reports_of(case)
    if not reports:
        return ()
    ids = [r.id for r in reports]
    feedback: dict[int, list] = {i: [] for i in ids}
    for f in (
        police.PoliceFeedback.select()
        .where(police.PoliceFeedback.report.in_(ids))
        .order_by(police.PoliceFeedback.given_at, police.PoliceFeedback.id)
    ):
        label = police.INVESTIGATION_LABELS[police.InvestigationStatus(f.status)] if f.status else None
        feedback[f.report_id].append((f.given_at, label))
    due: dict[int, dt.datetime] = {}
    for d in deadlines.open_for([case.id]).where(
        deadlines.Deadline.kind == deadlines.DeadlineKind.POLICE_FEEDBACK.value
    ):
        if d.object_id in feedback and (d.object_id not in due or d.due_at < due[d.object_id]):
            due[d.object_id] = d.due_at
    return tuple(
        PoliceReportSeen(
            id=r.id,
            subject=police.SUBJECT_LABELS[police.ReportSubject(r.subject)],
            filed_on=r.filed_on,
            police_station=r.police_station,
            registration_number=r.registration_number,
            status=police.INVESTIGATION_LABELS[police.InvestigationStatus(r.status)],
            prosecutor_decision=r.prosecutor_decision,
            outcome=r.outcome,
            feedback=tuple(feedback[r.id]),
            next_feedback_due=due.get(r.id),
        )
        for r in reports
    )


def _conversations(case: Case) -> tuple[ConversationSeen, ...]:
    rows = Conversation.select(
        Conversation.number,
        Conversation.outcome,
        Conversation.due_from,
        Conversation.due_at,
        Conversation.as_soon_as_possible,
        Conversation.planned_at,
        Conversation.held_at,
    ).where(Conversation.case == case.id)
    return tuple(
        ConversationSeen(
            c.number,
            c.outcome,
            c.due_from,
            c.due_at,
            c.as_soon_as_possible,
            c.planned_at,
            c.held_at if c.outcome == aftercare.Outcome.HELD.value else None,
        )
        for c in rows.order_by(Conversation.number)
    )


def _referrals(case: Case) -> tuple[ReferralSeen, ...]:
    rows = list(
        Referral.select(Referral.kind, Referral.status, Referral.costs_covered, Referral.cost_entry)
        .where(Referral.case == case.id)
        .order_by(Referral.recorded_at, Referral.id)
    )
    if not rows:
        return ()
    contacts = aftercare.referral_contacts()
    return tuple(
        ReferralSeen(
            kind=aftercare.REFERRAL_LABELS[aftercare.ReferralKind(r.kind)],
            status=aftercare.REFERRAL_STATUS_LABELS[aftercare.ReferralStatus(r.status)],
            contact=contacts.get(aftercare.ReferralKind(r.kind), ""),
            costs_covered=r.costs_covered,
            cost_cents=r.cost_cents,
        )
        for r in rows
    )


def _damages(user: User, case: Case, level: Access) -> DamagesSeen:
    items = []
    for item in damages.DamageItem.select().where(damages.DamageItem.case == case.id).order_by(damages.DamageItem.id):
        decision, entry = damages.item_status(item)
        decided = entry is not None
        items.append(
            DamageItemSeen(
                category=damages.CATEGORY_LABELS[damages.Category(item.category)],
                description=item.description or "",
                claimed=damages.balances(item=item).claimed,
                decision=decision if decided else None,
                granted=entry.amount_cents if decided else None,
                reason=entry.reason if decided else None,
            )
        )
    whole = damages.balances(case=case)
    return DamagesSeen(
        items=tuple(items),
        approved=whole.approved,
        reimbursed=whole.reimbursed,
        to_reimburse=whole.to_reimburse,
        may_claim=damages.may_claim(user, case, level),
    )


def _asked(case: Case, user: User) -> tuple[Asked, ...]:
    asked = []
    for step in casework.victim_steps(casework.open_steps(case, person=user)):
        if step.code == casework.StepCode.VICTIM_REPLY and step.object_id:
            anchor = f"bericht-{step.object_id}"
        elif step.code == casework.StepCode.VICTIM_CONSENT:
            anchor = f"toestemming-{Purpose.POLICE_REPORT.value}"
        else:
            anchor = ASKED_ANCHORS.get(step.section, "toevoegen")
        asked.append(Asked(step.label, step.why, anchor, step.due_at))
    return tuple(asked)


def _entry(event: CaseEvent, user: User) -> TimelineEntry:
    actor = event.actor
    message = event.kind in (EventKind.MESSAGE_TO_REPORTER.value, EventKind.MESSAGE_FROM_REPORTER.value)
    return TimelineEntry(
        id=event.id,
        at=event.at,
        kind=event.kind,
        by_them=event.actor_id is not None and event.actor_id == user.id,
        actor_role=actor.role if actor is not None else None,
        detail=casework.status_change(event)[1].value if event.kind == EventKind.STATUS.value else event.detail,
        body=event.body if message else None,  # a status set by hand keeps its reason in body: not theirs
    )
