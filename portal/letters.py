"""The letters to a perpetrator (the mayor's building ban, the damages claim, reminder and demand) as
the document the municipality sends: a PDF on its letterhead, made with the same engine and A4 page
as the portal's other PDFs (portal.pdf). What a letter holds comes from models.letters; the logo and
colour from the theme (portal/static/theme.css), the name and address from the texts the admin edits.

Letters are Dutch whatever language the reader chose for the portal: the labels below are printed
as written here, never translated."""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

from flask import Response
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, Paragraph, Spacer, Table, TableStyle

from models.i18n import N_
from models.letters import Letter
from portal.pdf import A4_WIDTH, a4

STATIC = Path(__file__).parent / "static"
THEME = STATIC / "theme.css"
LOGO_TYPES = (".png", ".jpg", ".jpeg")

DATE = N_("Datum")
KENMERK = N_("Kenmerk")
SUBJECT = N_("Onderwerp")
PAGE = N_("Pagina %(page)s")
CLOSING = N_("Met vriendelijke groet,")


def _theme_value(css: str, name: str) -> str | None:
    match = re.search(rf"--{name}\s*:\s*([^;]+);", css)
    return match.group(1).strip() if match else None


def _logo_path(css: str) -> Path | None:
    """The letterhead's logo: --vb-letter-logo, else --vb-logo when it is a PNG or JPEG; only a file in static/."""
    for name in ("vb-letter-logo", "vb-logo"):
        value = _theme_value(css, name) or ""
        match = re.fullmatch(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", value)
        if not match:
            continue
        path = (STATIC / match.group(1)).resolve()
        if path.suffix.lower() in LOGO_TYPES and path.is_relative_to(STATIC.resolve()) and path.is_file():
            return path
    return None


def theme(path: Path | None = None) -> dict:
    """The letterhead's logo (a file, or None) and colour, from the theme the web pages use."""
    try:
        css = (path or THEME).read_text(encoding="utf-8")
    except OSError:
        css = ""
    colour = _theme_value(css, "vb-color-primary") or "#154273"
    return {"logo": _logo_path(css), "colour": colour if re.fullmatch(r"#[0-9a-fA-F]{6}", colour) else "#154273"}


def _lines(lines: list[str]) -> str:
    return "<br/>".join(escape(line) for line in lines)


def _body(text: str, style: ParagraphStyle, heading: ParagraphStyle) -> list:
    """The admin's plain text as paragraphs: an empty line starts a new one; a short first line
    without closing punctuation above more lines ('Mijn besluit', 'Bent u het niet eens…?') is a heading."""
    flowables = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.strip("\n").split("\n")
        first = lines[0].strip()
        if len(lines) > 1 and len(first) <= 70 and not first.endswith((".", ",", ":", ";")):
            flowables.append(Paragraph(escape(first), heading))
            lines = lines[1:]
        flowables.append(Paragraph(_lines(lines), style))
    return flowables


def render_pdf(letter: Letter, theme_values: dict | None = None) -> bytes:
    look = theme_values or theme()
    colour = colors.HexColor(look["colour"])
    grey = colors.HexColor("#4a4a4a")
    body = ParagraphStyle("letter", fontName="Helvetica", fontSize=10.5, leading=14.5, spaceAfter=7)
    heading = ParagraphStyle("letter-heading", parent=body, fontName="Helvetica-Bold", spaceAfter=1, keepWithNext=1)
    small = ParagraphStyle("letter-small", parent=body, fontSize=8.5, leading=11.5, textColor=grey, spaceAfter=0)
    sender = ParagraphStyle("letter-sender", parent=small, alignment=2)
    wordmark = ParagraphStyle("letter-wordmark", parent=body, fontName="Helvetica-Bold", fontSize=17, textColor=colour)
    label = ParagraphStyle("letter-label", parent=body, textColor=grey, spaceAfter=0)
    value = ParagraphStyle("letter-value", parent=body, spaceAfter=0)

    # Letterhead: the logo (or the municipality's name) left, the sender's name and address right.
    # Without a logo the name is the mark, and the address stands alone on the right.
    if look["logo"]:
        mark = Image(str(look["logo"]), kind="proportional", width=55 * mm, height=22 * mm, hAlign="LEFT")
        address = f"<b>{escape(letter.municipality)}</b><br/>{_lines(letter.sender_address)}"
    else:
        mark = Paragraph(escape(letter.municipality), wordmark)
        address = _lines(letter.sender_address)
    head = Table(
        [[mark, Paragraph(address, sender)]],
        colWidths=[A4_WIDTH - 65 * mm, 65 * mm],
        rowHeights=[24 * mm],
    )
    head.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, colour),
            ]
        )
    )
    # The addressee where a window envelope shows it (about 50 mm from the top, 20 mm from the left).
    addressee = Table(
        [[Paragraph(_lines(letter.addressee), value)]], colWidths=[90 * mm], rowHeights=[30 * mm], hAlign="LEFT"
    )
    addressee.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    references = Table(
        [
            [Paragraph(escape(DATE), label), Paragraph(escape(letter.date), value)],
            [Paragraph(escape(KENMERK), label), Paragraph(escape(letter.kenmerk), value)],
            [Paragraph(escape(SUBJECT), label), Paragraph(escape(letter.subject), value)],
        ],
        colWidths=[28 * mm, A4_WIDTH - 28 * mm],
        hAlign="LEFT",
    )
    references.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    paragraphs = _body(letter.body, body, heading)
    # The closing line stays with the signature: the name and function below room to sign.
    closing = paragraphs.pop() if paragraphs else Paragraph(escape(CLOSING), body)
    signature = KeepTogether(
        [
            closing,
            Spacer(1, 22 * mm),
            Paragraph(f"{escape(letter.signatory)}<br/>{escape(letter.function)}", ParagraphStyle("sig", parent=body)),
        ]
    )
    story = [head, Spacer(1, 14 * mm), addressee, Spacer(1, 8 * mm), references, Spacer(1, 9 * mm)]
    story += paragraphs + [signature]

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(grey)
        canvas.drawString(20 * mm, 11 * mm, f"{letter.municipality} · {KENMERK} {letter.kenmerk}")
        canvas.drawRightString(20 * mm + A4_WIDTH, 11 * mm, PAGE % {"page": doc.page})
        canvas.restoreState()

    return a4(story, f"{letter.subject} · {letter.kenmerk}", margin_mm=18, on_page=footer)


def pdf_response(letter: Letter, filename: str) -> Response:
    """The letter as a download, like the portal's other PDFs (no script, nothing cached)."""
    return Response(
        render_pdf(letter),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "no-store",
        },
    )
