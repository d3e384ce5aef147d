"""The report form keeps what is typed on the server while it is typed — also when the phone locks
or the tab is closed before the step is sent."""

import time

import pytest

from models.accounts import Role
from models.cases import Draft
from models.db import db

pytestmark = pytest.mark.browser


def _phone_logged_in(browser, live_server, person):
    from tests.conftest import fresh_code

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl-NL")
    page = context.new_page()
    page.goto(live_server.url + "/login")
    page.get_by_label("E-mailadres").fill(person.email)
    page.get_by_label("Wachtwoord").fill(person.test_password)
    db.connect(reuse_if_open=True)
    page.get_by_label("Code uit uw authenticator-app").fill(fresh_code(person))
    db.close()
    page.get_by_role("button", name="Inloggen").click()
    # Logged in once the next page is there (a goto right after the click could cut the login short).
    page.locator("form[action$='/logout']").wait_for(state="attached")
    return context, page


def test_typed_text_is_saved_when_the_page_goes_away_unsent(live_server, browser, create_user):
    member = create_user(Role.COUNCIL_MEMBER)
    context, page = _phone_logged_in(browser, live_server, member)
    page.goto(live_server.url + "/melden")
    page.get_by_role("button", name="Start de melding").click()
    page.get_by_label("Iemand bedreigde mij of mijn naasten").check()
    page.get_by_label("Dreigde met geweld").check()
    page.locator("#after_addressed-1").check()
    page.locator("#recurring-1").check()
    page.get_by_role("button", name="Volgende stap").click()
    page.wait_for_load_state()  # as a person would: the step's page has loaded before they type
    page.get_by_label("Vertel wat er gebeurde").fill("Half getypt, nog niet verstuurd: hij stond bij mijn deur.")
    page.goto("about:blank")  # the page goes away without sending the step

    # The beacon arrives in its own time (seconds on a loaded machine): wait for it, up to 15 s. The
    # browser stays open meanwhile, as it does when a person leaves a page or closes a tab; closing the
    # whole browser profile at once could cancel the beacon in flight (the test failed so under load).
    deadline = time.monotonic() + 15
    while True:
        db.connect(reuse_if_open=True)
        draft = Draft.get_or_none(Draft.owner == member.id)
        db.close()
        if (draft and "narrative" in draft.values) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    context.close()
    assert draft is not None, "nothing was kept of the typed text"
    assert draft.values.get("narrative") == "Half getypt, nog niet verstuurd: hij stond bij mijn deur."
    assert "wanneer" not in draft.values["_done"]  # nothing was checked or sent: only kept


def test_the_own_case_page_fits_a_360_pixel_phone(live_server, browser, create_user, login, file_report, app):
    member = create_user(Role.COUNCIL_MEMBER)
    client = app.test_client()
    login(client, member)
    reference = file_report(client)
    context, page = _phone_logged_in(browser, live_server, member)
    page.goto(f"{live_server.url}/mijn-meldingen/{reference}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
