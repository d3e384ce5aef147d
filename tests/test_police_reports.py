"""Several police reports per case (§6.2, §6.4): the incident itself, a ban that was not kept (a new
offence, a new report), a later message — each with its consent, date, police station, registration
number, status, the OM informed, and its own feedback to the victim, who sees each in Mijn meldingen."""

import datetime as dt

import pytest
from babel.dates import format_datetime

from models import clock, consent, police
from models.accounts import Role
from models.audit import AuditEntry
from models.cases import Case
from models.db import db
from models.deadlines import Deadline, DeadlineKind
from models.notices import Notice
from models.police import InvestigationStatus, PoliceFeedback, PoliceReport, PoliceReportRefused, ReportSubject


@pytest.fixture
def people(create_user):
    return {role: create_user(role) for role in (Role.COUNCIL_MEMBER, Role.CLERK, Role.SECURITY_OFFICER, Role.ALDERMAN)}


@pytest.fixture
def case(app, people, signed_in, file_report):
    reference = file_report(signed_in(people[Role.COUNCIL_MEMBER]), consent_police_report="yes")
    db.connect(reuse_if_open=True)
    case = Case.get(Case.reference == reference)
    member = people[Role.COUNCIL_MEMBER]
    consent.give(case, consent.Purpose.POLICE_REPORT, member, how=consent.How.PORTAL)  # in force (stored once)
    return case


def _today():
    return clock.to_local(clock.utcnow()).date()


def _file(client, case, number, subject="incident", station="Politiebureau Demodorp"):
    return client.post(
        f"/zaken/{case.reference}/aangifte",
        data={
            "aangifte-subject": subject,
            "aangifte-filed_on": _today().isoformat(),
            "aangifte-police_station": station,
            "aangifte-registration_number": number,
        },
    )


def _reports(case):
    db.connect(reuse_if_open=True)
    return list(PoliceReport.select().where(PoliceReport.case == case.id).order_by(PoliceReport.id))


def _open_feedback(case, report):
    db.connect(reuse_if_open=True)
    return (
        Deadline.select()
        .where(
            (Deadline.case == case.id)
            & (Deadline.kind == DeadlineKind.POLICE_FEEDBACK.value)
            & (Deadline.object_id == report.id)
            & Deadline.done_at.is_null()
        )
        .get()
    )


def _local(moment, fmt="d MMMM yyyy, HH:mm"):
    return format_datetime(clock.to_local(moment), fmt, locale="nl")


def test_a_case_holds_the_first_report_and_a_later_one_for_a_ban_not_kept(app, people, signed_in, case):
    clerk = signed_in(people[Role.CLERK])
    assert _file(clerk, case, "PL0900-2026000001").status_code == 302
    assert _file(clerk, case, "PL0900-2026000002", "ban_violated", "Politiebureau Stationsplein").status_code == 302
    first, second = _reports(case)
    assert (first.subject, first.police_station) == ("incident", "Politiebureau Demodorp")
    assert (second.subject, second.police_station) == ("ban_violated", "Politiebureau Stationsplein")
    assert first.consent_recorded_at is not None and second.consent_recorded_by_id == people[Role.COUNCIL_MEMBER].id
    # Each report has its own feedback deadline (§6.4: the victim hears how prosecution goes).
    assert _open_feedback(case, first).id != _open_feedback(case, second).id
    page = clerk.get(f"/zaken/{case.reference}").get_data(as_text=True)
    assert "Aangifte PL0900-2026000001" in page and "Aangifte PL0900-2026000002" in page
    assert (
        "Politiebureau Stationsplein" in page and "De veroorzaker hield zich niet aan een ontzegging of verbod" in page
    )
    assert "Nog een aangifte vastleggen" in page
    assert (
        AuditEntry.select()
        .where((AuditEntry.action == "police_report_filed") & (AuditEntry.object_id == str(case.id)))
        .count()
        == 2
    )


def test_the_same_report_sent_twice_is_stored_once(app, people, signed_in, case):
    clerk = signed_in(people[Role.CLERK])
    assert _file(clerk, case, "PL-42").status_code == 302
    again = _file(clerk, case, " PL-42 ")
    assert again.status_code == 302
    assert "Deze aangifte was al vastgelegd." in clerk.get(again.headers["Location"]).get_data(as_text=True)
    assert len(_reports(case)) == 1
    with pytest.raises(police.AlreadyFiled):
        police.file(case, people[Role.CLERK], filed_on=_today(), registration_number="PL-42")


def test_filing_refuses_a_missing_number_a_missing_station_and_a_date_in_the_future(app, people, signed_in, case):
    clerk = signed_in(people[Role.CLERK])
    response = _file(clerk, case, "PL-1", station="")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Vul in bij welk politiebureau de aangifte is gedaan." in page
    assert 'value="PL-1"' in page  # what was typed stays
    tomorrow = _today() + dt.timedelta(days=1)
    with pytest.raises(PoliceReportRefused, match="toekomst"):
        police.file(case, people[Role.CLERK], filed_on=tomorrow, registration_number="PL-2")
    with pytest.raises(PoliceReportRefused, match="registratienummer"):
        police.file(case, people[Role.CLERK], filed_on=_today(), registration_number="  ")
    assert _reports(case) == []


def test_without_consent_in_force_no_further_report_is_filed(app, people, signed_in, case):
    clerk = signed_in(people[Role.CLERK])
    assert _file(clerk, case, "PL-1").status_code == 302
    consent.withdraw(case, consent.Purpose.POLICE_REPORT, people[Role.COUNCIL_MEMBER], how=consent.How.PORTAL)
    response = _file(clerk, case, "PL-2", "later_incident")
    assert response.status_code == 400
    assert "Zonder toestemming" in response.get_data(as_text=True)
    assert [r.registration_number for r in _reports(case)] == ["PL-1"]  # what was done stays done


def test_feedback_to_the_victim_is_kept_per_report_and_a_second_send_stores_once(app, people, signed_in, case):
    clerk = signed_in(people[Role.CLERK])
    _file(clerk, case, "PL-1")
    _file(clerk, case, "PL-2", "later_incident")
    first, second = _reports(case)
    second_due = _open_feedback(case, second)
    url = f"/zaken/{case.reference}/aangifte/{first.id}/melder-geinformeerd"
    assert clerk.post(url, data={f"melder-{first.id}-after": "0"}).status_code == 302
    assert clerk.post(url, data={f"melder-{first.id}-after": "0"}).status_code == 302  # the same form again
    db.connect(reuse_if_open=True)
    given = list(PoliceFeedback.select().where(PoliceFeedback.report == first.id))
    assert len(given) == 1 and given[0].given_by_id == people[Role.CLERK].id and given[0].status == "filed"
    next_due = _open_feedback(case, first)
    assert next_due.due_at == given[0].given_at + dt.timedelta(days=28)
    assert _open_feedback(case, second).id == second_due.id  # the other report's deadline is untouched
    # Later, the next feedback (the form now carries the last one) is stored again.
    assert clerk.post(url, data={f"melder-{first.id}-after": str(given[0].id)}).status_code == 302
    assert PoliceFeedback.select().where(PoliceFeedback.report == first.id).count() == 2


def test_every_police_report_records_that_the_om_was_informed(app, people, signed_in, case):
    clerk = signed_in(people[Role.CLERK])
    _file(clerk, case, "PL-1")
    _file(clerk, case, "PL-2", "ban_violated")
    first, second = _reports(case)
    page = clerk.get(f"/zaken/{case.reference}").get_data(as_text=True)
    assert page.count("OM op de hoogte vastleggen") == 2
    tomorrow = (_today() + dt.timedelta(days=1)).isoformat()
    refused = clerk.post(f"/zaken/{case.reference}/aangifte/{first.id}/om", data={f"om-{first.id}-done_on": tomorrow})
    assert refused.status_code == 400 and "Deze datum ligt in de toekomst." in refused.get_data(as_text=True)
    url = f"/zaken/{case.reference}/aangifte/{first.id}/om"
    assert clerk.post(url, data={f"om-{first.id}-done_on": _today().isoformat()}).status_code == 302
    db.connect(reuse_if_open=True)
    assert PoliceReport.get_by_id(first.id).prosecutor_informed_on == _today()
    assert PoliceReport.get_by_id(second.id).prosecutor_informed_on is None
    # The case's checklist (models.notices) shows the OM informed, kept once for the case.
    notice = Notice.get((Notice.case == case.id) & (Notice.kind == "public_prosecutor"))
    assert notice.done_by_id == people[Role.CLERK].id
    page = clerk.get(f"/zaken/{case.reference}").get_data(as_text=True)
    assert page.count("OM op de hoogte vastleggen") == 1
    police.record_prosecutor_informed(PoliceReport.get_by_id(second.id), people[Role.CLERK], _today())
    assert Notice.select().where((Notice.case == case.id) & (Notice.kind == "public_prosecutor")).count() == 1
    with pytest.raises(PoliceReportRefused):
        police.record_prosecutor_informed(
            PoliceReport.get_by_id(second.id), people[Role.CLERK], _today() + dt.timedelta(days=1)
        )


def test_the_victim_sees_in_mijn_meldingen_that_a_report_was_filed_and_its_status(app, people, signed_in, case):
    member, clerk = signed_in(people[Role.COUNCIL_MEMBER]), signed_in(people[Role.CLERK])
    own = f"/mijn-meldingen/{case.reference}"
    assert "Aangifte bij de politie" not in member.get(own).get_data(as_text=True)
    _file(clerk, case, "PL0900-2026000077", station="Politiebureau Demodorp")
    report = _reports(case)[0]
    page = member.get(own).get_data(as_text=True)
    assert "Aangifte bij de politie" in page and "Het incident uit de melding" in page
    assert "PL0900-2026000077" in page and "Politiebureau Demodorp" in page and "Aangifte gedaan" in page
    due = _open_feedback(case, report).due_at
    assert f"uiterlijk {_local(due, 'd MMMM yyyy')}" in page
    clerk.post(
        f"/zaken/{case.reference}/aangifte/{report.id}/stand",
        data={f"stand-{report.id}-status": "with_prosecutor", f"stand-{report.id}-decision": "Dagvaarding."},
    )
    clerk.post(
        f"/zaken/{case.reference}/aangifte/{report.id}/melder-geinformeerd", data={f"melder-{report.id}-after": "0"}
    )
    page = member.get(own).get_data(as_text=True)
    assert "Bij het Openbaar Ministerie" in page and "Dagvaarding." in page
    db.connect(reuse_if_open=True)
    told = PoliceFeedback.get(PoliceFeedback.report == report.id)
    assert _local(told.given_at) in page
    # The victim sees; the victim changes nothing.
    assert "Stand opslaan" not in page and "Dossier voor de politie" not in page
    status_url = f"/zaken/{case.reference}/aangifte/{report.id}/stand"
    assert member.post(status_url, data={f"stand-{report.id}-status": "closed"}).status_code == 404
    assert PoliceReport.get_by_id(report.id).status == InvestigationStatus.WITH_PROSECUTOR.value


def test_a_status_sent_twice_is_stored_once(app, people, signed_in, case):
    clerk = signed_in(people[Role.CLERK])
    _file(clerk, case, "PL-1")
    report = _reports(case)[0]
    url = f"/zaken/{case.reference}/aangifte/{report.id}/stand"
    for _ in range(2):
        assert clerk.post(url, data={f"stand-{report.id}-status": "investigating"}).status_code == 302
    db.connect(reuse_if_open=True)
    from models.cases import CaseEvent

    changes = CaseEvent.select().where((CaseEvent.case == case.id) & (CaseEvent.detail == "status:investigating"))
    assert changes.count() == 1


def test_a_report_of_another_case_answers_404(app, people, signed_in, file_report, case):
    clerk = signed_in(people[Role.CLERK])
    _file(clerk, case, "PL-1")
    report = _reports(case)[0]
    other = file_report(signed_in(people[Role.COUNCIL_MEMBER]))
    for url in ("stand", "melder-geinformeerd", "om"):
        assert clerk.post(f"/zaken/{other}/aangifte/{report.id}/{url}").status_code == 404
    for url in ("dossier.pdf", "dossier.zip"):
        assert clerk.get(f"/zaken/{other}/aangifte/{report.id}/{url}").status_code == 404
    officer = signed_in(people[Role.SECURITY_OFFICER])  # informed of the case, does not handle it
    for url in ("dossier.pdf", "dossier.zip"):
        assert officer.get(f"/zaken/{case.reference}/aangifte/{report.id}/{url}").status_code == 404


def test_the_model_files_several_reports_directly(app, people, case):
    db.connect(reuse_if_open=True)
    clerk = people[Role.CLERK]
    first = police.file(case, clerk, filed_on=_today(), registration_number="A-1", police_station="Bureau Noord")
    later = police.file(case, clerk, filed_on=_today(), registration_number="A-2", subject=ReportSubject.LATER_INCIDENT)
    assert [r.id for r in police.reports_of(case)] == [first.id, later.id]
    assert later.subject == "later_incident" and later.police_station == ""
