from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from models import clock, measures
from portal.forms import submit_token


def _not_in_future(form, field):
    if field.data and field.data > clock.to_local(clock.utcnow()).date():
        raise ValidationError(_l("Deze datum ligt in de toekomst."))


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
        description=_l("Voor wie besluit. De brief aan de burger krijgt de redenen die de beslisser zelf schrijft."),
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
        # An unknown type has its own error already (not a choice): no MeasureType to look up.
        if self.type.data and not self.type.errors and measures.MeasureType(self.type.data) in measures.PERIOD_MEASURES:
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


class DecideForm(FlaskForm):
    """The decision screen: the decider's own reasons, and a confirmation."""

    reasons = TextAreaField(
        _l("Uw redenen voor dit besluit"),
        id="besluit-reasons",
        validators=[DataRequired(_l("Schrijf op waarom u tot deze maatregel besluit.")), Length(max=5000)],
        description=_l("Schrijf in uw eigen woorden waarom u dit besluit neemt."),
    )
    unheard_reason = TextAreaField(
        _l("Waarom besluit u zonder de kant van de burger?"),
        id="besluit-unheard",
        validators=[Optional(), Length(max=5000)],
        description=_l(
            "Bijvoorbeeld: er is acuut gevaar, of de politie hoort de burger al bij een aangifte. Dit blijft intern."
        ),
    )
    confirm = BooleanField(
        _l("Ik neem dit besluit."),
        id="besluit-confirm",
        validators=[DataRequired(_l("Bevestig dat u dit besluit neemt."))],
    )


class HearingForm(FlaskForm):
    """Hoor en wederhoor (§2): the citizen's side, or that they declined or could not be reached."""

    outcome = RadioField(
        _l("Wat is er gebeurd?"),
        choices=[(key.value, _l(label)) for key, label in measures.HEARING_LABELS.items()],
        validators=[InputRequired(_l("Kies wat er is gebeurd."))],
    )
    held_on = DateField(_l("Op welke dag?"), validators=[InputRequired(_l("Vul de datum in.")), _not_in_future])
    heard_by = StringField(
        _l("Door wie?"),
        validators=[InputRequired(_l("Vul in wie met de burger sprak of dat probeerde.")), Length(max=200)],
        description=_l("Wie sprak met de burger, of probeerde dat."),
    )
    account = TextAreaField(
        _l("Wat zei de burger?"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Was de burger niet bereikbaar? Schrijf dan op hoe is geprobeerd de burger te bereiken."),
    )
    token = submit_token()


class ObjectionForm(FlaskForm):
    received_on = DateField(_l("Ontvangen op"), validators=[InputRequired(_l("Vul de datum in.")), _not_in_future])
    grounds = TextAreaField(
        _l("Waartegen maakt de burger bezwaar, en waarom?"),
        validators=[DataRequired(_l("Schrijf op waartegen de burger bezwaar maakt en waarom.")), Length(max=5000)],
    )
    token = submit_token()


class ObjectionOutcomeForm(FlaskForm):
    outcome = RadioField(
        _l("Beslissing op het bezwaar"),
        choices=[(key.value, _l(label)) for key, label in measures.OBJECTION_LABELS.items()],
        validators=[InputRequired(_l("Kies de beslissing op het bezwaar."))],
    )
    reasons = TextAreaField(
        _l("Waarom beslist u zo?"),
        validators=[DataRequired(_l("Schrijf op waarom u zo beslist op het bezwaar.")), Length(max=5000)],
    )
    new_ends_on = DateField(
        _l("Nieuwe einddatum (tot en met)"),
        validators=[Optional()],
        description=_l("Alleen bij gedeeltelijk gegrond: als de maatregel korter duurt."),
    )
    new_description = TextAreaField(
        _l("Wat houdt de maatregel nu in?"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Alleen bij gedeeltelijk gegrond: als de maatregel anders wordt."),
    )


class ViolationForm(FlaskForm):
    """A ban not complied with (§6.2)."""

    occurred_date = DateField(_l("Op welke dag?"), validators=[InputRequired(_l("Vul de datum in.")), _not_in_future])
    occurred_time = TimeField(_l("Hoe laat?"), validators=[InputRequired(_l("Vul de tijd in."))])
    location = StringField(
        _l("Waar?"),
        validators=[InputRequired(_l("Vul in waar het gebeurde.")), Length(max=500)],
        description=_l("Bijvoorbeeld: gemeentehuis, publiekshal."),
    )
    seen_by = StringField(_l("Wie zag het?"), validators=[InputRequired(_l("Vul in wie het zag.")), Length(max=500)])
    account = TextAreaField(_l("Wat gebeurde er?"), validators=[Optional(), Length(max=5000)])
    police_informed = RadioField(
        _l("Is de politie al ingelicht?"),
        choices=[("yes", _l("Ja")), ("no", _l("Nee, nog niet"))],
        validators=[InputRequired(_l("Geef aan of de politie al is ingelicht."))],
        description=_l("Bij een overtreding wordt de politie direct ingelicht."),
    )
    token = submit_token()


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
