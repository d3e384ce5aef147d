from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from models import clock, police


def _not_in_future(form, field):
    if field.data and field.data > clock.to_local(clock.utcnow()).date():
        raise ValidationError(_l("Deze datum ligt in de toekomst."))


class ActionForm(FlaskForm):
    """A button that changes one thing (lasting harm), or a download that can be refused."""


class FileForm(FlaskForm):
    subject = RadioField(
        _l("Waar gaat de aangifte over?"),
        choices=[(s.value, _l(label)) for s, label in police.SUBJECT_LABELS.items()],
        default=police.ReportSubject.INCIDENT.value,  # one is always chosen: the incident itself unless said
        validators=[DataRequired(_l("Kies waar de aangifte over gaat."))],
    )
    filed_on = DateField(
        _l("Datum van de aangifte"), validators=[InputRequired(_l("Vul de datum van de aangifte in.")), _not_in_future]
    )
    police_station = StringField(
        _l("Politiebureau"),
        validators=[InputRequired(_l("Vul in bij welk politiebureau de aangifte is gedaan.")), Length(max=120)],
        description=_l("Bijvoorbeeld: Politiebureau Demodorp, of: online via politie.nl."),
    )
    registration_number = StringField(
        _l("Registratienummer van de politie"),
        validators=[InputRequired(_l("Vul het registratienummer van de politie in.")), Length(max=64)],
        description=_l("Dit staat op het bewijs van aangifte."),
    )


class StatusForm(FlaskForm):
    status = SelectField(
        _l("Stand van het onderzoek"),
        choices=[(s.value, _l(label)) for s, label in police.INVESTIGATION_LABELS.items()],
    )
    decision = TextAreaField(_l("Beslissing van het Openbaar Ministerie"), validators=[Optional(), Length(max=5000)])
    outcome = TextAreaField(_l("Afloop"), validators=[Optional(), Length(max=5000)])


class FeedbackForm(FlaskForm):
    """'The victim was told': carries the last feedback the handler saw, so a second send stores nothing."""

    after = IntegerField(widget=HiddenInput(), validators=[Optional()])


class ProsecutorForm(FlaskForm):
    done_on = DateField(
        _l("Op welke datum is het OM op de hoogte gesteld?"),
        validators=[InputRequired(_l("Vul de datum in.")), _not_in_future],
    )


class NoticeForm(FlaskForm):
    done_on = DateField(_l("Op welke datum?"), validators=[InputRequired(_l("Vul de datum in.")), _not_in_future])
