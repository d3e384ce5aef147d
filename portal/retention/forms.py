from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length


class PlaceHoldForm(FlaskForm):
    reason = TextAreaField(
        _l("Waarom moet deze melding bewaard blijven?"),
        id="bewaren-reden",
        validators=[DataRequired(_l("Schrijf op waarom deze melding bewaard moet blijven.")), Length(max=1000)],
        description=_l(
            "Bijvoorbeeld: de strafzaak loopt nog. Zolang de melding bewaard wordt, worden de gegevens niet verwijderd."
        ),
    )


class LiftHoldForm(FlaskForm):
    reason = TextAreaField(
        _l("Waarom hoeft de melding niet langer bewaard te blijven?"),
        id="bewaren-opheffen-reden",
        validators=[
            DataRequired(_l("Schrijf op waarom de melding niet langer bewaard hoeft te blijven.")),
            Length(max=1000),
        ],
    )


class RunForm(FlaskForm):
    """The button that runs the retention now."""
