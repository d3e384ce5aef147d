from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, DateTimeLocalField, HiddenField, SelectField
from wtforms.validators import InputRequired

from models.prevention import SESSION_LABELS
from portal.forms import submit_token
from portal.reports.forms import MultiCheckboxField


class TermForm(FlaskForm):
    starts_on = DateField(_l("Eerste dag van de raadsperiode"), validators=[InputRequired(_l("Vul de begindatum in."))])
    ends_on = DateField(_l("Laatste dag van de raadsperiode"), validators=[InputRequired(_l("Vul de einddatum in."))])


class SessionForm(FlaskForm):
    token = submit_token()  # the form sent twice stores one session
    kind = SelectField(_l("Wat is er gehouden?"), choices=[(k.value, _l(label)) for k, label in SESSION_LABELS.items()])
    held_on = DateField(_l("Datum"), validators=[InputRequired(_l("Vul de datum in."))])
    attendees = MultiCheckboxField(_l("Wie waren er?"), coerce=int, choices=[], validate_choice=False)


class CouncilUploadForm(FlaskForm):
    file = FileField(
        _l("Bestand met de nieuwe raad (CSV)"),
        description=_l(
            "Per regel: naam, e-mailadres, rol en fractie. Bijvoorbeeld: Anna de Vries;anna@gemeente.nl;Raadslid;Groen Links"
        ),
    )


class CouncilConfirmForm(FlaskForm):
    text = HiddenField()


class InvitationForm(FlaskForm):
    """The next briefing: everyone who attended none of this term's briefings is invited to it."""

    briefing_at = DateTimeLocalField(
        _l("Wanneer is de volgende voorlichting?"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[InputRequired(_l("Vul de datum en tijd van de volgende voorlichting in."))],
    )
