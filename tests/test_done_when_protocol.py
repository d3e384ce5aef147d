"""Issue 14, 'done when', on the demo municipality in a real browser (`demo` creates the accounts and
the demo threat case); each person in their own browser context, each state photographed in
test-artifacts/protocol-*.png at 360 and 1280 px:

1. the council member withdraws her consent to a police report in Mijn meldingen; the clerk, who had
   the police form open, is refused in plain Dutch and nothing is stored; the form is no longer offered;
2. the clerk records that she gave it again by phone; the victim sees that on her page; the first
   police report (the incident) is filed;
3. the clerk links the perpetrator to the register, proposes a building ban and records the
   citizen's side; the mayor decides on the decision screen with her own reasons and the
   confirmation, and prints the letter: its kenmerk, her reasons, the objection clause (six weeks);
4. the clerk records a violation of the ban (when, where, who saw it) and files a second police
   report (a ban not kept): the case and the victim's page show two police reports;
5. the dossier of that report (a PDF download) carries the municipality's address, never the
   victim's home address (the demo case has none, so an alderman's report made at home is checked too);
6. an alderman reports a threat at home; the mayor, who handles it, marks an acute serious threat and
   the Chief Public Prosecutor is on the checklist;
7. the demo case (fear, bad sleep) raises no labour-inspectorate alarm and no 24-hour deadline until
   the clerk assesses it as serious; then both are there."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from playwright.sync_api import expect

from models import clock
from models.db import db
from models.police import PoliceReport
from tests.browser import ARTIFACTS, log_in, menu_link
from tests.test_police_dossier import pdf_text

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "nl-NL", "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1280, "height": 900}, "locale": "nl-NL"}
TOWN_HALL = "Raadhuisplein 1, 1234 AB Demodorp"  # the municipality's address (texts: municipality_address)
VICTIMS_HOME = "Lindelaan 12, 1234 AB Demodorp"
ALDERMANS_HOME = "Beukenlaan 7, 1234 CD Demodorp"
NO_CONSENT = "Zonder toestemming van de ambtsdrager doet de gemeente geen aangifte. Leg eerst de toestemming vast."
BAN = "Toegang tot gemeentelijke gebouwen ontzeggen"
BAN_NOT_KEPT = "De veroorzaker hield zich niet aan een ontzegging of verbod"


def open_as(browser, base, account, problems, phone=False):
    """A browser context for one person, logged in; console errors and requests to other hosts are
    collected in `problems`."""
    context = browser.new_context(**(PHONE if phone else DESK))
    page = context.new_page()
    page.on("console", lambda msg: problems.append(f"{account['role']}: {msg.text}") if msg.type == "error" else None)
    page.on(
        "request",
        lambda request: (
            problems.append(f"other host: {request.url}")
            if not request.url.startswith(("http://127.0.0.1", "data:", "about:", "blob:"))
            else None
        ),
    )
    log_in(page, base, account)
    return context, page


def shoot(page, name: str, section: str | None = None) -> None:
    """The page, or one section of it, photographed at 360 and at 1280 px; neither width scrolls sideways."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 740 if width == 360 else 900})
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert wide <= 0, f"{name} scrolls sideways by {wide}px at {width}px"
        path = str(ARTIFACTS / f"protocol-{name}-{width}.png")
        if section:
            page.locator(section).screenshot(path=path)
        else:
            page.screenshot(path=path, full_page=True)
    page.set_viewport_size(before)


def status(page):
    """The flash messages (role=status) on the page."""
    return page.get_by_role("status")


def local_now() -> dt.datetime:
    return clock.to_local(clock.utcnow()).replace(tzinfo=None)


def downloaded_pdf_text(page, link) -> tuple[str, str]:
    """Click a download link as a person does; the file's suggested name and its text, on one line."""
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    data = open(download.path(), "rb").read()  # noqa: PTH123 - Playwright's own temporary file
    (ARTIFACTS / f"protocol-{download.suggested_filename}").write_bytes(data)
    return download.suggested_filename, " ".join(pdf_text(data).split())


def test_consent_due_process_a_ban_not_kept_the_police_dossier_an_acute_threat_and_the_inspectorate(
    make_app, live_server, browser
):
    cli = make_app().test_cli_runner().invoke(args=["demo", "--json"])
    assert cli.exit_code == 0, cli.output
    accounts = {a["role"]: a for a in json.loads(cli.output)}
    base = live_server.url
    problems = []

    # --- The council member finds the demo case in Mijn meldingen, on her phone ---------------------
    member_context, member = open_as(browser, base, accounts["council_member"], problems, phone=True)
    menu_link(member, "Mijn meldingen").click()
    own_cases = member.get_by_role("link", name=re.compile(r"^VB-\d{4}-\d{4}$"))
    expect(own_cases).to_have_count(1)
    reference = own_cases.inner_text()
    own_cases.click()
    expect(member.locator("h1")).to_have_text(f"Melding {reference}")
    own_police_consent = member.locator("#toestemming-police_report")
    expect(own_police_consent).to_contain_text("U heeft toestemming gegeven.")
    expect(own_police_consent).to_contain_text("in uw melding")
    expect(member.locator("#aangifte")).to_have_count(0)  # no police report yet
    # She tells the municipality, in her own words, where she lives (the threat said 'we know where you live').
    member.get_by_label("Bericht of aanvulling").fill(
        f"Ze weten echt waar ik woon: {VICTIMS_HOME}. Gisteravond stond er iemand bij mijn voordeur."
    )
    member.get_by_role("button", name="Toevoegen", exact=True).click()
    expect(status(member)).to_have_text("Uw aanvulling is toegevoegd.")

    # --- 7 (before). The clerk opens the demo case: to assess, no alarm, no 24-hour deadline ---------
    clerk_context, clerk = open_as(browser, base, accounts["clerk"], problems)
    clerk.get_by_role("link", name="Inbox").first.click()
    clerk.get_by_role("link", name=reference).click()
    expect(clerk.locator("h1")).to_have_text(f"Melding {reference}")
    notices_panel = clerk.locator("#meldingen-instanties")
    expect(notices_panel.get_by_text("Beoordeel of dit een ernstig incident is.")).to_be_visible()
    expect(notices_panel).to_contain_text("Angst of slecht slapen is een reden om te kijken.")
    expect(notices_panel).to_contain_text("Psychische klachten, zoals angst of slecht slapen")
    expect(notices_panel.get_by_text("Ernstig incident.", exact=True)).to_have_count(0)
    expect(notices_panel).not_to_contain_text("Arbeidsinspectie moet binnen")
    shoot(clerk, "01-clerk-demo-case-inspectorate-to-assess", "#meldingen-instanties")
    clerk.get_by_role("link", name="Termijnen").first.click()
    expect(clerk.locator("h1")).to_have_text("Mijn termijnen")
    this_case = clerk.get_by_role("row").filter(has_text=reference)
    expect(this_case.first).to_be_visible()  # the case's aftercare deadlines are listed …
    expect(this_case.filter(has_text="Arbeidsinspectie waarschuwen")).to_have_count(0)  # … no 24 hours

    # --- 1. The clerk starts a police report; meanwhile the council member withdraws her consent -----
    clerk.goto(f"{base}/zaken/{reference}")
    police = clerk.locator("#aangifte")
    expect(police).to_contain_text("Ja, de gemeente mag aangifte doen")
    police.locator("summary", has_text="Aangifte vastleggen").click()
    police.get_by_label("Politiebureau").fill("Politiebureau Demodorp")
    police.get_by_label("Registratienummer van de politie").fill("PL0900-2026100001")

    member.reload()
    shoot(member, "02-member-consent-given", "#toestemming")
    member.get_by_role("button", name=re.compile(r"^Toestemming intrekken\s?: Aangifte doen bij de politie$")).click()
    expect(status(member)).to_contain_text("U heeft uw toestemming ingetrokken: Aangifte doen bij de politie.")
    expect(own_police_consent).to_contain_text("U heeft uw toestemming ingetrokken.")
    expect(own_police_consent).to_contain_text("door u, hier in Mijn meldingen")
    expect(
        own_police_consent.get_by_role(
            "button", name=re.compile(r"^Toestemming geven\s?: Aangifte doen bij de politie$")
        )
    ).to_be_visible()
    shoot(member, "03-member-consent-withdrawn", "#toestemming")

    police.get_by_role("button", name="Aangifte vastleggen").click()
    refusal = clerk.get_by_role("alert").filter(has_text="Er is iets niet goed ingevuld")
    expect(refusal).to_contain_text(NO_CONSENT)
    police = clerk.locator("#aangifte")
    expect(police).to_contain_text("Nee, geen toestemming die nu geldt")
    expect(police).to_contain_text("Er is nog geen aangifte vastgelegd.")
    shoot(clerk, "04-clerk-police-report-refused", "#aangifte")
    clerk.goto(f"{base}/zaken/{reference}")  # shown afresh, the form is not even offered
    police = clerk.locator("#aangifte")
    expect(police).to_contain_text("Nee, geen toestemming die nu geldt")
    expect(police).to_contain_text("Leg dat dan vast onder ‘Toestemming’ op deze pagina.")
    expect(police.locator("summary", has_text="Aangifte vastleggen")).to_have_count(0)
    expect(
        clerk.locator("#toestemming").get_by_role("row", name=re.compile("^Aangifte doen bij de politie"))
    ).to_contain_text("Nee, ingetrokken")
    db.connect(reuse_if_open=True)
    assert PoliceReport.select().count() == 0  # nothing stored
    db.close()

    # --- 2. The council member gives it again by phone; the clerk records that ----------------------
    consent_panel = clerk.locator("#toestemming")
    consent_panel.locator("summary", has_text="Toestemming vastleggen die de ambtsdrager").click()
    consent_panel.get_by_label("Aangifte doen bij de politie").check()
    consent_panel.get_by_label("Geeft toestemming").check()
    consent_panel.get_by_label("Aan de telefoon").check()
    consent_panel.get_by_role("button", name="Toestemming vastleggen").click()
    expect(status(clerk)).to_have_text("Vastgelegd: de ambtsdrager gaf toestemming voor: Aangifte doen bij de politie.")
    consent_panel = clerk.locator("#toestemming")
    expect(consent_panel.get_by_role("row", name=re.compile("^Aangifte doen bij de politie"))).to_contain_text(
        "Ja, toestemming gegeven"
    )
    consent_panel.locator("summary", has_text="Geschiedenis van de toestemming").click()
    expect(consent_panel.locator("details tbody tr").filter(has_text="Aangifte doen bij de politie")).to_have_count(3)
    shoot(clerk, "05-clerk-consent-panel-by-phone", "#toestemming")

    member.reload()
    expect(own_police_consent).to_contain_text("U heeft toestemming gegeven.")
    expect(own_police_consent).to_contain_text("aan de telefoon, vastgelegd door Eva Smit")
    shoot(member, "06-member-consent-given-by-phone", "#toestemming")

    # The first police report, about the incident itself.
    police = clerk.locator("#aangifte")
    expect(police).to_contain_text("Ja, de gemeente mag aangifte doen")
    police.locator("summary", has_text="Aangifte vastleggen").click()
    expect(police.get_by_label("Het incident uit de melding")).to_be_checked()
    police.get_by_label("Politiebureau").fill("Politiebureau Demodorp")
    police.get_by_label("Registratienummer van de politie").fill("PL0900-2026100001")
    police.get_by_role("button", name="Aangifte vastleggen").click()
    expect(status(clerk)).to_contain_text("De aangifte is vastgelegd.")
    expect(clerk.locator("#aangifte article.police-report")).to_have_count(1)

    # --- 3. The perpetrator in the register, a building ban proposed, the citizen heard -------------
    perpetrator = clerk.locator("#veroorzaker")
    expect(perpetrator).to_contain_text("Deze melding is nog niet gekoppeld aan het register van veroorzakers.")
    expect(perpetrator.get_by_label("Naam van de veroorzaker")).to_have_value("Demo Veroorzaker")
    perpetrator.get_by_role("button", name="Koppelen").click()
    expect(status(clerk)).to_have_text("De melding is gekoppeld aan het register van veroorzakers.")
    expect(clerk.locator("#veroorzaker").get_by_role("heading", name="Demo Veroorzaker")).to_be_visible()
    expect(clerk.locator("#veroorzaker")).to_contain_text("Eerste incident")

    today = local_now().date()
    measures = clerk.locator("#maatregelen")
    measures.locator("summary", has_text="Een maatregel voorstellen").click()
    measures.get_by_label("Soort maatregel").select_option(label=BAN)
    proposal_reasons = "Hij bedreigde het raadslid na de raadsvergadering over het azc."
    measures.get_by_label("Waarom is deze maatregel nodig?").fill(proposal_reasons)
    measures.get_by_label("Begindatum").fill((today - dt.timedelta(days=1)).isoformat())
    measures.get_by_label("Einddatum (tot en met)").fill((today + dt.timedelta(days=90)).isoformat())
    expect(measures.get_by_label("Veroorzaker (niet verplicht)").locator("option:checked")).to_have_text(
        "Demo Veroorzaker"
    )
    measures.get_by_role("button", name="Voorstellen").click()
    expect(status(clerk)).to_have_text("De maatregel is voorgesteld.")
    ban = clerk.locator("#maatregelen > article").filter(has=clerk.get_by_role("heading", name=BAN))
    expect(ban).to_contain_text("Alleen de burgemeester kan besluiten tot een ontzegging")
    expect(ban).to_contain_text("Nog niet vastgelegd")  # the citizen's side
    ban.locator("summary", has_text="De kant van de burger vastleggen").click()
    ban.get_by_label("De burger is gehoord").check()
    expect(ban.get_by_label("Door wie?")).to_have_value("Eva Smit")
    citizens_side = "Hij zegt dat hij boos was over het azc en het niet zo bedoelde."
    ban.get_by_label("Wat zei de burger?").fill(citizens_side)
    ban.get_by_role("button", name="De kant van de burger vastleggen").click()
    expect(status(clerk)).to_have_text("De kant van de burger is vastgelegd.")
    ban = clerk.locator("#maatregelen > article").filter(has=clerk.get_by_role("heading", name=BAN))
    expect(ban).to_contain_text("De burger is gehoord, ")
    expect(ban).to_contain_text(citizens_side)

    # The mayor decides on the decision screen, in her own words, and prints the letter.
    mayor_context, mayor = open_as(browser, base, accounts["mayor"], problems)
    mayor.goto(f"{base}/zaken/{reference}")
    mayor.get_by_role("link", name="Besluiten over deze maatregel").click()
    expect(mayor.locator("h1")).to_have_text("Besluiten over een maatregel")
    expect(mayor.get_by_role("heading", name=BAN)).to_be_visible()
    expect(mayor.get_by_text("Er is geen advies van de ambtenaar Veiligheid.")).to_be_visible()
    expect(mayor.get_by_text(citizens_side)).to_be_visible()
    expect(mayor.get_by_text("Nee, dit is het eerste incident")).to_be_visible()
    expect(mayor.get_by_text(proposal_reasons)).to_be_visible()
    shoot(mayor, "07-mayor-decision-screen")
    own_reasons = "U heeft een raadslid bedreigd omdat zij haar werk doet. Dat accepteer ik niet."
    mayor.get_by_label("Uw redenen voor dit besluit").fill(own_reasons)
    mayor.get_by_label("Ik neem dit besluit zonder advies van de ambtenaar Veiligheid.").check()
    shoot(mayor, "08-mayor-decision-screen-filled")
    mayor.get_by_role("button", name="Besluit nemen").click()
    expect(status(mayor)).to_have_text("Het besluit is vastgelegd.")
    decided = mayor.locator("#maatregelen > article").filter(has=mayor.get_by_role("heading", name=BAN))
    expect(decided).to_contain_text("Besloten door")
    expect(decided).to_contain_text("Anna de Vries")
    kenmerk = decided.locator("dt", has_text="Kenmerk").locator("xpath=following-sibling::dd[1]").inner_text()
    assert re.fullmatch(rf"{reference}-M\d+", kenmerk), kenmerk
    decided.get_by_role("link", name="Brief met het besluit bekijken en afdrukken").click()
    expect(mayor.locator("h1")).to_have_text("Brief met het besluit")
    letter = mayor.locator("article.letter")
    expect(letter).to_contain_text(f"Kenmerk: {kenmerk}")
    expect(letter).to_contain_text(own_reasons)
    expect(letter).not_to_contain_text(proposal_reasons)  # the decider's words, not the proposal's
    expect(letter).to_contain_text("Dan kunt u bezwaar maken. Dat moet binnen zes weken nadat wij deze brief")
    expect(letter).to_contain_text(f"Stuur uw bezwaarschrift naar de burgemeester, {TOWN_HALL}")
    expect(letter).to_contain_text(f"het kenmerk van deze brief: {kenmerk}")
    expect(letter).to_contain_text("Demo Veroorzaker")
    expect(letter).to_contain_text("Anna de Vries")
    shoot(mayor, "09-mayor-ban-letter")
    mayor.emulate_media(media="print")  # what the printer gets: the letter only
    expect(letter).to_be_visible()
    expect(mayor.locator(".no-print")).to_be_hidden()
    mayor.pdf(path=str(ARTIFACTS / "protocol-09-mayor-ban-letter.pdf"), format="A4")
    assert (ARTIFACTS / "protocol-09-mayor-ban-letter.pdf").read_bytes().startswith(b"%PDF")
    mayor.emulate_media(media="screen")

    # --- 4. A violation of the ban; the second police report: a ban not kept ------------------------
    clerk.goto(f"{base}/zaken/{reference}")
    ban = clerk.locator("#maatregelen > article").filter(has=clerk.get_by_role("heading", name=BAN))
    ban.locator("summary", has_text="Overtreding van de ontzegging vastleggen").click()
    violation_form = ban.locator("details", has=clerk.locator("summary", has_text="Overtreding van de ontzegging"))
    seen = (local_now() - dt.timedelta(minutes=20)).replace(second=0, microsecond=0)
    violation_form.get_by_label("Op welke dag?").fill(seen.date().isoformat())
    violation_form.get_by_label("Hoe laat?").fill(seen.strftime("%H:%M"))
    violation_form.get_by_label("Waar?").fill("Gemeentehuis, publiekshal")
    violation_form.get_by_label("Wie zag het?").fill("Baliemedewerker Yilmaz")
    violation_form.get_by_label("Wat gebeurde er?").fill("Hij liep de publiekshal in en vroeg naar het raadslid.")
    violation_form.get_by_label("Ja", exact=True).check()
    violation_form.get_by_role("button", name="Overtreding vastleggen").click()
    expect(status(clerk).first).to_have_text("De overtreding is vastgelegd.")
    violation = clerk.locator("#maatregelen div.measure[id^='overtreding-']")
    expect(violation).to_have_count(1)
    expect(violation).to_contain_text("Gemeentehuis, publiekshal")
    expect(violation).to_contain_text("Baliemedewerker Yilmaz")
    expect(violation).to_contain_text(seen.strftime("%H:%M"))
    expect(violation).to_contain_text("Politie ingelicht op")
    expect(violation).to_contain_text("Voorgesteld als maatregel: Aangifte doen bij de politie")

    police = clerk.locator("#aangifte")
    police.locator("summary", has_text="Nog een aangifte vastleggen").click()
    police.get_by_label(BAN_NOT_KEPT).check()
    police.get_by_label("Politiebureau").fill("Politiebureau Demodorp")
    police.get_by_label("Registratienummer van de politie").fill("PL0900-2026100002")
    police.get_by_role("button", name="Aangifte vastleggen").click()
    expect(status(clerk)).to_contain_text("De aangifte is vastgelegd.")
    reports = clerk.locator("#aangifte article.police-report")
    expect(reports).to_have_count(2)
    expect(reports.nth(0)).to_contain_text("Het incident uit de melding")
    second = reports.filter(has_text="PL0900-2026100002")
    expect(second).to_contain_text(BAN_NOT_KEPT)
    expect(clerk.locator("#maatregelen div.measure[id^='overtreding-']")).to_contain_text(
        "registratienummer PL0900-2026100002"
    )
    shoot(clerk, "10-clerk-two-police-reports", "#aangifte")

    member.reload()
    own_reports = member.locator("#aangifte article.police-report")
    expect(own_reports).to_have_count(2)
    expect(own_reports.nth(0)).to_contain_text("Het incident uit de melding")
    expect(own_reports.nth(1)).to_contain_text(BAN_NOT_KEPT)
    expect(own_reports.nth(1)).to_contain_text("PL0900-2026100002")
    shoot(member, "11-member-two-police-reports", "#aangifte")

    # --- 5. The dossier for the police: the municipality's address, not the victim's home ---------
    name, text = downloaded_pdf_text(clerk, second.get_by_role("link", name="Dossier voor de politie (PDF)"))
    assert name == f"dossier-{reference}-PL0900-2026100002.pdf"
    assert "Dossier bij de aangifte" in text and "PL0900-2026100002" in text and BAN_NOT_KEPT in text
    assert "Andere aangifte in deze zaak" in text and "PL0900-2026100001" in text
    assert "Chantal Bakker" in text and "Demo Veroorzaker" in text and BAN in text
    assert f"Gemeente Demodorp, {TOWN_HALL}" in text and "domiciliekeuze" in text
    assert "Het woonadres staat niet in dit dossier." in text
    assert "Lindelaan" not in text  # what she wrote about her home stays with the municipality
    member_context.close()

    # --- 6. An alderman reports a threat at home; the mayor marks an acute serious threat ------------
    alderman_context, alderman = open_as(browser, base, accounts["alderman"], problems, phone=True)
    alderman.get_by_role(
        "button", name="Een incident melden"
    ).click()  # from the start page, straight to the first question
    alderman.get_by_label("Iemand bedreigde mij of mijn naasten").check()
    alderman.get_by_label("Dreigde met geweld").check()
    alderman.get_by_label("Nee, de persoon ging door of het werd erger").check()
    alderman.locator("#recurring-1").check()
    alderman.get_by_role("button", name="Volgende stap").click()
    alderman.get_by_label("Op welke dag gebeurde het?").fill(local_now().date().isoformat())
    alderman.get_by_label("Bij mij thuis").check()
    alderman.get_by_label("Waar was het?").fill(ALDERMANS_HOME)
    alderman.get_by_label("Op mijzelf").check()
    alderman.get_by_label("Vertel wat er gebeurde").fill(
        f"Een man stond voor mijn huis aan de {ALDERMANS_HOME} en riep dat hij mij en mijn kinderen "
        "iets aandoet. Hij had een mes bij zich."
    )
    alderman.get_by_role("button", name="Volgende stap").click()
    alderman.get_by_role("button", name="Volgende stap").click()  # no online messages
    alderman.get_by_label("Nee", exact=True).check()  # the perpetrator is not known
    alderman.get_by_role("button", name="Volgende stap").click()
    alderman.locator("#consent_police_report-0").check()
    alderman.locator("#consent_inform_others-1").check()
    alderman.get_by_role("button", name="Melding versturen").click()
    expect(status(alderman).first).to_contain_text("Uw melding is verstuurd")
    aldermans_reference = alderman.locator(".confirmation__reference").inner_text()
    assert re.fullmatch(r"VB-\d{4}-\d{4}", aldermans_reference)
    alderman_context.close()

    mayor.goto(base)
    mayor.get_by_role("link", name="Inbox").first.click()
    mayor.get_by_role("link", name=aldermans_reference).click()
    expect(mayor.locator("h1")).to_have_text(f"Melding {aldermans_reference}")
    expect(mayor.locator("main")).to_contain_text("U behandelt deze melding")
    notices_panel = mayor.locator("#meldingen-instanties")
    expect(notices_panel).to_contain_text("Deze melding is niet als acute, ernstige dreiging aangemerkt.")
    expect(notices_panel.locator("#melding-chief_prosecutor")).to_have_count(0)
    notices_panel.get_by_role("button", name="Aanmerken als acute, ernstige dreiging").click()
    expect(status(mayor)).to_have_text(
        "Vastgelegd: een acute, ernstige dreiging. Licht de politie en de Hoofdofficier van Justitie in."
    )
    notices_panel = mayor.locator("#meldingen-instanties")
    expect(notices_panel.get_by_text("Acute, ernstige dreiging.", exact=True)).to_be_visible()
    expect(notices_panel).to_contain_text("De Hoofdofficier van Justitie beslist over beveiligingsmaatregelen.")
    chief_prosecutor = notices_panel.locator("#melding-chief_prosecutor")
    expect(chief_prosecutor).to_contain_text("Hoofdofficier van Justitie op de hoogte (beveiligingsmaatregelen)")
    expect(chief_prosecutor.get_by_role("button", name=re.compile("^Vastleggen"))).to_be_visible()
    expect(notices_panel.locator("#melding-police")).to_contain_text("Politie op de hoogte gesteld")
    shoot(mayor, "12-mayor-notices-acute-threat", "#meldingen-instanties")

    # His home, where it happened, is not in the dossier for the police either.
    police = mayor.locator("#aangifte")
    police.locator("summary", has_text="Aangifte vastleggen").click()
    police.get_by_label("Politiebureau").fill("Politiebureau Demodorp")
    police.get_by_label("Registratienummer van de politie").fill("PL0900-2026100003")
    police.get_by_role("button", name="Aangifte vastleggen").click()
    expect(status(mayor)).to_contain_text("De aangifte is vastgelegd.")
    name, text = downloaded_pdf_text(
        mayor, mayor.locator("#aangifte").get_by_role("link", name="Dossier voor de politie (PDF)")
    )
    assert name == f"dossier-{aldermans_reference}-PL0900-2026100003.pdf"
    assert "Bram Jansen" in text and f"Gemeente Demodorp, {TOWN_HALL}" in text
    assert "Bij de ambtsdrager thuis. Het adres staat niet in dit dossier." in text
    assert "Een man stond voor mijn huis aan de [woonadres weggelaten]" in text
    assert "Beukenlaan" not in text
    mayor_context.close()

    # --- 7 (after). The clerk assesses the demo case as serious: the alarm and the 24 hours ---------
    clerk.goto(f"{base}/zaken/{reference}")
    notices_panel = clerk.locator("#meldingen-instanties")
    notices_panel.get_by_label("Ja. De gemeente moet de Arbeidsinspectie waarschuwen.").check()
    notices_panel.get_by_label("Geestelijk letsel", exact=True).check()
    expect(notices_panel.get_by_label("Sinds wanneer weet de gemeente dit?")).not_to_have_value("")
    notices_panel.get_by_role("button", name="Beoordeling vastleggen").click()
    expect(status(clerk)).to_have_text("Vastgelegd: een ernstig incident. Waarschuw de Arbeidsinspectie op tijd.")
    notices_panel = clerk.locator("#meldingen-instanties")
    expect(notices_panel.get_by_text("Ernstig incident.", exact=True)).to_be_visible()
    expect(notices_panel).to_contain_text("De Arbeidsinspectie moet binnen 24 uur worden gewaarschuwd: uiterlijk")
    expect(notices_panel).to_contain_text("Geestelijk letsel")
    shoot(clerk, "13-clerk-demo-case-serious-incident", "#meldingen-instanties")
    clerk.get_by_role("link", name="Termijnen").first.click()
    expect(
        clerk.get_by_role("row").filter(has_text=reference).filter(has_text="Arbeidsinspectie waarschuwen")
    ).to_have_count(1)
    shoot(clerk, "14-clerk-deadlines-inspectorate")
    clerk_context.close()

    # The refused police report came back with its message as 400 (a form with errors); Chromium logs that.
    refused = [p for p in problems if p.startswith("clerk: Failed to load resource") and "400" in p]
    assert len(refused) == 1, problems
    assert [p for p in problems if p not in refused] == []
