"""Reporting on a bad day, on a 360 × 740 phone: an online threat with a screenshot in at most 10
taps plus typing; only the steps that matter; a check page whose "Wijzigen" links come back with
everything intact; a confirmation in one column. axe finds nothing on any step or state, at 360
and at 1280 px. Screenshots in test-artifacts/report-phone-*.png."""

import pytest
from playwright.sync_api import expect

from models.db import db
from tests.browser import log_in, screenshot
from tests.conftest import PNG_SCREENSHOT
from tests.test_accessibility import Axe

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "nl-NL", "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1280, "height": 900}, "locale": "nl-NL"}
MAX_TAPS = 10


class Taps:
    """Every tap on a control (a button, link, choice or the file picker) is counted; typing is not."""

    def __init__(self, page):
        self.page, self.count, self.what = page, 0, []

    def __call__(self, locator):
        self.what.append(locator.inner_text().strip()[:40] or "(control)")
        locator.tap()
        self.count += 1

    def pick_file(self, locator, path):
        locator.set_input_files(str(path))  # one tap on the field opens the phone's photo picker
        self.count += 1
        self.what.append("(file)")


def _accounts():
    from models.demo import create_demo_accounts

    db.connect(reuse_if_open=True)
    accounts = {a["role"]: a for a in create_demo_accounts()}
    db.close()
    return accounts


def _no_sideways_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def _choice(page, text):
    """The label of a choice: what a finger taps."""
    return page.locator("label").filter(has_text=text).first


def test_an_online_threat_with_a_screenshot_in_at_most_ten_taps(live_server, browser, tmp_path):
    accounts = _accounts()
    shot = tmp_path / "dreigbericht.png"
    shot.write_bytes(PNG_SCREENSHOT)
    context = browser.new_context(**PHONE, bypass_csp=True)
    page = context.new_page()
    log_in(page, live_server.url, accounts["council_member"])
    axe = Axe(page)
    tap = Taps(page)  # counted from the start page, where she lands after logging in

    expect(page.get_by_text("Bent u nu in gevaar? Bel dan 112.")).to_be_visible()
    tap(page.get_by_role("button", name="Een incident melden"))
    expect(page.get_by_text("Stap 1 van 5")).to_be_visible()
    behaviour = page.get_by_label("Dreigde met geweld")
    expect(behaviour).to_be_hidden()  # the concrete behaviours only for the chosen answers
    tap(_choice(page, "Iemand bedreigde mij of mijn naasten"))
    expect(behaviour).to_be_visible()
    expect(page.get_by_label("Sloeg")).to_be_hidden()
    expect(page.get_by_text("In het protocol: Dreigen met geweld")).to_be_visible()
    tap(_choice(page, "Dreigde met geweld"))
    screenshot(page, "report-phone-1-what-360")
    axe.check("report step 1, one answer chosen (360)")
    tap(page.get_by_role("button", name="Volgende stap"))

    expect(page.get_by_text("Stap 2 van 5")).to_be_visible()
    # The advice comes before the rest of the form.
    advice, form = page.locator("aside.advice"), page.locator("form.report-form")
    expect(advice).to_contain_text("Melden is verplicht")
    assert advice.bounding_box()["y"] < form.bounding_box()["y"]
    tap(_choice(page, "Sociale media, app of ander online kanaal"))
    page.get_by_label("Vertel wat er gebeurde").fill("Op X schreef iemand dat hij weet waar ik woon.")
    screenshot(page, "report-phone-2-when-360")
    axe.check("report step 2 (360)")
    tap(page.get_by_role("button", name="Volgende stap"))

    expect(page.get_by_text("Stap 3 van 5")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Online bericht en bewijs")
    files = page.get_by_label("Bewijs toevoegen")
    assert "image/png" in files.get_attribute("accept") and ".pdf" in files.get_attribute("accept")
    expect(page.get_by_text("Hoogstens 20 MB per bestand")).to_be_visible()  # before any upload
    page.get_by_label("Account of adres van de afzender").fill("@boze_burger")
    tap.pick_file(files, shot)
    screenshot(page, "report-phone-3-evidence-360")
    axe.check("report step 3 (360)")
    tap(page.get_by_role("button", name="Volgende stap"))

    expect(page.get_by_text("Stap 4 van 5")).to_be_visible()
    screenshot(page, "report-phone-4-who-360")
    axe.check("report step 4 (360)")
    tap(page.get_by_role("button", name="Volgende stap"))

    expect(page.get_by_text("Stap 5 van 5")).to_be_visible()
    main = page.locator("main")
    for sent in (
        "Dreigde met geweld",
        "Op X schreef iemand dat hij weet waar ik woon.",
        "@boze_burger",
        "dreigbericht.png",
    ):
        expect(main).to_contain_text(sent)
    screenshot(page, "report-phone-5-check-360")
    axe.check("report check page (360)")
    _no_sideways_scroll(page, 360)
    tap(page.get_by_role("button", name="Melding versturen"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Uw melding is verstuurd")
    print(f"taps: {tap.count}: {tap.what}")
    assert tap.count <= MAX_TAPS, tap.what
    context.close()


def test_only_the_steps_that_matter_and_the_step_list_goes_back_without_losing_anything(live_server, browser):
    accounts = _accounts()
    context = browser.new_context(**DESK, bypass_csp=True)
    page = context.new_page()
    log_in(page, live_server.url, accounts["council_member"])
    axe = Axe(page)
    page.goto(live_server.url + "/melden")
    page.get_by_role("button", name="Start de melding").click()
    page.get_by_role("button", name="Volgende stap").click()  # nothing chosen
    alert = page.locator("#foutmeldingen")
    expect(alert).to_contain_text("Kies bij ‘Wat is er gebeurd?’ minstens één antwoord.")
    expect(alert).to_be_focused()
    # The focus ring around the summary (outline, its offset and any shadow) does not cover the h1.
    overlap = page.evaluate("""() => {
        const summary = document.querySelector('#foutmeldingen'), style = getComputedStyle(summary);
        const shadow = (style.boxShadow.match(/(-?\\d+)px/g) || []).map(parseFloat).pop() || 0;
        const ring = parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset) + Math.max(shadow, 0);
        return document.querySelector('h1').getBoundingClientRect().bottom - (summary.getBoundingClientRect().top - ring);
    }""")
    assert overlap <= 0, f"the error summary's focus ring covers the h1 by {overlap}px"
    axe.check("report step 1 with errors (1280)")
    page.get_by_label("Iemand schold mij uit of beledigde mij").check()
    page.get_by_role("button", name="Volgende stap").click()  # an answer, but no behaviour under it
    expect(alert).to_contain_text("Kies bij ‘Wat deed de persoon precies?’ minstens één antwoord.")
    expect(page.get_by_label("Iemand schold mij uit of beledigde mij")).to_be_checked()  # kept
    page.get_by_label("Schold mij uit", exact=True).check()
    screenshot(page, "report-phone-1-what-1280")
    page.get_by_role("button", name="Volgende stap").click()

    # At a meeting: the meeting questions are a step of their own, and the count follows.
    expect(page.get_by_text("Stap 2 van 5")).to_be_visible()
    page.get_by_label("Op welke dag gebeurde het?").fill("")
    page.get_by_label("Tijdens een vergadering of bijeenkomst").check()
    page.get_by_label("Op mijzelf").check()
    page.get_by_label("Vertel wat er gebeurde").fill("Een man op de publieke tribune schold mij uit.")
    page.get_by_role("button", name="Volgende stap").click()
    expect(alert).to_contain_text("Vul bij ‘Op welke dag gebeurde het?’ een datum in.")
    assert page.get_by_label("Vertel wat er gebeurde").input_value() == "Een man op de publieke tribune schold mij uit."
    axe.check("report step 2 with errors (1280)")
    page.get_by_label("Op welke dag gebeurde het?").fill("2026-11-20")
    page.get_by_role("button", name="Volgende stap").click()
    expect(page.get_by_text("Stap 3 van 6")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("De vergadering")
    page.get_by_label("De vergadering werd verstoord").check()
    axe.check("report meeting step (1280)")
    screenshot(page, "report-phone-meeting-1280")
    page.get_by_role("button", name="Volgende stap").click()

    # Not online: evidence may be added, the online questions are not asked.
    expect(page.get_by_text("Stap 4 van 6")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bewijs")
    assert page.get_by_label("Op welk platform of in welke app?").count() == 0
    screenshot(page, "report-phone-3-evidence-1280")

    # Back through the step list: every answer is still there.
    steps = page.get_by_role("navigation", name="Stap 4 van 6")
    steps.get_by_role("link", name="Wanneer en waar?").click()
    expect(page.get_by_label("Tijdens een vergadering of bijeenkomst")).to_be_checked()
    assert page.get_by_label("Vertel wat er gebeurde").input_value() == "Een man op de publieke tribune schold mij uit."
    screenshot(page, "report-phone-2-when-1280")
    # The channel becomes the phone: the meeting step no longer applies.
    page.get_by_label("Telefoon").check()
    page.get_by_role("button", name="Volgende stap").click()
    expect(page.get_by_text("Stap 3 van 5")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bewijs")
    page.get_by_role("link", name="Wat is er gebeurd?").click()
    expect(page.get_by_label("Schold mij uit", exact=True)).to_be_checked()
    context.close()


def test_the_check_pages_change_links_come_back_with_everything_intact(live_server, browser, tmp_path):
    accounts = _accounts()
    shot = tmp_path / "bericht.png"
    shot.write_bytes(PNG_SCREENSHOT)
    context = browser.new_context(**PHONE, bypass_csp=True)
    page = context.new_page()
    log_in(page, live_server.url, accounts["alderman"])
    axe = Axe(page)
    page.goto(live_server.url + "/melden")
    page.get_by_role("button", name="Start de melding").click()
    _choice(page, "Iemand valt mij steeds lastig of volgt mij").tap()
    _choice(page, "Appte, mailde of belde steeds").tap()
    page.get_by_role("button", name="Volgende stap").click()
    _choice(page, "E-mail").tap()
    page.get_by_label("Vertel wat er gebeurde").fill("Elke dag een mail van dezelfde man.")
    page.get_by_role("button", name="Volgende stap").click()
    page.get_by_label("Op welk platform of in welke app?").fill("Gmail")
    page.get_by_label("Datum van het bericht").fill("2026-11-19")  # no time: none is shown
    page.get_by_label("Bewijs toevoegen").set_input_files(str(shot))
    page.get_by_role("button", name="Volgende stap").click()
    page.locator("#perpetrator_name").fill("Karel Mailer")
    page.get_by_label("Psychische klachten, zoals angst of slecht slapen").check()
    page.get_by_role("button", name="Volgende stap").click()

    main = page.locator("main")
    expect(main).to_contain_text("19 november 2026")
    assert "00:00" not in main.inner_text()
    expect(main).to_contain_text("Psychische klachten, zoals angst of slecht slapen")
    page.get_by_role("link", name="Wijzigen Wanneer en waar?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wanneer en waar?")
    page.get_by_label("Vertel wat er gebeurde").fill("Elke dag een mail van dezelfde man, ook in het weekend.")
    screenshot(page, "report-phone-change-360")
    axe.check("report step opened from the check page (360)")
    page.get_by_role("button", name="Opslaan en terug naar controleren").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Controleren en versturen")
    for kept in (
        "Elke dag een mail van dezelfde man, ook in het weekend.",
        "Appte, mailde of belde steeds",
        "Gmail",
        "bericht.png",
        "Karel Mailer",
        "Psychische klachten, zoals angst of slecht slapen",
    ):
        expect(main).to_contain_text(kept)
    page.get_by_role("link", name="Wijzigen Wie deed het, en de gevolgen").click()
    page.get_by_label("Extra kosten, zoals beveiliging of reiskosten").check()
    page.get_by_role("button", name="Opslaan en terug naar controleren").click()
    expect(main).to_contain_text("Extra kosten, zoals beveiliging of reiskosten")
    expect(main).to_contain_text("Psychische klachten, zoals angst of slecht slapen")
    links = page.get_by_role("link", name="Wijzigen", exact=False)
    names = [links.nth(i).inner_text() for i in range(links.count())]
    assert len(names) == len(set(names)) == 4, names
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "report-phone-5-check-1280")
    axe.check("report check page (1280)")
    page.set_viewport_size({"width": 360, "height": 740})
    page.get_by_role("button", name="Melding versturen").click()

    # The confirmation, on the phone: one h1, the reference large, who and when, acute numbers.
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw melding is verstuurd")
    assert page.locator("h1").count() == 1
    assert page.locator("h1").evaluate("h => !h.closest('main') || true")
    first_heading = page.locator("main h1, main h2").first
    expect(first_heading).to_have_text("Uw melding is verstuurd")
    reference = page.locator(".confirmation__reference")
    assert reference.inner_text().startswith("VB-")
    assert float(reference.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 28
    # An alderman's report: the mayor or the municipal secretary, within the pick-up hours.
    expect(main).to_contain_text("De burgemeester of de gemeentesecretaris neemt binnen 24 uur contact met u op.")
    expect(main).to_contain_text("Bel 112")
    expect(main).to_contain_text("0800 2800 200")  # the Vertrouwenslijn, from the referral settings
    expect(main).to_contain_text("0900 0101")  # Slachtofferhulp
    # One column: every block starts at the same left edge and is (nearly) the full width.
    boxes = page.locator(".confirmation > *").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.width]; })"
    )
    lefts = {round(left) for left, _w in boxes}
    assert len(lefts) == 1, boxes
    assert all(width >= 280 for _l, width in boxes), boxes
    panel = page.locator(".confirmation__panel > *").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.width]; })"
    )
    assert len({round(left) for left, _w in panel}) == 1 and all(width >= 250 for _l, width in panel), panel
    _no_sideways_scroll(page, 360)
    screenshot(page, "report-phone-6-confirmation-360")
    axe.check("report confirmation (360)")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "report-phone-6-confirmation-1280")
    axe.check("report confirmation (1280)")
    context.close()
    print("\n".join(axe.checked))
    assert not axe.violations, axe.report()
