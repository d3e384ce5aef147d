"""What a letter to a perpetrator holds, whatever prints it (the PDF, the preview page): the
municipality as sender, the addressee, the place and date, the reference (kenmerk), the subject,
the text the admin edits (models.texts) and who signs it in what function.

The letterhead, the addressee block, the date and reference and the signature are laid out around
the text, so the text holds only the letter itself: a first line "Onderwerp: …" becomes the
subject, the rest the body. A text edited before the letters were laid out this way still starts
with the sender, addressee, date and kenmerk and ends with the signatory: those lines are left out
here, so nothing is printed twice.

The victim's home address never appears in a letter to the perpetrator: where the incident
happened at the victim's home, its place is blanked in every text of the letter (as in the police
dossier, models.police_dossier)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from models import texts
from models.cases import Case, Channel
from models.i18n import N_

# Stands in a letter where the victim's home address was written. Letters are Dutch, whatever
# language the reader chose for the portal: printed as it is here, never translated.
ADDRESS_LEFT_OUT = N_("[adres weggelaten]")
SUBJECT_PREFIX = "Onderwerp:"


@dataclass(frozen=True)
class Letter:
    municipality: str
    sender_address: list[str]
    addressee: list[str]  # name, then the address's lines
    place: str
    date: str  # in Dutch: "1 maart 2026"
    kenmerk: str
    subject: str
    body: str  # plain text; paragraphs separated by an empty line
    signatory: str
    function: str


def place_of(municipality: str) -> str:
    """'Gemeente Demodorp' -> 'Demodorp'."""
    return municipality.removeprefix("Gemeente ").removeprefix("gemeente ").strip()


def address_lines(address: str | None) -> list[str]:
    """An address as typed ('Dorpsstraat 1, 1234 AB Demodorp' or on lines) as the lines of an address block."""
    return [part.strip() for part in re.split(r"[\n,]", address or "") if part.strip()]


def victim_home(case: Case) -> str | None:
    """The victim's home address where the incident happened there; None otherwise."""
    if case.channel != Channel.AT_HOME.value:
        return None
    return (case.location or "").strip() or None


def without_home(text: str, home: str | None) -> str:
    """The text with the victim's home address blanked: written whole, and each of its parts that
    holds a number (street and house number, postcode and town)."""
    if not text or not home:
        return text
    parts = [home] + [part.strip() for part in re.split(r"[\n,]", home) if re.search(r"\d", part)]
    for part in sorted({p for p in parts if len(p) >= 4}, key=len, reverse=True):
        text = re.sub(re.escape(part), ADDRESS_LEFT_OUT, text, flags=re.IGNORECASE)
    return text


def _unframed(text: str, top: set[str], bottom: set[str]) -> str:
    """The text without the sender, addressee, date and kenmerk lines it starts with and the
    signatory lines it ends with (a text edited before the layout printed them itself)."""
    lines = text.strip("\n").split("\n")
    while lines and (not lines[0].strip() or lines[0].strip() in top):
        lines.pop(0)
    while lines and (not lines[-1].strip() or lines[-1].strip() in bottom):
        lines.pop()
    return "\n".join(lines)


def compose(
    key: str,
    fields: dict,
    *,
    kenmerk: str,
    date: str,
    subject: str,
    addressee_name: str,
    addressee_address: str,
    signatory: str,
    function: str,
    home: str | None = None,
) -> Letter:
    """The letter from the admin's text `key` filled in with `fields`; raises texts.TemplateProblem
    when the text does not render. `subject` is used when the text has no 'Onderwerp:' line."""
    municipality = texts.get("municipality_name")
    sender_address = texts.get("municipality_address")
    place = place_of(municipality)
    rendered = texts.render_letter(key, fields)
    top = {
        municipality,
        addressee_name,
        f"Aan: {addressee_name}",
        addressee_address,
        *address_lines(addressee_address),
        f"{place}, {date}",
        fields.get("plaats_datum", ""),
        f"Kenmerk: {kenmerk}",
    }
    bottom = {signatory, function, f"burgemeester van {municipality}", f"namens {municipality}"}
    body = _unframed(rendered, {line.strip() for line in top if line.strip()}, {b for b in bottom if b})
    first, _newline, rest = body.partition("\n")
    if first.strip().startswith(SUBJECT_PREFIX):
        subject = first.strip().removeprefix(SUBJECT_PREFIX).strip() or subject
        body = rest.strip("\n")
    subject = subject[:1].upper() + subject[1:]
    return Letter(
        municipality=municipality,
        sender_address=address_lines(sender_address),
        addressee=[addressee_name, *address_lines(addressee_address)]
        if addressee_name
        else address_lines(addressee_address),
        place=place,
        date=date,
        kenmerk=kenmerk,
        subject=without_home(subject, home),
        body=without_home(body, home),
        signatory=signatory,
        function=function,
    )
