"""In a real browser: the mayor, logged in on her phone and her laptop, sees both on her account page
with the failed attempts someone made, ends the phone's session from the laptop, and the phone is
logged out at its next step (issue 19 items 1 and 3). Screenshots at 360 and 1280 px."""

import datetime as dt

import pyotp
import pytest
from playwright.sync_api import expect

from models import accounts
from models.accounts import Role
from models.db import db
from tests.browser import log_in, screenshot

pytestmark = pytest.mark.browser

PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
LAPTOP_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"


def test_the_mayor_ends_her_phone_s_session_from_her_laptop(live_server, browser, create_user):
    mayor = create_user(Role.MAYOR, name="Anna de Vries")
    db.connect(reuse_if_open=True)
    secret = accounts.User.get_by_id(mayor.id).totp_secret
    for _ in range(3):  # someone who knows only her e-mail address
        accounts.record_login_failure(
            accounts.attempt_login(mayor.email, "geraden-wachtwoord-123", "000000", "203.0.113.66")
        )
    db.close()
    account = {"email": mayor.email, "password": mayor.test_password, "totp_secret": secret, "role": "mayor"}
    totp = pyotp.TOTP(secret)

    phone_context = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="nl-NL", user_agent=PHONE_AGENT, is_mobile=True
    )
    laptop_context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="nl-NL", user_agent=LAPTOP_AGENT
    )
    try:
        phone, laptop = phone_context.new_page(), laptop_context.new_page()
        log_in(phone, live_server.url, account, totp.now())
        log_in(laptop, live_server.url, account, totp.at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)))

        laptop.goto(live_server.url + "/account")
        sessions = laptop.locator("#sessies")
        expect(sessions.get_by_role("heading", name="Waar u bent ingelogd")).to_be_visible()
        phone_row = sessions.locator("tr", has_text="Chrome op Android")
        laptop_row = sessions.locator("tr", has_text="Firefox op Windows")
        expect(laptop_row).to_contain_text("Dit apparaat")
        expect(phone_row).not_to_contain_text("Dit apparaat")
        failures = laptop.locator("#inlogpogingen")
        expect(failures).to_contain_text("In de laatste 30 dagen is 3 keer geprobeerd in te loggen")
        expect(failures.locator("tbody tr")).to_have_count(3)
        expect(failures).not_to_contain_text("203.0.113.66")
        screenshot(laptop, "account-sessions-1280")

        phone.goto(live_server.url + "/account")
        expect(phone.locator("#sessies tr", has_text="Chrome op Android")).to_contain_text("Dit apparaat")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the account page is {width} px wide on a 360 px phone"
        screenshot(phone, "account-sessions-360")

        phone_row.get_by_role("button", name="Beëindigen").click()
        expect(laptop.get_by_role("status")).to_have_text("De sessie is beëindigd. Dat apparaat is nu uitgelogd.")
        expect(laptop.locator("#sessies tbody tr")).to_have_count(1)

        phone.reload()  # the phone's next step
        expect(phone.locator("h1")).to_have_text("Inloggen")
        assert "/login" in phone.url
    finally:
        phone_context.close()
        laptop_context.close()
