"""WCAG 2.1 A and AA in English: axe over a representative set of pages with the language switched
to English with the header's language button (as a person does): the login page (also with
errors), home, the report form's first steps (with an error), the inbox, a case page and the yearly
report. On each, the page says it is English (<html lang="en">) and shows English text."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import expect

from tests.test_accessibility import Axe, _demo_municipality, axe_page  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def _switch_to_english(page):
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.get_by_role("button", name="Nederlands").count() == 1  # the way back, in its own language


def _check_english(axe, page, label: str, heading: str):
    assert page.locator("html").get_attribute("lang") == "en", f"{label}: {page.url}"
    assert heading in page.locator("h1").inner_text(), f"{label}: h1 is {page.locator('h1').inner_text()!r}"
    axe.check(f"en {label}")


def _log_in_in_english(page, base, account):
    page.goto(base + "/login")
    if page.locator("html").get_attribute("lang") != "en":  # logging out ends the session and its choice
        _switch_to_english(page)
    page.get_by_label("Email address").fill(account["email"])
    page.get_by_label("Password").fill(account["password"])
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(account["totp_secret"]).now())
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("form[action$='/logout']")).to_have_count(1)


def test_english_pages_have_no_wcag_21_aa_violations(make_app, live_server, axe_page):
    app = make_app()
    accounts, reference = _demo_municipality(app)
    page, base = axe_page, live_server.url
    axe = Axe(page)

    # Without an account: the login page, switched to English, then sent empty.
    page.goto(base + "/login")
    assert page.locator("html").get_attribute("lang") == "nl"
    _switch_to_english(page)
    _check_english(axe, page, "login", "Sign in")
    page.get_by_role("button", name="Sign in").click()
    assert "There is a problem" in page.get_by_role("alert").inner_text()
    _check_english(axe, page, "login with errors", "Sign in")

    # A council member chooses English once logged in (the choice is stored on the account).
    _log_in_in_english(page, base, accounts["council_member"])
    assert page.locator("html").get_attribute("lang") == "nl"  # the account's own language counts
    _switch_to_english(page)
    _check_english(axe, page, "home", "Welcome")
    page.goto(base + "/melden")
    _check_english(axe, page, "report start", "Report an incident")
    page.get_by_role("button", name="Start the report").click()
    expect(page.get_by_text("Step 1 of 5")).to_be_visible()
    _check_english(axe, page, "report step 1", "What happened?")
    page.get_by_role("button", name="Next step").click()
    expect(page.locator("#foutmeldingen")).to_be_focused()
    assert "There is a problem" in page.locator("#foutmeldingen").inner_text()
    _check_english(axe, page, "report step 1 with errors", "What happened?")
    page.locator("input[value='threatened']").check()  # (by value: the plain answers' English is pending)
    page.locator("input[value='threatening_violence']").check()
    page.get_by_label("No, the person carried on or it got worse").check()
    page.locator("#recurring-1").check()
    page.get_by_role("button", name="Next step").click()
    expect(page.get_by_text("Step 2 of 5")).to_be_visible()
    _check_english(axe, page, "report step 2", "When and where?")
    page.get_by_role("button", name="Sign out").click()

    # The security officer: the inbox, the demo case, the yearly report.
    _log_in_in_english(page, base, accounts["security_officer"])
    _switch_to_english(page)
    page.get_by_role("link", name="Inbox").first.click()
    _check_english(axe, page, "inbox", "Inbox")
    page.goto(f"{base}/zaken/{reference}")
    _check_english(axe, page, "case page", reference)
    page.goto(base + "/jaarverslag")
    _check_english(axe, page, "yearly report", "Annual report on unacceptable behaviour")

    print(f"axe checked {len(axe.checked)} English pages:\n" + "\n".join(axe.checked))
    assert len(axe.checked) == 10
    assert not axe.violations, axe.report()
