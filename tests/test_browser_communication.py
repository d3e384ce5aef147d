"""The communication log (§7) in a real browser, on a phone (360 px) and a desk (1280 px): the clerk
records a press statement the victim agreed to; one naming a security measure is refused with the
text kept; and with the victim's consent to inform others, records which office holders were told.
Checked with axe, never scrolling sideways, photographed in $PORTAL_COMMUNICATION_SHOTS."""

from __future__ import annotations

import os
import pathlib

import pytest
from playwright.sync_api import expect

from models import clock, consent, protection
from models.accounts import User
from models.cases import Case
from models.consent import How, Purpose
from models.db import db
from tests.browser import log_in
from tests.test_accessibility import Axe

pytestmark = pytest.mark.browser

SHOTS = pathlib.Path(os.environ.get("PORTAL_COMMUNICATION_SHOTS", "/tmp/shots-communication"))
SECRET = "Camerabewaking bij de woning"


def _shoot(page, name, axe):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800 if width == 360 else 900})
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        page.locator("section#communicatie").screenshot(path=str(SHOTS / f"{name}-{width}.png"))
        wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert wide <= 0, f"{name} scrolls sideways by {wide}px at {width}px"
        axe.check(f"{name} at {width}px")


def test_a_press_statement_the_victim_agreed_to(make_app, live_server, browser):
    from models.demo import create_demo_accounts, create_demo_case

    app = make_app()
    with app.app_context():
        db.connect(reuse_if_open=True)
        accounts = {a["role"]: a for a in create_demo_accounts()}
        reference = create_demo_case()
        case = Case.get(Case.reference == reference)
        consent.give(case, Purpose.PUBLIC_STATEMENT, case.reporter, how=How.PORTAL)
        consent.give(case, Purpose.INFORM_OTHERS, case.reporter, how=How.PORTAL)
        clerk = User.get(User.email == accounts["clerk"]["email"])
        protection.mark_acute(case, clerk)
        today = clock.to_local(clock.utcnow()).date()
        protection.add_measure(case, clerk, description=SECRET, involved="Politie", starts_on=today)
        db.close()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    axe = Axe(page)
    log_in(page, live_server.url, accounts["clerk"])
    page.goto(f"{live_server.url}/zaken/{reference}#communicatie")
    expect(page.locator("#woordvoering")).to_have_text("Wie spreekt namens de gemeente?")
    _shoot(page, "communication", axe)

    page.get_by_label("Wie sprak namens de gemeente?").fill("Burgemeester Van Dam")
    page.get_by_label("Wat is er gezegd?").fill(f"Er is {SECRET.lower()} geregeld.")
    page.get_by_role("button", name="Verklaring vastleggen").click()
    expect(page.locator("#foutmeldingen")).to_contain_text("noemt een beveiligingsmaatregel")
    expect(page.get_by_label("Wat is er gezegd?")).to_have_value(f"Er is {SECRET.lower()} geregeld.")
    _shoot(page, "communication-refused", axe)

    page.get_by_label("Wat is er gezegd?").fill("De gemeente staat achter het raadslid.")
    page.get_by_role("button", name="Verklaring vastleggen").click()
    expect(page.get_by_role("status")).to_have_text("De verklaring is vastgelegd.")
    expect(page.locator("#verklaringen-lijst")).to_contain_text("De gemeente staat achter het raadslid.")
    _shoot(page, "communication-saved", axe)

    page.set_viewport_size({"width": 360, "height": 800})
    page.get_by_role("button", name="Vastleggen wie er is geïnformeerd").click()  # nobody chosen
    expect(page.locator("#foutmeldingen")).to_contain_text("Kies wie er is geïnformeerd.")
    page.get_by_role("group", name="Wie is er geïnformeerd?").get_by_label("Bram Jansen").check()
    page.get_by_role("button", name="Vastleggen wie er is geïnformeerd").click()
    expect(page.get_by_role("status")).to_have_text("Vastgelegd wie er is geïnformeerd.")
    expect(page.locator("#geinformeerd-lijst")).to_contain_text("Bram Jansen, op")
    expect(page.locator("#verloop")).to_contain_text("Andere ambtsdrager geïnformeerd: Bram Jansen")
    informed_choices = page.get_by_role("group", name="Wie is er geïnformeerd?")
    expect(informed_choices.get_by_label("Bram Jansen")).to_have_count(0)  # listed above, not offered again
    _shoot(page, "communication-informed", axe)
    context.close()
    assert not axe.violations, axe.report()
