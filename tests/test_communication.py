"""Communication (§7): the mayor speaks for the municipality, the police or the OM once a criminal
investigation runs; a statement to the press is recorded only with the victim's consent in force,
never names a security measure, and a form sent twice stores one statement."""

import re

import pytest

from models import clock, consent, measures, police, protection
from models.accounts import Role
from models.cases import Case
from models.communication import Statement
from models.consent import How, Purpose
from models.db import db
from models.police import InvestigationStatus

SECRET_MEASURE = "Camerabewaking bij de woning aan de Lindelaan"
NOT_FOR_PRESS = "Extra surveillance bij het gemeentehuis tijdens raadsvergaderingen"
STATEMENT = "De gemeente staat pal achter het raadslid en doet aangifte van de bedreiging."


@pytest.fixture
def people(create_user):
    return {
        role: create_user(role, name=name)
        for role, name in (
            (Role.COUNCIL_MEMBER, "Raadslid Jansen"),
            (Role.MAYOR, "Burgemeester Van Dam"),
            (Role.CLERK, "Griffier De Boer"),
            (Role.SECURITY_OFFICER, "Veiligheid Smit"),
        )
    }


@pytest.fixture
def case(app, people, signed_in, file_report):
    reference = file_report(signed_in(people[Role.COUNCIL_MEMBER]))
    db.connect(reuse_if_open=True)
    return Case.get(Case.reference == reference)


def _today():
    return clock.to_local(clock.utcnow()).date()


def _page(client, case):
    response = client.get(f"/zaken/{case.reference}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _token(page):
    return re.search(r'name="communicatie-token"[^>]*value="([0-9a-f]+)"', page).group(1)


def _send(client, case, text=STATEMENT, token=""):
    return client.post(
        f"/zaken/{case.reference}/communicatie",
        data={
            "communicatie-token": token,
            "communicatie-made_on": _today().isoformat(),
            "communicatie-medium": "press_release",
            "communicatie-made_by": "Burgemeester Van Dam",
            "communicatie-text": text,
        },
        follow_redirects=True,
    )


def _statements(case):
    db.connect(reuse_if_open=True)
    return Statement.select().where(Statement.case == case.id).count()


def _give(case, people):
    consent.give(case, Purpose.PUBLIC_STATEMENT, people[Role.COUNCIL_MEMBER], how=How.PORTAL)


def test_a_statement_is_recorded_with_the_victims_consent_in_force(case, people, signed_in):
    _give(case, people)
    clerk = signed_in(people[Role.CLERK])
    page = _page(clerk, case)
    assert "Wie spreekt namens de gemeente?" in page
    response = _send(clerk, case, token=_token(page))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "De verklaring is vastgelegd." in page
    assert STATEMENT in page and "Persbericht" in page
    assert "Verklaring of perscontact vastgelegd" in page  # the timeline
    assert _statements(case) == 1
    db.connect(reuse_if_open=True)
    assert [e.detail.split(":")[0] for e in consent.done_under(case, Purpose.PUBLIC_STATEMENT)] == ["statement"]


def test_without_consent_nothing_is_stored_and_the_text_stays_on_the_page(case, people, signed_in):
    clerk = signed_in(people[Role.CLERK])
    page = _page(clerk, case)
    assert "kan pas als de ambtsdrager toestemming geeft" in page
    assert 'name="communicatie-text"' not in page
    response = _send(clerk, case, text="Een tekst die ik niet kwijt wil.")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "geen toestemming gegeven voor een publieke verklaring" in page
    assert "Een tekst die ik niet kwijt wil." in page
    assert _statements(case) == 0


def test_a_statement_naming_a_protection_measure_is_refused(case, people, signed_in):
    _give(case, people)
    clerk = people[Role.CLERK]
    protection.mark_acute(case, clerk)
    protection.add_measure(case, clerk, description=SECRET_MEASURE, involved="Politie", starts_on=_today())
    text = f"De gemeente neemt maatregelen: camerabewaking bij de woning  aan de Lindelaan. {STATEMENT}"
    response = _send(signed_in(clerk), case, text=text)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "noemt een beveiligingsmaatregel van deze zaak" in page
    assert "camerabewaking bij de woning  aan de Lindelaan" in page  # what was typed is kept
    assert _statements(case) == 0


def test_a_statement_naming_a_not_for_press_measure_is_refused(case, people, signed_in):
    _give(case, people)
    clerk = people[Role.CLERK]
    measures.propose(case, measures.MeasureType.OTHER, clerk, reasons="Dreiging.", description=NOT_FOR_PRESS)
    response = _send(signed_in(clerk), case, text=f"{STATEMENT} {NOT_FOR_PRESS}.")
    assert response.status_code == 400
    assert "Beveiligingsmaatregelen gaan nooit naar de pers." in response.get_data(as_text=True)
    assert _statements(case) == 0


def test_the_spokesperson_is_the_police_or_om_once_an_investigation_runs(case, people, signed_in):
    clerk = people[Role.CLERK]
    client = signed_in(clerk)
    assert "<strong>De burgemeester</strong>" in _page(client, case)
    consent.give(case, Purpose.POLICE_REPORT, clerk, how=How.PHONE)
    report = police.file(case, clerk, filed_on=_today(), registration_number="PL-17")
    assert "<strong>De burgemeester</strong>" in _page(client, case)  # filed, not yet investigated
    police.update_status(report, InvestigationStatus.INVESTIGATING, clerk)
    assert "<strong>De politie</strong>" in _page(client, case)
    police.update_status(report, InvestigationStatus.WITH_PROSECUTOR, clerk)
    assert "<strong>Het Openbaar Ministerie</strong>" in _page(client, case)


def test_a_statement_sent_twice_is_stored_once(case, people, signed_in):
    _give(case, people)
    clerk = signed_in(people[Role.CLERK])
    token = _token(_page(clerk, case))
    assert _send(clerk, case, token=token).status_code == 200
    assert _send(clerk, case, token=token).status_code == 200
    assert _statements(case) == 1


def test_someone_outside_the_case_gets_404(case, people, signed_in, create_user):
    _give(case, people)
    outsider = signed_in(create_user(Role.COUNCIL_MEMBER, name="Raadslid Elders"))
    assert _send(outsider, case).status_code == 404
    assert _statements(case) == 0


# --- other office holders informed (§7) -----------------------------------------------------------------


@pytest.fixture
def colleagues(create_user):
    return {
        "alderman": create_user(Role.ALDERMAN, name="Wethouder Bakker"),
        "member": create_user(Role.COUNCIL_MEMBER, name="Raadslid De Wit"),
    }


def _informed_token(page):
    return re.search(r'name="geinformeerd-token"[^>]*value="([0-9a-f]+)"', page).group(1)


def _inform(client, case, who, token="", on=None):
    return client.post(
        f"/zaken/{case.reference}/communicatie/geinformeerd",
        data={
            "geinformeerd-token": token,
            "geinformeerd-office_holders": [person.id for person in who],
            "geinformeerd-informed_on": (on or _today()).isoformat(),
        },
        follow_redirects=True,
    )


def _informed_rows(case):
    from models.communication import OfficeHolderInformed

    db.connect(reuse_if_open=True)
    return list(OfficeHolderInformed.select().where(OfficeHolderInformed.case == case.id))


def test_other_office_holders_are_informed_with_the_consent_in_force_and_the_timeline_names_them(
    case, people, colleagues, signed_in
):
    victim = people[Role.COUNCIL_MEMBER]
    record = consent.give(case, Purpose.INFORM_OTHERS, victim, how=How.PORTAL)
    clerk = signed_in(people[Role.CLERK])
    page = _page(clerk, case)
    assert "Er is nog geen andere ambtsdrager geïnformeerd." in page
    choices = re.search(r'<fieldset[^>]*id="geinformeerd-office_holders".*?</fieldset>', page, re.S).group(0)
    assert "Wethouder Bakker" in choices and "Raadslid De Wit" in choices and "Burgemeester Van Dam" in choices
    assert "Raadslid Jansen" not in choices  # the victim is not informed about their own case
    assert "Griffier De Boer" not in choices  # a clerk is no office holder
    response = _inform(clerk, case, [colleagues["alderman"], colleagues["member"]], token=_informed_token(page))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Vastgelegd wie er is geïnformeerd." in page
    listed = re.search(r'<ul class="plain-list" id="geinformeerd-lijst">(.*?)</ul>', page, re.S).group(1)
    assert "Raadslid De Wit, op" in listed and "Wethouder Bakker, op" in listed
    assert "met toestemming sinds" in listed
    assert "Andere ambtsdrager geïnformeerd: Wethouder Bakker" in page  # the timeline
    assert "Andere ambtsdrager geïnformeerd: Raadslid De Wit" in page
    rows = _informed_rows(case)
    assert {row.office_holder_id for row in rows} == {colleagues["alderman"].id, colleagues["member"].id}
    assert {row.consent_record_id for row in rows} == {record.id}  # the consent in force at the time
    assert len(consent.done_under(case, Purpose.INFORM_OTHERS)) == 2  # done under the consent: it stays done
    # The checklist of whom to warn shows it done.
    assert re.search(r'id="melding-other_office_holders">.*?Ja, op', page, re.S)


def test_informing_is_refused_without_the_consent_and_what_was_chosen_stays(case, people, colleagues, signed_in):
    clerk = signed_in(people[Role.CLERK])
    page = _page(clerk, case)
    assert "kan pas als de ambtsdrager toestemming geeft om andere ambtsdragers te informeren" in page
    assert 'name="geinformeerd-office_holders"' not in page
    response = _inform(clerk, case, [colleagues["alderman"]])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "De ambtsdrager heeft geen toestemming gegeven om andere ambtsdragers te informeren." in page
    assert re.search(rf'<input[^>]*checked[^>]*value="{colleagues["alderman"].id}"', page) or re.search(
        rf'<input[^>]*value="{colleagues["alderman"].id}"[^>]*checked', page
    )
    assert _informed_rows(case) == []


def test_after_a_withdrawal_nobody_more_is_informed_and_who_was_stays_listed(case, people, colleagues, signed_in):
    victim = people[Role.COUNCIL_MEMBER]
    consent.give(case, Purpose.INFORM_OTHERS, victim, how=How.PORTAL)
    clerk = signed_in(people[Role.CLERK])
    assert _inform(clerk, case, [colleagues["alderman"]]).status_code == 200
    consent.withdraw(case, Purpose.INFORM_OTHERS, victim, how=How.PORTAL)
    response = _inform(clerk, case, [colleagues["member"]])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "geen toestemming gegeven om andere ambtsdragers te informeren" in page
    assert "Wethouder Bakker, op" in page
    assert [row.office_holder_id for row in _informed_rows(case)] == [colleagues["alderman"].id]


def test_informing_sent_twice_is_stored_once_and_bad_choices_are_explained(case, people, colleagues, signed_in):
    consent.give(case, Purpose.INFORM_OTHERS, people[Role.COUNCIL_MEMBER], how=How.PORTAL)
    clerk = signed_in(people[Role.CLERK])
    token = _informed_token(_page(clerk, case))
    assert _inform(clerk, case, [colleagues["alderman"]], token=token).status_code == 200
    assert _inform(clerk, case, [colleagues["alderman"]], token=token).status_code == 200
    assert len(_informed_rows(case)) == 1
    db.connect(reuse_if_open=True)
    from models.cases import CaseEvent

    assert CaseEvent.select().where(CaseEvent.detail.startswith("other_office_holders:")).count() == 1
    for who, message in (
        ([people[Role.CLERK]], "Kies alleen ambtsdragers uit de lijst."),
        ([people[Role.COUNCIL_MEMBER]], "Kies alleen ambtsdragers uit de lijst."),
        ([], "Kies wie er is geïnformeerd."),
    ):
        response = _inform(clerk, case, who)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    response = _inform(clerk, case, [colleagues["member"]], on=_today().replace(year=_today().year + 1))
    assert response.status_code == 400 and "Deze datum ligt in de toekomst." in response.get_data(as_text=True)
    assert len(_informed_rows(case)) == 1


def test_who_was_informed_is_seen_only_by_who_may_see_the_case(case, people, colleagues, signed_in, create_user):
    consent.give(case, Purpose.INFORM_OTHERS, people[Role.COUNCIL_MEMBER], how=How.PORTAL)
    assert _inform(signed_in(people[Role.CLERK]), case, [colleagues["alderman"]]).status_code == 200
    mayor = signed_in(people[Role.MAYOR])  # informed of a council member's case (§6.1): sees, does not record
    page = _page(mayor, case)
    assert "Wethouder Bakker, op" in page
    assert 'name="geinformeerd-office_holders"' not in page
    assert _inform(mayor, case, [colleagues["member"]]).status_code == 404
    alderman = signed_in(colleagues["alderman"])  # informed of it, but no access to the case
    assert alderman.get(f"/zaken/{case.reference}").status_code == 404
    assert _inform(alderman, case, [colleagues["member"]]).status_code == 404
    assert len(_informed_rows(case)) == 1


def test_no_export_letter_or_yearly_figure_names_a_protection_measure(case, people, signed_in):
    from tests.test_police_dossier import pdf_text

    clerk = people[Role.CLERK]
    consent.give(case, Purpose.POLICE_REPORT, clerk, how=How.PHONE)
    protection.mark_acute(case, clerk)
    protection.add_measure(case, clerk, description=SECRET_MEASURE, involved="Politie", starts_on=_today())
    measures.propose(case, measures.MeasureType.OTHER, clerk, reasons="Dreiging.", description="Waarschuwing")
    report = police.file(case, clerk, filed_on=_today(), registration_number="PL-17")
    client = signed_in(clerk)
    dossier = client.get(f"/zaken/{case.reference}/aangifte/{report.id}/dossier.pdf")
    assert dossier.status_code == 200
    text = pdf_text(dossier.data)
    assert "Waarschuwing" in text  # the measures against the perpetrator are in it
    assert "Camerabewaking" not in text and "Lindelaan" not in text
    db.connect(reuse_if_open=True)
    from models import perpetrators, retention

    perpetrator = perpetrators.link_case(case, name="Piet Boos", actor=clerk)
    access = repr(retention.subject_access(people[Role.SECURITY_OFFICER], perpetrator.id))
    assert case.reference in access and "Camerabewaking" not in access
    year = _today().year
    for url in (f"/jaarverslag?jaar={year}", f"/jaarverslag.csv?jaar={year}"):
        response = signed_in(people[Role.MAYOR]).get(url)
        assert response.status_code == 200, url
        assert "Camerabewaking" not in response.get_data(as_text=True)
