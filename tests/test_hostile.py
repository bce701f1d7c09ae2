"""Hostile input that once hung the classifier or took the machine's memory: every rule finishes
on adversarial responses of the longest length mi-coach classifies, and longer ones are refused.

Bounds here are generous guards against a hang (CPU seconds of this process, so a busy machine
does not fail them); the speed targets themselves are measured by bench/hostile.py.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    # A hang guard, not a speed test: these take about 0.5 s each on a developer machine, and the
    # catastrophic pattern this file was written for took 78 s. Speed lives in bench/speed.py.
    assert alone < 3.0 and with_client < 3.0, (name, alone, with_client)


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


# Arbitrary text, with the characters adversarial input is made of over-represented.
HOSTILE_TEXT = st.lists(
    st.one_of(
        st.sampled_from(list("'?-—.,! \n[]") + ["you ", "know ", "should ", "--", "ha"]),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=150,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(text=HOSTILE_TEXT, client=st.one_of(st.none(), HOSTILE_TEXT))
def test_any_text_is_classified_in_bounded_time(clf, text, client):
    start = time.process_time()
    result = clf.classify(text, client)
    assert time.process_time() - start < 2.0
    assert result.code in clf.codes.codes
    for tag in result.evidence:
        assert 0 <= tag.start < tag.end <= len(text) and text[tag.start : tag.end] == tag.match


def _chain(n: int) -> dict:
    """A scenario whose states form one long chain (the shape that was quadratic)."""
    line = {"text": "Line.", "talk": "neutral", "thought": "T."}
    states = {
        "out": {"end": "rupture", "lines": [line]},
        "done": {"end": "success", "lines": [line]},
    }
    for i in range(n):
        states[f"s{i}"] = {
            "lines": [line, line],
            "hints": ["h"],
            "exemplars": ["e"],
            "transitions": [
                {
                    "when": {"family": ["reflection"]},
                    "to": f"s{i + 1}" if i + 1 < n else "done",
                    "example": "You're worried.",
                },
                {"to": f"s{i}", "example": "Okay."},
            ],
        }
    persona = {
        "name": "Sam",
        "pronouns": "they",
        "age": 40,
        "background": "b",
        "values": ["v"],
        "strengths": ["s"],
        "stressors": ["t"],
        "culture": "c",
    }
    return {
        "id": "chain",
        "title": "t",
        "summary": "s",
        "setting": "x",
        "difficulty": "beginner",
        "skills": ["r"],
        "rubrics": ["mi"],
        "persona": persona,
        "start": "s0",
        "rupture": "out",
        "states": states,
    }


def test_scenario_graph_checks_are_linear():
    from mi_coach.base.loading import YamlDoc
    from mi_coach.coding.ruleset import load_codes
    from mi_coach.practice.scenarios import Scenario, graph_problems

    data = _chain(8_000)
    scenario = Scenario.model_validate(data)
    start = time.process_time()
    assert graph_problems(scenario, YamlDoc("chain.yml", data, ""), load_codes()) == []
    assert len(scenario.reachable()) == 8_002
    assert time.process_time() - start < 2.0
    data["states"]["s3999"]["transitions"][0]["to"] = "nowhere"  # errors stay cheap too
    start = time.process_time()
    found = graph_problems(Scenario.model_validate(data), YamlDoc("c.yml", data, ""), load_codes())
    assert "no state 'nowhere'" in str(found[0]) and "(8002 in all)" in str(found[0])
    assert time.process_time() - start < 2.0


def test_invalid_utf8_and_a_nul_typed_at_the_prompt_keep_the_session(tmp_path):
    """Through a real terminal: bytes that are not UTF-8 and a Ctrl-Space (NUL) are part of one
    line each; the session neither dies nor glues two lines together."""
    import json
    import os
    import sys

    pexpect = pytest.importorskip("pexpect")
    env = dict(os.environ, COLUMNS="160", NO_COLOR="1", TERM="dumb", MI_COACH_DATA=str(tmp_path))
    mini = str(Path(__file__).parent / "data" / "scenarios")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "mi_coach", "practice", "mini-benefits", "--scenarios", mini, "--seed", "1"],
        env=env,
        timeout=90,
    )
    child.expect(b"you> ")
    child.send(b"You're \xff\xfe worried about the rent.\r")
    child.expect(b"you> ")
    child.send(b"You feel\x00 stuck waiting.\r")
    child.expect(b"you> ")
    child.send(b"/quit\r")
    child.expect(b"Paused")
    child.close()
    [saved] = (tmp_path / "transcripts").glob("*.json")
    responses = [t["response"] for t in json.loads(saved.read_text())["turns"]]
    assert responses == ["You're \ufffd\ufffd worried about the rent.", "You feel stuck waiting."]
