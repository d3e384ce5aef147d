"""Template helpers: dates in the municipality's time zone, labels from models/ translated."""

import datetime as dt

from babel.dates import format_date
from flask import g
from flask_babel import get_locale, gettext

from models import clock
from models.accounts import ROLE_LABELS, Role
from portal import form_html
from portal.form_html import mark_errors


def local_datetime(value, fmt="d MMMM yyyy, HH:mm"):
    # Babel directly, not flask_babel's wrapper, which would look the zone up again for every cell of a list.
    return clock.format_local(value, fmt, get_locale())


def local_date(value, fmt="d MMMM yyyy"):
    """A date in Dutch (or the reader's language): '4 mei 1980'. Takes a date or an ISO text
    ('1980-05-04', as a birth date is stored); any other text is shown as it was typed."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return local_datetime(value, fmt)
    return format_date(value, fmt, locale=get_locale())


def local_moment(value, time_known: bool = True):
    """A moment in the municipality's time; only its day when nobody gave the time (a message date
    without its time: models.cases.OnlineEntry.message_time_known), never a made-up "00:00"."""
    if not value:
        return ""
    return local_datetime(value) if time_known else local_datetime(value, "d MMMM yyyy")


def page_shows_errors() -> bool:
    return bool(g.get("page_shows_errors"))


def role_label(role: str) -> str:
    return gettext(ROLE_LABELS[Role(role)])


def labels(mapping) -> dict:
    """A label table from models/ (enum -> N_ text), translated once: {value: text}. For lists,
    where translating per row would cost a lookup per cell."""
    return {getattr(key, "value", key): gettext(text) for key, text in mapping.items()}


def explain(text: str, params: dict | None = None) -> str:
    """A sentence from models/ (an N_ msgid with %(name)s values), translated: each value that is
    a moment is shown in the municipality's time; each text value is translated when it is a label."""
    shown = {}
    for key, value in (params or {}).items():
        if isinstance(value, dt.datetime):
            shown[key] = local_datetime(value)
        elif isinstance(value, dt.date):
            shown[key] = format_date(value, "d MMMM yyyy", locale=get_locale())
        elif isinstance(value, str):
            shown[key] = gettext(value)
        else:
            shown[key] = value
    return gettext(text, **shown)


def init_app(app):
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["local_moment"] = local_moment
    # Globals, not context: the form macros are imported without the page's context.
    app.jinja_env.globals["mark_errors"] = mark_errors
    app.jinja_env.globals["page_shows_errors"] = page_shows_errors
    app.jinja_env.globals["form_html"] = form_html  # the form pieces _forms.html hands out
    # Labels declared in models/ with N_() are translated where they are shown.
    app.jinja_env.filters["t"] = lambda text: gettext(text) if text else ""

    @app.context_processor
    def _globals():
        from models import cases, casework, scheme
        from models.routing import HANDLER_ROLES

        return {
            "demo": app.config["DEMO"],
            "role_label": role_label,
            "labels": labels,
            "ROLE_LABELS": ROLE_LABELS,
            "scheme": scheme,
            "cases_model": cases,
            "casework": casework,
            "status_change": casework.status_change,
            "explain": explain,
            "is_handler": lambda user: user.role in {r.value for r in HANDLER_ROLES},
        }
