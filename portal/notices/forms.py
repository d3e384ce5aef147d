from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from models import clock, notices
from portal.reports.forms import MultiCheckboxField

MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def _not_in_future(form, field):
    if field.data and field.data > clock.to_local(clock.utcnow()).date():
        raise ValidationError(_l("Deze datum ligt in de toekomst."))


class ActionForm(FlaskForm):
    """A button that changes one thing (lasting harm, an acute threat)."""


class NoticeForm(FlaskForm):
    done_on = DateField(_l("Op welke datum?"), validators=[InputRequired(_l("Vul de datum in.")), _not_in_future])


class AssessmentForm(FlaskForm):
    """A handler's assessment for the labour inspectorate (§6.4); the rules are in models.notices.assess."""

    reportable = RadioField(
        _l("Is dit een ernstig incident?"),
        choices=[
            ("yes", _l("Ja. De gemeente moet de Arbeidsinspectie waarschuwen.")),
            ("no", _l("Nee. Er hoeft geen melding naar de Arbeidsinspectie.")),
        ],
        validators=[InputRequired(_l("Kies of dit een ernstig incident is."))],
    )
    criteria = MultiCheckboxField(
        _l("Wat is de ambtsdrager overkomen?"),
        choices=[(c.value, _l(label)) for c, label in notices.CRITERION_LABELS.items()],
        description=_l("Alleen bij een ernstig incident. Kies alles wat geldt."),
    )
    known_at = DateTimeLocalField(
        _l("Sinds wanneer weet de gemeente dit?"),
        format=MOMENT_FORMATS,
        validators=[Optional()],
        description=_l("Alleen bij een ernstig incident. De 24 uur tellen vanaf dit moment."),
    )
    reason = TextAreaField(
        _l("Waarom is het geen ernstig incident?"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Alleen als het geen ernstig incident is."),
    )


class InspectorateNoticeForm(FlaskForm):
    notified_at = DateTimeLocalField(
        _l("Wanneer is de Arbeidsinspectie gewaarschuwd?"),
        format=MOMENT_FORMATS,
        validators=[InputRequired(_l("Vul in wanneer de Arbeidsinspectie is gewaarschuwd."))],
    )
    notified_by = StringField(
        _l("Door wie?"),
        validators=[InputRequired(_l("Vul in wie de Arbeidsinspectie heeft gewaarschuwd.")), Length(max=200)],
    )
    reference = StringField(
        _l("Kenmerk van de melding"),
        validators=[
            InputRequired(_l("Vul het kenmerk in dat de Arbeidsinspectie aan de melding gaf.")),
            Length(max=64),
        ],
        description=_l("Het nummer dat u van de Arbeidsinspectie kreeg."),
    )


class ProtectionMeasureForm(FlaskForm):
    description = TextAreaField(
        _l("Welke beveiligingsmaatregel?"),
        validators=[InputRequired(_l("Beschrijf de beveiligingsmaatregel.")), Length(max=2000)],
        description=_l("Zoals de politie die voorstelt."),
    )
    involved = StringField(
        _l("Met wie?"),
        validators=[
            InputRequired(_l("Vul in met wie de maatregel is afgesproken of wie hem uitvoert.")),
            Length(max=300),
        ],
        description=_l("Wie de maatregel uitvoert of erbij betrokken is. Bijvoorbeeld de politie."),
    )
    starts_on = DateField(
        _l("Sinds wanneer?"), validators=[InputRequired(_l("Vul in sinds wanneer de maatregel geldt."))]
    )
    ends_on = DateField(
        _l("Tot wanneer?"), validators=[Optional()], description=_l("Laat leeg als dat nog niet bekend is.")
    )


class MeasureEndForm(FlaskForm):
    ends_on = DateField(_l("Tot wanneer?"), validators=[InputRequired(_l("Vul de einddatum in."))])
