"""Data that does not live forever (AVG): when a period ends, narrative, identities and evidence go
and the structured, anonymous facts the yearly report needs stay; a legal hold keeps a case; a dry
run changes nothing; what went leaves a tombstone; the security officer can give a perpetrator
everything the portal holds about them."""

import base64
import datetime as dt
import pathlib
import re
import zlib
from collections import Counter

import peewee
import pytest

from models import (
    aftercare,
    audit,
    cases,
    casework,
    clock,
    communication,
    consent,
    damages,
    evidence,
    measures,
    perpetrators,
    police,
    retention,
    settings,
    tombstones,
)
from models.accounts import Role, User
from models.aftercare import Conversation, Outcome, Referral, ReferralKind
from models.audit import AuditCheckpoint, AuditEntry
from models.cases import Case, CaseEvent, Draft, EventKind, Evidence, OnlineEntry
from models.communication import Statement
from models.damages import Category, DamageItem, DamageReceipt, Decision, LedgerEntry, RecoveryStep, StepKind
from models.db import db
from models.measures import Measure, MeasureType
from models.perpetrators import Perpetrator
from models.police import InvestigationStatus, PoliceReport
from models.retention import LegalHold, Tombstone
from models.schema import MODELS
from tests.conftest import PNG_SCREENSHOT

NARRATIVE = "Hij schreef dat hij mij thuis aan de Dorpsweg 12 weet te vinden."
VICTIM = "Raadslid Jansen"
MONTH = dt.timedelta(days=30)


@pytest.fixture
def people(create_user):
    return {
        role: create_user(role, name=name)
        for role, name in (
            (Role.COUNCIL_MEMBER, VICTIM),
            (Role.CLERK, "Griffier De Boer"),
            (Role.MAYOR, "Burgemeester Van Dam"),
            (Role.SECURITY_OFFICER, "Veiligheid Smit"),
            (Role.MUNICIPAL_SECRETARY, "Secretaris Visser"),
            (Role.FINANCE_OFFICER, "Financiën Kok"),
            (Role.ADMIN, "Beheer Mulder"),
        )
    }


def _client(app, login, user, fresh=False):
    """One logged-in client per person (each login uses up a TOTP time step)."""
    clients = app.extensions.setdefault("retention_test_clients", {})
    if fresh or user.id not in clients:
        clients[user.id] = app.test_client()
        assert login(clients[user.id], user).status_code == 302
    return clients[user.id]


def _connect(app):
    with app.app_context():
        db.connect(reuse_if_open=True)


def _store_file(app, case, user) -> Evidence:
    stored = evidence.store(PNG_SCREENSHOT, app.config["UPLOAD_PATH"], 10 * 1024 * 1024)
    return Evidence.create(
        case=case,
        filename="bon.png",
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        storage_name=stored.storage_name,
        uploaded_by=user,
    )


def _full_case(app, people, login, file_report, *, close=True) -> Case:
    """A case with everything: narrative, location, perpetrator, online entry, evidence, notes and
    messages, aftercare, a referral, a measure, a police report, a claim with a receipt, a recovery."""
    victim, clerk = people[Role.COUNCIL_MEMBER], people[Role.CLERK]
    finance, secretary = people[Role.FINANCE_OFFICER], people[Role.MUNICIPAL_SECRETARY]
    reference = file_report(
        _client(app, login, victim),
        narrative=NARRATIVE,
        perpetrator_name="Piet Boos",
        sender_account="@boos_piet",
        urls="https://x.example/status/1",
    )
    _connect(app)
    case = Case.get(Case.reference == reference)
    Case.update(location="Dorpsweg 12, Demodorp").where(Case.id == case.id).execute()
    cases.add_event(case, clerk, EventKind.NOTE, body="Interne notitie: Jansen is erg geschrokken.")
    cases.add_event(case, victim, EventKind.MESSAGE_FROM_REPORTER, body="Bericht van de melder zelf.")
    OnlineEntry.update(note="Account lijkt nep").where(OnlineEntry.case == case.id).execute()
    perpetrator = perpetrators.link_case(
        case, name="Piet Boos", birth_date="1980-02-03", address="Kerkstraat 9", actor=clerk
    )
    first = Conversation.get((Conversation.case == case.id) & (Conversation.number == 1))  # planned at filing
    aftercare.record_outcome(
        first, Outcome.HELD, people[Role.MAYOR], held_at=clock.utcnow(), notes="Vertrouwelijk: slaapt slecht."
    )
    aftercare.add_referral(case, ReferralKind.SLACHTOFFERHULP, clerk, note="Belt zelf met Slachtofferhulp.")
    measure = measures.propose(
        case,
        MeasureType.WARNING_WRITTEN,
        clerk,
        reasons="Dreigende berichten aan een raadslid.",
        description="Waarschuwingsbrief.",
        perpetrator=perpetrator,
    )
    measures.decide(measure, clerk, reasons="Ik waarschuw u: dit moet stoppen.", unheard_reason="Spoed.")
    measures.record_advice(measure, "Advies: camera bij de voordeur.", people[Role.SECURITY_OFFICER])
    report = police.file(
        case, clerk, filed_on=clock.to_local(clock.utcnow()).date(), registration_number="PL0900-2026-77"
    )
    police.update_status(
        report, InvestigationStatus.WITH_PROSECUTOR, clerk, decision="Het OM vervolgt.", outcome="Zitting in maart."
    )
    consent.withdraw(case, consent.Purpose.POLICE_REPORT, victim, how=consent.How.PORTAL)  # after the report
    receipt = _store_file(app, case, victim)
    item = damages.submit_item(case, Category.PROPERTY, "Ruit aan de Dorpsweg 12", 34995, victim, receipts=[receipt])
    damages.assess(item, Decision.PARTIAL, secretary, approved_cents=30000, reason="Alleen de ruit, niet de gordijnen.")
    today = clock.to_local(clock.utcnow()).date()
    damages.record_reimbursement(case, 30000, today, "BET-1", finance)
    [recovery] = damages.start_recovery(case, {perpetrator.id: 30000}, today + dt.timedelta(days=30), finance)
    damages.record_step(recovery, StepKind.LETTER_SENT, today, finance, note="Brief naar Kerkstraat 9.")
    damages.record_payment(recovery, 10000, today, "BANK-1", finance)
    consent.give(case, consent.Purpose.PUBLIC_STATEMENT, victim, how=consent.How.PORTAL)
    communication.record_statement(
        case,
        people[Role.MAYOR],
        made_on=today,
        medium=communication.Medium.INTERVIEW,
        made_by="Burgemeester De Vries",
        text="Wij staan achter raadslid Jansen.",
    )
    if close:
        casework.close(case, clerk, reason="Afgehandeld met de melder.")
    return Case.get_by_id(case.id)


# Case-linked models whose encrypted texts outlive the case's anonymisation, and why.
OWN_RETENTION = {
    "OnlineAccount": "the perpetrator register: its own period (register_retention_months)",
    "Disrupter": "the meeting log: its own rule (models.retention, Kind.MEETING; tests/test_meetings.py)",
    "HomeScreening": "the office holder's home screening (models.prevention), not the case",
}


def _texts_left(case_id: int) -> dict:
    """Every encrypted text that still holds something and belongs to the case: on a model with a
    link to the case, or one link further (a measure's hearing, a recovery's step). Walks the schema,
    so a model added later is checked without changing this test."""
    from models.crypto import EncryptedTextField

    def rows_of(model, depth=0):
        for field in model._meta.sorted_fields:
            if isinstance(field, peewee.ForeignKeyField) and field.rel_model is Case:
                return model.select().where(field == case_id)
        if depth == 0:
            for field in model._meta.sorted_fields:
                if isinstance(field, peewee.ForeignKeyField) and field.rel_model is not User:
                    parents = rows_of(field.rel_model, depth + 1)
                    if parents is not None:
                        return model.select().where(field.in_(parents.select(field.rel_model._meta.primary_key)))
        return None

    left = {}
    for model in MODELS:
        texts = [f for f in model._meta.sorted_fields if isinstance(f, EncryptedTextField)]
        rows = rows_of(model) if texts and model.__name__ not in OWN_RETENTION else None
        for row in rows if rows is not None else []:
            for field in texts:
                if getattr(row, field.name):
                    left.setdefault(model.__name__, set()).add(field.name)
    return left


def _snapshot() -> dict:
    """Every row of every table, as stored (encrypted columns as ciphertext)."""
    return {
        model._meta.table_name: db.execute_sql(f'SELECT * FROM "{model._meta.table_name}" ORDER BY 1').fetchall()  # noqa: S608
        for model in MODELS
    }


def _files(app) -> dict[str, bytes]:
    folder = pathlib.Path(app.config["UPLOAD_PATH"])
    return {path.name: path.read_bytes() for path in folder.iterdir()} if folder.is_dir() else {}


def _case_facts(case_id: int) -> tuple:
    keep = [
        Case.reference,
        Case.year,
        Case.number,
        Case.kind,
        Case.status,
        Case.reporter_role,
        Case.reporter_is_former,
        Case.behaviour_class,
        Case.behaviours,
        Case.after_addressed,
        Case.recurring,
        Case.advice,
        Case.target,
        Case.occurred_at,
        Case.channel,
        Case.platform,
        Case.perpetrator_known,
        Case.perpetrator_acts_for,
        Case.injury_physical,
        Case.injury_mental,
        Case.property_damage,
        Case.created_at,
        Case.closed_at,
    ]
    return Case.select(*keep).where(Case.id == case_id).tuples().get()


def yearly_figures() -> dict:
    """What the yearly report counts, straight from the tables: incidents by class, month, channel,
    reporter group and target; measures by type and state; police status; aftercare; money by year."""
    figures: Counter = Counter()
    for case in Case.select():
        month = clock.to_local(case.created_at).strftime("%Y-%m")
        figures["class", case.behaviour_class, month] += 1
        figures["channel", case.channel, month] += 1
        figures["reporter", case.reporter_role, case.reporter_is_former, month] += 1
        figures["target", case.target] += 1
        figures["kind", case.kind] += 1
    for measure in Measure.select():
        figures["measure", measure.type, measure.state] += 1
    for report in PoliceReport.select():
        figures["police", report.status] += 1
    for conversation in Conversation.select():
        figures["aftercare", conversation.number, conversation.outcome, conversation.on_time] += 1
    for referral in Referral.select():
        figures["referral", referral.kind, referral.status] += 1
    years = {entry.booked_on.year for entry in LedgerEntry.select()}
    money = {year: damages.balances(year=year) for year in years}
    return {"counts": dict(figures), "money": money}


def _pdf_text(data: bytes) -> str:
    """The text in a PDF's content streams (reportlab: ASCII85 + Flate), for assertions."""
    text = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        for decode in (
            lambda b: zlib.decompress(base64.a85decode(b.strip().removesuffix(b"~>"))),
            zlib.decompress,
            lambda b: b,
        ):
            try:
                text.append(decode(raw).decode("latin-1"))
                break
            except Exception:  # noqa: S112 - try the next decoding
                continue
    return "\n".join(text)


# --- a closed case past its retention ---------------------------------------------------------------


def test_a_closed_case_past_its_retention_keeps_its_facts_and_loses_everything_personal(
    app, people, login, file_report, monkeypatch
):
    case = _full_case(app, people, login, file_report)
    victim = people[Role.COUNCIL_MEMBER]
    facts, figures = _case_facts(case.id), yearly_figures()
    money = damages.balances(case=case)
    stored = {e.storage_name for e in Evidence.select().where(Evidence.case == case.id)}
    assert len(stored) == 2  # the screenshot from the report and the receipt
    before = _files(app)
    overwritten = {}
    real_unlink = pathlib.Path.unlink

    def unlink_spy(path, *args, **kwargs):  # what is on disk at the moment the file is removed
        overwritten[path.name] = path.read_bytes()
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "unlink", unlink_spy)
    result = retention.apply(clock.utcnow() + 25 * MONTH, upload_dir=app.config["UPLOAD_PATH"])
    assert result.counts[retention.Kind.CLOSED_CASE] == 1

    # Evidence: rows gone, files overwritten (same size, other bytes) before they were unlinked.
    assert not Evidence.select().where(Evidence.case == case.id).exists()
    assert not DamageReceipt.select().exists()
    for name in stored:
        assert not (pathlib.Path(app.config["UPLOAD_PATH"]) / name).exists()
        assert len(overwritten[name]) == len(before[name]) and overwritten[name] != before[name]

    case = Case.get_by_id(case.id)
    assert (
        case.narrative,
        case.location,
        case.perpetrator_name,
        case.perpetrator_birth_date,
        case.perpetrator_address,
        case.perpetrator_description,
        case.perpetrator_organisation,
    ) == (None,) * 7
    raw = db.execute_sql(
        'SELECT "narrative", "location", "perpetrator_name" FROM "case" WHERE "id" = %s'.replace("%s", db.param),
        (case.id,),
    ).fetchone()
    assert raw == (None, None, None)
    placeholder = User.get_by_id(case.reporter_id)
    assert case.filed_by_id == placeholder.id and placeholder.name == "Geanonimiseerd" and not placeholder.is_active
    assert not placeholder.can_log_in and case.assigned_to_id is None
    assert [e.body for e in CaseEvent.select().where(CaseEvent.case == case.id)] == [None] * CaseEvent.select().where(
        CaseEvent.case == case.id
    ).count()
    assert not CaseEvent.select().where((CaseEvent.case == case.id) & (CaseEvent.actor == victim.id)).exists()
    assert not Draft.select().where(Draft.case == case.id).exists()
    entry = OnlineEntry.get(OnlineEntry.case == case.id)
    assert (entry.sender_account, entry.urls, entry.note, entry.platform) == (None, None, None, "X")
    assert {c.notes for c in Conversation.select().where(Conversation.case == case.id)} == {None}
    assert Referral.get(Referral.case == case.id).note is None
    measure = Measure.get(Measure.case == case.id)
    assert (measure.description, measure.reasons, measure.security_advice) == (None, None, None)
    assert (measure.decision_reasons, measure.unheard_reason) == (None, None)
    report = PoliceReport.get(PoliceReport.case == case.id)
    assert (report.prosecutor_decision, report.outcome, report.registration_number) == (None, None, "")
    assert report.consent_recorded_by_id == placeholder.id
    # The consent's history stays (what was done, and when, under which consent), no longer tied to the victim.
    assert [(r.purpose, r.given, r.actor_id) for r in consent.history(case)] == [
        ("police_report", True, placeholder.id),
        ("police_report", False, placeholder.id),
        ("public_statement", True, placeholder.id),
    ]
    item = DamageItem.get(DamageItem.case == case.id)
    assert item.description == "" and item.submitted_by_id == placeholder.id
    assert {e.reason for e in LedgerEntry.select().where(LedgerEntry.case == case.id)} == {None}
    assert {s.note for s in RecoveryStep.select()} == {None}
    statement = Statement.get(Statement.case == case.id)
    assert (statement.made_by, statement.text, statement.medium) == ("", "", "interview")
    assert _texts_left(case.id) == {}

    # The facts stay: the case's structured fields, every figure of the yearly report, every amount.
    assert _case_facts(case.id) == facts
    assert yearly_figures() == figures
    assert damages.balances(case=case) == money
    assert (measure.type, report.status) == ("warning_written", "with_prosecutor")

    # What went is recorded, and audited; the chain holds.
    stones = {(t.kind, t.object_type, t.object_id, t.rule) for t in Tombstone.select()}
    assert ("closed_case", "case", str(case.id), "retention_closed_case_months=24") in stones
    assert len([s for s in stones if s[:2] == ("evidence", "evidence")]) == 2
    assert (
        AuditEntry.select()
        .where((AuditEntry.action == "case_anonymised") & (AuditEntry.object_id == str(case.id)))
        .exists()
    )
    assert AuditEntry.select().where(AuditEntry.action == "retention_applied").exists()
    assert audit.verify_chain().intact

    # Done is done: a second run finds nothing more for this case.
    assert retention.plan(clock.utcnow() + 26 * MONTH).closed_cases == []


def test_a_case_closed_recently_or_still_open_is_left_alone(app, people, login, file_report):
    open_case = _full_case(app, people, login, file_report, close=False)
    closed = _full_case(app, people, login, file_report)
    before = _snapshot()
    plan = retention.plan(clock.utcnow() + 23 * MONTH)
    assert plan.closed_cases == [] and plan.evidence == []
    retention.apply(clock.utcnow() + 23 * MONTH, upload_dir=app.config["UPLOAD_PATH"])
    after = _snapshot()
    for table in ("case", "case_event", "evidence", "measure", "police_report", "damage_item"):
        assert after[table] == before[table], table
    assert Case.get_by_id(open_case.id).narrative == NARRATIVE and Case.get_by_id(closed.id).narrative == NARRATIVE


def test_evidence_of_an_open_case_goes_after_its_own_period_and_nothing_else_does(app, people, login, file_report):
    case = _full_case(app, people, login, file_report, close=False)
    names = {e.storage_name for e in Evidence.select().where(Evidence.case == case.id)}
    plan = retention.plan(clock.utcnow() + 37 * MONTH)
    assert len(plan.evidence) == 2 and plan.closed_cases == []
    retention.apply(clock.utcnow() + 37 * MONTH, upload_dir=app.config["UPLOAD_PATH"])
    assert not Evidence.select().where(Evidence.case == case.id).exists()
    assert not names & set(_files(app))
    assert Case.get_by_id(case.id).narrative == NARRATIVE  # the case itself is still open: kept
    assert (
        Tombstone.select()
        .where((Tombstone.kind == "evidence") & (Tombstone.rule == "retention_evidence_months=36"))
        .count()
        == 2
    )


def test_a_closed_case_is_kept_until_the_same_calendar_date_its_months_later(
    app, people, login, file_report, monkeypatch
):
    """Closed on 31 August 2024 and kept 24 months: until 31 August 2026, not 24 x 30 days (21 August)."""
    reference = file_report(_client(app, login, people[Role.COUNCIL_MEMBER]))
    _connect(app)
    case = Case.get(Case.reference == reference)
    with monkeypatch.context() as closing_day:
        closing_day.setattr(clock, "utcnow", lambda: dt.datetime(2024, 8, 31, 10, 0))
        casework.close(case, people[Role.CLERK], reason="Afgehandeld met de melder.")

    assert retention.plan(dt.datetime(2026, 8, 25, 12, 0)).closed_cases == []
    retention.apply(dt.datetime(2026, 8, 31, 9, 59), upload_dir=app.config["UPLOAD_PATH"])
    assert Case.get_by_id(case.id).narrative is not None
    assert retention.plan(dt.datetime(2026, 8, 31, 10, 1)).closed_cases == [case.id]
    retention.apply(dt.datetime(2026, 8, 31, 10, 1), upload_dir=app.config["UPLOAD_PATH"])
    assert Case.get_by_id(case.id).narrative is None


def test_a_failure_half_way_leaves_the_case_as_it_was(app, people, login, file_report, monkeypatch):
    case = _full_case(app, people, login, file_report)
    before, files = _snapshot(), _files(app)
    real = tombstones.record

    def fail_on_the_case(kind, object_type, object_id, rule, now):
        if object_type == "case":
            raise RuntimeError("disk full")
        return real(kind, object_type, object_id, rule, now)

    monkeypatch.setattr(tombstones, "record", fail_on_the_case)
    with pytest.raises(RuntimeError):
        retention.apply(clock.utcnow() + 25 * MONTH, upload_dir=app.config["UPLOAD_PATH"])
    assert _snapshot() == before
    assert _files(app) == files
    assert Case.get_by_id(case.id).narrative == NARRATIVE


# --- legal hold --------------------------------------------------------------------------------------


def test_a_held_case_is_untouched_and_the_hold_shows_on_the_case(app, people, login, file_report):
    case = _full_case(app, people, login, file_report)
    clerk = _client(app, login, people[Role.CLERK])
    page = clerk.get(f"/zaken/{case.reference}").get_data(as_text=True)
    assert "Melding bewaren" in page
    response = clerk.post(f"/zaken/{case.reference}/bewaren", data={"reason": ""})
    assert response.status_code == 422 and "Schrijf op waarom deze melding bewaard moet blijven." in response.get_data(
        as_text=True
    )
    page = clerk.post(
        f"/zaken/{case.reference}/bewaren", data={"reason": "De strafzaak loopt nog."}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Deze melding wordt bewaard." in page and "De strafzaak loopt nog." in page and "Griffier De Boer" in page
    mayor = _client(app, login, people[Role.MAYOR])  # informed: sees the hold, cannot lift it
    page = mayor.get(f"/zaken/{case.reference}").get_data(as_text=True)
    assert "Deze melding wordt bewaard." in page and "Niet langer bewaren" not in page
    assert mayor.post(f"/zaken/{case.reference}/bewaren/opheffen", data={"reason": "x"}).status_code == 404

    _connect(app)
    settings.change("retention_evidence_months", 12, None)  # its files are due too
    before, files = _snapshot(), _files(app)
    plan = retention.plan(clock.utcnow() + 30 * MONTH)
    assert plan.closed_cases == [] and plan.evidence == [] and plan.held_cases == 1
    retention.apply(clock.utcnow() + 30 * MONTH, upload_dir=app.config["UPLOAD_PATH"])
    after = _snapshot()
    for table in (
        "case",
        "case_event",
        "online_entry",
        "evidence",
        "conversation",
        "referral",
        "measure",
        "police_report",
        "damage_item",
        "damage_receipt",
        "ledger_entry",
        "recovery_step",
        "legal_hold",
    ):
        assert after[table] == before[table], table
    assert set(files) <= set(_files(app))

    page = clerk.post(
        f"/zaken/{case.reference}/bewaren/opheffen", data={"reason": "Uitspraak is gedaan."}, follow_redirects=True
    ).get_data(as_text=True)
    assert "niet langer extra bewaard" in page
    _connect(app)
    actions = [e.action for e in AuditEntry.select().where(AuditEntry.object_id == str(case.id))]
    assert "legal_hold_placed" in actions and "legal_hold_lifted" in actions
    retention.apply(clock.utcnow() + 30 * MONTH, upload_dir=app.config["UPLOAD_PATH"])
    assert Case.get_by_id(case.id).narrative is None
    hold = LegalHold.get(LegalHold.case == case.id)
    assert (hold.reason, hold.lift_reason) == (None, None) and hold.lifted_at is not None


# --- dry run ---------------------------------------------------------------------------------------


def test_the_dry_run_changes_nothing_and_counts_what_would_go(app, people, login, file_report):
    case = _full_case(app, people, login, file_report)
    draft = cases.new_draft(people[Role.COUNCIL_MEMBER], cases.CaseKind.REPORT)
    for n in range(3):
        audit.record("login", actor_id=n)
    AuditEntry.update(at=clock.utcnow() - 40 * MONTH).where(AuditEntry.id <= 3).execute()
    later = clock.utcnow() + 25 * MONTH
    before, files = _snapshot(), _files(app)

    plan = retention.plan(later)
    counts = plan.counts()
    assert plan.closed_cases == [case.id] and plan.drafts == [draft.id]
    assert counts[retention.Kind.CLOSED_CASE] == 1 and counts[retention.Kind.DRAFT] == 1
    assert counts[retention.Kind.REGISTER] == 1  # Piet Boos: linked 25 months ago, register keeps 24
    assert counts[retention.Kind.AUDIT] == 3  # the first three entries, 40 months old
    assert _snapshot() == before and _files(app) == files

    db.close()
    result = app.test_cli_runner().invoke(args=["retention", "--dry-run"])
    assert result.exit_code == 0 and "Would go (dry run):" in result.output
    _connect(app)
    assert _snapshot() == before and _files(app) == files


def test_the_cli_runs_the_retention(app, people, login, file_report):
    _connect(app)
    draft = cases.new_draft(people[Role.COUNCIL_MEMBER], cases.CaseKind.REPORT)
    Draft.update(updated_at=clock.utcnow() - 31 * dt.timedelta(days=1)).where(Draft.id == draft.id).execute()
    db.close()
    result = app.test_cli_runner().invoke(args=["retention"])
    assert result.exit_code == 0 and "draft        1" in result.output
    _connect(app)
    assert not Draft.select().where(Draft.id == draft.id).exists()


# --- drafts never submitted --------------------------------------------------------------------------


def test_drafts_never_submitted_are_purged_with_their_files(app, people, login, file_report):
    victim = people[Role.COUNCIL_MEMBER]
    _connect(app)
    old, recent = cases.new_draft(victim, cases.CaseKind.REPORT), cases.new_draft(victim, cases.CaseKind.REPORT)
    cases.save_draft_values(old, {"narrative": "Half af verhaal"})
    upload = _store_file(app, None, victim)
    Evidence.update(draft=old.id).where(Evidence.id == upload.id).execute()
    Draft.update(updated_at=clock.utcnow() - dt.timedelta(days=31)).where(Draft.id == old.id).execute()
    submitted = Case.get(Case.reference == file_report(_client(app, login, victim)))
    _connect(app)
    Draft.update(updated_at=clock.utcnow() - dt.timedelta(days=400)).where(Draft.case == submitted.id).execute()

    retention.apply(clock.utcnow(), upload_dir=app.config["UPLOAD_PATH"])
    assert not Draft.select().where(Draft.id == old.id).exists()
    assert not Evidence.select().where(Evidence.id == upload.id).exists()
    assert upload.storage_name not in _files(app)
    assert Draft.select().where(Draft.id == recent.id).exists()
    assert Draft.select().where(Draft.case == submitted.id).exists()  # submitted: not a draft rule's business
    assert Tombstone.get(Tombstone.object_type == "draft").object_id == str(old.id)
    assert Tombstone.get(Tombstone.object_type == "evidence").rule == "retention_draft_days=30"


# --- the register ------------------------------------------------------------------------------------


def test_register_entries_past_their_retention_expire_with_a_tombstone(app, people, login, file_report):
    case = _full_case(app, people, login, file_report, close=False)
    [perpetrator] = perpetrators.linked_perpetrators(case)
    retention.apply(clock.utcnow() + 25 * MONTH, upload_dir=app.config["UPLOAD_PATH"])
    expired = Perpetrator.get_by_id(perpetrator.id)
    assert expired.name is None and expired.expired_at is not None
    assert Tombstone.get(Tombstone.object_type == "perpetrator").rule == "register_retention_months=24"
    assert Case.get_by_id(case.id).narrative == NARRATIVE  # the open case is not the register's


def test_a_register_entry_expires_with_its_tombstone_and_audit_entry_or_not_at_all(
    app, people, login, file_report, monkeypatch
):
    """A crash between anonymising an entry and recording it leaves the entry as it was; the next run
    does all of it."""
    case = _full_case(app, people, login, file_report, close=False)
    [perpetrator] = perpetrators.linked_perpetrators(case)
    real = audit.record

    def fail_on_the_expiry(action, **fields):
        if action == "perpetrator_expired":
            raise RuntimeError("disk full")
        return real(action, **fields)

    monkeypatch.setattr(audit, "record", fail_on_the_expiry)
    with pytest.raises(RuntimeError):
        retention.apply(clock.utcnow() + 25 * MONTH, upload_dir=app.config["UPLOAD_PATH"])
    entry = Perpetrator.get_by_id(perpetrator.id)
    assert (entry.name, entry.birth_date, entry.address, entry.expired_at) == (
        "Piet Boos",
        "1980-02-03",
        "Kerkstraat 9",
        None,
    )
    assert entry.identity_index == perpetrators.identity_index("Piet Boos", "1980-02-03")
    assert not Tombstone.select().where(Tombstone.object_type == "perpetrator").exists()
    assert audit.verify_chain().intact

    monkeypatch.setattr(audit, "record", real)
    result = retention.apply(clock.utcnow() + 25 * MONTH, upload_dir=app.config["UPLOAD_PATH"])
    assert result.counts[retention.Kind.REGISTER] == 1
    entry = Perpetrator.get_by_id(perpetrator.id)
    assert entry.name is None and entry.identity_index is None and entry.expired_at is not None
    assert (
        Tombstone.select()
        .where((Tombstone.object_type == "perpetrator") & (Tombstone.object_id == str(perpetrator.id)))
        .count()
        == 1
    )
    assert (
        AuditEntry.select()
        .where((AuditEntry.action == "perpetrator_expired") & (AuditEntry.object_id == str(perpetrator.id)))
        .count()
        == 1
    )
    assert audit.verify_chain().intact


# --- the audit trail ---------------------------------------------------------------------------------


def test_old_audit_entries_are_pruned_and_the_chain_still_verifies(app, db_session):
    old = [audit.record("login", actor_id=n) for n in range(1, 6)]
    AuditEntry.update(at=clock.utcnow() - 40 * MONTH).where(AuditEntry.id.in_([e.id for e in old])).execute()
    # Changing `at` broke their hashes: rebuild the chain as if they had been written then.
    _rehash_all()
    kept = [audit.record("login", actor_id=n) for n in range(6, 9)]
    assert audit.verify_chain().intact

    result = retention.apply(clock.utcnow(), upload_dir=app.config["UPLOAD_PATH"])
    assert result.counts[retention.Kind.AUDIT] == 5
    assert not AuditEntry.select().where(AuditEntry.id.in_([e.id for e in old])).exists()
    checkpoint = AuditCheckpoint.get()
    assert checkpoint.through_id == old[-1].id and checkpoint.pruned == 5
    stone = Tombstone.get(Tombstone.kind == "audit")
    assert stone.object_id == f"{old[0].id}-{old[-1].id}" and stone.rule == "retention_audit_months=36"
    report = audit.verify_chain(batch_size=2)
    assert report.intact and report.checked >= len(kept)

    # A changed row after the checkpoint is still found; so is a removed first row.
    AuditEntry.update(actor_id=99).where(AuditEntry.id == kept[1].id).execute()
    assert audit.verify_chain().first_broken_id == kept[1].id
    AuditEntry.update(actor_id=7).where(AuditEntry.id == kept[1].id).execute()
    assert audit.verify_chain().intact
    AuditEntry.delete().where(AuditEntry.id == kept[0].id).execute()
    assert audit.verify_chain().first_broken_id == kept[1].id


def _rehash_all():
    prev = audit.GENESIS
    for entry in AuditEntry.select().order_by(AuditEntry.id):
        digest = audit._digest(
            prev, entry.at, entry.actor_id, entry.action, entry.object_type, entry.object_id, entry.ip, entry.detail
        )
        AuditEntry.update(prev_hash=prev, hash=digest).where(AuditEntry.id == entry.id).execute()
        prev = digest


# --- the yearly figures ----------------------------------------------------------------------------


def test_the_yearly_figures_are_the_same_before_and_after_retention(app, people, login, file_report, create_user):
    alderman = create_user(Role.ALDERMAN, name="Wethouder Bakker")
    former = create_user(Role.COUNCIL_MEMBER, name="Oud-raadslid Smit", is_former=True)
    _full_case(app, people, login, file_report)
    for reporter, channel, behaviours in (
        (alderman, "phone", ("insulting",)),
        (former, "letter", ("threatening",)),
        (people[Role.COUNCIL_MEMBER], "face_to_face", ("hitting",)),
    ):
        reference = file_report(_client(app, login, reporter), channel=channel, behaviours=behaviours)
        _connect(app)
        casework.close(
            Case.get(Case.reference == reference),
            people[Role.CLERK] if reporter.role == "council_member" else people[Role.MAYOR],
            reason="Afgehandeld met de melder.",
        )
    held = file_report(_client(app, login, people[Role.COUNCIL_MEMBER]), channel="email")
    _connect(app)
    retention.place_hold(Case.get(Case.reference == held), "Strafzaak", people[Role.CLERK])
    figures = yearly_figures()
    assert sum(v for k, v in figures["counts"].items() if k[0] == "kind") == 5

    result = retention.apply(clock.utcnow() + 25 * MONTH, upload_dir=app.config["UPLOAD_PATH"])
    assert result.counts[retention.Kind.CLOSED_CASE] == 4
    assert yearly_figures() == figures
    assert not Case.select().where(Case.narrative.is_null(False) & Case.id.not_in(retention.held_case_ids())).exists()


# --- the admin's page ---------------------------------------------------------------------------------


def test_the_admin_sees_counts_per_kind_without_content_and_can_run_it_now(app, people, login, file_report, clock_at):
    case = _full_case(app, people, login, file_report)
    admin = _client(app, login, people[Role.ADMIN])
    page = admin.get("/beheer/bewaartermijnen").get_data(as_text=True)
    assert "Bewaartermijnen" in page and "Afgesloten meldingen" in page and "24 maanden" in page
    assert NARRATIVE not in page and case.reference not in page and "Piet Boos" not in page
    assert _client(app, login, people[Role.CLERK]).get("/beheer/bewaartermijnen").status_code == 403
    assert _client(app, login, people[Role.CLERK]).post("/beheer/bewaartermijnen/nu").status_code == 403

    clock_at(days=25 * 30)
    admin = _client(app, login, people[Role.ADMIN], fresh=True)
    page = admin.get("/beheer/bewaartermijnen").get_data(as_text=True)
    assert re.search(
        r"Afgesloten meldingen: persoonsgegevens verwijderd</td>\s*<td[^>]*>24 maanden</td>\s*<td[^>]*>1</td>", page
    )
    page = admin.post("/beheer/bewaartermijnen/nu", follow_redirects=True).get_data(as_text=True)
    assert "Het opruimen is gestart." in page
    _connect(app)
    assert Case.get_by_id(case.id).narrative is None
    run = AuditEntry.get(AuditEntry.action == "retention_applied")
    assert run.actor_id == people[Role.ADMIN].id and "closed_case=1" in run.detail
    assert AuditEntry.select().where(AuditEntry.action == "retention_run_requested").exists()


# --- inzageverzoek ------------------------------------------------------------------------------------


def test_the_inzage_pdf_lists_every_police_report_and_the_registers_online_accounts(app, people, login, file_report):
    """A case can hold several police reports (a ban not kept): the requester sees each, and the online
    accounts the register keeps about them."""
    case = _full_case(app, people, login, file_report, close=False)
    [perpetrator] = perpetrators.linked_perpetrators(case)
    victim, clerk = people[Role.COUNCIL_MEMBER], people[Role.CLERK]
    consent.give(case, consent.Purpose.POLICE_REPORT, victim, how=consent.How.PORTAL)
    police.file(
        case,
        clerk,
        filed_on=clock.to_local(clock.utcnow()).date(),
        registration_number="PL0900-2026-78",
        subject=police.ReportSubject.BAN_VIOLATED,
    )
    measure = measures.propose(
        case, MeasureType.STOP_CONVERSATION, clerk, reasons="Intern: weer boos.", perpetrator=perpetrator
    )
    measures.record_hearing(
        measure,
        clerk,
        outcome=measures.HearingOutcome.HEARD,
        held_on=clock.to_local(clock.utcnow()).date(),
        heard_by="Griffier De Boer",
        account="Ik was boos over de vergunning.",
    )
    measures.decide(measure, clerk, reasons="Wij voeren een stopgesprek met u.")
    data = retention.subject_access(people[Role.SECURITY_OFFICER], perpetrator.id)
    assert [report["status"] for report in data["cases"][0]["police"]] == ["with_prosecutor", "filed"]
    text = _pdf_text(
        _client(app, login, people[Role.SECURITY_OFFICER]).get(f"/register/{perpetrator.id}/inzage.pdf").data
    )
    assert text.count("gedaan op") == 2
    assert "Online accounts in het register" in text
    assert "Wij voeren een stopgesprek met u." in text  # the decision's own reasons
    assert "Ik was boos over de vergunning." in text and "Griffier De Boer" not in text  # their side, not who heard it
    assert data["online_accounts"], "the case's online account is on the register entry"
    for account in data["online_accounts"]:
        assert account["account"] in text


def test_the_security_officer_gets_a_pdf_with_the_perpetrators_own_data_only(app, people, login, file_report):
    case = _full_case(app, people, login, file_report, close=False)
    [perpetrator] = perpetrators.linked_perpetrators(case)
    perpetrators.record_employee_incident(
        perpetrator, dt.date(2026, 3, 1), "threat", "Schold een baliemedewerker uit.", people[Role.SECURITY_OFFICER]
    )
    path = f"/register/{perpetrator.id}/inzage.pdf"
    for role in (Role.CLERK, Role.MAYOR, Role.ADMIN, Role.COUNCIL_MEMBER, Role.FINANCE_OFFICER):
        assert _client(app, login, people[role]).get(path).status_code == 403, role
    officer = _client(app, login, people[Role.SECURITY_OFFICER])
    page = officer.get(f"/register/{perpetrator.id}").get_data(as_text=True)
    assert path in page
    response = officer.get(path)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = _pdf_text(response.data)
    for own in (
        "Piet Boos",
        "Kerkstraat 9",
        "@boos_piet",
        "Schold een baliemedewerker uit.",
        "Dreigende berichten aan een raadslid.",
        "Brief naar Kerkstraat 9.",
    ):
        assert own in text, own
    for other in (
        NARRATIVE,
        "Dorpsweg 12",
        VICTIM,
        "Vertrouwelijk",
        "Interne notitie",
        "camera bij de voordeur",
        "Slachtofferhulp",
        "Griffier De Boer",
    ):
        assert other not in text, other
    assert officer.get("/register/99999/inzage.pdf").status_code == 404
    _connect(app)
    entry = AuditEntry.get(AuditEntry.action == "subject_access_produced")
    assert entry.actor_id == people[Role.SECURITY_OFFICER].id and entry.object_id == str(perpetrator.id)


def test_a_file_left_behind_by_a_crash_is_shredded_by_the_next_run(app, db_session):
    import os

    folder = pathlib.Path(app.config["UPLOAD_PATH"])
    folder.mkdir(parents=True, exist_ok=True)
    old, fresh, other = folder / ("a" * 32), folder / ("b" * 32), folder / "leesmij.txt"
    for path in (old, fresh, other):
        path.write_bytes(b"versleuteld")
    two_days_ago = (dt.datetime.now() - dt.timedelta(days=2)).timestamp()
    os.utime(old, (two_days_ago, two_days_ago))
    os.utime(other, (two_days_ago, two_days_ago))
    retention.apply(clock.utcnow(), upload_dir=str(folder))
    assert not old.exists()
    assert fresh.exists() and other.exists()  # maybe an upload in progress; not an evidence file


def test_the_stand_in_for_anonymised_cases_is_not_an_account_the_admin_can_see_or_use(app, people, login, file_report):
    """After retention, anonymised cases point to a stand-in account. It is not a person: the admin's
    account list does not show it, and its page and actions (reactivate, send a link) do not exist."""
    _full_case(app, people, login, file_report)
    retention.apply(clock.utcnow() + 25 * MONTH, upload_dir=app.config["UPLOAD_PATH"])
    stand_in = User.get(User.email == retention.PLACEHOLDER_EMAIL)
    admin = _client(app, login, people[Role.ADMIN])
    listed = admin.get("/beheer/accounts").get_data(as_text=True)
    assert "Beheer Mulder" in listed and "Geanonimiseerd" not in listed
    assert admin.get(f"/beheer/accounts/{stand_in.id}").status_code == 404
    token = re.search(r'name="csrf_token" value="([^"]+)"', listed).group(1)
    assert admin.post(f"/beheer/accounts/{stand_in.id}/reactivate", data={"csrf_token": token}).status_code == 404
    assert not User.get_by_id(stand_in.id).is_active
