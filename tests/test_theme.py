"""A municipality applies its own colours and logo from one file (portal/static/theme.css)."""

import pytest

pytestmark = pytest.mark.browser


def test_the_logo_and_colours_come_from_the_theme_variables(live_server, page):
    page.goto(live_server.url + "/login")
    logo = page.locator(".brand__logo")
    assert logo.bounding_box()["width"] == 0  # no logo configured: it takes no room
    page.evaluate("""() => { const s = document.body.style;
        s.setProperty('--vb-logo', 'url("/static/favicon.svg")'); s.setProperty('--vb-logo-width', '2.5rem');
        s.setProperty('--vb-color-primary', '#006400'); }""")
    assert logo.bounding_box()["width"] == 40
    assert "favicon.svg" in logo.evaluate("element => getComputedStyle(element).backgroundImage")
    assert (
        page.get_by_role("button", name="Inloggen").evaluate("element => getComputedStyle(element).backgroundColor")
        == "rgb(0, 100, 0)"
    )
