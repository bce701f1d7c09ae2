"""Progress over time, per trainee: the key numbers of every finished session, their trends, and one
sentence on what improved and what to work on. Pure logic, plus the text formats (md, html, csv).

- Only finished sessions count (a session ended by the client, a rupture or the turn limit; an
  imported real session with `include_imported`); paused ones are listed apart, never scored.
- One trainee, one trend: sessions are grouped by trainee (a session without a name is its own
  group), never mixed into one line.
- No trend from too little: a session's ratio counts only when it rests on MIN_COUNT questions or
  reflections, and a measure calls a trend only with MIN_SESSIONS sessions that have it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mi_coach.base.text import csv_cell, html_escape, md_escape, number
from mi_coach.practice.transcript import OUTCOMES, Transcript
from mi_coach.review.review import card_for, numbers

# (key in the numbers, label, higher is better, the count it rests on)
KEYS = [
    ("reflection_to_question_ratio", "R:Q", True, "questions"),
    ("percent_complex_reflections", "%CR", True, "reflections"),
    ("percent_open_questions", "%OQ", True, "questions"),
    ("mi_non_adherent", "non-adh", False, None),
    ("mi_score", "MI", True, None),
]
MIN_COUNT = 3  # questions (R:Q, %OQ) or reflections (%CR) before a session's ratio counts
MIN_SESSIONS = 4  # sessions with a value before a measure's trend is called (two early, two late)
NO_NAME = "(no name)"


@dataclass
class Row:
    started: str
    trainee: str | None
    scenario: str
    kind: str
    status: str
    turns: int
    values: dict[str, float | None]


@dataclass
class Person:
    trainee: str
    rows: list[Row] = field(default_factory=list)  # finished sessions, oldest first
    paused: list[Row] = field(default_factory=list)
    trends: dict[str, list[float | None]] = field(default_factory=dict)
    sentence: str = ""
    next_focus: str | None = None  # what the latest session's scorecard says to practise


@dataclass
class Report:
    trainee: str | None  # the trainee asked for, if any
    people: list[Person] = field(default_factory=list)
    include_imported: bool = False

    @property
    def rows(self) -> list[Row]:
        return [r for p in self.people for r in p.rows]


def over_time(
    sessions: Sequence[Transcript],
    codes: Any,
    trainee: str | None = None,
    include_imported: bool = False,
) -> Report:
    kinds = ("practice", "imported") if include_imported else ("practice",)
    chosen = [
        t
        for t in sessions
        if t.kind in kinds and t.turns and (trainee is None or _key(t.trainee) == _key(trainee))
    ]
    chosen.sort(key=lambda t: (t.started, t.id))
    people: dict[str, Person] = {}
    for t in chosen:
        p = people.setdefault(_key(t.trainee), Person(_name(t.trainee)))
        if t.status == "in_progress":
            p.paused.append(
                Row(t.started, t.trainee, t.scenario, t.kind, t.status, len(t.turns), {})
            )
            continue
        card = card_for(t, codes)
        nums = numbers(t, codes, card)
        p.next_focus = card.practise[0] if card.practise else None
        values: dict[str, float | None] = {}
        for key, _, _, rests_on in KEYS:
            value = nums["rubrics"].get("mi") if key == "mi_score" else nums.get(key)
            if rests_on is not None and nums[rests_on] < MIN_COUNT:
                value = None  # a ratio from one or two questions says nothing
            values[key] = value
        p.rows.append(Row(t.started, t.trainee, t.scenario, t.kind, t.status, len(t.turns), values))
    report = Report(
        trainee, sorted(people.values(), key=lambda p: p.trainee.lower()), include_imported
    )
    for p in report.people:
        p.trends = {k: [r.values[k] for r in p.rows] for k, *_ in KEYS}
        p.sentence = _sentence(p)
    return report


def _key(name: str | None) -> str:
    return " ".join((name or "").lower().split())


def _name(name: str | None) -> str:
    return " ".join((name or "").split()) or NO_NAME


def _mean(xs: list[float | None]) -> float | None:
    vals = [x for x in xs if x is not None]
    return sum(vals) / len(vals) if vals else None


def trend_shown(p: Person, key: str) -> bool:
    """Enough sessions with a value to call a trend for this measure."""
    return sum(v is not None for v in p.trends.get(key, [])) >= MIN_SESSIONS


def _sentence(p: Person) -> str:
    n = len(p.rows)
    if n == 0:
        return "No finished sessions yet: start one with `mi-coach practice`."
    if n < MIN_SESSIONS:
        return (
            f"{n} finished session{'s' if n != 1 else ''} so far: a trend needs {MIN_SESSIONS}; "
            "practise again to see one."
        )
    better: list[tuple[float, str]] = []
    worse: list[tuple[float, str]] = []
    for key, label, higher, _ in KEYS:
        if not trend_shown(p, key):
            continue
        vals = [v for v in p.trends[key] if v is not None]
        half = len(vals) // 2
        early, late = _mean(vals[:half]), _mean(vals[half:])  # type: ignore[arg-type]
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
        parts.append("The numbers are steady between earlier and later sessions.")
    if not worse and p.next_focus:
        parts.append(f"Work on: {p.next_focus}")
    return " ".join(parts) + f" (earlier vs later halves of {n} sessions)"


def _fmt(x: float) -> str:
    return f"{x:.1f}" if abs(x) < 10 else f"{x:.0f}"


def cell(key: str, value: float | None) -> str:
    return number(value, pct=key.startswith("percent"))


def outcome(status: str) -> str:
    return OUTCOMES.get(status, status)


# -- formats ----------------------------------------------------------------------------------------

CSV_COLUMNS = ("trainee", "started", "scenario", "kind", "outcome", "turns", "measure", "value")


def to_csv(report: Report) -> str:
    """Long form: one row per session and measure; a paused session is one row, measure
    "paused"."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for p in report.people:

        def row(r: Any, measure: str, value: Any, trainee: Any = p.trainee) -> None:
            cells = (trainee, r.started, r.scenario, r.kind, r.status, r.turns, measure, value)
            w.writerow([csv_cell(x) for x in cells])

        for r in p.rows:
            for key, *_ in KEYS:
                row(r, key, r.values[key])
        for r in p.paused:
            row(r, "paused", None)
    return out.getvalue()


def to_md(report: Report) -> str:
    e = md_escape
    out = ["# Progress", ""]
    if not report.people:
        out.append("No finished sessions.")
    for p in report.people:
        out += [f"## {e(p.trainee)}", ""]
        if p.rows:
            head = ["date", "scenario", "outcome", "turns", *[label for _, label, *_ in KEYS]]
            out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
            for r in p.rows:
                vals = [cell(k, r.values[k]) for k, *_ in KEYS]
                out.append(
                    f"| {r.started[:10]} | {e(r.scenario)} | {e(outcome(r.status))} | {r.turns} | "
                    + " | ".join(vals)
                    + " |"
                )
            out.append("")
        out += [e(p.sentence), ""]
        if p.paused:
            out.append(
                "Paused, not counted: "
                + ", ".join(f"{r.started[:10]} {e(r.scenario)} ({r.turns} turns)" for r in p.paused)
            )
            out.append("")
    return "\n".join(out)


def to_html(report: Report) -> str:
    e = html_escape
    o = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\"><title>Progress</title><style>"
        "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}"
        "table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #bbb;"
        "padding:.3rem .6rem;text-align:left}th{background:#eee}.person{break-inside:avoid}"
        ".paused{color:#666}@media print{body{margin:0}}</style></head><body><h1>Progress</h1>"
    ]
    if not report.people:
        o.append("<p>No finished sessions.</p>")
    for p in report.people:
        o.append(f'<section class="person"><h2>{e(p.trainee)}</h2>')
        if p.rows:
            o.append(
                "<table><thead><tr><th>date</th><th>scenario</th><th>outcome</th><th>turns</th>"
            )
            o += [f"<th>{e(label)}</th>" for _, label, *_ in KEYS]
            o.append("</tr></thead><tbody>")
            for r in p.rows:
                vals = "".join(f"<td>{e(cell(k, r.values[k]))}</td>" for k, *_ in KEYS)
                o.append(
                    f"<tr><td>{e(r.started[:10])}</td><td>{e(r.scenario)}</td>"
                    f"<td>{e(outcome(r.status))}</td><td>{r.turns}</td>{vals}</tr>"
                )
            o.append("</tbody></table>")
        o.append(f"<p>{e(p.sentence)}</p>")
        if p.paused:
            o.append(
                '<p class="paused">Paused, not counted: '
                + e(", ".join(f"{r.started[:10]} {r.scenario} ({r.turns} turns)" for r in p.paused))
                + "</p>"
            )
        o.append("</section>")
    o.append("</body></html>")
    return "\n".join(o) + "\n"
