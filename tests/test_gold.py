"""The gold set: at least 30 hand-written case-management responses per code, and accuracy floors
set from a measured run (see README, "Accuracy"). A drop below a floor fails the build."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from mi_coach.evaluate import evaluate
from mi_coach.inputs import read_labelled

GOLD = Path(__file__).parent / "data" / "gold.jsonl"
# Floors: a little under the figures measured when they were set, so noise does not fail CI but a
# real regression does. Raise them as the classifier improves; never lower them to pass.
ACCURACY_FLOOR = 0.93
NON_ADHERENT_MISSED_CEILING = 0.05


def test_gold_set_integrity(clf):
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    counts = Counter(r["label"] for r in rows)
    assert set(counts) == set(clf.codes.codes)
    assert min(counts.values()) >= 30
    assert all(r["client"].strip() and r["text"] is not None for r in rows)


def test_gold_accuracy_floor(clf):
    kind, rows = read_labelled(str(GOLD))
    report = evaluate(kind, rows, clf.classify_many((r.text, r.client) for r in rows),
                      clf.codes, str(GOLD))
    assert report.accuracy >= ACCURACY_FLOOR, report.as_dict()
    assert report.extra["non_adherent_missed_rate"] <= NON_ADHERENT_MISSED_CEILING, report.as_dict()


HOLDOUT = Path(__file__).parent / "data" / "holdout.jsonl"
# The held-out check set was written independently of the rules; its floor guards against
# regressions on phrasing the rules were not written for. Measured 0.842 when set.
HOLDOUT_ACCURACY_FLOOR = 0.82


def test_holdout_accuracy_floor(clf):
    kind, rows = read_labelled(str(HOLDOUT))
    report = evaluate(kind, rows, clf.classify_many((r.text, r.client) for r in rows),
                      clf.codes, str(HOLDOUT))
    assert report.n == 240
    assert report.accuracy >= HOLDOUT_ACCURACY_FLOOR, report.as_dict()


PROBES = Path(__file__).parent / "data" / "probes.jsonl"
# Probes: 300 responses written while developing the rules, one family of phrasing at a time
# (sarcasm, hints, British idiom, social replies …), each written before the rule that now catches
# it. They are development data like the gold set, kept as a regression net. Measured 0.90 when set.
PROBES_ACCURACY_FLOOR = 0.88


def test_probe_accuracy_floor(clf):
    kind, rows = read_labelled(str(PROBES))
    report = evaluate(kind, rows, clf.classify_many((r.text, r.client) for r in rows),
                      clf.codes, str(PROBES))
    assert report.accuracy >= PROBES_ACCURACY_FLOOR, report.as_dict()
