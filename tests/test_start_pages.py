"""Start pages per role (issue 15, item 4): each person lands on what waits for them — the mayor on a
building ban to decide, the clerk on new and late cases, the security officer on advice asked and acute
threats, the finance officer on what to pay, the office holder on their own cases and what is asked of
them. Every count links to the list behind it, holding exactly those cases, and never a case the person
may not see (models.visibility)."""

import datetime as dt
import os
import pathlib
import re

import pytest

from models import damages, measures, protection
from models.accounts import Role
from models.cases import Case, CaseEvent, EventKind

BAN_REASONS = "Hij dreigde het raadslid thuis op te zoeken."


def counts(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-count="([^"]+)">([^<]+)</span>', html))


def listed(client, key: str) -> set[str]:
    response = client.get(f"/start/{key}")
    assert response.status_code == 200, (key, response.status_code)
    return set(re.findall(r'data-reference="([^"]+)"', response.get_data(as_text=True)))


def case(app, reference: str) -> Case:
    with app.app_context():
        return Case.get(Case.reference == reference)


@pytest.fixture
def municipality(app, create_user, login, file_report, clock_at):
    """A council member's threat (the clerk handles it; the mayor and the security officer are informed)
    with a building ban proposed, and without an answer on the police report; a second council case
    nobody picked up for two days; an alderman's case (the mayor and the secretary handle it) marked an
    acute threat, with an approved damage claim not yet paid."""
    people = {
        role: create_user(role)
        for role in (
            Role.COUNCIL_MEMBER,
            Role.ALDERMAN,
            Role.CLERK,
            Role.MAYOR,
            Role.MUNICIPAL_SECRETARY,
            Role.SECURITY_OFFICER,
            Role.FINANCE_OFFICER,
        )
    }
    member, alderman = app.test_client(), app.test_client()
    login(member, people[Role.COUNCIL_MEMBER])
    login(alderman, people[Role.ALDERMAN])
    threat = file_report(member, consent_police_report="no", perpetrator_name="Piet Boos")
    waiting = file_report(member, behaviours=("insulting",), consent_police_report="no", files=())
    acute = file_report(alderman, behaviours=("insulting",), files=())
    today = dt.date.today()
    with app.app_context():
        measures.propose(
            case(app, threat),
            measures.MeasureType.BUILDING_BAN,
            people[Role.CLERK],
            reasons=BAN_REASONS,
            starts_on=today + dt.timedelta(days=7),
            ends_on=today + dt.timedelta(days=97),
        )
        CaseEvent.create(
            case=case(app, threat),
            actor=people[Role.CLERK],
            kind=EventKind.MESSAGE_TO_REPORTER.value,
            body="Kunt u ons bellen over de aangifte?",
        )
        protection.mark_acute(case(app, acute), people[Role.MUNICIPAL_SECRETARY])
        item = damages.submit_item(
            case(app, acute), damages.Category.PROPERTY, "Ruit van de voordeur", 12_500, people[Role.ALDERMAN]
        )
        damages.assess(item, damages.Decision.FULL, people[Role.MUNICIPAL_SECRETARY])
    clock_at(hours=50)  # two days on: nobody picked up the waiting case within 24 hours
    return {"threat": threat, "waiting": waiting, "acute": acute}, people


def test_the_mayor_sees_the_building_ban_waiting_and_its_link_leads_to_the_case(app, municipality, signed_in):
    refs, people = municipality
    mayor = signed_in(people[Role.MAYOR])
    home = mayor.get("/").get_data(as_text=True)
    assert counts(home)["besluiten"] == "1"
    decisions = home.split('data-list="besluiten"')[1].split("</li>\n")[0]
    assert "Toegang tot gemeentelijke gebouwen ontzeggen" in decisions
    link = re.search(rf'href="(/zaken/{refs["threat"]}#maatregelen)"', decisions).group(1)
    assert mayor.get(link.split("#")[0]).status_code == 200
    # Informed of the council member's cases (§6.1); the alderman's case the mayor handles is not "informed".
    assert counts(home)["geinformeerd"] == "2"
    assert listed(mayor, "besluiten") == {refs["threat"]}
    assert listed(mayor, "geinformeerd") == {refs["threat"], refs["waiting"]}
    # What waits comes before the links that were the whole start page.
    assert home.index("Wat er op u wacht") < home.index("Wat u hier kunt doen") < home.index("Een incident melden")


def test_a_measure_anyone_handling_may_decide_waits_only_for_the_roles_that_handle_the_case(
    app, municipality, signed_in
):
    """A written warning is no role's own decision: it waits for those whose role handles the case,
    not for those only informed of it; the building ban waits for the mayor on any case the mayor sees."""
    refs, people = municipality
    with app.app_context():
        for reference, proposer in ((refs["waiting"], Role.CLERK), (refs["acute"], Role.MUNICIPAL_SECRETARY)):
            measures.propose(
                case(app, reference),
                measures.MeasureType.WARNING_WRITTEN,
                people[proposer],
                reasons="Hij schold de wethouder uit bij de balie.",
            )
    mayor = signed_in(people[Role.MAYOR])
    clerk = signed_in(people[Role.CLERK])
    secretary = signed_in(people[Role.MUNICIPAL_SECRETARY])
    # The mayor handles the alderman's case and is only informed of the council member's waiting case.
    assert listed(mayor, "besluiten") == {refs["threat"], refs["acute"]}
    assert counts(mayor.get("/").get_data(as_text=True))["besluiten"] == "2"
    assert listed(clerk, "besluiten") == {refs["waiting"]}
    assert listed(secretary, "besluiten") == {refs["acute"]}


def test_a_list_read_from_the_measures_shows_each_case_once_newest_first_and_stops_at_the_cap(
    app, municipality, signed_in, monkeypatch
):
    """The mayor's decisions are read from the proposed measures (models.start_pages reads them in two
    shapes, one per database): a case with two measures waiting is one row, the newest case comes first,
    and the count stops at CAP while the list behind it stays whole."""
    from models import start_pages

    refs, people = municipality
    with app.app_context():
        for reference in (refs["waiting"], refs["acute"]):
            measures.propose(
                case(app, reference),
                measures.MeasureType.BUILDING_BAN,
                people[Role.CLERK if reference == refs["waiting"] else Role.MUNICIPAL_SECRETARY],
                reasons=BAN_REASONS,
                starts_on=dt.date.today() + dt.timedelta(days=7),
                ends_on=dt.date.today() + dt.timedelta(days=97),
            )
        measures.propose(  # a second measure waiting on the alderman's case, which the mayor handles
            case(app, refs["acute"]),
            measures.MeasureType.WARNING_WRITTEN,
            people[Role.MUNICIPAL_SECRETARY],
            reasons="Hij schold de wethouder uit bij de balie.",
        )
    mayor = signed_in(people[Role.MAYOR])
    newest_first = [refs["acute"], refs["waiting"], refs["threat"]]  # filed in the other order
    page = mayor.get("/start/besluiten").get_data(as_text=True)
    assert re.findall(r'data-reference="([^"]+)"', page) == newest_first
    monkeypatch.setattr(start_pages, "CAP", 2)
    home = mayor.get("/").get_data(as_text=True)
    assert counts(home)["besluiten"] == "meer dan 2"
    decisions = home.split('data-list="besluiten"')[1]
    assert [r for r in re.findall(r"/zaken/(VB-[0-9-]+)#", decisions) if r in newest_first][:3] == newest_first
    assert re.findall(r'data-reference="([^"]+)"', mayor.get("/start/besluiten").get_data(as_text=True)) == (
        newest_first
    )


def test_the_clerk_sees_new_cases_a_late_pick_up_and_open_steps(app, municipality, signed_in):
    refs, people = municipality
    clerk = signed_in(people[Role.CLERK])
    home = clerk.get("/").get_data(as_text=True)
    # The threat has a measure proposed, so the work moved it on; the other is still new, and late.
    assert counts(home)["nieuw"] == "1" and counts(home)["te-laat-opgepakt"] == "1"
    assert f'href="/zaken/{refs["waiting"]}#oppakken"' in home
    assert listed(clerk, "nieuw") == {refs["waiting"]}
    assert listed(clerk, "te-laat-opgepakt") == {refs["waiting"]}
    # The ban is the mayor's decision, not the clerk's.
    assert counts(home)["besluiten"] == "0" and listed(clerk, "besluiten") == set()
    steps = home.split('id="stappen-titel"')[1].split("</section>")[0]
    assert "Eerste nazorggesprek voeren" in steps and f"/zaken/{refs['threat']}#nazorg" in steps
    assert refs["acute"] not in home  # the alderman's case is not the clerk's


def test_the_security_officer_sees_advice_asked_and_an_acute_threat(app, municipality, signed_in):
    refs, people = municipality
    officer = signed_in(people[Role.SECURITY_OFFICER])
    home = officer.get("/").get_data(as_text=True)
    assert counts(home)["advies"] == "1" and counts(home)["acuut"] == "1"
    assert listed(officer, "advies") == {refs["threat"]}
    assert listed(officer, "acuut") == {refs["acute"]}
    with app.app_context():
        measures.record_advice(
            measures.Measure.get(measures.Measure.case == case(app, refs["threat"]).id),
            "Verbod is passend.",
            people[Role.SECURITY_OFFICER],
        )
    assert counts(officer.get("/").get_data(as_text=True))["advies"] == "0"
    assert listed(officer, "advies") == set()


def test_the_finance_officer_sees_an_approved_claim_to_pay_and_no_case_content(app, municipality, signed_in):
    refs, people = municipality
    finance = signed_in(people[Role.FINANCE_OFFICER])
    home = finance.get("/").get_data(as_text=True)
    assert counts(home)["uitbetalen"] == "1" and counts(home)["betalingen-te-laat"] == "0"
    assert f'href="/financien/{refs["acute"]}"' in home
    assert listed(finance, "uitbetalen") == {refs["acute"]}
    assert refs["threat"] not in home and "Ruit van de voordeur" not in home
    assert finance.get("/start/nieuw").status_code == 404  # not a list of theirs


def test_the_office_holder_sees_their_own_case_and_what_is_asked_of_them(app, municipality, signed_in):
    refs, people = municipality
    member = signed_in(people[Role.COUNCIL_MEMBER])
    home = member.get("/").get_data(as_text=True)
    assert counts(home) == {"toestemming": "1", "berichten": "1", "mijn-open": "2"}
    assert f'href="/mijn-meldingen/{refs["threat"]}"' in home
    assert listed(member, "toestemming") == {refs["threat"]}
    assert listed(member, "berichten") == {refs["threat"]}
    assert listed(member, "mijn-open") == {refs["threat"], refs["waiting"]}
    assert member.get("/start/besluiten").status_code == 404
    with app.app_context():  # answering clears both
        CaseEvent.create(
            case=case(app, refs["threat"]),
            actor=people[Role.COUNCIL_MEMBER],
            kind=EventKind.MESSAGE_FROM_REPORTER.value,
            body="Ik bel morgen.",
        )
        from models import consent

        consent.give(
            case(app, refs["threat"]),
            consent.Purpose.POLICE_REPORT,
            people[Role.COUNCIL_MEMBER],
            how=consent.How.PORTAL,
        )
    assert counts(member.get("/").get_data(as_text=True)) == {"toestemming": "0", "berichten": "0", "mijn-open": "2"}


def test_nobody_sees_a_case_they_may_not(app, municipality, signed_in):
    refs, people = municipality
    alderman = signed_in(people[Role.ALDERMAN])
    home = alderman.get("/").get_data(as_text=True)
    assert refs["threat"] not in home and refs["waiting"] not in home
    assert counts(home)["mijn-open"] == "1" and listed(alderman, "mijn-open") == {refs["acute"]}
    # The secretary handles the alderman's case, never the council member's.
    secretary = signed_in(people[Role.MUNICIPAL_SECRETARY])
    page = secretary.get("/").get_data(as_text=True)
    assert refs["threat"] not in page and refs["waiting"] not in page
    assert secretary.get("/start/acuut").status_code == 404  # the security officer's list
    # The alderman's own case is never on their start page as a handler's list.
    for key in ("besluiten", "nieuw", "advies", "acuut", "geinformeerd"):
        assert alderman.get(f"/start/{key}").status_code == 404


def test_each_count_and_its_first_cases_are_those_of_the_list_and_the_steps_follow_the_rule(app, municipality):
    """The start page counts the rows of a list as the database returns them and makes cases of the
    first few only; the open steps walk the deadlines in two shapes (models.start_pages.open_steps).
    Both give what the plain rule gives, for everyone in the municipality."""
    from models import clock, start_pages, visibility
    from models.deadlines import Deadline

    _refs, people = municipality
    with app.app_context():
        now = clock.utcnow()
        steps_seen = 0
        for person in people.values():
            page = start_pages.start_page(person, now)
            for tally in page.tallies:
                whole = list(start_pages.cases_of(person, tally.kind.key, now))
                assert tally.count == min(len(whole), start_pages.CAP + 1), (person.role, tally.kind.key)
                shown = [(c.id, c.reference, c.created_at) for c in tally.cases]
                assert shown == [(c.id, c.reference, c.created_at) for c in whole[: start_pages.SHOWN]]
                assert all(isinstance(c.created_at, dt.datetime) for c in tally.cases)
            if person.role_enum not in start_pages.HANDLER_ROLES:
                assert page.steps == []
                continue
            named = [
                d
                for d in Deadline.select().where(Deadline.done_at.is_null() & Deadline.case.is_null(False))
                if person.role in f"{d.remind_roles},{d.escalate_roles}".split(",")
                and visibility.case_access(person, d.case) >= visibility.Access.INFORMED
            ]
            overdue = sorted((d for d in named if d.due_at < now), key=lambda d: d.due_at, reverse=True)
            upcoming = sorted((d for d in named if d.due_at >= now), key=lambda d: d.due_at)
            expected = (overdue[: start_pages.STEPS_SHOWN] + upcoming[: start_pages.STEPS_SHOWN])[
                : start_pages.STEPS_SHOWN
            ]
            assert [(d.id, d.case.reference) for d in page.steps] == [(d.id, d.case.reference) for d in expected]
            steps_seen += len(page.steps)
        assert steps_seen  # the clerk's aftercare conversations at least


def test_the_walk_for_steps_counts_open_deadlines_only(app, municipality, monkeypatch):
    """The walk reads at most WALK deadlines on each side of now, counted among the open ones: deadlines
    already done, however many lie nearer to now, do not hide a step that is still open."""
    from models import clock, start_pages
    from models.deadlines import Deadline, DeadlineKind

    refs, people = municipality
    clerk = people[Role.CLERK]
    monkeypatch.setattr(start_pages, "WALK", 2)
    with app.app_context():
        now = clock.utcnow()
        threat = case(app, refs["threat"])
        Deadline.delete().execute()

        def add(days, done=False):
            due = now + dt.timedelta(days=days)
            return Deadline.create(
                case=threat,
                kind=DeadlineKind.AFTERCARE_1.value,
                due_at=due,
                remind_at=due,
                remind_roles=Role.CLERK.value,
                done_at=now if done else None,
            )

        overdue, upcoming = add(-30), add(30)
        for days in (-3, -2, -1, 1, 2, 3):  # nearer to now than both, and done
            add(days, done=True)
        steps = start_pages.open_steps(clerk, now)
    assert [d.id for d in steps] == [overdue.id, upcoming.id]


def test_a_count_stops_at_the_cap_and_says_more(app, create_user, signed_in, file_report, login, monkeypatch):
    from models import start_pages

    monkeypatch.setattr(start_pages, "CAP", 2)
    member, clerk = create_user(Role.COUNCIL_MEMBER), create_user(Role.CLERK)
    client = app.test_client()
    login(client, member)
    for _ in range(4):
        file_report(client, behaviours=("insulting",), files=())
    home = signed_in(clerk).get("/").get_data(as_text=True)
    assert counts(home)["nieuw"] == "meer dan 2"
    assert len(listed(signed_in(clerk), "nieuw")) == 4  # the list behind it is whole


# --- in a real browser, on a phone and a desktop ------------------------------------------------

SHOTS = pathlib.Path(os.environ.get("PORTAL_START_SHOTS", "/tmp/shots-start"))
WIDE_JS = """() => [...document.querySelectorAll('main *')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && el.children.length === 0)
  .slice(0, 10).map(el => `${el.tagName}.${el.className}: ${el.textContent.slice(0, 50)}`)"""


@pytest.mark.browser
def test_the_start_pages_on_a_phone_and_a_desktop(app, municipality, live_server, browser):
    from playwright.sync_api import expect

    from models.db import db
    from tests.browser import log_in
    from tests.conftest import fresh_code

    refs, people = municipality
    SHOTS.mkdir(parents=True, exist_ok=True)
    for role, name in ((Role.MAYOR, "mayor"), (Role.CLERK, "clerk"), (Role.COUNCIL_MEMBER, "council-member")):
        person = people[role]
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
        page = context.new_page()
        db.connect(reuse_if_open=True)
        account = {"email": person.email, "password": person.test_password, "role": person.role}
        log_in(page, live_server.url, account, code=fresh_code(person))
        for width in (360, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(live_server.url + "/")
            page.screenshot(path=str(SHOTS / f"start-{name}-{width}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, (name, width)
            assert page.evaluate(WIDE_JS) == [], (name, width)
        if role == Role.MAYOR:  # the waiting decision leads to the case's measures
            page.get_by_role("link", name=refs["threat"]).first.click()
            expect(page).to_have_url(re.compile(rf"/zaken/{refs['threat']}#maatregelen$"))
        context.close()
