"""Progress over time: the key numbers of every finished practice session, their trends, and one
sentence on what improved and what to work on. Pure logic."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mi_coach.practice.transcript import Transcript
from mi_coach.review.review import card_for, numbers

# (key in the numbers, label, higher is better)
KEYS = [
    ("reflection_to_question_ratio", "R:Q", True),
    ("percent_complex_reflections", "%CR", True),
    ("percent_open_questions", "%OQ", True),
    ("mi_non_adherent", "non-adh", False),
    ("mi_score", "MI", True),
]


@dataclass
class Row:
    started: str
    trainee: str | None
    scenario: str
    status: str
    turns: int
    values: dict[str, float | None]


@dataclass
class Report:
    trainee: str | None
    rows: list[Row] = field(default_factory=list)
    trends: dict[str, list[float | None]] = field(default_factory=dict)
    sentence: str = ""
    next_focus: str | None = None  # what the latest session's scorecard says to practise


def over_time(sessions: Sequence[Transcript], codes: Any, trainee: str | None = None) -> Report:
    chosen = [
        t
        for t in sessions
        if t.kind == "practice"
        and t.turns
        and (trainee is None or (t.trainee or "").lower() == trainee.lower())
    ]
    chosen.sort(key=lambda t: t.started)
    report = Report(trainee)
    for t in chosen:
        card = card_for(t, codes)
        nums = numbers(t, codes, card)
        report.next_focus = card.practise[0] if card.practise else None
        values = {k: nums.get(k) for k, _, _ in KEYS}
        values["mi_score"] = nums["rubrics"].get("mi")
        report.rows.append(Row(t.started, t.trainee, t.scenario, t.status, len(t.turns), values))
    report.trends = {k: [r.values[k] for r in report.rows] for k, _, _ in KEYS}
    report.sentence = _sentence(report)
    return report


def _mean(xs: list[float | None]) -> float | None:
    vals = [x for x in xs if x is not None]
    return sum(vals) / len(vals) if vals else None


def _sentence(report: Report) -> str:
    n = len(report.rows)
    if n == 0:
        return "No finished practice sessions yet: start one with `mi-coach practice`."
    if n == 1:
        return "One session so far: practise again to see a trend."
    half = n // 2
    better: list[tuple[float, str]] = []
    worse: list[tuple[float, str]] = []
    for key, label, higher in KEYS:
        early, late = _mean(report.trends[key][:half]), _mean(report.trends[key][half:])
        if early is None or late is None or early == late:
            continue
        change = (late - early) / (abs(early) or 1)
        if abs(change) < 0.1:
            continue
        improved = (late > early) == higher
        (better if improved else worse).append(
            (abs(change), f"{label} ({_fmt(early)} → {_fmt(late)})")
        )
    parts = []
    if better:
        parts.append("Improved: " + ", ".join(x for _, x in sorted(better, reverse=True)) + ".")
    if worse:
        parts.append("Work on: " + ", ".join(x for _, x in sorted(worse, reverse=True)) + ".")
    if not parts:
        parts.append("Your numbers are steady between your earlier and later sessions.")
    if not worse and report.next_focus:
        parts.append(f"Work on: {report.next_focus}")
    return " ".join(parts) + f" (earlier {half} vs later {n - half} sessions)"


def _fmt(x: float) -> str:
    return f"{x:.1f}" if abs(x) < 10 else f"{x:.0f}"
