"""Phone first: the draft is kept when the phone locks. A council member answers steps 1 and 2 of a
report on a phone; the tab is killed before the report is sent (the browser context is closed); on a
new visit, after logging in again, "Melden" offers to continue the draft, what was typed is there,
and the report can be sent. Screenshots in test-artifacts/draft-*.png."""

import time

import pyotp
import pytest
from playwright.sync_api import expect

from models.db import db
from tests.browser import menu_link, screenshot
from tests.test_journey import open_as

pytestmark = pytest.mark.browser

NARRATIVE = "Na de vergadering riep een man op de parkeerplaats dat hij mij thuis weet te vinden."


def test_the_draft_is_kept_when_the_phone_locks(live_server, browser):
    from models.demo import create_demo_accounts

    db.connect(reuse_if_open=True)
    accounts = {a["role"]: a for a in create_demo_accounts()}
    db.close()
    base, member, problems = live_server.url, accounts["council_member"], []

    # Steps 1 and 2 on the phone, then the phone locks and the tab is gone.
    phone, page = open_as(browser, base, member, problems, phone=True)
    menu_link(page, "Melden").click()
    page.get_by_role("button", name="Start de melding").click()
    expect(page.get_by_text("Stap 1 van 5")).to_be_visible()
    page.get_by_label("Iemand bedreigde mij of mijn naasten").check()
    page.get_by_label("Dreigde met geweld").check()
    page.get_by_label("Nee, de persoon ging door of het werd erger").check()
    page.locator("#recurring-1").check()
    page.get_by_role("button", name="Volgende stap").click()
    expect(page.get_by_text("Stap 2 van 5")).to_be_visible()
    page.get_by_label("Op welke dag gebeurde het?").fill("2026-11-24")
    page.get_by_label("Persoonlijk, van aangezicht tot aangezicht").check()
    page.get_by_label("Op mijzelf").check()
    page.get_by_label("Vertel wat er gebeurde").fill(NARRATIVE)
    page.get_by_role("button", name="Volgende stap").click()
    expect(page.get_by_text("Stap 3 van 5")).to_be_visible()
    screenshot(page, "draft-01-step3-before-the-phone-locks-360")
    phone.close()

    # A new visit: log in again (the next time step's code: each code is accepted only once).
    code = pyotp.TOTP(member["totp_secret"]).at(time.time() + 30)
    phone, page = open_as(browser, base, member, problems, phone=True, code=code)
    menu_link(page, "Melden").click()
    resume = page.locator("section").filter(
        has=page.get_by_role("heading", name="Verder met een melding die u nog niet heeft verstuurd")
    )
    assert resume.get_by_role("link").count() == 1
    screenshot(page, "draft-02-continue-the-draft-360")
    resume.get_by_role("link").click()

    # It continues at the first step not done yet; going back shows every earlier answer kept.
    expect(page.get_by_text("Stap 3 van 5")).to_be_visible()
    page.get_by_role("button", name="Vorige stap").click()
    expect(page.get_by_text("Stap 2 van 5")).to_be_visible()  # wait for each page before the next click
    page.get_by_role("button", name="Vorige stap").click()
    expect(page.get_by_text("Stap 1 van 5")).to_be_visible()
    assert page.get_by_label("Dreigde met geweld").is_checked()
    page.get_by_role("button", name="Volgende stap").click()
    assert page.get_by_label("Vertel wat er gebeurde").input_value() == NARRATIVE
    assert page.get_by_label("Op welke dag gebeurde het?").input_value() == "2026-11-24"
    assert page.get_by_label("Persoonlijk, van aangezicht tot aangezicht").is_checked()
    screenshot(page, "draft-03-narrative-kept-360")
    page.get_by_role("button", name="Volgende stap").click()

    # The rest of the report, and it is sent.
    page.get_by_role("button", name="Volgende stap").click()  # nothing online to add
    page.get_by_label("Nee", exact=True).check()
    page.get_by_role("button", name="Volgende stap").click()
    page.locator("#consent_police_report-1").check()
    page.locator("#consent_inform_others-1").check()
    page.get_by_role("button", name="Melding versturen").click()
    assert "Uw melding is verstuurd" in page.get_by_role("status").first.inner_text()
    page.get_by_role("link", name="Naar mijn melding").click()
    assert NARRATIVE in page.locator("main").inner_text()
    screenshot(page, "draft-04-sent-360")

    # The draft is gone from "Melden" once it was sent.
    menu_link(page, "Melden").click()
    assert page.get_by_text("Verder met een melding die u nog niet heeft verstuurd").count() == 0
    phone.close()
    assert problems == []
