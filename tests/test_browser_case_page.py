"""The handler's case page in a real browser, at a desk (1280 × 800) and on a phone (360 px): what
must happen now is seen without scrolling; the clerk writes an internal note and lands on the notes
section with the confirmation there; the label "Bericht aan de melder" focuses the message box, not
the note; the page never scrolls sideways. Each state is checked with axe (WCAG 2.1 AA) and
photographed into test-artifacts/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from models.db import db
from tests.browser import ARTIFACTS, log_in
from tests.test_accessibility import Axe

pytestmark = pytest.mark.browser

SIZES = {1280: 800, 360: 800}


def _shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"case-page-{name}.png"))  # what the person sees now
    page.screenshot(path=str(ARTIFACTS / f"case-page-{name}-full.png"), full_page=True)


def _in_view(page, selector: str) -> bool:
    return page.evaluate(
        """selector => { const box = document.querySelector(selector).getBoundingClientRect();
                         return box.top >= 0 && box.top < window.innerHeight && box.bottom > 0; }""",
        selector,
    )


def _no_sideways_scrolling(page, label: str) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 0, f"{label}: the page scrolls sideways by {wide}px"


@pytest.mark.parametrize("width", sorted(SIZES, reverse=True))
def test_the_clerk_saves_a_note_and_lands_on_the_notes_section(width, make_app, live_server, browser):
    from models.demo import create_demo_accounts, create_demo_case

    app = make_app()
    with app.app_context():
        db.connect(reuse_if_open=True)
        accounts = {a["role"]: a for a in create_demo_accounts()}
        reference = create_demo_case()
        db.close()
    # The CSP is bypassed only so that the test can inject axe as a script.
    context = browser.new_context(viewport={"width": width, "height": SIZES[width]}, locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    axe = Axe(page)
    log_in(page, live_server.url, accounts["clerk"])
    page.goto(f"{live_server.url}/zaken/{reference}")

    # At the top: what must happen now, the clerk's own steps marked, each linking to its section.
    first_step = page.locator(".next-step").first
    expect(first_step.get_by_role("link")).to_have_attribute("href", re.compile(r"^#[a-z-]+$"))
    expect(first_step).to_contain_text("Protocol §")
    pickup = page.locator(".next-step", has_text="De melding oppakken")
    expect(pickup).to_contain_text("Voor u")
    expect(pickup.get_by_role("link", name="De melding oppakken")).to_have_attribute("href", "#oppakken")
    if width == 1280:
        box = first_step.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= SIZES[width], (
            f"the first open step is not in view at 1280 × 800: {box}"
        )
    expect(page.get_by_role("navigation", name="Onderdelen van deze melding").get_by_role("link")).to_have_count(
        page.locator("section.case-section").count()
    )
    # The protocol box speaks to the handler, not to the reporter.
    protocol = page.locator(".advice--handler")
    expect(protocol).to_contain_text("moet de melder altijd melden")
    expect(protocol).not_to_contain_text("meldt u altijd")
    _no_sideways_scrolling(page, f"case page at {width}px")
    axe.check(f"case page at {width}px")
    _shoot(page, f"top-{width}")

    # The message to the reporter and the internal note: each label its own box, each box says who reads it.
    page.get_by_label("Bericht aan de melder", exact=True).click()
    assert page.evaluate("document.activeElement.id") == "message-body"
    expect(page.locator("#berichten")).to_contain_text("De melder leest dit")
    expect(page.locator("#notities")).to_contain_text("Alleen voor behandelaars")
    page.get_by_label("Interne notitie", exact=True).click()
    assert page.evaluate("document.activeElement.id") == "note-body"

    # Sent empty: the page comes back with the error in the notes section, linked to the field.
    page.get_by_role("button", name="Notitie opslaan").click()
    summary = page.locator("#notities .error-summary")
    expect(summary).to_contain_text("Schrijf eerst een notitie.")
    expect(summary.get_by_role("link", name="Schrijf eerst een notitie.")).to_have_attribute("href", "#note-body")
    expect(page.locator("#foutmeldingen")).to_be_focused()  # portal.js; without it the links still lead to the field
    assert _in_view(page, "#foutmeldingen"), "the error summary is not in view after sending an empty note"
    _no_sideways_scrolling(page, f"note with an error at {width}px")
    axe.check(f"note with an error at {width}px")
    _shoot(page, f"note-error-{width}")

    # Saved: back at the notes section, the confirmation there and in view.
    page.get_by_label("Interne notitie", exact=True).fill("Raadslid gebeld; zij wil aangifte doen.")
    page.get_by_role("button", name="Notitie opslaan").click()
    page.wait_for_url(f"**/zaken/{reference}#notities")
    assert page.evaluate("location.hash") == "#notities"
    confirmation = page.locator("#notities").get_by_role("status")
    expect(confirmation).to_have_text("De notitie is opgeslagen. Alleen behandelaars lezen haar.")
    assert _in_view(page, "#notities"), "the notes section is not in view after saving a note"
    assert _in_view(page, "#notities [role=status]"), "the confirmation is not in view after saving a note"
    expect(page.locator("main > [role=status]")).to_have_count(0)  # not (only) at the top
    expect(page.locator("#notities")).to_contain_text("Raadslid gebeld; zij wil aangifte doen.")
    _no_sideways_scrolling(page, f"note saved at {width}px")
    axe.check(f"note saved at {width}px")
    _shoot(page, f"note-saved-{width}")

    assert not axe.violations, axe.report()
    assert not page.problems if hasattr(page, "problems") else True
    context.close()


@pytest.mark.parametrize("width", sorted(SIZES, reverse=True))
def test_a_folded_form_opens_in_place_and_saves(width, make_app, live_server, browser):
    """A form that folds open is written into the page only when it is opened (issue 15, item 6):
    the clerk opens "Gesprek 1 bijwerken", the form appears in place, and saving it lands on the
    aftercare section with the confirmation there."""
    from models import clock
    from models.aftercare import Conversation, Outcome
    from models.cases import Case
    from models.demo import create_demo_accounts, create_demo_case

    app = make_app()
    with app.app_context():
        db.connect(reuse_if_open=True)
        accounts = {a["role"]: a for a in create_demo_accounts()}
        reference = create_demo_case()
        db.close()
    context = browser.new_context(viewport={"width": width, "height": SIZES[width]}, locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    axe = Axe(page)
    log_in(page, live_server.url, accounts["clerk"])
    page.goto(f"{live_server.url}/zaken/{reference}#nazorg")

    part = page.locator("details#formulier-gesprek-1")
    expect(part.locator("summary")).to_have_text("Gesprek 1 bijwerken")
    expect(part.get_by_role("group", name="Hoe staat het gesprek?")).to_have_count(0)  # folded: not in the page
    part.locator("summary").click()
    outcome = part.get_by_role("group", name="Hoe staat het gesprek?")
    expect(outcome).to_be_visible()
    expect(part).not_to_have_attribute("aria-busy", "true")
    _no_sideways_scrolling(page, f"opened aftercare form at {width}px")
    axe.check(f"case page with a folded form opened at {width}px")
    _shoot(page, f"folded-form-open-{width}")

    outcome.get_by_label("Gevoerd").check()
    an_hour_ago = clock.to_local(clock.utcnow() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    part.get_by_label("Datum en tijd").fill(an_hour_ago)
    part.get_by_label("Vertrouwelijke aantekeningen").fill("Rustig gesprek, komt er goed doorheen.")
    part.get_by_role("button", name="Gesprek 1 opslaan").click()
    expect(page).to_have_url(re.compile(r"#nazorg$"))
    expect(page.locator("#nazorg .utrecht-alert, #nazorg [role=status], #nazorg .alert").first).to_contain_text(
        "Het nazorggesprek is bijgewerkt."
    )
    with app.app_context():
        db.connect(reuse_if_open=True)
        case = Case.get(Case.reference == reference)
        held = Conversation.get((Conversation.case == case.id) & (Conversation.number == 1))
        assert held.outcome == Outcome.HELD.value and held.notes == "Rustig gesprek, komt er goed doorheen."
        db.close()
    context.close()
