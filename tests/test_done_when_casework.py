"""Issue 15, 'done when', on the demo municipality in a real browser: a new user handles the demo
threat case from the clerk's start page to closing it by following 'Wat moet er nu gebeuren' alone.

Each person has their own browser context (setup as in tests/test_done_when_protocol.py). The clerk
lands on her start page, finds the demo case among the new ones and opens it; then, again and again,
she takes the first open step on the case page, follows its link and finds the form for that step in
the viewport where the link lands (at 1280 x 800: no scrolling to find a form), saves it, and comes
back at that section with the confirmation there, while the status at the top says what was just
done. The council member then reads in Mijn meldingen what the municipality did, in plain words,
without the clerk's internal note. Every step is photographed in test-artifacts/done-when-casework/."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from playwright.sync_api import expect

from models import clock
from tests.browser import ARTIFACTS, menu_link
from tests.test_done_when_protocol import open_as

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "done-when-casework"
DESK = {"width": 1280, "height": 800}
CLERK = "Eva Smit"
INTERNAL_NOTE = "Intern: de veroorzaker is bij ons bekend van eerdere incidenten aan de balie."
STEP = re.compile(r"^(Voor u\s+)?")


def local_now() -> dt.datetime:
    return clock.to_local(clock.utcnow()).replace(tzinfo=None)


class Journey:
    def __init__(self, page, base: str, reference: str):
        self.page, self.base, self.reference, self.shot = page, base, reference, 0

    def photo(self, name: str, full_page: bool = False) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.shot += 1
        self.page.screenshot(path=str(SHOTS / f"{self.shot:02d}-{name}.png"), full_page=full_page)

    def steps(self) -> list[tuple[str, bool]]:
        """The open steps in 'Wat moet er nu gebeuren': (label, is it mine), in the page's order."""
        out = []
        for item in self.page.locator(".next-steps li.next-step").all():
            label = STEP.sub("", " ".join(item.locator(".next-step__what").text_content().split()))
            out.append((label, "next-step--mine" in (item.get_attribute("class") or "")))
        return out

    def follow(self, label: str, form_selector: str, name: str):
        """Follow the step's link; the form for the step intersects the viewport where it lands."""
        page = self.page
        link = page.locator(".next-steps a", has_text=re.compile(f"^{re.escape(label)}$"))
        expect(link).to_have_count(1)
        if not link.is_visible():
            page.locator("details.next-steps__more > summary").click()
        href = link.get_attribute("href")
        link.click()
        page.wait_for_function("h => location.hash === h", arg=href)
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        form = page.locator(form_selector).first
        expect(form, f"{label}: no form {form_selector} on the page").to_be_attached()
        box = form.bounding_box()
        viewport = page.viewport_size
        assert box is not None, f"{label}: the form {form_selector} is not shown"
        assert box["y"] < viewport["height"] and box["y"] + box["height"] > 0, (
            f"{label}: the link {href} lands at a place where the form is not in view "
            f"(form at y={box['y']:.0f}..{box['y'] + box['height']:.0f}, viewport 0..{viewport['height']})"
        )
        self.photo(f"{name}-jump")
        self.mark()
        return page.locator(href)

    def mark(self) -> None:
        """Mark the page now shown, so that `saved` waits for the page the next save brings (the
        URL ends in the same #section before and after a save: it cannot tell them apart)."""
        self.page.evaluate("() => { window.__shownBeforeSave = true; }")

    def saved(self, section: str, confirmation: str, name: str) -> None:
        """Back at the section that was saved, with the confirmation in it, in view."""
        page = self.page
        page.wait_for_function("() => !window.__shownBeforeSave && document.readyState === 'complete'")
        expect(page).to_have_url(re.compile(f"#{section}$"))
        note = page.locator(f"#{section}").get_by_role("status")
        expect(note).to_contain_text(confirmation)
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        box = note.first.bounding_box()
        assert box and 0 <= box["y"] < page.viewport_size["height"], f"{confirmation!r} is not in view: {box}"
        self.photo(f"{name}-saved")
        self.mark()

    def status(self, label: str, why: str | re.Pattern) -> None:
        shown = self.page.locator(".case-facts dt", has_text="Status").locator("xpath=following-sibling::dd[1]")
        expect(shown.locator("strong")).to_have_text(label)
        expect(shown).to_contain_text(why)


def test_a_new_clerk_handles_the_demo_threat_from_her_start_page_to_closing_it(make_app, live_server, browser):
    cli = make_app().test_cli_runner().invoke(args=["demo", "--json"])
    assert cli.exit_code == 0, cli.output
    accounts = {a["role"]: a for a in json.loads(cli.output)}
    base = live_server.url
    problems = []

    # --- 1. The clerk logs in and lands on her start page: the demo case is new, waiting ------------
    clerk_context, clerk = open_as(browser, base, accounts["clerk"], problems)
    clerk.set_viewport_size(DESK)
    expect(clerk).to_have_url(f"{base}/")
    new_cases = clerk.locator("[data-list='nieuw']")
    expect(new_cases.locator("[data-count]")).to_have_text("1")
    case_link = new_cases.get_by_role("link", name=re.compile(r"^VB-\d{4}-\d{4}$"))
    expect(case_link).to_have_count(1)
    reference = case_link.inner_text()
    journey = Journey(clerk, base, reference)
    journey.photo("clerk-start-page")
    case_link.click()
    expect(clerk.locator("h1")).to_have_text(f"Melding {reference}")
    journey.status("Nieuw", "Nog niemand heeft de melding opgepakt.")
    steps = journey.steps()
    assert steps[0] == ("De melding oppakken", True), steps
    journey.photo("clerk-case-page-new")

    # The demo council member consented to a police report in her report: nothing is asked of her,
    # and the police report is the clerk's step.
    labels = [label for label, _mine in steps]
    assert "De melder vragen of de gemeente aangifte mag doen" not in labels
    assert "Aangifte doen bij de politie" in labels
    expect(
        clerk.locator("#toestemming").get_by_role("row", name=re.compile("^Aangifte doen bij de politie"))
    ).to_contain_text("Ja, toestemming gegeven")

    done = []  # the labels of the steps done, in order (printed when the test fails)
    for _round in range(20):
        steps = journey.steps()
        mine = [label for label, is_mine in steps if is_mine]
        if not mine:
            break
        label = mine[0]
        done.append(label)
        print("step:", label, "| open:", steps)
        if label == "De melding oppakken":
            section = journey.follow(label, "#oppakken form[action$='/toewijzen']", "pick-up")
            section.get_by_label("Toewijzen aan").select_option(label=CLERK)
            section.get_by_role("button", name="Toewijzen").click()
            journey.saved("oppakken", "De toewijzing is opgeslagen.", "pick-up")
            journey.status("In behandeling", re.compile(f"{CLERK} heeft de melding opgepakt op"))
            expect(clerk.locator(".case-facts")).to_contain_text(CLERK)
            # An internal note, which the council member must never read.
            clerk.locator(".section-nav").get_by_role("link", name="Interne notities").click()
            notes = clerk.locator("#notities")
            notes.get_by_label(re.compile("^Interne notitie")).fill(INTERNAL_NOTE)
            notes.get_by_role("button", name=re.compile("^Notitie")).click()
            journey.saved("notities", "De notitie is opgeslagen.", "internal-note")
            journey.status("In behandeling", re.compile(f"{CLERK} heeft de melding opgepakt op"))
        elif (number := {"Eerste": 1, "Tweede": 2, "Derde": 3}.get(label.split()[0])) and "nazorggesprek" in label:
            # The step's link lands on the conversation's folded form and opens it.
            talk = journey.follow(label, f"#formulier-gesprek-{number}", f"aftercare-{number}")
            expect(talk.locator("summary")).to_have_text(f"Gesprek {number} bijwerken")
            expect(talk.get_by_role("button", name=f"Gesprek {number} opslaan")).to_be_visible()
            if number < 3:
                talk.get_by_label("Gevoerd", exact=True).check()
                talk.get_by_label("Datum en tijd").fill(
                    (local_now() - dt.timedelta(minutes=40 - 15 * number)).strftime("%Y-%m-%dT%H:%M")
                )
            else:  # the third, weeks from now: the council member says she needs no more conversations
                talk.get_by_label("Afgeslagen door de ambtsdrager").check()
            talk.get_by_role("button", name=f"Gesprek {number} opslaan").click()
            journey.saved("nazorg", "", f"aftercare-{number}")
            if number < 3:
                ordinal = {1: "eerste", 2: "tweede"}[number]
                journey.status("Nazorg", f"Het {ordinal} nazorggesprek is gevoerd op")
        elif label == "Aangifte doen bij de politie":
            section = journey.follow(
                label, "#aangifte details.propose:has(> summary:text-is('Aangifte vastleggen'))", "police-report"
            )
            section.locator("summary", has_text="Aangifte vastleggen").click()
            section.get_by_label("Politiebureau").fill("Politiebureau Demodorp")
            section.get_by_label("Registratienummer van de politie").fill("PL0900-2026200001")
            section.get_by_role("button", name="Aangifte vastleggen").click()
            journey.saved("aangifte", "De aangifte is vastgelegd.", "police-report")
            expect(clerk.locator("#aangifte article.police-report")).to_have_count(1)
        elif label == "Het Openbaar Ministerie inlichten":
            section = journey.follow(label, "#melding-public_prosecutor form", "public-prosecutor")
            section.get_by_role("button", name=re.compile("^Vastleggen")).click()
            journey.saved("meldingen-instanties", "", "public-prosecutor")
            expect(clerk.locator("#melding-public_prosecutor")).to_contain_text("Ja, op")
        elif label == "Beoordelen of dit een ernstig incident is":
            section = journey.follow(
                label,
                "#meldingen-instanties form[action$='/beoordeling'], #meldingen-instanties details.propose form",
                "inspectorate",
            )
            section.get_by_label("Nee. Er hoeft geen melding naar de Arbeidsinspectie.").check()
            section.get_by_label("Waarom is het geen ernstig incident?").fill(
                "Zij slaapt slecht, maar heeft geen letsel en hoeft niet te verzuimen."
            )
            section.get_by_role("button", name="Beoordeling vastleggen").click()
            journey.saved("meldingen-instanties", "", "inspectorate")
            expect(clerk.locator("#meldingen-instanties")).to_contain_text(
                "Geen melding aan de Arbeidsinspectie nodig."
            )
        elif label == "De melder vertellen hoe het met de aangifte gaat":
            section = journey.follow(
                label, "#aangifte form[action*='/feedback'], #aangifte article.police-report form", "police-feedback"
            )
            expect(section).to_have_class(re.compile("police-report"))  # the link lands on the report itself
            report = section
            if done.count(label) > 1:  # it comes back while the report runs: the police closed it
                report.locator("summary", has_text="Stand van de aangifte bijwerken").click()
                report.get_by_label("Stand van het onderzoek").select_option(value="closed")
                report.get_by_label(re.compile("^Afloop")).fill("De verdachte kreeg een taakstraf.")
                report.get_by_role("button", name="Stand opslaan").click()
                journey.saved("aangifte", "", "police-status")
                report = clerk.locator("#aangifte article.police-report").first
            report.get_by_role("button", name=re.compile("^Melder geïnformeerd")).click()
            journey.saved("aangifte", "", "police-feedback")
        elif label == "De melding afsluiten":
            assert [s[0] for s in journey.steps()] == ["De melding afsluiten"], journey.steps()
            section = journey.follow(label, "#oppakken form[action$='/afsluiten']", "close")
            section.get_by_role("button", name="Melding afsluiten").click()
            journey.saved("oppakken", "De melding is afgesloten.", "close")
            journey.status("Afgesloten", "De melding is afgesloten.")
            break
        else:
            pytest.fail(f"a step this test does not know: {label!r} (open: {steps})")
    else:
        pytest.fail(f"the steps never ended: {done}")
    print("done:", done)
    expect(clerk.locator(".next-steps")).to_contain_text("Er staat niets meer open.")
    expect(clerk.locator(".next-steps li.next-step")).to_have_count(0)
    journey.photo("clerk-case-closed", full_page=True)
    clerk_context.close()

    # --- 3. The council member reads in Mijn meldingen what was done ---------------------------------
    member_context, member = open_as(browser, base, accounts["council_member"], problems)
    member.set_viewport_size(DESK)
    menu_link(member, "Mijn meldingen").click()
    member.get_by_role("link", name=reference).click()
    expect(member.locator("h1")).to_have_text(f"Melding {reference}")
    main = member.locator("main")
    expect(main).to_contain_text("Status: Afgesloten")
    expect(main).to_contain_text("De gemeente heeft uw melding afgesloten. Er hoeft niets meer te gebeuren.")
    expect(member.locator("#aangifte")).to_contain_text("PL0900-2026200001")
    expect(member.locator("#aangifte")).to_contain_text("Afgerond")
    expect(main).to_contain_text(re.compile("(eerste|1).{0,80}gevoerd", re.IGNORECASE | re.DOTALL))
    expect(main).not_to_contain_text(INTERNAL_NOTE)
    expect(main).not_to_contain_text("bekend van eerdere incidenten")
    member.screenshot(path=str(SHOTS / "90-member-own-case-1280.png"), full_page=True)
    member.set_viewport_size({"width": 360, "height": 740})
    wide = member.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 0, f"Mijn meldingen scrolls sideways by {wide}px at 360px"
    member.screenshot(path=str(SHOTS / "91-member-own-case-360.png"), full_page=True)
    member_context.close()
    assert problems == []
