"""Damages (§6.4): the municipality reimburses the victim first and recovers from the perpetrator.
A ledger in integer cents, append-only, with its invariants enforced; the recovery schedule runs by
itself, each step once; the finance officer sees money, never the case."""

import csv
import datetime as dt
import io
import re
import threading

import pytest

from models import clock, damages, perpetrators, settings
from models.accounts import Role
from models.cases import Case
from models.damages import (
    AmountProblem,
    Category,
    Decision,
    EntryKind,
    LedgerEntry,
    LedgerRefused,
    StepKind,
    balances,
    owed_by,
    parse_amount,
)
from models.db import db
from models.deadlines import Deadline, DeadlineKind
from tests.conftest import PNG_SCREENSHOT

TODAY = dt.date(2026, 3, 2)


# --- amounts as people write them ------------------------------------------------------------


@pytest.mark.parametrize(
    "text, cents",
    [
        ("349,95", 34995),
        ("1.234,56", 123456),
        ("1,234.56", 123456),
        ("1200", 120000),
        ("1.200", 120000),
        ("€ 1.200", 120000),
        ("€1.549,95", 154995),
        ("12,5", 1250),
        ("0,99", 99),
        ("1 234,56", 123456),
        ("12.345", 1234500),
        ("1,50", 150),
        ("1.50", 150),
        (" 75 ", 7500),
    ],
)
def test_dutch_and_english_notations_are_read_to_the_cent(app, db_session, text, cents):
    assert parse_amount(text) == cents


@pytest.mark.parametrize(
    "text, message",
    [
        ("12,345", "Bedoelt u duizendtallen?"),  # three decimals or English thousands: ask
        ("1,234,567", None),  # English thousands, unambiguous
        ("1,2345", "hoogstens twee cijfers achter de komma"),
        ("1.234,567", "hoogstens twee cijfers achter de komma"),
        ("0,125", "hoogstens twee cijfers achter de komma"),
        ("-50", "niet negatief"),
        ("−50", "niet negatief"),
        ("vijftig euro", "met cijfers"),
        ("12a", "met cijfers"),
        ("", "Vul een bedrag in."),
        ("0", "hoger is dan nul"),
        ("1.2.3", "niet duidelijk"),
        ("1,234,5", "niet duidelijk"),
        ("50.001", "hoger dan € 50.000,00"),
        ("9999999999999999999999", "hoger dan"),
    ],
)
def test_bad_amounts_get_a_clear_dutch_message(app, db_session, text, message):
    if message is None:
        settings.change("damages_sanity_limit_euros", 10_000_000, None)
        assert parse_amount(text) == 123456700
        return
    with pytest.raises(AmountProblem) as problem:
        parse_amount(text)
    assert message in problem.value.message % problem.value.values


def test_the_sanity_limit_is_a_setting(app, db_session):
    settings.change("damages_sanity_limit_euros", 100_000, None)
    assert parse_amount("50.001") == 5_000_100


# --- the cycle, in the models -----------------------------------------------------------------


@pytest.fixture
def people(create_user):
    return {
        role: create_user(role)
        for role in (
            Role.COUNCIL_MEMBER,
            Role.CLERK,
            Role.MAYOR,
            Role.SECURITY_OFFICER,
            Role.MUNICIPAL_SECRETARY,
            Role.FINANCE_OFFICER,
        )
    }


@pytest.fixture
def damage_case(app, people, login, file_report):
    client = app.test_client()
    login(client, people[Role.COUNCIL_MEMBER])
    reference = file_report(
        client, narrative="Geheim verhaal over de ruit", consequences={"property_damage": "y", "extra_costs": "y"}
    )
    with app.app_context():
        db.connect(reuse_if_open=True)
        case = Case.get(Case.reference == reference)
        perpetrators.link_case(case, name="Piet Boos", address="Kerkstraat 9, Demodorp", actor=people[Role.CLERK])
    return case


def _claim_and_approve(case, people, amounts=(34995, 120000)):
    items = []
    for cents, category in zip(amounts, (Category.PROPERTY, Category.SECURITY), strict=False):
        item = damages.submit_item(case, category, "post", cents, people[Role.COUNCIL_MEMBER])
        damages.assess(item, Decision.FULL, people[Role.MUNICIPAL_SECRETARY])
        items.append(item)
    return items


def test_full_cycle_claim_approval_reimbursement_recovery_in_three_instalments_closed(damage_case, people, db_session):
    case, finance = damage_case, people[Role.FINANCE_OFFICER]
    _claim_and_approve(case, people)
    assert balances(case=case).approved == 154995
    damages.record_reimbursement(case, 154995, TODAY, "BETALING-001", finance)
    [perpetrator] = damages.liable_perpetrators(case)
    [recovery] = damages.start_recovery(case, {perpetrator.id: 154995}, TODAY + dt.timedelta(days=30), finance)
    schedule = [
        (TODAY + dt.timedelta(days=30 * n), cents) for n, cents in enumerate(damages.split_evenly(154995, 3), 1)
    ]
    damages.agree_arrangement(recovery, schedule, finance)
    assert [unpaid for _i, unpaid in damages.instalment_state(recovery)] == [51665, 51665, 51665]
    for number, (due, cents) in enumerate(schedule, 1):
        assert owed_by(perpetrator) == 154995 - sum(c for _d, c in schedule[: number - 1])
        damages.record_payment(recovery, cents, due, f"BANK-{number}", finance)
    whole = balances(case=case)
    assert (whole.claimed, whole.approved, whole.reimbursed, whole.to_recover, whole.recovered, whole.outstanding) == (
        154995,
        154995,
        154995,
        154995,
        154995,
        0,
    )
    assert whole.closed and owed_by(perpetrator) == 0
    years = {e.booked_on.year for e in LedgerEntry.select()}  # per year, the years add up to the whole
    per_year = [balances(case=case, year=y) for y in years]
    assert sum(b.recovered for b in per_year) == 154995 and sum(b.claimed for b in per_year) == 154995
    from models.audit import AuditEntry  # every entry is audited

    assert AuditEntry.select().where(AuditEntry.action == "ledger_entry").count() == LedgerEntry.select().count()
    assert (
        not Deadline.select()
        .where(
            (Deadline.case == case.id)
            & Deadline.done_at.is_null()
            & Deadline.kind.in_(["recovery_reminder", "recovery_demand"])
        )
        .exists()
    )


def test_partial_approval_needs_a_reason_and_a_write_off_keeps_the_rest_owed(damage_case, people, db_session):
    case, finance, secretary = damage_case, people[Role.FINANCE_OFFICER], people[Role.MUNICIPAL_SECRETARY]
    item = damages.submit_item(case, Category.PROPERTY, "ruit", 50000, people[Role.COUNCIL_MEMBER])
    with pytest.raises(LedgerRefused, match="waarom"):
        damages.assess(item, Decision.PARTIAL, secretary, approved_cents=30000)
    with pytest.raises(LedgerRefused):
        damages.assess(item, Decision.PARTIAL, secretary, approved_cents=60000, reason="te hoog")
    damages.assess(item, Decision.PARTIAL, secretary, approved_cents=30000, reason="Dagwaarde van de ruit")
    assert damages.item_status(item)[0] == "partial"
    with pytest.raises(LedgerRefused, match="al beoordeeld"):
        damages.assess(item, Decision.FULL, secretary)
    [perpetrator] = damages.liable_perpetrators(case)
    [recovery] = damages.start_recovery(case, {perpetrator.id: 30000}, TODAY, finance)
    damages.record_payment(recovery, 10000, TODAY, "B1", finance)
    with pytest.raises(LedgerRefused, match="waarom"):
        damages.write_off(recovery, 5000, "", finance)
    damages.write_off(recovery, 5000, "Veroorzaker heeft schuldsanering", finance)
    balance = balances(recovery=recovery)
    assert (balance.recovered, balance.written_off, balance.outstanding) == (10000, 5000, 15000)
    assert owed_by(perpetrator) == 15000 and not balance.closed
    with pytest.raises(LedgerRefused, match="hoogstens € 150,00"):
        damages.write_off(recovery, 15001, "te veel", finance)


def test_two_perpetrators_share_a_claim(damage_case, people, db_session):
    case, finance = damage_case, people[Role.FINANCE_OFFICER]
    second = perpetrators.link_case(case, name="Klaas Kwaad", address="Molenweg 2", actor=people[Role.CLERK])
    _claim_and_approve(case, people, amounts=(10001,))
    first, _second = damages.liable_perpetrators(case)
    shares = damages.split_evenly(10001, 2)
    assert shares == [5001, 5000]
    with pytest.raises(LedgerRefused, match="meer worden verhaald"):
        damages.start_recovery(case, {first.id: 10001, second.id: 1}, TODAY, finance)
    assert damages.Recovery.select().count() == 0  # nothing stored half
    recoveries = damages.start_recovery(case, {first.id: shares[0], second.id: shares[1]}, TODAY, finance)
    damages.record_payment(recoveries[1], 5000, TODAY, "K-1", finance)
    assert owed_by(first) == 5001 and owed_by(second) == 0
    assert balances(case=case).outstanding == 5001


def test_corrections_reverse_entries_and_nothing_is_edited(damage_case, people, db_session):
    case, finance, secretary = damage_case, people[Role.FINANCE_OFFICER], people[Role.MUNICIPAL_SECRETARY]
    [item] = _claim_and_approve(case, people, amounts=(20000,))
    entry, duplicate = damages.record_reimbursement(case, 20000, TODAY, "PAY-1", finance)
    assert not duplicate
    approval = damages.active_assessment(item)
    with pytest.raises(LedgerRefused, match="meer worden uitbetaald"):
        damages.reverse(approval, "Verkeerd beoordeeld", secretary)  # already paid out
    damages.reverse(entry, "Dubbel overgemaakt? Nee: verkeerd bedrag", finance)
    with pytest.raises(LedgerRefused, match="al gecorrigeerd"):
        damages.reverse(entry, "nog eens", finance)
    assert balances(case=case).reimbursed == 0
    damages.reverse(approval, "Verkeerd beoordeeld", secretary)
    damages.assess(item, Decision.REJECTED, secretary, reason="Geen bon")
    assert damages.item_status(item)[0] == "rejected" and balances(case=case).approved == 0
    kinds = [(e.kind, e.signed_cents) for e in LedgerEntry.select().order_by(LedgerEntry.id)]
    assert kinds == [
        ("claimed", 20000),
        ("approved", 20000),
        ("reimbursed", 20000),
        ("reimbursed", -20000),
        ("approved", -20000),
        ("approved", 0),
    ]


def test_an_overpayment_is_recorded_as_such_and_flagged(damage_case, people, db_session):
    case, finance = damage_case, people[Role.FINANCE_OFFICER]
    _claim_and_approve(case, people, amounts=(10000,))
    [perpetrator] = damages.liable_perpetrators(case)
    [recovery] = damages.start_recovery(case, {perpetrator.id: 10000}, TODAY, finance)
    entries, _dup = damages.record_payment(recovery, 12500, TODAY, "OVER-1", finance)
    assert [(e.kind, e.amount_cents) for e in entries] == [("recovered", 10000), ("overpaid", 2500)]
    balance = balances(recovery=recovery)
    assert balance.outstanding == 0 and balance.overpayment_open == 2500 and not balance.closed
    entries, _dup = damages.record_payment(recovery, 100, TODAY, "OVER-2", finance)
    assert [(e.kind, e.amount_cents) for e in entries] == [("overpaid", 100)]
    damages.refund_overpayment(recovery, 2600, TODAY, "TERUG-1", finance)
    assert balances(recovery=recovery).closed


def test_the_same_payment_recorded_twice_is_one_entry(damage_case, people, db_session):
    case, finance = damage_case, people[Role.FINANCE_OFFICER]
    _claim_and_approve(case, people, amounts=(10000,))
    [perpetrator] = damages.liable_perpetrators(case)
    [recovery] = damages.start_recovery(case, {perpetrator.id: 10000}, TODAY, finance)
    _entries, first = damages.record_payment(recovery, 4000, TODAY, "nl12 bank 0001", finance)
    _entries, second = damages.record_payment(recovery, 4000, TODAY, "NL12BANK0001", finance)
    assert (first, second) == (False, True)
    assert balances(recovery=recovery).recovered == 4000


def test_two_handlers_recording_the_same_payment_at_the_same_moment_make_one_entry(
    app, damage_case, people, db_session
):
    case, finance = damage_case, people[Role.FINANCE_OFFICER]
    _claim_and_approve(case, people, amounts=(10000,))
    [perpetrator] = damages.liable_perpetrators(case)
    [recovery] = damages.start_recovery(case, {perpetrator.id: 10000}, TODAY, finance)
    db.close()
    barrier, results, errors = threading.Barrier(4), [], []

    def record():
        try:
            with app.app_context():
                db.connect(reuse_if_open=True)
                barrier.wait()
                results.append(
                    damages.record_payment(damages.Recovery.get_by_id(recovery.id), 2500, TODAY, "GELIJK-1", finance)[1]
                )
                db.close()
        except Exception as error:  # pragma: no cover - shown by the assert below
            errors.append(error)

    threads = [threading.Thread(target=record) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.connect(reuse_if_open=True)
    assert errors == []
    assert sorted(results) == [False, True, True, True]
    assert balances(recovery=recovery).recovered == 2500
    assert LedgerEntry.select().where(LedgerEntry.kind == EntryKind.RECOVERED.value).count() == 1


def test_only_the_assessor_role_assesses_and_never_their_own_case(damage_case, people, db_session, create_user):
    case = damage_case
    item = damages.submit_item(case, Category.OTHER, "taxi", 2000, people[Role.COUNCIL_MEMBER])
    with pytest.raises(LedgerRefused, match="niet beoordelen"):
        damages.assess(item, Decision.FULL, people[Role.CLERK])
    settings.change("damages_assessor_role", 3, None)  # the clerk
    assert damages.assessor_role() == Role.CLERK
    damages.assess(item, Decision.FULL, people[Role.CLERK])


# --- through the portal, as people use it -----------------------------------------------------


def _token(client, path):
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    return re.search(r'name="token" type="hidden" value="([0-9a-f]+)"', page.get_data(as_text=True)).group(1)


def _claim(client, reference, category, description, amount, files=()):
    path = f"/mijn-meldingen/{reference}/schade"
    return client.post(
        path,
        data={
            "token": _token(client, path),
            "category": category,
            "description": description,
            "amount": amount,
            "receipts": [(io.BytesIO(data), name) for name, data in files],
        },
        content_type="multipart/form-data",
    )


def _run_reminders(app):
    from jobs.tasks import send_due_reminders

    with app.app_context():
        return send_due_reminders.call_local()


def _csv_totals(text):
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    totals = {}
    for row in rows:
        totals[row["kind"]] = totals.get(row["kind"], 0) + int(row["signed_amount_cents"])
    return rows, totals


@pytest.fixture
def demo_case(app, db_session):
    """The demo municipality's threat case (`flask demo`), its perpetrator linked by the clerk."""
    import json

    from models.accounts import User

    accounts = json.loads(app.test_cli_runner().invoke(args=["demo", "--json"]).output)
    db.connect(reuse_if_open=True)
    people = {}
    for account in accounts:
        user = User.get(User.email == account["email"])
        user.test_password = account["password"]
        people[Role(account["role"])] = user
    case = Case.get(Case.reporter == people[Role.COUNCIL_MEMBER].id)
    perpetrators.link_case(
        case,
        name=case.perpetrator_name,
        address=case.perpetrator_address,
        birth_date=case.perpetrator_birth_date,
        actor=people[Role.CLERK],
    )
    return case, people


def test_done_when_on_the_demo_threat_case(app, demo_case, login, mailbox, clock_at):
    case, people = demo_case
    _done_when(
        app,
        case,
        people,
        login,
        mailbox,
        clock_at,
        debtor=("Demo Veroorzaker", "Dorpsstraat 1, Demodorp"),
        secret="azc",
    )


def test_done_when_victim_claims_secretary_approves_finance_reimburses_and_recovers_with_a_late_payment(
    app, damage_case, people, login, mailbox, clock_at
):
    _done_when(
        app,
        damage_case,
        people,
        login,
        mailbox,
        clock_at,
        debtor=("Piet Boos", "Kerkstraat 9, Demodorp"),
        secret="Geheim verhaal",
    )


def _done_when(app, case, people, login, mailbox, clock_at, debtor, secret):
    """The victim claims €349,95 for a broken window and €1.200 for a camera at home; the municipal
    secretary approves both; the finance officer records the reimbursement, the recovery in
    instalments and one late payment that triggers the reminder; ledger and CSV agree to the cent."""
    reference = case.reference
    victim, secretary, finance = app.test_client(), app.test_client(), app.test_client()
    login(victim, people[Role.COUNCIL_MEMBER])
    login(secretary, people[Role.MUNICIPAL_SECRETARY])
    login(finance, people[Role.FINANCE_OFFICER])

    # The victim claims from their own case page; a bad amount is refused with a Dutch message, nothing stored.
    own_page = victim.get(f"/mijn-meldingen/{reference}").get_data(as_text=True)
    assert "Schade of extra kosten melden" in own_page
    bad = _claim(victim, reference, "property", "Kapotte ruit", "349,955")
    assert bad.status_code == 422 and "hoogstens twee cijfers achter de komma" in bad.get_data(as_text=True)
    negative = _claim(victim, reference, "property", "Kapotte ruit", "-349,95")
    assert negative.status_code == 422 and "niet negatief" in negative.get_data(as_text=True)
    db.connect(reuse_if_open=True)
    assert LedgerEntry.select().count() == 0 and damages.DamageItem.select().count() == 0
    mailbox.messages.clear()
    assert (
        _claim(
            victim,
            reference,
            "property",
            "Kapotte ruit van de voordeur",
            "349,95",
            files=[("bon-ruit.png", PNG_SCREENSHOT)],
        ).status_code
        == 302
    )
    assert _claim(victim, reference, "security", "Camera bij de voordeur", "€ 1.200").status_code == 302
    db.connect(reuse_if_open=True)
    assert balances(case=case).claimed == 154995
    assert len(mailbox.to(people[Role.MUNICIPAL_SECRETARY].email)) == 2  # a link to assess, no details
    assert "Kapotte ruit" not in mailbox.to(people[Role.MUNICIPAL_SECRETARY].email)[0].get_content()
    own_page = victim.get(f"/mijn-meldingen/{reference}").get_data(as_text=True)
    assert own_page.count("Wordt beoordeeld") == 2

    # The municipal secretary approves both, seeing the receipts but not the case.
    listing = secretary.get("/schade/beoordelen").get_data(as_text=True)
    assert reference in listing and secret not in listing
    assert secretary.get(f"/zaken/{reference}").status_code == 404
    db.connect(reuse_if_open=True)
    items = [
        (i.id, [r.evidence_id for r in i.receipts]) for i in damages.DamageItem.select().order_by(damages.DamageItem.id)
    ]
    assert [len(receipts) for _id, receipts in items] == [1, 0]
    for item_id, receipt_ids in items:
        page = secretary.get(f"/schade/beoordelen/{item_id}").get_data(as_text=True)
        assert secret not in page and "Camera" in page or "Kapotte ruit" in page
        for evidence_id in receipt_ids:
            assert secretary.get(f"/schade/bon/{evidence_id}").data == PNG_SCREENSHOT
        assert secretary.post(f"/schade/beoordelen/{item_id}", data={"decision": "full"}).status_code == 302
    assert victim.get(f"/mijn-meldingen/{reference}").get_data(as_text=True).count("Helemaal toegekend") == 2

    # The finance officer pays the victim and recovers from the perpetrator in three instalments.
    overview = finance.get("/financien").get_data(as_text=True)
    assert "€ 1.549,95" in overview and reference in overview
    assert (
        finance.post(
            f"/financien/{reference}/uitbetaling",
            data={"amount": "1.549,95", "paid_on": "2026-03-02", "reference": "UIT-2026-001"},
        ).status_code
        == 302
    )
    again = finance.post(
        f"/financien/{reference}/uitbetaling",
        data={"amount": "1.549,95", "paid_on": "2026-03-02", "reference": "uit-2026-001"},
        follow_redirects=True,
    )
    assert "al geboekt" in again.get_data(as_text=True)
    db.connect(reuse_if_open=True)
    [perpetrator] = damages.liable_perpetrators(case)
    today = clock.to_local(clock.utcnow()).date()
    assert (
        finance.post(
            f"/financien/{reference}/verhalen",
            data={f"share_{perpetrator.id}": "1.549,95", "due_on": (today + dt.timedelta(days=30)).isoformat()},
        ).status_code
        == 302
    )
    db.connect(reuse_if_open=True)
    [recovery] = damages.Recovery.select()
    base = f"/financien/{reference}/verhaal/{recovery.id}"
    assert (
        finance.post(
            f"{base}/regeling",
            data=_fields(
                f"regeling-{recovery.id}",
                count="3",
                every_days="30",
                first_due=(today + dt.timedelta(days=30)).isoformat(),
            ),
        ).status_code
        == 302
    )
    page = finance.get(f"/financien/{reference}").get_data(as_text=True)
    assert debtor[0] in page and debtor[1] in page and recovery.payment_reference in page
    assert secret not in page and "Kapotte ruit" not in page
    letter = finance.get(f"{base}/brief/vordering").get_data(as_text=True)
    assert "€ 1.549,95" in letter and recovery.payment_reference in letter and debtor[0] in letter
    assert (
        finance.post(
            f"{base}/betaling",
            data=_fields(f"betaling-{recovery.id}", amount="516,65", paid_on=today.isoformat(), reference="BANK-1"),
        ).status_code
        == 302
    )

    # The second instalment is late: the reminder (herinnering) is due, once.
    mailbox.messages.clear()
    clock_at(days=60 + 15 + 1)
    _run_reminders(app)
    _run_reminders(app)
    reminders = [
        m for m in mailbox.to(people[Role.FINANCE_OFFICER].email) if "Stuur nu een herinnering" in m.get_content()
    ]
    assert len(reminders) == 1 and "/financien" in reminders[0].get_content()
    assert reminders[0]["Subject"] == "Een betaling is te laat in Veilig Bestuur"
    assert reference not in reminders[0].get_content() and debtor[0] not in reminders[0].get_content()
    assert "516,65" not in reminders[0].get_content() and "1.549,95" not in reminders[0].get_content()
    assert not [m for m in mailbox.messages if "aanmaning" in m.get_content()]
    late = app.test_client()
    login(late, people[Role.FINANCE_OFFICER])
    assert "Herinnering sturen" in late.get("/financien").get_data(as_text=True)
    assert "Herinnering" in late.get(f"{base}/brief/herinnering").get_data(as_text=True)
    late_day = clock.to_local(clock.utcnow()).date().isoformat()
    for bank in ("BANK-2", "BANK-3"):
        assert (
            late.post(
                f"{base}/betaling",
                data=_fields(f"betaling-{recovery.id}", amount="516,65", paid_on=late_day, reference=bank),
            ).status_code
            == 302
        )

    db.connect(reuse_if_open=True)
    # Closed; the ledger and the CSV agree to the cent.
    whole = balances(case=case)
    assert (whole.claimed, whole.approved, whole.reimbursed, whole.to_recover, whole.recovered, whole.outstanding) == (
        154995,
        154995,
        154995,
        154995,
        154995,
        0,
    ) and whole.closed
    export = late.get("/financien/export.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    rows, totals = _csv_totals(export.get_data(as_text=True))
    assert list(rows[0].keys()) == __import__("portal.damages", fromlist=["x"]).CSV_COLUMNS
    assert totals == {
        "claimed": 154995,
        "approved": 154995,
        "reimbursed": 154995,
        "to_recover": 154995,
        "recovered": 154995,
    }
    assert sum(int(r["signed_amount_cents"]) for r in rows if r["kind"] == "recovered") == round(
        sum(__import__("decimal").Decimal(r["signed_amount_eur"]) for r in rows if r["kind"] == "recovered") * 100
    )
    assert {r["payment_reference"] for r in rows if r["kind"] == "recovered"} == {"BANK-1", "BANK-2", "BANK-3"}
    assert secret not in export.get_data(as_text=True)


def test_the_finance_officer_cannot_open_the_case_narrative_or_evidence(app, damage_case, people, login):
    case, reference = damage_case, damage_case.reference
    item = damages.submit_item(case, Category.PROPERTY, "Kapotte ruit", 34995, people[Role.COUNCIL_MEMBER])
    evidence_ids = [e.id for e in case.evidence]
    finance = app.test_client()
    login(finance, people[Role.FINANCE_OFFICER])
    assert finance.get(f"/zaken/{reference}").status_code == 404
    for evidence_id in evidence_ids:
        assert finance.get(f"/bewijs/{evidence_id}").status_code == 404
        assert finance.get(f"/schade/bon/{evidence_id}").status_code == 404
    assert finance.get(f"/mijn-meldingen/{reference}").status_code == 404
    assert finance.get(f"/mijn-meldingen/{reference}/schade").status_code == 404
    assert finance.get(f"/zaken/{reference}/schade").status_code == 404
    page = finance.get(f"/financien/{reference}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Geheim verhaal" not in text and "Kapotte ruit" not in text and "screenshot.png" not in text
    assert "Nazorg" not in text and "nazorg" not in text
    assert item.id  # the claim exists; only its amount and category are shown
    # Others do not reach the finance pages.
    clerk = app.test_client()
    login(clerk, people[Role.CLERK])
    assert clerk.get("/financien").status_code == 403
    assert clerk.get("/financien/export.csv").status_code == 403


def test_a_handler_claims_for_the_victim_and_sees_the_panel(app, damage_case, people, login):
    reference = damage_case.reference
    clerk = app.test_client()
    login(clerk, people[Role.CLERK])
    path = f"/zaken/{reference}/schade"
    response = clerk.post(
        path, data={"token": _token(clerk, path), "category": "legal", "description": "Advocaat", "amount": "1,234.56"}
    )
    assert response.status_code == 302
    page = clerk.get(f"/zaken/{reference}").get_data(as_text=True)
    assert 'id="schade"' in page and "€ 1.234,56" in page and "Wordt beoordeeld" in page
    mayor = app.test_client()  # informed: reads the panel, does not claim
    login(mayor, people[Role.MAYOR])
    assert mayor.get(path).status_code == 404


def test_the_dunning_schedule_sends_each_step_exactly_once(app, damage_case, people, mailbox, clock_at, db_session):
    case, finance = damage_case, people[Role.FINANCE_OFFICER]
    _claim_and_approve(case, people, amounts=(10000,))
    [perpetrator] = damages.liable_perpetrators(case)
    due = clock.to_local(clock.utcnow()).date() + dt.timedelta(days=10)
    [recovery] = damages.start_recovery(case, {perpetrator.id: 10000}, due, finance)
    damages.record_payment(recovery, 2500, due, "DEEL-1", finance)  # partial: still late
    db.close()
    finance_mail = people[Role.FINANCE_OFFICER].email
    secretary_mail = people[Role.MUNICIPAL_SECRETARY].email

    def steps(address, words):
        return [m for m in mailbox.to(address) if words in m.get_content()]

    mailbox.messages.clear()
    for days, expected in (
        (10 + 14 + 1, (1, 0, 0)),
        (10 + 28 + 1, (1, 1, 0)),
        (10 + 42 + 1, (1, 1, 1)),
        (200, (1, 1, 1)),
    ):
        clock_at(days=days)
        _run_reminders(app)
        _run_reminders(app)
        assert (
            len(steps(finance_mail, "Stuur nu een herinnering")),
            len(steps(finance_mail, "Stuur nu een aanmaning")),
            len([m for m in mailbox.to(secretary_mail) if "te laat" in m["Subject"]]),
        ) == expected, days
    escalation = [m for m in mailbox.to(secretary_mail)][0].get_content()
    assert "/schade/beoordelen" in escalation and case.reference not in escalation


def test_closing_the_case_does_not_stop_collecting_but_paying_does(app, damage_case, people, db_session):
    from models import casework

    case, finance = damage_case, people[Role.FINANCE_OFFICER]
    _claim_and_approve(case, people, amounts=(10000,))
    [perpetrator] = damages.liable_perpetrators(case)
    [recovery] = damages.start_recovery(case, {perpetrator.id: 10000}, TODAY, finance)
    casework.close(case, people[Role.CLERK], reason="Afgehandeld met de melder.")
    open_ledger = Deadline.select().where(
        (Deadline.case == case.id)
        & Deadline.done_at.is_null()
        & Deadline.kind.in_([DeadlineKind.RECOVERY_REMINDER.value, DeadlineKind.RECOVERY_DEMAND.value])
    )
    assert open_ledger.count() == 2
    damages.record_step(recovery, StepKind.HANDED_TO_AGENCY, TODAY, finance, "Incassobureau Noord")
    assert open_ledger.count() == 0
    assert owed_by(perpetrator) == 10000  # handed over, still owed


def test_the_monthly_overview_reaches_the_finance_officer_once_with_only_a_link(app, damage_case, people, mailbox):
    from jobs.tasks import send_monthly_damages_overview

    mailbox.messages.clear()
    with app.app_context():
        assert send_monthly_damages_overview.call_local() == 1
        assert send_monthly_damages_overview.call_local() == 0
    [message] = mailbox.to(people[Role.FINANCE_OFFICER].email)
    assert "/financien" in message.get_content() and damage_case.reference not in message.get_content()


def test_the_letters_use_only_the_fields_the_portal_fills_in(damage_case, people, db_session):
    import jinja2
    from jinja2 import meta

    from models import texts

    _claim_and_approve(damage_case, people, amounts=(10000,))
    [perpetrator] = damages.liable_perpetrators(damage_case)
    [recovery] = damages.start_recovery(damage_case, {perpetrator.id: 10000}, TODAY, people[Role.FINANCE_OFFICER])
    filled = damages.letter_fields(recovery, "I. Meijer", str)
    assert set(filled) == set(texts.DAMAGES_LETTER_SAMPLE)
    for key in damages.LETTER_KEYS.values():
        assert meta.find_undeclared_variables(jinja2.Environment().parse(texts.DEFAULTS[key][0])) <= set(filled)  # noqa: S701
        assert "€ 100,00" in texts.render_letter(key, filled)


def test_a_reversed_payment_makes_the_instalment_due_again(damage_case, people, db_session):
    case, finance = damage_case, people[Role.FINANCE_OFFICER]
    _claim_and_approve(case, people, amounts=(10000,))
    [perpetrator] = damages.liable_perpetrators(case)
    [recovery] = damages.start_recovery(case, {perpetrator.id: 10000}, TODAY, finance)
    open_ledger = Deadline.select().where(
        (Deadline.case == case.id)
        & Deadline.done_at.is_null()
        & Deadline.kind.in_([DeadlineKind.RECOVERY_REMINDER.value, DeadlineKind.RECOVERY_DEMAND.value])
    )
    assert open_ledger.count() == 2
    [payment], _dup = damages.record_payment(recovery, 10000, TODAY, "B-1", finance)
    assert open_ledger.count() == 0 and balances(recovery=recovery).closed
    damages.reverse(payment, "Betaling gestorneerd door de bank", finance)
    assert open_ledger.count() == 2 and owed_by(perpetrator) == 10000


def test_bad_input_on_the_finance_pages_gets_a_message_and_stores_nothing(app, damage_case, people, login):
    case, finance_user = damage_case, people[Role.FINANCE_OFFICER]
    _claim_and_approve(case, people, amounts=(10000,))
    [perpetrator] = damages.liable_perpetrators(case)
    [recovery] = damages.start_recovery(case, {perpetrator.id: 10000}, TODAY, finance_user)
    before = LedgerEntry.select().count()
    finance = app.test_client()
    login(finance, finance_user)
    base = f"/financien/{case.reference}"
    for path, data, message in [
        (
            f"{base}/uitbetaling",
            {"amount": "100,01", "paid_on": "2026-03-02", "reference": "X"},
            "Meer kan niet worden uitbetaald",
        ),
        (f"{base}/uitbetaling", {"amount": "twintig", "paid_on": "2026-03-02", "reference": "X"}, "met cijfers"),
        (
            f"{base}/verhaal/{recovery.id}/betaling",
            {"amount": "1,2345", "paid_on": "2026-03-02", "reference": "B"},
            "hoogstens twee",
        ),
        (
            f"{base}/verhaal/{recovery.id}/betaling",
            {"amount": "-5", "paid_on": "2026-03-02", "reference": "B"},
            "niet negatief",
        ),
        (
            f"{base}/verhaal/{recovery.id}/betaling",
            {"amount": "5", "paid_on": "2026-03-02", "reference": ""},
            "betalingskenmerk",
        ),
        (f"{base}/verhaal/{recovery.id}/afschrijven", {"amount": "100,01", "reason": "weg"}, "hoogstens € 100,00"),
        (f"{base}/verhaal/{recovery.id}/afschrijven", {"amount": "10", "reason": ""}, "waarom"),
    ]:
        if "/verhaal/" in path:  # a recovery's forms are named per action and recovery
            data = _fields(f"{path.rsplit('/', 1)[1]}-{recovery.id}", **data)
        response = finance.post(path, data=data)
        assert response.status_code == 422, path
        assert message in response.get_data(as_text=True), (path, data)
    db.connect(reuse_if_open=True)
    assert LedgerEntry.select().count() == before


# --- correcting the amount to recover ---------------------------------------------------------


@pytest.fixture
def recovering(app, damage_case, people, login, db_session):
    """€ 300 approved, € 200 recovered from Piet Boos, € 50 of it paid; the finance officer logged in."""
    case, finance_user = damage_case, people[Role.FINANCE_OFFICER]
    _claim_and_approve(case, people, amounts=(10000, 20000))
    [perpetrator] = damages.liable_perpetrators(case)
    [recovery] = damages.start_recovery(case, {perpetrator.id: 20000}, TODAY + dt.timedelta(days=30), finance_user)
    damages.record_payment(recovery, 5000, TODAY, "BANK-DEEL", finance_user)
    finance = app.test_client()
    login(finance, finance_user)
    return case, recovery, finance


def _fields(prefix, **fields):
    return {f"{prefix}-{name}": value for name, value in fields.items()}


def _correction(recovery, **fields):
    return _fields(f"correctie-{recovery.id}", **fields)


def test_the_finance_officer_corrects_the_amount_to_recover_and_everyone_sees_the_new_amount(
    app, recovering, people, login
):
    from models.audit import AuditEntry

    case, recovery, finance = recovering
    base = f"/financien/{case.reference}"
    page = finance.get(base).get_data(as_text=True)
    assert "Bedrag te verhalen corrigeren" in page  # filled in with the amount now, to change
    assert (
        f'id="correctie-{recovery.id}-amount" inputmode="decimal" name="correctie-{recovery.id}-amount" type="text" value="200,00"'
        in page
    )
    first = LedgerEntry.get((LedgerEntry.recovery == recovery.id) & (LedgerEntry.kind == "to_recover"))

    due = (clock.to_local(clock.utcnow()).date() + dt.timedelta(days=30)).isoformat()
    response = finance.post(
        f"{base}/verhaal/{recovery.id}/bedrag",
        follow_redirects=True,
        data=_correction(recovery, amount="250,00", reason="Factuur glazenmaker was hoger", due_on=due),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Het bedrag te verhalen is gecorrigeerd. Er staat nu € 200,00 open." in page
    assert "€ 250,00" in page and "gecorrigeerd" in page
    assert f"correctie van nr. {first.id}" in page and "nieuw bedrag na correctie" in page
    assert "Factuur glazenmaker was hoger" in page

    db.connect(reuse_if_open=True)
    # Append-only: the first entry is unchanged, a reversal and the new amount were added.
    assert LedgerEntry.get_by_id(first.id).amount_cents == 20000
    assert [
        (e.kind, e.signed_cents, e.reverses_id)
        for e in LedgerEntry.select().where(LedgerEntry.recovery == recovery.id).order_by(LedgerEntry.id)
    ] == [
        ("to_recover", 20000, None),
        ("recovered", 5000, None),
        ("to_recover", -20000, first.id),
        ("to_recover", 25000, None),
    ]
    balance = balances(recovery=recovery)
    assert (balance.to_recover, balance.recovered, balance.outstanding) == (25000, 5000, 20000)
    assert [(i.due_on.isoformat(), unpaid) for i, unpaid in damages.instalment_state(recovery)] == [(due, 20000)]
    assert (
        AuditEntry.select()
        .where((AuditEntry.action == "recovery_corrected") & (AuditEntry.object_id == recovery.id))
        .count()
        == 1
    )

    # The overview, the CSV and the case's damages panel show the new amount.
    overview = finance.get("/financien").get_data(as_text=True)
    assert recovery.payment_reference in overview and "€ 200,00" in overview
    rows, totals = _csv_totals(finance.get("/financien/export.csv").get_data(as_text=True))
    assert totals["to_recover"] == 25000
    assert [(r["signed_amount_cents"], r["reverses_entry_id"]) for r in rows if r["kind"] == "to_recover"] == [
        ("20000", ""),
        ("-20000", str(first.id)),
        ("25000", ""),
    ]
    assert "Factuur glazenmaker" not in finance.get("/financien/export.csv").get_data(as_text=True)
    clerk = app.test_client()
    login(clerk, people[Role.CLERK])
    panel = clerk.get(f"/zaken/{case.reference}").get_data(as_text=True)
    assert "te verhalen € 250,00, ontvangen € 50,00, nog open € 200,00" in panel
    assert "Het bedrag te verhalen is gecorrigeerd." in panel


def test_a_correction_down_to_what_was_paid_leaves_nothing_to_collect(app, recovering, people):
    case, recovery, finance = recovering
    base = f"/financien/{case.reference}"
    response = finance.post(
        f"{base}/verhaal/{recovery.id}/bedrag",
        follow_redirects=True,
        data=_correction(recovery, amount="50", reason="Ruit was verzekerd", due_on=""),
    )
    assert "Er staat nu € 0,00 open." in response.get_data(as_text=True)
    db.connect(reuse_if_open=True)
    balance = balances(recovery=recovery)
    assert (balance.to_recover, balance.outstanding) == (5000, 0) and balance.closed
    assert [unpaid for _i, unpaid in damages.instalment_state(recovery)] == [0]  # not still "to pay"
    assert (
        not Deadline.select()
        .where(
            (Deadline.case == case.id)
            & Deadline.done_at.is_null()
            & Deadline.kind.in_(["recovery_reminder", "recovery_demand"])
        )
        .exists()
    )
    page = finance.get(base).get_data(as_text=True)
    assert "afgesloten" in page and 'data-label="Nog te betalen">betaald</td>' in page
    assert (
        recovery.payment_reference
        not in finance.get("/financien")
        .get_data(as_text=True)
        .split("Innen bij veroorzakers")[1]
        .split("Alle meldingen met schade")[0]
    )


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"amount": "40", "reason": "Lager"},
            "Er is al € 50,00 ontvangen of afgeschreven. Het bedrag te verhalen kan niet lager zijn dan dat.",
        ),
        ({"amount": "-10", "reason": "Negatief"}, "Een bedrag kan niet negatief zijn."),
        ({"amount": "300,01", "reason": "Meer"}, "Er is € 300,00 toegekend. Meer kunt u niet verhalen."),
        (
            {"amount": "200", "reason": "Hetzelfde"},
            "Op deze veroorzaker wordt al € 200,00 verhaald. Vul het nieuwe bedrag in.",
        ),
        ({"amount": "180", "reason": ""}, "Schrijf op waarom het bedrag wordt gecorrigeerd."),
        ({"amount": "", "reason": "Leeg"}, "Vul een bedrag in."),
        (
            {"amount": "180", "reason": "Geen datum", "due_on": ""},
            "Vul in wanneer de veroorzaker uiterlijk moet betalen.",
        ),
    ],
)
def test_a_bad_correction_gets_a_clear_message_and_stores_nothing(recovering, data, message):
    case, recovery, finance = recovering
    before = LedgerEntry.select().count()
    data = {"due_on": "2026-06-01", **data}
    response = finance.post(
        f"/financien/{case.reference}/verhaal/{recovery.id}/bedrag", data=_correction(recovery, **data)
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert data["reason"] in page  # what was typed stays
    db.connect(reuse_if_open=True)
    assert LedgerEntry.select().count() == before and balances(recovery=recovery).to_recover == 20000


def test_two_perpetrators_a_correction_stays_within_what_was_approved(damage_case, people, db_session):
    case, finance = damage_case, people[Role.FINANCE_OFFICER]
    perpetrators.link_case(case, name="Klaas Kwaad", address="Molenweg 2", actor=people[Role.CLERK])
    _claim_and_approve(case, people, amounts=(10000,))
    first, second = damages.liable_perpetrators(case)
    one, two = damages.start_recovery(case, {first.id: 6000, second.id: 4000}, TODAY, finance)
    with pytest.raises(LedgerRefused, match="op andere veroorzakers wordt al € 40,00 verhaald.*hoogstens € 60,00"):
        damages.correct_to_recover(one, 6001, "meer", finance, due_on=TODAY)
    damages.correct_to_recover(two, 0, "Klaas was er niet bij", finance)
    damages.correct_to_recover(one, 10000, "Piet betaalt alles", finance, due_on=TODAY)
    assert (owed_by(first), owed_by(second), balances(case=case).to_recover) == (10000, 0, 10000)


def test_only_the_finance_officer_corrects_the_amount(app, recovering, people, login):
    case, recovery, _finance = recovering
    clerk = app.test_client()
    login(clerk, people[Role.CLERK])
    response = clerk.post(
        f"/financien/{case.reference}/verhaal/{recovery.id}/bedrag",
        data=_correction(recovery, amount="100", reason="x", due_on="2026-06-01"),
    )
    assert response.status_code == 403
    db.connect(reuse_if_open=True)
    assert balances(recovery=recovery).to_recover == 20000


# --- a receipt sent again is stored once ------------------------------------------------------

BON = PNG_SCREENSHOT + b"bon van de glazenmaker"
OFFERTE = PNG_SCREENSHOT + b"offerte voor een camera"


def _stored(data):
    import hashlib

    from models.cases import Evidence

    return Evidence.select().where(Evidence.sha256 == hashlib.sha256(data).hexdigest()).count()


def _send(client, path, token, description, amount, files):
    return client.post(
        path,
        data={
            "token": token,
            "category": "property",
            "description": description,
            "amount": amount,
            "receipts": [(io.BytesIO(data), name) for name, data in files],
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_a_claim_sent_again_stores_its_receipt_once_and_keeps_what_is_new(app, damage_case, people, login):
    victim = app.test_client()
    login(victim, people[Role.COUNCIL_MEMBER])
    path = f"/mijn-meldingen/{damage_case.reference}/schade"
    token = _token(victim, path)
    first = _send(victim, path, token, "Kapotte ruit", "349,95", [("bon.png", BON)])
    assert first.status_code == 200 and "stond al" not in first.get_data(as_text=True)
    # The browser sends the same form again (back button, a second click), now with one more file.
    files_on_disk = len(list(__import__("pathlib").Path(app.config["UPLOAD_PATH"]).iterdir()))
    again = _send(victim, path, token, "Kapotte ruit", "349,95", [("bon.png", BON), ("offerte.png", OFFERTE)])
    assert len(list(__import__("pathlib").Path(app.config["UPLOAD_PATH"]).iterdir())) == files_on_disk + 1
    page = again.get_data(as_text=True)
    assert again.status_code == 200
    assert "Het bestand bon.png stond al bij deze melding. Het is niet nog een keer opgeslagen." in page
    assert "Het bestand offerte.png stond al" not in page  # only the file that was there
    db.connect(reuse_if_open=True)
    assert (_stored(BON), _stored(OFFERTE)) == (1, 1)
    [item] = damages.DamageItem.select()
    assert sorted(r.evidence.filename for r in item.receipts) == ["bon.png", "offerte.png"]  # nothing lost
    assert balances(case=damage_case).claimed == 34995  # one item, claimed once


def test_a_new_claim_with_a_receipt_already_there_is_saved_whole(app, damage_case, people, login):
    victim = app.test_client()
    login(victim, people[Role.COUNCIL_MEMBER])
    path = f"/mijn-meldingen/{damage_case.reference}/schade"
    _send(victim, path, _token(victim, path), "Kapotte ruit", "349,95", [("bon.png", BON)])
    response = _send(
        victim, path, _token(victim, path), "Nieuwe deurmat", "25", [("bon-kopie.png", BON), ("bon-kopie-2.png", BON)]
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Uw schadeclaim is ingediend." in page
    assert "Het bestand bon-kopie.png stond al bij deze melding." in page
    assert "Het bestand bon-kopie-2.png stond al bij deze melding." in page
    assert page.count("Wordt beoordeeld") == 2 and "Nieuwe deurmat" in page and "€ 25,00" in page
    db.connect(reuse_if_open=True)
    assert _stored(BON) == 1 and balances(case=damage_case).claimed == 34995 + 2500


def test_the_same_file_chosen_twice_in_one_form_is_stored_once(app, damage_case, people, login):
    clerk = app.test_client()
    login(clerk, people[Role.CLERK])
    path = f"/zaken/{damage_case.reference}/schade"
    response = _send(
        clerk, path, _token(clerk, path), "Advocaat", "100", [("factuur.png", OFFERTE), ("factuur (1).png", OFFERTE)]
    )
    assert "Het bestand factuur (1).png stond al bij deze melding." in response.get_data(as_text=True)
    db.connect(reuse_if_open=True)
    [item] = damages.DamageItem.select()
    assert _stored(OFFERTE) == 1 and [r.evidence.filename for r in item.receipts] == ["factuur.png"]


def test_a_copy_stored_at_the_same_moment_is_not_linked_twice(damage_case, people, db_session):
    """Two sends at once both stored the file before either linked it: the item takes one."""
    import hashlib

    from models.cases import Evidence

    victim = people[Role.COUNCIL_MEMBER]
    copies = [
        Evidence.create(
            case=damage_case,
            filename=f"bon{n}.png",
            content_type="image/png",
            size=len(BON),
            sha256=hashlib.sha256(BON).hexdigest(),
            storage_name=f"{n}" * 32,
            uploaded_by=victim,
        )
        for n in (1, 2)
    ]
    item = damages.submit_item(
        damage_case, Category.PROPERTY, "ruit", 1000, victim, token="t" * 32, receipts=copies[:1]
    )
    damages.submit_item(damage_case, Category.PROPERTY, "ruit", 1000, victim, token="t" * 32, receipts=copies[1:])
    assert [r.evidence_id for r in item.receipts] == [copies[0].id]


# --- a late payment has its own mail ----------------------------------------------------------


def test_a_late_payment_mail_says_only_that_a_payment_is_late_with_a_link(
    app, damage_case, people, mailbox, clock_at, db_session
):
    from models.accounts import User

    case, finance = damage_case, people[Role.FINANCE_OFFICER]
    english = User.get_by_id(people[Role.MUNICIPAL_SECRETARY].id)
    english.locale = "en"
    english.save()
    _claim_and_approve(case, people, amounts=(12345,))
    [perpetrator] = damages.liable_perpetrators(case)
    [recovery] = damages.start_recovery(case, {perpetrator.id: 12345}, TODAY, finance)
    db.close()
    mailbox.messages.clear()
    clock_at(days=(TODAY - clock.to_local(clock.utcnow()).date()).days + 200)
    _run_reminders(app)
    finance_mails = mailbox.to(finance.email)
    assert {m["Subject"] for m in finance_mails} == {"Een betaling is te laat in Veilig Bestuur"}
    bodies = [m.get_content() for m in finance_mails]
    assert sorted("Stuur nu een aanmaning" in b for b in bodies) == [False, True]
    [escalation] = mailbox.to(english.email)
    assert escalation["Subject"] == "Note: a payment is long overdue in Veilig Bestuur"
    for message in finance_mails + [escalation]:
        body = message["Subject"] + message.get_content()
        assert (
            "Een veroorzaker heeft een schadevergoeding niet op tijd betaald." in body or "has still not paid" in body
        )
        assert "termijn" not in body.lower()  # not the generic deadline text
        for detail in (case.reference, recovery.payment_reference, "Piet Boos", "123,45", "123.45", "Kerkstraat"):
            assert detail not in body
    assert "/financien" in bodies[0] and "/schade/beoordelen" in escalation.get_content()


def test_every_field_on_the_finance_page_has_its_own_id(app, recovering, people, login):
    """The page holds a payout form and, per recovery, forms for payment, arrangement, write-off,
    refund, correction and steps: each label must lead to its own field, not the first of its name."""
    import re

    case, recovery, finance = recovering
    page = finance.get(f"/financien/{case.reference}").get_data(as_text=True)
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', page)
    assert f"betaling-{recovery.id}-amount" in ids and "amount" in ids  # a recovery's payment, and the payout
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert set(re.findall(r'<label[^>]*\bfor="([^"]+)"', page)) <= set(ids)


def test_the_amount_to_recover_is_corrected_only_with_its_own_form(app, recovering, people, login):
    """One way to change the amount to recover: the correction form, which also sets a due date.
    The ledger's per-entry "Corrigeren" is not offered for it, and posting it anyway finds nothing."""
    import re

    case, recovery, finance = recovering
    page = finance.get(f"/financien/{case.reference}").get_data(as_text=True)
    to_recover = LedgerEntry.get((LedgerEntry.recovery == recovery.id) & (LedgerEntry.kind == "to_recover"))
    payment = LedgerEntry.get((LedgerEntry.recovery == recovery.id) & (LedgerEntry.kind == "recovered"))
    assert f"/boeking/{payment.id}/corrigeren" in page  # a payment can still be corrected on its own
    assert f"/boeking/{to_recover.id}/corrigeren" not in page and "Bedrag te verhalen corrigeren" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    response = finance.post(
        f"/financien/{case.reference}/boeking/{to_recover.id}/corrigeren",
        data={"reason": "verkeerd", **({"csrf_token": token.group(1)} if token else {})},
    )
    assert response.status_code == 404
    assert not LedgerEntry.select().where(LedgerEntry.reverses == to_recover.id).exists()


# --- who may claim, and the instalments: the rules in models.damages -------------------------------


def test_the_victim_and_the_handlers_claim_damages_and_nobody_else_whichever_path(
    damage_case, people, db_session, create_user
):
    """§6.4: the victim (or who filed for them) and those who handle the case ask for damages; who is
    only informed (the mayor, the security officer), the assessor and the finance officer do not."""
    from models.cases import NotAllowed
    from models.visibility import case_access

    case = damage_case
    assert damages.may_claim(people[Role.COUNCIL_MEMBER], case) and damages.may_claim(people[Role.CLERK], case)
    for role in (Role.MAYOR, Role.SECURITY_OFFICER, Role.MUNICIPAL_SECRETARY, Role.FINANCE_OFFICER):
        person = people[role]
        assert not damages.may_claim(person, case), (role, case_access(person, case))
        with pytest.raises(NotAllowed):
            damages.submit_item(case, Category.PROPERTY, "ruit", 1000, person)
    assert not damages.may_claim(create_user(Role.ALDERMAN), case)
    assert balances(case=case).claimed == 0 and not damages.DamageItem.select().exists()
    damages.submit_item(case, Category.PROPERTY, "ruit", 1000, people[Role.CLERK])  # a handler, for the victim
    damages.submit_item(case, Category.PROPERTY, "taxi", 2000, people[Role.COUNCIL_MEMBER])
    assert balances(case=case).claimed == 3000


def test_an_arrangement_splits_what_is_outstanding_into_equal_instalments(damage_case, people, db_session):
    case, finance = damage_case, people[Role.FINANCE_OFFICER]
    _claim_and_approve(case, people, amounts=(10001,))
    [perpetrator] = damages.liable_perpetrators(case)
    [recovery] = damages.start_recovery(case, {perpetrator.id: 10001}, TODAY, finance)
    assert damages.instalment_schedule(10001, TODAY, count=3, every_days=30) == [
        (TODAY, 3334),
        (TODAY + dt.timedelta(days=30), 3334),
        (TODAY + dt.timedelta(days=60), 3333),
    ]
    assert damages.instalment_schedule(2, TODAY, count=3, every_days=7) == [
        (TODAY, 1),
        (TODAY + dt.timedelta(days=7), 1),
    ]
    for count, every_days in ((0, 30), (3, 0)):
        with pytest.raises(LedgerRefused) as refused:
            damages.agree_instalments(recovery, TODAY, count, every_days, finance)
        assert refused.value.message == "Elke termijn heeft een datum en een bedrag hoger dan nul."
    damages.agree_instalments(recovery, TODAY, 3, 30, finance)
    assert [(i.due_on, unpaid) for i, unpaid in damages.instalment_state(recovery)] == [
        (TODAY, 3334),
        (TODAY + dt.timedelta(days=30), 3334),
        (TODAY + dt.timedelta(days=60), 3333),
    ]
    damages.record_payment(recovery, 10001, TODAY, "BANK-1", finance)
    with pytest.raises(LedgerRefused) as refused:  # nothing outstanding: nothing to arrange
        damages.agree_instalments(recovery, TODAY, 3, 30, finance)
    assert refused.value.message == "Elke termijn heeft een datum en een bedrag hoger dan nul."
