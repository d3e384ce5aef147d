from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from models import clock, risk
from portal.forms import submit_token

MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def _in_future(form, field):
    if field.data and clock.to_utc(field.data) <= clock.utcnow():
        raise ValidationError(_l("Deze datum is al voorbij. Kies een datum in de toekomst."))


class RiskAnalysisForm(FlaskForm):
    token = submit_token()
    kind = RadioField(
        _l("Wat organiseert u?"),
        choices=[(k.value, _l(label)) for k, label in risk.MEETING_LABELS.items()],
        validators=[InputRequired(_l("Kies wat u organiseert."))],
    )
    what = TextAreaField(
        _l("Waar gaat de bijeenkomst of het gesprek over?"),
        validators=[InputRequired(_l("Schrijf waar het over gaat.")), Length(max=4000)],
    )
    location = StringField(_l("Waar is het?"), validators=[InputRequired(_l("Vul in waar het is.")), Length(max=500)])
    starts_at = DateTimeLocalField(
        _l("Wanneer begint het?"),
        format=MOMENT_FORMATS,
        validators=[InputRequired(_l("Vul de datum en tijd in.")), _in_future],
    )
    security_presence = BooleanField(
        _l("Ik wil dat er een beveiliger of het interventieteam aanwezig is"),
        description=_l("Bijvoorbeeld bij een gesprek in het gemeentehuis waar u problemen verwacht."),
    )
    security_from = DateTimeLocalField(
        _l("Vanaf hoe laat moet de beveiliging er zijn?"),
        format=MOMENT_FORMATS,
        validators=[Optional()],
    )

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.security_presence.data and not self.security_from.data and not self.security_from.errors:
            self.security_from.errors = [_l("Vul in vanaf hoe laat de beveiliging er moet zijn.")]
            return False
        return valid


class DecisionForm(FlaskForm):
    expected_tension = RadioField(
        _l("Hoeveel spanning verwacht u?"),
        choices=[(t.value, _l(label)) for t, label in risk.TENSION_LABELS.items()],
        validators=[InputRequired(_l("Kies hoeveel spanning u verwacht."))],
    )
    location_chosen = StringField(
        _l("Welke locatie is gekozen?"),
        validators=[InputRequired(_l("Vul de gekozen locatie in.")), Length(max=500)],
    )
    organisational_measures = TextAreaField(
        _l("Welke organisatorische maatregelen worden genomen?"),
        description=_l("Schrijf 'geen' als er geen maatregelen nodig zijn."),
        validators=[InputRequired(_l("Schrijf welke maatregelen worden genomen.")), Length(max=4000)],
    )
    security_present = RadioField(
        _l("Is er beveiliging aanwezig?"),
        choices=[("yes", _l("Ja")), ("no", _l("Nee"))],
        validators=[InputRequired(_l("Kies of er beveiliging aanwezig is."))],
    )
    decision = RadioField(
        _l("Besluit"),
        choices=[(d.value, _l(label)) for d, label in risk.DECISION_LABELS.items()],
        validators=[InputRequired(_l("Kies een besluit."))],
    )


class HomeScreeningForm(FlaskForm):
    token = submit_token()
    reason = TextAreaField(
        _l("Waarom wilt u een screening?"),
        description=_l("Dit hoeft niet. U mag ook een screening vragen zonder dat er iets is gebeurd."),
        validators=[Optional(), Length(max=4000)],
    )


class ScreeningRecordForm(FlaskForm):
    case = SelectField(
        _l("Hoort de screening bij een melding?"),
        choices=[],
        validate_choice=False,  # models.risk refuses a case that is not this office holder's, with a message
        description=_l(
            "Kies de melding als de screening volgt op een incident. De kosten komen dan in de schadeadministratie van die melding, als kosten die de gemeente zelf draagt."
        ),
    )
    visited_on = DateField(_l("Datum van het bezoek"), validators=[Optional()])
    advice = TextAreaField(_l("Advies"), validators=[Optional(), Length(max=4000)])
    measures_taken = TextAreaField(_l("Genomen maatregelen"), validators=[Optional(), Length(max=4000)])
    cost = StringField(
        _l("Wat betaalt de gemeente?"),
        description=_l("Bijvoorbeeld 349,95. Laat leeg als er nog niets is betaald."),
        validators=[Optional(), Length(max=32)],
    )

    def validate_visited_on(self, field):
        if field.data and field.data > clock.to_local(clock.utcnow()).date():
            raise ValidationError(_l("Deze datum ligt in de toekomst."))
