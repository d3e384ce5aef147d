from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField
from wtforms.validators import AnyOf, InputRequired

from models.consent import PURPOSE_LABELS, How

GIVEN, WITHDRAWN = "ja", "nee"


class OwnConsentForm(FlaskForm):
    """The victim's button for one purpose. `given` names the state asked for, not a switch: the
    same form sent twice asks the same thing twice, and it is stored once (models.consent)."""

    given = HiddenField(validators=[AnyOf([GIVEN, WITHDRAWN])])


class RecordConsentForm(FlaskForm):
    """A handler records what the victim said by phone or in person."""

    purpose = RadioField(
        _l("Waarvoor?"),
        choices=[(purpose.value, _l(label)) for purpose, label in PURPOSE_LABELS.items()],
        validators=[InputRequired(_l("Kies waarvoor de ambtsdrager toestemming gaf of introk."))],
    )
    given = RadioField(
        _l("Wat zei de ambtsdrager?"),
        choices=[(GIVEN, _l("Geeft toestemming")), (WITHDRAWN, _l("Trekt de toestemming in"))],
        validators=[InputRequired(_l("Kies of de ambtsdrager toestemming gaf of introk."))],
    )
    how = RadioField(
        _l("Hoe zei de ambtsdrager het?"),
        choices=[(How.PHONE.value, _l("Aan de telefoon")), (How.IN_PERSON.value, _l("Persoonlijk, in een gesprek"))],
        validators=[InputRequired(_l("Kies hoe de ambtsdrager het zei."))],
    )
