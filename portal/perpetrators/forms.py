from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from models import scheme


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


class EmployeeIncidentForm(FlaskForm):
    occurred_on = DateField(_l("Datum van het incident"), validators=[DataRequired(_l("Vul een geldige datum in."))])
    behaviour_class = SelectField(
        _l("Soort gedrag"), choices=[(key.value, _l(label)) for key, label in scheme.CLASS_LABELS.items()]
    )
    summary = TextAreaField(
        _l("Korte beschrijving"),
        validators=[DataRequired(_l("Schrijf kort op wat er gebeurde.")), Length(max=500)],
        description=_l("Alleen wat nodig is. Geen namen van medewerkers."),
    )


class RenewForm(FlaskForm):
    reason = TextAreaField(
        _l("Waarom moet deze vermelding langer bewaard blijven?"),
        validators=[DataRequired(_l("Schrijf op waarom de vermelding langer bewaard blijft.")), Length(max=2000)],
    )
