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
