"""The meeting mode on a 360 px phone (§5): the clerk starts the record for a meeting chaired by a
council member, adds a disrupter and taps the order to leave three times — one tap while the phone
has no connection, queued and sent once it returns — sees "lokaalvredebreuk", closes the record and
finds the case in the inbox. Screenshots in test-artifacts/meeting-*.png."""

import pytest
from playwright.sync_api import expect

from models.db import db
from tests.browser import log_in, screenshot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "nl-NL", "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1280, "height": 900}, "locale": "nl-NL"}


def _accounts():
    from models.accounts import User
    from models.demo import DEMO_DOMAIN, create_demo_accounts

    db.connect(reuse_if_open=True)
    accounts = {a["role"]: a for a in create_demo_accounts()}
    chair = User.get(User.email == f"raadslid@{DEMO_DOMAIN}")
    db.close()
    return accounts, chair


def test_three_orders_on_a_phone_are_trespass_and_the_case_reaches_the_clerk(live_server, browser):
    accounts, chair = _accounts()
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log_in(page, live_server.url, accounts["clerk"])
    page.get_by_role("link", name="Vergadering verstoord").tap()
    page.get_by_label("Welke vergadering?").fill("Raadsvergadering over de begroting")
    page.get_by_label("Wie zit de vergadering voor?").select_option(str(chair.id))
    screenshot(page, "meeting-1-start-360")
    page.get_by_role("button", name="Verslag beginnen").tap()

    page.get_by_label("Wie verstoort de vergadering?").fill("Man met rode jas op de publieke tribune")
    page.get_by_label("Schelden").check()
    page.get_by_role("button", name="Toevoegen").tap()
    order = page.get_by_role("button", name="Opdracht om te vertrekken gegeven")
    counter = page.locator("[data-orders]")
    trespass = page.get_by_text("Dit is nu lokaalvredebreuk.")

    order.tap()
    expect(counter).to_have_text("Opdrachten om te vertrekken: 1")
    context.set_offline(True)  # the connection drops between two taps
    order.tap()
    expect(page.get_by_text("Geen verbinding.")).to_be_visible()
    expect(counter).to_have_text("Opdrachten om te vertrekken: 2")
    expect(trespass).to_be_hidden()
    context.set_offline(False)
    order.tap()
    expect(counter).to_have_text("Opdrachten om te vertrekken: 3")
    expect(trespass).to_be_visible()
    expect(page.get_by_text("Geen verbinding.")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "meeting-2-trespass-360")

    page.reload()  # what the server stored: three orders, each once
    expect(counter).to_have_text("Opdrachten om te vertrekken: 3")
    expect(trespass).to_be_visible()
    page.get_by_role("button", name="Livestream is gestopt").tap()
    page.get_by_role("button", name="Politie is gebeld").tap()
    page.get_by_text("Ja, de gemeente doet aangifte").tap()
    page.get_by_label("Wie hebben dit besloten?").fill("Voorzitter, griffier en ambtenaar Veiligheid")
    page.get_by_role("button", name="Besluit opslaan").tap()
    page.get_by_role("button", name="Verslag afsluiten en melden").tap()
    expect(page.get_by_text("Er zijn 1 meldingen gemaakt.")).to_be_visible()
    screenshot(page, "meeting-3-closed-360")
    reference = page.locator("[data-disrupter] a").inner_text()

    page.goto(live_server.url + "/zaken")
    expect(page.get_by_role("link", name=reference)).to_have_count(1)
    page.get_by_role("link", name=reference).tap()
    expect(page.get_by_text("Lokaalvredebreuk", exact=False).first).to_be_visible()
    screenshot(page, "meeting-4-case-360")
    context.close()

    desk = browser.new_context(**DESK)
    page = desk.new_page()
    log_in(page, live_server.url, accounts["mayor"])
    page.goto(live_server.url + "/vergadering")
    screenshot(page, "meeting-5-start-1280")
    desk.close()
