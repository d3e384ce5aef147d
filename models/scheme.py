"""The protocol's scheme of behaviour (§3): concrete behaviours, the class they belong to, and
whether reporting is required, advised or optional.

What makes behaviour norm-violating is its direction (aimed at the person), not its intensity;
persistent emotion or behaviour that does not change after the citizen is addressed can be
norm-violating too.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from models.i18n import N_


class BehaviourClass(str, Enum):
    EMOTION_SELF = "emotion_self"
    EMOTION_POLICY = "emotion_policy"
    VERBAL_AGGRESSION = "verbal_aggression"
    THREAT = "threat"
    PHYSICAL_VIOLENCE = "physical_violence"


# From least to most serious: a report takes the most serious class among its behaviours.
SEVERITY = [
    BehaviourClass.EMOTION_SELF,
    BehaviourClass.EMOTION_POLICY,
    BehaviourClass.VERBAL_AGGRESSION,
    BehaviourClass.THREAT,
    BehaviourClass.PHYSICAL_VIOLENCE,
]

CLASS_LABELS = {
    BehaviourClass.EMOTION_SELF: N_("Emotie over de eigen situatie"),
    BehaviourClass.EMOTION_POLICY: N_("Emotie over regels of beleid"),
    BehaviourClass.VERBAL_AGGRESSION: N_("Verbale agressie"),
    BehaviourClass.THREAT: N_("Bedreiging of intimidatie"),
    BehaviourClass.PHYSICAL_VIOLENCE: N_("Fysiek geweld"),
}

CLASS_HINTS = {
    BehaviourClass.EMOTION_SELF: N_("Gaat over de persoon zelf. Vaak te herkennen aan het woord ‘ik’."),
    BehaviourClass.EMOTION_POLICY: N_(
        "Kritiek op regels, beleid of het bestuur. Vaak te herkennen aan het woord ‘jullie’."
    ),
    BehaviourClass.VERBAL_AGGRESSION: N_("Persoonlijk gericht op u. Vaak te herkennen aan het woord ‘jij’."),
    BehaviourClass.THREAT: N_(
        "Gaat verder dan woorden: een dreiging of een suggestie van geweld, gericht op u persoonlijk."
    ),
    BehaviourClass.PHYSICAL_VIOLENCE: N_("Gaat verder dan dreigen: geweld tegen mensen, dieren of spullen."),
}


@dataclass(frozen=True)
class Behaviour:
    code: str
    behaviour_class: BehaviourClass
    label: str


BEHAVIOURS: list[Behaviour] = [
    Behaviour("asking_exception", BehaviourClass.EMOTION_SELF, N_("Om een uitzondering of begrip vragen")),
    Behaviour("complaining", BehaviourClass.EMOTION_SELF, N_("Klagen")),
    Behaviour("making_excuses", BehaviourClass.EMOTION_SELF, N_("Excuses verzinnen")),
    Behaviour("appeal_reasonableness", BehaviourClass.EMOTION_SELF, N_("Een beroep doen op redelijkheid")),
    Behaviour("dependent_claiming", BehaviourClass.EMOTION_SELF, N_("Afhankelijk gedrag of claimen")),
    Behaviour("arguing", BehaviourClass.EMOTION_POLICY, N_("In discussie gaan")),
    Behaviour("holding_to_account", BehaviourClass.EMOTION_POLICY, N_("Ter verantwoording roepen")),
    Behaviour("accusing", BehaviourClass.EMOTION_POLICY, N_("Beschuldigen of schande spreken")),
    Behaviour("power_struggle", BehaviourClass.EMOTION_POLICY, N_("Een machtsstrijd aangaan")),
    Behaviour("obstruction", BehaviourClass.EMOTION_POLICY, N_("Obstructie, dwarsliggen")),
    Behaviour("taunting", BehaviourClass.VERBAL_AGGRESSION, N_("Sarren, zuigen of treiteren")),
    Behaviour("provoking", BehaviourClass.VERBAL_AGGRESSION, N_("Uitlokken")),
    Behaviour("rudeness", BehaviourClass.VERBAL_AGGRESSION, N_("Grof zijn")),
    Behaviour("swearing", BehaviourClass.VERBAL_AGGRESSION, N_("Schelden")),
    Behaviour("ridicule", BehaviourClass.VERBAL_AGGRESSION, N_("Belachelijk maken")),
    Behaviour("insulting", BehaviourClass.VERBAL_AGGRESSION, N_("Beledigen")),
    Behaviour(
        "defamation", BehaviourClass.VERBAL_AGGRESSION, N_("Smaad of laster (iets onwaars over u rondvertellen)")
    ),
    Behaviour("threatening", BehaviourClass.THREAT, N_("Dreigen, met woorden of zonder woorden")),
    Behaviour("threatening_violence", BehaviourClass.THREAT, N_("Dreigen met geweld")),
    Behaviour("intimidation", BehaviourClass.THREAT, N_("Intimideren")),
    Behaviour("sexual_intimidation", BehaviourClass.THREAT, N_("Seksuele intimidatie")),
    Behaviour(
        "stalking",
        BehaviourClass.THREAT,
        N_("Belagen of stalken: steeds appen, mailen of bellen, ongewenste cadeaus sturen, achtervolgen"),
    ),
    Behaviour("kicking", BehaviourClass.PHYSICAL_VIOLENCE, N_("Schoppen")),
    Behaviour("hitting", BehaviourClass.PHYSICAL_VIOLENCE, N_("Slaan")),
    Behaviour("spitting", BehaviourClass.PHYSICAL_VIOLENCE, N_("Spugen")),
    Behaviour("grabbing", BehaviourClass.PHYSICAL_VIOLENCE, N_("Beetpakken")),
    Behaviour("pulling", BehaviourClass.PHYSICAL_VIOLENCE, N_("Trekken of duwen")),
    Behaviour("vandalism", BehaviourClass.PHYSICAL_VIOLENCE, N_("Vernielen")),
    Behaviour("throwing", BehaviourClass.PHYSICAL_VIOLENCE, N_("Met voorwerpen gooien")),
]
BEHAVIOUR_BY_CODE = {b.code: b for b in BEHAVIOURS}

# The same behaviours in plain words (B1), for someone who was just threatened; the protocol's own
# term (Behaviour.label) is shown next to it as a hint.
PLAIN_LABELS = {
    "asking_exception": N_("Vroeg om een uitzondering of om begrip"),
    "complaining": N_("Klaagde"),
    "making_excuses": N_("Verzon smoesjes"),
    "appeal_reasonableness": N_("Zei dat het oneerlijk was en vroeg om redelijkheid"),
    "dependent_claiming": N_("Claimde mij of werd erg afhankelijk van mij"),
    "arguing": N_("Bleef in discussie gaan"),
    "holding_to_account": N_("Eiste uitleg of verantwoording van mij"),
    "accusing": N_("Beschuldigde mij of sprak er schande van"),
    "power_struggle": N_("Wilde per se zijn of haar zin krijgen"),
    "obstruction": N_("Werkte tegen of lag dwars"),
    "taunting": N_("Pestte of treiterde mij"),
    "provoking": N_("Probeerde mij uit te lokken"),
    "rudeness": N_("Was grof tegen mij"),
    "swearing": N_("Schold mij uit"),
    "ridicule": N_("Maakte mij belachelijk"),
    "insulting": N_("Beledigde mij"),
    "defamation": N_("Vertelde onware dingen over mij rond"),
    "threatening": N_("Dreigde, met woorden of met gebaren"),
    "threatening_violence": N_("Dreigde met geweld"),
    "intimidation": N_("Probeerde mij bang te maken of onder druk te zetten"),
    "sexual_intimidation": N_("Viel mij seksueel lastig, met woorden, gebaren of aanrakingen"),
    "stalking": N_("Appte, mailde of belde steeds, stuurde ongewenste cadeaus of volgde mij"),
    "kicking": N_("Schopte"),
    "hitting": N_("Sloeg"),
    "spitting": N_("Spuugde"),
    "grabbing": N_("Pakte mij vast"),
    "pulling": N_("Trok aan mij of duwde mij"),
    "vandalism": N_("Vernielde iets"),
    "throwing": N_("Gooide met iets"),
}


@dataclass(frozen=True)
class Situation:
    """A plain first answer to "Wat is er gebeurd?"; it opens the concrete behaviours that belong to
    it. Each behaviour belongs to exactly one situation, so the class still follows from the
    behaviours alone (classify)."""

    code: str
    label: str
    behaviours: tuple[str, ...]


SITUATIONS: list[Situation] = [
    Situation(
        "insulted",
        N_("Iemand schold mij uit of beledigde mij"),
        ("swearing", "insulting", "rudeness", "ridicule", "taunting", "provoking", "defamation"),
    ),
    Situation(
        "threatened",
        N_("Iemand bedreigde mij of mijn naasten"),
        ("threatening_violence", "threatening", "intimidation"),
    ),
    Situation("harassed", N_("Iemand valt mij steeds lastig of volgt mij"), ("stalking", "sexual_intimidation")),
    Situation(
        "physical",
        N_("Iemand werd handtastelijk of vernielde iets"),
        ("hitting", "kicking", "grabbing", "pulling", "spitting", "throwing", "vandalism"),
    ),
    Situation(
        "emotional",
        N_("Iemand was boos of emotioneel"),
        (
            "complaining",
            "arguing",
            "accusing",
            "holding_to_account",
            "asking_exception",
            "appeal_reasonableness",
            "making_excuses",
        ),
    ),
    Situation("other", N_("Iets anders"), ("power_struggle", "obstruction", "dependent_claiming")),
]
SITUATION_BY_CODE = {s.code: s for s in SITUATIONS}


def chosen_behaviours(situation_codes, behaviour_codes) -> list[str]:
    """The ticked behaviours that belong to a chosen situation: a behaviour under a situation that
    was unticked again does not count."""
    allowed = {code for s in situation_codes if s in SITUATION_BY_CODE for code in SITUATION_BY_CODE[s].behaviours}
    return [b.code for b in BEHAVIOURS if b.code in allowed and b.code in set(behaviour_codes)]


def situations_of(behaviour_codes) -> list[str]:
    """The situations that hold these behaviours, in the order they are asked."""
    codes = set(behaviour_codes)
    return [s.code for s in SITUATIONS if codes & set(s.behaviours)]


class AfterAddressed(str, Enum):
    """Did the behaviour change after the citizen was addressed about it (§3)?"""

    CORRECTED = "corrected"
    PERSISTED = "persisted"
    NOT_ADDRESSED = "not_addressed"


AFTER_ADDRESSED_LABELS = {
    AfterAddressed.CORRECTED: N_("Ja, de persoon is gestopt of heeft zich verbeterd"),
    AfterAddressed.PERSISTED: N_("Nee, de persoon ging door of het werd erger"),
    AfterAddressed.NOT_ADDRESSED: N_("De persoon is er niet op aangesproken"),
}


class Advice(str, Enum):
    REQUIRED = "required"
    ADVISED = "advised"
    OPTIONAL = "optional"
    NOT_NEEDED = "not_needed"


ADVICE_LABELS = {
    Advice.REQUIRED: N_("Melden is verplicht"),
    Advice.ADVISED: N_("Melden wordt aangeraden"),
    Advice.OPTIONAL: N_("Melden mag, maar hoeft niet"),
    Advice.NOT_NEEDED: N_("Melden is niet nodig"),
}


def classify(behaviour_codes) -> BehaviourClass | None:
    """The class of a report: the most serious class among the ticked behaviours."""
    classes = {BEHAVIOUR_BY_CODE[code].behaviour_class for code in behaviour_codes if code in BEHAVIOUR_BY_CODE}
    if not classes:
        return None
    return max(classes, key=SEVERITY.index)


def reporting_advice(
    behaviour_class: BehaviourClass, after_addressed: AfterAddressed | None, recurring: bool
) -> Advice:
    """What the protocol's scheme (§3) says about reporting this behaviour."""
    if behaviour_class in (BehaviourClass.THREAT, BehaviourClass.PHYSICAL_VIOLENCE):
        return Advice.REQUIRED
    if behaviour_class == BehaviourClass.VERBAL_AGGRESSION:
        if after_addressed == AfterAddressed.PERSISTED or recurring:
            return Advice.REQUIRED
        if after_addressed == AfterAddressed.CORRECTED:
            return Advice.NOT_NEEDED
        return Advice.ADVISED
    # Emotion is allowed; when it persists or forms a pattern, reporting is advised.
    if after_addressed == AfterAddressed.PERSISTED or recurring:
        return Advice.ADVISED
    return Advice.OPTIONAL


def advice_explanation(behaviour_class: BehaviourClass, advice: Advice) -> str:
    """Plain Dutch: what the protocol says about this behaviour, and why this advice."""
    if behaviour_class == BehaviourClass.PHYSICAL_VIOLENCE:
        return N_(
            "Bij fysiek geweld meldt u altijd. Uw veiligheid gaat boven alles. De gemeente neemt maatregelen tegen de persoon en biedt u opvang en nazorg."
        )
    if behaviour_class == BehaviourClass.THREAT:
        return N_(
            "Bij bedreiging of intimidatie meldt u altijd, ook als het online gebeurde of als u er zelf weinig last van heeft. De gemeente neemt maatregelen tegen de persoon en biedt u opvang en nazorg."
        )
    if behaviour_class == BehaviourClass.VERBAL_AGGRESSION:
        if advice == Advice.NOT_NEEDED:
            return N_(
                "De persoon werd persoonlijk, maar stopte nadat hij of zij erop werd aangesproken. Dan hoeft u volgens het protocol niet te melden. U mag het wel doen."
            )
        if advice == Advice.REQUIRED:
            return N_(
                "De persoon werd persoonlijk en ging door, ook na aanspreken, of het gebeurt vaker. Dan meldt u dit altijd."
            )
        return N_(
            "De persoon werd persoonlijk tegen u. Spreek de persoon erop aan als dat veilig kan. Gaat het door, dan meldt u het. Twijfelt u? Meld het dan."
        )
    if advice == Advice.ADVISED:
        return N_(
            "Emotie mag, maar dit gedrag houdt aan of komt vaker voor. Dan raadt het protocol aan om het te melden."
        )
    return N_(
        "Boosheid en kritiek zijn toegestaan en vallen niet onder agressie. U mag het melden, maar het hoeft niet. Houdt het aan of wordt het een patroon, meld het dan wel."
    )


def handler_explanation(behaviour_class: BehaviourClass, advice: Advice) -> str:
    """Plain Dutch for the handler: what the protocol says about this behaviour (§3) and what the
    handler does with it (§6). `advice_explanation` says it to the reporter."""
    if behaviour_class == BehaviourClass.PHYSICAL_VIOLENCE:
        return N_(
            "Bij fysiek geweld moet de melder altijd melden (§3). U pakt de melding meteen op. De ambtenaar Veiligheid adviseert over maatregelen (§6.2). U vraagt de melder of de gemeente aangifte mag doen (§6.4). U biedt opvang en nazorg aan, met een eerste gesprek binnen 24 uur (§6.3). Is er letsel, beoordeel dan of de Arbeidsinspectie binnen 24 uur moet worden gewaarschuwd (§6.4)."
        )
    if behaviour_class == BehaviourClass.THREAT:
        return N_(
            "Bij bedreiging of intimidatie moet de melder altijd melden, ook als het online gebeurde (§3). U bespreekt met de melder welke maatregelen de gemeente neemt (§6.2) en of de gemeente aangifte mag doen; het Openbaar Ministerie wordt ingelicht (§6.4). U biedt opvang en nazorg aan, met een eerste gesprek binnen 24 uur (§6.3)."
        )
    if behaviour_class == BehaviourClass.VERBAL_AGGRESSION:
        if advice == Advice.NOT_NEEDED:
            return N_(
                "De persoon werd persoonlijk, maar stopte na aanspreken. Dan hoefde de melder niet te melden, maar deed het wel (§3). Leg het vast: gebeurt het opnieuw, dan is het een patroon. Bespreek met de melder of een gesprek met de persoon nodig is (§6.2) en bied nazorg aan (§6.3)."
            )
        if advice == Advice.REQUIRED:
            return N_(
                "De persoon werd persoonlijk en ging door na aanspreken, of het gebeurt vaker. Dan moet de melder dit melden (§3). U bespreekt met de melder welke maatregel past, zoals een waarschuwing of een stopgesprek (§6.2), en biedt opvang en nazorg aan (§6.3)."
            )
        return N_(
            "De persoon werd persoonlijk. Ging het door na aanspreken, dan moet de melder het melden (§3). Vraag de melder hoe het verder ging en bespreek welke maatregel past (§6.2). Bied opvang en nazorg aan (§6.3)."
        )
    if advice == Advice.ADVISED:
        return N_(
            "Emotie mag, maar dit gedrag houdt aan of komt vaker voor. Daarom raadt het protocol de melder aan het te melden (§3). Ga na of het een patroon is en bespreek met de melder of de persoon erop wordt aangesproken (§6.2)."
        )
    return N_(
        "Boosheid en kritiek vallen niet onder agressie. De melder mocht dit melden, maar het hoefde niet (§3). Bespreek met de melder wat nodig is. Houdt het aan of wordt het een patroon, dan is het wel normoverschrijdend gedrag."
    )


WHAT_HAPPENS_NEXT = N_(
    "Uw melding gaat alleen naar de mensen die het protocol noemt. Zij nemen snel contact met u op, bespreken met u welke maatregelen de gemeente neemt en bieden u opvang en nazorg aan."
)
