"""The police-report dossier as a PDF (ReportLab) and as a ZIP with the PDF and the evidence files
themselves. What goes in, and what is refused, is decided in models.police_dossier; this lays it out."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from flask_babel import format_date
from flask_babel import gettext as _
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from models import measures, police, scheme
from models.cases import ACTS_FOR_LABELS, CHANNEL_LABELS, TARGET_LABELS, ActsFor, Channel, Target
from models.police_dossier import Dossier
from portal.pdf import a4, facts_table, label
from portal.templating import local_date, local_datetime, local_moment, role_label


def _moment(value, fmt="d MMMM yyyy, HH:mm") -> str:
    return local_datetime(value, fmt) if value else "—"


def _day(value) -> str:
    return format_date(value, "d MMMM yyyy") if value else "—"


def file_name(index: int, name: str) -> str:
    """An evidence file's name in the ZIP: numbered as in the PDF, only safe characters."""
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "._- ").strip()[:100] or "bestand"
    return f"bewijs/{index:02d}-{safe}"


def pdf_name(dossier: Dossier) -> str:
    number = "".join(ch for ch in dossier.report.registration_number if ch.isalnum() or ch in "-_")
    return f"dossier-{dossier.case.reference}-{number or dossier.report.id}.pdf"


def render_pdf(dossier: Dossier) -> bytes:
    styles = getSampleStyleSheet()
    body, h1, h2, small = styles["BodyText"], styles["Title"], styles["Heading2"], styles["Italic"]
    mono = ParagraphStyle("hash", parent=body, fontName="Courier", fontSize=7.5, leading=9)
    report, case = dossier.report, dossier.case
    clean = dossier.without_home

    def text(value) -> str:
        return escape(clean(value) or "—").replace("\n", "<br/>")

    story = [
        Paragraph(escape(_("Dossier bij de aangifte")), h1),
        Paragraph(
            escape(
                _(
                    "Opgesteld door de gemeente %(place)s voor de politie, bij de aangifte met registratienummer %(number)s.",
                    place=dossier.municipality.removeprefix("Gemeente ").removeprefix("gemeente ").strip(),
                    number=report.registration_number,
                )
            ),
            body,
        ),
        Paragraph(
            escape(
                _("Gemaakt op %(moment)s door %(name)s.", moment=_moment(dossier.made_at), name=dossier.made_by.name)
            ),
            small,
        ),
        Spacer(1, 6 * mm),
    ]

    def facts(rows):
        story.append(KeepTogether([facts_table(rows, body, 50), Spacer(1, 4 * mm)]))  # one item's rows on one page

    def heading(title):
        story.append(Paragraph(escape(title), h2))

    # --- the report -------------------------------------------------------------------------------
    heading(_("De aangifte"))
    consent_by = report.consent_recorded_by
    rows = [
        (_("Waarover"), escape(label(police.SUBJECT_LABELS, police.ReportSubject, report.subject))),
        (_("Aangifte gedaan op"), escape(_day(report.filed_on))),
        (_("Politiebureau"), text(report.police_station)),
        (_("Registratienummer"), escape(report.registration_number)),
        (
            _("Stand van het onderzoek"),
            escape(label(police.INVESTIGATION_LABELS, police.InvestigationStatus, report.status)),
        ),
        (
            _("Toestemming van de ambtsdrager"),
            escape(
                _(
                    "gegeven op %(moment)s, vastgelegd door %(name)s",
                    moment=_moment(report.consent_recorded_at),
                    name=consent_by.name,
                )
            ),
        ),
        (
            _("Openbaar Ministerie op de hoogte"),
            escape(_day(report.prosecutor_informed_on) if report.prosecutor_informed_on else _("nog niet vastgelegd")),
        ),
    ]
    for other in dossier.other_reports:
        rows.append(
            (
                _("Andere aangifte in deze zaak"),
                escape(
                    f"{other.registration_number} ({_day(other.filed_on)}): "
                    + label(police.SUBJECT_LABELS, police.ReportSubject, other.subject)
                ),
            )
        )
    facts(rows)

    # --- the victim, with the municipality's address ----------------------------------------------
    heading(_("Aangever en benadeelde"))
    victim = dossier.victim
    role = role_label(case.reporter_role)
    facts(
        [
            (_("Naam"), escape(victim.name)),
            (_("Functie"), escape(_("oud-%(role)s", role=role.lower()) if case.reporter_is_former else role)),
            (
                _("Adres (domiciliekeuze)"),
                escape(f"{dossier.municipality}, {dossier.domicile}")
                + "<br/>"
                + escape(
                    _(
                        "De ambtsdrager kiest woonplaats op het adres van de gemeente, zoals de regelingen voor mensen "
                        "met een publieke taak toestaan. Het woonadres staat niet in dit dossier."
                    )
                ),
            ),
        ]
    )

    # --- the facts ----------------------------------------------------------------------------------
    heading(_("Wat er gebeurde"))
    if case.occurred_at:
        when = _moment(case.occurred_at, "d MMMM yyyy, HH:mm" if case.occurred_time_known else "d MMMM yyyy")
    else:
        when = _("niet ingevuld")
    harms = [
        label
        for flag, label in (
            (case.injury_physical, _("lichamelijk letsel")),
            (case.injury_mental, _("psychische klachten")),
            (case.hospital_admission, _("ziekenhuisopname")),
            (case.serious_harm, _("blijvende schade of overlijden")),
            (case.property_damage, _("schade aan spullen")),
            (case.extra_costs, _("extra kosten")),
        )
        if flag
    ]
    rows = [
        (_("Melding"), escape(case.reference)),
        (_("Gemeld op"), escape(_moment(case.created_at))),
        (_("Wanneer"), escape(when)),
        (_("Hoe of waar"), escape(label(CHANNEL_LABELS, Channel, case.channel))),
        (
            _("Plaats"),
            escape(_("Bij de ambtsdrager thuis. Het adres staat niet in dit dossier."))
            if dossier.at_home
            else text(dossier.location),
        ),
        (_("Gericht op"), escape(label(TARGET_LABELS, Target, case.target))),
        (_("Soort gedrag"), escape(label(scheme.CLASS_LABELS, scheme.BehaviourClass, case.behaviour_class))),
        (
            _("Wat deed de persoon?"),
            "<br/>".join(
                escape(_(scheme.BEHAVIOUR_BY_CODE[code].label))
                for code in case.behaviour_codes
                if code in scheme.BEHAVIOUR_BY_CODE
            )
            or "—",
        ),
        (
            _("Na aanspreken"),
            escape(label(scheme.AFTER_ADDRESSED_LABELS, scheme.AfterAddressed, case.after_addressed)),
        ),
        (_("Vaker gebeurd"), escape(_("Ja") if case.recurring else _("Nee"))),
    ]
    if case.meeting_disrupted:
        rows.append(
            (_("Vergadering"), escape(_("Verstoord; %(n)s keer gevraagd te vertrekken", n=case.meeting_orders_out)))
        )
    rows += [
        (_("Gevolgen"), escape(", ".join(harms) if harms else _("geen opgegeven"))),
        (_("Wat er gebeurde"), text(dossier.narrative)),
    ]
    facts(rows)

    # --- online messages -----------------------------------------------------------------------------
    heading(_("Online berichten (logboek)"))
    if not dossier.online_entries:
        story.append(Paragraph(escape(_("Geen.")), body))
    for number, entry in enumerate(dossier.online_entries, start=1):
        facts(
            [
                (_("Bericht"), escape(str(number))),
                (_("Platform"), text(entry.platform)),
                (_("Afzender"), text(entry.sender_account)),
                (_("Datum en tijd"), escape(local_moment(entry.message_at, entry.message_time_known) or "—")),
                (_("Links"), text(entry.urls)),
                (_("Gemeld bij platform"), escape(_("Ja") if entry.reported_to_platform else _("Nee"))),
                (_("Vastgelegd op"), escape(_moment(entry.added_at))),
            ]
        )

    # --- the perpetrator -------------------------------------------------------------------------------
    heading(_("Veroorzaker"))
    if not case.perpetrator_known and not dossier.perpetrators:
        story.append(Paragraph(escape(_("Onbekend.")), body))
    if case.perpetrator_known:
        facts(
            [
                (_("Naam"), text(case.perpetrator_name)),
                (_("Geboortedatum"), text(local_date(case.perpetrator_birth_date))),
                (_("Adres"), text(case.perpetrator_address)),
                (_("Beschrijving"), text(case.perpetrator_description)),
                (_("Handelde voor"), escape(label(ACTS_FOR_LABELS, ActsFor, case.perpetrator_acts_for))),
                (_("Organisatie"), text(case.perpetrator_organisation)),
            ]
        )
    for person in dossier.perpetrators:
        facts(
            [
                (_("In het register"), text(person.name)),
                (_("Geboortedatum"), text(local_date(person.birth_date))),
                (_("Adres"), text(person.address)),
                (_("Beschrijving"), text(person.description)),
            ]
        )

    # --- measures ----------------------------------------------------------------------------------------
    heading(_("Maatregelen"))
    if not dossier.measures:
        story.append(Paragraph(escape(_("Geen.")), body))
    for measure in dossier.measures:
        rows = [
            (_("Maatregel"), escape(label(measures.MEASURE_LABELS, measures.MeasureType, measure.type))),
            (_("Stand"), escape(label(measures.STATE_LABELS, measures.MeasureState, measure.state))),
            (_("Besloten op"), escape(_moment(measure.decided_at))),
        ]
        if measure.starts_on or measure.ends_on:
            rows.append((_("Periode"), escape(f"{_day(measure.starts_on)} – {_day(measure.ends_on)}")))
        rows.append((_("Omschrijving"), text(measure.description)))
        # The decision's own reasons (the letter's), not the internal proposal, once there is a decision.
        rows.append((_("Redenen"), text(measure.decision_reasons or measure.reasons)))
        if measure.decided_by_id:
            rows.append(
                (_("Besloten door"), escape(f"{measure.decided_by.name} ({role_label(measure.decided_by.role)})"))
            )
        for violation in measure.violations.order_by(measures.BanViolation.occurred_at):
            rows.append(
                (
                    _("Niet nageleefd"),
                    text(
                        _(
                            "Op %(moment)s, %(location)s. Gezien door: %(seen_by)s.",
                            moment=_moment(violation.occurred_at),
                            location=violation.location,
                            seen_by=violation.seen_by,
                        )
                        + (f"\n{violation.account}" if violation.account else "")
                    ),
                )
            )
        facts(rows)

    # --- evidence: chain of custody ----------------------------------------------------------------------
    heading(_("Bewijs"))
    story.append(
        Paragraph(
            escape(
                _(
                    "Van elk bestand is bij het toevoegen de SHA-256 van het origineel vastgelegd. Voor dit dossier is "
                    "elk bestand opnieuw gecontroleerd: de SHA-256 is gelijk gebleven. De bestanden zitten in het "
                    "ZIP-bestand bij dit dossier, met dezelfde nummers."
                )
            ),
            body,
        )
    )
    story.append(Spacer(1, 3 * mm))
    if not dossier.files:
        story.append(Paragraph(escape(_("Geen.")), body))
    for number, evidence_file in enumerate(dossier.files, start=1):
        item = evidence_file.item
        facts(
            [
                (_("Bestand"), escape(file_name(number, item.filename))),
                (_("Soort en grootte"), escape(f"{item.content_type}, {item.size} bytes")),
                (_("SHA-256"), Paragraph(escape(item.sha256), mono)),
                (_("Toegevoegd op"), escape(_moment(item.uploaded_at))),
                (_("Toegevoegd door"), escape(evidence_file.uploaded_by.name)),
            ]
        )

    return a4(story, _("Dossier bij de aangifte"))


def render_zip(dossier: Dossier, pdf: bytes) -> bytes:
    """The PDF, each evidence file as it was added (numbered as in the PDF), and SHA256SUMS to check
    them with `sha256sum -c`."""
    buffer = io.BytesIO()
    sums = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(pdf_name(dossier), pdf)
        for number, evidence_file in enumerate(dossier.files, start=1):
            name = file_name(number, evidence_file.item.filename)
            archive.writestr(name, evidence_file.data)
            sums.append(f"{evidence_file.item.sha256}  {name}")
        archive.writestr("SHA256SUMS", "\n".join(sums) + ("\n" if sums else ""))
    return buffer.getvalue()
