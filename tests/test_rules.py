"""Every rule's own examples are tests, and the rule data is checked as a whole where the loader
cannot see it (the loader itself refuses unknown codes, duplicate ids and rules without examples
both ways: tests/test_loading.py)."""

from __future__ import annotations

import pytest

from mi_coach.coding.ruleset import load_codes, load_ruleset

RULESET = load_ruleset()
CASES = [(rule.id, ex, True) for rule in RULESET.rules for ex in rule.examples.matches()] + [
    (rule.id, ex, False) for rule in RULESET.rules for ex in rule.examples.non_matches()
]


@pytest.mark.parametrize(
    "rule_id,example,should_fire",
    CASES,
    ids=[f"{c[0]}:{'match' if c[2] else 'no_match'}:{c[1].text[:40]}" for c in CASES],
)
def test_rule_example(clf, rule_id, example, should_fire):
    result = clf.classify(example.text, example.client)
    fired = {t.rule for t in result.fired}
    assert (rule_id in fired) == should_fire, (
        f"{rule_id} {'did not fire' if should_fire else 'fired'} on {example.text!r} "
        f"(client {example.client!r}); fired: {sorted(fired)}"
    )


def test_codes_table_is_the_twelve_wire_names():
    codes = load_codes()
    assert set(codes.codes) == {
        "simple_reflection",
        "complex_reflection",
        "open_question",
        "closed_question",
        "affirm",
        "emphasize_autonomy",
        "seek_collaboration",
        "giving_information",
        "persuade_with_permission",
        "righting_reflex",
        "judgment",
        "other",
    }
    # MI-non-adherent codes come first, so they are never hidden behind another code.
    top = [c for tier in codes.tiers()[:2] for c in tier]
    assert {codes.family(c) for c in top} == {"mi_non_adherent"}


def test_every_code_is_reachable_by_some_rule():
    codes = load_codes()
    emitted = {r.code for r in RULESET.rules}
    # The default code needs no rule: it is what a sentence no rule speaks for gets.
    assert set(codes.codes) - {codes.default} <= emitted


def test_every_rule_has_feedback_and_non_adherent_rules_offer_an_alternative():
    codes = load_codes()
    for rule in RULESET.rules:
        assert rule.feedback.strip(), rule.id
        if codes.family(rule.code) == "mi_non_adherent":
            assert rule.alternative, f"{rule.id} must say what a better response sounds like"
