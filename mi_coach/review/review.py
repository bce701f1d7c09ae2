"""Reviewing transcripts: session numbers under stable keys, re-coding with the current rules, and
supervisor–machine agreement. Pure logic: records in, records out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mi_coach.base.errors import MiCoachError
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
    "mi_non_adherent_per_10_turns",
    "counts",
    "rubrics",
)


def family_map(codes: Any) -> dict[str, str]:
    return {c: i.family for c, i in codes.codes.items()}


def effective_turns(t: Transcript, codes: Any) -> list[Turn]:
    fam = family_map(codes)
    return [turn.effective(fam) for turn in t.turns]


def rubric_ids(t: Transcript) -> list[str]:
    """The rubrics a transcript is scored against: those it records (the scenario's, since
    practice records them). A practice transcript written before that recorded only `mi`: then
    the rubrics its saved scorecard used, else its scenario's, else `mi`."""
    if t.kind != "practice" or ("rubrics" in t.model_fields_set and t.rubrics != ["mi"]):
        return list(t.rubrics)
    saved = (t.scores or {}).get("rubrics")
    if isinstance(saved, dict) and saved:  # the saved scorecard: rubric id -> score
        return [str(r) for r in saved]
    if isinstance(saved, list) and all(isinstance(r, dict) and "id" in r for r in saved):
        return [str(r["id"]) for r in saved] or ["mi"]
    from mi_coach.base.errors import MiCoachError
    from mi_coach.practice.scenarios import find

    try:
        return list(find(t.scenario).scenario.rubrics)
    except MiCoachError:
        return list(t.rubrics) or ["mi"]


def check_turns(t: Transcript, codes: Any, source: str | None = None) -> None:
    """A transcript whose scores cannot be computed is refused with the first thing wrong."""
    seen: set[int] = set()
    for i, turn in enumerate(t.turns):
        where = f"turns.{i}"
        if turn.n in seen:
            raise MiCoachError(
                f"turn number {turn.n} appears twice", path=source, field=f"{where}.n"
            )
        seen.add(turn.n)
        named = [("code", turn.code)] + [(f"codes.{j}", c) for j, c in enumerate(turn.codes)]
        if turn.annotation is not None:
            a = turn.annotation
            named += [("annotation.code", a.code)] if a.code is not None else []
            named += [(f"annotation.codes.{j}", c) for j, c in enumerate(a.codes or [])]
        for name, code in named:
            if code not in codes.codes:
                raise MiCoachError(
                    f"turn {turn.n} has an unknown code {code!r} (known: {', '.join(codes.codes)})",
                    path=source,
                    field=f"{where}.{name}",
                )


def card_for(t: Transcript, codes: Any, source: str | None = None) -> Scorecard:
    """The transcript's scorecard: the one scoring path (practice's end scorecard, review, every
    export and progress). A transcript that cannot be scored (an unknown rubric, a damaged turn)
    is a MiCoachError naming `source`."""
    check_turns(t, codes, source)
    try:
        return scorecard(t.turns, rubric_ids(t), codes, load_rubrics())
    except MiCoachError as exc:
        if exc.path is None:
            raise MiCoachError(exc.message, path=source, field="rubrics") from None
        raise


def numbers(t: Transcript, codes: Any, card: Scorecard | None = None) -> dict[str, Any]:
    """The session's summary numbers (supervisor overrides applied), under NUMBER_KEYS."""
    card = card or card_for(t, codes)
    return {k: card.numbers[k] for k in NUMBER_KEYS}


def review_record(f: str, t: Transcript, card: Scorecard, recoded: Any = None) -> dict[str, Any]:
    """One transcript in `review --format json`: who and what, then the scorecard's keys (the
    numbers, the overall verdict, each rubric's criteria with their verdicts, the moments)."""
    rec: dict[str, Any] = {
        "file": f,
        "id": t.id,
        "kind": t.kind,
        "trainee": t.trainee,
        "scenario": t.scenario,
        "started": t.started,
        "status": t.status,
        "turns": len(t.turns),
        **card.as_dict(),
    }
    if recoded is not None:
        rec["recoded"] = [c.__dict__ for c in recoded]
    return rec


def review_json(
    records: Sequence[dict[str, Any]], agree: dict[str, Any] | None, failed: Sequence[str]
) -> dict[str, Any]:
    """The whole of `review --format json`."""
    return {"transcripts": list(records), "agreement": agree, "failed": list(failed)}


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
    """(supervisor's code, machine's code) for every turn the supervisor reviewed: confirmed (the
    same code: agreement) or overridden."""
    return [
        (turn.annotation.code, turn.code)
        for turn in t.turns
        if turn.annotation is not None and turn.annotation.code is not None
    ]


def reviewed_summary(t: Transcript) -> dict[str, Any]:
    """What the supervisor did with this transcript: turns reviewed, confirmed, changed,
    commented, who, and agreement over the reviewed turns."""
    reviewed = [x for x in t.turns if x.reviewed]
    changed = [x for x in reviewed if not x.confirmed]
    by = sorted({x.annotation.by for x in t.turns if x.annotation and x.annotation.by})
    return {
        "turns": len(t.turns),
        "reviewed": len(reviewed),
        "confirmed": len(reviewed) - len(changed),
        "changed": len(changed),
        "commented": sum(1 for x in t.turns if x.annotation and x.annotation.comment),
        "by": by,
        "agreement": agreement(pairs=annotated_pairs(t)),
    }


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
