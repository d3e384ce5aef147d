"""The yearly report as a printable PDF, on portal.pdf's A4 page like the other documents: the same
sections, tables and charts as the page. No names, no dates finer than a month; the document's metadata names only the report."""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer, Table, TableStyle

from models import charts
from models.annual_report import AnnualReport
from portal.annual_report.texts import intro_text, suppression_text
from portal.pdf import A4_WIDTH, a4

FONTS = {"start": "start", "middle": "middle", "end": "end"}


def _drawing(chart: charts.Chart, width: float) -> Drawing:
    """The chart's shapes, scaled to the page (PDF's y axis runs upwards)."""
    scale = min(1.0, width / chart.width)
    drawing = Drawing(chart.width * scale, chart.height * scale)

    def y(value):
        return (chart.height - value) * scale

    for shape in chart.shapes:
        colour = colors.HexColor(charts.PALETTE[shape.role])
        if shape.kind == "rect":
            drawing.add(
                Rect(
                    shape.x * scale,
                    y(shape.y + shape.height),
                    shape.width * scale,
                    shape.height * scale,
                    fillColor=colour,
                    strokeColor=None,
                )
            )
        elif shape.kind == "line":
            drawing.add(
                Line(shape.x * scale, y(shape.y), shape.x2 * scale, y(shape.y2), strokeColor=colour, strokeWidth=0.5)
            )
        elif shape.kind == "polyline":
            points = [c for x, yy in shape.points for c in (x * scale, y(yy))]
            drawing.add(PolyLine(points, strokeColor=colour, strokeWidth=1.5))
        elif shape.kind == "circle":
            drawing.add(Circle(shape.x * scale, y(shape.y), shape.width * scale, fillColor=colour, strokeColor=None))
        elif shape.kind == "text":
            drawing.add(
                String(
                    shape.x * scale,
                    y(shape.y),
                    shape.text,
                    fontName="Helvetica",
                    fontSize=shape.size * scale,
                    fillColor=colour,
                    textAnchor=FONTS[shape.anchor],
                )
            )
    return drawing


def render_pdf(
    report: AnnualReport, sections: list[dict], period_label: str, previous_label: str, made_in: str
) -> bytes:
    title = _("Jaarverslag normoverschrijdend gedrag tegen politieke ambtsdragers")
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName="Helvetica", fontSize=10, leading=14)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444"))
    heading = ParagraphStyle("h2", parent=styles["Heading2"], fontName="Helvetica-Bold", fontSize=13, spaceBefore=10)

    def p(text, style=body):
        return Paragraph(escape(text), style)

    story = [
        Paragraph(escape(f"{title} {period_label}"), styles["Title"]),
        p(intro_text(period_label, previous_label, report.threshold)),
        p(suppression_text(report.threshold)),
        p(_("Gemaakt in %(month)s met Veilig Bestuur.", month=made_in), small),
        Spacer(1, 6),
    ]
    width = A4_WIDTH
    for section in sections:
        table_rows = [[_("Wat"), period_label, previous_label]]
        table_rows += [
            [Paragraph(escape(row["label"]), small), row["current"], row["previous"]] for row in section["rows"]
        ]
        table = Table(table_rows, colWidths=[width * 0.6, width * 0.2, width * 0.2], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                    ("FONTNAME", (1, 1), (-1, -1), "Helvetica"),
                    ("FONTSIZE", (0, 0), (-1, -1), 9),
                    ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c8c8c8")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        parts = [p(section["title"], heading), p(section["explanation"], small), Spacer(1, 4), table]
        story.append(CondPageBreak(60 * mm))
        story.append(KeepTogether(parts))
        if section["chart"] is not None:
            story += [Spacer(1, 6), _drawing(section["chart"], width), Spacer(1, 4)]
    return a4(story, f"{title} {period_label}", margin_mm=18)
