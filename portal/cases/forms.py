from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from models import cases, scheme
from portal.reports.forms import MultiCheckboxField


def _choices(labels: dict, empty=None):
    return ([("", empty)] if empty else []) + [(key.value, _l(label)) for key, label in labels.items()]


class InboxFilter(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    status = SelectField(
        _l("Status"),
        choices=_choices(cases.STATUS_LABELS, _l("Alle open meldingen")) + [("all", _l("Alle, ook afgesloten"))],
        validators=[Optional()],
    )
    behaviour_class = SelectField(
        _l("Soort gedrag"), choices=_choices(scheme.CLASS_LABELS, _l("Alle soorten")), validators=[Optional()]
    )
    date_from = DateField(_l("Gemeld vanaf"), validators=[Optional()])
    date_to = DateField(_l("Gemeld tot en met"), validators=[Optional()])
    scope = SelectField(
        _l("Welke meldingen"),
        choices=[
            ("", _l("Alle meldingen die ik mag zien")),
            ("mine", _l("Aan mij toegewezen")),
            ("overdue", _l("Te laat opgepakt")),
        ],
        validators=[Optional()],
    )
    sort = SelectField(
        _l("Sorteren"),
        choices=[
            ("newest", _l("Nieuwste eerst")),
            ("oldest", _l("Oudste eerst")),
            ("severity", _l("Ernstigste eerst")),
        ],
        validators=[Optional()],
    )


class StatusForm(FlaskForm):
    status = SelectField(_l("Nieuwe status"), choices=_choices(cases.STATUS_LABELS))


class AssignForm(FlaskForm):
    handler = SelectField(_l("Toewijzen aan"), coerce=int)


class NoteForm(FlaskForm):
    body = TextAreaField(
        _l("Interne notitie"),
        validators=[DataRequired(_l("Schrijf eerst een notitie.")), Length(max=10000)],
        description=_l(
            "Alleen zichtbaar voor wie de melding behandelt of erover geïnformeerd is. De melder ziet dit niet."
        ),
    )


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Bericht aan de melder"),
        validators=[DataRequired(_l("Schrijf eerst een bericht.")), Length(max=10000)],
        description=_l("De melder krijgt een e-mail dat er een bericht is, zonder de inhoud."),
    )


class GrantForm(FlaskForm):
    person = SelectField(_l("Toegang geven aan"), coerce=int)


class ConvertForm(FlaskForm):
    behaviours = MultiCheckboxField(
        _l("Wat deed de persoon?"),
        choices=[(b.code, _l(b.label)) for b in scheme.BEHAVIOURS],
        validators=[DataRequired(_l("Kies minstens één gedraging."))],
    )
