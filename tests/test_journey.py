"""The whole journey in a real browser, with a screenshot of every step in test-artifacts/journey-*.png
(phone-sized, 360 px, for the council member; 1280 px for everyone else):

a council member reports an online threat with a screenshot from a phone-sized window → the clerk
finds it in the inbox and proposes a building ban → the mayor decides it and prints the letter →
the clerk sees the three aftercare conversations planned and records the first one as held →
the clerk links the perpetrator to the register → the council member claims damages from their own
case page → the municipal secretary approves the claim in full → the finance officer reimburses the
council member, recovers the amount from the perpetrator and books the perpetrator's payment →
the clerk produces the yearly report and downloads its figures.

Each person works in their own browser context and logs in once (a TOTP code is used only once)."""

import csv
import datetime as dt
import io

import pytest

from models import clock
from models.db import db
from tests.browser import ARTIFACTS, log_in, screenshot
from tests.conftest import PNG_SCREENSHOT

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "nl-NL", "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1280, "height": 900}, "locale": "nl-NL"}


def open_as(browser, base, account, problems, phone=False, code=None):
    """A new browser context for one person, logged in; console errors and requests to other hosts
    are collected in `problems`."""
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
    log_in(page, base, account, code)
    return context, page


def flash(page) -> str:
    return " ".join(page.get_by_role("status").all_inner_texts())


def test_journey_from_a_phone_report_through_ban_aftercare_damages_and_recovery_to_the_yearly_report(
    live_server, browser, tmp_path
):
    from models.demo import create_demo_accounts

    db.connect(reuse_if_open=True)
    accounts = {a["role"]: a for a in create_demo_accounts()}
    db.close()
    base = live_server.url
    problems = []
    shot = tmp_path / "bericht-op-x.png"
    shot.write_bytes(PNG_SCREENSHOT)
    receipt_photo = tmp_path / "bon-ruit.png"
    receipt_photo.write_bytes(PNG_SCREENSHOT + b"another photo")  # not the screenshot: that one is stored once
    narrative = "Op X schreef iemand dat hij weet waar ik woon en langs komt."

    # 1. The council member, on a phone, reports an online threat with a screenshot.
    phone, member = open_as(browser, base, accounts["council_member"], problems, phone=True)
    page = member
    screenshot(page, "journey-01-member-home-360")
    page.get_by_role(
        "button", name="Een incident melden"
    ).click()  # from the start page, straight to the first question
    page.get_by_label("Iemand bedreigde mij of mijn naasten").check()
    page.get_by_label("Dreigde met geweld").check()
    page.get_by_label("Nee, de persoon ging door of het werd erger").check()
    page.locator("#recurring-1").check()
    screenshot(page, "journey-02-report-step1-360")
    page.get_by_role("button", name="Volgende stap").click()
    page.get_by_label("Op welke dag gebeurde het?").fill("2026-11-20")
    page.get_by_label("Sociale media, app of ander online kanaal").check()
    page.get_by_label("Op mijzelf").check()
    page.get_by_label("Vertel wat er gebeurde").fill(narrative)
    screenshot(page, "journey-03-report-step2-360")
    page.get_by_role("button", name="Volgende stap").click()
    page.get_by_label("Op welk platform of in welke app?").fill("X")
    page.get_by_label("Account of adres van de afzender").fill("@boze_burger")
    page.get_by_label("Bewijs toevoegen").set_input_files(str(shot))
    screenshot(page, "journey-04-report-evidence-360")
    page.get_by_role("button", name="Volgende stap").click()
    page.get_by_label("Nee", exact=True).check()
    page.get_by_role("button", name="Volgende stap").click()
    page.locator("#consent_police_report-0").check()
    page.locator("#consent_inform_others-1").check()
    screenshot(page, "journey-05-report-send-360")
    page.get_by_role("button", name="Melding versturen").click()
    assert "Uw melding is verstuurd" in page.get_by_role("status").first.inner_text()
    reference = page.locator(".confirmation__reference").inner_text()
    assert reference.startswith("VB-")
    screenshot(page, "journey-06-report-receipt-360")

    # 2. The clerk finds it in the inbox and proposes a building ban.
    desk, clerk = open_as(browser, base, accounts["clerk"], problems)
    page = clerk
    page.get_by_role("link", name="Inbox").first.click()
    assert page.get_by_role("row").filter(has_text=reference).count() == 1
    screenshot(page, "journey-07-clerk-inbox-1280")
    page.get_by_role("link", name=reference).click()
    screenshot(page, "journey-08-clerk-case-1280")
    page.locator("details.propose summary", has_text="Een maatregel voorstellen").click()
    page.locator("select[name=type]").select_option("building_ban")
    page.locator("textarea[name=reasons]").fill("Hij dreigde het raadslid thuis op te zoeken.")
    page.locator("input[name=starts_on]").fill("2027-01-04")
    page.locator("input[name=ends_on]").fill("2027-04-03")
    screenshot(page, "journey-09-clerk-proposes-ban-1280")
    page.get_by_role("button", name="Voorstellen").click()
    screenshot(page, "journey-10-clerk-ban-proposed-1280")

    # 3. The mayor decides the ban, opens the letter and prints it (a PDF next to the screenshots).
    mayors_desk, mayor = open_as(browser, base, accounts["mayor"], problems)
    page = mayor
    page.goto(f"{base}/zaken/{reference}")
    page.get_by_role("link", name="Besluiten over deze maatregel").click()  # the decision screen
    page.get_by_label("Uw redenen voor dit besluit").fill("U heeft het raadslid bedreigd. Dat accepteer ik niet.")
    page.get_by_label("Ik neem dit besluit zonder advies van de ambtenaar Veiligheid.").check()
    page.get_by_role("button", name="Besluit nemen").click()
    screenshot(page, "journey-11-mayor-ban-decided-1280")
    page.locator("a[href*='/maatregelen/'][href$='/brief']").first.click()
    assert page.locator("h1").inner_text() == "Brief met het besluit"
    screenshot(page, "journey-12-mayor-ban-letter-1280")
    page.emulate_media(media="print")
    page.pdf(path=str(ARTIFACTS / "journey-12-mayor-ban-letter.pdf"), format="A4")
    assert (ARTIFACTS / "journey-12-mayor-ban-letter.pdf").read_bytes().startswith(b"%PDF")
    mayors_desk.close()

    # 4. Aftercare: the three conversations are planned; the clerk (who holds them with the mayor)
    #    records the first one as held, a few minutes ago, with a confidential note.
    page = clerk
    page.goto(f"{base}/zaken/{reference}")  # reloaded: the mayor's decision is on it now
    aftercare = page.locator("#nazorg")
    aftercare.scroll_into_view_if_needed()
    assert aftercare.get_by_role("heading", name="Nazorg", exact=True).is_visible()
    rows = aftercare.locator("table").first.locator("tbody tr")
    assert rows.count() == 3
    for number in (1, 2, 3):
        row = rows.nth(number - 1)
        assert f"Gesprek {number}" in row.inner_text() and "Gepland" in row.inner_text()
        assert "Burgemeester" in row.inner_text() and "Griffier" in row.inner_text()
    screenshot(page, "journey-13-clerk-aftercare-planned-1280")
    aftercare.get_by_text("Gesprek 1 bijwerken").click()
    form = aftercare.locator(f"form[action$='/zaken/{reference}/nazorg/gesprek/1']")
    form.get_by_label("Gevoerd").check()
    held = (clock.to_local(clock.utcnow()) - dt.timedelta(minutes=2)).replace(second=0, microsecond=0, tzinfo=None)
    form.get_by_label("Datum en tijd").fill(held.strftime("%Y-%m-%dT%H:%M"))
    note = "Gebeld. Ze slaapt slecht; wil een gesprek met Slachtofferhulp."
    form.get_by_label("Vertrouwelijke aantekeningen").fill(note)
    screenshot(page, "journey-14-clerk-aftercare-conversation-1-1280")
    form.get_by_role("button", name="Gesprek 1 opslaan").click()
    assert "Het nazorggesprek is bijgewerkt." in flash(page)
    first = page.locator("#nazorg table").first.locator("tbody tr").first
    assert "Gevoerd" in first.inner_text() and "op tijd" in first.inner_text()
    assert "Gepland" in page.locator("#nazorg table").first.locator("tbody tr").nth(1).inner_text()
    page.locator("#nazorg").get_by_text("Gesprek 1 bijwerken").click()  # folded again: opened, it loads in place
    saved = page.locator(f"#nazorg form[action$='/zaken/{reference}/nazorg/gesprek/1']")
    assert saved.get_by_label("Vertrouwelijke aantekeningen").input_value() == note  # kept, for those who hold it
    screenshot(page, "journey-15-clerk-aftercare-held-1280")

    # 5. The clerk links the perpetrator to the register (recovery needs someone to recover from).
    perpetrator = page.locator("#veroorzaker")
    perpetrator.get_by_label("Naam van de veroorzaker").fill("Bram Boos")
    perpetrator.get_by_label("Adres").fill("Kerkstraat 9, Demodorp")
    screenshot(page, "journey-16-clerk-links-perpetrator-1280")
    perpetrator.get_by_role("button", name="Koppelen").click()
    assert "gekoppeld aan het register" in flash(page)
    assert "Eerste incident" in page.locator("#veroorzaker").inner_text()
    screenshot(page, "journey-17-clerk-perpetrator-linked-1280")

    # 6. The council member claims the damage from their own case page, on the phone, with a photo of the bill.
    page = member
    page.goto(f"{base}/mijn-meldingen/{reference}")
    damage = page.locator("#schade")
    assert "Er is nog geen schade gemeld." in damage.inner_text()
    damage.scroll_into_view_if_needed()
    screenshot(page, "journey-18-member-own-case-360")
    damage.get_by_role("link", name="Schade of extra kosten melden").click()
    page.get_by_label("Schade aan spullen (eigendom)").check()
    page.get_by_label("Wat is er kapot of waarvoor heeft u betaald?").fill("De ruit van de voordeur is ingegooid.")
    page.get_by_label("Bedrag").fill("349,95")
    page.get_by_label("Bon, factuur of offerte").set_input_files(str(receipt_photo))
    screenshot(page, "journey-19-member-claim-form-360")
    page.get_by_role("button", name="Schade indienen").click()
    assert "Uw schadeclaim is ingediend." in flash(page)
    claimed = page.locator("#schade").inner_text()
    assert "€ 349,95" in claimed and "Wordt beoordeeld" in claimed
    screenshot(page, "journey-20-member-claim-submitted-360")

    # 7. The municipal secretary assesses the claim and approves it in full.
    secretarys_desk, secretary = open_as(browser, base, accounts["municipal_secretary"], problems)
    page = secretary
    page.get_by_role("link", name="Schade beoordelen").click()
    waiting = page.get_by_role("row").filter(has_text=reference)
    assert waiting.count() == 1 and "€ 349,95" in waiting.inner_text()
    assert narrative not in page.content()
    screenshot(page, "journey-21-secretary-claims-to-assess-1280")
    waiting.get_by_role("link", name=reference).click()
    assert "De ruit van de voordeur is ingegooid." in page.locator("main").inner_text()
    assert page.get_by_role("link", name="bon-ruit.png").count() == 1
    page.get_by_label("Helemaal toegekend").check()
    screenshot(page, "journey-22-secretary-assesses-1280")
    page.get_by_role("button", name="Besluit vastleggen").click()
    assert "Uw besluit is vastgelegd." in flash(page)
    assert "Er wachten geen schadeclaims op uw besluit." in page.locator("main").inner_text()
    screenshot(page, "journey-23-secretary-decided-1280")
    secretarys_desk.close()

    # 8. The finance officer pays the council member, recovers the amount from the perpetrator and
    #    books the perpetrator's payment in full; nothing is left open.
    finance_desk, finance = open_as(browser, base, accounts["finance_officer"], problems)
    page = finance
    page.locator("main").get_by_role("link", name="Financiën", exact=True).click()  # from the start page
    to_pay = page.get_by_role("row").filter(has_text=reference).first
    assert "€ 349,95" in to_pay.inner_text()
    screenshot(page, "journey-24-finance-overview-1280")
    to_pay.get_by_role("link", name=reference).click()
    assert narrative not in page.content() and "ingegooid" not in page.content()  # money, never the case
    today = clock.to_local(clock.utcnow()).date()
    pay_out = page.locator("form[action$='/uitbetaling']")
    assert pay_out.get_by_label("Bedrag").input_value() == "349,95"
    pay_out.get_by_label("Betalingskenmerk").fill(f"UIT-{today.year}-0001")
    screenshot(page, "journey-25-finance-reimbursement-1280")
    pay_out.get_by_role("button", name="Uitbetaling boeken").click()
    assert "De uitbetaling aan de melder is geboekt." in flash(page)

    recover = page.locator("form[action$='/verhalen']")
    assert recover.get_by_label("Te verhalen op Bram Boos").input_value() == "349,95"
    recover.get_by_label("Uiterlijk betalen op").fill((today + dt.timedelta(days=30)).isoformat())
    screenshot(page, "journey-26-finance-starts-recovery-1280")
    recover.get_by_role("button", name="Verhaal starten").click()
    assert "Het verhaal is gestart." in flash(page)
    recovery = page.locator("section[id^='verhaal-']")
    assert recovery.count() == 1
    assert "Kerkstraat 9, Demodorp" in recovery.inner_text()
    screenshot(page, "journey-27-finance-recovery-started-1280")
    payment_reference = recovery.locator("dl.facts dd").nth(2).inner_text()
    recovery.get_by_role("link", name="vordering").click()
    letter = page.locator("main").inner_text()
    assert "€ 349,95" in letter and payment_reference in letter and "Bram Boos" in letter
    screenshot(page, "journey-28-finance-claim-letter-1280")
    page.go_back()
    recovery = page.locator("section[id^='verhaal-']")

    payment = recovery.locator("form[action$='/betaling']")
    payment.get_by_label("Bedrag").fill("349,95")
    payment.get_by_label("Betalingskenmerk").fill("BANK-BOOS-1")
    payment.get_by_role("button", name="Betaling boeken").click()
    assert "De betaling is geboekt." in flash(page)
    recovery = page.locator("section[id^='verhaal-']")
    facts = dict(
        zip(
            recovery.locator("dl.facts dt").all_inner_texts(),
            recovery.locator("dl.facts dd").all_inner_texts(),
            strict=True,
        )
    )
    assert facts["Te verhalen"] == "€ 349,95" and facts["Ontvangen"] == "€ 349,95"
    assert facts["Nog open"] == "€ 0,00"
    assert "afgesloten" in recovery.get_by_role("heading").first.inner_text()
    screenshot(page, "journey-29-finance-recovered-1280")
    page.get_by_role("link", name="Terug naar het overzicht").click()
    assert "Er hoeft niets te worden uitbetaald." in page.locator("main").inner_text()
    assert "Er hoeft niets te worden geïnd." in page.locator("main").inner_text()
    overview_row = page.get_by_role("row").filter(has_text=reference).last.locator("td").all_inner_texts()
    assert overview_row == [reference, "€ 349,95", "€ 349,95", "€ 349,95", "€ 0,00"]
    screenshot(page, "journey-30-finance-overview-settled-1280")
    finance_desk.close()

    # 9. The council member sees on the phone that the claim was granted and paid.
    page = member
    page.goto(f"{base}/mijn-meldingen/{reference}")
    damage = page.locator("#schade").inner_text()
    assert "Helemaal toegekend" in damage and "Aan u uitbetaald" in damage and "Nog uit te betalen" not in damage
    page.locator("#schade").scroll_into_view_if_needed()
    screenshot(page, "journey-31-member-claim-paid-360")
    phone.close()

    # 10. The clerk produces the yearly report for this year and downloads the figures.
    page = clerk
    page.get_by_role("link", name="Jaarverslag").first.click()
    page.get_by_label("Jaar").fill(str(today.year))
    page.get_by_role("button", name="Toon het verslag").click()
    assert page.locator("h1").inner_text().endswith(str(today.year))
    assert page.locator("[data-cell='total/incidents/current']").inner_text() == "< 5"
    assert reference not in page.content() and "Bram Boos" not in page.content()
    screenshot(page, "journey-32-clerk-yearly-report-1280")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download de cijfers (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == f"jaarverslag-{today.year}-01-tot-{today.year}-12.csv"
    path = ARTIFACTS / "journey-32-clerk-yearly-report.csv"
    download.save_as(str(path))
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    total = [
        r
        for r in rows
        if r["section"] == "total"
        and r["category"] == "incidents"
        and r["period"] == f"{today.year}-01/{today.year}-12"
    ]
    assert [r["value"] for r in total] == ["< 5"]
    assert reference not in path.read_text(encoding="utf-8-sig")
    desk.close()

    assert problems == []
