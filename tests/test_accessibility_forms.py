"""WCAG 2.1 A and AA with the errors shown: the forms are sent empty or wrong in Chromium and axe runs
on the page that comes back. Each time the error summary has focus (a screen reader reads it first)
and its links take focus to the field with the problem — also when the form is sent wrong a second
time after following such a link (the address then must not hold #field). The forms: the admin's invitation (empty,
an invalid e-mail address), settings (out of range) and letter texts (an unknown field); the
one-time link (activation with the authenticator step, a two-factor reset, an unknown link); the
damages assessment and the finance officer's payout; proposing a measure and the security
officer's advice."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import expect

from models.db import db
from tests.browser import log_in
from tests.test_accessibility import Axe, _demo_municipality, axe_page, log_out  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def _errors_shown(page, axe, label: str, *messages: str, field: str | None = None):
    """The error summary is there, has focus, says `messages`; axe finds nothing; following the
    summary's link for `field` puts focus on that field (or, for a group, Tab goes into it)."""
    summary = page.locator("#foutmeldingen")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    text = summary.inner_text()
    assert "Er is iets niet goed ingevuld" in text, text
    for message in messages:
        assert message in text, f"{label}: {message!r} not in {text!r}"
    axe.check(label)
    if field:
        summary.locator(f"a[href='#{field}']").click()
        target = page.locator(f"#{field}")
        if target.evaluate("e => e.tagName") == "FIELDSET":  # a group of options: its first option
            assert page.evaluate(
                "f => document.activeElement.tagName === 'INPUT' && "
                "document.getElementById(f).contains(document.activeElement)",
                field,
            ), label
        else:
            expect(target).to_be_focused()
        # No #field in the address: sent again, the page must come back with focus on the summary.
        assert "#" not in page.url, f"{label}: {page.url}"


def _link_from(mailbox, address: str) -> str:
    [mail] = mailbox.to(address)
    return re.search(r"(/link/\S+)", mail.get_content()).group(1)


def test_form_errors_have_no_wcag_21_aa_violations(make_app, live_server, axe_page, mailbox):
    app = make_app()
    accounts, reference = _demo_municipality(app)
    page, base = axe_page, live_server.url
    axe = Axe(page)

    # The admin: an invitation sent empty, then with an address that is none; a setting out of
    # range; a letter text with a field that does not exist.
    log_in(page, base, accounts["admin"])
    page.goto(base + "/beheer/accounts")
    page.get_by_role("button", name="Uitnodigen").click()
    _errors_shown(page, axe, "admin invitation sent empty", "Vul de naam in.", field="email")
    page.get_by_label("Naam", exact=True).fill("Kees Raad")
    page.get_by_label("E-mailadres").fill("kees-at-demodorp")
    page.get_by_role("button", name="Uitnodigen").click()
    _errors_shown(page, axe, "admin invitation with an invalid e-mail address", field="email")
    assert page.locator("#email").get_attribute("aria-invalid") == "true"
    page.get_by_label("E-mailadres").fill("kees@demodorp.nl")
    page.get_by_role("button", name="Uitnodigen").click()
    expect(page.get_by_role("status")).to_contain_text("Kees Raad is uitgenodigd")

    page.goto(base + "/beheer/instellingen")
    page.locator("#session_idle_minutes").fill("1")
    page.get_by_role("button", name="Opslaan").click()
    _errors_shown(
        page, axe, "admin setting out of range", "Kies een getal van 5 tot en met 240", field="session_idle_minutes"
    )

    page.goto(base + "/beheer/teksten")
    page.locator("#ban_letter").fill("Geachte {{ onbekend_veld }},")
    page.get_by_role("button", name="Opslaan").click()
    _errors_shown(page, axe, "admin letter text with an unknown field", "onbekend_veld", field="ban_letter")
    log_out(page)

    # The invited person's one-time link: a password and the authenticator app (QR code).
    link = _link_from(mailbox, "kees@demodorp.nl")
    page.goto(base + link)
    expect(page.locator("h1")).to_have_text("Uw account activeren")
    expect(page.locator(".qr svg")).to_be_visible()
    axe.check("one-time link: activation with the authenticator step")
    page.get_by_role("button", name="Opslaan").click()
    _errors_shown(page, axe, "one-time link sent empty", "Vul de code van 6 cijfers", field="password")
    secret = page.locator("code.secret").inner_text()
    page.locator("#password").fill("een lange zin voor de raad 2026")
    page.locator("#password_repeat").fill("een lange zin voor de raad 2026")
    page.get_by_label("Code die de app nu laat zien").fill("12345")
    page.get_by_role("button", name="Opslaan").click()
    _errors_shown(page, axe, "one-time link with a wrong code", "De code bestaat uit 6 cijfers", field="code")
    page.locator("#password").fill("een lange zin voor de raad 2026")
    page.locator("#password_repeat").fill("een lange zin voor de raad 2026")
    page.get_by_label("Code die de app nu laat zien").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_have_text("Gelukt. U kunt nu inloggen.")
    axe.check("one-time link done: the login page")
    response = page.goto(base + link)
    assert response.status == 404
    axe.check("one-time link used a second time")

    # A two-factor reset: only the authenticator step.
    from models import accounts as accounts_model
    from models.accounts import User

    with app.app_context():
        db.connect(reuse_if_open=True)
        member = User.get(User.email == accounts["council_member"]["email"])
        token = accounts_model.issue_token(member, accounts_model.TokenPurpose.RESET_TWO_FACTOR)
        db.close()
    page.goto(f"{base}/link/{token}")
    expect(page.locator("h1")).to_have_text("Een nieuwe authenticator-app koppelen")
    assert page.locator("#password").count() == 0
    axe.check("one-time link: two-factor reset")
    page.get_by_role("button", name="Opslaan").click()
    _errors_shown(page, axe, "one-time link: two-factor reset sent empty", field="code")

    # A measure proposed without reasons (the case page comes back with the form open).
    log_in(page, base, accounts["security_officer"])
    page.goto(f"{base}/zaken/{reference}")
    page.get_by_text("Een maatregel voorstellen").click()
    page.get_by_role("button", name="Voorstellen").click()
    _errors_shown(
        page,
        axe,
        "measure proposed without reasons",
        "Schrijf op waarom deze maatregel nodig is.",
        field="maatregel-reasons",
    )
    page.locator("#maatregel-reasons").fill("Hij dreigde de raadsleden bij de ingang op te wachten.")
    page.get_by_role("button", name="Voorstellen").click()
    expect(page.get_by_role("status")).to_have_text("De maatregel is voorgesteld.")
    # The security officer's advice, sent empty: the refusal is an alert at the top of the page.
    page.get_by_role("button", name="Advies vastleggen").click()
    expect(page.get_by_role("alert")).to_have_text("Schrijf eerst het advies.")
    axe.check("measure advice sent empty")
    log_out(page)

    # The damages claim waiting for the municipal secretary: sent without a decision, then
    # "partly" without an amount or reason; then granted in full for the finance officer.
    log_in(page, base, accounts["municipal_secretary"])
    page.goto(base + "/schade/beoordelen")
    page.locator("main").get_by_role("link", name=reference, exact=True).click()
    page.get_by_role("button", name="Besluit vastleggen").click()
    _errors_shown(page, axe, "damages assessment sent empty", "Kies een besluit.", field="decision")
    page.get_by_label("Voor een deel toegekend").check()
    page.get_by_role("button", name="Besluit vastleggen").click()
    _errors_shown(
        page, axe, "damages assessment partly, without an amount", "Vul het bedrag in dat u toekent.", field="amount"
    )
    page.get_by_label("Helemaal toegekend").check()
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_role("status")).to_contain_text("Uw besluit is vastgelegd.")
    log_out(page)

    log_in(page, base, accounts["finance_officer"])
    page.goto(f"{base}/financien/{reference}")
    page.get_by_label("Bedrag", exact=True).fill("")
    page.get_by_role("button", name="Uitbetaling boeken").click()
    _errors_shown(
        page, axe, "finance payout without amount or payment reference", "Vul het betalingskenmerk in.", field="amount"
    )

    print(f"axe checked {len(axe.checked)} pages:\n" + "\n".join(axe.checked))
    assert not axe.violations, axe.report()


def test_a_required_field_not_filled_in_yet_is_not_shown_as_an_error(live_server, page):
    """Someone who opens a form sees no red before they typed or sent anything; a field the server
    refused (aria-invalid) is marked."""
    page.goto(live_server.url + "/login")
    styles = page.evaluate(
        """() => {
        const main = document.querySelector('main');
        const make = (html) => { const box = document.createElement('div'); box.innerHTML = html; main.append(box);
                                 return box.firstElementChild; };
        const border = (el) => getComputedStyle(el).borderTopColor;
        const radio = 'class="utrecht-radio-button utrecht-radio-button--html-input" type="radio" name="x" required';
        const area = 'class="utrecht-textarea utrecht-textarea--html-textarea" required';
        return {
          radio: border(make(`<input ${radio}>`)), radioRefused: border(make(`<input ${radio} aria-invalid="true">`)),
          optionalRadio: border(make('<input class="utrecht-radio-button utrecht-radio-button--html-input" type="radio" name="y">')),
          area: border(make(`<textarea ${area}></textarea>`)), areaRefused: border(make(`<textarea ${area} aria-invalid="true"></textarea>`)),
          optionalArea: border(make('<textarea class="utrecht-textarea utrecht-textarea--html-textarea"></textarea>')),
        };
    }"""
    )
    assert styles["radio"] == styles["optionalRadio"] != styles["radioRefused"], styles
    assert styles["area"] == styles["optionalArea"] != styles["areaRefused"], styles
