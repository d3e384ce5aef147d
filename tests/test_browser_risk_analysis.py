"""A risk analysis on a 360 px phone (§4.2): the alderman asks for one before an information evening
(a missing date is explained and nothing typed is lost), the security officer finds it on the
deadlines page and decides it; the alderman sees the decision. axe checks each page at 360 px (the
context bypasses the CSP only to inject axe); nothing scrolls sideways. Screenshots in
test-artifacts/risk-*.png."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from models import clock
from models.db import db
from tests.browser import log_in, screenshot
from tests.test_accessibility import Axe

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "locale": "nl-NL",
    "is_mobile": True,
    "has_touch": True,
    "bypass_csp": True,
}


def _accounts():
    from models.demo import create_demo_accounts

    db.connect(reuse_if_open=True)
    accounts = {a["role"]: a for a in create_demo_accounts()}
    db.close()
    return accounts


def _no_sideways_scroll(page, what):
    wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 0, f"{what} scrolls sideways by {wide}px at 360px"


def test_an_alderman_asks_for_a_risk_analysis_and_the_security_officer_decides_it_on_a_phone(live_server, browser):
    accounts = _accounts()
    evening = clock.to_local(clock.utcnow()).replace(second=0, microsecond=0, tzinfo=None) + dt.timedelta(days=10)

    context = browser.new_context(**PHONE)
    page = context.new_page()
    axe = Axe(page)
    log_in(page, live_server.url, accounts["alderman"])
    page.get_by_role("link", name="Veiligheid vooraf").first.tap()
    page.get_by_role("link", name="Risicoanalyse aanvragen voor een bijeenkomst of gesprek").tap()
    expect(page.locator("h1")).to_have_text("Risicoanalyse aanvragen")
    axe.check("ask at 360px")
    page.get_by_text("Informatieavond", exact=True).tap()
    page.get_by_label("Waar gaat de bijeenkomst of het gesprek over?").fill("Informatieavond over de windmolens")
    page.get_by_label("Waar is het?").fill("Sporthal De Brug")
    page.get_by_role("button", name="Aanvraag versturen").tap()  # no date yet
    expect(page.locator("#foutmeldingen")).to_contain_text("Vul de datum en tijd in.")
    expect(page.get_by_label("Waar is het?")).to_have_value("Sporthal De Brug")  # nothing typed is lost
    axe.check("ask with an error at 360px")
    _no_sideways_scroll(page, "ask with an error")
    screenshot(page, "risk-1-ask-error-360")
    page.get_by_label("Wanneer begint het?").fill(evening.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Aanvraag versturen").tap()
    expect(page.get_by_role("status")).to_contain_text("Uw aanvraag is verstuurd.")
    axe.check("asked at 360px")
    _no_sideways_scroll(page, "asked")
    screenshot(page, "risk-2-asked-360")
    analysis_url = page.url
    context.close()

    context = browser.new_context(**PHONE)
    page = context.new_page()
    axe.page = page
    log_in(page, live_server.url, accounts["security_officer"])
    page.goto(live_server.url + "/termijnen")
    link = page.get_by_role("link", name="Risicoanalyse voor een bijeenkomst: beoordelen en besluiten")
    expect(link).to_have_count(1)
    axe.check("deadlines of the security officer at 360px")
    _no_sideways_scroll(page, "deadlines")
    screenshot(page, "risk-3-deadlines-360")
    link.tap()
    expect(page.get_by_text("Sporthal De Brug").first).to_be_visible()
    axe.check("to decide at 360px")
    page.get_by_label("Veel spanning verwacht", exact=True).check()
    page.get_by_label("Welke locatie is gekozen?").fill("Raadzaal met twee uitgangen")
    page.get_by_label("Welke organisatorische maatregelen worden genomen?").fill("Aanmelden vooraf; tassencontrole")
    page.get_by_role("group", name="Is er beveiliging aanwezig?").get_by_label("Ja", exact=True).check()
    page.get_by_label("Gaat door, met organisatorische maatregelen").check()
    page.get_by_role("button", name="Besluit opslaan").tap()
    expect(page.get_by_role("status")).to_contain_text("Het besluit is opgeslagen.")
    axe.check("decided at 360px")
    _no_sideways_scroll(page, "decided")
    screenshot(page, "risk-4-decided-360")
    page.goto(live_server.url + "/termijnen")
    expect(page.get_by_role("link", name="Risicoanalyse voor een bijeenkomst: beoordelen en besluiten")).to_have_count(
        0
    )
    context.close()

    context = browser.new_context(**PHONE)
    page = context.new_page()
    import time

    import pyotp

    code = pyotp.TOTP(accounts["alderman"]["totp_secret"]).at(time.time() + 30)  # a code is used once
    log_in(page, live_server.url, accounts["alderman"], code=code)
    page.goto(analysis_url)
    expect(page.get_by_text("Gaat door, met organisatorische maatregelen")).to_be_visible()
    expect(page.get_by_text("Raadzaal met twee uitgangen")).to_be_visible()
    context.close()
    assert not axe.violations, axe.report()


def test_the_security_officer_books_a_home_screening_after_an_incident_on_a_phone(live_server, browser):
    """§6.4: the council member of the demo threat case asks for a home screening; the security officer
    records the visit and what the municipality paid, on that case: the ledger books it as a cost the
    municipality bears."""
    from models import damages, risk
    from models.accounts import User
    from models.cases import Case
    from models.demo import DEMO_DOMAIN, create_demo_case

    accounts = _accounts()
    db.connect(reuse_if_open=True)
    reference = create_demo_case()
    member = User.get(User.email == f"raadslid@{DEMO_DOMAIN}")
    screening = risk.ask_home_screening(member, reason="Na de bedreiging bij mijn huis")
    db.close()

    context = browser.new_context(**PHONE)
    page = context.new_page()
    axe = Axe(page)
    log_in(page, live_server.url, accounts["security_officer"])
    page.goto(f"{live_server.url}/veiligheid-vooraf/thuisscreening/{screening.id}")
    page.get_by_label("Hoort de screening bij een melding?").select_option(label=f"Melding {reference}")
    page.get_by_label("Advies").fill("Een camera bij de voordeur")
    page.get_by_label("Wat betaalt de gemeente?").fill("twaalf euro")
    page.get_by_role("button", name="Opslaan").tap()
    expect(page.locator("#foutmeldingen")).to_be_visible()
    expect(page.get_by_label("Advies")).to_have_value("Een camera bij de voordeur")  # nothing typed is lost
    axe.check("screening with an error at 360px")
    page.get_by_label("Wat betaalt de gemeente?").fill("349,95")
    page.get_by_role("button", name="Opslaan").tap()
    expect(page.get_by_role("status")).to_contain_text("De screening is opgeslagen.")
    expect(page.locator("[data-ledger]")).to_contain_text(
        f"Ja, bij melding {reference}, als kosten die de gemeente zelf draagt."
    )
    axe.check("screening booked at 360px")
    _no_sideways_scroll(page, "screening booked")
    screenshot(page, "risk-5-screening-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    _no_sideways_scroll(page, "screening booked at 1280px")
    screenshot(page, "risk-6-screening-1280")
    context.close()
    db.connect(reuse_if_open=True)
    assert damages.balances(case=Case.get(Case.reference == reference)).borne == 34995
    db.close()
    assert not axe.violations, axe.report()
