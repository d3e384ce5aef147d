"""Form pieces used by more than one area."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Regexp, ValidationError

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
