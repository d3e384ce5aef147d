from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from models import damages
from portal.forms import submit_token

AMOUNT_HELP = _l("In euro, bijvoorbeeld 349,95 of 1.200")


class Amount:
    """Reads an amount as people write it (models.damages.parse_amount); the cents go to field.cents."""

    def __init__(self, allow_zero: bool = False, optional: bool = False):
        self.allow_zero, self.optional = allow_zero, optional

    def __call__(self, form, field):
        field.cents = None
        if self.optional and not (field.data or "").strip():
            return
        try:
            field.cents = damages.parse_amount(field.data, allow_zero=self.allow_zero)
        except damages.AmountProblem as problem:
            raise ValidationError(_(problem.message, **problem.values)) from None


# An amount is typed as text (349,95 or 1.200); on a phone the keyboard with digits and a comma.
AMOUNT_INPUT = {"inputmode": "decimal", "autocomplete": "off"}


def amount_field(label, optional=False, allow_zero=False, description=AMOUNT_HELP):
    return StringField(
        label,
        validators=[Amount(allow_zero=allow_zero, optional=optional)],
        description=description,
        render_kw=AMOUNT_INPUT,
    )


class ClaimForm(FlaskForm):
    token = submit_token()
    category = RadioField(
        _l("Wat voor kosten zijn het?"),
        choices=[(c.value, _l(label)) for c, label in damages.CATEGORY_LABELS.items()],
        validators=[DataRequired(_l("Kies wat voor kosten het zijn."))],
    )
    description = TextAreaField(
        _l("Wat is er kapot of waarvoor heeft u betaald?"),
        validators=[DataRequired(_l("Schrijf kort wat er kapot is of waarvoor u heeft betaald.")), Length(max=2000)],
        description=_l("Bijvoorbeeld: de ruit van de voordeur, of een camera bij de voordeur."),
    )
    amount = amount_field(_l("Bedrag"))
    receipts = MultipleFileField(
        _l("Bon, factuur of offerte"), description=_l("Een foto of PDF. U kunt meer bestanden kiezen.")
    )


class AssessForm(FlaskForm):
    decision = RadioField(
        _l("Uw besluit"),
        choices=[(d.value, _l(label)) for d, label in damages.DECISION_LABELS.items()],
        validators=[DataRequired(_l("Kies een besluit."))],
    )
    # Both are needed for some decisions only: the help says plainly when (validate checks it).
    amount = amount_field(
        _l("Toegekend bedrag"),
        optional=True,
        description=_l("Alleen invullen als u een deel toekent. In euro, bijvoorbeeld 349,95 of 1.200"),
    )
    reason = TextAreaField(
        _l("Reden"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Alleen nodig als u een deel of niets toekent. De melder ziet deze reden."),
    )

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if (
            self.decision.data == damages.Decision.PARTIAL.value
            and self.amount.cents is None
            and not self.amount.errors
        ):
            self.amount.errors.append(_("Vul het bedrag in dat u toekent."))
            valid = False
        if (
            self.decision.data in (damages.Decision.PARTIAL.value, damages.Decision.REJECTED.value)
            and not (self.reason.data or "").strip()
        ):
            self.reason.errors.append(_("Schrijf op waarom u niet alles toekent. De melder ziet deze reden."))
            valid = False
        return valid


class PaymentForm(FlaskForm):
    """A payment out (to the victim, or a refund) or in (from the perpetrator)."""

    amount = amount_field(_l("Bedrag"))
    paid_on = DateField(_l("Datum van de betaling"), validators=[DataRequired(_l("Vul een geldige datum in."))])
    reference = StringField(
        _l("Betalingskenmerk"),
        validators=[DataRequired(_l("Vul het betalingskenmerk in.")), Length(max=64)],
        description=_l("Zoals op het bankafschrift. Eenzelfde kenmerk wordt maar één keer geboekt."),
    )


class ArrangementForm(FlaskForm):
    count = IntegerField(
        _l("Aantal termijnen"),
        validators=[
            DataRequired(_l("Vul een aantal termijnen in.")),
            NumberRange(1, 60, _l("Kies 1 tot 60 termijnen.")),
        ],
    )
    first_due = DateField(_l("Eerste termijn uiterlijk op"), validators=[DataRequired(_l("Vul een geldige datum in."))])
    every_days = IntegerField(
        _l("Elke zoveel dagen een termijn"),
        default=30,
        validators=[DataRequired(_l("Vul een aantal dagen in.")), NumberRange(1, 366, _l("Kies 1 tot 366 dagen."))],
    )


class WriteOffForm(FlaskForm):
    amount = amount_field(_l("Bedrag dat wordt afgeschreven"))
    reason = TextAreaField(
        _l("Reden"), validators=[DataRequired(_l("Schrijf op waarom dit bedrag wordt afgeschreven.")), Length(max=2000)]
    )


class CorrectionForm(FlaskForm):
    """A new amount to recover from one perpetrator, with the reason (booked as a correction)."""

    amount = StringField(
        _l("Nieuw bedrag te verhalen"),
        validators=[Amount(allow_zero=True)],
        description=_l("Het hele bedrag dat de veroorzaker moet betalen, in euro, bijvoorbeeld 349,95."),
        render_kw=AMOUNT_INPUT,
    )
    reason = TextAreaField(
        _l("Reden van de correctie"),
        validators=[DataRequired(_l("Schrijf op waarom het bedrag wordt gecorrigeerd.")), Length(max=2000)],
    )
    due_on = DateField(
        _l("Uiterlijk betalen op"),
        validators=[Optional()],
        description=_l("Voor wat er na de correctie nog open staat. Een betalingsregeling legt u daarna opnieuw vast."),
    )


class StepForm(FlaskForm):
    kind = SelectField(
        _l("Wat is er gedaan?"), choices=[(k.value, _l(label)) for k, label in damages.STEP_LABELS.items()]
    )
    done_on = DateField(_l("Datum"), validators=[DataRequired(_l("Vul een geldige datum in."))])
    note = TextAreaField(
        _l("Toelichting"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Bijvoorbeeld de naam van het incassobureau of het parketnummer."),
    )


class ReverseForm(FlaskForm):
    reason = StringField(
        _l("Reden van de correctie"),
        validators=[DataRequired(_l("Schrijf op waarom deze boeking wordt gecorrigeerd.")), Length(max=500)],
    )


def recovery_form(perpetrators_linked, default_shares: dict[int, str]):
    """One amount per perpetrator linked to the case (costs can be split), and the due date."""

    class RecoveryForm(FlaskForm):
        due_on = DateField(_l("Uiterlijk betalen op"), validators=[DataRequired(_l("Vul een geldige datum in."))])

    for perpetrator in perpetrators_linked:
        setattr(
            RecoveryForm,
            f"share_{perpetrator.id}",
            StringField(
                _l("Te verhalen op %(name)s", name=perpetrator.name or "?"),
                validators=[Amount(allow_zero=True, optional=True)],
                description=AMOUNT_HELP,
                default=default_shares.get(perpetrator.id, ""),
                render_kw=AMOUNT_INPUT,
            ),
        )
    return RecoveryForm
