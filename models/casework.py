"""What must happen now on a case, from the protocol, and a status that follows the work.

`open_steps(case, person)` is the one answer to "what is still to be done on this case, by whom, by
when and why": the case page, the start pages, the deadlines page, the reminders and the dashboard
all read it. Due moments come from the deadline engine (models.deadlines) and the rules of each area
(aftercare, police, notices, measures, damages); this module only reads them.

The status follows the work: every act that writes the case's timeline (models.cases.CaseEvent)
calls `follow_work`, which derives the status from what happened (picked up, measures, aftercare).
A handler can still set it by hand with a reason (`set_status_by_hand`); a hand-set status holds
until the work itself moves on. Closing is a handler's act: when nothing is open, or with a reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum

from models import aftercare, cases, clock, consent, damages, deadlines, measures, notices, police, scheme
from models.accounts import ROLE_LABELS, Role, User
from models.cases import Case, CaseAccess, CaseEvent, CaseKind, EventKind, NotAllowed, Status
from models.db import write_transaction
from models.deadlines import Deadline, DeadlineKind
from models.i18n import N_
from models.routing import HANDLES

VICTIM = "victim"  # in Step.who: the office holder the case is about


class Section(str, Enum):
    """The handler's case page, in the order of the work; the value is the section's HTML id."""

    PICKUP = "oppakken"
    DETAILS = "wat-er-gebeurde"
    PERPETRATOR = "veroorzaker"
    CONSENT = "toestemming"
    MEASURES = "maatregelen"
    POLICE = "aangifte"
    NOTICES = "meldingen-instanties"
    COMMUNICATION = "communicatie"
    AFTERCARE = "nazorg"
    DAMAGES = "schade"
    MESSAGES = "berichten"
    NOTES = "notities"
    TIMELINE = "verloop"
    ACCESS = "toegang"


SECTION_LABELS = {
    Section.PICKUP: N_("Oppakken en status"),
    Section.DETAILS: N_("Wat er gebeurde"),
    Section.PERPETRATOR: N_("Veroorzaker"),
    Section.CONSENT: N_("Toestemming"),
    Section.MEASURES: N_("Maatregelen"),
    Section.POLICE: N_("Aangifte"),
    Section.NOTICES: N_("Melden aan instanties"),
    Section.COMMUNICATION: N_("Communicatie"),
    Section.AFTERCARE: N_("Nazorg"),
    Section.DAMAGES: N_("Schade"),
    Section.MESSAGES: N_("Berichten met de melder"),
    Section.NOTES: N_("Interne notities"),
    Section.TIMELINE: N_("Verloop"),
    Section.ACCESS: N_("Wie ziet deze melding?"),
}


class StepCode(str, Enum):
    PICK_UP = "pick_up"
    CONSULT = "consult"  # a consultation: talk it through, then convert it into a report or close it
    SECURITY_ADVICE = "security_advice"
    HEAR_CITIZEN = "hear_citizen"
    DECIDE_MEASURE = "decide_measure"
    CARRY_OUT_MEASURE = "carry_out_measure"
    DECIDE_OBJECTION = "decide_objection"
    BAN_ENDING = "ban_ending"
    ASK_CONSENT = "ask_consent"
    FILE_POLICE_REPORT = "file_police_report"
    NOTICE = "notice"
    ASSESS_INSPECTORATE = "assess_inspectorate"
    NOTIFY_INSPECTORATE = "notify_inspectorate"
    AFTERCARE = "aftercare"
    POLICE_FEEDBACK = "police_feedback"
    ASSESS_DAMAGES = "assess_damages"
    REIMBURSE = "reimburse"
    RECOVER = "recover"
    CLOSE = "close"
    VICTIM_CONSENT = "victim_consent"
    VICTIM_REPLY = "victim_reply"


STEP_LABELS = {
    StepCode.PICK_UP: N_("De melding oppakken"),
    StepCode.CONSULT: N_("Het overleg voeren, dan omzetten in een melding of afsluiten"),
    StepCode.SECURITY_ADVICE: N_("Advies geven over de voorgestelde maatregel"),
    StepCode.HEAR_CITIZEN: N_("De burger horen voordat de maatregel wordt besloten"),
    StepCode.DECIDE_MEASURE: N_("Besluiten over de voorgestelde maatregel"),
    StepCode.CARRY_OUT_MEASURE: N_("De besloten maatregel uitvoeren"),
    StepCode.DECIDE_OBJECTION: N_("Beslissen op het bezwaar"),
    StepCode.BAN_ENDING: N_("Einde van een ontzegging: verlengen of laten aflopen"),
    StepCode.ASK_CONSENT: N_("De melder vragen of de gemeente aangifte mag doen"),
    StepCode.FILE_POLICE_REPORT: N_("Aangifte doen bij de politie"),
    StepCode.NOTICE: N_("Melden aan een instantie"),
    StepCode.ASSESS_INSPECTORATE: N_("Beoordelen of dit een ernstig incident is"),
    StepCode.NOTIFY_INSPECTORATE: N_("De Arbeidsinspectie waarschuwen"),
    StepCode.AFTERCARE: N_("Nazorggesprek"),
    StepCode.POLICE_FEEDBACK: N_("De melder vertellen hoe het met de aangifte gaat"),
    StepCode.ASSESS_DAMAGES: N_("De schadeclaim beoordelen"),
    StepCode.REIMBURSE: N_("De toegekende schade aan de melder betalen"),
    StepCode.RECOVER: N_("De schade verhalen op de veroorzaker"),
    StepCode.CLOSE: N_("De melding afsluiten"),
    StepCode.VICTIM_CONSENT: N_("Zeg of de gemeente aangifte mag doen"),
    StepCode.VICTIM_REPLY: N_("Lees het bericht van de gemeente"),
}

# Each step's label when it names one notice or one conversation.
NOTICE_STEP_LABELS = {
    notices.NoticeKind.POLICE: N_("De politie inlichten"),
    notices.NoticeKind.PUBLIC_PROSECUTOR: N_("Het Openbaar Ministerie inlichten"),
    notices.NoticeKind.CHIEF_PROSECUTOR: N_("De Hoofdofficier van Justitie inlichten"),
    notices.NoticeKind.NCTV: N_("De NCTV raadplegen"),
    notices.NoticeKind.KINGS_COMMISSIONER: N_("De Commissaris van de Koning inlichten"),
    notices.NoticeKind.OTHER_OFFICE_HOLDERS: N_("Andere ambtsdragers informeren"),
}
CONVERSATION_LABELS = {
    1: N_("Eerste nazorggesprek voeren"),
    2: N_("Tweede nazorggesprek voeren"),
    3: N_("Derde nazorggesprek voeren"),
}

# Why each step is owed: the protocol's words, for a handler.
STEP_WHY = {
    StepCode.PICK_UP: ("§6.1", N_("Een nieuwe melding wordt snel opgepakt: de melder wacht op een reactie.")),
    StepCode.CONSULT: (
        "§6.1",
        N_("Wie twijfelt, vraagt om overleg. Blijkt het normoverschrijdend gedrag, zet het dan om in een melding."),
    ),
    StepCode.SECURITY_ADVICE: ("§6.2", N_("De ambtenaar Veiligheid adviseert over maatregelen.")),
    StepCode.HEAR_CITIZEN: (
        "§2",
        N_("Hoor en wederhoor: de burger mag zijn kant vertellen voordat er een maatregel komt."),
    ),
    StepCode.DECIDE_MEASURE: (
        "§6.2",
        N_("Een maatregel is een besluit over een burger. Een schriftelijke ontzegging besluit de burgemeester."),
    ),
    StepCode.CARRY_OUT_MEASURE: ("§6.2", N_("Het besluit is genomen; de maatregel moet nog worden uitgevoerd.")),
    StepCode.DECIDE_OBJECTION: ("§6.2", N_("Tegen een besluit kan de burger bezwaar maken; daarop wordt beslist.")),
    StepCode.BAN_ENDING: (
        "§6.2",
        N_("Een ontzegging geldt voor een bepaalde tijd. Beslis op tijd of die moet worden verlengd."),
    ),
    StepCode.ASK_CONSENT: (
        "§6.4",
        N_("De gemeente doet aangifte, maar alleen met toestemming van de melder. Vraag het de melder."),
    ),
    StepCode.FILE_POLICE_REPORT: (
        "§6.4",
        N_("De melder gaf toestemming; de gemeente doet de aangifte en de melder werkt mee."),
    ),
    StepCode.NOTICE: ("§6.4", N_("Bij bedreiging en aangifte worden OM en politie ingelicht; soms meer.")),
    StepCode.ASSESS_INSPECTORATE: (
        "§6.4",
        N_("De melding noemt letsel of klachten. Beoordeel of het incident ernstig is voor de Arbeidsinspectie."),
    ),
    StepCode.NOTIFY_INSPECTORATE: (
        "§6.4",
        N_("Een ernstig incident wordt binnen 24 uur gemeld bij de Arbeidsinspectie."),
    ),
    StepCode.AFTERCARE: ("§6.3", N_("Opvang en nazorg worden altijd aangeboden, in drie gesprekken.")),
    StepCode.POLICE_FEEDBACK: ("§6.4", N_("De melder hoort van de gemeente hoe de aangifte en vervolging gaan.")),
    StepCode.ASSESS_DAMAGES: ("§6.4", N_("De gemeente vergoedt eerst de schade van de melder.")),
    StepCode.REIMBURSE: ("§6.4", N_("De toegekende schade wordt eerst door de gemeente aan de melder betaald.")),
    StepCode.RECOVER: ("§6.4", N_("Daarna verhaalt de gemeente de schade op de veroorzaker.")),
    StepCode.CLOSE: ("§6", N_("Er staat niets meer open. Sluit de melding af als de melder is geholpen.")),
    StepCode.VICTIM_CONSENT: (
        "§6.4",
        N_("De gemeente doet alleen aangifte als u dat goed vindt. U kunt dit later altijd veranderen."),
    ),
    StepCode.VICTIM_REPLY: ("§6.1", N_("De gemeente heeft u een bericht gestuurd.")),
}

# The order of the work: for steps due at the same moment, and for steps without a due moment.
WORK_ORDER = list(StepCode)

# Steps about money: they go on after a case is closed (models.deadlines.LEDGER_KINDS), so they do
# not keep a case open; and steps the victim is asked, which a handler cannot do for them.
# A ban runs its period whether or not the case is open; its end is still reminded.
NOT_BLOCKING_CLOSE = {
    StepCode.REIMBURSE,
    StepCode.RECOVER,
    StepCode.VICTIM_CONSENT,
    StepCode.VICTIM_REPLY,
    StepCode.BAN_ENDING,
}

DEADLINE_STEPS = {
    DeadlineKind.AFTERCARE_1: StepCode.AFTERCARE,
    DeadlineKind.AFTERCARE_2: StepCode.AFTERCARE,
    DeadlineKind.AFTERCARE_3: StepCode.AFTERCARE,
    DeadlineKind.INSPECTORATE: StepCode.NOTIFY_INSPECTORATE,
    DeadlineKind.BAN_ENDING: StepCode.BAN_ENDING,
    DeadlineKind.POLICE_FEEDBACK: StepCode.POLICE_FEEDBACK,
    DeadlineKind.RECOVERY_REMINDER: StepCode.RECOVER,
    DeadlineKind.RECOVERY_DEMAND: StepCode.RECOVER,
}

STEP_SECTIONS = {
    StepCode.PICK_UP: Section.PICKUP,
    StepCode.CONSULT: Section.PICKUP,
    StepCode.SECURITY_ADVICE: Section.MEASURES,
    StepCode.HEAR_CITIZEN: Section.MEASURES,
    StepCode.DECIDE_MEASURE: Section.MEASURES,
    StepCode.CARRY_OUT_MEASURE: Section.MEASURES,
    StepCode.DECIDE_OBJECTION: Section.MEASURES,
    StepCode.BAN_ENDING: Section.MEASURES,
    StepCode.ASK_CONSENT: Section.CONSENT,
    StepCode.FILE_POLICE_REPORT: Section.POLICE,
    StepCode.NOTICE: Section.NOTICES,
    StepCode.ASSESS_INSPECTORATE: Section.NOTICES,
    StepCode.NOTIFY_INSPECTORATE: Section.NOTICES,
    StepCode.AFTERCARE: Section.AFTERCARE,
    StepCode.POLICE_FEEDBACK: Section.POLICE,
    StepCode.ASSESS_DAMAGES: Section.DAMAGES,
    StepCode.REIMBURSE: Section.DAMAGES,
    StepCode.RECOVER: Section.DAMAGES,
    StepCode.CLOSE: Section.PICKUP,
    StepCode.VICTIM_CONSENT: Section.CONSENT,
    StepCode.VICTIM_REPLY: Section.MESSAGES,
}


def step_for_deadline(deadline: Deadline) -> StepCode:
    """The step a deadline of the deadline engine belongs to."""
    return DEADLINE_STEPS[DeadlineKind(deadline.kind)]


def deadline_label(deadline: Deadline) -> str:
    """What a deadline asks, in the words of the open steps (N_ msgid): the reminder mail, the
    deadlines page and the case page say the same thing."""
    kind = DeadlineKind(deadline.kind)
    if kind in (DeadlineKind.AFTERCARE_1, DeadlineKind.AFTERCARE_2, DeadlineKind.AFTERCARE_3):
        return CONVERSATION_LABELS[int(kind.value[-1])]
    if kind in deadlines.LEDGER_KINDS or deadline.case_id is None:
        return deadlines.DEADLINE_LABELS[kind]  # the herinnering or the aanmaning: which one matters
    return STEP_LABELS[step_for_deadline(deadline)]


@dataclass(frozen=True)
class Step:
    code: StepCode
    label: str  # N_ msgid
    who: frozenset[str]  # role values; VICTIM for the office holder the case is about
    section: Section
    protocol: str
    why: str  # N_ msgid
    due_at: dt.datetime | None = None  # UTC, from the deadline engine or the area's rule
    due_from: dt.datetime | None = None  # not before (the third aftercare conversation)
    overdue: bool = False
    mine: bool = False
    object_id: int | None = None
    anchor: str | None = None  # an HTML id inside the section, where the step's form is

    @property
    def target(self) -> str:
        """Where the step's link lands: its own place in the section, or the section."""
        return self.anchor or self.section.value

    @property
    def blocks_closing(self) -> bool:
        return self.code not in NOT_BLOCKING_CLOSE


def who_label(step: Step) -> list[str]:
    """The people a step names, as N_ msgids in a fixed order (the victim last)."""
    labels = [ROLE_LABELS[role] for role in Role if role.value in step.who]
    if VICTIM in step.who:
        labels.append(N_("De melder"))
    return labels


# --- the facts a case's steps and status are read from ------------------------------------------


@dataclass
class _Facts:
    case: Case
    now: dt.datetime
    handler_roles: frozenset[str]
    picked_up: CaseEvent | None
    last_status: CaseEvent | None
    measures: list
    hearings: set[int]  # measure ids with a hearing recorded
    open_objections: list
    consent_records: list
    police_reports: list
    notices_done: set[str]
    inspectorate: notices.InspectorateState
    conversations: list
    open_deadlines: list
    damage_waiting: int
    balance: damages.Balance
    liable: int
    recoveries: int
    last_message: CaseEvent | None
    checklist: list = field(default_factory=list)


def _facts(case: Case, now: dt.datetime, file=None) -> _Facts:
    """The rows the steps and the status are read from. `file`: the case page's
    models.case_file.CaseFile, whose rows its panels read already; without it, read here."""
    if file is not None:
        return _facts_from_file(case, now, file)
    handler_roles = frozenset(
        role
        for (role,) in CaseAccess.select(CaseAccess.role)
        .where((CaseAccess.case == case.id) & (CaseAccess.kind == HANDLES) & CaseAccess.role.is_null(False))
        .tuples()
    )
    # The timeline once (without the encrypted bodies), oldest first: who picked it up, the last
    # status change, the last message.
    events = list(
        CaseEvent.select(CaseEvent.id, CaseEvent.at, CaseEvent.actor, CaseEvent.kind, CaseEvent.detail)
        .where(CaseEvent.case == case.id)
        .order_by(CaseEvent.at, CaseEvent.id)
    )
    case_measures = list(
        measures.Measure.select().where(measures.Measure.case == case.id).order_by(measures.Measure.id)
    )
    measure_ids = [m.id for m in case_measures]
    hearings = (
        {
            mid
            for (mid,) in measures.MeasureHearing.select(measures.MeasureHearing.measure)
            .where(measures.MeasureHearing.measure.in_(measure_ids))
            .tuples()
        }
        if measure_ids
        else set()
    )
    open_objections = (
        list(
            measures.MeasureObjection.select().where(
                measures.MeasureObjection.measure.in_(measure_ids) & measures.MeasureObjection.outcome.is_null()
            )
        )
        if measure_ids
        else []
    )
    balance = damages.balances(case=case)
    return _Facts(
        case=case,
        now=now,
        handler_roles=handler_roles,
        **_from_timeline(case, events, with_bodies=False),
        measures=case_measures,
        hearings=hearings,
        open_objections=open_objections,
        consent_records=consent.history(case),
        police_reports=list(police.PoliceReport.select().where(police.PoliceReport.case == case.id)),
        notices_done={n.kind for n in notices.Notice.select(notices.Notice.kind).where(notices.Notice.case == case.id)},
        inspectorate=notices.inspectorate_state(case),
        conversations=list(
            aftercare.Conversation.select()
            .where(aftercare.Conversation.case == case.id)
            .order_by(aftercare.Conversation.number)
        ),
        open_deadlines=list(deadlines.open_for([case.id])),
        damage_waiting=_damage_waiting(case, balance),
        balance=balance,
        liable=len(damages.liable_perpetrators(case)) if balance.reimbursed else 0,
        recoveries=damages.Recovery.select().where(damages.Recovery.case == case.id).count()
        if balance.reimbursed
        else 0,
        checklist=notices.checklist(case) if case.kind == CaseKind.REPORT.value else [],
    )


def _facts_from_file(case: Case, now: dt.datetime, file) -> _Facts:
    """The same facts as `_facts`, from the rows the case page's file holds (read once per showing)."""
    handler_roles = frozenset(row.role for row in file.access_rows if row.kind == HANDLES and row.role is not None)
    measure_ids = {m.id for m in file.measures}
    balance = file.balance
    return _Facts(
        case=case,
        now=now,
        handler_roles=handler_roles,
        **_from_timeline(case, file.events, with_bodies=True),
        measures=sorted(file.measures, key=lambda m: m.id),
        hearings={h.measure_id for h in file.measure_hearings if h.measure_id in measure_ids},
        open_objections=[o for o in file.measure_objections if o.outcome is None],
        consent_records=file.consent_records,
        police_reports=sorted(file.police_reports, key=lambda r: r.id),
        notices_done={n.kind for n in file.notices},
        inspectorate=notices.inspectorate_state(case, assessments=file.inspectorate_assessments),
        conversations=file.conversations,
        open_deadlines=file.open_deadlines,
        damage_waiting=sum(
            1 for item in file.damage_items if damages.active_assessment(item, file.ledger_entries) is None
        )
        if balance.claimed
        else 0,
        balance=balance,
        liable=len(damages.liable_perpetrators(case, linked=file.perpetrators)) if balance.reimbursed else 0,
        recoveries=len(file.recoveries) if balance.reimbursed else 0,
        checklist=notices.checklist(case, acute=file.acute_threat is not None, reports=file.police_reports)
        if case.kind == CaseKind.REPORT.value
        else [],
    )


def _from_timeline(case: Case, events: list[CaseEvent], with_bodies: bool) -> dict:
    """Who picked the case up, the last status change (with its reason: its body) and the last
    message, from the timeline oldest first (`with_bodies`: the rows hold their bodies already)."""
    victims = {case.reporter_id, case.filed_by_id}
    # What the meeting mode wrote when it filed the case (models.meetings) is not a handler picking it up.
    not_pickup = {EventKind.SUBMITTED.value, EventKind.MESSAGE_FROM_REPORTER.value, EventKind.MEETING.value}
    picked_up = next((e for e in events if e.kind not in not_pickup and e.actor_id and e.actor_id not in victims), None)
    statuses = [e for e in events if e.kind == EventKind.STATUS.value]
    last_status = statuses[-1] if statuses else None
    if last_status is not None and not with_bodies and ";hand=" in last_status.detail:
        last_status = CaseEvent.get_by_id(last_status.id)
    messages = [
        e for e in events if e.kind in (EventKind.MESSAGE_TO_REPORTER.value, EventKind.MESSAGE_FROM_REPORTER.value)
    ]
    return {"picked_up": picked_up, "last_status": last_status, "last_message": messages[-1] if messages else None}


def _damage_waiting(case: Case, balance: damages.Balance) -> int:
    """Claim items not assessed yet (each item is booked as claimed: nothing claimed, none waiting)."""
    if not balance.claimed:
        return 0
    entry = damages.LedgerEntry
    reversed_ids = entry.select(entry.reverses).where((entry.case == case.id) & entry.reverses.is_null(False))
    assessed = entry.select(entry.item).where(
        (entry.case == case.id)
        & (entry.kind == damages.EntryKind.APPROVED.value)
        & entry.reverses.is_null()
        & entry.id.not_in(reversed_ids)
    )
    items = damages.DamageItem
    return items.select().where((items.case == case.id) & items.id.not_in(assessed)).count()


def _consent_state(records: list, purpose: consent.Purpose, now: dt.datetime):
    """(ever answered, in force now) for one purpose, from the history read once."""
    own = [r for r in records if r.purpose == purpose.value and r.at <= now]
    return bool(own), bool(own and own[-1].given)


def _deadline(facts: _Facts, kind: DeadlineKind, object_id: int | None = None) -> Deadline | None:
    for row in facts.open_deadlines:
        if row.kind == kind.value and (object_id is None or row.object_id == object_id):
            return row
    return None


def _steps(facts: _Facts) -> list[Step]:
    case, now = facts.case, facts.now
    handlers = facts.handler_roles or frozenset({Role.CLERK.value})
    out: list[Step] = []

    def add(code, who, *, label=None, due_at=None, due_from=None, object_id=None, section=None, anchor=None):
        protocol, why = STEP_WHY[code]
        out.append(
            Step(
                code=code,
                label=label or STEP_LABELS[code],
                who=frozenset(who),
                section=section or STEP_SECTIONS[code],
                protocol=protocol,
                why=why,
                due_at=due_at,
                due_from=due_from,
                overdue=bool(due_at and due_at < now),
                object_id=object_id,
                anchor=anchor,
            )
        )

    if case.status == Status.CLOSED.value:
        # Closed: only money still moves (it is owed whatever the case's status).
        _money_steps(facts, add)
        return out

    if facts.picked_up is None and case.assigned_to_id is None:
        add(StepCode.PICK_UP, handlers, due_at=cases.pickup_due(case))
    if case.kind == CaseKind.CONSULTATION.value:
        add(StepCode.CONSULT, handlers)
        return out

    # Measures (§2, §6.2)
    for measure in facts.measures:
        kind = measures.MeasureType(measure.type)
        if measure.state == measures.MeasureState.PROPOSED.value:
            if not measure.security_advice:
                add(StepCode.SECURITY_ADVICE, {Role.SECURITY_OFFICER.value}, object_id=measure.id)
            if measures.against_known_person(measure) and measure.id not in facts.hearings:
                add(StepCode.HEAR_CITIZEN, handlers, object_id=measure.id)
            deciders = {r.value for r in measures.DECIDERS.get(kind, measures.DEFAULT_DECIDERS)}
            if kind not in measures.DECIDERS:
                deciders &= handlers | {Role.MAYOR.value}
            add(StepCode.DECIDE_MEASURE, deciders, object_id=measure.id, label=_decide_label(kind))
        elif measure.state == measures.MeasureState.DECIDED.value:
            add(StepCode.CARRY_OUT_MEASURE, handlers, object_id=measure.id)
        ending = _deadline(facts, DeadlineKind.BAN_ENDING, measure.id)
        if ending is not None and measure.state != measures.MeasureState.ENDED.value:
            add(StepCode.BAN_ENDING, handlers | {Role.MAYOR.value}, object_id=measure.id, due_at=ending.due_at)
    for objection in facts.open_objections:
        measure = next(m for m in facts.measures if m.id == objection.measure_id)
        kind = measures.MeasureType(measure.type)
        add(
            StepCode.DECIDE_OBJECTION,
            {r.value for r in measures.DECIDERS.get(kind, measures.DEFAULT_DECIDERS)},
            object_id=objection.id,
            due_at=clock.to_utc(dt.datetime.combine(objection.received_on + dt.timedelta(weeks=12), dt.time())),
        )

    # Consent and the police report (§6.4)
    answered, in_force = _consent_state(facts.consent_records, consent.Purpose.POLICE_REPORT, now)
    police_measure = any(
        m.type == measures.MeasureType.POLICE_REPORT.value and m.state != measures.MeasureState.ENDED.value
        for m in facts.measures
    )
    report_required = case.advice == scheme.Advice.REQUIRED.value and case.behaviour_class in (
        scheme.BehaviourClass.THREAT.value,
        scheme.BehaviourClass.PHYSICAL_VIOLENCE.value,
    )
    incident_reported = any(r.subject == police.ReportSubject.INCIDENT.value for r in facts.police_reports)
    if (report_required or police_measure) and not answered and not incident_reported:
        add(StepCode.ASK_CONSENT, handlers)
        add(StepCode.VICTIM_CONSENT, {VICTIM})
    if in_force and (report_required or police_measure) and not incident_reported:
        add(StepCode.FILE_POLICE_REPORT, handlers)
    for report in facts.police_reports:
        row = _deadline(facts, DeadlineKind.POLICE_FEEDBACK, report.id)
        if row is not None:
            add(
                StepCode.POLICE_FEEDBACK,
                ({r.value for r in police.FEEDBACK_ROLES} & handlers) or handlers,
                due_at=row.due_at,
                object_id=report.id,
                anchor=f"aangifte-{report.id}",
            )

    # Notices (§6.4, §7)
    _others_answered, others_in_force = _consent_state(facts.consent_records, consent.Purpose.INFORM_OTHERS, now)
    for kind in facts.checklist:
        if kind.value in facts.notices_done:
            continue
        if kind == notices.NoticeKind.OTHER_OFFICE_HOLDERS and not others_in_force:
            continue  # only with the victim's consent (§7), and then only when the victim wants it
        who = handlers | ({Role.MAYOR.value} if case.reporter_role != Role.MAYOR.value else set())
        add(StepCode.NOTICE, who, label=NOTICE_STEP_LABELS[kind], object_id=None, anchor=f"melding-{kind.value}")
    if facts.inspectorate == notices.InspectorateState.TO_ASSESS:
        add(StepCode.ASSESS_INSPECTORATE, handlers)
    elif facts.inspectorate == notices.InspectorateState.REPORTABLE:
        row = _deadline(facts, DeadlineKind.INSPECTORATE)
        add(StepCode.NOTIFY_INSPECTORATE, handlers, due_at=row.due_at if row else None)

    # Aftercare (§6.3): each conversation not yet held or declined
    for conversation in facts.conversations:
        if conversation.outcome not in (aftercare.Outcome.PLANNED.value, aftercare.Outcome.POSTPONED.value):
            continue
        row = _deadline(facts, DeadlineKind(f"aftercare_{conversation.number}"), conversation.id)
        add(
            StepCode.AFTERCARE,
            conversation.holders,
            label=CONVERSATION_LABELS[conversation.number],
            due_at=row.due_at if row else conversation.due_at,
            due_from=conversation.due_from,
            object_id=conversation.id,
            anchor=f"formulier-gesprek-{conversation.number}",  # its folded form (templates/_part.html)
        )

    # Damages (§6.4)
    if facts.damage_waiting:
        add(StepCode.ASSESS_DAMAGES, {damages.assessor_role().value})
    _money_steps(facts, add)

    # The victim: a message from the municipality not yet answered
    last = facts.last_message
    if last is not None and last.kind == EventKind.MESSAGE_TO_REPORTER.value:
        add(StepCode.VICTIM_REPLY, {VICTIM}, object_id=last.id)

    if not any(s.blocks_closing for s in out):
        add(StepCode.CLOSE, handlers)
    return out


def _money_steps(facts: _Facts, add) -> None:
    balance = facts.balance
    finance = {Role.FINANCE_OFFICER.value}
    if balance.to_reimburse > 0:
        add(StepCode.REIMBURSE, finance)
    if balance.reimbursed > 0 and facts.liable and not facts.recoveries:
        add(StepCode.RECOVER, finance)
    elif balance.outstanding > 0:
        row = _deadline(facts, DeadlineKind.RECOVERY_DEMAND) or _deadline(facts, DeadlineKind.RECOVERY_REMINDER)
        add(StepCode.RECOVER, finance, due_at=row.due_at if row else None)


def _decide_label(kind: measures.MeasureType) -> str:
    if kind == measures.MeasureType.BUILDING_BAN:
        return N_("Besluiten over de ontzegging van de toegang (besluit van de burgemeester)")
    return STEP_LABELS[StepCode.DECIDE_MEASURE]


def _sort_key(step: Step):
    far = dt.datetime.max
    # Picking the case up comes first: who handles it is known before anything else is done.
    return (step.code != StepCode.PICK_UP, not step.overdue, step.due_at or far, WORK_ORDER.index(step.code))


def open_steps(case: Case, person: User | None = None, now: dt.datetime | None = None) -> list[Step]:
    """The open steps on this case: who, by when and why (the protocol section), overdue first,
    then by due moment, then in the order of the work. With `person`, each step says whether it is
    theirs (`mine`): their role is named, or they are the office holder the case is about."""
    now = now or clock.utcnow()
    return _for_person(case, sorted(_steps(_facts(case, now)), key=_sort_key), person)


@dataclass(frozen=True)
class Overview:
    steps: list[Step]
    status: StatusWhy


def overview(case: Case, person: User | None = None, now: dt.datetime | None = None, *, file=None) -> Overview:
    """The open steps and the status with why, read from the case's facts once (a page shows both).
    `file`: the case page's models.case_file.CaseFile, whose rows the page's panels read already."""
    facts = _facts(case, now or clock.utcnow(), file)
    return Overview(_for_person(case, sorted(_steps(facts), key=_sort_key), person), _explained(facts))


def _for_person(case: Case, steps: list[Step], person: User | None) -> list[Step]:
    if person is None:
        return steps
    is_victim = person.id == case.reporter_id
    return [
        Step(**{**step.__dict__, "mine": (VICTIM in step.who) if is_victim else (person.role in step.who)})
        for step in steps
    ]


def victim_steps(steps: list[Step]) -> list[Step]:
    """What is asked of the office holder the case is about."""
    return [step for step in steps if VICTIM in step.who]


# --- the status that follows the work -----------------------------------------------------------


@dataclass(frozen=True)
class StatusWhy:
    status: Status
    why: str  # N_ msgid
    params: dict
    by_hand: bool = False
    reason: str | None = None  # the handler's own words, when set by hand (never shown to the victim)


def _derived(facts: _Facts) -> StatusWhy:
    """The status the work says, with why."""
    case = facts.case
    open_measure = next(
        (
            m
            for m in facts.measures
            if m.state in (measures.MeasureState.PROPOSED.value, measures.MeasureState.DECIDED.value)
        ),
        None,
    )
    label = lambda m: measures.MEASURE_LABELS[measures.MeasureType(m.type)]  # noqa: E731
    if open_measure is not None:
        if open_measure.state == measures.MeasureState.PROPOSED.value:
            return StatusWhy(
                Status.MEASURES, N_("Er is een maatregel voorgesteld: %(measure)s."), {"measure": label(open_measure)}
            )
        return StatusWhy(
            Status.MEASURES,
            N_("Er is een maatregel besloten die nog wordt uitgevoerd: %(measure)s."),
            {"measure": label(open_measure)},
        )
    held = [c for c in facts.conversations if c.outcome == aftercare.Outcome.HELD.value and c.held_at]
    if held:
        last = max(held, key=lambda c: c.held_at)
        return StatusWhy(
            Status.AFTERCARE,
            N_("Het %(number)s nazorggesprek is gevoerd op %(date)s."),
            {"number": ORDINALS[last.number], "date": last.held_at},
        )
    if facts.measures:
        last = facts.measures[-1]
        return StatusWhy(Status.MEASURES, N_("Er is een maatregel genomen: %(measure)s."), {"measure": label(last)})
    if facts.picked_up is not None or case.assigned_to_id:
        event = facts.picked_up
        if event is None:
            return StatusWhy(Status.IN_PROGRESS, N_("De melding is toegewezen aan een behandelaar."), {})
        return StatusWhy(
            Status.IN_PROGRESS,
            N_("%(name)s heeft de melding opgepakt op %(date)s."),
            {"name": event.actor.name, "date": event.at},
        )
    return StatusWhy(Status.NEW, N_("Nog niemand heeft de melding opgepakt."), {})


ORDINALS = {1: N_("eerste"), 2: N_("tweede"), 3: N_("derde")}


def _parse_status_detail(detail: str) -> tuple[str, str, str | None]:
    """A status event's detail: "before->after", and for a status set by hand ";hand=<derived>",
    the status the work said at that moment."""
    change, _sep, extra = detail.partition(";")
    before, _arrow, after = change.partition("->")
    derived = extra.removeprefix("hand=") if extra.startswith("hand=") else None
    return before, after, derived


def status_change(event: CaseEvent) -> tuple[Status, Status]:
    """(before, after) of a status event on the timeline."""
    before, after, _derived_then = _parse_status_detail(event.detail)
    return Status(before), Status(after)


def is_by_hand(event: CaseEvent) -> bool:
    return _parse_status_detail(event.detail)[2] is not None


def status_explained(case: Case, now: dt.datetime | None = None) -> StatusWhy:
    """The case's status and why: from the work, or as a handler set it by hand, with their reason."""
    facts = _facts(case, now or clock.utcnow())
    return _explained(facts)


def _explained(facts: _Facts) -> StatusWhy:
    case = facts.case
    event = facts.last_status
    if event is not None and is_by_hand(event) and event.detail.partition(";")[0].endswith(case.status):
        return StatusWhy(
            Status(case.status),
            N_("%(name)s zette de status met de hand op %(date)s."),
            {"name": event.actor.name if event.actor_id else "—", "date": event.at},
            by_hand=True,
            reason=event.body,
        )
    if case.status == Status.CLOSED.value:
        return StatusWhy(Status.CLOSED, N_("De melding is afgesloten."), {})
    derived = _derived(facts)
    if derived.status.value == case.status:
        return derived
    return StatusWhy(Status(case.status), derived.why, derived.params)


def _write_status(case: Case, new: Status, actor: User | None, *, body: str | None = None, derived=None) -> None:
    before = case.status
    case.status = new.value
    case.closed_at = clock.utcnow() if new == Status.CLOSED else None
    Case.update(status=case.status, closed_at=case.closed_at).where(Case.id == case.id).execute()
    detail = f"{before}->{new.value}" + (f";hand={derived.value}" if derived is not None else "")
    CaseEvent.create(case=case.id, actor=actor, kind=EventKind.STATUS.value, detail=detail, body=body)


def follow_work(case_id: int, actor: User | None = None) -> Status:
    """Move the status to what the work says, after an act. A closed case stays closed (reopening is
    a handler's act); a status set by hand holds as long as the work says what it said then."""
    case = Case.get_by_id(case_id)
    if case.status == Status.CLOSED.value:
        return Status.CLOSED
    facts = _facts(case, clock.utcnow())
    derived = _derived(facts).status
    event = facts.last_status
    if event is not None and is_by_hand(event):
        _before, _after, derived_then = _parse_status_detail(event.detail)
        if derived_then == derived.value:
            return Status(case.status)
    if derived.value != case.status:
        _write_status(case, derived, actor)
    return derived


def set_status_by_hand(case: Case, status: Status, actor: User, reason: str) -> None:
    """A handler sets the status, with a reason (kept on the timeline, for handlers only). Closing
    goes through `close`: with steps still open it needs the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise NotAllowed("status_reason", N_("Schrijf op waarom u de status met de hand verandert."))
    if status == Status.CLOSED:
        close(case, actor, reason=reason)
        return
    current = Status(case.status)
    if status not in cases.TRANSITIONS[current]:
        raise NotAllowed(f"{current.value}->{status.value}", N_("Deze status kan nu niet worden gekozen."))
    with write_transaction():
        derived = _derived(_facts(case, clock.utcnow())).status
        _write_status(case, status, actor, body=reason, derived=derived)


def close(case: Case, actor: User, reason: str = "") -> None:
    """Close the case (§6): when nothing is open, or, with steps still open, with a reason. Open
    reminders stop, except about money still owed (models.deadlines.cancel_open)."""
    if case.status == Status.CLOSED.value:
        return
    reason = (reason or "").strip()
    with write_transaction():
        facts = _facts(case, clock.utcnow())
        blocking = [s for s in _steps(facts) if s.blocks_closing and s.code != StepCode.CLOSE]
        if blocking and not reason:
            raise NotAllowed(
                "close_open_steps",
                N_("Er staat nog iets open. Rond dat eerst af, of schrijf op waarom de melding toch wordt afgesloten."),
            )
        # Closed because nothing was open is the work's own end, not a status set by hand.
        derived = _derived(facts).status if blocking else None
        _write_status(case, Status.CLOSED, actor, body=reason or None, derived=derived)
        deadlines.cancel_open(case.id)


def reopen(case: Case, actor: User, reason: str) -> None:
    set_status_by_hand(case, Status.IN_PROGRESS, actor, reason)


def _on_event(event: CaseEvent) -> None:
    if event.kind == EventKind.STATUS.value:
        return
    follow_work(event.case_id, event.actor if event.actor_id else None)


cases.on_event(_on_event)
