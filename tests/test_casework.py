"""What must happen now on a case (models.casework.open_steps), stage by stage through the protocol,
and the status that follows the work. The expected steps are written out by hand from the protocol:
§6.1 pick-up, §6.2 measures (the mayor decides a written ban; §2 the citizen heard first), §6.4
consent, police report, notices and damages, §6.3 the three aftercare conversations."""

from __future__ import annotations

import datetime as dt

import pytest

from models import aftercare, cases, casework, clock, consent, damages, measures, notices, police, registration
from models.accounts import Role
from models.cases import Case, CaseKind, NotAllowed, Status
from models.casework import Step, StepCode
from models.db import db

CLERKS = {"clerk", "deputy_clerk"}


@pytest.fixture
def people(app, create_user):
    roles = [
        Role.COUNCIL_MEMBER,
        Role.ALDERMAN,
        Role.MAYOR,
        Role.CLERK,
        Role.DEPUTY_CLERK,
        Role.MUNICIPAL_SECRETARY,
        Role.SECURITY_OFFICER,
        Role.FINANCE_OFFICER,
    ]
    made = {role: create_user(role) for role in roles}
    return made


@pytest.fixture
def connected(app):
    with app.app_context(), db.connection_context():
        yield


def _file(reporter, *, behaviours=("threatening",), kind=CaseKind.REPORT, **values) -> Case:
    draft = cases.new_draft(reporter, kind)
    return registration.file_case(draft.id, {"behaviours": list(behaviours), **values})


def _steps(case, person=None) -> set[tuple[str, frozenset]]:
    """(what, who) of every open step: what is the step's label, so that 'which notice' shows."""
    return {(step.label, step.who) for step in casework.open_steps(Case.get_by_id(case.id), person)}


def _status(case) -> str:
    return Case.get_by_id(case.id).status


L = casework.STEP_LABELS
AFTERCARE_COUNCIL = frozenset({"mayor", "clerk"})  # §6.3: mayor and clerk for council members
OM = casework.NOTICE_STEP_LABELS[notices.NoticeKind.PUBLIC_PROSECUTOR]
FIRST, SECOND, THIRD = (casework.CONVERSATION_LABELS[n] for n in (1, 2, 3))


def test_a_council_member_s_threat_from_filing_to_closing(people, connected):
    """One case through the protocol, stage by stage: each stage's open steps, and the status with it."""
    member, clerk, mayor = people[Role.COUNCIL_MEMBER], people[Role.CLERK], people[Role.MAYOR]
    security = people[Role.SECURITY_OFFICER]
    case = _file(member, perpetrator_name="Piet Boos", perpetrator_known=True)

    # Filed: the clerks pick it up (§6.1); the victim is asked for consent to a police report (§6.4: a
    # threat is always reported, the municipality files only with consent); OM informed of a threat;
    # the three aftercare conversations (§6.3).
    assert _steps(case) == {
        (L[StepCode.PICK_UP], frozenset(CLERKS)),
        (L[StepCode.ASK_CONSENT], frozenset(CLERKS)),
        (L[StepCode.VICTIM_CONSENT], frozenset({"victim"})),
        (OM, frozenset(CLERKS | {"mayor"})),
        (FIRST, AFTERCARE_COUNCIL),
        (SECOND, AFTERCARE_COUNCIL),
        (THIRD, AFTERCARE_COUNCIL),
    }
    assert _status(case) == Status.NEW.value
    pickup = next(s for s in casework.open_steps(case) if s.code == StepCode.PICK_UP)
    assert pickup.due_at == case.created_at + dt.timedelta(hours=24) and pickup.protocol == "§6.1"
    assert pickup.section == casework.Section.PICKUP

    # The clerk picks it up: the status follows.
    cases.assign(Case.get_by_id(case.id), clerk, clerk)
    assert L[StepCode.PICK_UP] not in {label for label, _who in _steps(case)}
    assert _status(case) == Status.IN_PROGRESS.value
    assert casework.status_explained(Case.get_by_id(case.id)).why == "%(name)s heeft de melding opgepakt op %(date)s."

    # The victim consents: the police report is now the clerks' step.
    consent.give(Case.get_by_id(case.id), consent.Purpose.POLICE_REPORT, member, how=consent.How.PORTAL)
    labels = {label for label, _who in _steps(case)}
    assert L[StepCode.ASK_CONSENT] not in labels and L[StepCode.VICTIM_CONSENT] not in labels
    assert (L[StepCode.FILE_POLICE_REPORT], frozenset(CLERKS)) in _steps(case)

    # Filed: feedback to the victim is due one interval later (§6.4).
    report = police.file(
        Case.get_by_id(case.id), clerk, filed_on=clock.to_local(clock.utcnow()).date(), registration_number="PL-1"
    )
    steps = casework.open_steps(Case.get_by_id(case.id))
    assert StepCode.FILE_POLICE_REPORT not in {s.code for s in steps}
    [feedback] = [s for s in steps if s.code == StepCode.POLICE_FEEDBACK]
    assert feedback.who == frozenset({"clerk", "deputy_clerk"}) and feedback.due_at > clock.utcnow()

    # A building ban proposed against the named citizen: the security officer's advice, hearing the
    # citizen, and the mayor's decision (§6.2, §2). The status moves to measures.
    ban = measures.propose(
        Case.get_by_id(case.id),
        measures.MeasureType.BUILDING_BAN,
        clerk,
        reasons="Dreigde bij de balie.",
        starts_on=dt.date(2026, 12, 10),
        ends_on=dt.date(2027, 3, 10),
    )
    ban_steps = {s.code: s for s in casework.open_steps(Case.get_by_id(case.id), mayor)}
    assert ban_steps[StepCode.SECURITY_ADVICE].who == frozenset({"security_officer"})
    assert ban_steps[StepCode.HEAR_CITIZEN].who == frozenset(CLERKS)
    decide = ban_steps[StepCode.DECIDE_MEASURE]
    assert decide.who == frozenset({"mayor"}) and decide.mine and "burgemeester" in decide.label
    assert not ban_steps[StepCode.HEAR_CITIZEN].mine  # the mayor does not hear the citizen here
    assert _status(case) == Status.MEASURES.value

    measures.record_advice(measures.Measure.get_by_id(ban.id), "Verstandig, drie maanden.", security)
    measures.record_hearing(
        measures.Measure.get_by_id(ban.id),
        clerk,
        outcome=measures.HearingOutcome.HEARD,
        held_on=dt.date(2026, 12, 1),
        heard_by="De griffier",
        account="Hij zegt dat hij boos was.",
    )
    codes = {s.code for s in casework.open_steps(Case.get_by_id(case.id))}
    assert StepCode.SECURITY_ADVICE not in codes and StepCode.HEAR_CITIZEN not in codes
    assert StepCode.DECIDE_MEASURE in codes
    measures.decide(measures.Measure.get_by_id(ban.id), mayor, reasons="Veiligheid van de raad gaat voor.")
    codes = {s.code for s in casework.open_steps(Case.get_by_id(case.id))}
    assert StepCode.DECIDE_MEASURE not in codes and StepCode.CARRY_OUT_MEASURE in codes
    assert casework.status_explained(Case.get_by_id(case.id)).why.startswith("Er is een maatregel besloten")
    measures.carry_out(measures.Measure.get_by_id(ban.id), clerk)
    assert StepCode.CARRY_OUT_MEASURE not in {s.code for s in casework.open_steps(Case.get_by_id(case.id))}

    # The first aftercare conversation held: the status is aftercare.
    conversations = list(aftercare.Conversation.select().where(aftercare.Conversation.case == case.id))
    first = next(c for c in conversations if c.number == 1)
    aftercare.record_outcome(first, aftercare.Outcome.HELD, clerk, clock.utcnow() - dt.timedelta(hours=1), "Goed.")
    assert FIRST not in {label for label, _who in _steps(case)}
    assert _status(case) == Status.AFTERCARE.value

    # Not yet: closing while steps are open is refused without a reason.
    with pytest.raises(NotAllowed) as refused:
        casework.close(Case.get_by_id(case.id), clerk)
    assert refused.value.code == "close_open_steps"
    assert _status(case) == Status.AFTERCARE.value

    # The rest done: OM informed, the other conversations held or declined, the victim told.
    notices.record(
        Case.get_by_id(case.id), notices.NoticeKind.PUBLIC_PROSECUTOR, mayor, clock.to_local(clock.utcnow()).date()
    )
    for conversation in conversations:
        if conversation.number != 1:
            aftercare.record_outcome(
                aftercare.Conversation.get_by_id(conversation.id), aftercare.Outcome.DECLINED, clerk, None, None
            )
    police.feedback_given(police.PoliceReport.get_by_id(report.id), clerk)
    # Left: the next feedback on the police report, one interval on (§6.4: the victim keeps hearing
    # how it goes while the police and OM work on it), and the end of the ban (§6.2: extend or let it
    # end), which does not keep the case open.
    left = {s.code: s for s in casework.open_steps(Case.get_by_id(case.id))}
    assert set(left) == {StepCode.POLICE_FEEDBACK, StepCode.BAN_ENDING}
    assert left[StepCode.POLICE_FEEDBACK].due_at > clock.utcnow() + dt.timedelta(days=7)
    assert not left[StepCode.BAN_ENDING].blocks_closing and left[StepCode.BAN_ENDING].who >= {"mayor"}
    # The prosecution ended: the victim told the outcome, then only closing is left.
    police.update_status(police.PoliceReport.get_by_id(report.id), police.InvestigationStatus.CLOSED, clerk)
    police.feedback_given(police.PoliceReport.get_by_id(report.id), clerk)
    assert {s.code for s in casework.open_steps(Case.get_by_id(case.id))} == {StepCode.CLOSE, StepCode.BAN_ENDING}
    casework.close(Case.get_by_id(case.id), clerk)
    assert _status(case) == Status.CLOSED.value and casework.open_steps(Case.get_by_id(case.id)) == []


def test_closing_when_nothing_is_open_and_the_steps_after(people, connected):
    """An insult corrected after being addressed: no police report, no OM; once picked up and the
    conversations held, only closing is left, and after closing nothing."""
    member, clerk = people[Role.COUNCIL_MEMBER], people[Role.CLERK]
    case = _file(member, behaviours=("insulting",), after_addressed="corrected")
    cases.assign(Case.get_by_id(case.id), clerk, clerk)
    for conversation in aftercare.Conversation.select().where(aftercare.Conversation.case == case.id):
        aftercare.record_outcome(conversation, aftercare.Outcome.DECLINED, clerk, None, None)
    assert _steps(case) == {(L[StepCode.CLOSE], frozenset(CLERKS))}
    casework.close(Case.get_by_id(case.id), clerk)
    assert _status(case) == Status.CLOSED.value
    assert casework.open_steps(Case.get_by_id(case.id)) == []
    # A closed case stays closed when something is added to its timeline; reopening is a handler's act.
    cases.add_event(Case.get_by_id(case.id), clerk, cases.EventKind.NOTE, body="Nagekomen telefoontje.")
    assert _status(case) == Status.CLOSED.value
    casework.reopen(Case.get_by_id(case.id), clerk, "De melder belde opnieuw.")
    assert _status(case) == Status.IN_PROGRESS.value


def test_the_mayor_s_own_case_goes_to_the_municipal_secretary_and_the_kings_commissioner(people, connected):
    """§6.1: the mayor's report is handled by the municipal secretary; §6.4: the King's Commissioner
    is informed when the mayor is the victim. Nobody handles a case about themselves."""
    mayor = people[Role.MAYOR]
    case = _file(mayor)
    steps = casework.open_steps(Case.get_by_id(case.id), mayor)
    kings = casework.NOTICE_STEP_LABELS[notices.NoticeKind.KINGS_COMMISSIONER]
    assert {(s.label, s.who) for s in steps if s.code == StepCode.NOTICE} == {
        (OM, frozenset({"municipal_secretary"})),
        (kings, frozenset({"municipal_secretary"})),
    }
    assert {s.who for s in steps if s.code == StepCode.AFTERCARE} == {frozenset({"mayor", "municipal_secretary"})}
    # For the mayor as victim, only what is asked of the victim is "theirs".
    assert {s.code for s in steps if s.mine} == {StepCode.VICTIM_CONSENT}


def test_serious_injury_is_assessed_then_notified_within_24_hours(people, connected):
    member, clerk = people[Role.COUNCIL_MEMBER], people[Role.CLERK]
    case = _file(member, behaviours=("hitting",), injury_physical=True)
    assert (L[StepCode.ASSESS_INSPECTORATE], frozenset(CLERKS)) in _steps(case)
    known = clock.utcnow() - dt.timedelta(hours=2)
    notices.assess(
        Case.get_by_id(case.id),
        clerk,
        reportable=True,
        criteria=[notices.Criterion.PHYSICAL_INJURY],
        known_at=known,
    )
    steps = {s.code: s for s in casework.open_steps(Case.get_by_id(case.id))}
    assert StepCode.ASSESS_INSPECTORATE not in steps
    assert steps[StepCode.NOTIFY_INSPECTORATE].due_at == known + dt.timedelta(hours=24)
    assert steps[StepCode.NOTIFY_INSPECTORATE].protocol == "§6.4"


def test_damages_are_assessed_reimbursed_then_recovered(people, connected):
    """§6.4: the municipality pays the victim first, then recovers from the perpetrator."""
    from models import perpetrators

    member, clerk, secretary = people[Role.COUNCIL_MEMBER], people[Role.CLERK], people[Role.MUNICIPAL_SECRETARY]
    finance = people[Role.FINANCE_OFFICER]
    case = _file(member, behaviours=("vandalism",), property_damage=True)
    item = damages.submit_item(Case.get_by_id(case.id), damages.Category.PROPERTY, "Ruit", 25000, member)
    assert (L[StepCode.ASSESS_DAMAGES], frozenset({"municipal_secretary"})) in _steps(case)
    damages.assess(item, damages.Decision.FULL, secretary)
    assert (L[StepCode.REIMBURSE], frozenset({"finance_officer"})) in _steps(case)
    assert L[StepCode.ASSESS_DAMAGES] not in {label for label, _who in _steps(case)}
    damages.record_reimbursement(Case.get_by_id(case.id), 25000, dt.date(2026, 12, 1), "BET-9", finance)
    assert L[StepCode.REIMBURSE] not in {label for label, _who in _steps(case)}
    perpetrators.link_case(Case.get_by_id(case.id), name="Piet Boos", actor=clerk)
    assert (L[StepCode.RECOVER], frozenset({"finance_officer"})) in _steps(case)
    # Money does not keep a case open (it is owed whatever the case's status): after closing, the
    # recovery is still a step.
    casework.close(Case.get_by_id(case.id), clerk, reason="De melder is geholpen; de schade loopt door.")
    assert _steps(case) == {(L[StepCode.RECOVER], frozenset({"finance_officer"}))}


def test_a_consultation_is_picked_up_then_converted_or_closed(people, connected):
    member = people[Role.COUNCIL_MEMBER]
    case = _file(member, behaviours=(), kind=CaseKind.CONSULTATION)
    assert _steps(case) == {(L[StepCode.PICK_UP], frozenset(CLERKS)), (L[StepCode.CONSULT], frozenset(CLERKS))}


def test_a_status_set_by_hand_holds_until_the_work_moves_on(people, connected):
    member, clerk = people[Role.COUNCIL_MEMBER], people[Role.CLERK]
    case = _file(member, behaviours=("insulting",))
    cases.assign(Case.get_by_id(case.id), clerk, clerk)
    with pytest.raises(NotAllowed) as refused:
        casework.set_status_by_hand(Case.get_by_id(case.id), Status.AFTERCARE, clerk, "  ")
    assert refused.value.code == "status_reason"
    casework.set_status_by_hand(Case.get_by_id(case.id), Status.AFTERCARE, clerk, "Eerste gesprek telefonisch.")
    why = casework.status_explained(Case.get_by_id(case.id))
    assert why.by_hand and why.reason == "Eerste gesprek telefonisch." and why.status == Status.AFTERCARE
    # A note does not change what the work says: the hand-set status holds.
    cases.add_event(Case.get_by_id(case.id), clerk, cases.EventKind.NOTE, body="Gebeld.")
    assert _status(case) == Status.AFTERCARE.value
    # A measure proposed moves the work on: the status follows again.
    measures.propose(Case.get_by_id(case.id), measures.MeasureType.WARNING_WRITTEN, clerk, reasons="Schold opnieuw.")
    assert _status(case) == Status.MEASURES.value
    assert not casework.status_explained(Case.get_by_id(case.id)).by_hand


def test_every_deadline_kind_of_a_case_belongs_to_a_step_and_the_others_keep_their_own_words():
    from models.deadlines import CASELESS_KINDS, DEADLINE_LABELS, Deadline, DeadlineKind

    for kind in DeadlineKind:
        if kind in CASELESS_KINDS:  # a risk analysis, a term's briefing: no case, so no case step
            assert casework.deadline_label(Deadline(kind=kind.value)) == DEADLINE_LABELS[kind]
        else:
            assert casework.step_for_deadline(Deadline(kind=kind.value)) in StepCode


def test_every_step_has_a_label_a_section_and_a_protocol_reason():
    for code in StepCode:
        assert casework.STEP_LABELS[code] and casework.STEP_SECTIONS[code] in casework.Section
        section, why = casework.STEP_WHY[code]
        assert section.startswith("§") and why
    assert Step.__dataclass_fields__.keys() >= {"code", "who", "due_at", "section", "protocol", "why", "mine"}
