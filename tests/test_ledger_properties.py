"""The damages ledger's invariants hold whatever people do, in whatever order (hypothesis): no
negative amounts; reimbursed ≤ approved ≤ claimed; recovered + written off ≤ to recover; an
overpayment is booked as such; a correction of the amount to recover sets exactly that amount; a
refused action stores nothing; balances equal the entries."""

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from models import clock, damages, perpetrators
from models.accounts import Role
from models.cases import Case
from models.damages import (
    Category,
    Decision,
    EntryKind,
    LedgerEntry,
    LedgerRefused,
    balances,
    format_euros,
    parse_amount,
)

LIMIT_CENTS = 50_000 * 100
_numbers = itertools.count(1)


# --- amounts: every way of writing an amount reads back to the same cents ---------------------


@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, max_examples=300)
@given(cents=st.integers(min_value=1, max_value=LIMIT_CENTS))
def test_every_notation_reads_back_to_the_same_cents(db_session, cents):
    euros, rest = divmod(cents, 100)
    dutch = format_euros(cents)  # € 1.234,56
    english = f"{euros:,}.{rest:02d}"  # 1,234.56
    plain = f"{euros},{rest:02d}"  # 1234,56
    assert parse_amount(dutch) == parse_amount(english) == parse_amount(plain) == cents
    if rest == 0:
        assert parse_amount(str(euros)) == cents


@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, max_examples=200)
@given(text=st.text(max_size=20))
def test_any_text_is_either_an_amount_in_range_or_a_message(db_session, text):
    try:
        cents = parse_amount(text)
    except damages.AmountProblem as problem:
        assert problem.message  # a Dutch sentence, never a crash
    else:
        assert isinstance(cents, int) and 0 < cents <= LIMIT_CENTS


@hypothesis_settings(deadline=None, max_examples=200)
@given(total=st.integers(min_value=0, max_value=10**9), parts=st.integers(min_value=1, max_value=60))
def test_a_split_adds_up_to_the_cent(total, parts):
    shares = damages.split_evenly(total, parts)
    assert sum(shares) == total and max(shares) - min(shares) <= 1 and min(shares) >= 0


# --- the ledger under any sequence of actions -------------------------------------------------

amounts = st.integers(min_value=1, max_value=300_000)
actions = st.lists(
    st.one_of(
        st.tuples(st.just("claim"), amounts),
        st.tuples(st.just("assess"), st.sampled_from(list(Decision)), amounts),
        st.tuples(st.just("reimburse"), amounts, st.integers(0, 3)),
        st.tuples(st.just("recover"), amounts, amounts),
        st.tuples(st.just("recover_share"), st.integers(0, 60), st.integers(0, 60)),  # percent of what was approved
        st.tuples(st.just("pay"), st.integers(0, 1), amounts, st.integers(0, 3)),
        st.tuples(st.just("write_off"), st.integers(0, 1), amounts),
        st.tuples(st.just("refund"), st.integers(0, 1), amounts),
        st.tuples(st.just("reverse"), st.integers(0, 30)),
        st.tuples(st.just("correct"), st.integers(0, 1), st.integers(0, 120)),  # percent of what may be recovered
    ),
    min_size=1,
    max_size=14,
)


def _check(case):
    whole = balances(case=case)
    for kind in EntryKind:
        assert getattr(whole, kind.value) >= 0
    assert whole.reimbursed <= whole.approved <= whole.claimed
    assert whole.to_recover <= whole.approved
    entries = list(LedgerEntry.select().where(LedgerEntry.case == case.id))
    for kind in EntryKind:  # the balance is the sum of the entries, reversals counted negatively
        assert getattr(whole, kind.value) == sum(e.signed_cents for e in entries if e.kind == kind.value)
    assert all(e.amount_cents >= 0 for e in entries)
    per_year = [balances(case=case, year=y) for y in {e.booked_on.year for e in entries}]
    for kind in EntryKind:  # the years add up to the whole
        assert sum(getattr(b, kind.value) for b in per_year) == getattr(whole, kind.value)
    for recovery in damages.Recovery.select().where(damages.Recovery.case == case.id):
        balance = balances(recovery=recovery)
        assert balance.recovered + balance.written_off <= balance.to_recover
        assert balance.overpaid >= balance.refunded >= 0
        # a correction replaces the amount to recover: at most one entry sets it, and it is the balance
        active = damages.active_to_recover(recovery)
        assert len(active) <= 1 and sum(e.amount_cents for e in active) == balance.to_recover
        # what the instalments still ask is never more than is outstanding
        assert sum(unpaid for _i, unpaid in damages.instalment_state(recovery)) <= max(balance.outstanding, 0)
    for item in damages.DamageItem.select().where(damages.DamageItem.case == case.id):
        balance = balances(item=item)
        assert 0 <= balance.approved <= balance.claimed


@pytest.fixture
def cast(app, create_user, db_session):
    people = {role: create_user(role) for role in (Role.COUNCIL_MEMBER, Role.MUNICIPAL_SECRETARY, Role.FINANCE_OFFICER)}
    return people


def _new_case(people):
    number = next(_numbers)
    victim = people[Role.COUNCIL_MEMBER]
    case = Case.create(
        reference=f"VB-2099-{number:04d}",
        year=2099,
        number=number,
        reporter=victim,
        filed_by=victim,
        reporter_role=victim.role,
        property_damage=True,
    )
    first = perpetrators.link_case(case, name=f"Eerste {number}", address="Straat 1")
    second = perpetrators.link_case(case, name=f"Tweede {number}", address="Straat 2")
    return case, [first, second]


@hypothesis_settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None, max_examples=40
)
@given(steps=actions)
def test_the_invariants_hold_after_any_sequence_of_actions(cast, steps):
    case, liable = _new_case(cast)
    for step in steps:
        _act(cast, case, liable, step)


@hypothesis_settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None, max_examples=40
)
@given(approved=st.integers(min_value=2, max_value=300_000), steps=actions)
def test_the_invariants_hold_after_any_sequence_of_actions_on_a_running_recovery(cast, approved, steps):
    """From approved damages and a recovery from both perpetrators (so payments, write-offs and
    corrections of the amount to recover really run), any sequence keeps the invariants."""
    case, liable = _new_case(cast)
    item = damages.submit_item(case, Category.PROPERTY, "post", approved, cast[Role.COUNCIL_MEMBER])
    damages.assess(item, Decision.FULL, cast[Role.MUNICIPAL_SECRETARY])
    first, second = damages.split_evenly(approved, 2)
    damages.start_recovery(
        case,
        {liable[0].id: first, liable[1].id: second},
        clock.to_local(clock.utcnow()).date() + dt.timedelta(days=30),
        cast[Role.FINANCE_OFFICER],
    )
    _check(case)
    for step in steps:
        _act(cast, case, liable, step)


def _act(cast, case, liable, step):
    """One action by whoever does it; a refused one stores nothing; the invariants hold after it."""
    victim, secretary, finance = cast[Role.COUNCIL_MEMBER], cast[Role.MUNICIPAL_SECRETARY], cast[Role.FINANCE_OFFICER]
    today = clock.to_local(clock.utcnow()).date()
    before = LedgerEntry.select().count()
    try:
        kind = step[0]
        if kind == "claim":
            damages.submit_item(case, Category.PROPERTY, "post", step[1], victim)
        elif kind == "assess":
            waiting = [
                i
                for i in damages.DamageItem.select().where(damages.DamageItem.case == case.id)
                if damages.active_assessment(i) is None
            ]
            if waiting:
                damages.assess(waiting[0], step[1], secretary, approved_cents=step[2], reason="reden")
        elif kind == "reimburse":
            damages.record_reimbursement(
                case, step[1], today - dt.timedelta(days=200 * step[2]), f"U{step[2]}", finance
            )
        elif kind in ("recover", "recover_share"):
            shares = step[1:] if kind == "recover" else [balances(case=case).approved * p // 100 for p in step[1:]]
            damages.start_recovery(
                case, {liable[0].id: shares[0], liable[1].id: shares[1]}, today + dt.timedelta(days=30), finance
            )
            event("recovery started")
        else:
            recoveries = list(
                damages.Recovery.select().where(damages.Recovery.case == case.id).order_by(damages.Recovery.id)
            )
            if kind == "reverse":
                entries = list(LedgerEntry.select().where(LedgerEntry.case == case.id).order_by(LedgerEntry.id))
                if entries:
                    damages.reverse(entries[step[1] % len(entries)], "correctie", finance)
            elif recoveries:
                recovery = recoveries[step[1] % len(recoveries)]
                if kind == "pay":
                    outstanding = balances(recovery=recovery).outstanding
                    entries, duplicate = damages.record_payment(
                        recovery, step[2], today - dt.timedelta(days=200 * step[3]), f"B{step[3]}", finance
                    )
                    if not duplicate:  # what exceeds the outstanding amount is an overpayment, never absorbed
                        assert sum(e.amount_cents for e in entries) == step[2]
                        assert sum(e.amount_cents for e in entries if e.kind == "overpaid") == max(
                            step[2] - max(outstanding, 0), 0
                        )
                elif kind == "write_off":
                    damages.write_off(recovery, step[2], "reden", finance)
                elif kind == "refund":
                    damages.refund_overpayment(recovery, step[2], today, f"T{step[2]}", finance)
                elif kind == "correct":  # up to 20% beyond what may be recovered from them: refused
                    before_to_recover, whole = balances(recovery=recovery).to_recover, balances(case=case)
                    new = (whole.approved - whole.to_recover + before_to_recover) * step[2] // 100
                    entry = damages.correct_to_recover(
                        recovery, new, "correctie", finance, due_on=today + dt.timedelta(days=30)
                    )
                    assert balances(recovery=recovery).to_recover == new != before_to_recover
                    assert (entry.amount_cents if entry else 0) == new
                    event("corrected")
    except LedgerRefused:
        assert LedgerEntry.select().count() == before  # refused: nothing stored half
        event(f"{step[0]} refused")
    _check(case)
