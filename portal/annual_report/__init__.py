"""The yearly anonymised report (§4.1) on the web: an HTML page a clerk can put before the council as
it is, a printable PDF and a CSV of the same figures. The figures, their suppression and who may
produce the report live in models.annual_report; this module only shows them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time

from babel.dates import format_date
from flask import Blueprint, Response, abort, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from models import annual_report, audit, charts, clock
from models.annual_report import AnnualReport, Period, figure_text
from portal.annual_report.pdf import render_pdf
from portal.annual_report.texts import intro_text, suppression_text
from portal.security import client_ip

bp = Blueprint("annual_report", __name__)

CSV_COLUMNS = ["section", "category", "period", "value", "label"]
DOWNLOAD_HEADERS = {"Content-Security-Policy": "default-src 'none'; sandbox", "X-Content-Type-Options": "nosniff"}


def _month_name(month: dt.date) -> str:
    return format_date(month, "MMMM yyyy", locale=str(get_locale() or "nl"))


def period_label(period: Period) -> str:
    if period.is_calendar_year:
        return str(period.first.year)
    if period.first == period.last:
        return _month_name(period.first)
    return _("%(first)s tot en met %(last)s", first=_month_name(period.first), last=_month_name(period.last))


def category_label(section: str, code: str, label: str) -> str:
    """Months and quarters are named by the period; everything else has a label from models/."""
    if section == "by_month":
        return _month_name(dt.datetime.strptime(code, "%Y-%m").date())
    if section == "by_quarter":
        year, quarter = code.split("-Q")
        return _("%(number)se kwartaal %(year)s", number=quarter, year=year)
    return _(label)


def _chart(section, rows, report: AnnualReport, title: str) -> charts.Chart:
    def series(name, attribute, previous):
        figures = [(getattr(row, attribute), row.unit) for row in section.rows]
        # amounts are drawn in whole euros
        return charts.Series(
            name,
            [None if f.value is None else f.value / (100 if unit == "cents" else 1) for f, unit in figures],
            [figure_text(f, report.threshold, unit) for f, unit in figures],
            previous=previous,
        )

    labels = [row["label"] for row in rows]
    both = [
        series(period_label(report.period), "current", False),
        series(period_label(report.previous_period), "previous", True),
    ]
    if section.spec.chart == "line":
        short = [
            format_date(dt.datetime.strptime(r.code, "%Y-%m").date(), "MMM", locale=str(get_locale() or "nl"))
            for r in section.rows
        ]
        return charts.line_chart(title, short, both)
    if section.code == "damages":
        labels, both = labels[1:], [charts.Series(s.name, s.values[1:], s.texts[1:], s.previous) for s in both]
    return charts.bar_chart(title, labels, both)


def present(report: AnnualReport) -> list[dict]:
    """Sections as the page, the PDF and the CSV show them: translated labels, texts, a chart."""
    shown = []
    for section in report.sections:
        rows = [
            {
                "code": row.code,
                "label": category_label(section.code, row.code, row.label),
                "current": figure_text(row.current, report.threshold, row.unit),
                "previous": figure_text(row.previous, report.threshold, row.unit),
            }
            for row in section.rows
        ]
        title = _(section.spec.title)
        chart = _chart(section, rows, report, title) if section.code != "total" else None
        shown.append(
            {
                "code": section.code,
                "title": title,
                "explanation": _(section.spec.explanation),
                "unit": section.spec.unit,
                "rows": rows,
                "chart": chart,
            }
        )
    return shown


def _period_from_request() -> tuple[Period | None, str | None]:
    """?jaar=2026, or ?van=2026-01&tot=2026-06; without either, last year."""
    first, last = request.args.get("van", "").strip(), request.args.get("tot", "").strip()
    if first or last:
        try:
            return Period.months_between(first, last or first), None
        except ValueError:
            return None, _("Kies een periode van hele maanden, bijvoorbeeld van 2026-01 tot en met 2026-06.")
    year = request.args.get("jaar", "").strip()
    if not year:
        return Period.year(clock.to_local(clock.utcnow()).year - 1), None
    if not (year.isdigit() and 2000 <= int(year) <= 2100):
        return None, _("Vul een jaartal in, bijvoorbeeld 2026.")
    return Period.year(int(year)), None


def _producer_only():
    if not annual_report.may_produce(current_user):
        abort(403)


def _report() -> AnnualReport:
    period, problem = _period_from_request()
    if problem:
        abort(400, problem)
    return annual_report.build(period)


@bp.route("/jaarverslag")
def page():
    _producer_only()
    period, problem = _period_from_request()
    if problem:
        return render_template("annual_report/page.html", problem=problem, report=None), 400
    started = time.perf_counter()
    report = annual_report.build(period)
    sections = present(report)
    audit.record("annual_report_viewed", actor_id=current_user.id, ip=client_ip(), detail=f"period={period.code}")
    svgs = {
        s["code"]: Markup(charts.to_svg(s["chart"], f"grafiek-{s['code']}"))  # noqa: S704 - to_svg escapes every text
        for s in sections
        if s["chart"]
    }
    return render_template(
        "annual_report/page.html",
        report=report,
        sections=sections,
        svgs=svgs,
        problem=None,
        period_label=period_label(report.period),
        intro=intro_text(period_label(report.period), period_label(report.previous_period), report.threshold),
        suppression=suppression_text(report.threshold),
        previous_label=period_label(report.previous_period),
        made_in=_month_name(local_today().replace(day=1)),
        seconds=time.perf_counter() - started,
    )


def local_today() -> dt.date:
    return clock.to_local(clock.utcnow()).date()


def csv_rows(report: AnnualReport):
    """One row per published figure: section, category, period, value, label (stable; README)."""
    labels = {(section.code, row.code): row.label for section in report.sections for row in section.rows}
    for section, category, period_code, figure, unit in report.cells():
        yield [
            section,
            category,
            period_code,
            figure_text(figure, report.threshold, unit),
            category_label(section, category, labels.get((section, category), "")),
        ]


def _file_name(report: AnnualReport, extension: str) -> str:
    return f"jaarverslag-{report.period.code.replace('/', '-tot-')}.{extension}"


@bp.route("/jaarverslag.csv")
def download_csv():
    _producer_only()
    report = _report()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(report))
    audit.record(
        "annual_report_downloaded",
        actor_id=current_user.id,
        ip=client_ip(),
        detail=f"format=csv period={report.period.code}",
    )
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_file_name(report, "csv")}"', **DOWNLOAD_HEADERS},
    )


@bp.route("/jaarverslag.pdf")
def download_pdf():
    _producer_only()
    report = _report()
    data = render_pdf(
        report,
        present(report),
        period_label(report.period),
        period_label(report.previous_period),
        _month_name(local_today().replace(day=1)),
    )
    audit.record(
        "annual_report_downloaded",
        actor_id=current_user.id,
        ip=client_ip(),
        detail=f"format=pdf period={report.period.code}",
    )
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{_file_name(report, "pdf")}"', **DOWNLOAD_HEADERS},
    )


def init_app(app):
    app.register_blueprint(bp)

    @app.context_processor
    def _may_produce_annual_report():
        return {"may_produce_annual_report": annual_report.may_produce}
