from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from models import meetings, scheme
from portal.reports.forms import MultiCheckboxField

MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
# The behaviours a chair sees in a meeting: the ones that happen there, from mild to serious.
MEETING_BEHAVIOURS = (
    "obstruction",
    "swearing",
    "insulting",
    "threatening",
    "intimidation",
    "throwing",
    "hitting",
)


class StartForm(FlaskForm):
    title = StringField(
        _l("Welke vergadering?"),
        validators=[InputRequired(_l("Vul in welke vergadering het is.")), Length(max=200)],
        description=_l("Bijvoorbeeld: Raadsvergadering over de begroting."),
    )
    held_at = DateTimeLocalField(
        _l("Wanneer?"), format=MOMENT_FORMATS, validators=[InputRequired(_l("Vul de datum en tijd in."))]
    )
    chair = SelectField(_l("Wie zit de vergadering voor?"), coerce=int)


class DisrupterForm(FlaskForm):
    description = TextAreaField(
        _l("Wie verstoort de vergadering?"),
        validators=[InputRequired(_l("Beschrijf de persoon.")), Length(max=2000)],
        description=_l("Bijvoorbeeld: man met rode jas, op de publieke tribune."),
    )
    name = StringField(_l("Naam, als u die weet"), validators=[Optional(), Length(max=200)])
    behaviours = MultiCheckboxField(
        _l("Wat doet de persoon?"),
        choices=[(code, _l(scheme.BEHAVIOUR_BY_CODE[code].label)) for code in MEETING_BEHAVIOURS],
        default=list(meetings.DEFAULT_BEHAVIOURS),
        description=_l("Kies alles wat geldt."),
    )


class OrderForm(FlaskForm):
    """One tap: one order to leave. The token is made for each tap, so a tap sent twice counts once."""

    token = HiddenField(validators=[InputRequired(), Length(min=8, max=64)])


class ActionForm(FlaskForm):
    """A button that records one moment (livestream stopped, police called, close)."""


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Doet de gemeente aangifte?"),
        choices=[(d.value, _l(label)) for d, label in meetings.DECISION_LABELS.items()],
        validators=[InputRequired(_l("Kies of de gemeente aangifte doet."))],
    )
    clerk = SelectField(
        _l("Welke griffier besliste mee?"),
        coerce=int,
        validate_choice=False,  # models.meetings refuses who is not a clerk, with a message
        validators=[InputRequired(_l("Kies de griffier die mee besliste."))],
    )
    security_officer = SelectField(
        _l("Welke ambtenaar Veiligheid besliste mee?"),
        coerce=int,
        validate_choice=False,
        validators=[InputRequired(_l("Kies de ambtenaar Veiligheid die mee besliste."))],
    )
