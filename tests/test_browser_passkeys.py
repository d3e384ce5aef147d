"""In Chromium with a virtual authenticator (the DevTools WebAuthn domain, through Playwright): a person
adds a passkey on their account page, logs out, logs in with it without typing anything, and removes
it; a copy of the passkey whose sign counter went back is refused with a clear message.

Passkeys need a secure context and an RP ID that is a domain: the portal is opened as
http://localhost (not 127.0.0.1: WebAuthn refuses an IP address as RP ID)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from models.db import db
from tests.browser import LiveServer, log_in, screenshot
from tests.test_accessibility import AXE, WCAG_TAGS

pytestmark = pytest.mark.browser


@pytest.fixture
def localhost_server(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)  # the JSON ceremonies carry the CSRF token like every form
    with LiveServer(app) as server:
        server.url = server.url.replace("127.0.0.1", "localhost")
        app.config["BASE_URL"] = server.url
        yield server


@pytest.fixture
def device_page(browser):
    """A page whose browser has one virtual authenticator: a platform passkey provider that verifies
    the person (as a fingerprint would) and keeps discoverable credentials."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on(
        "request",
        lambda request: (
            problems.append(f"other host: {request.url}")
            if not request.url.startswith(("http://localhost", "data:", "about:"))
            else None
        ),
    )
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    page.cdp, page.authenticator_id, page.problems = cdp, added["authenticatorId"], problems
    yield page
    context.close()


def _person(create_user, role=None, name="Wim Wethouder") -> dict:
    """An account as the login helper takes it (tests.browser.log_in)."""
    from models.accounts import Role, User

    user = create_user(role or Role.ALDERMAN, name=name)
    db.connect(reuse_if_open=True)
    secret = User.get_by_id(user.id).totp_secret
    return {"email": user.email, "password": user.test_password, "totp_secret": secret, "role": user.role}


def _axe_violations(page) -> list[str]:
    """axe-core on the page as it is now, loaded from the portal's own address (the CSP stays on)."""
    base = page.url.split("/", 3)[:3]
    address = "/".join(base) + "/static/axe-for-tests.js"
    page.route(address, lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    page.add_script_tag(url=address)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS
    )
    return [f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in result["violations"]]


def _log_out(page):
    """The logout button sits in the header's menu, folded behind "Menu" on a phone (as tests.browser.menu_link)."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    menu = page.locator("details.nav-menu")
    button = menu.get_by_role("button", name="Uitloggen")
    if not button.is_visible() and menu.get_attribute("open") is None:
        page.locator("summary.nav-menu__button").click()
    button.click()
    expect(page.get_by_role("status")).to_have_text("U bent uitgelogd.")


def _add_passkey(page, base_url, name):
    page.goto(base_url + "/account")
    expect(page.get_by_text("U heeft nog geen passkey.")).to_be_visible()
    page.get_by_label("Naam van de passkey").fill(name)
    page.get_by_role("button", name="Passkey toevoegen").click()
    expect(page.get_by_role("status")).to_have_text(
        f"De passkey ‘{name}’ is toegevoegd. Voortaan kunt u daarmee inloggen."
    )


def _log_in_with_passkey(page, base_url):
    page.goto(base_url + "/login")
    page.get_by_role("button", name="Passkey gebruiken").click()


def test_a_person_adds_a_passkey_logs_in_with_it_and_removes_it(localhost_server, device_page, create_user):
    page, base = device_page, localhost_server.url
    account = _person(create_user)
    log_in(page, base, account)
    _add_passkey(page, base, "Telefoon")
    row = page.get_by_role("row", name="Telefoon")
    expect(row).to_contain_text("Nog niet")
    # The passkey parts show only on a domain name, so the suite's accessibility crawl never sees them.
    assert _axe_violations(page) == []
    screenshot(page, "passkeys-account-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "passkeys-account-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    credentials = page.cdp.send("WebAuthn.getCredentials", {"authenticatorId": page.authenticator_id})["credentials"]
    assert len(credentials) == 1 and credentials[0]["isResidentCredential"] and credentials[0]["rpId"] == "localhost"

    _log_out(page)
    expect(page.get_by_role("button", name="Passkey gebruiken")).to_be_visible()
    assert _axe_violations(page) == []
    screenshot(page, "passkeys-login-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "passkeys-login-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    _log_in_with_passkey(page, base)  # no e-mail address, password or code typed
    expect(page.locator("h1")).to_have_text("Welkom, Wim Wethouder")

    page.goto(base + "/account")
    expect(page.get_by_role("row", name="Telefoon")).not_to_contain_text("Nog niet")
    page.get_by_role("button", name="Verwijderen Telefoon").click()
    expect(page.get_by_role("status")).to_have_text(
        "De passkey ‘Telefoon’ is verwijderd. U kunt er niet meer mee inloggen."
    )
    expect(page.get_by_text("U heeft nog geen passkey.")).to_be_visible()

    _log_out(page)
    _log_in_with_passkey(page, base)  # the device still holds it; the portal no longer knows it
    expect(page.get_by_role("alert")).to_contain_text("Deze passkey kent het portaal niet (meer).")
    assert _axe_violations(page) == []
    assert page.problems == [] or all("401" in p for p in page.problems), page.problems


def test_a_copied_passkey_with_a_lower_sign_counter_is_refused(localhost_server, device_page, create_user):
    page, base = device_page, localhost_server.url
    account = _person(create_user)
    log_in(page, base, account)
    _add_passkey(page, base, "Laptop")
    _log_out(page)
    _log_in_with_passkey(page, base)
    expect(page.locator("h1")).to_have_text("Welkom, Wim Wethouder")
    _log_out(page)

    # The same key with a counter lower than the portal has seen: what a copy of the credential sends.
    [credential] = page.cdp.send("WebAuthn.getCredentials", {"authenticatorId": page.authenticator_id})["credentials"]
    from models.passkeys import Passkey

    db.connect(reuse_if_open=True)
    stored = Passkey.get().sign_count
    assert stored >= 1 and credential["signCount"] >= stored
    page.cdp.send(
        "WebAuthn.removeCredential",
        {"authenticatorId": page.authenticator_id, "credentialId": credential["credentialId"]},
    )
    page.cdp.send(
        "WebAuthn.addCredential",
        {"authenticatorId": page.authenticator_id, "credential": {**credential, "signCount": 0}},
    )
    _log_in_with_passkey(page, base)
    expect(page.get_by_role("alert")).to_have_text(
        "Inloggen met deze passkey is geweigerd: het lijkt erop dat hij is gekopieerd. "
        "Log in met uw wachtwoord en code, en meld dit bij de functioneel beheerder."
    )
    expect(page.locator("h1")).to_have_text("Inloggen")
    screenshot(page, "passkeys-login-refused")
    assert Passkey.get().sign_count == stored


def test_a_handler_is_sent_to_add_a_passkey_when_the_admin_requires_one(localhost_server, device_page, create_user):
    from models import settings
    from models.accounts import Role

    page, base = device_page, localhost_server.url
    account = _person(create_user, Role.CLERK, "Gerda Griffier")
    settings.change("passkey_required_handlers", 1, None)
    log_in(page, base, account)
    expect(page.locator("h1")).to_have_text("Voeg eerst een passkey toe")
    page.goto(base + "/zaken")  # anything else: first the passkey
    expect(page.locator("h1")).to_have_text("Voeg eerst een passkey toe")
    page.set_viewport_size({"width": 360, "height": 800})
    assert _axe_violations(page) == []
    screenshot(page, "passkeys-required-360")
    page.get_by_role("button", name="Passkey toevoegen").click()  # without a name: the message, nothing asked
    expect(page.get_by_role("alert")).to_contain_text("Geef de passkey een naam")
    page.get_by_label("Naam van de passkey").fill("Werklaptop")
    page.get_by_role("button", name="Passkey toevoegen").click()
    expect(page.get_by_role("status")).to_contain_text("De passkey ‘Werklaptop’ is toegevoegd.")
    expect(page.locator("h1")).to_have_text("Welkom, Gerda Griffier")
