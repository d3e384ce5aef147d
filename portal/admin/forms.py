from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange

from models.accounts import ROLE_LABELS
from portal.i18n import LANGUAGES


def role_choices():
    return [(role.value, _l(label)) for role, label in ROLE_LABELS.items()]


class InviteForm(FlaskForm):
    name = StringField(
        _l("Naam"), validators=[DataRequired(_l("Vul de naam in.")), Length(max=200)], render_kw={"autocomplete": "off"}
    )
    email = EmailField(
        _l("E-mailadres"),
        validators=[
            DataRequired(_l("Vul het e-mailadres in.")),
            Email(
                _l("Dit is geen geldig e-mailadres. Een e-mailadres ziet eruit als naam@gemeente.nl."),
                check_deliverability=False,
            ),
            Length(max=254),
        ],
        render_kw={"autocomplete": "off"},
    )
    role = SelectField(_l("Rol"), choices=role_choices)
    is_former = BooleanField(
        _l("Oud-ambtsdrager"),
        description=_l("Vink aan als deze persoon geen ambt meer heeft, maar wel nog melding kan maken."),
    )
    locale = SelectField(_l("Taal van de e-mails"), choices=list(LANGUAGES.items()))


class RoleForm(FlaskForm):
    role = SelectField(_l("Rol"), choices=role_choices)
    is_former = BooleanField(_l("Oud-ambtsdrager"))


class ActionForm(FlaskForm):
    """A button that changes something: only its CSRF token is needed."""


class SettingForm(FlaskForm):
    value = IntegerField(_l("Waarde"), validators=[DataRequired(_l("Vul een getal in.")), NumberRange(min=0)])
