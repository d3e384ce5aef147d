"""Issue 17, 'done when', on the demo municipality in a real browser (`demo` creates the accounts, the
demo threat case and the demo's prevention, meeting and press data); each person in their own browser
context, as in tests/test_done_when_protocol.py:

1. the admin reads in the new council from a CSV, sees every row's outcome and confirms;
2. the clerk starts the new council term and sees its briefing planned, and who to invite;
3. an alderman asks for a risk analysis for an information evening; the security officer decides it;
4. the clerk runs a disrupted meeting on a 360 px phone to the third order (trespass), closes the
   record and finds its case in her inbox;
5. the council member who chaired agrees to a public statement in Mijn meldingen, and the clerk logs
   the press statement in the case's communication log;
6. the clerk opens this year's yearly report: each of these is counted (the model's counts rose by
   exactly what was done) and the page shows every figure as the suppression publishes it.
Photographed in test-artifacts/done-when-public/, the yearly report at 360 and 1280 px."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from playwright.sync_api import expect

from models import annual_report, clock
from models.db import db
from tests.browser import ARTIFACTS, menu_link
from tests.test_done_when_protocol import open_as

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "done-when-public"
DESK = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
NEW_COUNCIL = """Naam;E-mailadres;Rol;Fractie
Anna de Vries;burgemeester@demodorp.nl;Burgemeester;
Bram Jansen;wethouder@demodorp.nl;Wethouder;Dorpsbelang
Chantal Bakker;raadslid@demodorp.nl;Raadslid;Groen Links
Kees Nieuwenhuis;kees.nieuwenhuis@demodorp.nl;Raadslid;Dorpsbelang
Lotte Verbeek;lotte.verbeek@demodorp.nl;Raadslid;Lokaal Liberaal
"""
EVENING = "Informatieavond over het nieuwe bestemmingsplan voor de Molenwijk"
STATEMENT = "De commissievergadering werd verstoord. De gemeente accepteert geen intimidatie van raadsleden."
NEW_SECTIONS = ("briefings", "trainings", "risk_analyses", "home_screenings", "meetings", "statements")


def photo(page, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def this_year_counts() -> dict:
    db.connect(reuse_if_open=True)
    try:
        counts, _groups = annual_report.raw_counts(annual_report.Period.year(local_today().year))
        return counts
    finally:
        db.close()


def local_today() -> dt.date:
    return clock.to_local(clock.utcnow()).date()


def test_a_new_user_runs_prevention_a_disrupted_meeting_and_a_statement_and_finds_them_in_the_yearly_report(
    make_app, live_server, browser
):
    cli = make_app().test_cli_runner().invoke(args=["demo", "--json"])
    assert cli.exit_code == 0, cli.output
    accounts = {a["role"]: a for a in json.loads(cli.output)}
    base = live_server.url
    problems: list[str] = []
    today = local_today()
    before = this_year_counts()

    # --- 1. The admin reads in the new council: a preview of every row, then confirmed -------------
    admin_context, admin = open_as(browser, base, accounts["admin"], problems)
    menu_link(admin, "Accounts").click()
    admin.get_by_role("link", name="Zet de nieuwe raad in één keer in het portaal").click()
    admin.get_by_label("Bestand met de nieuwe raad (CSV)").set_input_files(
        {"name": "nieuwe-raad.csv", "mimeType": "text/csv", "buffer": NEW_COUNCIL.encode("utf-8")}
    )
    admin.get_by_role("button", name="Bekijken wat er gebeurt").click()
    expect(admin.locator("main")).to_contain_text("Nieuw: 2. Gewijzigd: 2. Ongewijzigd: 1. Vertrekt: 1. Geweigerd: 0.")
    expect(admin.get_by_role("row", name=re.compile("Daan Visser"))).to_contain_text("Vertrekt")
    expect(admin.get_by_role("row", name=re.compile("Kees Nieuwenhuis"))).to_contain_text("Nieuw")
    photo(admin, "01-admin-new-council-preview", full_page=True)
    admin.get_by_role("button", name="Bevestigen en uitnodigingen versturen").click()
    expect(admin.get_by_role("status")).to_contain_text(
        "De nieuwe raad is verwerkt: 2 nieuw, 2 gewijzigd, 1 oud-ambtsdrager."
    )
    admin_context.close()

    # --- 2. The clerk starts the new term: the briefing is planned, the new people are to invite ---
    clerk_context, clerk = open_as(browser, base, accounts["clerk"], problems)
    menu_link(clerk, "Preventie").click()
    expect(clerk.locator("h1")).to_have_text("Raadsperiodes")
    expect(clerk.locator("main ul.plain-list > li")).to_have_count(1)  # the demo's term, which ended yesterday
    clerk.get_by_label("Eerste dag van de raadsperiode").fill(today.isoformat())
    last_day = dt.date(today.year + 4, today.month, min(today.day, 28)) - dt.timedelta(days=1)
    clerk.get_by_label("Laatste dag van de raadsperiode").fill(last_day.isoformat())
    clerk.get_by_role("button", name="Raadsperiode aanmaken").click()
    main = clerk.locator("main")
    expect(main).to_contain_text("De raadsperiode is aangemaakt. De voorlichting is gepland.")
    expect(main).to_contain_text(re.compile(r"De voorlichting is gepland\. Geef die vóór \d{1,2} \w+ \d{4}\."))
    invite = main.locator("h2", has_text="Uitnodigen voor de volgende voorlichting").locator(
        "xpath=following-sibling::ul[1]"
    )
    expect(invite).to_contain_text("Kees Nieuwenhuis")
    expect(invite).to_contain_text("Lotte Verbeek")
    expect(invite).not_to_contain_text("Daan Visser")  # he left: a former office holder now
    photo(clerk, "02-clerk-term-briefing-planned", full_page=True)

    # --- 3. The alderman asks for a risk analysis; the security officer decides it --------------------
    alderman_context, alderman = open_as(browser, base, accounts["alderman"], problems)
    alderman.get_by_role("link", name="Veiligheid vooraf").first.click()
    alderman.get_by_role("link", name="Risicoanalyse aanvragen voor een bijeenkomst of gesprek").click()
    alderman.get_by_label("Informatieavond").check()
    alderman.get_by_label("Waar gaat de bijeenkomst of het gesprek over?").fill(EVENING)
    alderman.get_by_label("Waar is het?").fill("Dorpshuis De Linde")
    evening = dt.datetime.combine(today + dt.timedelta(days=9), dt.time(19, 30))
    alderman.get_by_label("Wanneer begint het?").fill(evening.strftime("%Y-%m-%dT%H:%M"))
    alderman.get_by_role("button", name="Aanvraag versturen").click()
    expect(alderman.locator("main")).to_contain_text("Uw aanvraag is verstuurd.")
    photo(alderman, "03-alderman-asked")
    alderman_context.close()

    security_context, security = open_as(browser, base, accounts["security_officer"], problems)
    security.get_by_role("link", name="Veiligheid vooraf").first.click()
    when = clock.format_local(clock.to_utc(evening), "d MMMM yyyy, HH:mm", "nl")
    asked = security.get_by_role("listitem").filter(has_text=f"Informatieavond, {when}")
    expect(asked).to_contain_text("nog geen besluit")
    expect(security.get_by_role("listitem").filter(has_text="nog geen besluit")).to_have_count(2)  # + the demo's
    asked.get_by_role("link").click()
    expect(security.locator("main")).to_contain_text(EVENING)
    security.get_by_label("Enige spanning verwacht").check()
    security.get_by_label("Welke locatie is gekozen?").fill("Dorpshuis De Linde, grote zaal")
    security.get_by_label("Welke organisatorische maatregelen worden genomen?").fill(
        "Aanmelden vooraf, een gastvrouw bij de deur, een tweede uitgang vrij."
    )
    security.locator("fieldset", has_text="Is er beveiliging aanwezig?").get_by_label("Ja", exact=True).check()
    security.get_by_label("Gaat door, met organisatorische maatregelen").check()
    security.get_by_role("button", name="Besluit opslaan").click()
    expect(security.locator("main")).to_contain_text("Het besluit is opgeslagen.")
    expect(security.locator("[data-decision]")).to_contain_text("Gaat door, met organisatorische maatregelen")
    photo(security, "04-security-decided", full_page=True)
    security_context.close()

    # --- 4. The clerk runs a disrupted meeting on a phone to the third order ---------------------------
    clerk.set_viewport_size(PHONE)
    clerk.goto(base + "/")
    clerk.get_by_role("link", name="Vergadering verstoord").click()
    clerk.get_by_label("Welke vergadering?").fill("Commissie Ruimte over het bestemmingsplan")
    clerk.get_by_label("Wie zit de vergadering voor?").select_option(label="Chantal Bakker")
    clerk.get_by_role("button", name="Verslag beginnen").click()
    clerk.get_by_label("Wie verstoort de vergadering?").fill("Vrouw met gele sjaal op de publieke tribune")
    clerk.get_by_label("Schelden").check()
    clerk.get_by_role("button", name="Toevoegen").click()
    order = clerk.get_by_role("button", name="Opdracht om te vertrekken gegeven")
    counter = clerk.locator("[data-orders]")
    for number in (1, 2, 3):
        order.click()
        expect(counter).to_have_text(f"Opdrachten om te vertrekken: {number}")
    expect(clerk.get_by_text("Dit is nu lokaalvredebreuk.")).to_be_visible()
    wide = clerk.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 0, f"the meeting mode scrolls sideways by {wide}px at 360px"
    photo(clerk, "05-clerk-meeting-trespass-360")
    clerk.reload()  # what the server stored: three orders
    expect(counter).to_have_text("Opdrachten om te vertrekken: 3")
    clerk.get_by_role("button", name="Livestream is gestopt").click()
    clerk.get_by_role("button", name="Politie is gebeld").click()
    clerk.get_by_text("Ja, de gemeente doet aangifte").click()
    clerk.get_by_label("Welke griffier besliste mee?").select_option(label="Eva Smit")
    clerk.get_by_label("Welke ambtenaar Veiligheid besliste mee?").select_option(label="Hanna de Boer")
    clerk.get_by_role("button", name="Besluit opslaan").click()
    clerk.get_by_role("button", name="Verslag afsluiten en melden").click()
    expect(clerk.get_by_text("Het verslag is afgesloten. Er is 1 melding gemaakt.")).to_be_visible()
    reference = clerk.locator("[data-disrupter] a").inner_text()
    photo(clerk, "06-clerk-meeting-closed-360")
    menu_link(clerk, "Inbox").click()
    expect(clerk.get_by_role("link", name=reference)).to_have_count(1)
    photo(clerk, "07-clerk-inbox-360", full_page=True)
    clerk.set_viewport_size(DESK)

    # --- 5. The chair agrees to a public statement; the clerk logs the press statement --------------
    member_context, member = open_as(browser, base, accounts["council_member"], problems, phone=True)
    menu_link(member, "Mijn meldingen").click()
    member.get_by_role("link", name=reference).click()
    panel = member.locator("#toestemming-public_statement")
    expect(panel).to_contain_text("U heeft geen toestemming gegeven.")
    panel.get_by_role("button", name=re.compile("^Toestemming geven")).click()
    panel = member.locator("#toestemming-public_statement")
    expect(panel).to_contain_text("U heeft toestemming gegeven.")
    panel.scroll_into_view_if_needed()
    photo(member, "08-member-agrees-360")
    member_context.close()

    clerk.goto(f"{base}/zaken/{reference}#communicatie")
    clerk.get_by_label("Wie sprak namens de gemeente?").fill("Burgemeester Anna de Vries")
    clerk.get_by_label("Wat is er gezegd?").fill(STATEMENT)
    clerk.get_by_role("button", name="Verklaring vastleggen").click()
    expect(clerk.locator("#communicatie").get_by_role("status")).to_have_text("De verklaring is vastgelegd.")
    expect(clerk.locator("#verklaringen-lijst")).to_contain_text(STATEMENT)
    clerk.locator("section#communicatie").screenshot(path=str(SHOTS / "09-clerk-statement-1280.png"))

    # --- 6. This year's yearly report counts all of it ---------------------------------------------------
    after = this_year_counts()
    delta = {key: after[key] - before[key] for key in after if key[0] in NEW_SECTIONS and after[key] != before[key]}
    assert delta == {
        ("briefings", "planned"): 1,  # the new term plans its briefing
        ("risk_analyses", "asked"): 1,
        ("risk_analyses", "go_with_measures"): 1,
        ("meetings", "disrupted"): 1,
        ("meetings", "disrupters"): 1,
        ("meetings", "trespass"): 1,
        ("meetings", "orders"): 3,
        ("meetings", "livestream_stopped"): 1,
        ("meetings", "police_called"): 1,
        ("statements", "statements"): 1,
        ("statements", "incidents"): 1,
    }, delta
    db.connect(reuse_if_open=True)
    report = annual_report.build(annual_report.Period.year(today.year))
    db.close()
    published = {
        f"{section.code}/{row.code}/current": annual_report.figure_text(row.current, report.threshold)
        for section in report.sections
        for row in section.rows
    }
    menu_link(clerk, "Jaarverslag").click()
    clerk.get_by_label("Jaar", exact=True).fill(str(today.year))
    clerk.get_by_role("button", name="Toon het verslag").click()
    expect(clerk.locator("h1")).to_contain_text(str(today.year))
    for heading in (
        "Voorlichting aan het begin van de raadsperiode",
        "Trainingen",
        "Risicoanalyses voor bijeenkomsten",
        "Screenings van een huis",
        "Verstoorde vergaderingen",
        "Contact met de pers",
    ):
        expect(clerk.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    page_html = clerk.content()
    on_page = {cell: html.unescape(text) for cell, text in re.findall(r'data-cell="([^"]+)">([^<]*)</td>', page_html)}
    for cell, text in published.items():
        if cell.split("/")[0] in NEW_SECTIONS:
            assert on_page[cell] == text, (cell, on_page[cell], text)
    # The demo's meeting (three weeks ago: this year, unless it is early January) and this one: six
    # orders to leave, at or above the threshold of five, shown as they are.
    orders = after["meetings", "orders"]
    assert on_page["meetings/orders/current"] == (
        str(orders) if orders >= report.threshold else f"< {report.threshold}"
    )
    for identifying in ("Vrouw met gele sjaal", STATEMENT, EVENING, "Chantal Bakker", reference):
        assert identifying not in clerk.locator("main").inner_text()
    for width, height in ((1280, 900), (360, 740)):
        clerk.set_viewport_size({"width": width, "height": height})
        wide = clerk.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert wide <= 0, f"the yearly report scrolls sideways by {wide}px at {width}px"
        photo(clerk, f"10-yearly-report-{width}", full_page=True)
    clerk_context.close()
    assert problems == []
