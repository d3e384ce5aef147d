"""A real headless Chromium (Debian's package, driven by Playwright) against a live portal."""

from __future__ import annotations

import os
import pathlib
import shutil
import threading

import pytest
from werkzeug.serving import make_server

ARTIFACTS = pathlib.Path(os.environ.get("PORTAL_TEST_ARTIFACTS", "test-artifacts"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()


@pytest.fixture
def live_server(make_app):
    app = make_app()
    with LiveServer(app) as server:
        app.config["BASE_URL"] = server.url
        yield server


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: `make test` installs it (make browser).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on(
        "request",
        lambda request: (
            problems.append(f"other host: {request.url}")
            if not request.url.startswith(("http://127.0.0.1", "data:", "about:"))
            else None
        ),
    )
    page.problems = problems
    yield page
    context.close()


def screenshot(page, name: str) -> pathlib.Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def menu_link(page, name: str):
    """A link of the header menu, as a person reaches it: on a phone the menu is folded behind
    "Menu" (a disclosure), which is opened first."""
    # After a resize the layout settles first (the button showed as visible while it was hiding).
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    menu = page.locator("details.nav-menu")
    link = menu.get_by_role("link", name=name, exact=True)
    if not link.is_visible() and menu.get_attribute("open") is None:
        page.locator("summary.nav-menu__button").click()
    return link


def log_in(page, base_url: str, account: dict, code: str | None = None) -> None:
    """Log in on the login page as a person does (e-mail, password, the app's code) and wait for the
    next page. The logout button sits in the header's menu (folded behind "Menu" on a phone), so the
    check is its form, which is there at every width."""
    import pyotp
    from playwright.sync_api import expect

    page.goto(base_url + "/login")
    page.get_by_label("E-mailadres").fill(account["email"])
    page.get_by_label("Wachtwoord").fill(account["password"])
    page.get_by_label("Code uit uw authenticator-app").fill(code or pyotp.TOTP(account["totp_secret"]).now())
    page.get_by_role("button", name="Inloggen").click()
    expect(page.locator("form[action$='/logout']"), f"{account['role']} could not log in").to_have_count(1)
