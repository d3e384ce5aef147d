"""Letters as documents (issue 16, item 7): the mayor's ban letter and the damages letters are PDFs
on the municipality's letterhead, made by the portal's one PDF engine (portal.pdf): letterhead,
addressee block, date in Dutch and kenmerk, the text the admin edits, a signature block with name,
function and room to sign. Only who may see the case (the finance officer for the damages letters)
downloads them, each download is in the audit trail, and the victim's home address is never in a
letter to the perpetrator. With pdftoppm (poppler-utils), the first page of each is written as PNG
to the test artifacts, to look at."""

import datetime as dt
import re
import shutil
import subprocess

import pytest

from models import clock, damages, texts
from models.accounts import Role
from models.audit import AuditEntry
from models.cases import Case, Channel
from models.db import db
from models.measures import Measure
from tests.browser import ARTIFACTS
from tests.test_damages import _claim_and_approve, damage_case, people  # noqa: F401  (fixtures)
from tests.test_measures import BAN, MAYORS_REASONS, _client, _decide
from tests.test_police_dossier import pdf_text

HOME = "Kastanjelaan 12, 1234 CD Demodorp"  # the council member's home, where it happened
PERPETRATOR_ADDRESS = "Kerkstraat 9, 4321 XY Demodorp"
REASONS_WITH_HOME = MAYORS_REASONS + " U stond voor de deur van Kastanjelaan 12 en riep daar dreigementen."


def _text(data: bytes) -> str:
    """The PDF's text, its octal escapes read and its lines joined: a phrase reads as one."""
    raw = pdf_text(data)
    raw = re.sub(r"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]).decode("cp1252"), raw)
    return " ".join(raw.replace("\\\\", "\\").split())


def _at_home(reference: str, perpetrator_address: str | None = PERPETRATOR_ADDRESS) -> None:
    """The incident happened at the victim's home; the perpetrator's address is known."""
    db.connect(reuse_if_open=True)
    case = Case.get(Case.reference == reference)
    case.channel, case.location = Channel.AT_HOME.value, HOME
    if perpetrator_address:
        case.perpetrator_address = perpetrator_address
    case.save()


def _look(data: bytes, name: str) -> None:
    """Page 1 as PNG in the test artifacts, to look at (needs pdftoppm from poppler-utils)."""
    if not shutil.which("pdftoppm"):
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / f"{name}.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(ARTIFACTS / name)],
        check=True,
    )
    assert (ARTIFACTS / f"{name}.png").read_bytes().startswith(b"\x89PNG")


@pytest.fixture
def decided_ban(app, create_user, login, file_report):
    """A council member's threat at home; the clerk proposed a building ban, the mayor (who reads the
    portal in English) decided it in her own words."""
    people = {
        role: create_user(role, name=name, locale=locale)
        for role, name, locale in (
            (Role.COUNCIL_MEMBER, "Raadslid Jansen", "nl"),
            (Role.CLERK, "Griffier De Boer", "nl"),
            (Role.MAYOR, "Burgemeester Van Dam", "en"),
            (Role.FINANCE_OFFICER, "Financiën Meijer", "nl"),
            (Role.ADMIN, "Beheer Visser", "nl"),
        )
    }
    reporter = app.test_client()
    login(reporter, people[Role.COUNCIL_MEMBER])
    reference = file_report(reporter, perpetrator_name="Piet Boos", narrative="Geheim verhaal van het raadslid.")
    with app.app_context():
        _at_home(reference)
    clerk = _client(app, login, people[Role.CLERK])
    assert clerk.post(f"/zaken/{reference}/maatregelen", data=BAN).status_code == 302
    with app.app_context():
        measure = Measure.select().order_by(Measure.id.desc()).first()
    mayor = _client(app, login, people[Role.MAYOR])
    _decide(mayor, reference, measure.id, unheard_reason="Spoed.", reasons=REASONS_WITH_HOME)
    return reference, measure.id, people, mayor


def _downloads(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        db.connect(reuse_if_open=True)
        return list(AuditEntry.select().where((AuditEntry.action == action) & AuditEntry.detail.contains("format=pdf")))


def test_the_mayors_ban_letter_is_a_pdf_a_municipality_could_send(app, decided_ban):
    reference, measure_id, people, mayor = decided_ban
    preview = mayor.get(f"/zaken/{reference}/maatregelen/{measure_id}/brief").get_data(as_text=True)
    assert f"/zaken/{reference}/maatregelen/{measure_id}/brief.pdf" in preview  # "Download als PDF"

    response = mayor.get(f"/zaken/{reference}/maatregelen/{measure_id}/brief.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]
    _look(response.data, "letter-ban-page-1")
    text = _text(response.data)
    kenmerk = f"{reference}-M{measure_id}"
    footer = f"Gemeente Demodorp · Kenmerk {kenmerk} Pagina "
    assert f"{footer}1" in text  # every page says whose letter it is and which page
    text = re.sub(re.escape(footer) + r"\d+ ", "", text)

    with app.app_context():
        decided_on = clock.format_local(Measure.get_by_id(measure_id).decided_at, "d MMMM yyyy", "nl")
    # In the order of a letter: letterhead, addressee, date and kenmerk, body, signature.
    in_order = [
        "Gemeente Demodorp Raadhuisplein 1 1234 AB Demodorp",  # letterhead: name and address (texts)
        "Piet Boos Kerkstraat 9 4321 XY Demodorp",  # addressee block, the address on its lines
        f"Datum {decided_on}",  # in Dutch, though the mayor reads the portal in English
        f"Kenmerk {kenmerk}",
        "Onderwerp Besluit ontzegging toegang gemeentelijke gebouwen",
        "Geachte heer/mevrouw,",
        "Dit geldt van 4 januari 2027 tot en met 3 april 2027.",  # the period
        MAYORS_REASONS,  # the mayor's reasons
        "Dat moet binnen zes weken nadat wij deze brief hebben verstuurd.",  # the objection clause…
        "Stuur uw bezwaarschrift naar de burgemeester, Raadhuisplein 1",  # …to the mayor
        f"het kenmerk van deze brief: {kenmerk}",
        "Met vriendelijke groet, Burgemeester Van Dam burgemeester van Demodorp",  # signature: name and function
    ]
    positions = [text.find(part) for part in in_order]
    assert -1 not in positions, [part for part, at in zip(in_order, positions, strict=True) if at == -1]
    assert positions == sorted(positions), text
    # The victim's home address is never in a letter to the perpetrator; nor the case beyond the letter.
    assert "Kastanjelaan" not in text and "1234 CD" not in text
    assert "U stond voor de deur van [adres weggelaten] en riep daar dreigementen." in text
    assert "Geheim verhaal" not in text and BAN["reasons"] not in text  # the narrative, the clerk's proposal
    assert "Raadslid Jansen" not in text
    # Printed once: the sender, addressee and signature are not in the text a second time.
    assert text.count("Burgemeester Van Dam") == 1 and text.count("Piet Boos") == 1

    [entry] = _downloads(app, "measure_letter_downloaded")
    assert entry.actor_id == people[Role.MAYOR].id and entry.object_id == str(measure_id)
    assert "Piet" not in entry.detail


def test_who_may_see_the_case_downloads_the_ban_letter_and_each_download_is_audited(
    app, decided_ban, create_user, login
):
    reference, measure_id, people, mayor = decided_ban
    url = f"/zaken/{reference}/maatregelen/{measure_id}/brief.pdf"
    clerk = _client(app, login, people[Role.CLERK])
    assert clerk.get(url).data.startswith(b"%PDF")  # handles the case
    assert mayor.get(url).status_code == 200
    for outsider in (
        people[Role.COUNCIL_MEMBER],  # the reporter: her own view, no measures
        people[Role.FINANCE_OFFICER],  # never the case
        create_user(Role.COUNCIL_MEMBER),
        create_user(Role.ALDERMAN),
    ):
        assert _client(app, login, outsider).get(url).status_code == 404
    assert clerk.get(f"/zaken/{reference}/maatregelen/999/brief.pdf").status_code == 404
    downloads = _downloads(app, "measure_letter_downloaded")
    assert [e.actor_id for e in downloads] == [people[Role.CLERK].id, people[Role.MAYOR].id]


def test_an_admins_edited_letter_text_shows_in_the_pdf(app, decided_ban, login):
    reference, measure_id, people, mayor = decided_ban
    admin = _client(app, login, people[Role.ADMIN])
    edited = texts.BAN_LETTER.replace("Geachte heer/mevrouw,", "Beste {{ naam }},").replace(
        "Onderwerp: besluit", "Onderwerp: uw besluit"
    )
    response = admin.post(
        "/beheer/teksten",
        data={key: texts.DEFAULTS[key][0] for key in texts.DEFAULTS} | {"ban_letter": edited},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    text = _text(mayor.get(f"/zaken/{reference}/maatregelen/{measure_id}/brief.pdf").data)
    assert "Beste Piet Boos," in text and "Geachte" not in text
    assert "Onderwerp Uw besluit ontzegging toegang gemeentelijke gebouwen" in text

    # A text edited before the letters had a letterhead begins with the sender, addressee, date and
    # kenmerk and ends with the signatory: the PDF prints those once, in their place.
    old_style = (
        "{{ gemeente }}\nAan: {{ naam }}\n{{ adres }}\n\n{{ plaats_datum }}\nKenmerk: {{ kenmerk }}\n\n"
        "Geachte heer/mevrouw,\n\nIk ontzeg u de toegang van {{ begindatum }} tot en met {{ einddatum }}.\n\n"
        "{{ redenen }}\n\nMet vriendelijke groet,\n\n{{ burgemeester }}\nburgemeester van {{ gemeente }}\n"
    )
    with app.app_context():
        db.connect(reuse_if_open=True)
        texts.change("ban_letter", old_style, people[Role.ADMIN].id)
    text = _text(mayor.get(f"/zaken/{reference}/maatregelen/{measure_id}/brief.pdf").data)
    assert "Aan:" not in text and text.count("Piet Boos") == 1 and text.count("Burgemeester Van Dam") == 1
    assert "Ik ontzeg u de toegang van 4 januari 2027 tot en met 3 april 2027." in text
    assert "Met vriendelijke groet, Burgemeester Van Dam burgemeester van Demodorp" in text


@pytest.fixture
def recovery(app, damage_case, people, login, db_session):  # noqa: F811
    """€ 349,95 recovered from Piet Boos, due in thirty days; the incident was at the victim's home."""
    case = damage_case
    _at_home(case.reference, perpetrator_address=None)
    _claim_and_approve(case, people, amounts=(34995,))
    [perpetrator] = damages.liable_perpetrators(case)
    due = clock.to_local(clock.utcnow()).date() + dt.timedelta(days=30)
    [recovery] = damages.start_recovery(case, {perpetrator.id: 34995}, due, people[Role.FINANCE_OFFICER])
    return case, recovery, due


def test_a_damages_claim_letter_is_a_pdf_with_the_amount_reference_and_due_date(app, recovery, people, login):  # noqa: F811
    case, recovery, due = recovery
    finance = _client(app, login, people[Role.FINANCE_OFFICER])
    base = f"/financien/{case.reference}/verhaal/{recovery.id}/brief"
    assert f"{base}/vordering.pdf" in finance.get(f"{base}/vordering").get_data(as_text=True)

    response = finance.get(f"{base}/vordering.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    _look(response.data, "letter-damages-claim-page-1")
    text = _text(response.data)
    due_text = clock.format_local(
        dt.datetime.combine(due, dt.time(12)).replace(tzinfo=dt.UTC), "d MMMM yyyy", "nl"
    )  # noon UTC: the same day in the Netherlands
    today = clock.format_local(clock.utcnow(), "d MMMM yyyy", "nl")
    for expected in (
        "Gemeente Demodorp Raadhuisplein 1 1234 AB Demodorp",
        "Piet Boos Kerkstraat 9 Demodorp",
        f"Datum {today}",
        f"Kenmerk {recovery.payment_reference}",
        "Onderwerp Vergoeding van schade",
        "Het bedrag is: € 349,95",
        f"Betaal dit bedrag uiterlijk op {due_text}. Vermeld bij de betaling het kenmerk {recovery.payment_reference}.",
        f"Met vriendelijke groet, {people[Role.FINANCE_OFFICER].name} Medewerker financiën van de gemeente Demodorp",
    ):
        assert expected in text, expected
    assert "Kastanjelaan" not in text and "Geheim verhaal" not in text

    reminder = _text(finance.get(f"{base}/herinnering.pdf").data)
    assert "Onderwerp Herinnering" in reminder and "Nog te betalen: € 349,95" in reminder
    assert "Onderwerp Aanmaning" in _text(finance.get(f"{base}/aanmaning.pdf").data)
    assert finance.get(f"{base}/onbekend.pdf").status_code == 404
    assert finance.get(f"/financien/{case.reference}/verhaal/999/brief/vordering.pdf").status_code == 404
    # As the finance pages: only the finance officer (other roles are refused, 403).
    for role in (Role.CLERK, Role.MAYOR, Role.COUNCIL_MEMBER):
        assert _client(app, login, people[role]).get(f"{base}/vordering.pdf").status_code == 403
    downloads = _downloads(app, "recovery_letter_printed")
    assert [e.detail.split(" ")[1] for e in downloads] == ["letter=vordering", "letter=herinnering", "letter=aanmaning"]
    assert {e.actor_id for e in downloads} == {people[Role.FINANCE_OFFICER].id}


def test_the_letters_and_the_other_pdfs_come_from_one_engine():
    """One PDF library: the letters, the yearly report, the inzage PDF and the police dossier all
    build on portal.pdf's A4 page."""
    import pathlib

    root = pathlib.Path(__file__).parent.parent / "portal"
    for module in ("letters.py", "annual_report/pdf.py", "retention/pdf.py"):
        source = (root / module).read_text(encoding="utf-8")
        assert "from portal.pdf import" in source and "a4(" in source, module
        assert "SimpleDocTemplate" not in source, module


def test_the_letterhead_takes_the_logo_from_the_theme(app, tmp_path, monkeypatch):
    """--vb-letter-logo (or --vb-logo when it is a PNG or JPEG) in theme.css, a file next to it; a logo
    outside the static folder, or an SVG the PDF cannot take, leaves the municipality's name as the mark."""
    from PIL import Image

    from models.letters import Letter
    from portal import letters

    Image.new("RGB", (300, 100), (21, 66, 115)).save(tmp_path / "logo-gemeente.png")
    (tmp_path / "logo.svg").write_text("<svg/>")
    monkeypatch.setattr(letters, "STATIC", tmp_path)
    theme = tmp_path / "theme.css"

    def look(css: str) -> dict:
        theme.write_text(":root { --vb-color-primary: #006633; " + css + " }")
        return letters.theme(theme)

    assert look('--vb-letter-logo: url("logo-gemeente.png");') == {
        "logo": tmp_path / "logo-gemeente.png",
        "colour": "#006633",
    }
    assert look("--vb-logo: url(logo-gemeente.png);")["logo"] == tmp_path / "logo-gemeente.png"
    assert look('--vb-letter-logo: none; --vb-logo: url("logo.svg");')["logo"] is None
    assert look('--vb-letter-logo: url("../../etc/passwd.png");')["logo"] is None

    letter = Letter(
        "Gemeente Demodorp",
        ["Raadhuisplein 1"],
        ["Piet Boos"],
        "Demodorp",
        "1 maart 2026",
        "K-1",
        "Onderwerp",
        "Geachte heer/mevrouw,\n\nMet vriendelijke groet,",
        "A. de Vries",
        "burgemeester",
    )
    with app.test_request_context():
        with_logo = letters.render_pdf(letter, look('--vb-letter-logo: url("logo-gemeente.png");'))
        without = letters.render_pdf(letter, look(""))
    assert b"/Subtype /Image" in with_logo and b"/Subtype /Image" not in without
    _look(with_logo, "letter-with-logo-page-1")
