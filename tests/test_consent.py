"""The victim's consent (§6.4, §7): per purpose, given and withdrawn by the victim at any time in Mijn
meldingen or recorded by a handler (by phone, in person), with its history; no police report by any
path, no informing other office holders, no statement without the consent in force at that moment;
what was done under a consent in force stays done, and the page says so."""

import datetime as dt
import importlib.util
import pathlib

import peewee
import pytest

from models import aftercare, clock, consent, measures, notices, police, registration
from models.accounts import Role
from models.aftercare import Referral, ReferralKind
from models.audit import AuditEntry
from models.cases import Case, CaseEvent, CaseKind, NotAllowed, new_draft
from models.consent import ConsentRecord, How, Purpose
from models.db import db
from models.measures import Measure, MeasureRefused, MeasureState, MeasureType
from models.notices import Notice, NoticeKind, NoticeRefused
from models.police import PoliceReport, PoliceReportRefused


@pytest.fixture
def people(create_user):
    return {
        role: create_user(role, name=name)
        for role, name in (
            (Role.COUNCIL_MEMBER, "Raadslid Jansen"),
            (Role.CLERK, "Griffier De Boer"),
            (Role.MAYOR, "Burgemeester Van Dam"),
            (Role.SECURITY_OFFICER, "Veiligheid Smit"),
        )
    }


@pytest.fixture
def threat_case(app, db_session, people):
    """A council member's threat, filed without any consent: the clerk handles it."""

    def _file(consents=()):
        victim = people[Role.COUNCIL_MEMBER]
        draft = new_draft(victim, CaseKind.REPORT)
        return registration.file_case(draft.id, {"behaviours": ["threatening"], "consents": list(consents)})

    return _file


def _today() -> dt.date:
    return clock.to_local(clock.utcnow()).date()


# --- the matrix: purpose x given/withdrawn x path ---------------------------------------------------


def _file_police_report(case, clerk):
    police.file(case, clerk, filed_on=_today(), registration_number="PL0900-2026-1")
    return PoliceReport.select().where(PoliceReport.case == case.id).count() == 1


def _propose_police_report(case, clerk):
    measures.propose(case, MeasureType.POLICE_REPORT, clerk, reasons="Aangifte van bedreiging.")
    return Measure.select().where(Measure.case == case.id).count() == 1


def _proposed_measure(case, clerk, victim, *, decided=False):
    """A police-report measure proposed (and decided) while consent was in force, then withdrawn."""
    consent.give(case, Purpose.POLICE_REPORT, clerk, how=How.PHONE)
    measure = measures.propose(case, MeasureType.POLICE_REPORT, clerk, reasons="Aangifte van bedreiging.")
    if decided:
        measures.decide(measure, clerk, reasons="Aangifte, zoals besproken.")
    consent.withdraw(case, Purpose.POLICE_REPORT, victim, how=How.PORTAL)
    return measure


def _decide_police_report(case, clerk, measure):
    measures.decide(Measure.get_by_id(measure.id), clerk, reasons="Aangifte, zoals besproken.")
    return Measure.get_by_id(measure.id).state == MeasureState.DECIDED.value


def _carry_out_police_report(case, clerk, measure):
    measures.carry_out(Measure.get_by_id(measure.id), clerk)
    return Measure.get_by_id(measure.id).state == MeasureState.CARRIED_OUT.value


def _inform_others(case, clerk):
    notices.record(case, NoticeKind.OTHER_OFFICE_HOLDERS, clerk, _today())
    return Notice.select().where((Notice.case == case.id) & (Notice.kind == "other_office_holders")).exists()


def _ask_an_nvr_ambassador(case, clerk):
    aftercare.add_referral(case, ReferralKind.NVR, clerk, note="Ambassadeur gevraagd.")
    return Referral.select().where((Referral.case == case.id) & (Referral.kind == ReferralKind.NVR.value)).exists()


def _public_statement(case, clerk):
    consent.require(case, Purpose.PUBLIC_STATEMENT)  # the statement itself is a later issue
    return True


# path: (the purpose it needs, what it does, the refusal it raises, what is prepared beforehand)
PATHS = {
    "police panel: file a police report": (Purpose.POLICE_REPORT, _file_police_report, PoliceReportRefused, None),
    "measure 'Aangifte doen': propose": (Purpose.POLICE_REPORT, _propose_police_report, MeasureRefused, None),
    "measure 'Aangifte doen': decide": (Purpose.POLICE_REPORT, _decide_police_report, MeasureRefused, "proposed"),
    "measure 'Aangifte doen': carry out": (
        Purpose.POLICE_REPORT,
        _carry_out_police_report,
        MeasureRefused,
        "decided",
    ),
    "notice 'other office holders informed'": (Purpose.INFORM_OTHERS, _inform_others, NoticeRefused, None),
    "referral to the NVR ambassadors": (Purpose.PEER_SUPPORT, _ask_an_nvr_ambassador, NotAllowed, None),
    "public statement": (Purpose.PUBLIC_STATEMENT, _public_statement, NotAllowed, None),
}


@pytest.mark.parametrize("state", ["given", "withdrawn", "never given"])
@pytest.mark.parametrize("purpose", list(Purpose))
@pytest.mark.parametrize("path", list(PATHS))
def test_each_path_acts_only_with_its_own_consent_in_force(people, threat_case, path, purpose, state):
    needed, act, refusal, prepared = PATHS[path]
    victim, clerk = people[Role.COUNCIL_MEMBER], people[Role.CLERK]
    case = threat_case()
    args = ()
    if prepared:
        args = (_proposed_measure(case, clerk, victim, decided=prepared == "decided"),)
    if state != "never given":
        consent.give(case, purpose, victim, how=How.PORTAL)
    if state == "withdrawn":
        consent.withdraw(case, purpose, victim, how=How.PORTAL)
    before = {model: model.select().count() for model in (PoliceReport, Measure, Notice, Referral)}

    if purpose == needed and state == "given":
        assert act(case, clerk, *args)
    else:
        with pytest.raises(refusal) as refused:
            act(case, clerk, *args)
        assert refused.value.message == consent.REFUSALS[needed]  # the plain Dutch reason, whichever path
        assert {model: model.select().count() for model in before} == before  # nothing stored
        if prepared:
            assert Measure.get_by_id(args[0].id).state == args[0].state  # not one step further


def test_the_consent_counts_at_the_moment_of_acting(people, threat_case):
    victim, clerk = people[Role.COUNCIL_MEMBER], people[Role.CLERK]
    case = threat_case(consents=[Purpose.POLICE_REPORT])
    given_at = consent.history(case)[0].at
    withdrawn = consent.withdraw(case, Purpose.POLICE_REPORT, victim, how=How.PORTAL)
    assert consent.in_force(case, Purpose.POLICE_REPORT, at=given_at)
    assert not consent.in_force(case, Purpose.POLICE_REPORT, at=withdrawn.at)
    assert not consent.in_force(case, Purpose.POLICE_REPORT, at=given_at - dt.timedelta(seconds=1))
    with pytest.raises(PoliceReportRefused):
        police.file(case, clerk, filed_on=_today(), registration_number="PL-1")


# --- giving and withdrawing -------------------------------------------------------------------------


def test_a_giving_or_a_withdrawal_sent_twice_is_stored_once(people, threat_case):
    victim = people[Role.COUNCIL_MEMBER]
    case = threat_case()
    assert consent.withdraw(case, Purpose.PEER_SUPPORT, victim, how=How.PORTAL) is None  # never given: nothing
    first = consent.give(case, Purpose.PEER_SUPPORT, victim, how=How.PORTAL)
    assert consent.give(case, Purpose.PEER_SUPPORT, victim, how=How.PORTAL).id == first.id
    withdrawn = consent.withdraw(case, Purpose.PEER_SUPPORT, victim, how=How.PORTAL)
    assert consent.withdraw(case, Purpose.PEER_SUPPORT, victim, how=How.PORTAL).id == withdrawn.id
    assert [(r.given, r.how) for r in consent.history(case, Purpose.PEER_SUPPORT)] == [
        (True, "portal"),
        (False, "portal"),
    ]
    assert AuditEntry.select().where(AuditEntry.action.startswith("consent_")).count() == 2
    assert CaseEvent.select().where((CaseEvent.case == case.id) & (CaseEvent.kind == "consent")).count() == 2


def test_only_the_victim_changes_it_themselves_and_only_a_handler_records_it(people, threat_case):
    victim, clerk = people[Role.COUNCIL_MEMBER], people[Role.CLERK]
    case = threat_case()
    refused = [
        (clerk, How.PORTAL),  # Mijn meldingen is the victim's own
        (people[Role.SECURITY_OFFICER], How.PHONE),  # informed, not handling
        (people[Role.MAYOR], How.IN_PERSON),  # informed, not handling
        (victim, How.PHONE),  # nobody handles a case about themselves
        (clerk, How.IN_REPORT),  # only while filing, by who filed
        (clerk, How.RECORDED),  # only migration 0008 wrote those
    ]
    for actor, how in refused:
        with pytest.raises(NotAllowed):
            consent.give(case, Purpose.INFORM_OTHERS, actor, how=how)
    assert consent.history(case) == []
    record = consent.give(case, Purpose.INFORM_OTHERS, clerk, how=How.PHONE)
    assert (record.actor_id, record.how, record.given) == (clerk.id, "phone", True)
    with pytest.raises(NotAllowed):
        consent.withdraw(case, Purpose.INFORM_OTHERS, victim, how=How.PORTAL, at=record.at - dt.timedelta(hours=1))
    with pytest.raises(NotAllowed):
        consent.withdraw(case, Purpose.INFORM_OTHERS, victim, how=How.PORTAL, at=clock.utcnow() + dt.timedelta(hours=1))
    assert consent.in_force(case, Purpose.INFORM_OTHERS)


def test_consent_given_in_the_report_is_a_record_by_who_filed_at_filing(people, threat_case):
    case = threat_case(consents=[Purpose.POLICE_REPORT, Purpose.INFORM_OTHERS])
    rows = [(r.purpose, r.given, r.actor_id, r.how, r.at) for r in consent.history(case)]
    victim = people[Role.COUNCIL_MEMBER].id
    assert rows == [
        ("police_report", True, victim, "in_report", case.created_at),
        ("inform_others", True, victim, "in_report", case.created_at),
    ]
    report = police.file(case, people[Role.CLERK], filed_on=_today(), registration_number="PL-1")
    assert (report.consent_recorded_by_id, report.consent_recorded_at) == (victim, case.created_at)


# --- the pages ---------------------------------------------------------------------------------------


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_victim_gives_consent_to_inform_others_later_and_the_handler_may_then_inform(
    app, people, signed_in, file_report
):
    victim, clerk = signed_in(people[Role.COUNCIL_MEMBER]), signed_in(people[Role.CLERK])
    reference = file_report(victim, consent_police_report="no", consent_inform_others="no")
    own = _page(victim, f"/mijn-meldingen/{reference}")
    assert "Uw toestemming" in own and own.count("U heeft geen toestemming gegeven.") == len(Purpose)
    refused = clerk.post(
        f"/zaken/{reference}/meldingen/other_office_holders", data={"other_office_holders-done_on": _today()}
    )
    assert refused.status_code == 400

    response = victim.post(f"/mijn-meldingen/{reference}/toestemming/inform_others", data={"given": "ja"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/mijn-meldingen/{reference}#toestemming"
    )
    again = victim.post(f"/mijn-meldingen/{reference}/toestemming/inform_others", data={"given": "ja"})
    assert again.status_code == 302  # the same answer twice
    own = _page(victim, f"/mijn-meldingen/{reference}")
    assert "U heeft toestemming gegeven." in own and "door u, hier in Mijn meldingen" in own
    assert "Toestemming gegeven: Andere ambtsdragers informeren" in own  # in the victim's own timeline too
    db.connect(reuse_if_open=True)
    case = Case.get(Case.reference == reference)
    assert [(r.purpose, r.given, r.how) for r in consent.history(case)] == [("inform_others", True, "portal")]

    page = _page(clerk, f"/zaken/{reference}")
    assert "Toestemming van de ambtsdrager" in page and "Ja, toestemming gegeven" in page
    informed = clerk.post(
        f"/zaken/{reference}/meldingen/other_office_holders", data={"other_office_holders-done_on": _today()}
    )
    assert informed.status_code == 302
    assert "Andere ambtsdragers geïnformeerd, " in _page(victim, f"/mijn-meldingen/{reference}")  # what was done


def test_a_withdrawal_after_the_police_report_is_shown_and_what_was_done_stays_done(
    app, people, signed_in, file_report, mailbox
):
    victim, clerk = signed_in(people[Role.COUNCIL_MEMBER]), signed_in(people[Role.CLERK])
    reference = file_report(victim, consent_police_report="yes")
    db.connect(reuse_if_open=True)
    case = Case.get(Case.reference == reference)
    police.file(case, people[Role.CLERK], filed_on=_today(), registration_number="PL0900-2026-9")
    filed_at = CaseEvent.get((CaseEvent.case == case.id) & (CaseEvent.detail.startswith("filed"))).at
    mailbox.messages.clear()

    own = _page(victim, f"/mijn-meldingen/{reference}")
    assert "Als u intrekt:" in own and consent.STAYS_DONE[Purpose.POLICE_REPORT] in own
    response = victim.post(
        f"/mijn-meldingen/{reference}/toestemming/police_report", data={"given": "nee"}, follow_redirects=True
    )
    text = response.get_data(as_text=True)
    assert "U heeft uw toestemming ingetrokken: Aangifte doen bij de politie." in text
    assert "U heeft uw toestemming ingetrokken." in text and "Wat de gemeente met uw toestemming deed:" in text
    assert "Aangifte gedaan, " + clock.format_local(filed_at, "d MMMM yyyy, HH:mm", "nl") in text
    assert "U trok uw toestemming daarna in." in text
    assert {m["To"] for m in mailbox.messages} == {people[Role.CLERK].email}  # the handler hears of it

    page = _page(clerk, f"/zaken/{reference}")
    assert "Toestemming ingetrokken na wat al gedaan was: Aangifte doen bij de politie." in page
    assert "Nee, ingetrokken" in page and "PL0900-2026-9" in page  # the police report stays
    assert "door de ambtsdrager zelf in Mijn meldingen" in page
    assert PoliceReport.select().where(PoliceReport.case == case.id).count() == 1
    with pytest.raises(PoliceReportRefused):  # no new one
        police.file(case, people[Role.CLERK], filed_on=_today(), registration_number="PL0900-2026-10")


def test_a_handler_records_consent_given_by_phone_and_the_history_shows_how(app, people, signed_in, file_report):
    victim, clerk = signed_in(people[Role.COUNCIL_MEMBER]), signed_in(people[Role.CLERK])
    reference = file_report(victim, consent_police_report="no")
    form = {
        "toestemming-vastleggen-purpose": "peer_support",
        "toestemming-vastleggen-given": "ja",
        "toestemming-vastleggen-how": "phone",
    }
    missing = clerk.post(f"/zaken/{reference}/toestemming", data={**form, "toestemming-vastleggen-how": ""})
    assert missing.status_code == 400 and "Kies hoe de ambtsdrager het zei." in missing.get_data(as_text=True)
    assert clerk.post(f"/zaken/{reference}/toestemming", data=form).status_code == 302
    assert clerk.post(f"/zaken/{reference}/toestemming", data=form).status_code == 302  # sent twice
    page = _page(clerk, f"/zaken/{reference}")
    assert "Geschiedenis van de toestemming" in page
    assert "telefonisch, vastgelegd door een behandelaar (Griffier De Boer)" in page
    own = _page(victim, f"/mijn-meldingen/{reference}")
    assert "aan de telefoon, vastgelegd door Griffier De Boer" in own
    db.connect(reuse_if_open=True)
    case = Case.get(Case.reference == reference)
    assert [(r.purpose, r.actor_id, r.how) for r in consent.history(case)] == [
        ("peer_support", people[Role.CLERK].id, "phone")
    ]
    assert (
        AuditEntry.select()
        .where((AuditEntry.action == "consent_given") & (AuditEntry.object_id == str(case.id)))
        .count()
        == 1
    )


def test_nobody_else_changes_a_consent_through_the_pages(app, people, signed_in, file_report):
    victim = signed_in(people[Role.COUNCIL_MEMBER])
    reference = file_report(victim, consent_police_report="no")
    handler_form = {
        "toestemming-vastleggen-purpose": "police_report",
        "toestemming-vastleggen-given": "ja",
        "toestemming-vastleggen-how": "phone",
    }
    for person in (Role.CLERK, Role.SECURITY_OFFICER):
        response = signed_in(people[person]).post(
            f"/mijn-meldingen/{reference}/toestemming/police_report", data={"given": "ja"}
        )
        assert response.status_code == 404
    for person in (Role.SECURITY_OFFICER, Role.MAYOR):  # informed, not handling
        response = signed_in(people[person]).post(f"/zaken/{reference}/toestemming", data=handler_form)
        assert response.status_code == 404
    assert victim.post(f"/zaken/{reference}/toestemming", data=handler_form).status_code == 404
    assert victim.post(f"/mijn-meldingen/{reference}/toestemming/everything", data={"given": "ja"}).status_code == 404
    db.connect(reuse_if_open=True)
    assert ConsentRecord.select().count() == 0


# --- migration 0008 ----------------------------------------------------------------------------------


def _run(database, path: pathlib.Path) -> None:
    spec = importlib.util.spec_from_file_location(f"m{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if hasattr(module, "SQL"):
        for statement in module.SQL["sqlite"]:
            database.execute_sql(statement)
    else:
        module.up(database, "sqlite")


def test_migration_0008_turns_the_old_yes_into_records_and_drops_the_columns(tmp_path):
    from models.migrations import available

    database = peewee.SqliteDatabase(str(tmp_path / "old.db"), pragmas={"foreign_keys": 1})
    steps = dict(available())
    for version in ("0001", "0002", "0004"):
        _run(database, steps[version])
    now = dt.datetime(2025, 3, 1, 12, 0)
    database.execute_sql(
        'INSERT INTO "user" ("id", "email", "name", "role", "is_former", "is_active", "locale", "created_at", '
        '"totp_last_counter") VALUES (1, ?, ?, ?, 0, 1, ?, ?, 0), (2, ?, ?, ?, 0, 1, ?, ?, 0)',
        ("raad@x.nl", "Raadslid", "council_member", "nl", now, "griffie@x.nl", "Griffier", "clerk", "nl", now),
    )
    columns = [c.name for c in database.get_columns("case")]
    for number, (police_yes, others_yes) in enumerate([(1, 1), (1, 0), (0, 0)], start=1):
        values = {name: 0 for name in columns}
        values.update(
            id=number,
            reference=f"VB-2025-{number:04d}",
            year=2025,
            number=number,
            kind="report",
            status="new",
            reporter_id=1,
            filed_by_id=1,
            reporter_role="council_member",
            behaviours="",
            created_at=now,
            consent_police_report=police_yes,
            consent_inform_others=others_yes,
        )
        for nullable in ("assigned_to_id", "closed_at", "occurred_at"):
            values[nullable] = None
        names = ", ".join(f'"{n}"' for n in values)
        database.execute_sql(
            f'INSERT INTO "case" ({names}) VALUES ({", ".join("?" for _ in values)})',  # noqa: S608
            tuple(values.values()),
        )
    later = now + dt.timedelta(days=2)  # case 2: the clerk recorded the consent later, on the old police panel
    database.execute_sql(
        'INSERT INTO "case_event" ("case_id", "at", "actor_id", "kind", "detail", "not_for_press") '
        "VALUES (2, ?, 2, 'police', 'consent', 0)",
        (later,),
    )
    database.execute_sql('UPDATE "case" SET "consent_police_report" = 1 WHERE "id" = 2')
    _run(database, steps["0008"])

    rows = database.execute_sql(
        'SELECT "case_id", "purpose", "given", "at", "actor_id", "how" FROM "consent_record" ORDER BY "case_id", "id"'
    ).fetchall()
    assert [(r[0], r[1], r[2], str(r[3])[:16], r[4], r[5]) for r in rows] == [
        (1, "police_report", 1, "2025-03-01 12:00", 1, "in_report"),
        (1, "inform_others", 1, "2025-03-01 12:00", 1, "in_report"),
        (2, "police_report", 1, "2025-03-03 12:00", 2, "recorded"),
    ]
    assert "consent_police_report" not in {c.name for c in database.get_columns("case")}
    assert "consent_inform_others" not in {c.name for c in database.get_columns("case")}
    _run(database, steps["0008"])  # run again (the suite does on PostgreSQL): nothing changes
    assert database.execute_sql('SELECT COUNT(*) FROM "consent_record"').fetchone()[0] == 3
