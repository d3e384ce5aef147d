"""Form pieces used by more than one area."""

import datetime as dt

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateTimeField, FileField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, StopValidation, ValidationError

from models import accounts

PASSWORD_MESSAGES = {
    accounts.PasswordProblem.TOO_SHORT: _l("Kies een wachtwoord van minstens 12 tekens."),
    accounts.PasswordProblem.TOO_LONG: _l(
        "Dit wachtwoord is te lang. Gebruik hoogstens 72 bytes (ongeveer 72 letters en cijfers; een speciaal teken telt soms voor meer)."
    ),
    accounts.PasswordProblem.COMMON: _l(
        "Dit wachtwoord wordt veel gebruikt en is daardoor makkelijk te raden. Kies een ander wachtwoord."
    ),
    accounts.PasswordProblem.CONTAINS_EMAIL: _l("Gebruik uw e-mailadres niet in uw wachtwoord."),
}


def submit_token():
    """The hidden token that makes a form sent twice store once (the page makes 32 hex digits). A
    longer one was not sent by the page, and did not fit the column: a 500 on PostgreSQL."""
    return HiddenField(
        validators=[
            Optional(),
            Length(
                max=32,
                message=_l("Dit formulier is niet goed verstuurd. Laad de pagina opnieuw en probeer het nog een keer."),
            ),
        ]
    )


def totp_field(label=None):
    return StringField(
        label or _l("Code uit uw authenticator-app"),
        validators=[
            DataRequired(_l("Vul de code van 6 cijfers uit uw authenticator-app in.")),
            Regexp(r"^\s*\d{3}\s?\d{3}\s*$", message=_l("De code bestaat uit 6 cijfers.")),
        ],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class NewPassword:
    """Validator: the password policy of models.accounts, with a message for each problem."""

    def __init__(self, email_field: str | None = None):
        self.email_field = email_field

    def __call__(self, form, field):
        email = getattr(form, self.email_field).data if self.email_field else getattr(form, "account_email", "")
        problem = accounts.password_problem(field.data or "", email or "")
        if problem:
            raise ValidationError(PASSWORD_MESSAGES[problem])


def new_password_fields():
    password = PasswordField(
        _l("Nieuw wachtwoord"),
        validators=[DataRequired(_l("Kies een wachtwoord.")), NewPassword()],
        description=_l("Minstens 12 tekens. Een zin van een paar woorden is sterk en goed te onthouden."),
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("Herhaal het nieuwe wachtwoord"),
        validators=[DataRequired(_l("Herhaal het wachtwoord."))],
        render_kw={"autocomplete": "new-password"},
    )
    return password, repeat


def check_repeat(form) -> bool:
    if form.password.data != form.password_repeat.data:
        form.password_repeat.errors.append(_l("De twee wachtwoorden zijn niet hetzelfde."))
        return False
    return True


_flask_wtf_formdata = FlaskForm.Meta.wrap_formdata
_flask_wtf_bind = FlaskForm.Meta.bind_field
YEARS = range(1900, 2200)


def _as_a_browser_sends(meta, form, formdata):
    """A form's data as a browser sends it: files only in file fields, text only in the others, and
    never a JSON body (no form of the portal takes JSON). Flask-WTF mixes files into the text
    fields and reads JSON: a file sent as a text field, or a JSON list, was a 500."""
    if request and request.is_json and not request.form and not request.files:
        return None
    data = _flask_wtf_formdata(meta, form, formdata)
    if data is None or data is formdata:  # nothing sent, or the view passed its own (a GET filter)
        return data
    files = {field.name for field in form if isinstance(field, FileField)}
    kept = MultiDict([(key, value) for key, value in request.form.items(multi=True) if key not in files])
    for name in files:
        kept.setlist(name, request.files.getlist(name))
    return kept


def plausible_year(form, field):
    """A date between 1900 and 2200: the year 1 or 9999 is a valid date, but moving it to UTC or
    adding a term to it overflowed (a 500)."""
    if isinstance(field.data, dt.date) and field.data.year not in YEARS:
        raise StopValidation(_l("Deze datum kan niet kloppen. Vul een datum in tussen 1900 en 2200."))


def no_nul(form, field):
    """No NUL character in a text: nobody types it, and PostgreSQL cannot store it (a 500)."""
    if isinstance(field.data, str) and "\x00" in field.data:
        raise StopValidation(
            _l(
                "Deze tekst bevat een onzichtbaar teken dat niet kan worden opgeslagen. Haal het weg en probeer het opnieuw."
            )
        )


def _bind_with_checks(meta, form, unbound_field, options):
    """Every field as its form declares it, and: a text holds no NUL, a date a plausible year."""
    field = _flask_wtf_bind(meta, form, unbound_field, options)
    if isinstance(field, StringField):  # text, text areas, hidden fields, passwords, e-mail
        field.validators = [no_nul, *field.validators]
    elif isinstance(field, DateTimeField):  # dates, date-times, months (and times: no year to check)
        field.validators = [plausible_year, *field.validators]  # before any check that computes with it
    return field


def init_app(app):
    """Every form of the portal reads its data as a browser sends it, and takes no NUL in a text
    and no impossible year in a date."""
    FlaskForm.Meta.wrap_formdata = _as_a_browser_sends
    FlaskForm.Meta.bind_field = _bind_with_checks
