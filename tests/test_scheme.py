"""The protocol's scheme (§3): each behaviour's class, and the reporting advice for every row."""

import pytest

from models.scheme import BEHAVIOURS, Advice, AfterAddressed, BehaviourClass, classify, reporting_advice

C = BehaviourClass


@pytest.mark.parametrize(
    "codes, expected",
    [
        (["complaining"], C.EMOTION_SELF),
        (["asking_exception", "making_excuses"], C.EMOTION_SELF),
        (["holding_to_account"], C.EMOTION_POLICY),
        (["complaining", "obstruction"], C.EMOTION_POLICY),
        (["swearing"], C.VERBAL_AGGRESSION),
        (["defamation", "arguing"], C.VERBAL_AGGRESSION),
        (["stalking"], C.THREAT),
        (["insulting", "threatening_violence"], C.THREAT),
        (["spitting"], C.PHYSICAL_VIOLENCE),
        (["threatening", "vandalism", "complaining"], C.PHYSICAL_VIOLENCE),
        ([], None),
        (["not-a-behaviour"], None),
    ],
)
def test_the_class_is_the_most_serious_behaviour_ticked(codes, expected):
    assert classify(codes) == expected


def test_every_behaviour_of_the_protocol_is_in_the_scheme():
    by_class = {}
    for behaviour in BEHAVIOURS:
        by_class.setdefault(behaviour.behaviour_class, []).append(behaviour.code)
    assert {c: len(v) for c, v in by_class.items()} == {
        C.EMOTION_SELF: 5,
        C.EMOTION_POLICY: 5,
        C.VERBAL_AGGRESSION: 7,
        C.THREAT: 5,
        C.PHYSICAL_VIOLENCE: 7,
    }
    assert "stalking" in by_class[C.THREAT] and "sexual_intimidation" in by_class[C.THREAT]


A = AfterAddressed


@pytest.mark.parametrize(
    "behaviour_class, after, recurring, advice",
    [
        # Emotion about oneself or about policy: optional; advised when it persists or forms a pattern.
        (C.EMOTION_SELF, A.NOT_ADDRESSED, False, Advice.OPTIONAL),
        (C.EMOTION_SELF, A.CORRECTED, False, Advice.OPTIONAL),
        (C.EMOTION_SELF, A.PERSISTED, False, Advice.ADVISED),
        (C.EMOTION_SELF, A.NOT_ADDRESSED, True, Advice.ADVISED),
        (C.EMOTION_POLICY, A.CORRECTED, False, Advice.OPTIONAL),
        (C.EMOTION_POLICY, A.PERSISTED, False, Advice.ADVISED),
        (C.EMOTION_POLICY, A.CORRECTED, True, Advice.ADVISED),
        # Verbal aggression: not needed if the citizen corrects after being addressed; required when it persists.
        (C.VERBAL_AGGRESSION, A.CORRECTED, False, Advice.NOT_NEEDED),
        (C.VERBAL_AGGRESSION, A.PERSISTED, False, Advice.REQUIRED),
        (C.VERBAL_AGGRESSION, A.CORRECTED, True, Advice.REQUIRED),
        (C.VERBAL_AGGRESSION, A.NOT_ADDRESSED, False, Advice.ADVISED),
        # Threat and physical violence: always.
        (C.THREAT, A.CORRECTED, False, Advice.REQUIRED),
        (C.THREAT, A.NOT_ADDRESSED, False, Advice.REQUIRED),
        (C.PHYSICAL_VIOLENCE, A.CORRECTED, False, Advice.REQUIRED),
        (C.PHYSICAL_VIOLENCE, None, False, Advice.REQUIRED),
    ],
)
def test_reporting_advice_follows_the_scheme(behaviour_class, after, recurring, advice):
    assert reporting_advice(behaviour_class, after, recurring) == advice
