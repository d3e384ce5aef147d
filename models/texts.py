"""Texts the municipality edits: its name and the letters the portal prints (Dutch templates).

Letters are rendered in a sandbox (the admin writes them), with only the fields they need."""

from __future__ import annotations

import peewee
from jinja2 import TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from models import clock
from models.base import BaseModel
from models.i18n import N_

# A written building ban (§6.2) is a decision of the mayor: the letter says what is decided and why
# (the mayor's own words), on what legal basis, for what period, what follows a violation, and how to
# object (bezwaar, Awb). Fields: see BAN_LETTER_SAMPLE; REQUIRED_FIELDS says which it must use.
# A letter's text is the letter itself: the letterhead, the addressee, the date and kenmerk and the
# signature (name, function, room to sign) are laid out around it (models.letters, portal.letters);
# a first line "Onderwerp: …" is the subject next to the kenmerk.
BAN_LETTER = """Onderwerp: besluit ontzegging toegang gemeentelijke gebouwen

Geachte heer/mevrouw,

Op {{ datum_incident }} heeft u zich tegenover een politieke ambtsdrager van de gemeente gedragen op een manier die wij niet accepteren. In deze brief leest u wat ik daarom heb besloten.

Mijn besluit
Ik ontzeg u de toegang tot de gebouwen van de gemeente. Dit geldt van {{ begindatum }} tot en met {{ einddatum }}.

Waarom ik dit besluit
{{ redenen }}

Waarop dit besluit is gebaseerd
Ik neem dit besluit als burgemeester op grond van artikel 174 van de Gemeentewet. De burgemeester houdt toezicht op de gebouwen van de gemeente die open zijn voor publiek.

Wat gebeurt er als u zich niet aan dit besluit houdt?
Komt u in deze periode toch in een gebouw van de gemeente? Dan waarschuwen wij direct de politie. U pleegt dan opnieuw een strafbaar feit: huisvredebreuk of lokaalvredebreuk. Daarvan doen wij opnieuw aangifte bij de politie.

Bent u het niet eens met dit besluit?
Dan kunt u bezwaar maken. Dat moet binnen zes weken nadat wij deze brief hebben verstuurd. Stuur uw bezwaarschrift naar de burgemeester, {{ adres_gemeente }}. Zet in uw bezwaarschrift:
- uw naam en adres;
- de datum;
- het kenmerk van deze brief: {{ kenmerk }};
- waarom u het niet eens bent met dit besluit.
Zet uw handtekening onder het bezwaarschrift. Zo staat het in de Algemene wet bestuursrecht.

Ook als u bezwaar maakt, blijft dit besluit gelden. Wilt u dat het besluit niet geldt zolang uw bezwaar loopt? Dan kunt u de voorzieningenrechter van de rechtbank vragen om een voorlopige voorziening. Daarvoor betaalt u griffierecht.

Met vriendelijke groet,
"""

# Damages (§6.4): the claim on the perpetrator, the reminder and the formal demand. Fields: gemeente,
# naam, adres, plaats_datum, datum_incident, kenmerk, bedrag, openstaand, vervaldatum, termijnen, ondertekenaar.
CLAIM_LETTER = """Onderwerp: vergoeding van schade

Geachte heer/mevrouw,

Op {{ datum_incident }} heeft u een politieke ambtsdrager van de gemeente schade toegebracht. De gemeente heeft deze schade vergoed. Wij vragen u dit bedrag aan de gemeente terug te betalen.

Het bedrag is: {{ bedrag }}

Betaal dit bedrag uiterlijk op {{ vervaldatum }}. Vermeld bij de betaling het kenmerk {{ kenmerk }}.
{% if termijnen %}
Wij hebben met u afgesproken dat u in termijnen betaalt:
{{ termijnen }}
{% endif %}
Betaalt u niet op tijd? Dan sturen wij u een herinnering en daarna een aanmaning. Betaalt u dan nog niet, dan kunnen wij de vordering overdragen aan een incassobureau of een advocaat. De kosten daarvan komen voor uw rekening.

Met vriendelijke groet,
"""

REMINDER_LETTER = """Onderwerp: herinnering

Geachte heer/mevrouw,

Wij hebben u gevraagd de schade terug te betalen die u heeft toegebracht op {{ datum_incident }}. De betaling moest uiterlijk op {{ vervaldatum }} binnen zijn. Wij hebben nog niet alles ontvangen.

Nog te betalen: {{ openstaand }}

Betaal dit bedrag binnen 14 dagen na de datum van deze brief. Vermeld bij de betaling het kenmerk {{ kenmerk }}. Heeft u al betaald? Dan kunt u deze brief als niet verzonden beschouwen.

Met vriendelijke groet,
"""

DEMAND_LETTER = """Onderwerp: aanmaning

Geachte heer/mevrouw,

Wij hebben u eerder gevraagd de schade terug te betalen die u heeft toegebracht op {{ datum_incident }}, en u daarna een herinnering gestuurd. Wij hebben nog steeds niet alles ontvangen.

Nog te betalen: {{ openstaand }}

Dit is een aanmaning. Betaal dit bedrag binnen 14 dagen na de datum van deze brief. Vermeld bij de betaling het kenmerk {{ kenmerk }}. Betaalt u niet op tijd, dan dragen wij de vordering over aan een incassobureau of een advocaat, zonder u nog een brief te sturen. De kosten daarvan komen voor uw rekening.

Met vriendelijke groet,
"""

# The fields each damages letter may use, with sample values to try an edited text before it is saved.
DAMAGES_LETTER_SAMPLE = {
    "gemeente": "Gemeente Voorbeeld",
    "naam": "J. Jansen",
    "adres": "Dorpsstraat 1, 1234 AB Voorbeeld",
    "plaats_datum": "Voorbeeld, 1 maart 2026",
    "datum_incident": "14 februari 2026",
    "kenmerk": "VB-2026-0001-3F2A1C",
    "bedrag": "€ 1.549,95",
    "openstaand": "€ 1.033,30",
    "vervaldatum": "1 april 2026",
    "termijnen": "- 1 april 2026: € 516,65\n- 1 mei 2026: € 516,65\n- 31 mei 2026: € 516,65",
    "ondertekenaar": "I. Meijer",
}
BAN_LETTER_SAMPLE = {
    "gemeente": "Gemeente Voorbeeld",
    "naam": "J. Jansen",
    "adres": "Dorpsstraat 1, 1234 AB Voorbeeld",
    "plaats_datum": "Voorbeeld, 1 maart 2026",
    "kenmerk": "VB-2026-0001-M1",
    "adres_gemeente": "Raadhuisplein 1, 1234 AB Voorbeeld",
    "datum_incident": "14 februari 2026",
    "begindatum": "1 maart 2026",
    "einddatum": "31 mei 2026",
    "redenen": "U heeft een raadslid bedreigd. Dat accepteer ik niet.",
    "burgemeester": "A. de Burgemeester",
}
# The fields each editable text may use, with sample values to check an edited text before saving.
LETTER_SAMPLES = {
    "municipality_name": {},
    "municipality_address": {},
    "ban_letter": BAN_LETTER_SAMPLE,
    **{
        key: DAMAGES_LETTER_SAMPLE
        for key in ("damages_claim_letter", "damages_reminder_letter", "damages_demand_letter")
    },
}

DEFAULTS = {
    "municipality_name": ("Gemeente Demodorp", N_("Naam van de gemeente")),
    # Stands in for the victim's home address in what goes to the police (choice of domicile, §6.4).
    "municipality_address": (
        "Raadhuisplein 1, 1234 AB Demodorp",
        N_("Adres van de gemeente (staat in een aangifte in plaats van het woonadres van de ambtsdrager)"),
    ),
    "ban_letter": (BAN_LETTER, N_("Brief: ontzegging van de toegang tot gemeentelijke gebouwen")),
    "damages_claim_letter": (CLAIM_LETTER, N_("Brief: vordering van schade op de veroorzaker")),
    "damages_reminder_letter": (REMINDER_LETTER, N_("Brief: herinnering aan de veroorzaker")),
    "damages_demand_letter": (DEMAND_LETTER, N_("Brief: aanmaning aan de veroorzaker")),
}


class EditableText(BaseModel):
    key = peewee.CharField(max_length=64, primary_key=True)
    body = peewee.TextField()
    updated_at = peewee.DateTimeField(default=clock.utcnow)
    updated_by = peewee.IntegerField(null=True)


def get(key: str) -> str:
    row = EditableText.get_or_none(EditableText.key == key)
    return row.body if row else DEFAULTS[key][0]


def change(key: str, body: str, actor_id: int) -> None:
    if key not in DEFAULTS:
        raise KeyError(key)
    (
        EditableText.insert(key=key, body=body, updated_at=clock.utcnow(), updated_by=actor_id)
        .on_conflict(
            conflict_target=[EditableText.key],
            update={
                EditableText.body: body,
                EditableText.updated_at: clock.utcnow(),
                EditableText.updated_by: actor_id,
            },
        )
        .execute()
    )


_sandbox = SandboxedEnvironment(autoescape=False, keep_trailing_newline=True)


class TemplateProblem(Exception):
    pass


# What a letter must say however the municipality edits it: a ban's reference, period and reasons.
REQUIRED_FIELDS = {"ban_letter": ("kenmerk", "begindatum", "einddatum", "redenen")}


def missing_fields(key: str, body: str) -> list[str]:
    """The required fields an (edited) letter leaves out; a text that does not parse is refused for that."""
    try:
        used = meta.find_undeclared_variables(_sandbox.parse(body))
    except TemplateSyntaxError:
        return []
    return [name for name in REQUIRED_FIELDS.get(key, ()) if name not in used]


def render_letter(key: str, fields: dict, body: str | None = None) -> str:
    """Plain text of a letter; the page that shows it escapes it."""
    try:
        return _sandbox.from_string(body if body is not None else get(key)).render(**fields)
    except Exception as error:  # a broken template must not break the case page
        raise TemplateProblem(str(error)) from None
