"""Charts drawn on the server: bar and line charts as plain shapes, written out as SVG for the web
page and drawn by the PDF with the same shapes. No JavaScript, no styles inline: colours are SVG
presentation attributes (and a class per kind of shape, so a stylesheet may restyle them).

Every chart carries its text alternative: a title and a description listing the same figures the
page shows in a table. A hidden figure (a suppressed cell) gets no bar or point, only its text
("< 5"), so the drawing can never tell more than the table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

PALETTE = {
    "bar": "#1f4e79",
    "bar-previous": "#9db8d2",
    "line": "#1f4e79",
    "line-previous": "#9db8d2",
    "axis": "#555555",
    "grid": "#dddddd",
    "label": "#222222",
    "value": "#222222",
    "hidden": "#6b6b6b",
}
FONT_SIZE = 12
LABEL_CHARS = 34


@dataclass(frozen=True)
class Shape:
    kind: str  # "rect", "line", "polyline", "circle", "text"
    role: str  # a PALETTE key; also the CSS class "chart-<role>"
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    x2: float = 0
    y2: float = 0
    points: tuple = ()
    text: str = ""
    anchor: str = "start"  # text: start, middle, end
    size: int = FONT_SIZE


@dataclass(frozen=True)
class Series:
    name: str
    values: list  # int, or None when the figure is hidden or not there
    texts: list  # how each figure reads: "12", "< 5", "×"
    previous: bool = False


@dataclass
class Chart:
    title: str
    description: str
    width: int
    height: int
    shapes: list = field(default_factory=list)


def _wrap(label: str, width: int = LABEL_CHARS) -> list[str]:
    """At most two lines; longer labels end in '…' (the table next to the chart has them in full)."""
    words, lines, line = label.split(), [], ""
    for word in words:
        if len(line) + len(word) + (1 if line else 0) <= width:
            line = f"{line} {word}".strip()
        else:
            lines.append(line)
            line = word
    lines.append(line)
    lines = [ln for ln in lines if ln]
    if len(lines) > 2:
        lines = [lines[0], (lines[1][: width - 1] + "…")]
    return lines or [""]


def _nice_max(value: float) -> float:
    """The top of the axis: four equal, whole steps (4, 8, 12, 16, 20, 24, 40, 60 …) at or above the value."""
    quarter = max(value, 1) / 4
    magnitude = 10 ** max(math.floor(math.log10(quarter)), 0)
    steps = (1, 2, 3, 4, 5, 6, 8, 10) if magnitude == 1 else (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)
    step = next(s for s in steps if quarter <= s * magnitude)
    return 4 * step * magnitude


def describe(labels: list[str], series: list[Series]) -> str:
    """The figures in words, for screen readers and the PDF's alternative text."""
    parts = []
    for index, label in enumerate(labels):
        figures = ", ".join(f"{s.name}: {s.texts[index]}" for s in series)
        parts.append(f"{label} ({figures})")
    return "; ".join(parts) + "."


def bar_chart(title: str, labels: list[str], series: list[Series], width: int = 640) -> Chart:
    """Horizontal bars, one group per label, one bar per series (this period, the one before)."""
    label_width, value_room, bar_height, gap = 250, 48, 12, 12
    group_height = bar_height * len(series) + gap
    height = 24 + group_height * len(labels) + 8
    plot_width = width - label_width - value_room
    visible = [v for s in series for v in s.values if v is not None]
    top = _nice_max(max(visible, default=0))
    chart = Chart(title, describe(labels, series), width, height)
    shapes = chart.shapes
    for step in range(0, 5):
        x = label_width + plot_width * step / 4
        shapes.append(Shape("line", "grid", x=x, y=16, x2=x, y2=height - 8))
        shapes.append(Shape("text", "label", x=x, y=12, text=f"{top * step // 4:g}", anchor="middle", size=10))
    for index, label in enumerate(labels):
        y0 = 24 + index * group_height
        lines = _wrap(label)
        for n, line in enumerate(lines):
            middle = y0 + (bar_height * len(series)) / 2 + 4 - (len(lines) - 1) * 6 + n * 12
            shapes.append(Shape("text", "label", x=label_width - 8, y=middle, text=line, anchor="end"))
        for s_index, s in enumerate(series):
            y = y0 + s_index * bar_height
            value = s.values[index]
            role = "bar-previous" if s.previous else "bar"
            if value is None:
                shapes.append(
                    Shape("text", "hidden", x=label_width + 4, y=y + bar_height - 2, text=s.texts[index], size=10)
                )
                continue
            length = plot_width * value / top if top else 0
            if length:
                shapes.append(Shape("rect", role, x=label_width, y=y + 1, width=length, height=bar_height - 2))
            shapes.append(
                Shape("text", "value", x=label_width + length + 4, y=y + bar_height - 2, text=s.texts[index], size=10)
            )
    shapes.append(Shape("line", "axis", x=label_width, y=16, x2=label_width, y2=height - 8))
    return chart


def line_chart(title: str, labels: list[str], series: list[Series], width: int = 640, height: int = 240) -> Chart:
    """A line per series over time (months). A hidden figure breaks the line and shows its text."""
    left, right, top_margin, bottom = 40, 16, 16, 40
    plot_width, plot_height = width - left - right, height - top_margin - bottom
    visible = [v for s in series for v in s.values if v is not None]
    top = _nice_max(max(visible, default=0))
    chart = Chart(title, describe(labels, series), width, height)
    shapes = chart.shapes
    for step in range(0, 5):
        y = top_margin + plot_height - plot_height * step / 4
        shapes.append(Shape("line", "grid", x=left, y=y, x2=width - right, y2=y))
        shapes.append(Shape("text", "label", x=left - 6, y=y + 4, text=f"{top * step // 4:g}", anchor="end", size=10))
    count = max(len(labels), 1)
    column = plot_width / count

    def x_of(index: int) -> float:
        return left + column * index + column / 2

    def y_of(value: float) -> float:
        return top_margin + plot_height - plot_height * value / top

    for index, label in enumerate(labels):
        shapes.append(
            Shape("text", "label", x=x_of(index), y=height - bottom + 16, text=label, anchor="middle", size=10)
        )
    for s in series:
        role = "line-previous" if s.previous else "line"
        run: list = []
        for index, value in enumerate(s.values + [None]):
            if value is None:
                if len(run) > 1:
                    shapes.append(Shape("polyline", role, points=tuple(run)))
                run = []
                if index < len(s.values) and not s.previous:
                    shapes.append(
                        Shape(
                            "text",
                            "hidden",
                            x=x_of(index),
                            y=height - bottom + 30,
                            text=s.texts[index],
                            anchor="middle",
                            size=10,
                        )
                    )
                continue
            point = (x_of(index), y_of(value))
            run.append(point)
            shapes.append(Shape("circle", role, x=point[0], y=point[1], width=3))
    shapes.append(
        Shape("line", "axis", x=left, y=top_margin + plot_height, x2=width - right, y2=top_margin + plot_height)
    )
    return chart


def to_svg(chart: Chart, element_id: str) -> str:
    """The chart as an inline SVG element with its title and description (a text alternative)."""
    title_id, desc_id = f"{element_id}-title", f"{element_id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id={quoteattr(element_id)} role="img" '
        f'viewBox="0 0 {chart.width} {chart.height}" width="{chart.width}" height="{chart.height}" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<desc id="{desc_id}">{escape(chart.description)}</desc>',
    ]
    for shape in chart.shapes:
        colour = PALETTE[shape.role]
        css = f'class="chart-{shape.role}"'
        if shape.kind == "rect":
            out.append(
                f'<rect {css} x="{shape.x:.1f}" y="{shape.y:.1f}" width="{shape.width:.1f}" '
                f'height="{shape.height:.1f}" fill="{colour}"/>'
            )
        elif shape.kind == "line":
            out.append(
                f'<line {css} x1="{shape.x:.1f}" y1="{shape.y:.1f}" x2="{shape.x2:.1f}" y2="{shape.y2:.1f}" '
                f'stroke="{colour}" stroke-width="1"/>'
            )
        elif shape.kind == "polyline":
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in shape.points)
            out.append(f'<polyline {css} points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        elif shape.kind == "circle":
            out.append(f'<circle {css} cx="{shape.x:.1f}" cy="{shape.y:.1f}" r="{shape.width:.1f}" fill="{colour}"/>')
        elif shape.kind == "text":
            out.append(
                f'<text {css} x="{shape.x:.1f}" y="{shape.y:.1f}" text-anchor="{shape.anchor}" '
                f'font-size="{shape.size}" font-family="sans-serif" fill="{colour}" aria-hidden="true">'
                f"{escape(shape.text)}</text>"
            )
    out.append("</svg>")
    return "".join(out)
