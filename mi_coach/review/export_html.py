"""A transcript as one self-contained printable HTML page: inline CSS and SVG, no script, no request."""

from __future__ import annotations

from collections import Counter
from typing import Any

from mi_coach.base.text import html_escape, number
from mi_coach.practice.transcript import OUTCOMES, Transcript, Turn
from mi_coach.review.charts import count_bar, rapport_chart, status_class, summary_chart
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
from mi_coach.review.redact_transcript import aligned
from mi_coach.review.review import family_map
from mi_coach.scoring.scorecard import Scorecard

CSS = """
:root { --ink:#1d2430; --muted:#5b6575; --line:#d5dbe3; --good:#1e7b4a; --fair:#b7791f;
        --below:#b42318; --na:#8a94a3; --accent:#2d5b9a; --paper:#ffffff; --soft:#f3f6fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 60rem; padding: 1.5rem; color: var(--ink);
       background: var(--paper);
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; } h2 { font-size: 1.25rem; margin: 2rem 0 .6rem;
     border-bottom: 2px solid var(--line); padding-bottom: .2rem; }
header dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
header dt { color: var(--muted); } header dd { margin: 0; }
.note { background: #fff8e1; border-left: 4px solid var(--fair); padding: .5rem .8rem;
        margin-top: 1rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line);
         vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { font-weight: 600; } .s-good { color: var(--good); } .s-fair { color: var(--fair); }
.s-below { color: var(--below); } .s-na { color: var(--na); }
figure { margin: .5rem 0 1rem; } figcaption { color: var(--muted); font-size: .85rem; }
svg { max-width: 100%; height: auto; font: 12px system-ui, Arial, sans-serif; }
svg .axis { stroke: var(--line); } svg .label { fill: var(--ink); }
svg .muted { fill: var(--muted); }
svg .fair { stroke: var(--fair); stroke-width: 2; stroke-dasharray: 4 3; }
svg .good { stroke: var(--good); stroke-width: 2; }
svg .bar-good { fill: var(--good); } svg .bar-fair { fill: var(--fair); }
svg .bar-below { fill: var(--below); } svg .bar-na { fill: var(--line); }
svg .curve { fill: none; stroke: var(--accent); stroke-width: 2.5; }
.cbar { display: inline-block; width: 10rem; height: .7rem; background: var(--soft);
        border: 1px solid var(--line); vertical-align: middle; }
.cbar span { display: block; height: 100%; background: var(--accent); }
#verdict .overall { font-size: 1.1rem; font-weight: 600; }
.signoff { margin-top: 1.2rem; font-family: ui-monospace, monospace; white-space: pre; }
svg .dot { fill: var(--accent); }
.turn { border: 1px solid var(--line); border-radius: 6px; padding: .7rem .9rem; margin: .8rem 0;
        break-inside: avoid; page-break-inside: avoid; }
.turn h3 { margin: 0 0 .4rem; font-size: 1rem; }
.turn p { margin: .25rem 0; } .who { font-weight: 600; color: var(--muted); }
.client { background: var(--soft); padding: .35rem .6rem; border-radius: 4px; }
.thought { color: var(--muted); font-style: italic; }
.code { display: inline-block; border-radius: 3px; padding: 0 .4rem; background: var(--soft);
        border: 1px solid var(--line); font-size: .9rem; }
.fam-reflection { border-color: var(--good); } .fam-mi_non_adherent { border-color: var(--below); }
mark { background: #fff1a8; padding: 0 .1rem; }
.supervisor { border-left: 3px solid var(--accent); padding-left: .6rem; }
.better { color: var(--good); } footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
@media print {
  @page { margin: 1.5cm; }
  body { max-width: none; padding: 0; font-size: 11pt; color: #000; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .turn, figure, table { break-inside: avoid; page-break-inside: avoid; }
  .client, .code, mark { background: none; }
  .note { border: 1px solid #000; background: none; }
  svg { max-width: 16cm; }
}
"""


def _marked(turn: Turn) -> str:
    """The response, escaped, with its trigger words (evidence pointing into it) marked."""
    text = turn.response
    merged: list[list[int]] = []
    for start, end in sorted(
        (ev["start"], ev["end"])
        for ev in turn.evidence
        if aligned(ev, text) and ev["end"] > ev["start"]
    ):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, at = [], 0
    for start, end in merged:
        out.append(html_escape(text[at:start]))
        out.append(f"<mark>{html_escape(text[start:end])}</mark>")
        at = end
    out.append(html_escape(text[at:]))
    return "".join(out)


def to_html(
    t: Transcript, codes: Any, card: Scorecard, nums: dict[str, Any], counts: Counter | None
) -> str:
    fam = family_map(codes)
    heading = title(t)
    o: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'\">",
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html_escape(heading)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{html_escape(heading)}</h1>",
        "<dl>",
    ]
    meta = [
        ("Trainee" if t.kind == "practice" else "Counsellor", t.trainee or "not given"),
        ("Date", date(t)),
        ("Status", f"{t.status} ({OUTCOMES.get(t.status, t.status)})"),
    ]
    if t.kind == "practice":
        meta.append(("Scenario", t.scenario))
    else:
        meta.append(("Source", t.scenario_title))
    meta += [("Turns", str(len(t.turns))), ("Transcript", t.id)]
    if t.rapport is not None:
        meta.append(("Final rapport", f"{t.rapport}/10"))
    o += [f"<dt>{html_escape(k)}</dt><dd>{html_escape(v)}</dd>" for k, v in meta]
    o.append("</dl>")
    if counts is not None:
        o.append(f'<p class="note redacted">{html_escape(redaction_note(counts))}</p>')
    o.append("</header>")

    lines = verdict_lines(card)
    o += ['<section id="verdict">', "<h2>Verdict</h2>"]
    if lines:
        o.append(f'<p class="overall">{html_escape(lines[0])}</p>')
        o += [f"<p>{html_escape(x)}</p>" for x in lines[1:]]
    o += [f'<p class="supervisor-summary">{html_escape(x)}</p>' for x in supervisor_lines(t)]
    o.append(f'<p class="signoff">{html_escape(SIGN_OFF)}</p>')
    o.append("</section>")

    o += ['<section id="summary">', "<h2>MITI summary</h2>"]
    criteria = mi_summary(card)
    if criteria:
        o.append(
            '<table><thead><tr><th>Measure</th><th class="num">Value</th>'
            '<th class="num">Fair</th><th class="num">Good</th><th>Status</th></tr>'
            "</thead><tbody>"
        )
        for c in criteria:
            o.append(
                f'<tr><td>{html_escape(c.label)}</td><td class="num">{html_escape(value(c))}</td>'
                f'<td class="num">{html_escape(threshold(c, c.fair))}</td>'
                f'<td class="num">{html_escape(threshold(c, c.good))}</td>'
                f'<td class="status s-{status_class(c.status)}">{html_escape(c.status)}</td></tr>'
            )
        o.append("</tbody></table>")
        o.append(
            f"<figure>{summary_chart(criteria)}<figcaption>Bars: this session, each axis labelled "
            "at both ends; the counts share one scale. Dashed line: fair; solid line: good. "
            "Ratios count every question, and a turn's other secondary codes only when the coder "
            "is sure of the turn."
            "</figcaption></figure>"
        )
    found = count_rows(card, codes)
    if found:
        top = max(n for _, _, n in found)
        o.append(
            "<h2>Behaviours found</h2>"
            '<table class="counts"><thead><tr><th>Behaviour</th><th class="num">Count</th>'
            f"<th>0 to {top} (one scale)</th></tr></thead><tbody>"
        )
        o += [
            f'<tr><td>{html_escape(lab)}</td><td class="num">{n}</td>'
            f"<td>{count_bar(n, top)}</td></tr>"
            for lab, _, n in found
        ]
        o.append(f'</tbody></table><p class="note">{html_escape(COUNTS_NOTE)}</p>')
    o.append(
        '<h2>Rubrics</h2><table><thead><tr><th>Rubric</th><th class="num">Score (0\u2013100)</th>'
        "<th>Weakest criterion</th></tr></thead><tbody>"
    )
    for r in card.rubrics:
        weak = sorted(
            (c for c in r.criteria if c.status in ("below", "fair")),
            key=lambda c: (c.status != "below", -c.weight),
        )
        o.append(
            f'<tr><td>{html_escape(r.title)}</td><td class="num">{html_escape(number(r.score))}</td>'
            f"<td>{html_escape(f'{weak[0].label}: {weak[0].feedback}') if weak else ''}</td></tr>"
        )
    o.append("</tbody></table>")
    others = [(r, c) for r in card.rubrics for c in r.criteria if not (r.id == "mi" and c.summary)]
    if others:
        o.append(
            '<table class="criteria"><thead><tr><th>Criterion</th><th class="num">Value</th>'
            "<th>Status</th><th>Verdict</th></tr></thead><tbody>"
        )
        o += [
            f"<tr><td>{html_escape(c.label)} <small>({html_escape(r.title)})</small></td>"
            f'<td class="num">{html_escape(value(c))}</td>'
            f'<td class="status s-{status_class(c.status)}">{html_escape(c.status)}</td>'
            f"<td>{html_escape(c.feedback)}</td></tr>"
            for r, c in others
        ]
        o.append("</tbody></table>")
    if card.best:
        b = card.best
        o.append(
            f"<p><strong>Best moment</strong> (turn {b.n}): \u201c{html_escape(b.response)}\u201d "
            f"\u2014 {html_escape(b.note)}</p>"
        )
    if card.missed:
        m = card.missed
        o.append(
            f"<p><strong>Biggest missed chance</strong> (turn {m.n}): "
            f"\u201c{html_escape(m.response)}\u201d \u2014 {html_escape(m.note)}</p>"
        )
        if m.better:
            o.append(f'<p class="better">Try instead: \u201c{html_escape(m.better)}\u201d</p>')
    if card.practise:
        o.append("<p><strong>Practise next</strong></p><ul>")
        o += [f"<li>{html_escape(p)}</li>" for p in card.practise]
        o.append("</ul>")
    o.append("</section>")

    chart = rapport_chart(t)
    if chart:
        o += [
            '<section id="rapport">',
            "<h2>Rapport</h2>",
            f"<figure>{chart}<figcaption>The client's rapport meter (0\u201310) before the "
            "first turn and after each turn.</figcaption></figure>",
            "</section>",
        ]

    o += ['<section id="turns">', "<h2>Turns</h2>"]
    talks = {v.n: v.talk for v in card.views}
    for turn in t.turns:
        eff = turn.effective(fam)
        o.append(f'<article class="turn" id="turn-{turn.n}"><h3>Turn {turn.n}</h3>')
        if turn.client is not None:
            talk = talk_label(talks.get(turn.n))
            o.append(
                f'<p class="client"><span class="who">Client{talk}:</span> '
                f"{html_escape(turn.client.text)}</p>"
            )
            if turn.client.thought:
                o.append(
                    f'<p class="thought">Client thought: {html_escape(turn.client.thought)}</p>'
                )
        o.append(f'<p class="response"><span class="who">Response:</span> {_marked(eff)}</p>')
        code = (
            f'<span class="code fam-{html_escape(eff.family)}">{html_escape(label(codes, eff.code))}</span> '
            f"<small>{html_escape(eff.code)}</small>"
        )
        if override(turn):
            code += (
                f" <small>(supervisor\u2019s code; the machine said "
                f"{html_escape(label(codes, turn.code))})</small>"
            )
        elif turn.reviewed:
            code += " <small>(confirmed by the supervisor)</small>"
        o.append(f'<p><span class="who">Code:</span> {code}</p>')
        o.append(
            f'<p><span class="who">Behaviours:</span> '
            f"{html_escape(', '.join(label(codes, c) for c in eff.codes))}</p>"
        )
        trig = triggers(eff)
        if trig:
            o.append(
                '<p class="triggers"><span class="who">Trigger words:</span> '
                + ", ".join(f"\u201c{html_escape(w)}\u201d" for w in trig)
                + "</p>"
            )
        if turn.rapport_before is not None and turn.rapport_after is not None:
            o.append(
                f'<p><span class="who">Rapport:</span> {turn.rapport_before} \u2192 '
                f"{turn.rapport_after}</p>"
            )
        if eff.feedback:
            o.append(
                f'<p class="feedback"><span class="who">Feedback:</span> {html_escape(eff.feedback)}</p>'
            )
        if eff.better:
            o.append(
                f'<p class="better"><span class="who">Better:</span> {html_escape(eff.better)}</p>'
            )
        a = turn.annotation
        if a is not None and a.comment:
            by = f" ({html_escape(a.by)})" if a.by else ""
            o.append(
                f'<p class="supervisor"><span class="who">Supervisor{by}:</span> '
                f"{html_escape(a.comment)}</p>"
            )
        o.append("</article>")
    if t.closing is not None:  # the client's last words, after the last response
        o.append(
            '<article class="turn" id="closing"><h3>The client\u2019s closing words</h3>'
            f'<p class="client"><span class="who">Client:</span> {html_escape(t.closing.text)}</p>'
        )
        if t.closing.thought:
            o.append(f'<p class="thought">Client thought: {html_escape(t.closing.thought)}</p>')
        o.append("</article>")
    o += [
        "</section>",
        f"<footer>Exported by mi-coach from transcript {html_escape(t.id)} "
        f"(schema {html_escape(t.schema_)} v{t.version}).</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(o) + "\n"
