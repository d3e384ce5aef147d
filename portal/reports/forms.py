"""The report form, step by step, following the protocol's scheme (§3)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from models import cases, evidence, scheme
from models.clock import to_local, utcnow
from models.consent import PURPOSE_QUESTIONS, Purpose


def _choices(labels: dict):
    return [(key.value, _l(label)) for key, label in labels.items()]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


YES_NO = [("yes", _l("Ja")), ("no", _l("Nee"))]


class BehaviourStep(FlaskForm):
    """First a plain choice (scheme.SITUATIONS), then the concrete behaviours of the chosen ones."""

    situations = MultiCheckboxField(
        _l("Wat is er gebeurd?"),
        choices=[(s.code, _l(s.label)) for s in scheme.SITUATIONS],
        validators=[DataRequired(_l("Kies bij ‘Wat is er gebeurd?’ minstens één antwoord."))],
        description=_l("Kies alles wat past. Daarna vragen we wat de persoon precies deed."),
    )
    behaviours = MultiCheckboxField(
        _l("Wat deed de persoon precies?"),
        choices=[(b.code, _l(scheme.PLAIN_LABELS[b.code])) for b in scheme.BEHAVIOURS],
    )
    after_addressed = RadioField(
        _l("Is de persoon aangesproken op het gedrag, en veranderde het daarna?"),
        choices=_choices(scheme.AFTER_ADDRESSED_LABELS),
        validators=[Optional()],
    )
    recurring = RadioField(
        _l("Is dit vaker gebeurd, door dezelfde persoon of op dezelfde manier?"),
        choices=YES_NO,
        validators=[Optional()],
    )

    def validate_behaviours(self, field):
        if self.situations.data and not scheme.chosen_behaviours(self.situations.data, field.data or []):
            raise ValidationError(_l("Kies bij ‘Wat deed de persoon precies?’ minstens één antwoord."))


def _today():
    return to_local(utcnow()).date()


def _not_in_future(form, field):
    if field.data and field.data > _today():
        raise ValidationError(_l("Deze datum ligt in de toekomst. Vul de datum in waarop het gebeurde."))


class WhenWhereStep(FlaskForm):
    occurred_date = DateField(
        _l("Op welke dag gebeurde het?"),
        default=_today,
        validators=[InputRequired(_l("Vul bij ‘Op welke dag gebeurde het?’ een datum in.")), _not_in_future],
        description=_l("Vandaag staat al ingevuld. Was het een andere dag? Pas de datum dan aan."),
    )
    occurred_time = TimeField(_l("Hoe laat ongeveer?"), validators=[Optional()])
    channel = RadioField(
        _l("Hoe of waar gebeurde het?"),
        choices=_choices(cases.CHANNEL_LABELS),
        validators=[InputRequired(_l("Kies bij ‘Hoe of waar gebeurde het?’ een antwoord."))],
    )
    location = StringField(
        _l("Waar was het?"),
        validators=[Optional(), Length(max=300)],
        description=_l("Bijvoorbeeld: het gemeentehuis, de markt, mijn straat."),
    )
    target = RadioField(
        _l("Op wie was het gericht?"),
        choices=_choices(cases.TARGET_LABELS),
        validators=[Optional()],
    )
    narrative = TextAreaField(
        _l("Vertel wat er gebeurde"),
        validators=[Optional(), Length(max=20000)],
        description=_l("In uw eigen woorden. Wat zei of deed de persoon? Waren er getuigen?"),
    )


class MeetingStep(FlaskForm):
    """Only for an incident at a meeting (channel MEETING)."""

    meeting_disrupted = BooleanField(_l("De vergadering werd verstoord"))
    meeting_orders_out = IntegerField(
        _l("Hoe vaak heeft de voorzitter de persoon gevraagd te vertrekken?"),
        validators=[
            Optional(),
            NumberRange(0, 50, _l("Vul bij ‘Hoe vaak heeft de voorzitter…’ een getal van 0 tot en met 50 in.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    livestream_stopped = BooleanField(_l("De livestream is stopgezet"))


# What the file field offers to pick: the types models.evidence accepts (it checks the bytes, not this).
EVIDENCE_ACCEPT = ",".join(
    [*evidence.ALLOWED_TYPES, ".png", ".jpg", ".jpeg", ".gif", ".webp", ".heic", ".pdf", ".eml", ".txt"]
)


class OnlineStep(FlaskForm):
    """The online details only for online channels (cases.ONLINE_CHANNELS); evidence for every channel."""

    ONLINE_FIELDS = ("platform", "sender_account", "urls", "message_date", "message_time", "reported_to_platform")
    platform = StringField(
        _l("Op welk platform of in welke app?"),
        validators=[Optional(), Length(max=64)],
        description=_l("Bijvoorbeeld: X, Facebook, Instagram, WhatsApp, TikTok, e-mail."),
    )
    sender_account = StringField(_l("Account of adres van de afzender"), validators=[Optional(), Length(max=500)])
    urls = TextAreaField(
        _l("Links naar de berichten"), validators=[Optional(), Length(max=5000)], description=_l("Eén link per regel.")
    )
    message_date = DateField(_l("Datum van het bericht"), validators=[Optional(), _not_in_future])
    message_time = TimeField(_l("Tijd van het bericht"), validators=[Optional()])
    reported_to_platform = RadioField(
        _l("Heeft u het bericht ook gemeld bij het platform?"),
        validators=[Optional()],
        choices=YES_NO,
        description=_l("Het protocol vraagt u online berichten ook bij het platform zelf te melden."),
    )
    files = MultipleFileField(_l("Bewijs toevoegen"), render_kw={"accept": EVIDENCE_ACCEPT})


class PerpetratorStep(FlaskForm):
    """Who did it, and the consequences (one step: neither has a question that must be answered)."""

    perpetrator_known = RadioField(
        _l("Weet u wie het deed?"),
        choices=[("yes", _l("Ja, of ik weet iets over de persoon")), ("no", _l("Nee"))],
        validators=[Optional()],
    )
    perpetrator_name = StringField(_l("Naam"), validators=[Optional(), Length(max=200)])
    perpetrator_birth_date = DateField(_l("Geboortedatum"), validators=[Optional()])
    perpetrator_address = StringField(_l("Adres"), validators=[Optional(), Length(max=300)])
    perpetrator_description = TextAreaField(
        _l("Beschrijving"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Hoe zag de persoon eruit? Wat weet u nog meer?"),
    )
    perpetrator_acts_for = RadioField(
        _l("Deed de persoon dit voor zichzelf, of namens een bedrijf, organisatie of groep?"),
        choices=_choices(cases.ACTS_FOR_LABELS),
        validators=[Optional()],
    )
    perpetrator_organisation = StringField(
        _l("Naam van het bedrijf, de organisatie of groep"), validators=[Optional(), Length(max=200)]
    )
    injury_physical = BooleanField(_l("Lichamelijk letsel"))
    injury_mental = BooleanField(_l("Psychische klachten, zoals angst of slecht slapen"))
    hospital_admission = BooleanField(_l("Opname in het ziekenhuis"))
    property_damage = BooleanField(_l("Schade aan spullen, zoals een ruit, auto of telefoon"))
    extra_costs = BooleanField(_l("Extra kosten, zoals beveiliging of reiskosten"))


CONSEQUENCE_FIELDS = ("injury_physical", "injury_mental", "hospital_admission", "property_damage", "extra_costs")


class ConsentStep(FlaskForm):
    """Consent asked while filing (models.consent): field `consent_<purpose>` for each of PURPOSES.
    Not required: someone who was just threatened may decide later, in Mijn meldingen."""

    PURPOSES = (Purpose.POLICE_REPORT, Purpose.INFORM_OTHERS)
    consent_police_report = RadioField(
        _l(PURPOSE_QUESTIONS[Purpose.POLICE_REPORT]),
        choices=YES_NO,
        validators=[Optional()],
        description=_l(
            "De gemeente doet aangifte met uw toestemming. U werkt daar zelf aan mee. U mag dit ook later beslissen of veranderen in Mijn meldingen."
        ),
    )
    consent_inform_others = RadioField(
        _l(PURPOSE_QUESTIONS[Purpose.INFORM_OTHERS]),
        choices=YES_NO,
        validators=[Optional()],
        description=_l(
            "Bijvoorbeeld de andere leden van de raad of het college. Zonder uw toestemming hoort niemand anders het. U mag dit ook later beslissen of veranderen in Mijn meldingen."
        ),
    )


# (name in the address, title, form). Which of them apply to a report: reports.applicable_steps.
STEPS = [
    ("wat", _l("Wat is er gebeurd?"), BehaviourStep),
    ("wanneer", _l("Wanneer en waar?"), WhenWhereStep),
    ("vergadering", _l("De vergadering"), MeetingStep),
    ("bewijs", _l("Bewijs"), OnlineStep),
    ("wie", _l("Wie deed het, en de gevolgen"), PerpetratorStep),
    ("versturen", _l("Controleren en versturen"), ConsentStep),
]


class ConsultationForm(FlaskForm):
    question = TextAreaField(
        _l("Waar twijfelt u over?"),
        validators=[DataRequired(_l("Vertel kort wat er gebeurde of waar u over twijfelt.")), Length(max=10000)],
        description=_l("Vertel kort wat er gebeurde. U hoeft nog niet alles te weten."),
    )
    occurred_date = DateField(_l("Wanneer gebeurde het?"), validators=[Optional(), _not_in_future])
    channel = SelectField(
        _l("Hoe of waar gebeurde het?"),
        choices=[("", _l("Weet ik niet of wil ik niet zeggen"))] + _choices(cases.CHANNEL_LABELS),
        validators=[Optional()],
    )


class OnBehalfForm(FlaskForm):
    reporter = SelectField(
        _l("Voor wie maakt u de melding?"),
        coerce=int,
        validators=[InputRequired(_l("Kies de ambtsdrager voor wie u de melding maakt."))],
    )


class AddInformationForm(FlaskForm):
    message = TextAreaField(_l("Bericht of aanvulling"), validators=[Optional(), Length(max=10000)])
    platform = StringField(_l("Nieuw online bericht: platform of app"), validators=[Optional(), Length(max=64)])
    sender_account = StringField(_l("Account of adres van de afzender"), validators=[Optional(), Length(max=500)])
    urls = TextAreaField(_l("Links naar de berichten"), validators=[Optional(), Length(max=5000)])
    message_date = DateField(_l("Datum van het bericht"), validators=[Optional(), _not_in_future])
    message_time = TimeField(_l("Tijd van het bericht"), validators=[Optional()])
    reported_to_platform = BooleanField(_l("Ik heb dit bericht ook gemeld bij het platform"))
    files = MultipleFileField(_l("Bewijs toevoegen"))
