"""Measuring the classifier against labelled data: accuracy (strict, and lenient when rows name an
acceptable runner-up in `also`), per-label P/R/F1, macro-F1, a confusion matrix, how often
MI-non-adherent behaviour is caught and how often it is called where there is none, how right the
coder is on the responses it is most sure of and how honest its confidence is (expected
calibration error), and for AnnoMI data the open-vs-closed accuracy on questions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mi_coach.base.errors import MiCoachError
from mi_coach.coding.inputs import Labelled
from mi_coach.coding.models import Classification, CodeTable


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Report:
    source: str
    level: str  # "code" or "annomi family"
    n: int
    accuracy: float
    macro_f1: float
    labels: list[str]
    per_label: list[LabelScore]
    confusion: dict[str, dict[str, int]]
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "level": self.level,
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "per_label": {
                s.label: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "support": s.support,
                }
                for s in self.per_label
            },
            "confusion": self.confusion,
            **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.extra.items()},
        }


def scores(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]
) -> tuple[float, float, list[LabelScore], dict[str, dict[str, int]]]:
    n = len(gold)
    confusion = {g: {p: 0 for p in labels} for g in labels}
    for g, p in zip(gold, pred):
        confusion[g][p] += 1
    per: list[LabelScore] = []
    for lab in labels:
        tp = confusion[lab][lab]
        predicted = sum(confusion[g][lab] for g in labels)
        support = sum(confusion[lab].values())
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per.append(LabelScore(lab, precision, recall, f1, support))
    present = [s for s in per if s.support]
    macro = sum(s.f1 for s in present) / len(present) if present else 0.0
    accuracy = sum(1 for g, p in zip(gold, pred) if g == p) / n if n else 0.0
    return accuracy, macro, per, confusion


def evaluate(
    kind: str,
    rows: list[Labelled],
    predictions: Iterable[Classification],
    codes: CodeTable,
    source: str,
) -> Report:
    preds = list(predictions)
    if kind == "annomi":
        return _annomi(rows, preds, codes, source)
    labels = list(codes.codes)
    for n, row in enumerate(rows, 1):
        if row.label not in codes.codes:
            raise MiCoachError(
                f"unknown label {row.label!r} (expected one of the twelve codes)",
                path=source,
                field=f"row {n}",
            )
    gold = [r.label for r in rows]
    got = [p.code for p in preds]
    acc, macro, per, conf = scores(gold, got, labels)
    non_adherent = [lab for lab in labels if codes.family(lab) == "mi_non_adherent"]
    na_total = sum(1 for g in gold if g in non_adherent)
    na_missed = sum(
        1 for g, p in zip(gold, got) if g in non_adherent and codes.family(p) != "mi_non_adherent"
    )
    # The opposite harm: an adherent or neutral response called judgment or righting reflex.
    others = sum(1 for g in gold if g not in non_adherent)
    false_alarms = sum(
        1
        for g, p in zip(gold, got)
        if g not in non_adherent and codes.family(p) == "mi_non_adherent"
    )
    extra: dict[str, Any] = {}
    if any(r.also for r in rows):
        extra["lenient_accuracy"] = sum(
            1 for r, p in zip(rows, got) if p == r.label or p in r.also
        ) / len(rows)
    extra.update(
        {
            "non_adherent_total": na_total,
            "non_adherent_missed": na_missed,
            "non_adherent_missed_rate": na_missed / na_total if na_total else 0.0,
            "non_adherent_recall": 1 - na_missed / na_total if na_total else 1.0,
            "non_adherent_false_alarms": false_alarms,
            "non_adherent_false_alarm_rate": false_alarms / others if others else 0.0,
            "false_alarms_per_100": 100 * false_alarms / others if others else 0.0,
        }
    )
    families = sorted({codes.family(c) for c in labels})
    facc, fmacro, _, _ = scores(
        [codes.family(g) for g in gold], [codes.family(p) for p in got], families
    )
    extra.update({"family_accuracy": facc, "family_macro_f1": fmacro})
    extra.update(
        confidence_figures(
            [g == p for g, p in zip(gold, got)], [getattr(p, "confidence", None) for p in preds]
        )
    )
    return Report(source, "code", len(rows), acc, macro, labels, per, conf, extra)


# The share of responses, most confident first, on which `top_confident_accuracy` is measured, and
# the number of equal-width confidence bins of the expected calibration error.
CONFIDENT_SHARE = 0.8
CALIBRATION_BINS = 10


def confidence_figures(
    correct: list[bool], confidence: list[float | None]
) -> dict[str, float | int]:
    """Accuracy on the CONFIDENT_SHARE most confident responses, and the expected calibration
    error: over CALIBRATION_BINS equal-width bins of confidence, the gap between the mean
    confidence and the accuracy in each bin, weighted by the bin's share of responses. Empty when
    some classification carries no confidence."""
    n = len(correct)
    if not n or any(c is None for c in confidence):
        return {}
    conf = [float(c) for c in confidence if c is not None]
    order = sorted(range(n), key=lambda i: -conf[i])  # stable: ties keep input order
    keep = max(1, round(CONFIDENT_SHARE * n))
    top = sum(1 for i in order[:keep] if correct[i]) / keep
    bins: list[list[int]] = [[] for _ in range(CALIBRATION_BINS)]
    for i, c in enumerate(conf):
        bins[min(int(c * CALIBRATION_BINS), CALIBRATION_BINS - 1)].append(i)
    ece = sum(
        abs(sum(conf[i] for i in b) / len(b) - sum(1 for i in b if correct[i]) / len(b))
        * len(b)
        / n
        for b in bins
        if b
    )
    return {
        "top_confident_share": CONFIDENT_SHARE,
        "top_confident_n": keep,
        "top_confident_accuracy": top,
        "calibration_error": ece,
        "mean_confidence": sum(conf) / n,
    }


ANNOMI_LABELS = ["question", "reflection", "therapist_input", "other"]


def _annomi(
    rows: list[Labelled], preds: list[Classification], codes: CodeTable, source: str
) -> Report:
    for n, row in enumerate(rows, 1):
        if row.label not in ANNOMI_LABELS:
            raise MiCoachError(
                f"unknown AnnoMI main code {row.label!r}", path=source, field=f"row {n}"
            )
    gold = [r.label for r in rows]
    got = [codes.codes[p.code].annomi for p in preds]
    acc, macro, per, conf = scores(gold, got, ANNOMI_LABELS)
    # Lenient: a prediction is also right when it names a behaviour the coders saw besides the
    # main one (AnnoMI's `also`).
    lenient = [p if p in r.also else g for r, g, p in zip(rows, gold, got)]
    lenient_acc, lenient_macro, _, _ = scores(lenient, got, ANNOMI_LABELS)
    # Open vs closed, on the questions the experts coded as open or closed.
    qs = [
        (r, p) for r, p in zip(rows, preds) if r.label == "question" and r.sub in ("open", "closed")
    ]
    both = [(r, p) for r, p in qs if codes.family(p.code) == "question"]
    oc = lambda r, p: (r.sub == "open") == (p.code == "open_question")  # noqa: E731
    extra: dict[str, Any] = {
        "lenient_accuracy": lenient_acc,
        "lenient_macro_f1": lenient_macro,
        "questions": len(qs),
        "questions_also_called_questions": len(both),
        "open_closed_accuracy": sum(1 for r, p in both if oc(r, p)) / len(both) if both else 0.0,
        "open_closed_accuracy_all_questions": sum(
            1 for r, p in qs if codes.family(p.code) == "question" and oc(r, p)
        )
        / len(qs)
        if qs
        else 0.0,
    }
    refl = [
        (r, p)
        for r, p in zip(rows, preds)
        if r.label == "reflection"
        and r.sub in ("simple", "complex")
        and codes.family(p.code) == "reflection"
    ]
    if refl:
        extra["simple_complex_accuracy"] = sum(
            1 for r, p in refl if (r.sub == "complex") == (p.code == "complex_reflection")
        ) / len(refl)
    return Report(source, "annomi family", len(rows), acc, macro, ANNOMI_LABELS, per, conf, extra)
