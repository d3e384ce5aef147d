"""Keyboard only, in Chromium: a council member logs in and completes a report from the first step
to the receipt with Tab, the arrow keys, Space, Enter and typing — no mouse. Wherever focus goes,
it is visible (an outline is drawn on the focused element)."""

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser import screenshot

pytestmark = pytest.mark.browser

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {id: el.id, tag: el.tagName, text: (el.innerText || el.value || '').slice(0, 40),
          outline: style.outlineStyle, width: style.outlineWidth};
}"""


class Keyboard:
    def __init__(self, page):
        self.page = page
        self.presses = 0

    def _assert_focus_visible(self):
        focus = self.page.evaluate(FOCUS_STYLE)
        if focus is None:
            return None
        assert focus["outline"] != "none" and focus["width"] != "0px", f"focus not visible on {focus}"
        return focus

    def tab_to(self, selector: str, limit: int = 120):
        """Press Tab until the element matching `selector` has focus; focus is visible at every stop."""
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            self.presses += 1
            self._assert_focus_visible()
            if self.page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    def type_into(self, selector: str, text: str):
        self.tab_to(selector)
        self.page.keyboard.type(text)

    def choose(self, radio_id: str):
        """Tab into the radio group, then the arrow keys to the option (as a keyboard user does)."""
        name = self.page.evaluate("id => document.getElementById(id).name", radio_id)
        self.tab_to(f"input[type=radio][name='{name}']")
        for _ in range(12):
            if self.page.evaluate("() => document.activeElement.id") == radio_id:
                break
            self.page.keyboard.press("ArrowDown")
            self._assert_focus_visible()
        self.page.keyboard.press("Space")
        assert self.page.evaluate("id => document.getElementById(id).checked", radio_id)

    def tick(self, selector: str):
        self.tab_to(selector)
        self.page.keyboard.press("Space")
        assert self.page.evaluate("() => document.activeElement.checked")

    def press_button(self, name: str):
        """Tab to the submit button with this text and press Enter."""
        # CSS cannot select by text: the buttons get their text as an attribute to aim the Tab at.
        self.page.evaluate(
            "() => document.querySelectorAll('button[type=submit]').forEach("
            "b => b.setAttribute('data-kb', b.innerText.trim()))"
        )
        self.tab_to(f"button[type=submit][data-kb='{name}']")
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")


def _id_for(page, label, exact=True):
    return page.get_by_label(label, exact=exact).first.get_attribute("id")


def test_a_council_member_reports_with_only_the_keyboard(live_server, browser, create_user):
    member = create_user()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    keys = Keyboard(page)
    page.goto(live_server.url + "/login")

    keys.type_into("#" + _id_for(page, "E-mailadres"), member.email)
    keys.type_into("#" + _id_for(page, "Wachtwoord"), member.test_password)
    keys.type_into("#" + _id_for(page, "Code uit uw authenticator-app"), pyotp.TOTP(member.totp_secret).now())
    keys.press_button("Inloggen")
    assert page.get_by_role("button", name="Uitloggen").count() == 1

    keys.tab_to("a[href='/melden']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    keys.press_button("Start de melding")

    # Step 1: first send it empty — the error summary gets focus, visibly.
    expect(page.get_by_text("Stap 1 van 5")).to_be_visible()
    keys.press_button("Volgende stap")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'foutmeldingen'")
    keys._assert_focus_visible()
    keys.tick("#" + _id_for(page, "Iemand bedreigde mij of mijn naasten"))
    keys.tick("#" + _id_for(page, "Dreigde met geweld"))
    keys.choose(_id_for(page, "Nee, de persoon ging door of het werd erger"))
    keys.choose("recurring-1")
    keys.press_button("Volgende stap")

    expect(page.get_by_text("Stap 2 van 5")).to_be_visible()
    date_id = _id_for(page, "Op welke dag gebeurde het?")
    keys.tab_to("#" + date_id)
    # The date field's segments follow the browser's language: dd-mm-jjjj in Dutch, mm/dd/yyyy in
    # the test browser's English; a keyboard user types them in the order shown.
    for digits in ("20112026", "11202026"):
        page.keyboard.type(digits)
        if page.input_value("#" + date_id) == "2026-11-20":
            break
        page.keyboard.press("Shift+Tab")  # back from the year to the first segment
        page.keyboard.press("Shift+Tab")
    assert page.input_value("#" + date_id) == "2026-11-20"
    keys.choose(_id_for(page, "Sociale media, app of ander online kanaal"))
    keys.choose(_id_for(page, "Op mijzelf"))
    keys.type_into(
        "#" + _id_for(page, "Vertel wat er gebeurde", exact=False), "Iemand schreef op X dat hij weet waar ik woon."
    )
    keys.press_button("Volgende stap")
    assert page.get_by_text("Stap 3 van 5").is_visible(), page.locator("#foutmeldingen").all_inner_texts()

    keys.type_into("#" + _id_for(page, "Op welk platform of in welke app?", exact=False), "X")
    keys.press_button("Volgende stap")

    expect(page.get_by_text("Stap 4 van 5")).to_be_visible()
    keys.choose(_id_for(page, "Nee"))
    keys.press_button("Volgende stap")

    expect(page.get_by_text("Stap 5 van 5")).to_be_visible()
    keys.choose("consent_police_report-1")
    keys.choose("consent_inform_others-1")
    keys.press_button("Melding versturen")

    receipt = page.get_by_role("status").first.inner_text()
    assert "Uw melding is verstuurd" in receipt
    assert page.locator(".confirmation__reference").inner_text().startswith("VB-")
    screenshot(page, "keyboard-report-receipt")
    print(f"report completed with {keys.presses} presses of Tab")
    context.close()
