"""What the portal's printed documents share (the inzage PDF, the police dossier, the yearly report, the letters):
an A4 page with the same margins and no production timestamp, a two-column table of facts, and a
label from models/ translated, or the stored value when it has none."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

A4_WIDTH = 170 * mm  # what the page holds between its margins (210 mm less 20 mm either side)


def a4(story: list, title: str, margin_mm: float = 20, on_page=None) -> bytes:
    """The document as PDF bytes. invariant: no production timestamp in the file (same input, same bytes).
    `on_page(canvas, doc)` draws what every page has besides the story (a letter's footer)."""
    buffer = io.BytesIO()
    pages = {"onFirstPage": on_page, "onLaterPages": on_page} if on_page else {}
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author="",
        subject="",
        creator="",
        producer="",
        keywords="",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=margin_mm * mm,
        bottomMargin=margin_mm * mm,
        invariant=1,
    ).build(story, **pages)
    return buffer.getvalue()


def facts_table(rows, style, key_width_mm: float = 55) -> Table:
    """Rows of (label, value): a value that is text is markup for a Paragraph, anything else a flowable."""
    table = Table(
        [
            [Paragraph(escape(key), style), Paragraph(value, style) if isinstance(value, str) else value]
            for key, value in rows
        ],
        colWidths=[key_width_mm * mm, (170 - key_width_mm) * mm],
    )
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey)])
    )
    return table


def label(labels: dict, enum, value) -> str:
    """The translated label of a stored enum value; the value itself when it is not (or no longer) known."""
    if not value:
        return "—"
    try:
        return _(labels[enum(value)])
    except (KeyError, ValueError):
        return value
