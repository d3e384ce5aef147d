"""Prevention (§4.1, §4.2): a risk analysis asked before an information evening, the security
officer reminded once while it is undecided and then deciding it; a home screening asked, visited
and its cost recorded, seen only by the office holder and the security officer."""

import datetime as dt
import re

import pytest

from models import clock
from models.accounts import Role


@pytest.fixture
def people(create_user):
    return {
        "alderman": create_user(Role.ALDERMAN, name="Wethouder Jansen"),
        "other": create_user(Role.COUNCIL_MEMBER, name="Raadslid De Vries"),
        "security": create_user(Role.SECURITY_OFFICER, name="Ambtenaar Veiligheid"),
        "clerk": create_user(Role.CLERK, name="Griffier"),
    }


def _client(app, login, user):
    client = app.test_client()
    login(client, user)
    return client


def _run_reminders(app):
    from jobs.tasks import send_due_reminders

    with app.app_context():
        return send_due_reminders.call_local()


def _local(moment: dt.datetime) -> str:
    return clock.to_local(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_risk_analysis_is_asked_reminded_once_when_undecided_and_then_decided(app, people, login, mailbox, clock_at):
    alderman = _client(app, login, people["alderman"])
    assert "Veiligheid vooraf" in alderman.get("/").get_data(as_text=True)
    evening = clock.utcnow().replace(second=0, microsecond=0) + dt.timedelta(days=10)
    data = {
        "kind": "information_evening",
        "what": "Informatieavond over de nieuwe windmolens",
        "location": "Sporthal De Brug",
        "starts_at": _local(evening),
        "security_presence": "y",
        "security_from": _local(evening - dt.timedelta(hours=1)),
        "token": "a" * 32,
    }
    response = alderman.post("/veiligheid-vooraf/risicoanalyse/aanvragen", data=data, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Uw aanvraag is verstuurd" in page and "Nog geen besluit" in page and "Sporthal De Brug" in page
    alderman.post("/veiligheid-vooraf/risicoanalyse/aanvragen", data=data)  # sent twice: stored once
    analysis_url = re.search(
        r'href="(/veiligheid-vooraf/risicoanalyse/\d+)"', alderman.get("/veiligheid-vooraf").get_data(as_text=True)
    ).group(1)
    assert (
        alderman.get("/veiligheid-vooraf").get_data(as_text=True).count("/veiligheid-vooraf/risicoanalyse/") == 2
    )  # ask link + one

    mailbox.messages.clear()
    clock_at(days=5)  # the date is not near yet
    assert _run_reminders(app) == 0
    clock_at(days=8)  # three days before: undecided, so the security officer is reminded
    assert _run_reminders(app) == 1
    assert _run_reminders(app) == 0  # once
    (mail,) = mailbox.messages
    assert mail["To"] == people["security"].email
    body = mail.get_content()
    assert "Risicoanalyse voor een bijeenkomst" in body and "windmolens" not in body and "De Brug" not in body
    assert "/veiligheid-vooraf" in body  # where it is decided (it is on no case's deadlines page)

    security = _client(app, login, people["security"])
    overview = security.get("/veiligheid-vooraf").get_data(as_text=True)
    assert "Informatieavond" in overview and "nog geen besluit" in overview
    decided = security.post(
        analysis_url,
        data={
            "expected_tension": "high",
            "location_chosen": "Raadzaal met twee uitgangen",
            "organisational_measures": "Toegang alleen met aanmelding",
            "security_present": "yes",
            "decision": "go_with_measures",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Het besluit is opgeslagen" in decided and "Gaat door, met organisatorische maatregelen" in decided
    alderman = _client(app, login, people["alderman"])  # the clock moved on: a new session
    assert "Gaat door, met organisatorische maatregelen" in alderman.get(analysis_url).get_data(as_text=True)
    # Someone else's analysis does not exist for another office holder or the clerk.
    assert _client(app, login, people["other"]).get(analysis_url).status_code == 404
    assert _client(app, login, people["clerk"]).get(analysis_url).status_code == 404


def test_an_undecided_analysis_names_what_is_missing(app, people, login):
    alderman = _client(app, login, people["alderman"])
    page = alderman.post(
        "/veiligheid-vooraf/risicoanalyse/aanvragen",
        data={"kind": "group_meeting", "what": "", "location": "Zaal", "security_presence": "y"},
    ).get_data(as_text=True)
    assert "Schrijf waar het over gaat." in page and "Vul de datum en tijd in." in page
    assert "Vul in vanaf hoe laat de beveiliging er moet zijn." in page and 'value="Zaal"' in page


def test_a_home_screening_is_asked_visited_and_its_cost_recorded(app, people, login):
    alderman = _client(app, login, people["alderman"])
    page = alderman.post(
        "/veiligheid-vooraf/thuisscreening/aanvragen",
        data={"reason": "Ik wil weten of mijn voordeur veilig is", "token": "b" * 32},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Uw aanvraag is verstuurd" in page and "Nog niet geweest" in page
    url = re.search(
        r'href="(/veiligheid-vooraf/thuisscreening/\d+)"', alderman.get("/veiligheid-vooraf").get_data(as_text=True)
    ).group(1)

    security = _client(app, login, people["security"])
    assert "Wethouder Jansen" in security.get("/veiligheid-vooraf").get_data(as_text=True)
    wrong = security.post(url, data={"cost": "twaalf euro"}).get_data(as_text=True)
    assert "Vul het bedrag in met cijfers" in wrong
    visit = clock.to_local(clock.utcnow()).date() - dt.timedelta(days=1)
    saved = security.post(
        url,
        data={
            "visited_on": visit.isoformat(),
            "advice": "Een camera bij de voordeur",
            "measures_taken": "Camera geplaatst",
            "cost": "349,95",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "De screening is opgeslagen" in saved and "€ 349,95" in saved

    own = alderman.get(url).get_data(as_text=True)
    assert "Een camera bij de voordeur" in own and "€ 349,95" in own and "Camera geplaatst" in own
    for someone in ("other", "clerk"):
        assert _client(app, login, people[someone]).get(url).status_code == 404
        assert "voordeur" not in _client(app, login, people[someone]).get("/veiligheid-vooraf").get_data(as_text=True)


def test_the_yearly_report_counts_risk_analyses_and_screenings_and_hides_small_numbers(app, people, db_session):
    from models import annual_report, risk, settings
    from models.annual_report import Period

    settings.change("report_min_cell", 3, None)
    evening = clock.utcnow() + dt.timedelta(days=30)
    for n in range(4):
        analysis = risk.ask_risk_analysis(
            people["alderman"],
            kind=risk.MeetingKind.GROUP_MEETING,
            what=f"Bijeenkomst {n}",
            location="Zaal",
            starts_at=evening,
        )
        if n < 3:
            risk.decide_risk_analysis(
                analysis,
                people["security"],
                expected_tension=risk.Tension.LOW,
                location_chosen="Zaal",
                organisational_measures="geen",
                security_present=False,
                decision=risk.RiskDecision.GO,
            )
    risk.ask_home_screening(people["alderman"])
    year = clock.to_local(clock.utcnow()).year
    report = annual_report.build(Period.year(year))
    text = {(s.code, r.code): annual_report.figure_text(r.current, 3) for s in report.sections for r in s.rows}
    # 3 decided to go would give the one undecided away (4 - 3): it is hidden too.
    assert text["risk_analyses", "asked"] == "4" and text["risk_analyses", "go"] == "×"
    assert text["risk_analyses", "undecided"] == "< 3" and text["risk_analyses", "not_like_this"] == "0"
    assert text["home_screenings", "asked"] == "< 3" and text["home_screenings", "not_visited"] == "< 3"


def test_a_screening_after_an_incident_books_its_cost_in_that_cases_ledger_as_borne(
    app, people, login, signed_in, file_report
):
    """§6.4: what the municipality pays for the screening of a victim's home is a cost it bears: in the
    ledger of the incident's case (recoverable from the perpetrator like any borne cost). A screening
    without an incident keeps its cost on the screening: the ledger books per case, no case is invented."""
    from models import damages, risk
    from models.cases import Case
    from models.db import db

    reference = file_report(signed_in(people["alderman"]))
    db.connect(reuse_if_open=True)
    case = Case.get(Case.reference == reference)
    screening = risk.ask_home_screening(people["alderman"], reason="Na de bedreiging")
    url = f"/veiligheid-vooraf/thuisscreening/{screening.id}"
    security = _client(app, login, people["security"])
    form = security.get(url).get_data(as_text=True)
    assert f"Melding {reference}" in form and "Nee, preventief (zonder incident)" in form

    def _save(**data):
        data = {"visited_on": "", "advice": "Camera", "measures_taken": "", "cost": "", "case": ""} | data
        return security.post(url, data=data, follow_redirects=True)

    page = _save(case=str(case.id), cost="349,95").get_data(as_text=True)
    assert "De screening is opgeslagen" in page
    assert f"Ja, bij melding {reference}, als kosten die de gemeente zelf draagt." in page
    db.connect(reuse_if_open=True)
    assert damages.balances(case=case).borne == 34995
    [entry] = damages.LedgerEntry.select().where(damages.LedgerEntry.case == case.id)
    assert entry.kind == "borne" and entry.reason == risk.LEDGER_REASON
    assert _save(case=str(case.id), cost="349,95").status_code == 200  # the same again: nothing new
    assert damages.LedgerEntry.select().count() == 1
    _save(case=str(case.id), cost="400,00")  # a new amount reverses the old entry and books the new one
    assert damages.balances(case=case).borne == 40000
    assert damages.LedgerEntry.select().count() == 3
    page = _save(case="", cost="400,00").get_data(as_text=True)  # not after an incident after all
    assert damages.balances(case=case).borne == 0
    assert "De screening volgt niet op een melding." in page and "€ 400,00" in page
    assert risk.preventive_costs() == 40000
    _save(case=str(case.id), cost="400,00")  # booked again: the prevention costs outside the ledger drop
    assert damages.balances(case=case).borne == 40000 and risk.preventive_costs() == 0


def test_a_screening_cannot_be_booked_on_someone_elses_case(app, people, login, signed_in, file_report):
    from models import damages, risk

    other_reference = file_report(signed_in(people["other"]))
    from models.cases import Case
    from models.db import db

    db.connect(reuse_if_open=True)
    other_case = Case.get(Case.reference == other_reference)
    screening = risk.ask_home_screening(people["alderman"])
    security = _client(app, login, people["security"])
    response = security.post(
        f"/veiligheid-vooraf/thuisscreening/{screening.id}",
        data={"case": str(other_case.id), "cost": "100", "advice": "Slot vervangen"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Kies een melding van deze ambtsdrager." in page
    assert "Slot vervangen" in page  # what was typed is kept
    db.connect(reuse_if_open=True)
    assert damages.LedgerEntry.select().count() == 0


def test_a_screening_cost_being_recovered_cannot_be_taken_out_of_the_ledger(app, people, login, signed_in, file_report):
    """Once a recovery from the perpetrator runs for the borne cost, moving the screening off the case
    would leave more to recover than was borne: refused with the ledger's message, nothing changed."""
    from models import damages, perpetrators, risk
    from models.cases import Case
    from models.db import db

    reference = file_report(signed_in(people["alderman"]))
    db.connect(reuse_if_open=True)
    case = Case.get(Case.reference == reference)
    screening = risk.ask_home_screening(people["alderman"])
    risk.record_home_screening(
        screening, people["security"], visited_on=None, advice="", measures_taken="", cost_cents=20000, case=case
    )
    perpetrator = perpetrators.link_case(case, name="Piet Boos", actor=people["security"])
    damages.start_recovery(case, {perpetrator.id: 20000}, clock.to_local(clock.utcnow()).date(), people["security"])
    security = _client(app, login, people["security"])
    response = security.post(
        f"/veiligheid-vooraf/thuisscreening/{screening.id}", data={"case": "", "cost": "200,00", "advice": "Slot"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Dit kan niet: er zou meer worden verhaald dan er is toegekend" in page
    assert 'value="200,00"' in page
    db.connect(reuse_if_open=True)
    assert damages.balances(case=case).borne == 20000
    stored = risk.HomeScreening.get_by_id(screening.id)
    assert stored.case_id == case.id and stored.advice is None
