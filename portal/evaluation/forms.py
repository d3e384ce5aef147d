from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, TextAreaField
from wtforms.validators import Optional


class EvaluationForm(FlaskForm):
    planned_on = DateField(
        _l("Gepland op"),
        validators=[Optional()],
        description=_l("U krijgt een week van tevoren een herinnering."),
    )
    held_on = DateField(_l("Gehouden op"), validators=[Optional()])
    lessons = TextAreaField(
        _l("Wat hebben we geleerd?"),
        description=_l(
            "Ervaringen en dilemma's uit het jaarverslag en de meldingen, en hoe het protocol werkte. "
            "Schrijf geen namen of andere dingen waaraan iemand te herkennen is."
        ),
        render_kw={"rows": 6},
    )
    agreements = TextAreaField(
        _l("Afspraken voor de toekomst"),
        description=_l("Met de griffie en de ambtelijke organisatie, over hoe we samenwerken."),
        render_kw={"rows": 4},
    )
    organisation_invited = BooleanField(_l("De griffie of de ambtelijke organisatie was uitgenodigd"))
    informal_meeting_on = DateField(
        _l("Datum van het informele overleg over de impact van agressie"),
        validators=[Optional()],
        description=_l(
            "Een overleg zonder politieke agenda, in een veilige omgeving. Het portaal bewaart alleen de datum, geen verslag."
        ),
    )
