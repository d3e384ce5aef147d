"""In a real browser: the demo mayor logs in with password and authenticator code, and logs out."""

import pyotp
import pytest

from models.db import db
from tests.browser import screenshot

pytestmark = pytest.mark.browser


def test_demo_mayor_logs_in_and_out_in_chromium(make_app, live_server, page):
    from models.demo import create_demo_accounts

    db.connect(reuse_if_open=True)
    accounts = create_demo_accounts()
    db.close()
    mayor = next(a for a in accounts if a["role"] == "mayor")

    page.goto(live_server.url + "/")
    assert page.url.endswith("/login?next=/")
    assert page.locator("h1").inner_text() == "Inloggen"
    page.get_by_label("E-mailadres").fill(mayor["email"])
    page.get_by_label("Wachtwoord").fill(mayor["password"])
    page.get_by_label("Code uit uw authenticator-app").fill(pyotp.TOTP(mayor["totp_secret"]).now())
    screenshot(page, "login-filled")
    page.get_by_role("button", name="Inloggen").click()
    assert page.locator("h1").inner_text() == "Welkom, Anna de Vries"
    screenshot(page, "home-mayor")
    page.get_by_role("button", name="Uitloggen").click()
    assert page.get_by_role("status").inner_text() == "U bent uitgelogd."
    assert page.problems == []


def test_a_wrong_code_shows_the_error_summary_with_focusable_links(live_server, page, create_user):
    user = create_user()
    page.goto(live_server.url + "/login")
    page.get_by_role("button", name="Inloggen").click()
    summary = page.get_by_role("alert")
    assert "Er is iets niet goed ingevuld" in summary.inner_text()
    assert "Vul uw e-mailadres in." in summary.inner_text()
    page.get_by_role("link", name="Vul uw wachtwoord in.").click()
    assert page.evaluate("document.activeElement.id") == "password"
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill("verkeerd wachtwoord hier")
    page.get_by_label("Code uit uw authenticator-app").fill("123456")
    page.get_by_role("button", name="Inloggen").click()
    assert "klopt niet" in page.get_by_role("alert").inner_text()
    screenshot(page, "login-error")
