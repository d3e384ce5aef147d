"""In a real browser, phone-sized: a council member reports a threat received on social media with a
screenshot; the clerk sees it in the inbox; the alderman does not see it at all."""

import pytest
from playwright.sync_api import expect

from models.db import db
from tests.browser import log_in, screenshot
from tests.conftest import PNG_SCREENSHOT

pytestmark = pytest.mark.browser


def _log_out(page):
    page.get_by_role("button", name="Uitloggen").click()


def test_report_on_a_phone_reaches_the_clerk_and_not_the_alderman(live_server, browser, tmp_path):
    from models.demo import create_demo_accounts

    db.connect(reuse_if_open=True)
    accounts = {a["role"]: a for a in create_demo_accounts()}
    db.close()
    shot = tmp_path / "dreigement.png"
    shot.write_bytes(PNG_SCREENSHOT)

    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl-NL", is_mobile=True, has_touch=True)
    page = phone.new_page()
    log_in(page, live_server.url, accounts["council_member"])
    page.get_by_role(
        "button", name="Een incident melden"
    ).click()  # from the start page, straight to the first question

    expect(page.get_by_text("Stap 1 van 5")).to_be_visible()
    page.get_by_label("Iemand bedreigde mij of mijn naasten").check()
    page.get_by_label("Dreigde met geweld").check()
    page.get_by_label("Nee, de persoon ging door of het werd erger").check()
    page.locator("#recurring-1").check()  # "Nee"
    screenshot(page, "report-step1-360")
    page.get_by_role("button", name="Volgende stap").click()

    expect(page.get_by_text("Stap 2 van 5")).to_be_visible()
    expect(page.get_by_text("Melden is verplicht")).to_be_visible()
    page.get_by_label("Op welke dag gebeurde het?").fill("2026-11-20")
    page.get_by_label("Sociale media, app of ander online kanaal").check()
    page.get_by_label("Op mijzelf").check()
    page.get_by_label("Vertel wat er gebeurde").fill("Op X schreef iemand dat hij weet waar ik woon en langs komt.")
    screenshot(page, "report-step2-360")
    page.get_by_role("button", name="Volgende stap").click()

    page.get_by_label("Op welk platform of in welke app?").fill("X")
    page.get_by_label("Account of adres van de afzender").fill("@boze_burger")
    page.get_by_label("Links naar de berichten").fill("https://x.example/boze_burger/status/42")
    page.locator("#reported_to_platform-0").check()
    page.get_by_label("Bewijs toevoegen").set_input_files(str(shot))
    screenshot(page, "report-step3-360")
    page.get_by_role("button", name="Volgende stap").click()
    expect(page.get_by_text("Stap 4 van 5")).to_be_visible()

    page.get_by_label("Nee", exact=True).check()
    page.get_by_role("button", name="Volgende stap").click()

    page.locator("#consent_police_report-0").check()
    page.locator("#consent_inform_others-1").check()
    expect(page.get_by_text("1 bestand")).to_be_visible()
    screenshot(page, "report-step6-360")
    page.get_by_role("button", name="Melding versturen").click()

    receipt = page.get_by_role("status").first.inner_text()
    assert "Uw melding is verstuurd" in receipt
    reference = page.locator(".confirmation__reference").inner_text()
    assert reference.startswith("VB-")
    screenshot(page, "report-receipt-360")
    phone.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = desk.new_page()
    log_in(page, live_server.url, accounts["clerk"])
    page.get_by_role("link", name="Inbox").first.click()
    row = page.get_by_role("row").filter(has_text=reference)
    assert "Bedreiging of intimidatie" in row.inner_text() and "Chantal Bakker" in row.inner_text()
    screenshot(page, "inbox-clerk-1280")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_text("@boze_burger")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="dreigement.png").click()
    assert open(download.value.path(), "rb").read() == PNG_SCREENSHOT
    screenshot(page, "case-clerk-1280")
    _log_out(page)

    log_in(page, live_server.url, accounts["alderman"])
    assert page.get_by_role("link", name="Inbox").count() == 0 or reference not in page.content()
    page.goto(f"{live_server.url}/zaken/{reference}")
    assert page.locator("h1").inner_text() == "Deze pagina bestaat niet"
    desk.close()
