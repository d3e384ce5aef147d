"""In a real browser, on a phone and on a desktop: the security officer sees 'possibly the same person'
on a case and records an incident against an employee in the register; the clerk sees aftercare
counted from the incident and the cost of professional help; the victim sees their conversations in
Mijn meldingen. Nothing falls apart or scrolls sideways at 360 px."""

import datetime as dt
import os
import pathlib

import pytest
from playwright.sync_api import expect

from models import aftercare, clock, perpetrators
from models.accounts import Role
from models.aftercare import Conversation, Outcome, ReferralKind, ReferralStatus
from models.cases import Case
from models.db import db
from tests.browser import log_in
from tests.conftest import fresh_code

pytestmark = pytest.mark.browser

SHOTS = pathlib.Path(os.environ.get("PORTAL_REGISTER_SHOTS", "/tmp/shots-register"))
WIDTHS = (360, 1280)
# What sticks out on the right of the screen, within `scope` (the part of the page this area owns).
WIDE_JS = """(scope) => [...document.querySelectorAll(scope + ' *')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && el.children.length === 0)
  .slice(0, 10).map(el => `${el.tagName}.${el.className} in #${el.closest('[id]')?.id}: ${el.textContent.slice(0, 50)}`)"""


def _shoot(page, url: str, name: str, scope: str = "body") -> None:
    """The page at each width, as a full-page screenshot; nothing in `scope` wider than the screen."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(url)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        if scope != "body":
            page.locator(scope).screenshot(path=str(SHOTS / f"{name}-{width}-section.png"))
        assert page.evaluate(WIDE_JS, scope) == [], (name, width)


def _account(user):
    return {"email": user.email, "password": user.test_password, "role": user.role}


def _sign_in(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    page = context.new_page()
    db.connect(reuse_if_open=True)
    log_in(page, live_server.url, _account(user), code=fresh_code(user))
    return page


def test_the_register_and_aftercare_pages_on_a_phone_and_a_desktop(
    app, live_server, browser, create_user, signed_in, file_report
):
    member = create_user(Role.COUNCIL_MEMBER, name="Raadslid Jansen")
    clerk = create_user(Role.CLERK, name="Griffier De Boer")
    officer = create_user(Role.SECURITY_OFFICER, name="Veiligheid Smit")
    create_user(Role.MAYOR, name="Burgemeester Van Dam")
    reporter = signed_in(member)
    first = file_report(reporter, platform="X", sender_account="@Boze_Burger", perpetrator_name="Piet Boos")
    second = file_report(
        reporter,
        platform="Twitter",
        sender_account="https://twitter.com/boze_burger/status/1855123456789012345?s=20&t=abcdefghijklmnop",
        perpetrator_known="no",
        perpetrator_name="",
    )
    with app.app_context():
        db.connect(reuse_if_open=True)
        case = Case.get(Case.reference == first)
        entry = perpetrators.link_case(case, name="Piet Boos", actor=clerk)
        perpetrators.record_employee_incident(
            entry, dt.date(2026, 10, 2), "threat", "Dreigde een baliemedewerker op te wachten.", officer
        )
        perpetrators.register_employee_incident(
            name="Karel Klaag",
            occurred_on=dt.date(2026, 9, 14),
            behaviour_class="verbal_aggression",
            summary="Schold aan de telefoon.",
            platform="Facebook",
            account="https://www.facebook.com/profile.php?id=100012345678901&sk=about",
            actor=officer,
        )
        conversations = {c.number: c for c in Conversation.select().where(Conversation.case == case.id)}
        aftercare.record_outcome(
            conversations[1], Outcome.HELD, clerk, held_at=clock.utcnow() - dt.timedelta(hours=2), notes="Geheim."
        )
        aftercare.record_outcome(
            conversations[2],
            Outcome.PLANNED,
            clerk,
            held_at=None,
            notes=None,
            planned_at=clock.utcnow() + dt.timedelta(days=1),
        )
        aftercare.add_referral(
            case,
            ReferralKind.PROFESSIONAL_HELP,
            clerk,
            status=ReferralStatus.REQUESTED,
            costs_covered=True,
            cost_cents=45000,
        )

    page = _sign_in(browser, live_server, officer)
    _shoot(page, f"{live_server.url}/zaken/{second}", "case-possibly-same-person", "#veroorzaker")
    expect(page.get_by_role("heading", name="Mogelijk dezelfde persoon als Piet Boos")).to_be_visible()
    _shoot(page, f"{live_server.url}/register", "register")
    _shoot(page, f"{live_server.url}/register/{entry.id}", "register-entry")
    _shoot(page, f"{live_server.url}/register/incident-medewerker", "register-new-incident")
    page.get_by_role("button", name="Vastleggen").click()  # empty: the errors, on the same page
    expect(page.get_by_text("Er is iets niet goed ingevuld")).to_be_visible()
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=str(SHOTS / "register-new-incident-errors-360.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    expect(page.get_by_label("Naam van de veroorzaker")).to_have_attribute("aria-invalid", "true")
    with app.app_context():
        db.connect(reuse_if_open=True)
        karel = perpetrators.find_matches("Karel Klaag", None)[0]
    _shoot(page, f"{live_server.url}/register/{karel.id}", "register-entry-long-account")
    expect(
        page.get_by_text("Facebook: https://www.facebook.com/profile.php?id=100012345678901&sk=about")
    ).to_be_visible()
    page.context.close()

    page = _sign_in(browser, live_server, clerk)
    _shoot(page, f"{live_server.url}/zaken/{first}", "case-aftercare", "#nazorg")
    nazorg = page.locator("#nazorg")
    expect(nazorg.get_by_text("Zo snel mogelijk, uiterlijk").first).to_be_visible()
    for width in WIDTHS:  # the referral forms open, with the amount the municipality pays
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.url}/zaken/{first}")
        nazorg.get_by_text("Verwijzing toevoegen").click()
        nazorg.locator("summary", has_text="Bijwerken: Professionele hulp").click()
        expect(nazorg.get_by_label("Bedrag dat de gemeente betaalt").first).to_have_value("450,00")
        nazorg.screenshot(path=str(SHOTS / f"case-aftercare-referral-forms-{width}-section.png"))
        assert page.evaluate(WIDE_JS, "#nazorg") == [], width
    page.context.close()

    page = _sign_in(browser, live_server, member)
    _shoot(page, f"{live_server.url}/mijn-meldingen/{first}", "own-case-aftercare", "#nazorg")
    nazorg = page.locator("#nazorg")
    expect(nazorg.get_by_text("De gemeente betaalt € 450,00.")).to_be_visible()
    expect(nazorg.get_by_text("Geheim.")).to_have_count(0)
    page.context.close()
