"""Hostile input that once hung the classifier or took the machine's memory: every rule finishes
on adversarial responses of the longest length mi-coach classifies, and longer ones are refused.

Bounds here are generous guards against a hang (CPU seconds of this process, so a busy machine
does not fail them); the speed targets themselves are measured by bench/hostile.py.
"""

from __future__ import annotations

import time

import pytest

from mi_coach.coding.inputs import MAX_RESPONSE_CHARS

N = MAX_RESPONSE_CHARS


def _fill(unit: str) -> str:
    return (unit * (N // len(unit) + 1))[:N]


# Shapes that make a backtracking regex or a tokenizer do quadratic or worse work.
ADVERSARIAL = {
    "apostrophes": _fill("'"),
    "question marks": _fill("?"),
    "spaced question marks": _fill("why? "),
    "you know": _fill("you know "),
    "you know,": _fill("you know, "),
    "you should": _fill("you should "),
    "no spaces": _fill("abcdefghij"),
    "no spaces, words": _fill("youshould"),
    "no spaces, apostrophes": _fill("you're"),
    "dashes": _fill("you-- "),
    "em dashes": _fill("—"),
    "brackets": _fill("["),
    "commas": _fill("you, "),
    "apostrophes and words": _fill("you're '"),
    "one-letter sentences": _fill("i "),
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_adversarial_responses_are_classified_in_bounded_time(clf, name):
    text = ADVERSARIAL[name]
    assert len(text) == N
    start = time.process_time()
    result = clf.classify(text)
    alone = time.process_time() - start
    start = time.process_time()
    clf.classify(text, text)  # the client's statement is read by rule conditions too
    with_client = time.process_time() - start
    assert result.code in clf.codes.codes
    assert all(0 <= t.start < t.end <= len(text) for t in result.evidence)
    assert alone < 1.0 and with_client < 1.0, (name, alone, with_client)


def test_the_abandoned_start_rule_stays_linear(clf):
    """The rule that took 78 s on 1,600 apostrophes (overlapping classes under a quantifier)."""
    import re

    rule = clf.ruleset.rule("other.abandoned_start")
    [pattern] = rule.patterns()
    rx = re.compile(pattern)
    for text in ("'" * N, "' " * (N // 2), "a" + " " * N + "-", "a -" * (N // 3)):
        start = time.process_time()
        rx.search(text)
        assert time.process_time() - start < 0.1
