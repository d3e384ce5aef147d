"""Languages: Dutch first, English complete. Each person chooses; the choice is stored."""

from types import SimpleNamespace

import flask_babel
from babel import support
from flask import session
from flask.globals import _cv_app
from flask_babel import Babel, Domain
from flask_login import current_user

LANGUAGES = {"nl": "Nederlands", "en": "English"}
DEFAULT_LANGUAGE = "nl"

babel = Babel()


def _get_current_context() -> SimpleNamespace | None:
    """flask_babel's per-context namespace, found the way flask.g itself is found. flask_babel's own
    goes through the `g` proxy three times (truth, hasattr, attribute) and runs twice for every text:
    a case page translates a few hundred, some 1.5 ms. Same result: None outside an app context."""
    app_context = _cv_app.get(None)
    if app_context is None:
        return None
    found = app_context.g.__dict__.get("_flask_babel")
    if found is None:
        found = app_context.g._flask_babel = SimpleNamespace()
    return found


flask_babel._get_current_context = _get_current_context  # what get_domain and Domain.get_translations call


class RequestDomain(Domain):
    """flask_babel's message domain, with the request's catalogue found once per request and locale.
    flask_babel looks the locale and its catalogue up again for every text (a case page translates
    several hundred: about 1.5 ms of it); force_locale and refresh set a new locale object, which
    finds its own catalogue."""

    def get_translations(self):
        ctx = _get_current_context()
        if ctx is None:
            return support.NullTranslations()
        found = getattr(ctx, "vb_catalogue", None)
        if found is not None and found[0] is getattr(ctx, "babel_locale", None):
            return found[1]
        translations = super().get_translations()  # sets ctx.babel_locale (flask_babel.get_locale)
        ctx.vb_catalogue = (ctx.babel_locale, translations)
        return translations


def current_language() -> str:
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return DEFAULT_LANGUAGE


def init_app(app):
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["TIMEZONE"])
    babel.init_app(app, locale_selector=current_language, timezone_selector=lambda: app.config["TIMEZONE"])
    babel.domain_instance = RequestDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))

    @app.context_processor
    def _languages():
        return {"LANGUAGES": LANGUAGES, "current_language": current_language}
