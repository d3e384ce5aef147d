"""Whom to warn (§6.4, §7): the labour inspectorate within 24 hours of a serious incident — which a
handler assesses, fear or bad sleep being a reason to look and not by itself a notice; an acute,
serious threat against anyone brings the police and the Chief Public Prosecutor, who decides on
protection measures, and tells the security officer at once; protection measures never leave the
case page; the OM is informed of every threat report and every police report."""

import datetime as dt

import pytest
from babel.dates import format_datetime

from models import clock, demo, notices, police, protection
from models.accounts import Role, User
from models.audit import AuditEntry
from models.cases import Case, CaseAccess, CaseEvent
from models.db import db
from models.deadlines import Deadline, DeadlineKind
from models.notices import InspectorateAssessment, Notice, NoticeRefused
from models.protection import AcuteThreat, ProtectionMeasure, ProtectionRefused

HOSPITAL = {"hospital_admission": "y"}
PHYSICAL = {"injury_physical": "y"}
FEAR = {"injury_mental": "y"}
SECRET_MEASURE = "Camerabewaking bij de woning aan de Lindelaan"
SECRET_WHO = "Team Bewaken en Beveiligen, politie Midden-Nederland"


@pytest.fixture
def people(create_user):
    return {
        role: create_user(role, name=name)
        for role, name in (
            (Role.COUNCIL_MEMBER, "Raadslid Jansen"),
            (Role.ALDERMAN, "Wethouder Bakker"),
            (Role.MAYOR, "Burgemeester Van Dam"),
            (Role.CLERK, "Griffier De Boer"),
            (Role.MUNICIPAL_SECRETARY, "Secretaris Mulder"),
            (Role.SECURITY_OFFICER, "Veiligheid Smit"),
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


def _field_moment(moment_utc):
    """A stored moment as a datetime-local field holds it (the municipality's time, to the minute)."""
    return clock.to_local(moment_utc).strftime("%Y-%m-%dT%H:%M")


def _today():
    return clock.to_local(clock.utcnow()).date().isoformat()


def _clock_rows(case):
    db.connect(reuse_if_open=True)
    return (
        Deadline.select()
        .where((Deadline.case == case.id) & (Deadline.kind == DeadlineKind.INSPECTORATE.value))
        .order_by(Deadline.id)
    )


def _run_reminders(app):
    from jobs.tasks import send_due_reminders

    with app.app_context():
        return send_due_reminders.call_local()


def _inspectorate_mails(mailbox):
    return [m for m in mailbox.messages if "Arbeidsinspectie" in m.get_content()]


def _assess(client, case, **fields):
    data = {f"beoordeling-{name}": value for name, value in fields.items()}
    return client.post(f"/zaken/{case.reference}/meldingen/arbeidsinspectie/beoordeling", data=data)


def _notify(client, case, **fields):
    data = {f"arbeidsinspectie-{name}": value for name, value in fields.items()}
    return client.post(f"/zaken/{case.reference}/meldingen/arbeidsinspectie/gewaarschuwd", data=data)


# --- a serious incident: the labour inspectorate --------------------------------------------------


def test_fear_or_bad_sleep_alone_is_a_reason_to_look_not_a_notice(app, db_session, login, mailbox, clock_at):
    """The demo threat: the council member ticked 'angst of slecht slapen' and nothing else. The
    clerk is asked to assess it, with the criteria on screen; no 'serious incident', no 24 hours, no
    reminder to the handlers and no escalation to the mayor and the secretary."""
    accounts = {account["role"]: account for account in demo.create_demo_accounts()}
    reference = demo.create_demo_case()
    case = Case.get(Case.reference == reference)
    assert case.injury_mental and not (case.injury_physical or case.hospital_admission or case.serious_harm)
    assert not _clock_rows(case).exists()
    assert notices.inspectorate_state(case) == notices.InspectorateState.TO_ASSESS
    assert not notices.is_serious(case)

    clerk = User.get(User.email == accounts["clerk"]["email"])
    clerk.test_password = accounts["clerk"]["password"]
    client = app.test_client()
    assert login(client, clerk).status_code == 302
    page = _page(client, case)
    assert "Ernstig incident" not in page and "24 uur worden gewaarschuwd" not in page
    assert "Beoordeel of dit een ernstig incident is." in page
    assert "Angst of slecht slapen is een reden om te kijken. Het is niet vanzelf een melding" in page
    assert "Psychische klachten, zoals angst of slecht slapen" in page  # what the report says
    for criterion in (
        "lichamelijk of geestelijk letsel oploopt;",
        "in het ziekenhuis moet worden opgenomen;",
        "blijvende schade aan de gezondheid overhoudt;",
        "of overlijdt aan de gevolgen.",
    ):
        assert criterion in page

    mailbox.messages.clear()
    clock_at(hours=30)
    _run_reminders(app)
    assert _inspectorate_mails(mailbox) == []


def test_a_hospital_admission_in_the_report_starts_the_24_hours_at_once(app, people, signed_in, report_by):
    case = report_by(consequences=HOSPITAL)
    deadline = _clock_rows(case).get()
    assert deadline.due_at == case.created_at + dt.timedelta(hours=24)
    assert deadline.remind_at == case.created_at + dt.timedelta(hours=6)
    assert deadline.escalate_at == case.created_at + dt.timedelta(hours=18)
    assert set(deadline.escalate_roles.split(",")) == {"mayor", "municipal_secretary"}
    page = _page(signed_in(people[Role.CLERK]), case)
    assert "Mogelijk een ernstig incident: beoordeel dit nu." in page
    assert f"moet de Arbeidsinspectie uiterlijk {_local(deadline.due_at)} gewaarschuwd zijn." in page
    assert "Opname in het ziekenhuis" in page and _local(deadline.escalate_at) in page


def test_a_handler_assesses_an_injury_serious_and_the_24_hours_run_from_when_the_municipality_knew(
    app, people, signed_in, report_by, mailbox, clock_at
):
    case = report_by(consequences=PHYSICAL)
    assert not _clock_rows(case).exists()  # an injury alone waits for the assessment
    clerk = signed_in(people[Role.CLERK])
    known = clock.to_utc(clock.to_local(clock.utcnow()).replace(tzinfo=None, second=0, microsecond=0)) - dt.timedelta(
        hours=2
    )
    response = _assess(clerk, case, reportable="yes", criteria=["physical_injury"], known_at=_field_moment(known))
    assert response.status_code == 302
    deadline = _clock_rows(case).get()
    assert deadline.due_at == known + dt.timedelta(hours=24) and deadline.escalate_at == known + dt.timedelta(hours=18)
    assessment = InspectorateAssessment.get(InspectorateAssessment.case == case.id)
    assert assessment.reportable and assessment.criteria == "physical_injury" and assessment.known_at == known
    page = _page(clerk, case)
    assert f"De Arbeidsinspectie moet binnen 24 uur worden gewaarschuwd: uiterlijk {_local(deadline.due_at)}." in page
    assert "Griffier De Boer" in page and "Lichamelijk letsel" in page and _local(known) in page

    mailbox.messages.clear()
    _run_reminders(app)  # known two hours ago: the reminder (after six hours) is not due yet
    assert _inspectorate_mails(mailbox) == []
    given = known + dt.timedelta(hours=1)
    response = _notify(clerk, case, notified_at=_field_moment(given), notified_by="Eva Smit", reference="NLA-2026-0042")
    assert response.status_code == 302
    assert _clock_rows(case).get().done_at is not None
    stored = InspectorateAssessment.get_by_id(assessment.id)
    assert (stored.notified_at, stored.notified_by, stored.notice_reference) == (given, "Eva Smit", "NLA-2026-0042")
    assert stored.notice_recorded_by_id == people[Role.CLERK].id
    page = _page(clerk, case)
    assert f"De Arbeidsinspectie is gewaarschuwd op {_local(given)} door Eva Smit." in page
    assert "NLA-2026-0042" in page and "moet binnen 24 uur" not in page and "Dat was na de termijn" not in page
    assert {"inspectorate_assessed", "inspectorate_notified"} <= {e.action for e in AuditEntry.select()}
    clock_at(hours=20)
    _run_reminders(app)
    assert _inspectorate_mails(mailbox) == []  # warned: nobody is reminded


def test_not_reportable_with_its_reason_stops_the_clock_and_its_reminders(
    app, people, signed_in, report_by, mailbox, clock_at
):
    case = report_by(consequences=HOSPITAL)
    clerk = signed_in(people[Role.CLERK])
    reason = "Een nacht ter observatie na een val thuis, niet door het incident."
    assert _assess(clerk, case, reportable="no", reason=reason).status_code == 302
    assert _clock_rows(case).get().done_at is not None
    page = _page(clerk, case)
    assert "Geen melding aan de Arbeidsinspectie nodig." in page and reason in page
    assert "Mogelijk een ernstig incident" not in page
    mailbox.messages.clear()
    clock_at(hours=19)
    _run_reminders(app)
    assert _inspectorate_mails(mailbox) == []


def test_an_open_assessment_with_its_clock_reminds_then_escalates(app, people, report_by, mailbox, clock_at):
    case = report_by(consequences=HOSPITAL)
    mailbox.messages.clear()
    clock_at(hours=6, minutes=1)
    _run_reminders(app)
    assert {m["To"] for m in _inspectorate_mails(mailbox)} == {
        people[Role.CLERK].email,
        people[Role.SECURITY_OFFICER].email,
    }
    mailbox.messages.clear()
    clock_at(hours=18, minutes=1)
    _run_reminders(app)
    escalated = {m["To"] for m in _inspectorate_mails(mailbox) if "Let op" in m["Subject"]}
    assert escalated == {people[Role.MAYOR].email}  # of mayor and secretary, who may see the case
    assert all(case.reference not in m.get_content() for m in mailbox.messages)


def test_what_the_assessment_needs_is_asked_for_on_the_same_page_and_nothing_is_stored(
    app, people, signed_in, report_by
):
    case = report_by(consequences=PHYSICAL)
    clerk = signed_in(people[Role.CLERK])
    moment = _field_moment(clock.utcnow() - dt.timedelta(hours=1))
    response = _assess(clerk, case, reportable="yes", known_at=moment)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Kies wat de ambtsdrager is overkomen. Alleen dan is het een ernstig incident." in page
    assert f'value="{moment}"' in page and case.reference in page
    response = _assess(clerk, case, reportable="no", reason="  ")
    assert response.status_code == 400
    assert "Schrijf op waarom dit geen ernstig incident is." in response.get_data(as_text=True)
    tomorrow = _field_moment(clock.utcnow() + dt.timedelta(days=1))
    response = _assess(clerk, case, reportable="yes", criteria=["physical_injury"], known_at=tomorrow)
    assert response.status_code == 400 and "Dit moment ligt in de toekomst." in response.get_data(as_text=True)
    response = _assess(clerk, case)
    assert response.status_code == 400 and "Kies of dit een ernstig incident is." in response.get_data(as_text=True)
    response = _notify(clerk, case, notified_at=moment, notified_by="Eva Smit", reference="NLA-1")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'value="NLA-1"' in page
    assert "Beoordeel eerst of dit een ernstig incident is." in page
    db.connect(reuse_if_open=True)
    assert InspectorateAssessment.select().count() == 0 and not _clock_rows(case).exists()

    # The rules refuse whichever path asks.
    with pytest.raises(NoticeRefused, match="Kies wat de ambtsdrager is overkomen"):
        notices.assess(case, people[Role.CLERK], reportable=True, known_at=clock.utcnow())
    with pytest.raises(NoticeRefused, match="Schrijf op waarom"):
        notices.assess(case, people[Role.CLERK], reportable=False)
    with pytest.raises(NoticeRefused, match="Vul in sinds wanneer de gemeente"):
        notices.assess(case, people[Role.CLERK], reportable=True, criteria=["physical_injury"])
    with pytest.raises(NoticeRefused, match="Beoordeel eerst"):
        notices.record_inspectorate_notice(
            case, people[Role.CLERK], notified_at=clock.utcnow(), notified_by="Eva Smit", reference="NLA-1"
        )
    assert InspectorateAssessment.select().count() == 0


def test_a_wrong_notice_keeps_what_was_typed(app, people, signed_in, report_by):
    case = report_by(consequences=HOSPITAL)
    clerk = signed_in(people[Role.CLERK])
    _assess(clerk, case, reportable="yes", criteria=["hospital_admission"])  # the clock runs: no 'since when'
    later = _field_moment(clock.utcnow() + dt.timedelta(hours=2))
    response = _notify(clerk, case, notified_at=later, notified_by="Eva Smit", reference="NLA-2026-7")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Dit moment ligt in de toekomst." in page
    assert 'value="NLA-2026-7"' in page and 'value="Eva Smit"' in page
    response = _notify(clerk, case, notified_at=_field_moment(clock.utcnow()), notified_by="Eva Smit")
    assert response.status_code == 400
    assert "Vul het kenmerk in dat de Arbeidsinspectie aan de melding gaf." in response.get_data(as_text=True)
    assert _clock_rows(case).get().done_at is None


def test_an_assessment_and_a_notice_sent_twice_are_stored_once(app, people, signed_in, report_by):
    case = report_by(consequences=HOSPITAL)
    clerk = signed_in(people[Role.CLERK])
    for _ in range(2):
        assert _assess(clerk, case, reportable="yes", criteria=["hospital_admission"]).status_code == 302
    for reference in ("NLA-1", "NLA-2"):
        response = _notify(
            clerk, case, notified_at=_field_moment(clock.utcnow()), notified_by="Eva Smit", reference=reference
        )
        assert response.status_code == 302
    db.connect(reuse_if_open=True)
    assert InspectorateAssessment.select().where(InspectorateAssessment.case == case.id).count() == 1
    assert InspectorateAssessment.get(InspectorateAssessment.case == case.id).notice_reference == "NLA-1"
    details = [e.detail for e in CaseEvent.select().where(CaseEvent.case == case.id) if "inspectorate" in e.detail]
    assert details == ["inspectorate:reportable", "inspectorate"]
    again = notices.assess(case, people[Role.CLERK], reportable=False, reason="Toch niet.")
    assert again.reportable  # the first assessment counts


def test_lasting_harm_after_not_reportable_asks_for_a_new_assessment_with_24_hours_from_then(
    app, people, signed_in, report_by, clock_at
):
    case = report_by(consequences=PHYSICAL)
    first = notices.assess(case, people[Role.CLERK], reportable=False, reason="Een schram, geen letsel van belang.")
    later = clock_at(days=3)  # then the handler hears the victim keeps lasting harm
    clerk = signed_in(people[Role.CLERK])
    assert clerk.post(f"/zaken/{case.reference}/meldingen/ernstige-schade").status_code == 302
    deadline = _clock_rows(case).get()
    assert deadline.due_at == later + dt.timedelta(hours=24) and deadline.done_at is None
    assert InspectorateAssessment.get_by_id(first.id).superseded_at == later
    page = _page(clerk, case)
    assert "Mogelijk een ernstig incident: beoordeel dit nu." in page and "Blijvende schade of overlijden" in page
    assert "Geen melding aan de Arbeidsinspectie nodig." not in page
    assert _assess(clerk, case, reportable="yes", criteria=["lasting_harm"]).status_code == 302
    db.connect(reuse_if_open=True)
    assert [a.number for a in InspectorateAssessment.select().order_by(InspectorateAssessment.number)] == [1, 2]
    assert notices.is_serious(case) and _clock_rows(case).count() == 1  # the clock that ran keeps running


# --- an acute, serious threat -----------------------------------------------------------------------


def _rows(page):
    return {kind for kind in [k.value for k in notices.NoticeKind] if f'id="melding-{kind}"' in page}


def test_an_acute_serious_threat_against_anyone_brings_the_chief_prosecutor_and_tells_the_security_officer(
    app, people, signed_in, report_by, mailbox
):
    case = report_by()  # a council member's threat
    clerk = signed_in(people[Role.CLERK])
    assert _rows(_page(clerk, case)) == {"public_prosecutor", "other_office_holders"}
    access_before = CaseAccess.select().where(CaseAccess.case == case.id).count()
    mailbox.messages.clear()
    for _ in range(2):  # sent twice: marked once, one mail
        assert clerk.post(f"/zaken/{case.reference}/meldingen/acute-dreiging").status_code == 302
    page = _page(clerk, case)
    assert _rows(page) == {"police", "public_prosecutor", "chief_prosecutor", "other_office_holders"}
    assert "Acute, ernstige dreiging." in page and "De ambtenaar Veiligheid kreeg direct bericht." in page
    db.connect(reuse_if_open=True)
    assert AcuteThreat.select().where(AcuteThreat.case == case.id).count() == 1
    assert CaseAccess.select().where(CaseAccess.case == case.id).count() == access_before  # access as routed
    assert [m["To"] for m in mailbox.messages] == [people[Role.SECURITY_OFFICER].email]
    mail = mailbox.messages[0]
    body = mail.get_content()
    assert mail["Subject"] == "Dringend: kijk naar een melding in Veilig Bestuur"
    assert f"http://portal.test/zaken/{case.reference}" in body
    for content in ("thuis weet te vinden", "Piet Boos", "Raadslid Jansen", "dreiging"):
        assert content not in body + mail["Subject"]
    assert (
        clerk.post(f"/zaken/{case.reference}/meldingen/chief_prosecutor", data={"chief_prosecutor-done_on": _today()})
        .headers["Location"]
        .endswith("#meldingen-instanties")
    )
    assert "Ja, op" in _page(clerk, case).split('id="melding-chief_prosecutor"')[1].split("</tr>")[0]


def test_for_the_mayor_the_kings_commissioner_always_and_the_nctv_with_an_acute_threat(
    app, people, signed_in, report_by
):
    case = report_by(Role.MAYOR)
    secretary = signed_in(people[Role.MUNICIPAL_SECRETARY])
    assert _rows(_page(secretary, case)) == {"public_prosecutor", "kings_commissioner", "other_office_holders"}
    response = secretary.post(f"/zaken/{case.reference}/meldingen/nctv", data={"nctv-done_on": _today()})
    assert response.status_code == 404  # no acute threat: not on this case's checklist
    with pytest.raises(NoticeRefused, match="hoort niet bij deze zaak"):
        notices.record(case, notices.NoticeKind.CHIEF_PROSECUTOR, people[Role.MUNICIPAL_SECRETARY], dt.date.today())
    secretary.post(f"/zaken/{case.reference}/meldingen/acute-dreiging")
    assert _rows(_page(secretary, case)) == {
        "police",
        "public_prosecutor",
        "chief_prosecutor",
        "nctv",
        "kings_commissioner",
        "other_office_holders",
    }


def test_protection_measures_with_whom_since_and_until_then_ended(app, people, signed_in, report_by):
    case = report_by()
    clerk = signed_in(people[Role.CLERK])
    measure = {
        "beveiliging-description": SECRET_MEASURE,
        "beveiliging-involved": SECRET_WHO,
        "beveiliging-starts_on": "2026-11-21",
        "beveiliging-ends_on": "2026-11-01",
    }
    response = clerk.post(f"/zaken/{case.reference}/meldingen/beveiligingsmaatregelen", data=measure)
    assert response.status_code == 404  # no form without an acute threat: the model refuses too
    with pytest.raises(ProtectionRefused, match="horen bij een acute, ernstige dreiging"):
        protection.add_measure(case, people[Role.CLERK], description="x", involved="y", starts_on=dt.date(2026, 11, 21))
    clerk.post(f"/zaken/{case.reference}/meldingen/acute-dreiging")
    response = clerk.post(f"/zaken/{case.reference}/meldingen/beveiligingsmaatregelen", data=measure)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "De einddatum kan niet voor de begindatum liggen." in page
    assert SECRET_MEASURE in page and f'value="{SECRET_WHO}"' in page  # what was typed stays
    measure["beveiliging-ends_on"] = ""
    for _ in range(2):  # sent twice: stored once
        response = clerk.post(f"/zaken/{case.reference}/meldingen/beveiligingsmaatregelen", data=measure)
        assert response.status_code == 302
    db.connect(reuse_if_open=True)
    stored = ProtectionMeasure.get(ProtectionMeasure.case == case.id)
    assert ProtectionMeasure.select().count() == 1
    assert (stored.description, stored.involved, stored.starts_on, stored.ends_on) == (
        SECRET_MEASURE,
        SECRET_WHO,
        dt.date(2026, 11, 21),
        None,
    )
    raw = db.execute_sql('SELECT "description", "involved" FROM "protection_measure"').fetchone()
    assert SECRET_MEASURE not in raw[0] and SECRET_WHO not in raw[1]  # stored encrypted
    page = _page(clerk, case)
    assert SECRET_MEASURE in page and "21 november 2026" in page and "nog niet bekend" in page
    end = f"/zaken/{case.reference}/meldingen/beveiligingsmaatregelen/{stored.id}/einde"
    response = clerk.post(end, data={f"einde-{stored.id}-ends_on": "2026-11-20"})
    assert response.status_code == 400 and "De einddatum kan niet voor de begindatum liggen." in response.get_data(
        as_text=True
    )
    assert clerk.post(end, data={f"einde-{stored.id}-ends_on": "2027-02-01"}).status_code == 302
    assert "1 februari 2027" in _page(clerk, case)

    officer_page = _page(signed_in(people[Role.SECURITY_OFFICER]), case)  # informed: sees, changes nothing
    assert SECRET_MEASURE in officer_page and "Beveiligingsmaatregel vastleggen" not in officer_page
    assert (
        signed_in(people[Role.SECURITY_OFFICER])
        .post(end, data={f"einde-{stored.id}-ends_on": "2027-03-01"})
        .status_code
        == 404
    )
    own = signed_in(people[Role.COUNCIL_MEMBER]).get(f"/mijn-meldingen/{case.reference}").get_data(as_text=True)
    assert SECRET_MEASURE not in own and SECRET_WHO not in own  # never the security details (§7)
    events = list(CaseEvent.select().where((CaseEvent.case == case.id) & CaseEvent.detail.startswith("protection")))
    assert events and all(e.not_for_press for e in events)


def test_protection_measures_never_go_into_an_export_a_letter_or_the_yearly_report(
    app, people, signed_in, report_by, create_user, login
):
    from models import measures, perpetrators, retention
    from tests.test_annual_report import pdf_strings

    case = report_by(perpetrator_name="Piet Boos")
    clerk, mayor = people[Role.CLERK], people[Role.MAYOR]
    protection.mark_acute(case, clerk)
    protection.add_measure(
        case, clerk, description=SECRET_MEASURE, involved=SECRET_WHO, starts_on=dt.date(2026, 11, 21)
    )
    perpetrator = perpetrators.link_case(case, name="Piet Boos")
    ban = measures.propose(
        case,
        measures.MeasureType.BUILDING_BAN,
        clerk,
        reasons="Dreigde het raadslid.",
        perpetrator=perpetrator,
        starts_on=dt.date(2027, 1, 4),
        ends_on=dt.date(2027, 4, 3),
    )
    measures.decide(ban, mayor, reasons="Hij dreigde.", unheard_reason="Het kan niet wachten.")
    assert protection.count_measures() == 1  # the most any report may say

    def clean(text):
        return SECRET_MEASURE not in text and SECRET_WHO not in text and "Lindelaan" not in text

    assert clean(repr(retention.subject_access(people[Role.SECURITY_OFFICER], perpetrator.id)))
    officer = signed_in(people[Role.SECURITY_OFFICER])
    inzage = officer.get(f"/register/{perpetrator.id}/inzage.pdf")
    assert inzage.status_code == 200 and clean(pdf_strings(inzage.data))
    letter = signed_in(mayor).get(f"/zaken/{case.reference}/maatregelen/{ban.id}/brief")
    assert letter.status_code == 200 and clean(letter.get_data(as_text=True))
    producer = signed_in(mayor)
    year = clock.to_local(case.created_at).year
    for url in (f"/jaarverslag?jaar={year}", f"/jaarverslag.csv?jaar={year}"):
        response = producer.get(url)
        assert response.status_code == 200 and clean(response.get_data(as_text=True)), url
    pdf = producer.get(f"/jaarverslag.pdf?jaar={year}")
    assert pdf.status_code == 200 and clean(pdf_strings(pdf.data))
    finance = app.test_client()
    login(finance, create_user(Role.FINANCE_OFFICER))
    export = finance.get(f"/financien/export.csv?jaar={year}")
    assert export.status_code == 200 and clean(export.get_data(as_text=True))


# --- the public prosecutor (OM) ---------------------------------------------------------------------


def test_every_threat_report_and_every_police_report_records_that_the_om_was_informed(
    app, people, signed_in, report_by
):
    threat = report_by()
    clerk, officer = signed_in(people[Role.CLERK]), signed_in(people[Role.SECURITY_OFFICER])

    def om_row(client, case):
        return _page(client, case).split('id="melding-public_prosecutor"')[1].split("</tr>")[0]

    assert "Nog niet" in om_row(officer, threat)  # open until recorded
    assert 'name="public_prosecutor-done_on"' in om_row(clerk, threat)

    insult = report_by(behaviours=("insulting",))
    assert 'id="melding-public_prosecutor"' not in _page(clerk, insult)  # no threat, no police report yet
    police.file(insult, people[Role.CLERK], filed_on=clock.to_local(clock.utcnow()).date(), registration_number="PL-1")
    assert "Nog niet" in om_row(officer, insult)  # a police report filed: the OM is to be informed

    response = clerk.post(
        f"/zaken/{insult.reference}/meldingen/public_prosecutor", data={"public_prosecutor-done_on": _today()}
    )
    assert response.status_code == 302
    assert f"door {people[Role.CLERK].name}" in om_row(officer, insult)
    db.connect(reuse_if_open=True)
    notice = Notice.get((Notice.case == insult.id) & (Notice.kind == "public_prosecutor"))
    assert notice.done_by_id == people[Role.CLERK].id


# --- who may do what --------------------------------------------------------------------------------


def test_outsiders_and_informed_people_get_404_on_every_notices_url(app, people, signed_in, report_by, create_user):
    case = report_by(consequences=HOSPITAL)
    urls = [
        "meldingen/arbeidsinspectie/beoordeling",
        "meldingen/arbeidsinspectie/gewaarschuwd",
        "meldingen/ernstige-schade",
        "meldingen/acute-dreiging",
        "meldingen/beveiligingsmaatregelen",
        "meldingen/beveiligingsmaatregelen/1/einde",
        "meldingen/public_prosecutor",
    ]
    data = {"beoordeling-reportable": "no", "beoordeling-reason": "Geen letsel.", "public_prosecutor-done_on": _today()}
    for person in (
        create_user(Role.COUNCIL_MEMBER),
        people[Role.ALDERMAN],
        people[Role.MUNICIPAL_SECRETARY],
        people[Role.MAYOR],  # informed of the case, does not handle it
        people[Role.SECURITY_OFFICER],  # informed of the case, does not handle it
        people[Role.COUNCIL_MEMBER],  # the reporter
    ):
        client = signed_in(person)
        for url in urls:
            assert client.post(f"/zaken/{case.reference}/{url}", data=data).status_code == 404, (person.role, url)
    db.connect(reuse_if_open=True)
    assert InspectorateAssessment.select().count() == 0 and AcuteThreat.select().count() == 0
    assert Notice.select().count() == 0 and not Case.get_by_id(case.id).serious_harm
    assert _clock_rows(case).get().done_at is None


# --- on a phone and on a screen ---------------------------------------------------------------------

# What sticks out to the right of the screen (the page would scroll sideways): tag, class, width.
WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 5).map(el => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().left)}+${Math.round(el.getBoundingClientRect().width)} ${el.parentElement.tagName}.${el.parentElement.className} ${el.textContent.trim().slice(0, 60)}`)"""


def _panel_shot(page, path) -> None:
    """The panel as it lies on the page (page coordinates), the whole width of the screen."""
    box = page.locator("#meldingen-instanties").bounding_box()
    top = box["y"] + page.evaluate("window.scrollY")
    width = page.evaluate("document.documentElement.clientWidth")
    page.screenshot(path=str(path), full_page=True, clip={"x": 0, "y": top, "width": width, "height": box["height"]})


@pytest.mark.browser
def test_the_panel_fits_a_phone_and_a_screen(make_app, live_server, browser):
    """The demo threat (to assess) and a hospital admission assessed serious, with an acute threat and
    a protection measure: nothing scrolls sideways at 360 px, the assessment's error sits on the page."""
    import pathlib

    from models.demo import DEMO_DOMAIN, file_demo_incident
    from tests.browser import log_in
    from tests.test_accessibility import Axe

    shots = pathlib.Path("/tmp/shots-notices")
    shots.mkdir(parents=True, exist_ok=True)
    setup = make_app()
    with setup.app_context():
        db.connect(reuse_if_open=True)
        accounts = {account["role"]: account for account in demo.create_demo_accounts()}
        to_assess = demo.create_demo_case()
        member = User.get(User.email == f"raadslid@{DEMO_DOMAIN}")
        clerk = User.get(User.email == f"griffier@{DEMO_DOMAIN}")
        serious = file_demo_incident(
            member, clock.utcnow() - dt.timedelta(hours=2), behaviours=["threatening"], hospital_admission=True
        )
        notices.assess(serious, clerk, reportable=True, criteria=["hospital_admission", "physical_injury"])
        protection.mark_acute(serious, clerk)
        protection.add_measure(
            serious, clerk, description=SECRET_MEASURE, involved=SECRET_WHO, starts_on=dt.date(2026, 11, 21)
        )
        serious_reference = serious.reference
        db.close()
    # axe is injected as a script tag, which the portal's CSP refuses: this context bypasses it.
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    axe = Axe(page)
    log_in(page, live_server.url, accounts["clerk"])  # once: a code from the app works only once
    for width, height in ((360, 740), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        for name, reference in (("te-beoordelen", to_assess), ("ernstig-acuut", serious_reference)):
            page.goto(f"{live_server.url}/zaken/{reference}#meldingen-instanties")
            panel = page.locator("#meldingen-instanties")
            assert panel.is_visible()
            wide = page.evaluate(WIDER_THAN_THE_SCREEN)
            assert not wide, (name, width, wide)
            _panel_shot(page, shots / f"{name}-{width}.png")
            axe.check(f"{name} {width}")
        page.goto(f"{live_server.url}/zaken/{to_assess}#arbeidsinspectie")
        page.get_by_label("Ja. De gemeente moet de Arbeidsinspectie waarschuwen.").check()
        page.get_by_role("button", name="Beoordeling vastleggen").click()
        page.wait_for_load_state("load")  # the page shown again, with its style sheet
        assert "Kies wat de ambtsdrager is overkomen." in page.locator("#meldingen-instanties").inner_text()
        assert not page.evaluate(WIDER_THAN_THE_SCREEN)
        _panel_shot(page, shots / f"fout-{width}.png")
        axe.check(f"fout {width}")
    context.close()
    assert axe.violations == [], "\n".join(axe.violations)
