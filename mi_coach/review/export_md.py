"""A transcript as Markdown: every user string escaped, nothing a renderer would fetch or run."""

from __future__ import annotations

from collections import Counter
from typing import Any

from mi_coach.base.text import md_escape, number
from mi_coach.practice.transcript import OUTCOMES, Transcript
from mi_coach.review.export_common import (
    date,
    label,
    mi_summary,
    override,
    redaction_note,
    summary_rows,
    threshold,
    triggers,
    value,
)
from mi_coach.review.review import family_map
from mi_coach.scoring.scorecard import Scorecard


def to_markdown(
    t: Transcript, codes: Any, card: Scorecard, nums: dict[str, Any], counts: Counter | None
) -> str:
    fam = family_map(codes)
    e = md_escape
    lines = [f"# MI practice session: {e(t.scenario_title)}", ""]
    meta = [
        ("Trainee", t.trainee or "not given"),
        ("Date", date(t)),
        ("Status", f"{t.status} ({OUTCOMES.get(t.status, t.status)})"),
        ("Scenario", t.scenario),
        ("Turns", str(len(t.turns))),
        ("Transcript", t.id),
    ]
    if t.rapport is not None:
        meta.append(("Final rapport", f"{t.rapport}/10"))
    lines += [f"- **{k}:** {e(v)}" for k, v in meta]
    if counts is not None:
        lines += ["", f"> {e(redaction_note(counts))}"]
    lines += [
        "",
        "## MITI summary",
        "",
        "| Measure | Value | Fair | Good | Status |",
        "|---|---:|---:|---:|---|",
    ]
    for c in mi_summary(card):
        lines.append(
            f"| {e(c.label)} | {e(value(c))} | {e(threshold(c, c.fair))} "
            f"| {e(threshold(c, c.good))} | {e(c.status)} |"
        )
    lines += ["", "## Summary numbers", "", "| Number | Value |", "|---|---:|"]
    lines += [f"| {e(k)} | {e(v)} |" for k, v in summary_rows(nums)]
    found = [(c, n) for c, n in nums["counts"].items() if n]
    if found:
        lines += ["", "| Behaviour | Count |", "|---|---:|"]
        lines += [f"| {e(label(codes, c))} | {n} |" for c, n in found]
    lines += ["", "## Rubrics", "", "| Rubric | Score |", "|---|---:|"]
    lines += [f"| {e(r.title)} | {e(number(r.score))} |" for r in card.rubrics]
    if card.best:
        b = card.best
        lines += [
            "",
            f"**Best moment** (turn {b.n}): \u201c{e(b.response)}\u201d "
            f"({e(label(codes, b.code))}; {e(b.note)})",
        ]
    if card.missed:
        m = card.missed
        lines += [
            "",
            f"**Biggest missed chance** (turn {m.n}): \u201c{e(m.response)}\u201d "
            f"({e(label(codes, m.code))}; {e(m.note)})",
        ]
        if m.better:
            lines.append(f"Try instead: \u201c{e(m.better)}\u201d")
    if card.practise:
        lines += ["", "**Practise next**", ""] + [f"- {e(p)}" for p in card.practise]
    lines += ["", "## Turns"]
    for turn in t.turns:
        eff = turn.effective(fam)
        lines += ["", f"### Turn {turn.n}", ""]
        if turn.client is not None:
            talk = f" ({e(turn.client.talk)} talk)" if turn.client.talk else ""
            lines.append(f"- **Client{talk}:** {e(turn.client.text)}")
            if turn.client.thought:
                lines.append(f"- **Client thought:** {e(turn.client.thought)}")
        lines.append(f"- **Response:** {e(turn.response)}")
        code = f"{e(label(codes, eff.code))} ({e(eff.code)})"
        if override(turn):
            code += f", supervisor's code; the machine said {e(label(codes, turn.code))}"
        lines.append(f"- **Code:** {code}")
        lines.append(f"- **Behaviours:** {e(', '.join(label(codes, c) for c in eff.codes))}")
        trig = triggers(turn)
        if trig:
            lines.append("- **Trigger words:** " + ", ".join(f"\u201c{e(w)}\u201d" for w in trig))
        if turn.rapport_before is not None and turn.rapport_after is not None:
            lines.append(f"- **Rapport:** {turn.rapport_before} \u2192 {turn.rapport_after}")
        if turn.feedback:
            lines.append(f"- **Feedback:** {e(turn.feedback)}")
        if turn.better:
            lines.append(f"- **Better:** {e(turn.better)}")
        a = turn.annotation
        if a is not None and a.comment:
            by = f" ({e(a.by)})" if a.by else ""
            lines.append(f"- **Supervisor{by}:** {e(a.comment)}")
    return "\n".join(lines) + "\n"
