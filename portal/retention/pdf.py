"""The inzageverzoek (AVG art. 15) as a PDF: what models.retention.subject_access gives, laid out
for the person it is about. Only their own data; see that function for what is left out and why."""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask_babel import format_date
from flask_babel import gettext as _
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from models import clock, damages, measures, police, scheme
from models.cases import ACTS_FOR_LABELS, CHANNEL_LABELS, ActsFor, Channel
from portal.pdf import a4, facts_table, label


def _day(value) -> str:
    if value is None:
        return "—"
    if hasattr(value, "hour"):
        value = clock.to_local(value).date()
    return format_date(value, "d MMMM yyyy")


def _text(value) -> str:
    return escape(value or "—").replace("\n", "<br/>")


def subject_access_pdf(data: dict) -> bytes:
    styles = getSampleStyleSheet()
    body, h1, h2, small = styles["BodyText"], styles["Title"], styles["Heading2"], styles["Italic"]
    person = data["perpetrator"]
    story = [
        Paragraph(escape(_("Inzage in uw persoonsgegevens")), h1),
        Paragraph(
            escape(
                _(
                    "Dit overzicht geeft alle gegevens over u die de gemeente bewaart in het portaal "
                    "Veilig Bestuur. U krijgt alleen uw eigen gegevens: gegevens over andere mensen staan "
                    "er niet in."
                )
            ),
            body,
        ),
        Paragraph(escape(_("Gemaakt op %(date)s.", date=_day(clock.utcnow()))), small),
        Spacer(1, 6 * mm),
    ]

    def facts(rows):
        story.extend([facts_table(rows, body), Spacer(1, 4 * mm)])

    story.append(Paragraph(escape(_("Het register van veroorzakers")), h2))
    if person.expired_at:
        facts(
            [
                (
                    _("Vermelding"),
                    escape(_("verlopen op %(date)s; uw gegevens zijn gewist", date=_day(person.expired_at))),
                )
            ]
        )
    else:
        facts(
            [
                (_("Naam"), _text(person.name)),
                (_("Geboortedatum"), _text(person.birth_date)),
                (_("Adres"), _text(person.address)),
                (_("Beschrijving"), _text(person.description)),
                (_("In het register sinds"), _day(person.created_at)),
                (_("Bewaren tot"), _day(person.retain_until)),
                (_("Reden om langer te bewaren"), _text(person.renewed_reason)),
            ]
        )

    story.append(Paragraph(escape(_("Meldingen over u")), h2))
    if not data["cases"]:
        story.append(Paragraph(escape(_("Geen.")), body))
    for case in data["cases"]:
        rows = [
            (_("Melding"), escape(case["reference"])),
            (_("Datum"), _day(case["occurred_at"] or case["created_at"])),
            (_("Soort gedrag"), escape(label(scheme.CLASS_LABELS, scheme.BehaviourClass, case["behaviour_class"]))),
            (_("Hoe"), escape(label(CHANNEL_LABELS, Channel, case["channel"]))),
            (_("Naam"), _text(case["perpetrator_name"])),
            (_("Geboortedatum"), _text(case["perpetrator_birth_date"])),
            (_("Adres"), _text(case["perpetrator_address"])),
            (_("Beschrijving"), _text(case["perpetrator_description"])),
            (_("Handelde voor"), escape(label(ACTS_FOR_LABELS, ActsFor, case["perpetrator_acts_for"]))),
            (_("Organisatie"), _text(case["perpetrator_organisation"])),
        ]
        for entry in case["online"]:
            rows.append(
                (
                    _("Online bericht"),
                    _text(
                        ", ".join(
                            filter(
                                None,
                                [entry["platform"], entry["sender_account"], entry["urls"], _day(entry["message_at"])],
                            )
                        )
                    ),
                )
            )
        for report in case["police"]:
            rows.append(
                (
                    _("Aangifte"),
                    escape(
                        _(
                            "gedaan op %(date)s; stand: %(status)s",
                            date=_day(report["filed_on"]),
                            status=label(police.INVESTIGATION_LABELS, police.InvestigationStatus, report["status"]),
                        )
                    ),
                )
            )
        facts(rows)

    story.append(Paragraph(escape(_("Online accounts in het register")), h2))
    if not data["online_accounts"]:
        story.append(Paragraph(escape(_("Geen.")), body))
    for account in data["online_accounts"]:
        story.append(Paragraph(escape(", ".join(filter(None, [account["platform"], account["account"]]))), body))

    story.append(Paragraph(escape(_("Incidenten tegen medewerkers van de gemeente")), h2))
    if not data["employee_incidents"]:
        story.append(Paragraph(escape(_("Geen.")), body))
    for incident in data["employee_incidents"]:
        facts(
            [
                (_("Datum"), _day(incident["occurred_on"])),
                (
                    _("Soort gedrag"),
                    escape(label(scheme.CLASS_LABELS, scheme.BehaviourClass, incident["behaviour_class"])),
                ),
                (_("Korte beschrijving"), _text(incident["summary"])),
            ]
        )

    story.append(Paragraph(escape(_("Maatregelen tegen u")), h2))
    if not data["measures"]:
        story.append(Paragraph(escape(_("Geen.")), body))
    for measure in data["measures"]:
        rows = [
            (_("Maatregel"), escape(label(measures.MEASURE_LABELS, measures.MeasureType, measure["type"]))),
            (_("Stand"), escape(label(measures.STATE_LABELS, measures.MeasureState, measure["state"]))),
            (_("Voorgesteld op"), _day(measure["proposed_at"])),
            (_("Besloten op"), _day(measure["decided_at"])),
            (_("Van"), _day(measure["starts_on"])),
            (_("Tot"), _day(measure["ends_on"])),
            (_("Omschrijving"), _text(measure["description"])),
            (_("Redenen"), _text(measure["reasons"])),
            (_("Redenen van het besluit"), _text(measure["decision_reasons"])),
        ]
        for hearing in measure["hearings"]:
            rows.append(
                (
                    _("Uw kant (%(date)s)", date=_day(hearing["held_on"])),
                    escape(label(measures.HEARING_LABELS, measures.HearingOutcome, hearing["outcome"]))
                    + ("<br/>" + _text(hearing["account"]) if hearing["account"] else ""),
                )
            )
        for objection in measure["objections"]:
            rows.append(
                (
                    _("Bezwaar (%(date)s)", date=_day(objection["received_on"])),
                    _text(objection["grounds"])
                    + "<br/>"
                    + escape(
                        label(measures.OBJECTION_LABELS, measures.ObjectionOutcome, objection["outcome"])
                        if objection["outcome"]
                        else _("Nog geen besluit")
                    )
                    + ("<br/>" + _text(objection["reasons"]) if objection["reasons"] else ""),
                )
            )
        for violation in measure["violations"]:
            rows.append(
                (_("Overtreding (%(date)s)", date=_day(violation["occurred_at"])), _text(violation["location"]))
            )
        facts(rows)

    story.append(Paragraph(escape(_("Schade die de gemeente op u verhaalt")), h2))
    if not data["recoveries"]:
        story.append(Paragraph(escape(_("Geen.")), body))
    for recovery in data["recoveries"]:
        rows = [
            (_("Betalingskenmerk"), escape(recovery["payment_reference"])),
            (_("Te verhalen"), damages.format_euros(recovery["to_recover"])),
            (_("Betaald"), damages.format_euros(recovery["recovered"])),
            (_("Afgeschreven"), damages.format_euros(recovery["written_off"])),
            (_("Nog te betalen"), damages.format_euros(recovery["outstanding"])),
        ]
        for instalment in recovery["instalments"]:
            rows.append(
                (
                    _("Termijn"),
                    escape(f"{_day(instalment['due_on'])}: {damages.format_euros(instalment['amount_cents'])}"),
                )
            )
        for entry in recovery["payments"]:
            rows.append(
                (
                    label(damages.ENTRY_LABELS, damages.EntryKind, entry["kind"]),
                    escape(f"{_day(entry['booked_on'])}: {damages.format_euros(entry['cents'])}"),
                )
            )
        for step in recovery["steps"]:
            rows.append(
                (
                    label(damages.STEP_LABELS, damages.StepKind, step["kind"]),
                    _day(step["done_on"]) + (f"<br/>{_text(step['note'])}" if step["note"] else ""),
                )
            )
        facts(rows)
    story.append(
        Paragraph(escape(_("Totaal nog te betalen: %(amount)s", amount=damages.format_euros(data["owed_cents"]))), body)
    )

    return a4(story, _("Inzage in uw persoonsgegevens"))
