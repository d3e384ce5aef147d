"""The journey in a real browser, with a screenshot of every step in test-artifacts/journey-*.png:
a council member reports an online threat with a screenshot from a phone-sized window → the clerk
finds it in the inbox and proposes a building ban → the mayor decides it and opens the letter.
(Aftercare, damages and the yearly report steps are not in this journey yet.)"""
import pytest

from models.db import db
from tests.browser import screenshot
from tests.conftest import PNG_SCREENSHOT
from tests.test_accessibility import log_in, log_out

pytestmark = pytest.mark.browser


def test_journey_from_a_phone_report_to_the_mayors_ban_letter(live_server, browser, tmp_path):
    from models.demo import create_demo_accounts

    db.connect(reuse_if_open=True)
    accounts = {a["role"]: a for a in create_demo_accounts()}
    db.close()
    base = live_server.url
    shot = tmp_path / "bericht-op-x.png"
    shot.write_bytes(PNG_SCREENSHOT)

    # 1. The council member, on a phone, reports an online threat with a screenshot.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl-NL", is_mobile=True, has_touch=True)
    page = phone.new_page()
    log_in(page, base, accounts["council_member"])
    screenshot(page, "journey-01-member-home-360")
    page.get_by_role("link", name="Een incident melden").click()
    page.get_by_role("button", name="Start de melding").click()
    page.get_by_label("Dreigen met geweld").check()
    page.get_by_label("Nee, de persoon ging door of het werd erger").check()
    page.locator("#recurring-1").check()
    screenshot(page, "journey-02-report-step1-360")
    page.get_by_role("button", name="Volgende stap").click()
    page.get_by_label("Op welke dag gebeurde het?").fill("2026-11-20")
    page.get_by_label("Sociale media, app of ander online kanaal").check()
    page.get_by_label("Op mij zelf").check()
    page.get_by_label("Vertel wat er gebeurde").fill("Op X schreef iemand dat hij weet waar ik woon en langs komt.")
    screenshot(page, "journey-03-report-step2-360")
    page.get_by_role("button", name="Volgende stap").click()
    page.get_by_label("Op welk platform of in welke app?").fill("X")
    page.get_by_label("Account of adres van de afzender").fill("@boze_burger")
    page.get_by_label("Bewijs toevoegen").set_input_files(str(shot))
    screenshot(page, "journey-04-report-evidence-360")
    page.get_by_role("button", name="Volgende stap").click()
    page.get_by_label("Nee", exact=True).check()
    page.get_by_role("button", name="Volgende stap").click()
    page.get_by_role("button", name="Volgende stap").click()
    page.locator("#consent_police_report-0").check()
    page.locator("#consent_inform_others-1").check()
    screenshot(page, "journey-05-report-send-360")
    page.get_by_role("button", name="Melding versturen").click()
    assert "Uw melding is verstuurd" in page.get_by_role("status").first.inner_text()
    reference = page.locator("h1").inner_text().split()[-1]
    screenshot(page, "journey-06-report-receipt-360")
    phone.close()

    # 2. The clerk finds it in the inbox and proposes a building ban.
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = desk.new_page()
    log_in(page, base, accounts["clerk"])
    page.get_by_role("link", name="Inbox").first.click()
    assert page.get_by_role("row").filter(has_text=reference).count() == 1
    screenshot(page, "journey-07-clerk-inbox-1280")
    page.get_by_role("link", name=reference).click()
    screenshot(page, "journey-08-clerk-case-1280")
    page.locator("details.propose summary").click()
    page.locator("select[name=type]").select_option("building_ban")
    page.locator("textarea[name=reasons]").fill("Hij dreigde het raadslid thuis op te zoeken.")
    page.locator("input[name=starts_on]").fill("2027-01-04")
    page.locator("input[name=ends_on]").fill("2027-04-03")
    screenshot(page, "journey-09-clerk-proposes-ban-1280")
    page.get_by_role("button", name="Voorstellen").click()
    screenshot(page, "journey-10-clerk-ban-proposed-1280")
    log_out(page)

    # 3. The mayor decides the ban and opens the letter.
    log_in(page, base, accounts["mayor"])
    page.goto(f"{base}/zaken/{reference}")
    page.get_by_role("button", name="Besluiten tot deze maatregel").click()
    screenshot(page, "journey-11-mayor-ban-decided-1280")
    letter = page.locator("a[href*='/maatregelen/'][href$='/brief']").first
    letter.click()
    assert page.locator("h1").inner_text() == "Brief met het besluit"
    screenshot(page, "journey-12-mayor-ban-letter-1280")
    desk.close()
