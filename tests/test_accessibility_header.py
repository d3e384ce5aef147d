"""The header on a 360 px phone: the menu folds away behind a "Menu" disclosure (<details>, no script
needed), so the header is one line; opened, every item is reachable by Tab, with visible focus, and
lies on the screen. On a 1280 px screen the menu is shown as before, without the button, and a
screen reader finds every item. Select fields show an arrow (a file from the portal: the CSP allows
no data: images)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.browser import log_in, screenshot
from tests.test_accessibility import Axe, _demo_municipality

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
SCREEN = {"width": 1280, "height": 800}
# One line: the brand, "Menu" and the language button (44 px targets) with the padding around them.
PHONE_HEADER_MAX = 80
SCREEN_HEADER_MAX = 130  # the longest menu (security officer) may take a second line

FOCUS = """() => { const el = document.activeElement; const s = getComputedStyle(el);
  return {text: (el.innerText || '').trim(), visible: s.outlineStyle !== 'none' && s.outlineWidth !== '0px'}; }"""


def _header_height(page) -> float:
    return page.locator(".page-header").bounding_box()["height"]


def _menu_items(page):
    return page.locator(".nav-menu .nav").locator("a, button")


def _tab_until(page, predicate_js: str, limit: int = 40) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        assert focus["visible"], f"focus not visible on {focus}"
        if page.evaluate(predicate_js):
            return focus
    raise AssertionError(f"Tab never reached {predicate_js}")


def _ax_names(page, role: str) -> set[str]:
    """What Chromium's own accessibility tree (what a screen reader reads) holds."""
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    cdp.detach()
    return {
        n.get("name", {}).get("value") for n in nodes if not n.get("ignored") and n.get("role", {}).get("value") == role
    }


def test_on_a_phone_the_menu_folds_away_and_every_item_is_reachable(make_app, live_server, browser):
    accounts, _reference = _demo_municipality(make_app())
    base = live_server.url
    heights = {}
    for role, account in accounts.items():
        context = browser.new_context(viewport=SCREEN, locale="nl-NL", bypass_csp=True)
        page = context.new_page()
        axe = Axe(page)
        log_in(page, base, account)
        page.set_viewport_size(PHONE)
        page.goto(base + "/")

        # Closed: one line, nothing wider than the screen, the items out of sight.
        heights[role] = _header_height(page)
        assert heights[role] <= PHONE_HEADER_MAX, f"{role}: header {heights[role]} px high at 360 px"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        menu_button = page.locator("summary", has_text="Menu")
        assert menu_button.is_visible()
        assert page.get_by_role("button", name="English").is_visible()
        items = _menu_items(page)
        names = [name.strip() for name in items.all_text_contents()]
        assert "Mijn account" in names and "Uitloggen" in names, names
        assert not any(item.is_visible() for item in items.all())
        axe.check(f"{role} at 360 px, menu closed")
        if role in ("admin", "security_officer"):
            screenshot(page, f"header-360-{role}-closed")

        # The keyboard: Tab to "Menu", Enter opens it, Tab then visits every item in order.
        page.locator("a.skip-link").focus()
        _tab_until(page, "document.activeElement.matches('summary.nav-menu__button')")
        page.keyboard.press("Enter")
        assert page.locator("details.nav-menu").evaluate("d => d.open")
        assert page.evaluate("() => document.activeElement.getAttribute('aria-expanded')") in (None, "true")
        for name in names:
            focus = _tab_until(page, "document.activeElement.closest('.nav') !== null", limit=1)
            assert focus["text"] == name
            box = page.evaluate(
                "() => { const r = document.activeElement.getBoundingClientRect();"
                " return {left: r.left, right: r.right, height: r.height}; }"
            )
            assert box["left"] >= 0 and box["right"] <= PHONE["width"] and box["height"] >= 44, (role, name, box)
        # The menu lies over the page, not beside it: still nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert _header_height(page) == heights[role]
        axe.check(f"{role} at 360 px, menu open")
        if role in ("admin", "security_officer"):
            screenshot(page, f"header-360-{role}-open")
        menu_button.click()
        assert not any(item.is_visible() for item in items.all())

        # A wide screen: no button, every item shown and in the accessibility tree.
        page.set_viewport_size(SCREEN)
        page.goto(base + "/")
        assert not menu_button.is_visible()
        assert all(item.is_visible() for item in items.all())
        height = _header_height(page)
        assert height <= SCREEN_HEADER_MAX, f"{role}: header {height} px high at 1280 px"
        links = _ax_names(page, "link")
        assert {name for name in names if name != "Uitloggen"} <= links, (names, links)
        assert "Uitloggen" in _ax_names(page, "button")
        page.locator("a.skip-link").focus()
        page.keyboard.press("Tab")  # the brand
        assert _tab_until(page, "true", limit=1)["text"] == names[0]
        axe.check(f"{role} at 1280 px")
        if role in ("admin", "security_officer"):
            screenshot(page, f"header-1280-{role}")
        assert not axe.violations, axe.report()
        context.close()
    print("header heights at 360 px:", heights)


def test_the_phone_menu_works_without_javascript(make_app, live_server, browser):
    accounts, _reference = _demo_municipality(make_app())
    context = browser.new_context(viewport=PHONE, locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server.url, accounts["mayor"])
    assert page.locator("h1").inner_text() == "Welkom, Anna de Vries"
    assert not page.get_by_role("link", name="Mijn account").is_visible()
    page.locator("summary", has_text="Menu").click()
    page.get_by_role("link", name="Mijn account").click()
    assert page.locator("h1").inner_text() == "Mijn account"
    page.locator("summary", has_text="Menu").click()
    page.get_by_role("button", name="Uitloggen").click()
    assert page.get_by_role("status").inner_text() == "U bent uitgelogd."
    context.close()


def test_before_logging_in_there_is_no_menu_and_the_header_is_one_line(live_server, page):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/login")
    assert page.locator("nav, summary").count() == 0
    assert _header_height(page) <= PHONE_HEADER_MAX
    assert page.get_by_role("button", name="English").is_visible()
    screenshot(page, "header-360-login")


def _dark_pixels(png: bytes, from_x: int) -> int:
    image = Image.open(io.BytesIO(png)).convert("L")
    return sum(1 for x in range(from_x, image.width) for y in range(image.height) if image.getpixel((x, y)) < 100)


def test_a_select_field_shows_its_arrow(make_app, live_server, page):
    accounts, _reference = _demo_municipality(make_app())
    log_in(page, live_server.url, accounts["admin"])
    with page.expect_response(lambda r: r.url.endswith("/static/select-arrow.svg")) as arrow:
        page.goto(live_server.url + "/beheer/accounts")
    assert arrow.value.status == 200 and arrow.value.headers["content-type"].startswith("image/svg+xml")
    select = page.get_by_label("Rol", exact=True)
    select.scroll_into_view_if_needed()
    width = int(select.bounding_box()["width"])
    # The arrow is drawn in the field's right end, where no text comes (the padding keeps it free).
    with_arrow = _dark_pixels(select.screenshot(), width - 40)
    select.evaluate("s => s.style.backgroundImage = 'none'")
    without_arrow = _dark_pixels(select.screenshot(), width - 40)
    select.evaluate("s => s.style.backgroundImage = ''")
    assert with_arrow > without_arrow + 20, (with_arrow, without_arrow)
    padding = select.evaluate("s => parseFloat(getComputedStyle(s).paddingRight)")
    assert padding >= 32
    select.screenshot(path="test-artifacts/select-arrow.png")
    assert page.problems == []  # no CSP violation, nothing from another host
