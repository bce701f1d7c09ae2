"""The overall verdict on a session (one line and a 0-100 score) and the two moments a trainer
would pick. Pure logic over the evidence (mi_coach.scoring.evidence); the weights, thresholds and
sentences are data (patterns/verdict.yml).

The overall score follows MITI 4.2.1: half of it from estimates of the four global scores
(Cultivating Change Talk, Softening Sustain Talk, Partnership, Empathy), half from behaviour counts
MITI names — the summary scores (R:Q, % complex reflections, against MITI's good thresholds), who
does the talking (the share of the counsellor's turns that are information or persuasion), the
share of information nobody asked for, and MI-non-adherent behaviour per 10 turns. Each part is
scaled 0-1 (1 is best); the score is their weighted mean over the parts the session can measure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from mi_coach.scoring.evidence import GLOBALS, TurnView, VerdictData, load_verdict_data


@dataclass(frozen=True)
class Overall:
    score: int | None  # 0-100
    verdict: str  # "MI-consistent", ...
    line: str  # the one-line verdict
    parts: dict[str, float | None]  # each part scaled 0-1 (None: not measurable)
    estimates: dict[str, float | None]  # the four globals, 1-5
    counsellor_input_percent: float | None
    unasked_information_percent: float | None
    persuasion: int  # unasked input right after sustain talk or discord
    reasons: list[str] = field(default_factory=list)  # weakest parts first

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def overall(
    vs: Sequence[TurnView],
    numbers: dict[str, Any],
    est: dict[str, float | None],
    data: VerdictData | None = None,
) -> Overall:
    data = data or load_verdict_data()
    cfg = data.overall
    n = len(vs)
    input_share = sum(v.is_input for v in vs) / n if n else None
    unasked_share = sum(v.unasked for v in vs) / n if n else None
    parts: dict[str, float | None] = {}
    for g in GLOBALS:
        e = est.get(g)
        parts[g] = None if e is None else (e - 1) / 4
    rq, cr = numbers["reflection_to_question_ratio"], numbers["percent_complex_reflections"]
    summary = []
    if rq is not None or numbers["reflections"]:
        # reflections without a question: as good as MITI's 2:1
        summary.append(min(1.0, (rq if rq is not None else 2.0) / 2))
    if cr is not None:
        summary.append(min(1.0, cr / 50))
    parts["summary_scores"] = sum(summary) / len(summary) if summary else None

    def falling(x: float | None, at: float | None) -> float | None:
        return None if x is None or at is None else max(0.0, 1 - x / at)

    parts["counsellor_input"] = falling(input_share, cfg.parts["counsellor_input"].at)
    parts["unasked_information"] = falling(unasked_share, cfg.parts["unasked_information"].at)
    parts["non_adherent"] = falling(
        numbers["mi_non_adherent_per_10_turns"], cfg.parts["non_adherent"].at
    )
    weights = {k: p.weight for k, p in cfg.parts.items()}
    measured = {k: v for k, v in parts.items() if v is not None and k in weights}
    total = sum(weights[k] for k in measured)
    score = round(100 * sum(weights[k] * v for k, v in measured.items()) / total) if total else None
    verdict = "not scored"
    if score is not None:
        verdict = next(b.verdict for b in cfg.bands if score >= b.at_least)
    values = {
        **{g: "n/a" if est.get(g) is None else f"{est[g]:.1f}" for g in GLOBALS},
        "counsellor_input": _pct(input_share),
        "unasked_information": _pct(unasked_share),
        "non_adherent": _num(numbers["mi_non_adherent_per_10_turns"]),
        "summary_scores": "",
    }
    fill = {
        "rq": "n/a" if rq is None else f"{rq:.1f}:1",
        "cr": "n/a" if cr is None else f"{cr:.0f}%",
    }
    ranked = sorted(measured, key=lambda k: (measured[k], -weights[k], list(weights).index(k)))
    reasons = [cfg.reasons[k].format(value=values[k], **fill) for k in ranked if measured[k] < 0.75]
    if score is None:
        line = "Not scored: the session has no counsellor turns."
    elif reasons:
        line = f"{score}/100, {verdict}. Weakest: {reasons[0]}."
    else:
        best = max(measured, key=lambda k: (measured[k], weights[k]))
        line = f"{score}/100, {verdict}. Strongest: {cfg.strengths[best].format(value=values[best], **fill)}."
    return Overall(
        score,
        verdict,
        line,
        {k: None if v is None else round(v, 3) for k, v in parts.items()},
        dict(est),
        None if input_share is None else round(100 * input_share, 1),
        None if unasked_share is None else round(100 * unasked_share, 1),
        sum(v.persuasion for v in vs),
        reasons,
    )


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def _num(x: float | None) -> str:
    return "n/a" if x is None else f"{x:g}"


# -- moments ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Moment:
    n: int
    client: str
    response: str
    code: str
    note: str  # one line: why this turn
    better: str | None = None


def best_moment(
    vs: Sequence[TurnView],
    family_of: dict[str, str],
    labels: dict[str, str],
    data: VerdictData | None = None,
    against: dict[int, tuple[str, str]] | None = None,
) -> Moment | None:
    """An MI-consistent turn the coder is sure of, with no non-adherent code in it and not counted
    against any rubric (`against`: turn -> (criterion label, verdict)), after which the client
    opened up (rapport rose, or their next line was change talk). The most opening first, then
    the richer skill (the order of best_codes), then the earliest."""
    data = data or load_verdict_data()
    against = against or {}
    cand = []
    for v in vs:
        if v.code not in data.best_codes or not v.sure or v.n in against:
            continue
        if any(family_of.get(c) == "mi_non_adherent" for c in v.codes):
            continue
        if not (v.rapport_gain > 0 or v.drew_change):
            continue
        cand.append((v, v.drew_change))
    if not cand:
        return None
    v, change_next = max(
        cand,
        key=lambda vc: (
            vc[0].rapport_gain + (1 if vc[1] else 0),
            vc[0].supervisor == "confirmed",
            -data.best_codes.index(vc[0].code),
            -vc[0].n,
        ),
    )
    key: Literal["change_talk", "rapport", "both"] = "rapport"
    if change_next:
        key = "both" if v.rapport_gain > 0 else "change_talk"
    note = data.best_why[key].format(
        label=labels.get(v.code, v.code), before=v.rapport_before, after=v.rapport_after
    )
    return Moment(v.n, v.client_text or "", v.response, v.code, _with_doubt(note, v))


def missed_chance(
    vs: Sequence[TurnView],
    family_of: dict[str, str],
    data: VerdictData | None = None,
    against: dict[int, tuple[str, str]] | None = None,
) -> Moment | None:
    """The costliest turn: the first tier with a turn in it (judgment, righting reflex, persuasion,
    a turn a rubric counts against, a turn that cost rapport for a recorded reason, missed change
    talk, missed discord, information nobody asked for), the biggest rapport loss within the tier,
    then the earliest. Small talk and questions are never picked for their code alone; a question
    the client took badly (talking down, digging into trauma) is picked for its recorded reason.
    A moment whose code the coder was unsure of says so."""
    data = data or load_verdict_data()
    against = against or {}

    def in_tier(tier: str, v: TurnView) -> bool:
        return {
            "judgment": "judgment" in v.codes,
            "righting_reflex": "righting_reflex" in v.codes,
            "persuasion": v.persuasion,
            "counted_against": v.n in against,
            "rapport_loss": bool(v.losses),
            "missed_change": v.missed and v.talk == "change",
            "missed_discord": v.missed and v.talk == "discord",
            "unasked_input": v.unasked,
        }[tier]

    for tier in data.missed_tiers:
        hits = [v for v in vs if in_tier(tier.id, v)]
        if hits:
            v = min(hits, key=lambda v: (v.rapport_gain, v.n))
            talk = {"discord": "discord", "sustain": "sustain talk"}.get(v.talk or "", "it")
            label, feedback = against.get(v.n, ("", ""))
            why = tier.why.format(
                talk=talk,
                label=label,
                feedback=feedback,
                reason=v.losses[0] if v.losses else "",
                before=v.rapport_before,
                after=v.rapport_after,
            )
            if v.missed and v.missed_note and tier.id.startswith("missed"):
                why = v.missed_note
            return Moment(
                v.n, v.client_text or "", v.response, v.code, _with_doubt(why, v), v.better
            )
    return None


def _with_doubt(note: str, v: TurnView) -> str:
    """A moment's note, and the coder's doubt when it was unsure of the turn's code (the words
    the turn itself shows: coding's "Not sure: this reads as … or …")."""
    doubt = _wording().unsure_note(v.code, v.runner_up, v.confidence)
    return f"{note} {doubt}" if doubt else note


@cache
def _wording() -> Any:
    from mi_coach.coding.ruleset import load_wording

    return load_wording()
