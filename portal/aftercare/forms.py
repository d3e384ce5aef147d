from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from models import aftercare
from models.aftercare import ReferralStatus
from portal.damages.forms import AMOUNT_INPUT, Amount
from portal.forms import submit_token


def _choices(labels: dict):
    return [(key.value, _l(label)) for key, label in labels.items()]


class ConversationForm(FlaskForm):
    """One per conversation (prefix 'gesprek<n>'); `notes` is removed for whoever may not read them."""

    outcome = RadioField(
        _l("Hoe staat het gesprek?"),
        choices=_choices(aftercare.OUTCOME_LABELS),
        validators=[InputRequired(_l("Kies hoe het gesprek staat."))],
    )
    moment = DateTimeLocalField(
        _l("Datum en tijd"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
        # Not marked "niet verplicht": a held conversation is refused without it (models.aftercare).
        description=_l(
            "Is het gesprek gevoerd? Vul dan in wanneer. Is het gepland of uitgesteld? Vul dan de afspraak in."
        ),
    )
    notes = TextAreaField(
        _l("Vertrouwelijke aantekeningen"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Alleen zichtbaar voor wie dit gesprek voert."),
    )


def referral_kind_choices(contacts: dict):
    """The catalogue, each with the number to call when there is one."""
    from flask_babel import gettext

    return [
        (kind.value, f"{gettext(label)} — {contacts[kind]}" if contacts.get(kind) else gettext(label))
        for kind, label in aftercare.REFERRAL_LABELS.items()
    ]


def _cost_field():
    return StringField(
        _l("Bedrag dat de gemeente betaalt"),
        validators=[Amount(optional=True)],
        description=_l(
            "In euro, bijvoorbeeld 450,00. De gemeente draagt deze kosten zelf. Ze worden niet verhaald op de "
            "veroorzaker, tenzij een behandelaar dat besluit."
        ),
        render_kw=AMOUNT_INPUT,
    )


class ReferralForm(FlaskForm):
    token = submit_token()
    kind = SelectField(_l("Soort hulp"), validators=[InputRequired(_l("Kies de soort hulp."))])
    status = SelectField(
        _l("Stand"), choices=_choices(aftercare.REFERRAL_STATUS_LABELS), default=ReferralStatus.OFFERED.value
    )
    costs_covered = BooleanField(
        _l("De gemeente betaalt de kosten"),
        description=_l("Alleen bij professionele hulp: wat de zorgverzekering niet vergoedt."),
    )
    cost = _cost_field()
    note = TextAreaField(_l("Notitie"), validators=[Optional(), Length(max=5000)])


class ReferralUpdateForm(FlaskForm):
    status = SelectField(_l("Stand"), choices=_choices(aftercare.REFERRAL_STATUS_LABELS))
    costs_covered = BooleanField(_l("De gemeente betaalt de kosten"))
    cost = _cost_field()
    note = TextAreaField(
        _l("Nieuwe notitie"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Vervangt de notitie die er staat."),
    )


def referral_contacts_form(contacts: dict):
    """The admin's form: one field per kind of help."""

    class ReferralContactsForm(FlaskForm):
        pass

    for kind, label in aftercare.REFERRAL_LABELS.items():
        setattr(
            ReferralContactsForm,
            kind.value,
            StringField(_l(label), default=contacts[kind], validators=[Optional(), Length(max=300)]),
        )
    return ReferralContactsForm()
