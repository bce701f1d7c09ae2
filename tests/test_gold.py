"""The gold set: at least 30 hand-written case-management responses per code, and accuracy floors
set from a measured run (see README, "Accuracy"). A drop below a floor fails the build."""
# Floors guard against a real regression, not a ratchet: each is the measured accuracy p minus two
# standard errors, p - 2 * sqrt(p * (1 - p) / n), so sampling noise on a set of n responses does
# not fail the build but a drop of about two standard errors does. When a change moves a figure,
# record the new measurement (bench/accuracy.py) — never lower it to pass.

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest

from mi_coach.coding.evaluate import evaluate
from mi_coach.coding.inputs import read_labelled

GOLD = Path(__file__).parent / "data" / "gold.jsonl"
NON_ADHERENT_MISSED_CEILING = 0.05


def test_gold_set_integrity(clf):
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    counts = Counter(r["label"] for r in rows)
    assert set(counts) == set(clf.codes.codes)
    assert min(counts.values()) >= 30
    assert all(r["client"].strip() and r["text"] is not None for r in rows)


DATA = Path(__file__).parent / "data"


def floor(measured: float, n: int) -> float:
    """Two standard errors below the measured accuracy on n responses."""
    return measured - 2 * math.sqrt(measured * (1 - measured) / n)


# (file, measured accuracy, size). What each set is:
# - gold: where the rules were developed; measured 0.949, then 0.985 (floor raised).
# - holdout: written independently of the rules; guards against regressions on phrasing the rules
#   were not written for; measured 0.850, then 0.892.
# - probes: 300 responses written while developing the rules, one family of phrasing at a time
#   (sarcasm, hints, British idiom, social replies …), each before the rule that now catches it;
#   development data like the gold set, kept as a regression net; measured 0.903, then 0.953.
# - writer_probes: 161 responses that scenario and drill writers found misclassified (most of them
#   MI-non-adherent responses coded as reflections or information), labelled from their reports;
#   the rules were then written for their shapes, so this is development data too; measured 0.950.
# - fresh: 240 responses (20 per code) written blind to the rules in new case managers' typing
#   (texting spellings, advice as questions, "your choice, but…", generic praise); measured 0.767
#   before any fix. Rules were then fixed on its odd ids only; the even ids were never looked at
#   row by row (even half 0.775 before and after). Whole set measured 0.875, then 0.896 after the
#   shape rules of the next session (even half 0.817), 0.908 with the learned arbiter (issue 14).
# - fresh2: 180 responses (30 judgment, 30 righting reflex, 12 of each other code, many near
#   misses) written blind to the rules before the shape rules (imperative, obligation, warning,
#   verdict, comparison, minimising …) were written; no rule was written from its rows. Measured
#   0.744 before those rules and 0.772 after (non-adherent missed 18 -> 14 of 60); 0.789 once the
#   affirmation/autonomy shape rules (written without sight of it) were merged.
# - fresh3: 180 responses written blind to the rules (ids k001-k180; 25 affirm, 20 autonomy, 15
#   permissioned suggestions, 28 complex and 22 simple reflections, and their near misses), to
#   check whether rules for the shape of an affirmation, of autonomy, of a permissioned suggestion
#   and of social talk carry over to unseen phrasings; measured 0.783 before those rules, 0.856 after
#   (no row of it was studied to write them), 0.867 with the directing/judging shape rules merged
#   and four false alarms its writer reported afterwards mended; 0.878 with the learned arbiter
#   (issue 14), which overrules the rules on two of its responses, both rightly. Same writer as
#   the rule author's own probes, so it is a friendlier check than the even halves of fresh and
#   holdout.
MEASURED = [
    ("gold.jsonl", 0.985, 408),
    ("holdout.jsonl", 0.892, 240),
    ("probes.jsonl", 0.953, 300),
    ("writer_probes.jsonl", 0.950, 161),
    ("fresh.jsonl", 0.908, 240),
    ("fresh2.jsonl", 0.789, 180),
    ("fresh3.jsonl", 0.878, 180),
]


def _report(clf, path: Path):
    kind, rows = read_labelled(str(path))
    return evaluate(
        kind, rows, clf.classify_many((r.text, r.client) for r in rows), clf.codes, str(path)
    )


@pytest.mark.parametrize("name,measured,size", MEASURED, ids=[f[0] for f in MEASURED])
def test_accuracy_floor(clf, name, measured, size):
    report = _report(clf, DATA / name)
    assert report.n == size
    assert report.accuracy >= floor(measured, size), report.as_dict()


def test_floors_are_two_standard_errors_below_the_measurement():
    assert floor(0.9, 100) == pytest.approx(0.84)  # 0.9 - 2 * 0.03
    assert floor(1.0, 50) == 1.0


def test_gold_non_adherent_is_rarely_missed(clf):
    report = _report(clf, GOLD)
    assert report.extra["non_adherent_missed_rate"] <= NON_ADHERENT_MISSED_CEILING, report.as_dict()


def test_writer_probes_non_adherent_is_rarely_missed(clf):
    """The writers' worst finding: non-adherent responses hidden as reflections or information
    (measured 3 of 84 missed)."""
    report = _report(clf, DATA / "writer_probes.jsonl")
    assert report.extra["non_adherent_missed_rate"] <= NON_ADHERENT_MISSED_CEILING, report.as_dict()


def test_near_misses_are_not_called_non_adherent(clf):
    """Adherent responses that carry non-adherent words in another voice: reflections of the
    pressure others put on the client ("your PO says you need a job…", "being told to man up…"),
    of the client's own "should" ("part of you feels you should call her"), and evocative questions
    ("have you thought about what you might do?"). Calling them righting reflex or judgment tells a
    trainee that good practice was harmful. Written while building the reported-speech condition
    (`skip_reported`); 12 of 40 were called non-adherent before it."""
    rows = [
        json.loads(line)
        for line in (DATA / "near_misses.jsonl").read_text(encoding="utf-8").splitlines()
        if line
    ]
    assert len(rows) == 40 and len({r["id"] for r in rows}) == 40
    flagged = [
        (r["text"], got.code)
        for r, got in zip(rows, clf.classify_many((r["text"], r["client"]) for r in rows))
        if got.code in ("judgment", "righting_reflex")
    ]
    assert not any(r["label"] in ("judgment", "righting_reflex") for r in rows)
    assert flagged == []
