from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from models.communication import MEDIUM_LABELS
from portal.forms import submit_token
from portal.reports.forms import MultiCheckboxField


class StatementForm(FlaskForm):
    """A statement or press contact (§7); the rules are in models.communication.record_statement."""

    token = submit_token()
    made_on = DateField(_l("Op welke datum?"), validators=[InputRequired(_l("Vul de datum in."))])
    medium = SelectField(
        _l("Hoe?"),
        choices=[(medium.value, _l(label)) for medium, label in MEDIUM_LABELS.items()],
        validators=[InputRequired(_l("Kies hoe het is gezegd."))],
    )
    made_by = StringField(
        _l("Wie sprak namens de gemeente?"),
        validators=[DataRequired(_l("Vul in wie er sprak.")), Length(max=200)],
        description=_l("Naam en functie, bijvoorbeeld: burgemeester De Vries."),
    )
    text = TextAreaField(
        _l("Wat is er gezegd?"),
        validators=[DataRequired(_l("Schrijf op wat er is gezegd.")), Length(max=10000)],
        description=_l("Noem nooit beveiligingsmaatregelen. Die gaan niet naar de pers."),
    )


class InformedForm(FlaskForm):
    """Other office holders informed (§7); the rules are in models.communication.record_informed."""

    token = submit_token()
    office_holders = MultiCheckboxField(
        _l("Wie is er geïnformeerd?"),
        coerce=int,
        choices=[],
        validate_choice=False,  # models.communication refuses who is not an office holder, with a message
        validators=[InputRequired(_l("Kies wie er is geïnformeerd."))],
        description=_l("Kies alle ambtsdragers die het hebben gehoord."),
    )
    informed_on = DateField(_l("Op welke datum?"), validators=[InputRequired(_l("Vul de datum in."))])
