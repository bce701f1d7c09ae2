"""A transcript as Markdown: every user string escaped, nothing a renderer would fetch or run."""

from __future__ import annotations

from collections import Counter
from typing import Any

from mi_coach.base.text import md_escape, number
from mi_coach.practice.transcript import OUTCOMES, Transcript
from mi_coach.review.export_common import (
    COUNTS_NOTE,
    SIGN_OFF,
    count_rows,
    date,
    label,
    mi_summary,
    override,
    redaction_note,
    supervisor_lines,
    talk_label,
    threshold,
    title,
    triggers,
    value,
    verdict_lines,
)
from mi_coach.review.review import family_map
from mi_coach.scoring.scorecard import Scorecard


def to_markdown(
    t: Transcript, codes: Any, card: Scorecard, nums: dict[str, Any], counts: Counter | None
) -> str:
    fam = family_map(codes)
    e = md_escape
    lines = [f"# {e(title(t))}", ""]
    meta = [
        ("Trainee" if t.kind == "practice" else "Counsellor", t.trainee or "not given"),
        ("Date", date(t)),
        ("Status", f"{t.status} ({OUTCOMES.get(t.status, t.status)})"),
        ("Scenario", t.scenario) if t.kind == "practice" else ("Source", t.scenario_title),
        ("Turns", str(len(t.turns))),
        ("Transcript", t.id),
    ]
    if t.rapport is not None:
        meta.append(("Final rapport", f"{t.rapport}/10"))
    lines += [f"- **{k}:** {e(v)}" for k, v in meta]
    if counts is not None:
        lines += ["", f"> {e(redaction_note(counts))}"]
    verdict = verdict_lines(card)
    lines += ["", "## Verdict", ""]
    if verdict:
        lines += [f"**{e(verdict[0])}**", ""] + [f"{e(x)}  " for x in verdict[1:]]
    lines += [""] + [f"{e(x)}  " for x in supervisor_lines(t)] + ["", e(SIGN_OFF)]
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
    found = count_rows(card, codes)
    if found:
        top = max(n for _, _, n in found)
        lines += ["", "## Behaviours found", "", f"| Behaviour | Count | 0 to {top} (one scale) |"]
        lines.append("|---|---:|---|")
        lines += [f"| {e(lab)} | {n} | {_bar(n, top)} |" for lab, _, n in found]
        lines += ["", COUNTS_NOTE]
    lines += [
        "",
        "## Rubrics",
        "",
        "| Rubric | Score (0–100) | Weakest criterion |",
        "|---|---:|---|",
    ]
    for r in card.rubrics:
        weak = sorted(
            (c for c in r.criteria if c.status in ("below", "fair")),
            key=lambda c: (c.status != "below", -c.weight),
        )
        worst = f"{weak[0].label}: {weak[0].feedback}" if weak else ""
        lines.append(f"| {e(r.title)} | {e(number(r.score))} | {e(worst)} |")
    others = [(r, c) for r in card.rubrics for c in r.criteria if not (r.id == "mi" and c.summary)]
    if others:
        lines += ["", "| Criterion | Value | Status | Verdict |", "|---|---:|---|---|"]
        lines += [
            f"| {e(c.label)} ({e(r.title)}) | {e(value(c))} | {e(c.status)} | {e(c.feedback)} |"
            for r, c in others
        ]
    if card.best:
        b = card.best
        lines += [
            "",
            f"**Best moment** (turn {b.n}): \u201c{e(b.response)}\u201d \u2014 {e(b.note)}",
        ]
    if card.missed:
        m = card.missed
        lines += [
            "",
            f"**Biggest missed chance** (turn {m.n}): \u201c{e(m.response)}\u201d \u2014 {e(m.note)}",
        ]
        if m.better:
            lines.append(f"Try instead: \u201c{e(m.better)}\u201d")
    if card.practise:
        lines += ["", "**Practise next**", ""] + [f"- {e(p)}" for p in card.practise]
    lines += ["", "## Turns"]
    talks = {v.n: v.talk for v in card.views}
    for turn in t.turns:
        eff = turn.effective(fam)
        lines += ["", f"### Turn {turn.n}", ""]
        if turn.client is not None:
            talk = e(talk_label(talks.get(turn.n)))
            lines.append(f"- **Client{talk}:** {e(turn.client.text)}")
            if turn.client.thought:
                lines.append(f"- **Client thought:** {e(turn.client.thought)}")
        lines.append(f"- **Response:** {e(turn.response)}")
        code = f"{e(label(codes, eff.code))} ({e(eff.code)})"
        if override(turn):
            code += f", supervisor's code; the machine said {e(label(codes, turn.code))}"
        elif turn.reviewed:
            code += ", confirmed by the supervisor"
        lines.append(f"- **Code:** {code}")
        lines.append(f"- **Behaviours:** {e(', '.join(label(codes, c) for c in eff.codes))}")
        trig = triggers(eff)
        if trig:
            lines.append("- **Trigger words:** " + ", ".join(f"\u201c{e(w)}\u201d" for w in trig))
        if turn.rapport_before is not None and turn.rapport_after is not None:
            lines.append(f"- **Rapport:** {turn.rapport_before} \u2192 {turn.rapport_after}")
        if eff.feedback:
            lines.append(f"- **Feedback:** {e(eff.feedback)}")
        if eff.better:
            lines.append(f"- **Better:** {e(eff.better)}")
        a = turn.annotation
        if a is not None and a.comment:
            by = f" ({e(a.by)})" if a.by else ""
            lines.append(f"- **Supervisor{by}:** {e(a.comment)}")
    if t.closing is not None:  # the client's last words, after the last response
        lines += ["", "### The client's closing words", "", f"- **Client:** {e(t.closing.text)}"]
        if t.closing.thought:
            lines.append(f"- **Client thought:** {e(t.closing.thought)}")
    return "\n".join(lines) + "\n"


def _bar(n: int, top: int, width: int = 10) -> str:
    filled = round(width * n / top) if top else 0
    return "\u2588" * filled + "\u2591" * (width - filled)
