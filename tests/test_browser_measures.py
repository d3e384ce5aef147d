"""Due process for a building ban in a real browser, on a phone (360 px) and a desk (1280 px): the
clerk records the citizen's side, the mayor decides on the decision screen (the advice is missing: a
warning; own reasons; a confirmation), prints the letter, and the clerk records an objection. Each
page is checked with axe (WCAG 2.1 AA), never scrolls sideways, and is photographed in
$PORTAL_MEASURES_SHOTS (default /tmp/shots-measures) at both widths."""

from __future__ import annotations

import datetime as dt
import os
import pathlib

import pytest
from playwright.sync_api import expect

from models import clock
from models.db import db
from tests.browser import log_in
from tests.test_accessibility import Axe
from tests.test_accessibility_forms import _errors_shown

pytestmark = pytest.mark.browser

SHOTS = pathlib.Path(os.environ.get("PORTAL_MEASURES_SHOTS", "/tmp/shots-measures"))
WIDTHS = (360, 1280)


def _person(browser, base, account):
    # The CSP is bypassed only so that the test can inject axe as a script.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    log_in(page, base, account)
    return context, page


def _shoot(page, name: str, axe: Axe):
    """The page at each width: photographed, no sideways scrolling, no axe violations."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800 if width == 360 else 900})
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert wide <= 0, f"{name} scrolls sideways by {wide}px at {width}px"
        axe.check(f"{name} at {width}px")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_hearing_decision_screen_letter_and_objection_in_the_browser(make_app, live_server, browser):
    from models.demo import create_demo_accounts, create_demo_case

    app = make_app()
    with app.app_context():
        db.connect(reuse_if_open=True)
        accounts = {a["role"]: a for a in create_demo_accounts()}
        reference = create_demo_case()
        db.close()
    base = live_server.url
    today = clock.to_local(clock.utcnow()).date()

    clerk_context, clerk = _person(browser, base, accounts["clerk"])
    clerk_axe = Axe(clerk)
    clerk.goto(f"{base}/zaken/{reference}")
    clerk.locator("details.propose summary", has_text="Een maatregel voorstellen").click()
    clerk.locator("select[name=type]").select_option("building_ban")
    clerk.locator("textarea[name=reasons]").fill("Hij dreigde het raadslid na de vergadering op te wachten.")
    clerk.locator("input[name=starts_on]").fill((today - dt.timedelta(days=1)).isoformat())
    clerk.locator("input[name=ends_on]").fill((today + dt.timedelta(days=90)).isoformat())
    clerk.get_by_role("button", name="Voorstellen").click()
    expect(clerk.get_by_role("status")).to_have_text("De maatregel is voorgesteld.")

    # Hoor en wederhoor (§2): sent without what the citizen said, then as it went.
    clerk.locator("summary", has_text="De kant van de burger vastleggen").click()
    clerk.get_by_label("De burger is gehoord").check()
    clerk.get_by_role("button", name="De kant van de burger vastleggen").click()
    _errors_shown(clerk, clerk_axe, "hearing without what was said", "Schrijf op wat de burger zei.")
    clerk.get_by_label("Wat zei de burger?").fill("Hij zegt dat hij boos was en het niet zo bedoelde.")
    clerk.get_by_role("button", name="De kant van de burger vastleggen").click()
    expect(clerk.get_by_role("status")).to_have_text("De kant van de burger is vastgelegd.")

    # The mayor: the decision screen, with the warning that there is no advice.
    mayor_context, mayor = _person(browser, base, accounts["mayor"])
    mayor_axe = Axe(mayor)
    mayor.goto(f"{base}/zaken/{reference}")
    mayor.get_by_role("link", name="Besluiten over deze maatregel").click()
    expect(mayor.locator("h1")).to_have_text("Besluiten over een maatregel")
    expect(mayor.get_by_text("Er is geen advies van de ambtenaar Veiligheid.")).to_be_visible()
    expect(mayor.get_by_text("Hij zegt dat hij boos was en het niet zo bedoelde.")).to_be_visible()
    _shoot(mayor, "decision-screen", mayor_axe)
    mayor.get_by_role("button", name="Besluit nemen").click()
    _errors_shown(
        mayor,
        mayor_axe,
        "decision sent empty",
        "Schrijf op waarom u tot deze maatregel besluit.",
        "Bevestig dat u dit besluit neemt.",
        field="besluit-reasons",
    )
    _shoot(mayor, "decision-screen-errors", mayor_axe)
    mayor.get_by_label("Uw redenen voor dit besluit").fill(
        "U heeft het raadslid na de vergadering opgewacht en bedreigd. Dat accepteer ik niet."
    )
    mayor.get_by_label("Ik neem dit besluit zonder advies van de ambtenaar Veiligheid.").check()
    mayor.get_by_role("button", name="Besluit nemen").click()
    expect(mayor.get_by_role("status")).to_have_text("Het besluit is vastgelegd.")

    mayor.get_by_role("link", name="Brief met het besluit bekijken en afdrukken").click()
    letter = mayor.locator("article.letter")
    expect(letter).to_contain_text("Kenmerk: ")
    expect(letter).to_contain_text("U heeft het raadslid na de vergadering opgewacht en bedreigd.")
    expect(letter).to_contain_text("artikel 174 van de Gemeentewet")
    _shoot(mayor, "ban-letter", mayor_axe)

    # The clerk records an objection that came in: sent empty, then filled in.
    clerk.goto(f"{base}/zaken/{reference}")
    clerk.locator("summary", has_text="Bezwaar vastleggen").click()
    clerk.locator("#maatregelen").get_by_role("button", name="Bezwaar vastleggen").click()
    _errors_shown(clerk, clerk_axe, "objection sent empty", "Schrijf op waartegen de burger bezwaar maakt en waarom.")
    form = clerk.locator("details", has=clerk.locator("summary", has_text="Bezwaar vastleggen"))
    form.scroll_into_view_if_needed()
    _shoot(clerk, "objection-form-errors", clerk_axe)
    clerk.get_by_label("Waartegen maakt de burger bezwaar, en waarom?").fill("Ik heb niemand bedreigd.")
    clerk.locator("#maatregelen").get_by_role("button", name="Bezwaar vastleggen").click()
    expect(clerk.get_by_role("status")).to_have_text("Het bezwaar is vastgelegd.")
    expect(clerk.locator("#maatregelen")).to_contain_text("Nog niet beslist")
    _shoot(clerk, "objection-recorded", clerk_axe)

    # The mayor decides on it in the panel: partly upheld, a shorter ban.
    mayor.goto(f"{base}/zaken/{reference}")
    mayor.locator("summary", has_text="Beslissen op dit bezwaar").click()
    mayor.get_by_label("Gedeeltelijk gegrond: de maatregel verandert").check()
    mayor.get_by_label("Waarom beslist u zo?").fill("Eén maand is genoeg.")
    mayor.get_by_label("Nieuwe einddatum (tot en met)").fill((today + dt.timedelta(days=30)).isoformat())
    _shoot(mayor, "objection-decision-form", mayor_axe)
    mayor.get_by_role("button", name="Beslissing vastleggen").click()
    expect(mayor.get_by_role("status")).to_have_text("De beslissing op het bezwaar is vastgelegd.")
    expect(mayor.locator("#maatregelen")).to_contain_text("Periode gewijzigd")

    # A violation of the ban (§6.2), recorded by the clerk.
    clerk.goto(f"{base}/zaken/{reference}")
    clerk.locator("summary", has_text="Overtreding van de ontzegging vastleggen").click()
    clerk.locator("#maatregelen").get_by_label("Op welke dag?").last.fill((today - dt.timedelta(days=1)).isoformat())
    clerk.get_by_label("Hoe laat?").fill("12:00")
    clerk.get_by_label("Waar?").fill("Gemeentehuis, publiekshal")
    clerk.get_by_label("Wie zag het?").fill("Baliemedewerker Yilmaz")
    clerk.get_by_label("Nee, nog niet").check()
    _shoot(clerk, "violation-form", clerk_axe)
    clerk.get_by_role("button", name="Overtreding vastleggen").click()
    expect(clerk.get_by_role("status").first).to_have_text("De overtreding is vastgelegd.")
    expect(clerk.locator("#maatregelen")).to_contain_text("De politie is nog niet ingelicht.")
    _shoot(clerk, "violation-recorded", clerk_axe)

    for axe in (clerk_axe, mayor_axe):
        assert not axe.violations, "\n".join(axe.violations)
    mayor_context.close()
    clerk_context.close()
