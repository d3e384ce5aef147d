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


# The case page holds many forms (its own and the panels'): each field has an id of its own, so a
# label never points at another form's field.


class StatusForm(FlaskForm):
    status = SelectField(_l("Nieuwe status"), choices=_choices(cases.STATUS_LABELS), id="status-new")
    reason = TextAreaField(
        _l("Waarom zet u de status met de hand?"),
        validators=[DataRequired(_l("Schrijf op waarom u de status met de hand verandert.")), Length(max=2000)],
        description=_l("Alleen behandelaars lezen dit. De status volgt verder vanzelf het werk."),
        id="status-reason",
    )


class AssignForm(FlaskForm):
    handler = SelectField(_l("Toewijzen aan"), coerce=int, id="assign-handler")


class NoteForm(FlaskForm):
    body = TextAreaField(
        _l("Interne notitie"),
        validators=[DataRequired(_l("Schrijf eerst een notitie.")), Length(max=10000)],
        description=_l("Alleen voor behandelaars en wie geïnformeerd is. De melder ziet dit niet."),
        id="note-body",
    )


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Bericht aan de melder"),
        validators=[DataRequired(_l("Schrijf eerst een bericht.")), Length(max=10000)],
        description=_l(
            "De melder leest dit in Mijn meldingen en krijgt een e-mail dat er een bericht is, zonder de inhoud."
        ),
        id="message-body",
    )


class GrantForm(FlaskForm):
    person = SelectField(_l("Toegang geven aan"), coerce=int, id="grant-person")


class ConvertForm(FlaskForm):
    behaviours = MultiCheckboxField(
        _l("Wat deed de persoon?"),
        id="convert-behaviours",
        choices=[(b.code, _l(b.label)) for b in scheme.BEHAVIOURS],
        validators=[DataRequired(_l("Kies minstens één gedraging."))],
    )
