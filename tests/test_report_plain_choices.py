"""The plain first question: each plain answer opens its concrete behaviours, and the class and the
advice follow from those behaviours exactly as the protocol's scheme (§3) says. The table is
written out by hand, not derived from models.scheme."""

import pytest

from models import scheme
from models.scheme import Advice, BehaviourClass

THREAT, VIOLENCE, VERBAL = BehaviourClass.THREAT, BehaviourClass.PHYSICAL_VIOLENCE, BehaviourClass.VERBAL_AGGRESSION
SELF, POLICY = BehaviourClass.EMOTION_SELF, BehaviourClass.EMOTION_POLICY

# plain answer -> (its label, {behaviour: the class the protocol gives it})
TABLE = {
    "insulted": (
        "Iemand schold mij uit of beledigde mij",
        {
            "swearing": VERBAL,
            "insulting": VERBAL,
            "rudeness": VERBAL,
            "ridicule": VERBAL,
            "taunting": VERBAL,
            "provoking": VERBAL,
            "defamation": VERBAL,
        },
    ),
    "threatened": (
        "Iemand bedreigde mij of mijn naasten",
        {"threatening_violence": THREAT, "threatening": THREAT, "intimidation": THREAT},
    ),
    "harassed": ("Iemand valt mij steeds lastig of volgt mij", {"stalking": THREAT, "sexual_intimidation": THREAT}),
    "physical": (
        "Iemand werd handtastelijk of vernielde iets",
        {
            "hitting": VIOLENCE,
            "kicking": VIOLENCE,
            "grabbing": VIOLENCE,
            "pulling": VIOLENCE,
            "spitting": VIOLENCE,
            "throwing": VIOLENCE,
            "vandalism": VIOLENCE,
        },
    ),
    "emotional": (
        "Iemand was boos of emotioneel",
        {
            "complaining": SELF,
            "arguing": POLICY,
            "accusing": POLICY,
            "holding_to_account": POLICY,
            "asking_exception": SELF,
            "appeal_reasonableness": SELF,
            "making_excuses": SELF,
        },
    ),
    "other": ("Iets anders", {"power_struggle": POLICY, "obstruction": POLICY, "dependent_claiming": SELF}),
}


def test_the_plain_answers_are_asked_in_this_order_with_these_words():
    assert [(s.code, s.label) for s in scheme.SITUATIONS] == [(code, label) for code, (label, _b) in TABLE.items()]


@pytest.mark.parametrize("situation", TABLE)
def test_each_plain_answer_opens_exactly_its_behaviours_each_with_the_protocols_class(situation):
    _label, behaviours = TABLE[situation]
    assert list(scheme.SITUATION_BY_CODE[situation].behaviours) == list(behaviours)
    for code, behaviour_class in behaviours.items():
        assert scheme.classify([code]) == behaviour_class, code
        assert scheme.PLAIN_LABELS[code] and scheme.PLAIN_LABELS[code] != scheme.BEHAVIOUR_BY_CODE[code].label


def test_every_behaviour_of_the_scheme_is_reachable_through_exactly_one_plain_answer():
    reachable = [code for _label, behaviours in TABLE.values() for code in behaviours]
    assert sorted(reachable) == sorted(b.code for b in scheme.BEHAVIOURS)
    assert len(reachable) == len(set(reachable))


def test_only_behaviours_under_a_chosen_answer_count():
    # "Sloeg" was ticked under "handtastelijk", then that answer was unticked again.
    assert scheme.chosen_behaviours(["threatened"], ["hitting", "threatening_violence"]) == ["threatening_violence"]
    assert scheme.chosen_behaviours([], ["hitting"]) == []
    assert scheme.situations_of(["stalking", "swearing"]) == ["insulted", "harassed"]


@pytest.mark.parametrize(
    "situations, behaviours, after_addressed, recurring, expected_class, expected_advice",
    [
        (["threatened"], ["threatening_violence"], None, False, THREAT, Advice.REQUIRED),
        (["harassed"], ["stalking"], None, False, THREAT, Advice.REQUIRED),
        (["physical"], ["vandalism"], None, False, VIOLENCE, Advice.REQUIRED),
        (["insulted"], ["swearing"], None, False, VERBAL, Advice.ADVISED),
        (["insulted"], ["swearing"], "corrected", False, VERBAL, Advice.NOT_NEEDED),
        (["insulted"], ["swearing"], "persisted", False, VERBAL, Advice.REQUIRED),
        (["emotional"], ["complaining"], None, False, SELF, Advice.OPTIONAL),
        (["emotional"], ["arguing"], None, True, POLICY, Advice.ADVISED),
        # the most serious class among the chosen ones counts
        (["insulted", "physical"], ["swearing", "spitting"], "corrected", False, VIOLENCE, Advice.REQUIRED),
    ],
)
def test_the_class_and_the_advice_follow_from_the_plain_answers_as_the_scheme_says(
    situations, behaviours, after_addressed, recurring, expected_class, expected_advice
):
    chosen = scheme.chosen_behaviours(situations, behaviours)
    behaviour_class = scheme.classify(chosen)
    after = scheme.AfterAddressed(after_addressed) if after_addressed else None
    assert behaviour_class == expected_class
    assert scheme.reporting_advice(behaviour_class, after, recurring) == expected_advice


def test_the_first_step_shows_the_plain_words_with_the_protocols_term_as_a_hint(app, create_user, login):
    from models.accounts import Role

    client = app.test_client()
    login(client, create_user(Role.COUNCIL_MEMBER))
    step = client.get(client.post("/melden", data={"kind": "report"}).headers["Location"]).get_data(as_text=True)
    assert "Iemand bedreigde mij of mijn naasten" in step and "Dreigde met geweld" in step
    assert "In het protocol: Dreigen met geweld" in step
    assert "Afhankelijk gedrag of claimen" not in step.split("In het protocol:")[0]  # a hint, never the label
