from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired

from portal.forms import check_repeat, new_password_fields, totp_field
from portal.i18n import LANGUAGES


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mailadres"),
        validators=[DataRequired(_l("Vul uw e-mailadres in."))],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[DataRequired(_l("Vul uw wachtwoord in."))],
        render_kw={"autocomplete": "current-password"},
    )
    code = totp_field()


class LinkForm(FlaskForm):
    """One-time link: a new password and/or a new authenticator app, as the link's purpose asks."""

    password, password_repeat = new_password_fields()
    code = totp_field(_l("Code die de app nu laat zien"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        return check_repeat(self) and ok if "password" in self._fields else ok


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Huidig wachtwoord"),
        validators=[DataRequired(_l("Vul uw huidige wachtwoord in."))],
        render_kw={"autocomplete": "current-password"},
    )
    password, password_repeat = new_password_fields()
    code = totp_field()

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        return check_repeat(self) and ok


class LanguageForm(FlaskForm):
    language = SelectField(_l("Taal"), choices=list(LANGUAGES.items()))


class EndSessionForm(FlaskForm):
    """The button that ends one of one's sessions: only its CSRF token."""
