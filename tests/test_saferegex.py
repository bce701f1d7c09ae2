"""Patterns from content files: catastrophic shapes are refused at validation (file:line:field),
and cue patterns are matched in linear time, so a shape the check misses cannot hang."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mi_coach.base.saferegex import SafePattern, TooCostly, Unsupported, shape_problem
from mi_coach.cli.app import app

CATASTROPHIC = [
    r"^(\w+\s?)+$",  # the trainer's cue from issue 13
    r"(a+)+b",
    r"(?:a|aa)*b",
    r"(?:\d+|\w)+!",
    r"(a*)*b",
    r"(x+x+)+y",
    r"(?:you|you)+",
    r"^(?:(?:ha|haha)\W*)+$",
]
POLYNOMIAL = [r"\w+\s*\w+$", r".*.*=", r"(.*a){12}", r"^\W*(?:[\w']+\W+){0,2}[\w']*--$"]
SAFE = [
    r"\b(?:you|your)\b.*\b(?:sad|angry)\b",
    r"^(?:(?:great|perfect|okay)\W+)*i will",
    r"(?:[\w,]+ ){0,5}now\b",
    r"\bif you don't\b[^.?!]{0,40}\b(?:you'll|lose)",
    r"(?:\w+\b\W*)+x",
    r"(a|ab)*c",
    r"^[^\w']*(?:[\w']+[^\w']+){0,2}[\w']*--$",
]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_exponential_shapes_are_named(pattern):
    assert shape_problem(pattern, polynomial=False)
    assert shape_problem(pattern)


@pytest.mark.parametrize("pattern", POLYNOMIAL)
def test_polynomial_shapes_are_named_for_content(pattern):
    assert shape_problem(pattern)
    assert shape_problem(pattern, polynomial=False) is None


@pytest.mark.parametrize("pattern", SAFE)
def test_safe_shapes_pass(pattern):
    assert shape_problem(pattern) is None


@pytest.mark.parametrize("pattern", CATASTROPHIC + POLYNOMIAL)
def test_a_missed_shape_cannot_hang(pattern):
    """What the check refuses, the matcher still runs in linear time on 5,000 characters."""
    rx = SafePattern(pattern)
    for text in ("a" * 5000 + "!", "ha" * 2500 + "x", "aaa " * 1250 + "?"):
        start = time.process_time()
        rx.search(text)
        assert time.process_time() - start < 1.0


def test_unsupported_constructs_and_work_bound():
    for pattern in (r"(?=a)b", r"(?<!x)y", r"(a)\1"):
        with pytest.raises(Unsupported):
            SafePattern(pattern)
    with pytest.raises(OverflowError):
        SafePattern(r"[ab]{0,5000}x")
    import random

    rng = random.Random(1)
    text = "".join(rng.choice("ab") for _ in range(5000))
    start = time.process_time()
    with pytest.raises(TooCostly):  # states that never repeat: stopped, not run on
        SafePattern(r"a[ab]{400}c").search(text)
    assert time.process_time() - start < 2.0


# Patterns and texts over a small alphabet, compared with `re`.
ATOMS = st.sampled_from(
    ["a", "b", " ", "!", ".", r"\w", r"\W", r"\s", r"\d", "[ab]", "[^a]", "[a-c!]", "A", "é"]
)
ASSERTS = st.sampled_from(["^", "$", r"\b", r"\B", r"\A", r"\Z"])
QUANT = st.sampled_from(["*", "+", "?", "{2}", "{1,3}", "{0,2}", "*?", "{2,}"])
PATTERNS = st.recursive(
    st.one_of(ATOMS, ATOMS, ASSERTS),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map("".join),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: "(?:" + "|".join(xs) + ")"),
        st.tuples(inner, QUANT).map(lambda t: f"(?:{t[0]}){t[1]}"),
    ),
    max_leaves=8,
)
FLAGS = st.sampled_from([0, re.I, re.M, re.S, re.A, re.I | re.M])


@settings(max_examples=400, deadline=None)
@given(PATTERNS, FLAGS, st.lists(st.text("ab !1A\né", max_size=10), min_size=1, max_size=5))
def test_safe_pattern_agrees_with_re(pattern, flags, texts):
    rx = re.compile(pattern, flags)
    safe = SafePattern(pattern, flags)
    for text in texts:
        assert safe.search(text) == (rx.search(text) is not None), (pattern, flags, text)


def _rubric(folder: Path, pattern: str) -> Path:
    (folder / "rubrics").mkdir(parents=True)
    path = folder / "rubrics" / "cues.yml"
    path.write_text(
        "id: cues\ntitle: Cues\ndescription: d\nsource: s\ncriteria:\n"
        "  words:\n    kind: cue\n    label: Words\n    fair: 1\n    good: 2\n"
        "    feedback: {good: g, fair: f, below: b}\n    practise: p\n"
        f"    patterns:\n      - 'you'\n      - '{pattern}'\n"
        "    examples: {match: [you are], no_match: [nothing]}\n"
    )
    return path


def test_a_catastrophic_cue_is_refused_with_file_line_field(runner, tmp_path):
    path = _rubric(tmp_path, r"^(\w+\s?)+$")
    r = runner.invoke(app, ["validate", str(path), "--no-examples"])
    assert r.exit_code == 1
    assert f"{path}:15: criteria.words.patterns.1: nested quantifiers" in r.output
    assert "Traceback" not in r.output


def test_a_cue_with_lookaround_is_refused_at_load(runner, tmp_path):
    path = _rubric(tmp_path, r"(?<=x)y")
    r = runner.invoke(app, ["validate", str(path), "--no-examples"])
    assert r.exit_code == 1
    assert f"{path}:15: criteria.words.patterns.1: lookahead and lookbehind are not supported" in (
        r.output
    )
