"""The dossier for the police (§6.4): for each police report a PDF with the facts, the online log, the
perpetrator, the measures and every evidence file with the SHA-256 of its original, when and by whom
it was added — and a ZIP with the files themselves. Each file is checked against its stored hash
before it is packed; a changed file is refused and logged. Only with the victim's consent in force,
and never with the victim's home address: the municipality's address stands in its place."""

import base64
import datetime as dt
import hashlib
import io
import pathlib
import re
import zipfile
import zlib

import pytest

from models import clock, consent, crypto, measures, police, police_dossier, texts
from models.accounts import Role
from models.audit import AuditEntry
from models.cases import Case, Evidence, NotAllowed
from models.db import db
from models.measures import MeasureType
from models.police import PoliceReport

HOME = "Lindelaan 12, 1234 AB Demodorp"
HASH = re.compile(r"\b[0-9a-f]{64}\b")


@pytest.fixture
def people(create_user):
    return {role: create_user(role) for role in (Role.COUNCIL_MEMBER, Role.CLERK, Role.MAYOR)}


@pytest.fixture
def reported(app, people, signed_in, file_report):
    """A threat at the victim's home, with a screenshot; a second file and the messages that followed
    on X added later; a police report filed with the victim's consent. Returns (case, report)."""

    def _reported(**answers):
        member = signed_in(people[Role.COUNCIL_MEMBER])
        reference = file_report(
            member,
            channel="at_home",
            narrative=f"Hij stond bij mijn huis aan de {HOME} en riep dat hij terugkomt.",
            consent_police_report="yes",
            **answers,
        )
        member.post(
            f"/mijn-meldingen/{reference}",
            data={
                "files": [(io.BytesIO(b"Hij belde om 23:10 en zei dat hij terugkomt.\n"), "notitie.txt")],
                # after the threat at home, messages on X (added later: the report was about the visit)
                "platform": "X",
                "sender_account": "@boos",
                "urls": "https://x.example/status/1",
            },
            content_type="multipart/form-data",
        )
        db.connect(reuse_if_open=True)
        case = Case.get(Case.reference == reference)
        Case.update(location=HOME).where(Case.id == case.id).execute()  # where it happened: at home
        case = Case.get_by_id(case.id)
        consent.give(case, consent.Purpose.POLICE_REPORT, people[Role.COUNCIL_MEMBER], how=consent.How.PORTAL)
        measures.propose(
            case,
            MeasureType.WARNING_WRITTEN,
            people[Role.CLERK],
            reasons=f"Bedreiging bij de woning aan de {HOME}.",
            description="Brief met een waarschuwing.",
        )
        report = police.file(
            case,
            people[Role.CLERK],
            filed_on=clock.to_local(clock.utcnow()).date(),
            registration_number="PL0900-2026004711",
            police_station="Politiebureau Demodorp",
        )
        return case, report

    return _reported


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF made by ReportLab (its page streams: ASCII85, then Flate)."""
    assert data.startswith(b"%PDF")
    lines = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            content = zlib.decompress(base64.a85decode(stream.strip().removesuffix(b"~>")))
        except (ValueError, zlib.error):
            continue
        lines += [m.decode("cp1252") for m in re.findall(rb"\((.*?)\) Tj", content)]
    assert lines, "no text found in the PDF"
    return "\n".join(line.replace("\\(", "(").replace("\\)", ")") for line in lines)


def _url(case, report, name):
    return f"/zaken/{case.reference}/aangifte/{report.id}/{name}"


def _audit(action):
    db.connect(reuse_if_open=True)
    return list(AuditEntry.select().where(AuditEntry.action == action).order_by(AuditEntry.id))


def test_the_zip_holds_each_evidence_file_with_the_sha256_the_pdf_lists(app, people, signed_in, reported):
    case, report = reported()
    clerk = signed_in(people[Role.CLERK])
    page = clerk.get(f"/zaken/{case.reference}").get_data(as_text=True)
    assert "Dossier voor de politie (PDF)" in page and "Dossier met bewijsbestanden (ZIP)" in page
    response = clerk.get(_url(case, report, "dossier.zip"))
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    pdf_names = [n for n in names if n.endswith(".pdf")]
    assert pdf_names == [f"dossier-{case.reference}-PL0900-2026004711.pdf"]
    files = sorted(n for n in names if n.startswith("bewijs/"))
    assert files == ["bewijs/01-screenshot.png", "bewijs/02-notitie.txt"]
    in_zip = {hashlib.sha256(archive.read(name)).hexdigest() for name in files}
    text = pdf_text(archive.read(pdf_names[0]))
    assert set(HASH.findall(text)) == in_zip  # the PDF's list is exactly the files packed
    db.connect(reuse_if_open=True)
    stored = {item.sha256 for item in Evidence.select().where(Evidence.case == case.id)}
    assert in_zip == stored  # and each is the original as it was added
    sums = archive.read("SHA256SUMS").decode()
    assert all(f"{digest}  " in sums for digest in in_zip)
    # Chain of custody: when and by whom each file was added.
    assert text.count(f"{people[Role.COUNCIL_MEMBER].name}") >= 2 and "Toegevoegd op" in text
    # The PDF on its own is the same list.
    alone = clerk.get(_url(case, report, "dossier.pdf"))
    assert alone.status_code == 200 and alone.mimetype == "application/pdf"
    assert set(HASH.findall(pdf_text(alone.data))) == in_zip
    downloads = _audit("police_dossier_downloaded")
    assert [e.detail for e in downloads] == [
        f"police_report={report.id} format=zip files=2",
        f"police_report={report.id} format=pdf files=2",
    ]
    assert all(e.actor_id == people[Role.CLERK].id and e.object_id == str(case.id) for e in downloads)


def test_the_pdf_has_the_facts_the_online_log_the_perpetrator_and_the_measures(app, people, signed_in, reported):
    case, report = reported()
    text = pdf_text(signed_in(people[Role.CLERK]).get(_url(case, report, "dossier.pdf")).data)
    for expected in (
        "Dossier bij de aangifte",
        "PL0900-2026004711",
        "Politiebureau Demodorp",
        case.reference,
        "Bedreiging of intimidatie",  # the class of behaviour
        "@boos",  # the online log: the sender's account
        "https://x.example/status/1",
        "Piet Boos",  # the perpetrator
        "Schriftelijke waarschuwing",  # the measure
        "Brief met een waarschuwing.",
        people[Role.COUNCIL_MEMBER].name,  # the victim, who reports
    ):
        assert expected in text, expected


def test_the_victims_home_address_is_not_in_the_dossier_the_municipality_stands_in(app, people, signed_in, reported):
    case, report = reported()
    with app.app_context():
        texts.change("municipality_address", "Postbus 10, 1234 ZZ Demodorp", people[Role.MAYOR].id)
    clerk = signed_in(people[Role.CLERK])
    text = pdf_text(clerk.get(_url(case, report, "dossier.pdf")).data)
    assert "Lindelaan" not in text  # not as the place, not in the story, not in a measure's reasons
    assert "Postbus 10, 1234 ZZ Demodorp" in text and "domiciliekeuze" in text
    assert "Bij de ambtsdrager thuis. Het adres staat niet in dit dossier." in text
    assert "[woonadres weggelaten]" in text
    archive = zipfile.ZipFile(io.BytesIO(clerk.get(_url(case, report, "dossier.zip")).data))
    assert "Lindelaan" not in pdf_text(archive.read(next(n for n in archive.namelist() if n.endswith(".pdf"))))


def test_a_changed_evidence_file_is_refused_with_a_clear_message_and_an_audit_entry(app, people, signed_in, reported):
    case, report = reported()
    db.connect(reuse_if_open=True)
    item = Evidence.select().where(Evidence.case == case.id).order_by(Evidence.id).first()
    stored = pathlib.Path(app.config["UPLOAD_PATH"]) / item.storage_name
    with app.app_context():  # another file put in its place, encrypted as the portal would
        stored.write_bytes(crypto.encrypt_bytes(b"\x89PNG\r\n\x1a\n another picture", purpose="evidence"))
    clerk = signed_in(people[Role.CLERK])
    for name in ("dossier.zip", "dossier.pdf"):
        response = clerk.get(_url(case, report, name))
        page = response.get_data(as_text=True)
        assert response.status_code == 409 and response.mimetype == "text/html"
        assert "Het dossier is niet gemaakt. Het bewijsbestand screenshot.png is niet meer hetzelfde" in page
        assert case.reference in page  # the case page again, where the handler was
    changed = _audit("police_dossier_evidence_changed")
    assert len(changed) == 2 and {e.object_id for e in changed} == {str(item.id)}
    assert changed[0].actor_id == people[Role.CLERK].id and f"police_report={report.id}" in changed[0].detail
    assert _audit("police_dossier_downloaded") == []
    # Bytes changed on disk (the encryption no longer checks out): refused the same way.
    stored.write_bytes(b"garbage" * 10)
    with pytest.raises(police_dossier.EvidenceChanged):
        police_dossier.build(PoliceReport.get_by_id(report.id), people[Role.CLERK], app.config["UPLOAD_PATH"])
    assert len(_audit("police_dossier_evidence_changed")) == 3


def test_no_dossier_without_the_police_report_consent_in_force(app, people, signed_in, reported):
    case, report = reported()
    db.connect(reuse_if_open=True)
    consent.withdraw(case, consent.Purpose.POLICE_REPORT, people[Role.COUNCIL_MEMBER], how=consent.How.PORTAL)
    clerk = signed_in(people[Role.CLERK])
    page = clerk.get(f"/zaken/{case.reference}").get_data(as_text=True)
    assert "Dossier voor de politie (PDF)" not in page
    assert "Het dossier voor de politie kan alleen worden gemaakt als de toestemming van de ambtsdrager geldt." in page
    response = clerk.get(_url(case, report, "dossier.zip"))
    assert response.status_code == 403
    assert "Zonder toestemming" in response.get_data(as_text=True)
    assert [e.detail for e in _audit("police_dossier_refused")] == [f"police_report={report.id}"]
    with pytest.raises(NotAllowed):
        police_dossier.build(PoliceReport.get_by_id(report.id), people[Role.CLERK], app.config["UPLOAD_PATH"])


def test_a_report_for_a_ban_not_kept_carries_the_violation_and_the_decision(app, people, signed_in, reported):
    """§6.2: not complying with a ban is a new offence. The police get what happened (when, where, who saw
    it) and the mayor's own decision, not the internal proposal; the victim's home stays out."""
    case, _first = reported()
    clerk, mayor = people[Role.CLERK], people[Role.MAYOR]
    today = clock.to_local(clock.utcnow()).date()
    ban = measures.propose(
        case,
        MeasureType.BUILDING_BAN,
        clerk,
        reasons="Intern: voorstel van de griffie.",
        starts_on=today - dt.timedelta(days=7),
        ends_on=today + dt.timedelta(days=180),
    )
    measures.decide(ban, mayor, reasons="Ik ontzeg u de toegang tot het gemeentehuis.", unheard_reason="Spoed.")
    measures.record_violation(
        measures.Measure.get_by_id(ban.id),
        clerk,
        occurred_at=clock.utcnow() - dt.timedelta(hours=1),
        location=f"In de publiekshal, en daarna voor de woning aan de {HOME}",
        seen_by="Baliemedewerker Yilmaz",
        police_informed=True,
    )
    second = police.file(
        case,
        clerk,
        filed_on=today,
        registration_number="PL0900-2026004712",
        police_station="Politiebureau Demodorp",
        subject=police.ReportSubject.BAN_VIOLATED,
    )
    text = pdf_text(signed_in(clerk).get(_url(case, second, "dossier.pdf")).data)
    for expected in ("Niet nageleefd", "In de publiekshal", "Baliemedewerker Yilmaz", "Besloten door", mayor.name):
        assert expected in text, expected
    assert "Ik ontzeg u de toegang tot het gemeentehuis." in text
    assert "Intern: voorstel van de griffie." not in text
    assert HOME not in text and "[woonadres weggelaten]" in text
