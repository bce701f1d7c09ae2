"""Reviewing transcripts: session numbers under stable keys, re-coding with the current rules, and
supervisor–machine agreement. Pure logic: records in, records out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mi_coach.practice.transcript import Transcript, Turn
from mi_coach.scoring.scorecard import Scorecard, load_rubrics, scorecard

# The keys of `review --format json` and of export summaries: a public interface.
NUMBER_KEYS = (
    "reflections",
    "questions",
    "reflection_to_question_ratio",
    "percent_complex_reflections",
    "percent_open_questions",
    "mi_adherent",
    "mi_non_adherent",
    "counts",
    "rubrics",
)


def family_map(codes: Any) -> dict[str, str]:
    return {c: i.family for c, i in codes.codes.items()}


def effective_turns(t: Transcript, codes: Any) -> list[Turn]:
    fam = family_map(codes)
    return [turn.effective(fam) for turn in t.turns]


def card_for(t: Transcript, codes: Any) -> Scorecard:
    rubrics = load_rubrics()
    ids = [r for r in t.rubrics if r in rubrics] or ["mi"]
    return scorecard(t.turns, ids, codes, rubrics)


def numbers(t: Transcript, codes: Any, card: Scorecard | None = None) -> dict[str, Any]:
    """The session's summary numbers (supervisor overrides applied), under NUMBER_KEYS."""
    fam = family_map(codes)
    counts: dict[str, int] = {c: 0 for c in codes.codes}
    for turn in effective_turns(t, codes):
        for code in turn.codes:
            counts[code] = counts.get(code, 0) + 1
    by_family: dict[str, int] = {}
    for code, n in counts.items():
        by_family[fam.get(code, "other")] = by_family.get(fam.get(code, "other"), 0) + n
    refl, ques = by_family.get("reflection", 0), by_family.get("question", 0)
    card = card or card_for(t, codes)
    return {
        "reflections": refl,
        "questions": ques,
        "reflection_to_question_ratio": round(refl / ques, 3) if ques else None,
        "percent_complex_reflections": round(100 * counts.get("complex_reflection", 0) / refl, 1)
        if refl
        else None,
        "percent_open_questions": round(100 * counts.get("open_question", 0) / ques, 1)
        if ques
        else None,
        "mi_adherent": by_family.get("mi_adherent", 0),
        "mi_non_adherent": by_family.get("mi_non_adherent", 0),
        "counts": counts,
        "rubrics": {r.id: r.score for r in card.rubrics},
    }


@dataclass(frozen=True)
class Change:
    n: int
    response: str
    before: str
    after: str


def recode(t: Transcript, classifier: Any) -> tuple[Transcript, list[Change]]:
    """The transcript re-classified with the current rules (annotations kept), and what changed."""
    items = [(turn.response, turn.client.text if turn.client else None) for turn in t.turns]
    results = classifier.classify_many(items)
    new_turns, changes = [], []
    for turn, result in zip(t.turns, results):
        new = turn.model_copy(
            update={
                "code": result.code,
                "family": result.family,
                "codes": list(result.codes),
                "evidence": result.wire()["evidence"],
                "feedback": classifier.ruleset.feedback(result),
                "confidence": result.confidence,
                "runner_up": result.runner_up,
            }
        )
        if new.code != turn.code:
            changes.append(Change(turn.n, turn.response, turn.code, new.code))
        new_turns.append(new)
    return t.model_copy(update={"turns": new_turns, "scores": None}), changes


def kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa for (rater A, rater B) labels; None when it is undefined."""
    n = len(pairs)
    if not n:
        return None
    labels = {x for p in pairs for x in p}
    observed = sum(a == b for a, b in pairs) / n
    expected = sum(
        (sum(a == lab for a, _ in pairs) / n) * (sum(b == lab for _, b in pairs) / n)
        for lab in labels
    )
    if expected >= 1:
        return 1.0 if observed == 1 else None
    return (observed - expected) / (1 - expected)


def annotated_pairs(t: Transcript) -> list[tuple[str, str]]:
    """(supervisor's code, machine's code) for every turn a supervisor gave a code to."""
    return [
        (turn.annotation.code, turn.code)
        for turn in t.turns
        if turn.annotation is not None and turn.annotation.code is not None
    ]


@dataclass(frozen=True)
class Row:
    """What a comparison needs of a transcript (the transcript itself is not kept)."""

    file: str
    id: str
    kind: str
    trainee: str | None
    scenario: str
    scenario_title: str
    started: str
    status: str
    turns: int


def row(f: str, t: Transcript) -> Row:
    return Row(
        f, t.id, t.kind, t.trainee, t.scenario, t.scenario_title, t.started, t.status, len(t.turns)
    )


def agreement(
    transcripts: Iterable[Transcript] = (), pairs: Sequence[tuple[str, str]] | None = None
) -> dict[str, Any] | None:
    """Supervisor–machine agreement over every turn a supervisor reviewed (gave a code to), from
    transcripts or from pairs already collected (annotated_pairs).

    Per code: agreement on "this code or not" (binary kappa) over the reviewed turns.
    """
    if pairs is None:
        pairs = [p for t in transcripts for p in annotated_pairs(t)]
    if not pairs:
        return None
    per_code = {}
    for code in sorted({x for p in pairs for x in p}):
        binary = [(s == code, m == code) for s, m in pairs]
        per_code[code] = {
            "supervisor": sum(s for s, _ in binary),
            "machine": sum(m for _, m in binary),
            "agreement": round(sum(s == m for s, m in binary) / len(binary), 3),
            "kappa": _round(kappa([(str(s), str(m)) for s, m in binary])),
        }
    return {
        "turns": len(pairs),
        "percent_agreement": round(100 * sum(s == m for s, m in pairs) / len(pairs), 1),
        "kappa": _round(kappa(pairs)),
        "per_code": per_code,
    }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)
