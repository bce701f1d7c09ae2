"""No labelled test text may become a rule example or a lexicon entry (issue 14).

A check set only measures what the coder does on responses nobody wrote rules from. Any response
of tests/data/*.jsonl or tests/data/checks/*.jsonl that appears among the rule examples
(mi_coach/patterns/rules/**/*.yml, anything under an `examples` key) or the lexicon entries
(mi_coach/patterns/lexicons.yml, and lexicons/*.yml if the lexicons are ever split) — exactly, or
nearly: difflib ratio >= 0.9 once case, punctuation and extra spaces are folded away — fails here.

Responses of one or two words ("Mm.", "Tired.", "uh huh") are left out: they are ordinary words
that any word list holds, and a copy cannot be told from a coincidence.

Fast: candidates share at least half the words of the shorter text and are within the lengths a
0.9 ratio allows; only those are compared with difflib. A failure never shows the text of a sealed
row (even id of a blind check set), only the rule-side string to remove.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import mi_coach

DATA = Path(__file__).parent / "data"
PATTERNS = Path(mi_coach.__file__).parent / "patterns"
RATIO = 0.9
MIN_WORDS = 3
# 2*m/(a+b) >= RATIO needs the shorter text to be at least this share of the longer one.
LENGTH_SHARE = RATIO / (2 - RATIO)

# Development sets: written to develop the first rule set, which took many of its examples from
# them (test_gold.py says so for each). They stay covered — strict xfail, so this fails as soon as
# the rule set no longer holds their texts and the mark must go.
DEVELOPMENT = {"gold.jsonl", "probes.jsonl", "writer_probes.jsonl", "near_misses.jsonl"}

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def fold(text: str) -> str:
    """Lowercase, punctuation dropped ("I'm" -> "im", "mm-hmm" -> "mmhmm"), single spaces."""
    return " ".join(re.sub(r"[^\w\s]|_", "", text.lower()).split())


def _strings(node: Any, inside: bool) -> Iterator[str]:
    if isinstance(node, str):
        if inside:
            yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, inside or key == "examples")
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value, inside)


def rule_side() -> list[tuple[str, str]]:
    """(where, string) for every rule example and every lexicon entry."""
    out: list[tuple[str, str]] = []
    for path in sorted((PATTERNS / "rules").rglob("*.yml")):
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
        out += [(f"rules/{path.name}", s) for s in _strings(doc, inside=False)]
    lexicons = [PATTERNS / "lexicons.yml", *sorted((PATTERNS / "lexicons").rglob("*.yml"))]
    for path in lexicons:
        if path.is_file():
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
            out += [(path.name, s) for s in _strings(doc, inside=True)]
    return out


class Index:
    """The rule-side strings, folded, indexed by word."""

    def __init__(self, strings: list[tuple[str, str]]) -> None:
        self.items: list[tuple[str, frozenset[str], str, str]] = []
        self.by_word: dict[str, list[int]] = {}
        for where, text in strings:
            folded = fold(text)
            if not folded:
                continue
            words = frozenset(folded.split())
            for w in words:
                self.by_word.setdefault(w, []).append(len(self.items))
            self.items.append((folded, words, where, text))

    def near(self, text: str) -> list[tuple[str, str, float]]:
        """(where, rule-side string, ratio) for every near copy of `text`."""
        folded = fold(text)
        words = frozenset(folded.split())
        if len(folded.split()) < MIN_WORDS:
            return []
        shared: dict[int, int] = {}
        for w in words:
            for k in self.by_word.get(w, ()):
                shared[k] = shared.get(k, 0) + 1
        found = []
        for k, n in shared.items():
            other, other_words, where, original = self.items[k]
            if 2 * n < min(len(words), len(other_words)):
                continue
            if not LENGTH_SHARE * len(folded) <= len(other) <= len(folded) / LENGTH_SHARE:
                continue
            sm = difflib.SequenceMatcher(None, folded, other, autojunk=False)
            if sm.real_quick_ratio() >= RATIO and sm.quick_ratio() >= RATIO:
                ratio = sm.ratio()
                if ratio >= RATIO:
                    found.append((where, original, round(ratio, 3)))
        return found


_index: list[Index] = []


def index() -> Index:
    if not _index:
        _index.append(Index(rule_side()))
    return _index[0]


def _sealed(path: Path, row_id: str) -> bool:
    return path.parent.name == "checks" and int(re.sub(r"\D", "", row_id) or 0) % 2 == 0


def leaks(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        for where, original, ratio in index().near(row["text"]):
            who = (
                "a sealed row" if _sealed(path, str(row["id"])) else f"{row['id']} {row['text']!r}"
            )
            out.append(f"{who} ~ {where}: {original!r} (ratio {ratio})")
    return out


FILES = sorted(DATA.glob("*.jsonl")) + sorted((DATA / "checks").glob("*.jsonl"))


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            p,
            marks=pytest.mark.xfail(
                strict=True, reason="the first rule set took examples from this development set"
            ),
        )
        if p.name in DEVELOPMENT
        else p
        for p in FILES
    ],
    ids=[f"{p.parent.name}/{p.name}" for p in FILES],
)
def test_no_labelled_text_among_rule_examples_or_lexicons(path):
    found = leaks(path)
    assert not found, "labelled text among rule examples or lexicons:\n" + "\n".join(found)


def test_the_check_sets_and_every_data_file_are_covered():
    names = {p.name for p in FILES}
    assert {"writer_a.jsonl", "writer_b.jsonl", "writer_c.jsonl", "holdout.jsonl"} <= names
    assert names >= DEVELOPMENT  # a renamed development set must not slip out of the check


def test_near_copies_are_found_and_different_sentences_are_not():
    idx = Index(
        [
            ("rules/x.yml", "Crazy rain today, I got soaked walking in too."),
            ("lexicons.yml", "tired"),
        ]
    )
    assert idx.near("crazy rain today, i got soaked walking in too")  # exact after folding
    assert idx.near("crazy rain today i got soakd walkng in too!!")  # typos: near
    assert not idx.near("crazy rain today, and you walked all the way in?")
    assert not idx.near("Tired.")  # one word: an ordinary word, not a copy
