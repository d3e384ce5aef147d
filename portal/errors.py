"""Error pages in the reader's language, without stack traces or internals."""

import traceback

import peewee
from flask import g, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from models.cases import NotAllowed

MESSAGES = {
    400: (
        _l("Er ging iets mis met uw verzoek"),
        _l("De pagina kon uw verzoek niet verwerken. Ga terug en probeer het opnieuw."),
    ),
    403: (
        _l("U heeft geen toegang tot deze pagina"),
        _l(
            "Deze pagina is niet bedoeld voor uw rol. Denkt u dat dit niet klopt? Neem contact op met de functioneel beheerder."
        ),
    ),
    404: (
        _l("Deze pagina bestaat niet"),
        _l("Misschien is het adres niet goed, of heeft u geen toegang tot wat u zoekt."),
    ),
    405: (
        _l("Dit kan zo niet"),
        _l("Deze pagina kan niet op deze manier worden gebruikt. Ga terug en gebruik de knoppen op de pagina."),
    ),
    413: (
        _l("Het bestand is te groot"),
        _l("Wat u wilde versturen is te groot. Maak het bestand kleiner of verstuur minder bestanden tegelijk."),
    ),
    409: (
        _l("Dit kan nu niet"),
        _l(
            "Iemand anders heeft deze melding intussen veranderd, of dit mag nu niet. Ga terug, laad de pagina opnieuw en kijk wat er nu nodig is."
        ),
    ),
    429: (
        _l("Te veel pogingen"),
        _l("Er zijn te veel pogingen gedaan. Wacht een kwartier en probeer het dan opnieuw."),
    ),
    503: (
        _l("Het portaal is even niet bereikbaar"),
        _l(
            "De gegevens konden op dit moment niet worden bereikt. Er is niets opgeslagen van deze laatste stap. Probeer het over een minuut opnieuw."
        ),
    ),
    500: (
        _l("Er ging iets mis bij ons"),
        _l(
            "Er is niets opgeslagen van deze laatste stap. Probeer het over een paar minuten opnieuw. Blijft het misgaan? Neem contact op met de functioneel beheerder."
        ),
    ),
}

CSRF_MESSAGE = (
    _l("Het formulier is verlopen"),
    _l(
        "Voor uw veiligheid werkt een formulier maar een beperkte tijd, en alleen vanaf deze website. "
        "Ga terug, laad de pagina opnieuw en verstuur het nog een keer."
    ),
)


def render_error(code: int, title=None, text=None):
    default_title, default_text = MESSAGES.get(code, MESSAGES[500])
    return render_template("error.html", code=code, title=title or default_title, text=text or default_text), code


def init_app(app):
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_error(400, *CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def _http(error):
        code = error.code if error.code in MESSAGES else 500
        response = render_error(code)
        if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            body, status = response
            return body, status, {"Allow": ", ".join(error.valid_methods)}
        return response

    @app.errorhandler(peewee.OperationalError)
    @app.errorhandler(peewee.InterfaceError)
    def _database_unavailable(error):
        # The database dropped the connection or is down: the pool discards the broken connection
        # when the request ends, so the next request connects afresh (no restart needed).
        app.logger.error("Database unavailable (%s) on %s %s", type(error).__name__, request.method, request.path)
        if "_login_user" not in g:
            g._login_user = AnonymousUserMixin()  # loading the person would need the database again
        return render_error(503)

    @app.errorhandler(NotAllowed)
    def _not_allowed(error):
        # A rule of the protocol said no, on a path no page handles itself (a stale page: someone
        # else already did it). Never a 500: the rule's own Dutch words, or a plain "not now".
        if error.message:
            return render_error(409, _l("Dit kan nu niet"), gettext(error.message))
        return render_error(409)

    @app.errorhandler(Exception)
    def _crash(error):
        # Type and code location only: an exception's message can hold what a user typed.
        app.logger.error(
            "Unhandled %s on %s %s\n%s",
            type(error).__name__,
            request.method,
            request.path,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        return render_error(500)
