"""A room's results at the end of a workshop: drill results and practice transcripts from a folder,
turned into what a trainer acts on. Pure logic, plus the text formats (csv, md, html).

- per trainee: drill accuracy by skill, practice outcomes and MI score, and a flag on each skill
  where the trainee is well below the room ("needs help with: complex reflections");
- per drill item: how many got it right, the most common wrong code with an example answer,
  hardest first;
- the room: trainees, answers, accuracy by skill, sessions, outcomes, the mean MI score.

Formats: Markdown, one printable HTML page (the room on the first page, then one card per trainee,
flags in colour, no script and no remote resource), and CSV in long form: one table with a
`table` column and one measure per row. Every text that came from a results file is escaped for
its format (`mi_coach.base.text`): no link, image or markup can come from a file, and no CSV cell
starts like a formula.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mi_coach.base.errors import MiCoachError
from mi_coach.base.loading import parse_json, read_text
from mi_coach.base.text import csv_cell, html_escape, md_escape
from mi_coach.practice.drills import RESULTS_SCHEMA, Results, load_results
from mi_coach.practice.transcript import OUTCOMES, SCHEMA, Transcript, load
from mi_coach.review.review import numbers

# A trainee is flagged on a skill when, with at least MIN_ANSWERS answers on it, their accuracy is
# FLAG_GAP (absolute) or more below the room's and under FLAG_CEILING.
MIN_ANSWERS = 2
FLAG_GAP = 0.25
FLAG_CEILING = 0.6
NO_NAME = "(no name)"


@dataclass
class TraineeRow:
    trainee: str
    skills: dict[str, tuple[int, int]] = field(default_factory=dict)  # skill -> (hits, answers)
    outcomes: Counter = field(default_factory=Counter)  # finished sessions by status
    paused: int = 0
    mi_scores: list[float] = field(default_factory=list)
    non_adherent: int = 0
    flags: list[str] = field(default_factory=list)  # skills the trainee needs help with

    @property
    def answers(self) -> int:
        return sum(n for _, n in self.skills.values())

    @property
    def hits(self) -> int:
        return sum(h for h, _ in self.skills.values())

    @property
    def sessions(self) -> int:
        return sum(self.outcomes.values())

    @property
    def mi_score(self) -> float | None:
        return sum(self.mi_scores) / len(self.mi_scores) if self.mi_scores else None


@dataclass
class ItemRow:
    item: str
    skill: str
    client: str
    hits: int = 0
    answers: int = 0
    wrong: Counter = field(default_factory=Counter)  # the code given when missed
    examples: dict[str, str] = field(default_factory=dict)  # wrong code -> an answer with it

    @property
    def rate(self) -> float:
        return self.hits / self.answers if self.answers else 0.0

    @property
    def common_wrong(self) -> tuple[str, int, str] | None:
        if not self.wrong:
            return None
        code, n = sorted(self.wrong.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        return code, n, self.examples[code]


@dataclass
class Report:
    folder: str
    trainees: list[TraineeRow]
    items: list[ItemRow]
    skills: dict[str, tuple[int, int]]  # the room: skill -> (hits, answers)
    outcomes: Counter
    paused: int
    mi_scores: list[float]
    drills: int
    failed: list[str]
    labels: dict[str, str] = field(default_factory=dict)  # skill -> label

    def label(self, skill: str) -> str:
        return self.labels.get(skill, skill)

    def room_rate(self, skill: str) -> float | None:
        h, n = self.skills.get(skill, (0, 0))
        return h / n if n else None

    @property
    def mi_score(self) -> float | None:
        return sum(self.mi_scores) / len(self.mi_scores) if self.mi_scores else None


def read_folder(
    folder: str | Path, step: Any = None
) -> tuple[list[Results], list[Transcript], list[str]]:
    """Every drill result and transcript under the folder; a file that is neither, or damaged,
    is named in the third list (with its line and field when known) and skipped."""
    root = Path(folder)
    if not root.is_dir():
        raise MiCoachError("not a folder", path=str(folder))
    drills: list[Results] = []
    transcripts: list[Transcript] = []
    failed: list[str] = []
    for path in sorted(root.rglob("*.json")):
        try:
            data = parse_json(read_text(path), str(path))
            kind = data.get("schema") if isinstance(data, dict) else None
            if kind == RESULTS_SCHEMA:
                drills.append(load_results(data, str(path)))
            elif kind == SCHEMA:
                transcripts.append(load(path))
            else:
                raise MiCoachError(
                    "neither drill results nor a transcript", path=str(path), field="schema"
                )
        except MiCoachError as exc:
            failed.append(str(exc))
        if step:
            step()
    return drills, transcripts, failed


def aggregate(
    folder: str,
    drills: list[Results],
    transcripts: list[Transcript],
    codes: Any,
    failed: list[str],
    labels: dict[str, str] | None = None,
) -> Report:
    people: dict[str, TraineeRow] = {}
    items: dict[str, ItemRow] = {}
    skills: dict[str, tuple[int, int]] = {}
    outcomes: Counter = Counter()
    paused = 0
    mi_scores: list[float] = []

    def person(name: str | None) -> TraineeRow:
        key = " ".join((name or "").split()) or NO_NAME
        return people.setdefault(key.lower(), TraineeRow(key))

    for r in drills:
        p = person(r.trainee)
        for a in r.answers:
            h, n = p.skills.get(a.skill, (0, 0))
            p.skills[a.skill] = (h + a.hit, n + 1)
            h, n = skills.get(a.skill, (0, 0))
            skills[a.skill] = (h + a.hit, n + 1)
            row = items.setdefault(a.item, ItemRow(a.item, a.skill, a.client))
            row.hits += a.hit
            row.answers += 1
            if not a.hit:
                row.wrong[a.code] += 1
                row.examples.setdefault(a.code, a.answer)
    for t in transcripts:
        if not t.turns or t.kind != "practice":
            continue
        p = person(t.trainee)
        if t.status == "in_progress":
            p.paused += 1
            paused += 1
            continue
        nums = numbers(t, codes)
        p.outcomes[t.status] += 1
        outcomes[t.status] += 1
        p.non_adherent += nums["mi_non_adherent"]
        score = nums["rubrics"].get("mi")
        if score is not None:
            p.mi_scores.append(score)
            mi_scores.append(score)
    report = Report(
        folder,
        sorted(people.values(), key=lambda p: p.trainee.lower()),
        sorted(items.values(), key=lambda i: (i.rate, -i.answers, i.item)),
        dict(sorted(skills.items(), key=lambda kv: _skill_order(kv[0], labels))),
        outcomes,
        paused,
        mi_scores,
        len(drills),
        failed,
        dict(labels or {}),
    )
    for p in report.trainees:
        p.flags = flags(p, report)
    return report


def _skill_order(skill: str, labels: dict[str, str] | None) -> tuple[int, str]:
    order = list(labels or {})
    return (order.index(skill) if skill in order else len(order), skill)


def flags(p: TraineeRow, report: Report) -> list[str]:
    """The skills on which the trainee is well below the room."""
    out = []
    for skill, (h, n) in p.skills.items():
        room = report.room_rate(skill)
        if n >= MIN_ANSWERS and room is not None:
            rate = h / n
            if rate <= room - FLAG_GAP and rate < FLAG_CEILING:
                out.append(skill)
    return out


def needs_help(p: TraineeRow, report: Report) -> str | None:
    if not p.flags:
        return None
    return "needs help with: " + ", ".join(_plural(report.label(s)).lower() for s in p.flags)


def _plural(label: str) -> str:
    if label.lower().startswith(("asking", "emphasising")):
        return label
    return label if label.endswith("s") else label + "s"


# -- numbers as people read them ------------------------------------------------------------------


def pct(h: int, n: int) -> str:
    return f"{100 * h / n:.0f}% ({h}/{n})" if n else "–"


def score(x: float | None) -> str:
    return "–" if x is None else f"{x:.0f}"


OUTCOME_WORDS = {
    "success": "next step",
    "rupture": "rupture",
    "turn_limit": "out of turns",
    "imported": "imported",
}


def outcome_text(outcomes: Counter, paused: int = 0) -> str:
    """ "2 next step; 1 rupture; 1 paused (not counted)"."""
    parts = [
        f"{n} {OUTCOME_WORDS.get(k, OUTCOMES.get(k, k))}"
        for k, n in sorted(outcomes.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    if paused:
        parts.append(f"{paused} paused (not counted)")
    return "; ".join(parts) or "no finished sessions"


# -- CSV: one long table ----------------------------------------------------------------------------

CSV_COLUMNS = ("table", "trainee", "skill", "item", "measure", "value", "hits", "answers", "note")


def to_csv(report: Report) -> str:
    """One table in long form: each row one measure of one thing (`table` says which)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)

    def row(table: str, **cells: Any) -> None:
        w.writerow([csv_cell(table), *[csv_cell(cells.get(c)) for c in CSV_COLUMNS[1:]]])

    row("room", measure="trainees", value=len(report.trainees))
    row("room", measure="drill result files", value=report.drills)
    for skill, (h, n) in report.skills.items():
        row("room", skill=skill, measure="accuracy", value=_rate(h, n), hits=h, answers=n)
    for status, n in sorted(report.outcomes.items()):
        row("room", measure=f"sessions: {status}", value=n)
    row("room", measure="sessions: paused", value=report.paused)
    row("room", measure="mi score (mean)", value=_round(report.mi_score))
    for p in report.trainees:
        for skill, (h, n) in p.skills.items():
            flagged = "needs help" if skill in p.flags else None
            row(
                "trainee",
                trainee=p.trainee,
                skill=skill,
                measure="accuracy",
                value=_rate(h, n),
                hits=h,
                answers=n,
                note=flagged,
            )
        for status, n in sorted(p.outcomes.items()):
            row("trainee", trainee=p.trainee, measure=f"sessions: {status}", value=n)
        row("trainee", trainee=p.trainee, measure="sessions: paused", value=p.paused)
        row("trainee", trainee=p.trainee, measure="mi score (mean)", value=_round(p.mi_score))
        row("trainee", trainee=p.trainee, measure="mi non-adherent", value=p.non_adherent)
    for i in report.items:
        wrong = i.common_wrong
        row(
            "item",
            skill=i.skill,
            item=i.item,
            measure="accuracy",
            value=_rate(i.hits, i.answers),
            hits=i.hits,
            answers=i.answers,
            note=i.client,
        )
        if wrong is not None:
            row(
                "item",
                skill=i.skill,
                item=i.item,
                measure=f"most common wrong code: {wrong[0]}",
                value=wrong[1],
                answers=i.answers,
                note=wrong[2],
            )
    return out.getvalue()


def _rate(h: int, n: int) -> float | None:
    return round(h / n, 3) if n else None


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


# -- Markdown ---------------------------------------------------------------------------------------


def to_md(report: Report, title: str) -> str:
    e = md_escape
    skills = list(report.skills)
    out = [f"# {e(title)}", "", "## The room", ""]
    out += [
        f"- Trainees: {len(report.trainees)}; drill result files: {report.drills}",
        f"- Practice: {e(outcome_text(report.outcomes, report.paused))}",
        f"- MI score (mean of finished sessions): {score(report.mi_score)}",
        "",
        "| skill | accuracy |",
        "|---|---|",
    ]
    out += [f"| {e(report.label(s))} | {pct(*report.skills[s])} |" for s in skills]
    out += ["", "## Trainees", ""]
    head = ["trainee", *[report.label(s) for s in skills], "sessions", "MI score", "flag"]
    out += ["| " + " | ".join(e(h) for h in head) + " |", "|" + "---|" * len(head)]
    for p in report.trainees:
        cells = [e(p.trainee)]
        for s in skills:
            text = pct(*p.skills.get(s, (0, 0)))
            cells.append(f"**{text}** ⚑" if s in p.flags else text)
        cells += [str(p.sessions), score(p.mi_score), e(needs_help(p, report) or "")]
        out.append("| " + " | ".join(cells) + " |")
    out += ["", "## Drill items, hardest first", ""]
    out += [
        "| item | skill | right | most common wrong code | example answer |",
        "|---|---|---|---|---|",
    ]
    for i in report.items:
        wrong = i.common_wrong
        out.append(
            f"| {e(i.item)} | {e(report.label(i.skill))} | {pct(i.hits, i.answers)} | "
            + (f"{e(wrong[0])} ({wrong[1]}) | {e(wrong[2])} |" if wrong else "– | – |")
        )
    out += ["", "## Trainee cards", ""]
    for p in report.trainees:
        out += [f"### {e(p.trainee)}", ""]
        help_ = needs_help(p, report)
        if help_:
            out += [f"> **{e(help_)}**", ""]
        for s, (h, n) in p.skills.items():
            room = report.room_rate(s)
            room_text = "" if room is None else f" (room {100 * room:.0f}%)"
            out.append(f"- {e(report.label(s))}: {pct(h, n)}{room_text}")
        out.append(f"- Practice: {e(outcome_text(p.outcomes, p.paused))}")
        out.append(f"- MI score: {score(p.mi_score)}; MI-non-adherent responses: {p.non_adherent}")
        out.append("")
    if report.failed:
        out += ["## Files skipped", ""] + [f"- {e(f)}" for f in report.failed] + [""]
    return "\n".join(out)


# -- HTML -------------------------------------------------------------------------------------------

_CSS = (
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#222;line-height:1.4}"
    "table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
    "th,td{border:1px solid #bbb;padding:.3rem .6rem;text-align:left;vertical-align:top}"
    "th{background:#eee}td.flag{background:#fde2e1;color:#8a1c12;font-weight:bold}"
    ".card{border:1px solid #999;border-radius:6px;padding:1rem 1.2rem;margin:1rem 0;"
    "break-inside:avoid;page-break-inside:avoid}"
    ".card.flagged{border-color:#c0392b;border-width:2px}"
    ".help{background:#fde2e1;color:#8a1c12;padding:.3rem .6rem;border-radius:4px;"
    "font-weight:bold;display:inline-block}"
    ".ok{color:#1e7b34}.room{page-break-after:always;break-after:page}"
    "@media print{body{margin:0}.card{margin:0 0 1rem}}"
)


def _flag(on: bool) -> str:
    return ' class="flag"' if on else ""


def to_html(report: Report, title: str) -> str:
    e = html_escape
    skills = list(report.skills)
    o = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
        '<section class="room">',
        f"<h1>{e(title)}</h1>",
        f"<p>Trainees: {len(report.trainees)} · drill result files: {report.drills} · "
        f"practice: {e(outcome_text(report.outcomes, report.paused))} · "
        f"MI score (mean): {score(report.mi_score)}</p>",
        "<h2>Accuracy by skill</h2><table><thead><tr><th>skill</th><th>room</th>"
        "<th>trainees who need help</th></tr></thead><tbody>",
    ]
    for s in skills:
        who = [p.trainee for p in report.trainees if s in p.flags]
        o.append(
            f"<tr><td>{e(report.label(s))}</td><td>{pct(*report.skills[s])}</td>"
            f"<td{_flag(bool(who))}>{e(', '.join(who) or '–')}</td></tr>"
        )
    o.append("</tbody></table><h2>Trainees</h2><table><thead><tr><th>trainee</th>")
    o += [f"<th>{e(report.label(s))}</th>" for s in skills]
    o.append("<th>sessions</th><th>MI score</th></tr></thead><tbody>")
    for p in report.trainees:
        cells = "".join(
            f"<td{_flag(s in p.flags)}>{pct(*p.skills.get(s, (0, 0)))}</td>" for s in skills
        )
        o.append(
            f"<tr><td>{e(p.trainee)}</td>{cells}<td>{p.sessions}</td>"
            f"<td>{score(p.mi_score)}</td></tr>"
        )
    o.append(
        "</tbody></table><h2>Drill items, hardest first</h2><table><thead><tr><th>item</th>"
        "<th>skill</th><th>client</th><th>right</th><th>most common wrong code</th>"
        "<th>example answer</th></tr></thead><tbody>"
    )
    for i in report.items:
        wrong = i.common_wrong
        o.append(
            f"<tr><td>{e(i.item)}</td><td>{e(report.label(i.skill))}</td><td>{e(i.client)}</td>"
            f"<td>{pct(i.hits, i.answers)}</td>"
            + (
                f"<td>{e(wrong[0])} ({wrong[1]})</td><td>{e(wrong[2])}</td>"
                if wrong
                else "<td>–</td><td>–</td>"
            )
            + "</tr>"
        )
    o.append("</tbody></table>")
    if report.failed:
        o.append("<h2>Files skipped</h2><ul>")
        o += [f"<li>{e(f)}</li>" for f in report.failed]
        o.append("</ul>")
    o.append("</section>")
    for p in report.trainees:
        help_ = needs_help(p, report)
        o.append(f'<section class="card{" flagged" if help_ else ""}"><h2>{e(p.trainee)}</h2>')
        o.append(
            f'<p class="help">{e(help_)}</p>'
            if help_
            else '<p class="ok">No skill well below the room.</p>'
        )
        o.append(
            "<table><thead><tr><th>skill</th><th>accuracy</th><th>room</th></tr></thead><tbody>"
        )
        for s, (h, n) in p.skills.items():
            room = report.room_rate(s)
            o.append(
                f"<tr><td>{e(report.label(s))}</td>"
                f"<td{_flag(s in p.flags)}>{pct(h, n)}</td>"
                f"<td>{'–' if room is None else f'{100 * room:.0f}%'}</td></tr>"
            )
        o.append("</tbody></table>")
        o.append(
            f"<p>Practice: {e(outcome_text(p.outcomes, p.paused))}. MI score: "
            f"{score(p.mi_score)}. MI-non-adherent responses: {p.non_adherent}.</p></section>"
        )
    o.append("</body></html>")
    return "\n".join(o) + "\n"
