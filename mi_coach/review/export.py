"""Exporting a transcript: Markdown, one self-contained printable HTML page, CSV, or JSON.
Pure logic: a transcript in, text out (the command writes it).

Every format holds every turn (the client's line, the response, the code summaries count — a
supervisor's override when there is one —, every behaviour found, the trigger words, the
supervisor's comment, feedback and a better response when there is one) and the session's
summary numbers (`mi_coach.review.review.numbers`; CSV, one row per turn, holds the turns only).

Safety: all text a trainee, client or supervisor wrote is escaped for the format (HTML entities in
HTML and Markdown, Markdown punctuation backslash-escaped, CSV cells that a spreadsheet would read
as a formula prefixed with a single quote). The HTML page makes no request of any kind: inline
CSS, inline SVG charts, no JavaScript, and a Content-Security-Policy that forbids scripts and
remote resources anyway.

With `redact=True`, names, phone numbers, e-mail and street addresses are replaced in every text
field (see `mi_coach.review.redact`), the evidence offsets are moved to match, and the counts come back
in `Exported.redactions`.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from mi_coach.base import jsontext
from mi_coach.base.errors import MiCoachError
from mi_coach.practice.transcript import OUTCOMES, Transcript, Turn
from mi_coach.review.redact import Found, Redactor
from mi_coach.review.review import card_for, family_map, numbers
from mi_coach.scoring.scorecard import Scorecard, format_threshold, format_value

Format = Literal["md", "html", "csv", "json"]
FORMATS: tuple[str, ...] = ("md", "html", "csv", "json")
CSV_COLUMNS = (
    "n",
    "client",
    "response",
    "code",
    "machine_code",
    "family",
    "codes",
    "trigger_words",
    "rapport_before",
    "rapport_after",
    "override",
    "comment",
    "client_talk",
    "client_thought",
    "feedback",
    "better",
)


@dataclass(frozen=True)
class Exported:
    text: str
    redactions: Counter = field(default_factory=Counter)  # by kind: name, phone, email, address
    format: str = ""


def export(
    t: Transcript,
    codes: Any,
    fmt: Format,
    redact: bool = False,
    ner: Any = None,
    names: Sequence[str] = (),
) -> Exported:
    """The transcript as `fmt`. `redact`: replace personal details (names found by the `ner`
    pipeline when given, the trainee's name and `names` always, and phone/e-mail/address
    patterns)."""
    if fmt not in FORMATS:
        raise MiCoachError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    counts: Counter = Counter()
    if redact:
        t, counts = redact_transcript(t, ner, names)
    card = card_for(t, codes)
    nums = numbers(t, codes, card)
    writer: Callable[..., str] = {
        "md": to_markdown,
        "html": to_html,
        "csv": to_csv,
        "json": to_json,
    }[fmt]
    text = writer(t, codes, card, nums, counts if redact else None)
    return Exported(text, counts, fmt)


# -- redaction ----------------------------------------------------------------------------------


def redact_transcript(
    t: Transcript, ner: Any = None, names: Sequence[str] = ()
) -> tuple[Transcript, Counter]:
    """A copy of the transcript with personal details replaced in every text field, evidence
    offsets moved to match; and the replacements made, by kind (evidence is not counted again)."""
    data = t.model_dump(by_alias=True)
    slots: list[tuple[dict[str, Any], str]] = []  # (the record, its key): texts to redact
    known = [n for n in [t.trainee, *names] if n]

    def slot(record: dict[str, Any] | None, key: str) -> None:
        if record is not None and isinstance(record.get(key), str) and record[key]:
            slots.append((record, key))

    for key in ("trainee", "scenario_title", "scenario_source"):
        slot(data, key)
    for turn in data["turns"]:
        slot(turn, "response")
        slot(turn.get("client"), "text")
        slot(turn.get("client"), "thought")
        slot(turn, "feedback")
        slot(turn, "better")
        slot(turn.get("annotation"), "comment")
        slot(turn.get("annotation"), "by")
        if turn.get("annotation") and turn["annotation"].get("by"):
            known.append(turn["annotation"]["by"])
    counted = len(slots)
    # Copies of those texts are redacted too, uncounted: the saved scorecard's best moment and
    # missed chance, and evidence that does not point into its response (evidence that does is
    # redacted through the response's spans, its offsets moved).
    for key in ("best_moment", "biggest_missed_chance"):
        moment = (data.get("scores") or {}).get(key)
        if isinstance(moment, dict):
            for field_ in ("client", "response", "note", "better"):
                slot(moment, field_)
    for turn in data["turns"]:
        for ev in turn.get("evidence") or []:
            if not _aligned(ev, turn["response"]):
                slot(ev, "match")
    found = Redactor(ner, known).find([rec[key] for rec, key in slots])
    counts: Counter = Counter(s.kind for f in found[:counted] for s in f.spans)
    by_response: dict[int, Found] = {}
    for i, ((rec, key), f) in enumerate(zip(slots, found)):
        if key == "response" and i < counted:
            by_response[id(rec)] = f
        rec[key] = f.text
    for turn in data["turns"]:
        f = by_response.get(id(turn))
        if f is None:
            continue
        for ev in turn.get("evidence") or []:
            if _aligned(ev, f.original):
                start, end = ev["start"], ev["end"]
                ev["match"] = f.part(start, end)
                ev["start"] = f.position(start)
                ev["end"] = ev["start"] + len(ev["match"])
    if t.kind == "imported":  # the title is the file's name, often the client's name
        data["scenario_title"] = "Imported session"
        data["scenario_source"] = "[FILE]"
    return Transcript.model_validate(data), counts


def _aligned(ev: dict[str, Any], text: str) -> bool:
    start, end, match = ev.get("start"), ev.get("end"), ev.get("match")
    return (
        isinstance(start, int)
        and isinstance(end, int)
        and 0 <= start <= end <= len(text)
        and text[start:end] == match
    )


# -- what every format shows --------------------------------------------------------------------


def _label(codes: Any, code: str) -> str:
    info = codes.codes.get(code)
    return info.label if info is not None else code


def _triggers(turn: Turn) -> list[str]:
    return list(
        dict.fromkeys(
            str(ev.get("match")) for ev in turn.evidence if ev.get("match") not in (None, "")
        )
    )


def _override(turn: Turn) -> str | None:
    a = turn.annotation
    return a.code if a is not None and a.code is not None and a.code != turn.code else None


def _mi_summary(card: Scorecard) -> list[Any]:
    mi = next((r for r in card.rubrics if r.id == "mi"), None)
    return [c for c in mi.criteria if c.summary] if mi is not None else []


def _value(c: Any) -> str:
    return format_value(c)


def _threshold(c: Any, x: float) -> str:
    return format_threshold(c, x, sign=True)


def _num(x: Any, pct: bool = False) -> str:
    if x is None:
        return "n/a"
    return f"{x:g}%" if pct else f"{x:g}"


def _date(t: Transcript) -> str:
    stamp = t.finished or t.updated or t.started
    return stamp.replace("T", " ").replace("+00:00", " UTC")


def _redaction_note(counts: Counter) -> str:
    total = sum(counts.values())
    detail = ", ".join(
        f"{k}: {counts[k]}" for k in ("name", "phone", "email", "address") if counts.get(k)
    )
    return (
        f"Redacted: names, phone numbers, e-mail and street addresses were replaced with "
        f"placeholders ({total} replacement{'s' if total != 1 else ''}"
        f"{'; ' + detail if detail else ''})."
    )


def _summary_rows(nums: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("Reflections", _num(nums["reflections"])),
        ("Questions", _num(nums["questions"])),
        ("Reflection-to-question ratio", _num(nums["reflection_to_question_ratio"])),
        ("Complex reflections", _num(nums["percent_complex_reflections"], pct=True)),
        ("Open questions", _num(nums["percent_open_questions"], pct=True)),
        ("MI-adherent behaviours", _num(nums["mi_adherent"])),
        ("MI-non-adherent behaviours", _num(nums["mi_non_adherent"])),
    ]


# -- JSON ---------------------------------------------------------------------------------------


def to_json(
    t: Transcript, codes: Any, card: Scorecard, nums: dict[str, Any], counts: Counter | None
) -> str:
    data = t.model_dump(by_alias=True)
    data["summary"] = nums
    return jsontext.dumps(data, indent=2) + "\n"


# -- CSV ----------------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Control characters (terminal escape sequences start with ESC) never reach an export raw: each
# becomes the replacement character, one for one, so offsets into the text stay valid.
_CONTROLS = dict.fromkeys(
    [c for c in range(32) if c not in (9, 10)] + list(range(127, 160)), "\ufffd"
)


def clean(text: str) -> str:
    return text.translate(_CONTROLS)


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet will not run: text starting like a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = clean(value)
        return "'" + value if value.startswith(FORMULA_START) else value
    return value


def to_csv(
    t: Transcript, codes: Any, card: Scorecard, nums: dict[str, Any], counts: Counter | None
) -> str:
    fam = family_map(codes)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for turn in t.turns:
        eff = turn.effective(fam)
        a = turn.annotation
        row = [
            turn.n,
            turn.client.text if turn.client else None,
            turn.response,
            eff.code,
            turn.code,
            eff.family,
            ";".join(eff.codes),
            "; ".join(_triggers(turn)),
            turn.rapport_before,
            turn.rapport_after,
            _override(turn),
            a.comment if a is not None else None,
            turn.client.talk if turn.client else None,
            turn.client.thought if turn.client else None,
            turn.feedback,
            turn.better,
        ]
        w.writerow([csv_cell(v) for v in row])
    return out.getvalue()


# -- Markdown -----------------------------------------------------------------------------------

# Inline Markdown syntax; user text never starts a line (each line starts with our own markup),
# so block syntax (#, -, +, 1.) needs no escape, and ( ) ! mean nothing without [ ].
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md_escape(text: Any) -> str:
    """User text made inert in Markdown: HTML-significant characters become entities, inline
    Markdown punctuation is backslash-escaped, and line breaks become spaces (no new blocks)."""
    s = " ".join(clean(str(text)).split())
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_markdown(
    t: Transcript, codes: Any, card: Scorecard, nums: dict[str, Any], counts: Counter | None
) -> str:
    fam = family_map(codes)
    e = md_escape
    lines = [f"# MI practice session: {e(t.scenario_title)}", ""]
    meta = [
        ("Trainee", t.trainee or "not given"),
        ("Date", _date(t)),
        ("Status", f"{t.status} ({OUTCOMES.get(t.status, t.status)})"),
        ("Scenario", t.scenario),
        ("Turns", str(len(t.turns))),
        ("Transcript", t.id),
    ]
    if t.rapport is not None:
        meta.append(("Final rapport", f"{t.rapport}/10"))
    lines += [f"- **{k}:** {e(v)}" for k, v in meta]
    if counts is not None:
        lines += ["", f"> {e(_redaction_note(counts))}"]
    lines += [
        "",
        "## MITI summary",
        "",
        "| Measure | Value | Fair | Good | Status |",
        "|---|---:|---:|---:|---|",
    ]
    for c in _mi_summary(card):
        lines.append(
            f"| {e(c.label)} | {e(_value(c))} | {e(_threshold(c, c.fair))} "
            f"| {e(_threshold(c, c.good))} | {e(c.status)} |"
        )
    lines += ["", "## Summary numbers", "", "| Number | Value |", "|---|---:|"]
    lines += [f"| {e(k)} | {e(v)} |" for k, v in _summary_rows(nums)]
    found = [(c, n) for c, n in nums["counts"].items() if n]
    if found:
        lines += ["", "| Behaviour | Count |", "|---|---:|"]
        lines += [f"| {e(_label(codes, c))} | {n} |" for c, n in found]
    lines += ["", "## Rubrics", "", "| Rubric | Score |", "|---|---:|"]
    lines += [f"| {e(r.title)} | {e(_num(r.score))} |" for r in card.rubrics]
    if card.best:
        b = card.best
        lines += [
            "",
            f"**Best moment** (turn {b.n}): \u201c{e(b.response)}\u201d "
            f"({e(_label(codes, b.code))}; {e(b.note)})",
        ]
    if card.missed:
        m = card.missed
        lines += [
            "",
            f"**Biggest missed chance** (turn {m.n}): \u201c{e(m.response)}\u201d "
            f"({e(_label(codes, m.code))}; {e(m.note)})",
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
        code = f"{e(_label(codes, eff.code))} ({e(eff.code)})"
        if _override(turn):
            code += f", supervisor's code; the machine said {e(_label(codes, turn.code))}"
        lines.append(f"- **Code:** {code}")
        lines.append(f"- **Behaviours:** {e(', '.join(_label(codes, c) for c in eff.codes))}")
        trig = _triggers(turn)
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


# -- HTML ---------------------------------------------------------------------------------------


def h(text: Any) -> str:
    return html.escape(clean(str(text)), quote=True)


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


def _status_class(status: str) -> str:
    return "na" if status == "n/a" else status


def _axis_max(c: Any) -> float:
    value = c.value or 0.0
    if c.kind == "share":
        return 1.0
    if c.kind == "talk_response":
        return 5.0
    top = max(c.good, c.fair, value)
    return top * 1.25 if top > 0 else 1.0


def summary_chart(criteria: Sequence[Any]) -> str:
    """The MITI summary scores as horizontal bars, each on its own scale, with the fair (dashed)
    and good (solid) thresholds drawn across it."""
    if not criteria:
        return ""
    row, left, width = 34, 230, 420
    height = 30 + row * len(criteria)
    parts = [
        f'<svg class="chart summary-chart" role="img" viewBox="0 0 {left + width + 70} '
        f'{height}" width="{left + width + 70}" height="{height}" '
        f'aria-label="MITI summary scores against their fair and good thresholds">',
        "<title>MITI summary scores against their fair and good thresholds</title>",
    ]
    for i, c in enumerate(criteria):
        y = 10 + i * row
        top = _axis_max(c)
        scale = width / top

        def x(v: float, top: float = top, scale: float = scale) -> float:
            return left + max(0.0, min(v, top)) * scale

        short = c.label.split(" (")[0]  # the full label is in the table and the tooltip
        parts.append(
            f'<text class="label" x="{left - 8}" y="{y + 17}" text-anchor="end">'
            f"{h(short)}<title>{h(c.label)}</title></text>"
        )
        parts.append(
            f'<line class="axis" x1="{left}" y1="{y + 24}" x2="{left + width}" y2="{y + 24}"/>'
        )
        if c.value is not None:
            w = x(c.value) - left
            parts.append(
                f'<rect class="bar-{_status_class(c.status)}" x="{left}" y="{y + 6}" '
                f'width="{w:.1f}" height="16" rx="2"><title>{h(c.label)}: '
                f"{h(_value(c))} ({h(c.status)})</title></rect>"
            )
        parts.append(
            f'<line class="fair" x1="{x(c.fair):.1f}" y1="{y + 1}" x2="{x(c.fair):.1f}" '
            f'y2="{y + 27}"><title>fair {h(_threshold(c, c.fair))}</title></line>'
        )
        parts.append(
            f'<line class="good" x1="{x(c.good):.1f}" y1="{y + 1}" x2="{x(c.good):.1f}" '
            f'y2="{y + 27}"><title>good {h(_threshold(c, c.good))}</title></line>'
        )
        parts.append(
            f'<text class="label" x="{left + width + 8}" y="{y + 17}">{h(_value(c))}</text>'
        )
    legend_y = height - 8
    parts.append(
        f'<line class="fair" x1="{left}" y1="{legend_y - 4}" x2="{left + 24}" '
        f'y2="{legend_y - 4}"/><text class="muted" x="{left + 30}" y="{legend_y}">fair'
        f'</text><line class="good" x1="{left + 80}" y1="{legend_y - 4}" '
        f'x2="{left + 104}" y2="{legend_y - 4}"/><text class="muted" x="{left + 110}" '
        f'y="{legend_y}">good</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def rapport_points(t: Transcript) -> list[tuple[int, int]]:
    """(turn, rapport) from the start of the session: turn 0 is the rapport before turn 1."""
    pts: list[tuple[int, int]] = []
    for turn in t.turns:
        if turn.rapport_before is None or turn.rapport_after is None:
            continue
        if not pts:
            pts.append((turn.n - 1, turn.rapport_before))
        pts.append((turn.n, turn.rapport_after))
    return pts


def rapport_chart(t: Transcript) -> str:
    """The rapport meter across the turns (0-10); empty when the session has no rapport."""
    pts = rapport_points(t)
    if not pts:
        return ""
    w, hgt, left, right, top, bottom = 640, 220, 40, 20, 15, 35
    lo, hi = min(n for n, _ in pts), max(n for n, _ in pts)
    ymax = max(10, max(v for _, v in pts))
    span = max(hi - lo, 1)

    def x(n: int) -> float:
        return left + (n - lo) / span * (w - left - right)

    def y(v: int) -> float:
        return top + (1 - v / ymax) * (hgt - top - bottom)

    parts = [
        f'<svg class="chart rapport-chart" role="img" viewBox="0 0 {w} {hgt}" width="{w}" '
        f'height="{hgt}" aria-label="Rapport across the turns">',
        "<title>Rapport across the turns</title>",
    ]
    for v in range(0, ymax + 1, 2):
        parts.append(
            f'<line class="axis" x1="{left}" y1="{y(v):.1f}" x2="{w - right}" '
            f'y2="{y(v):.1f}"/><text class="muted" x="{left - 6}" y="{y(v) + 4:.1f}" '
            f'text-anchor="end">{v}</text>'
        )
    step = max(1, span // 12)
    for n in range(lo, hi + 1, step):
        parts.append(
            f'<text class="muted" x="{x(n):.1f}" y="{hgt - bottom + 16}" '
            f'text-anchor="middle">{n}</text>'
        )
    parts.append(
        f'<text class="muted" x="{(left + w - right) / 2:.1f}" y="{hgt - 4}" '
        f'text-anchor="middle">turn</text>'
    )
    path = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v in pts)
    parts.append(f'<polyline class="curve" points="{path}"/>')
    for n, v in pts:
        parts.append(
            f'<circle class="dot" cx="{x(n):.1f}" cy="{y(v):.1f}" r="3.5">'
            f"<title>after turn {n}: rapport {v}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _marked(turn: Turn) -> str:
    """The response, escaped, with its trigger words (evidence pointing into it) marked."""
    text = turn.response
    merged: list[list[int]] = []
    for start, end in sorted(
        (ev["start"], ev["end"])
        for ev in turn.evidence
        if _aligned(ev, text) and ev["end"] > ev["start"]
    ):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, at = [], 0
    for start, end in merged:
        out.append(h(text[at:start]))
        out.append(f"<mark>{h(text[start:end])}</mark>")
        at = end
    out.append(h(text[at:]))
    return "".join(out)


def to_html(
    t: Transcript, codes: Any, card: Scorecard, nums: dict[str, Any], counts: Counter | None
) -> str:
    fam = family_map(codes)
    title = f"MI practice session: {t.scenario_title}"
    o: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'\">",
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{h(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{h(title)}</h1>",
        "<dl>",
    ]
    meta = [
        ("Trainee", t.trainee or "not given"),
        ("Date", _date(t)),
        ("Status", f"{t.status} ({OUTCOMES.get(t.status, t.status)})"),
        ("Scenario", t.scenario),
        ("Turns", str(len(t.turns))),
        ("Transcript", t.id),
    ]
    if t.rapport is not None:
        meta.append(("Final rapport", f"{t.rapport}/10"))
    o += [f"<dt>{h(k)}</dt><dd>{h(v)}</dd>" for k, v in meta]
    o.append("</dl>")
    if counts is not None:
        o.append(f'<p class="note redacted">{h(_redaction_note(counts))}</p>')
    o.append("</header>")

    o += ['<section id="summary">', "<h2>MITI summary</h2>"]
    criteria = _mi_summary(card)
    if criteria:
        o.append(
            '<table><thead><tr><th>Measure</th><th class="num">Value</th>'
            '<th class="num">Fair</th><th class="num">Good</th><th>Status</th></tr>'
            "</thead><tbody>"
        )
        for c in criteria:
            o.append(
                f'<tr><td>{h(c.label)}</td><td class="num">{h(_value(c))}</td>'
                f'<td class="num">{h(_threshold(c, c.fair))}</td>'
                f'<td class="num">{h(_threshold(c, c.good))}</td>'
                f'<td class="status s-{_status_class(c.status)}">{h(c.status)}</td></tr>'
            )
        o.append("</tbody></table>")
        o.append(
            f"<figure>{summary_chart(criteria)}<figcaption>Bars: this session "
            "(each measure on its own scale). Dashed line: fair; solid line: good."
            "</figcaption></figure>"
        )
    o.append('<table><thead><tr><th>Number</th><th class="num">Value</th></tr></thead><tbody>')
    o += [f'<tr><td>{h(k)}</td><td class="num">{h(v)}</td></tr>' for k, v in _summary_rows(nums)]
    o.append("</tbody></table>")
    found = [(c, n) for c, n in nums["counts"].items() if n]
    if found:
        o.append(
            '<table><thead><tr><th>Behaviour</th><th class="num">Count</th></tr></thead><tbody>'
        )
        o += [f'<tr><td>{h(_label(codes, c))}</td><td class="num">{n}</td></tr>' for c, n in found]
        o.append("</tbody></table>")
    o.append(
        '<h2>Rubrics</h2><table><thead><tr><th>Rubric</th><th class="num">Score</th>'
        "<th>Weakest criterion</th></tr></thead><tbody>"
    )
    for r in card.rubrics:
        weak = sorted(
            (c for c in r.criteria if c.status in ("below", "fair")),
            key=lambda c: (c.status != "below", -c.weight),
        )
        o.append(
            f'<tr><td>{h(r.title)}</td><td class="num">{h(_num(r.score))}</td>'
            f"<td>{h(f'{weak[0].label}: {weak[0].feedback}') if weak else ''}</td></tr>"
        )
    o.append("</tbody></table>")
    if card.best:
        b = card.best
        o.append(
            f"<p><strong>Best moment</strong> (turn {b.n}): \u201c{h(b.response)}\u201d "
            f"({h(_label(codes, b.code))}; {h(b.note)})</p>"
        )
    if card.missed:
        m = card.missed
        o.append(
            f"<p><strong>Biggest missed chance</strong> (turn {m.n}): "
            f"\u201c{h(m.response)}\u201d ({h(_label(codes, m.code))}; {h(m.note)})</p>"
        )
        if m.better:
            o.append(f'<p class="better">Try instead: \u201c{h(m.better)}\u201d</p>')
    if card.practise:
        o.append("<p><strong>Practise next</strong></p><ul>")
        o += [f"<li>{h(p)}</li>" for p in card.practise]
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
    for turn in t.turns:
        eff = turn.effective(fam)
        o.append(f'<article class="turn" id="turn-{turn.n}"><h3>Turn {turn.n}</h3>')
        if turn.client is not None:
            talk = f" ({h(turn.client.talk)} talk)" if turn.client.talk else ""
            o.append(
                f'<p class="client"><span class="who">Client{talk}:</span> '
                f"{h(turn.client.text)}</p>"
            )
            if turn.client.thought:
                o.append(f'<p class="thought">Client thought: {h(turn.client.thought)}</p>')
        o.append(f'<p class="response"><span class="who">Response:</span> {_marked(turn)}</p>')
        code = (
            f'<span class="code fam-{h(eff.family)}">{h(_label(codes, eff.code))}</span> '
            f"<small>{h(eff.code)}</small>"
        )
        if _override(turn):
            code += (
                f" <small>(supervisor\u2019s code; the machine said "
                f"{h(_label(codes, turn.code))})</small>"
            )
        o.append(f'<p><span class="who">Code:</span> {code}</p>')
        o.append(
            f'<p><span class="who">Behaviours:</span> '
            f"{h(', '.join(_label(codes, c) for c in eff.codes))}</p>"
        )
        trig = _triggers(turn)
        if trig:
            o.append(
                '<p class="triggers"><span class="who">Trigger words:</span> '
                + ", ".join(f"\u201c{h(w)}\u201d" for w in trig)
                + "</p>"
            )
        if turn.rapport_before is not None and turn.rapport_after is not None:
            o.append(
                f'<p><span class="who">Rapport:</span> {turn.rapport_before} \u2192 '
                f"{turn.rapport_after}</p>"
            )
        if turn.feedback:
            o.append(
                f'<p class="feedback"><span class="who">Feedback:</span> {h(turn.feedback)}</p>'
            )
        if turn.better:
            o.append(f'<p class="better"><span class="who">Better:</span> {h(turn.better)}</p>')
        a = turn.annotation
        if a is not None and (a.comment or _override(turn)):
            by = f" ({h(a.by)})" if a.by else ""
            o.append(
                f'<p class="supervisor"><span class="who">Supervisor{by}:</span> '
                f"{h(a.comment or '')}</p>"
            )
        o.append("</article>")
    o += [
        "</section>",
        f"<footer>Exported by mi-coach from transcript {h(t.id)} "
        f"(schema {h(t.schema_)} v{t.version}).</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(o) + "\n"
