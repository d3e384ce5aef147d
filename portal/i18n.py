"""Languages: Dutch first, English complete. Each person chooses; the choice is stored."""

from flask import session
from flask_babel import Babel
from flask_login import current_user

LANGUAGES = {"nl": "Nederlands", "en": "English"}
DEFAULT_LANGUAGE = "nl"

babel = Babel()


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

    @app.context_processor
    def _languages():
        return {"LANGUAGES": LANGUAGES, "current_language": current_language}
