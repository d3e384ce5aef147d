"""Police report and notifications (§6.4, §7): no police report without the victim's consent; the
victim hears how it goes at a set interval; the labour inspectorate within 24 hours of a serious
incident; the mayor's checklist; other office holders informed only with consent."""

import datetime as dt

import pytest
from babel.dates import format_datetime

from models import clock, consent
from models.accounts import Role
from models.audit import AuditEntry
from models.cases import Case
from models.db import db
from models.deadlines import Deadline, DeadlineKind
from models.notices import Notice
from models.police import PoliceReport

INJURY = {"hospital_admission": "y"}  # starts the inspectorate's 24 hours at once (§6.4)
STATION = {"aangifte-police_station": "Politiebureau Demodorp"}


@pytest.fixture
def people(create_user):
    return {
        role: create_user(role)
        for role in (
            Role.COUNCIL_MEMBER,
            Role.ALDERMAN,
            Role.MAYOR,
            Role.CLERK,
            Role.MUNICIPAL_SECRETARY,
            Role.SECURITY_OFFICER,
        )
    }


@pytest.fixture
def report_by(app, people, signed_in, file_report):
    def _report(role=Role.COUNCIL_MEMBER, **answers):
        reference = file_report(signed_in(people[role]), **answers)
        db.connect(reuse_if_open=True)
        return Case.get(Case.reference == reference)

    return _report


def _page(client, case):
    response = client.get(f"/zaken/{case.reference}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _local(moment):
    return format_datetime(clock.to_local(moment), "d MMMM yyyy, HH:mm", locale="nl")


def _today():
    return clock.to_local(clock.utcnow()).date().isoformat()


def _deadline(case, kind):
    db.connect(reuse_if_open=True)
    return Deadline.select().where((Deadline.case == case.id) & (Deadline.kind == kind.value)).order_by(Deadline.id)


# --- the police report ----------------------------------------------------------------------------


def test_no_police_report_without_consent_then_consent_and_filing(app, people, signed_in, report_by):
    case = report_by(consent_police_report="no")
    clerk = signed_in(people[Role.CLERK])
    page = _page(clerk, case)
    assert "Nee, geen toestemming die nu geldt" in page and "Toestemming vastleggen" in page
    response = clerk.post(
        f"/zaken/{case.reference}/aangifte",
        data={**STATION, "aangifte-filed_on": _today(), "aangifte-registration_number": "PL0900-2026123456"},
    )
    assert response.status_code == 400
    assert (
        "Zonder toestemming van de ambtsdrager doet de gemeente geen aangifte. Leg eerst de toestemming vast."
        in response.get_data(as_text=True)
    )
    db.connect(reuse_if_open=True)
    assert PoliceReport.select().count() == 0
    assert not _deadline(case, DeadlineKind.POLICE_FEEDBACK).exists()

    by_phone = {"toestemming-vastleggen-purpose": "police_report", "toestemming-vastleggen-given": "ja"}
    by_phone["toestemming-vastleggen-how"] = "phone"
    assert clerk.post(f"/zaken/{case.reference}/toestemming", data=by_phone).status_code == 302
    db.connect(reuse_if_open=True)
    assert consent.in_force(case, consent.Purpose.POLICE_REPORT)
    response = clerk.post(
        f"/zaken/{case.reference}/aangifte",
        data={**STATION, "aangifte-filed_on": _today(), "aangifte-registration_number": "PL0900-2026123456"},
    )
    assert response.status_code == 302
    db.connect(reuse_if_open=True)
    report = PoliceReport.get(PoliceReport.case == case.id)
    assert report.registration_number == "PL0900-2026123456" and report.filed_by_id == people[Role.CLERK].id
    assert report.consent_recorded_by_id == people[Role.CLERK].id  # who recorded the consent, not who filed
    feedback = _deadline(case, DeadlineKind.POLICE_FEEDBACK).get()
    assert feedback.object_id == report.id and feedback.done_at is None
    assert dt.timedelta(days=27) < feedback.due_at - clock.utcnow() <= dt.timedelta(days=28)
    assert {e.action for e in AuditEntry.select()} >= {"consent_given", "police_report_filed"}
    page = _page(clerk, case)
    assert "PL0900-2026123456" in page and "Aangifte gedaan" in page
    assert f"uiterlijk {_local(feedback.due_at)}" in page


def test_consent_given_in_the_report_lets_the_handler_file(app, people, signed_in, report_by):
    case = report_by(consent_police_report="yes")
    clerk = signed_in(people[Role.CLERK])
    assert "Ja, de gemeente mag aangifte doen" in _page(clerk, case)
    clerk.post(
        f"/zaken/{case.reference}/aangifte",
        data={**STATION, "aangifte-filed_on": _today(), "aangifte-registration_number": "PL-1"},
    )
    db.connect(reuse_if_open=True)
    report = PoliceReport.get(PoliceReport.case == case.id)
    assert report.consent_recorded_by_id == people[Role.COUNCIL_MEMBER].id  # the victim, in the report


def test_status_and_feedback_to_the_victim(app, people, signed_in, report_by):
    case = report_by(consent_police_report="yes")
    clerk = signed_in(people[Role.CLERK])
    clerk.post(
        f"/zaken/{case.reference}/aangifte",
        data={**STATION, "aangifte-filed_on": _today(), "aangifte-registration_number": "PL-7"},
    )
    db.connect(reuse_if_open=True)
    report = PoliceReport.get(PoliceReport.case == case.id)
    response = clerk.post(
        f"/zaken/{case.reference}/aangifte/{report.id}/stand",
        data={
            f"stand-{report.id}-status": "with_prosecutor",
            f"stand-{report.id}-decision": "Dagvaarding voor de politierechter.",
        },
    )
    assert response.status_code == 302
    sent = clerk.post(
        f"/zaken/{case.reference}/aangifte/{report.id}/melder-geinformeerd", data={f"melder-{report.id}-after": "0"}
    )
    assert sent.status_code == 302
    db.connect(reuse_if_open=True)
    report = PoliceReport.get(PoliceReport.case == case.id)
    assert report.status == "with_prosecutor" and report.last_feedback_at is not None
    rows = list(_deadline(case, DeadlineKind.POLICE_FEEDBACK))
    assert len(rows) == 2 and rows[0].done_at is not None and rows[1].done_at is None
    assert rows[1].due_at == report.last_feedback_at + dt.timedelta(days=28)
    page = _page(clerk, case)
    assert "Bij het Openbaar Ministerie" in page and "Dagvaarding voor de politierechter." in page
    assert f"uiterlijk {_local(rows[1].due_at)}" in page


# --- the labour inspectorate ----------------------------------------------------------------------


def test_a_serious_incident_shows_the_inspectorate_deadline_and_reminds_then_escalates(
    app, people, signed_in, report_by, clock_at, login
):
    case = report_by(consequences=INJURY)
    deadline = _deadline(case, DeadlineKind.INSPECTORATE).get()
    assert deadline.due_at == case.created_at + dt.timedelta(hours=24)
    assert deadline.remind_at == case.created_at + dt.timedelta(hours=6)
    assert deadline.escalate_at == case.created_at + dt.timedelta(hours=18)
    assert set(deadline.remind_roles.split(",")) == {"clerk", "deputy_clerk", "security_officer"}
    assert set(deadline.escalate_roles.split(",")) == {"mayor", "municipal_secretary"}
    clerk = signed_in(people[Role.CLERK])
    page = _page(clerk, case)
    assert f"moet de Arbeidsinspectie uiterlijk {_local(deadline.due_at)} gewaarschuwd zijn." in page
    assert _local(deadline.remind_at) in page and _local(deadline.escalate_at) in page
    assert "Te laat" not in page
    clock_at(hours=25)  # the session has expired by then: sign in again
    late = app.test_client()
    assert login(late, people[Role.CLERK]).status_code == 302
    assert "Te laat: de termijn is verstreken." in _page(late, case)


def test_recording_the_inspectorate_notice_completes_its_deadline(app, people, signed_in, report_by):
    case = report_by(consequences=INJURY)
    clerk = signed_in(people[Role.CLERK])
    response = clerk.post(
        f"/zaken/{case.reference}/meldingen/arbeidsinspectie/beoordeling",
        data={"beoordeling-reportable": "yes", "beoordeling-criteria": "hospital_admission"},
    )
    assert response.status_code == 302
    assert "moet binnen 24 uur" in _page(clerk, case)
    moment = clock.to_local(clock.utcnow()).strftime("%Y-%m-%dT%H:%M")
    response = clerk.post(
        f"/zaken/{case.reference}/meldingen/arbeidsinspectie/gewaarschuwd",
        data={
            "arbeidsinspectie-notified_at": moment,
            "arbeidsinspectie-notified_by": people[Role.CLERK].name,
            "arbeidsinspectie-reference": "NLA-9",
        },
    )
    assert response.status_code == 302
    assert _deadline(case, DeadlineKind.INSPECTORATE).get().done_at is not None
    page = _page(clerk, case)
    assert "De Arbeidsinspectie is gewaarschuwd op" in page and "moet binnen 24 uur" not in page
    assert AuditEntry.get(AuditEntry.action == "inspectorate_notified").object_id == str(case.id)


def test_lasting_harm_recorded_later_makes_the_case_serious_from_then(app, people, signed_in, report_by, clock_at):
    case = report_by()
    later = clock_at(days=3)  # the handler hears of it three days after the report
    clerk = signed_in(people[Role.CLERK])
    page = _page(clerk, case)
    assert "Arbeidsinspectie moet binnen" not in page and "Blijvende schade of overlijden vastleggen" in page
    assert clerk.post(f"/zaken/{case.reference}/meldingen/ernstige-schade").status_code == 302
    deadline = _deadline(case, DeadlineKind.INSPECTORATE).get()
    assert deadline.due_at == later + dt.timedelta(hours=24)
    page = _page(clerk, case)
    assert f"uiterlijk {_local(deadline.due_at)}" in page and "Blijvende schade of overlijden vastleggen" not in page


# --- the checklist --------------------------------------------------------------------------------

CHECKLIST_FOR_THE_MAYOR = ('id="melding-chief_prosecutor"', 'id="melding-nctv"', 'id="melding-kings_commissioner"')


def test_when_the_mayor_is_the_target_the_checklist_has_three_more_items(app, people, signed_in, report_by):
    """The King's Commissioner when the mayor is the victim; with an acute, serious threat also the
    Chief Public Prosecutor and the NCTV (tests/test_notices.py: the Chief Public Prosecutor for anyone)."""
    mayors_case = report_by(Role.MAYOR)
    secretary = signed_in(people[Role.MUNICIPAL_SECRETARY])
    assert secretary.post(f"/zaken/{mayors_case.reference}/meldingen/acute-dreiging").status_code == 302
    page = _page(secretary, mayors_case)
    assert all(item in page for item in CHECKLIST_FOR_THE_MAYOR)
    response = secretary.post(
        f"/zaken/{mayors_case.reference}/meldingen/kings_commissioner", data={"kings_commissioner-done_on": _today()}
    )
    assert response.status_code == 302
    page = _page(secretary, mayors_case)
    assert (
        f"Ja, op {format_datetime(clock.to_local(clock.utcnow()), 'd MMMM yyyy', locale='nl')} door {people[Role.MUNICIPAL_SECRETARY].name}"
        in page
    )
    council_case = report_by(Role.COUNCIL_MEMBER)
    page = _page(signed_in(people[Role.CLERK]), council_case)
    assert not any(item in page for item in CHECKLIST_FOR_THE_MAYOR)
    response = signed_in(people[Role.CLERK]).post(
        f"/zaken/{council_case.reference}/meldingen/nctv", data={"nctv-done_on": _today()}
    )
    assert response.status_code == 404  # not on this case's checklist


def test_other_office_holders_are_informed_only_with_consent(app, people, signed_in, report_by):
    case = report_by(consent_inform_others="no")
    clerk = signed_in(people[Role.CLERK])
    assert "Niet toegestaan: de ambtsdrager heeft geen toestemming gegeven" in _page(clerk, case)
    response = clerk.post(
        f"/zaken/{case.reference}/meldingen/other_office_holders", data={"other_office_holders-done_on": _today()}
    )
    assert response.status_code == 400
    assert "De ambtsdrager heeft geen toestemming gegeven om andere ambtsdragers te informeren." in response.get_data(
        as_text=True
    )
    db.connect(reuse_if_open=True)
    assert Notice.select().where(Notice.case == case.id).count() == 0
    agreed = report_by(consent_inform_others="yes")
    response = clerk.post(
        f"/zaken/{agreed.reference}/meldingen/other_office_holders", data={"other_office_holders-done_on": _today()}
    )
    assert response.status_code == 302
    db.connect(reuse_if_open=True)
    assert Notice.select().where((Notice.case == agreed.id) & (Notice.kind == "other_office_holders")).exists()


def test_a_date_in_the_future_is_refused(app, people, signed_in, report_by):
    case = report_by(consequences=INJURY)
    tomorrow = (clock.to_local(clock.utcnow()).date() + dt.timedelta(days=1)).isoformat()
    response = signed_in(people[Role.CLERK]).post(
        f"/zaken/{case.reference}/meldingen/public_prosecutor", data={"public_prosecutor-done_on": tomorrow}
    )
    assert response.status_code == 400 and "Deze datum ligt in de toekomst." in response.get_data(as_text=True)
    db.connect(reuse_if_open=True)
    assert Notice.select().where(Notice.case == case.id).count() == 0


# --- who may do what ------------------------------------------------------------------------------


def test_informed_people_see_the_panel_but_change_nothing(app, people, signed_in, report_by):
    case = report_by(consequences=INJURY)
    officer = signed_in(people[Role.SECURITY_OFFICER])
    page = _page(officer, case)
    assert ">Aangifte</h2>" in page and "Mogelijk een ernstig incident: beoordeel dit nu." in page
    assert "Aangifte vastleggen" not in page and "Toestemming vastleggen" not in page
    assert (
        officer.post(
            f"/zaken/{case.reference}/meldingen/public_prosecutor", data={"public_prosecutor-done_on": _today()}
        ).status_code
        == 404
    )


def test_outsiders_get_404_on_every_police_and_notice_url(app, people, signed_in, report_by, create_user):
    case = report_by(consequences=INJURY, consent_police_report="yes")
    clerk = signed_in(people[Role.CLERK])
    clerk.post(
        f"/zaken/{case.reference}/aangifte",
        data={**STATION, "aangifte-filed_on": _today(), "aangifte-registration_number": "PL-9"},
    )
    db.connect(reuse_if_open=True)
    report = PoliceReport.get(PoliceReport.case == case.id)
    urls = [
        "aangifte",
        f"aangifte/{report.id}/stand",
        f"aangifte/{report.id}/melder-geinformeerd",
        f"aangifte/{report.id}/om",
        "meldingen/ernstige-schade",
        "meldingen/arbeidsinspectie/beoordeling",
        "meldingen/public_prosecutor",
        "meldingen/other_office_holders",
    ]
    outsiders = [
        create_user(Role.COUNCIL_MEMBER),
        people[Role.ALDERMAN],
        people[Role.MUNICIPAL_SECRETARY],
        people[Role.MAYOR],
        people[Role.SECURITY_OFFICER],  # informed of the case, but do not handle it
        people[Role.COUNCIL_MEMBER],
    ]  # the reporter
    for person in outsiders:
        client = signed_in(person)
        for url in urls:
            response = client.post(
                f"/zaken/{case.reference}/{url}",
                data={
                    f"stand-{report.id}-status": "closed",
                    "public_prosecutor-done_on": _today(),
                    "beoordeling-reportable": "no",
                    "beoordeling-reason": "Geen letsel.",
                },
            )
            assert response.status_code == 404, (person.role, url)
    assert clerk.post("/zaken/VB-2099-0001/aangifte").status_code == 404
    db.connect(reuse_if_open=True)
    assert PoliceReport.get(PoliceReport.case == case.id).status == "filed"
    assert Notice.select().where(Notice.case == case.id).count() == 0
    assert not Case.get_by_id(case.id).serious_harm


# --- one mechanism for every case panel (portal.case_panels) ----------------------------------------


def test_a_form_sent_back_shows_the_case_page_again_and_is_audited_like_every_view(app, people, signed_in, report_by):
    """The case page again with the form's error next to its field, in the audit trail as a view of
    the case; a case the person may not see, or a consultation (no police report), answers 404."""
    case, clerk = report_by(), signed_in(people[Role.CLERK])

    def views():
        db.connect(reuse_if_open=True)
        return (
            AuditEntry.select()
            .where((AuditEntry.action == "case_viewed") & (AuditEntry.object_id == str(case.id)))
            .count()
        )

    before = views()
    response = clerk.post(
        f"/zaken/{case.reference}/aangifte",
        data={**STATION, "aangifte-filed_on": "", "aangifte-registration_number": "PL0900-2026123456"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Vul de datum van de aangifte in." in page
    assert case.reference in page and ">Aangifte</h2>" in page and 'value="PL0900-2026123456"' in page
    assert views() == before + 1
    assert signed_in(people[Role.ALDERMAN]).post(f"/zaken/{case.reference}/aangifte").status_code == 404
    assert clerk.post("/zaken/VB-2099-0001/aangifte").status_code == 404
    member = signed_in(people[Role.COUNCIL_MEMBER])
    location = member.post("/melden", data={"kind": "consultation"}).headers["Location"]
    done = member.post(location, data={"question": "Iemand blijft mij aanspreken.", "channel": "meeting"})
    consultation = done.headers["Location"].split("/mijn-meldingen/")[1].split("/")[0]
    assert clerk.get(f"/zaken/{consultation}").status_code == 200
    assert clerk.post(f"/zaken/{consultation}/aangifte").status_code == 404
