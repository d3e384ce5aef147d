from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from models import scheme
from portal.forms import submit_token


class LinkForm(FlaskForm):
    name = StringField(
        _l("Naam van de veroorzaker"),
        id="veroorzaker-name",
        validators=[DataRequired(_l("Vul de naam in.")), Length(max=200)],
        description=_l("Hoofdletters en spaties maken niet uit bij het zoeken in het register."),
    )
    birth_date = DateField(
        _l("Geboortedatum"),
        id="veroorzaker-birth-date",
        validators=[Optional()],
        description=_l("Met een geboortedatum vindt het register de juiste persoon beter."),
    )
    address = StringField(_l("Adres"), id="veroorzaker-address", validators=[Optional(), Length(max=300)])
    description = TextAreaField(
        _l("Beschrijving"), id="veroorzaker-description", validators=[Optional(), Length(max=2000)]
    )


# What happened: fields made anew for each form, so that each lists its errors in the order of its page.
def _occurred_on_field():
    return DateField(_l("Datum van het incident"), validators=[DataRequired(_l("Vul een geldige datum in."))])


def _behaviour_class_field():
    return SelectField(
        _l("Soort gedrag"), choices=[(key.value, _l(label)) for key, label in scheme.CLASS_LABELS.items()]
    )


def _summary_field():
    return TextAreaField(
        _l("Korte beschrijving"),
        validators=[DataRequired(_l("Schrijf kort op wat er gebeurde.")), Length(max=500)],
        description=_l("Alleen wat nodig is. Geen namen van medewerkers."),
    )


class EmployeeIncidentForm(FlaskForm):
    token = submit_token()
    occurred_on = _occurred_on_field()
    behaviour_class = _behaviour_class_field()
    summary = _summary_field()


class RenewForm(FlaskForm):
    reason = TextAreaField(
        _l("Waarom moet deze vermelding langer bewaard blijven?"),
        validators=[DataRequired(_l("Schrijf op waarom de vermelding langer bewaard blijft.")), Length(max=2000)],
    )


def _platform_field():
    return StringField(
        _l("Platform of app"),
        validators=[Optional(), Length(max=64)],
        description=_l("Bijvoorbeeld X, Instagram, Facebook of WhatsApp."),
    )


def _account_field(required: bool = False):
    return StringField(
        _l("Account"),
        validators=[DataRequired(_l("Vul het account in.")) if required else Optional(), Length(max=300)],
        description=_l("De accountnaam, het telefoonnummer of de link naar het profiel, bijvoorbeeld @naam."),
    )


class NewEmployeeIncidentForm(FlaskForm):
    """An incident against an employee by someone who may not be in the register yet (§6.2)."""

    token = submit_token()
    name = StringField(
        _l("Naam van de veroorzaker"),
        validators=[DataRequired(_l("Vul de naam in.")), Length(max=200)],
        description=_l("Staat deze persoon al in het register? Dan komt het incident bij die vermelding."),
    )
    birth_date = DateField(_l("Geboortedatum"), validators=[Optional()])
    address = StringField(_l("Adres"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Beschrijving van de persoon"), validators=[Optional(), Length(max=2000)])
    platform = _platform_field()
    account = _account_field()
    occurred_on = _occurred_on_field()
    behaviour_class = _behaviour_class_field()
    summary = _summary_field()


class OnlineAccountForm(FlaskForm):
    platform = _platform_field()
    account = _account_field(required=True)


class MatchDecisionForm(FlaskForm):
    decision = StringField(validators=[AnyOf(["same", "other"])])
