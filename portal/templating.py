"""Template helpers: dates in the municipality's time zone, labels from models/ translated."""

from flask_babel import get_locale, gettext

from models import clock
from models.accounts import ROLE_LABELS, Role


def local_datetime(value, fmt="d MMMM yyyy, HH:mm"):
    # Babel directly, not flask_babel's wrapper, which would look the zone up again for every cell of a list.
    return clock.format_local(value, fmt, get_locale())


def role_label(role: str) -> str:
    return gettext(ROLE_LABELS[Role(role)])


def labels(mapping) -> dict:
    """A label table from models/ (enum -> N_ text), translated once: {value: text}. For lists,
    where translating per row would cost a lookup per cell."""
    return {getattr(key, "value", key): gettext(text) for key, text in mapping.items()}


def init_app(app):
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["local_datetime"] = local_datetime
    # Labels declared in models/ with N_() are translated where they are shown.
    app.jinja_env.filters["t"] = lambda text: gettext(text) if text else ""

    @app.context_processor
    def _globals():
        from models import cases, scheme
        from models.routing import HANDLER_ROLES

        return {
            "demo": app.config["DEMO"],
            "role_label": role_label,
            "labels": labels,
            "ROLE_LABELS": ROLE_LABELS,
            "scheme": scheme,
            "cases_model": cases,
            "is_handler": lambda user: user.role in {r.value for r in HANDLER_ROLES},
        }
