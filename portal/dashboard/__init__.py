"""The handlers' dashboard: a start page with what needs attention, over the cases they may see."""

from __future__ import annotations

from babel.dates import format_date
from flask import Blueprint, abort, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from models import audit, charts, clock, dashboard
from models.cases import STATUS_LABELS
from models.routing import HANDLER_ROLES
from portal.security import client_ip

bp = Blueprint("dashboard", __name__)


@bp.route("/overzicht")
def index():
    if current_user.role not in {role.value for role in HANDLER_ROLES}:
        abort(403)
    now = clock.utcnow()
    by_status = dashboard.open_cases_by_status(current_user)
    overdue = dashboard.overdue_deadlines(current_user, now)
    trend = dashboard.monthly_trend(current_user, now)
    locale = str(get_locale() or "nl")
    month_names = [format_date(month, "MMMM yyyy", locale=locale) for month, _count in trend]
    title = _("Meldingen per maand, de laatste twaalf maanden")
    chart = charts.line_chart(
        title,
        [format_date(month, "MMM", locale=locale) for month, _count in trend],
        [charts.Series(_("Meldingen"), [count for _m, count in trend], [str(count) for _m, count in trend])],
    )
    chart.description = charts.describe(
        month_names, [charts.Series(_("Meldingen"), [c for _m, c in trend], [str(c) for _m, c in trend])]
    )
    audit.record("dashboard_viewed", actor_id=current_user.id, ip=client_ip())
    return render_template(
        "dashboard/index.html",
        by_status=by_status,
        status_labels=STATUS_LABELS,
        open_total=sum(by_status.values()),
        overdue={
            code: [dashboard.due_step(row, now) for row in rows]
            for code, rows in dashboard.overdue_by_group(overdue).items()
        },
        overdue_total=len(overdue),
        groups=dashboard.OVERDUE_GROUPS,
        assignments=dashboard.my_assignments(current_user),
        trend=list(zip(month_names, [count for _m, count in trend], strict=True)),
        trend_svg=Markup(charts.to_svg(chart, "grafiek-trend")),  # noqa: S704 - to_svg escapes every text
        trend_title=title,
    )


def init_app(app):
    app.register_blueprint(bp)
