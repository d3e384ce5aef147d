from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from models import measures


class ProposeForm(FlaskForm):
    type = SelectField(
        _l("Soort maatregel"),
        id="maatregel-type",
        choices=[(key.value, _l(label)) for key, label in measures.MEASURE_LABELS.items()],
    )
    reasons = TextAreaField(
        _l("Waarom is deze maatregel nodig?"),
        id="maatregel-reasons",
        validators=[DataRequired(_l("Schrijf op waarom deze maatregel nodig is.")), Length(max=5000)],
        description=_l("Dit is een besluit over een burger. De redenen komen ook in de brief."),
    )
    description = TextAreaField(
        _l("Wat houdt de maatregel in?"), id="maatregel-description", validators=[Optional(), Length(max=5000)]
    )
    starts_on = DateField(
        _l("Begindatum"),
        id="maatregel-starts-on",
        validators=[Optional()],
        description=_l("Alleen voor een maatregel voor een bepaalde tijd, zoals een ontzegging."),
    )
    ends_on = DateField(_l("Einddatum (tot en met)"), id="maatregel-ends-on", validators=[Optional()])
    perpetrator = SelectField(
        _l("Veroorzaker"), id="maatregel-perpetrator", coerce=int, choices=[], validate_choice=False
    )
    not_for_press = BooleanField(
        _l("Niet voor de pers"),
        id="maatregel-not-for-press",
        default=True,
        description=_l("Veiligheidsmaatregelen worden nooit met de pers gedeeld."),
    )

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.type.data and measures.MeasureType(self.type.data) in measures.PERIOD_MEASURES:
            for date_field in (self.starts_on, self.ends_on):
                if not date_field.data and not date_field.errors:
                    date_field.errors.append(_l("Vul deze datum in. Deze maatregel geldt voor een bepaalde tijd."))
                    valid = False
        return valid


class AdviceForm(FlaskForm):
    advice = TextAreaField(
        _l("Advies van de ambtenaar Veiligheid"),
        validators=[DataRequired(_l("Schrijf eerst het advies.")), Length(max=5000)],
    )


class ExtendForm(FlaskForm):
    new_end = DateField(_l("Nieuwe einddatum"), validators=[DataRequired(_l("Vul een geldige datum in."))])


class ActionForm(FlaskForm):
    """A button that changes something: only its CSRF token is needed."""


def texts_form(values: dict, specs: dict):
    """One field per editable text (models.texts.DEFAULTS: key -> (default, label))."""

    class TextsForm(FlaskForm):
        pass

    for key, (default, label) in specs.items():
        letter = "\n" in default  # a name is one line; a letter many
        field_class = TextAreaField if letter else StringField
        setattr(
            TextsForm,
            key,
            field_class(
                _l(label),
                default=values[key],
                render_kw={"rows": 30} if letter else None,
                validators=[DataRequired(_l("Deze tekst mag niet leeg zijn."))],
            ),
        )
    return TextsForm()
