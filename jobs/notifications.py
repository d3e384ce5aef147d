"""Notification e-mails without a web app: rendered from the portal's templates/mail/<kind>.txt (first line:
the subject) with Jinja2 and Babel in the recipient's language, and stored in the outbox. Jobs call queue()
here; the web layer calls it through portal.mail. Never case content: only a link, base URL + path."""

from __future__ import annotations

import functools
import pathlib

import jinja2
from babel.support import Translations

from models import clock, outbox

# The mail templates and the one catalogue live with the web layer, which translates its pages from the same
# catalogue (Flask-Babel); they are read here as files, nothing of portal/ is imported.
_PORTAL = pathlib.Path(__file__).resolve().parent.parent / "portal"
TEMPLATES = _PORTAL / "templates" / "mail"
TRANSLATIONS = _PORTAL / "translations"
SOURCE_LANGUAGE = "nl"  # the texts are written in Dutch; the catalogue holds the other languages

# Pages that mails sent by jobs link to. Not url_for (no web app here): tests/test_mail_and_jobs.py checks each
# against url_for of its endpoint, so they cannot drift from the routes.
PAGES = {
    "deadlines.my_deadlines": "/termijnen",
    "damages.finance_overview": "/financien",
    "damages.assess_list": "/schade/beoordelen",
    "risk.overview": "/veiligheid-vooraf",
    "prevention.terms": "/preventie",
    "evaluation.overview": "/jaarverslag/evaluatie",
}


def render(kind: str, locale: str | None, **context) -> tuple[str, str]:
    """Subject and body of templates/mail/<kind>.txt in this language (Dutch when there is no catalogue)."""
    text = _environment(locale or SOURCE_LANGUAGE).get_template(f"{kind}.txt").render(**context)
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def queue(recipient_email: str, locale: str | None, kind: str, *, base_url: str, **context) -> int:
    """Store the mail in the outbox, in the caller's transaction; returns its id, for delivery after commit."""
    subject, body = render(kind, locale, base_url=base_url, **context)
    return outbox.queue(recipient_email, subject, body, kind).id


def local_datetime(value, fmt: str = "d MMMM yyyy, HH:mm", *, locale: str) -> str:
    """A stored (UTC) moment in the municipality's time zone, as the pages show it (portal.templating)."""
    return clock.format_local(value, fmt, locale)


@functools.cache
def _environment(locale: str) -> jinja2.Environment:
    """One environment per language (a worker thread renders while another does): its gettext and filters."""
    translations = Translations.load(str(TRANSLATIONS), [locale])  # no catalogue for Dutch: the texts as written
    # Plain-text mail, not HTML: nothing to escape (Flask renders .txt templates the same way).
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        extensions=["jinja2.ext.i18n"],
        autoescape=False,  # noqa: S701
    )
    environment.install_gettext_translations(translations, newstyle=True)
    # Labels declared in models/ with N_() are translated where they are shown (as the pages' `t`).
    environment.filters["t"] = lambda text: translations.gettext(text) if text else ""
    environment.filters["local_datetime"] = functools.partial(local_datetime, locale=locale)
    return environment
