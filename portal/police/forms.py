from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from models import clock, police


def _not_in_future(form, field):
    if field.data and field.data > clock.to_local(clock.utcnow()).date():
        raise ValidationError(_l("Deze datum ligt in de toekomst."))


class ActionForm(FlaskForm):
    """A button that changes one thing (consent, feedback given, lasting harm)."""


class FileForm(FlaskForm):
    filed_on = DateField(
        _l("Datum van de aangifte"), validators=[InputRequired(_l("Vul de datum van de aangifte in.")), _not_in_future]
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


class NoticeForm(FlaskForm):
    done_on = DateField(_l("Op welke datum?"), validators=[InputRequired(_l("Vul de datum in.")), _not_in_future])
