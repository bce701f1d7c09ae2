"""A room's results: drill results and practice transcripts from a folder, aggregated per trainee,
per drill item and for the group. Pure logic, plus plain-text formats (csv, md, html)."""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mi_coach.base.errors import MiCoachError
from mi_coach.base.loading import parse_json, read_text
from mi_coach.practice.drills import RESULTS_SCHEMA, Results, load_results
from mi_coach.practice.transcript import SCHEMA, Transcript, load
from mi_coach.review.review import numbers


@dataclass
class TraineeRow:
    trainee: str
    skills: dict[str, tuple[int, int]] = field(default_factory=dict)  # skill -> (hits, answers)
    sessions: int = 0
    reflections: int = 0
    questions: int = 0
    non_adherent: int = 0

    @property
    def rq(self) -> float | None:
        return self.reflections / self.questions if self.questions else None

    @property
    def hit_rate(self) -> float | None:
        h = sum(x for x, _ in self.skills.values())
        n = sum(y for _, y in self.skills.values())
        return h / n if n else None


@dataclass
class ItemRow:
    item: str
    skill: str
    client: str
    hits: int = 0
    answers: int = 0

    @property
    def rate(self) -> float:
        return self.hits / self.answers if self.answers else 0.0


@dataclass
class Report:
    folder: str
    trainees: list[TraineeRow]
    items: list[ItemRow]
    skills: dict[str, tuple[int, int]]
    sessions: int
    drills: int
    failed: list[str]


def read_folder(
    folder: str | Path, step: Any = None
) -> tuple[list[Results], list[Transcript], list[str]]:
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
                raise MiCoachError("neither drill results nor a transcript", path=str(path))
        except MiCoachError as exc:
            failed.append(str(exc))
        if step:
            step()
    return drills, transcripts, failed


def aggregate(
    folder: str, drills: list[Results], transcripts: list[Transcript], codes: Any, failed: list[str]
) -> Report:
    people: dict[str, TraineeRow] = {}
    items: dict[str, ItemRow] = {}
    skills: dict[str, tuple[int, int]] = {}

    def person(name: str | None) -> TraineeRow:
        key = (name or "(no name)").strip() or "(no name)"
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
    for t in transcripts:
        if not t.turns:
            continue
        p = person(t.trainee)
        nums = numbers(t, codes)
        p.sessions += 1
        p.reflections += nums["reflections"]
        p.questions += nums["questions"]
        p.non_adherent += nums["mi_non_adherent"]
    trainees = sorted(people.values(), key=lambda p: p.trainee.lower())
    ranked = sorted(items.values(), key=lambda i: (i.rate, -i.answers, i.item))
    return Report(
        folder, trainees, ranked, skills, sum(p.sessions for p in trainees), len(drills), failed
    )


def _pct(h: int, n: int) -> str:
    return f"{100 * h / n:.0f}% ({h}/{n})" if n else "–"


def rows(
    report: Report, skill_labels: dict[str, str], short: dict[str, str] | None = None
) -> dict[str, list[list[str]]]:
    """The report as plain tables (header row first): group, trainees, items."""
    skills = [s for s in skill_labels if s in report.skills] or list(skill_labels)
    short = short or skill_labels
    trainees = [
        [
            "trainee",
            *[short[s] for s in skills],
            "drill hit rate",
            "sessions",
            "R:Q",
            "non-adherent",
        ]
    ]
    for p in report.trainees:
        trainees.append(
            [
                p.trainee,
                *[_frac(*p.skills.get(s, (0, 0))) for s in skills],
                "–" if p.hit_rate is None else f"{100 * p.hit_rate:.0f}%",
                str(p.sessions),
                "–" if p.rq is None else f"{p.rq:.2f}",
                str(p.non_adherent),
            ]
        )
    items = [["item", "skill", "client", "hit rate"]]
    for i in report.items:
        items.append(
            [i.item, skill_labels.get(i.skill, i.skill), i.client, _pct(i.hits, i.answers)]
        )
    h = sum(x for x, _ in report.skills.values())
    n = sum(y for _, y in report.skills.values())
    group = [
        ["measure", "value"],
        ["trainees", str(len(report.trainees))],
        ["drill result files", str(report.drills)],
        ["drill answers", str(n)],
        ["drill hit rate", _pct(h, n)],
        ["practice sessions", str(report.sessions)],
    ]
    group += [[f"hit rate: {skill_labels.get(s, s)}", _pct(*v)] for s, v in report.skills.items()]
    return {"group": group, "trainees": trainees, "items": items}


def _frac(h: int, n: int) -> str:
    return f"{h}/{n}" if n else "–"


def to_csv(tables: dict[str, list[list[str]]]) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(
        ["table", *[f"col{i}" for i in range(1, 1 + max(len(t[0]) for t in tables.values()))]]
    )
    for name, table in tables.items():
        for row in table:
            w.writerow([name, *[_cell(c) for c in row]])
    return out.getvalue()


def _cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def to_md(tables: dict[str, list[list[str]]], title: str) -> str:
    def esc(s: str) -> str:
        return html.escape(s, quote=False).replace("|", "\\|").replace("\n", " ")

    out = [f"# {esc(title)}", ""]
    for name, table in tables.items():
        out += [
            f"## {name.capitalize()}",
            "",
            "| " + " | ".join(esc(c) for c in table[0]) + " |",
            "|" + "---|" * len(table[0]),
        ]
        out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in table[1:]]
        out.append("")
    return "\n".join(out)


def to_html(tables: dict[str, list[list[str]]], title: str) -> str:
    e = html.escape
    parts = [
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{e(title)}'
        "</title><style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}"
        "table{border-collapse:collapse;margin-bottom:2rem}th,td{border:1px solid #bbb;"
        "padding:.3rem .6rem;text-align:left}th{background:#eee}"
        "@media print{body{margin:0}}</style></head><body>",
        f"<h1>{e(title)}</h1>",
    ]
    for name, table in tables.items():
        parts.append(
            f"<h2>{e(name.capitalize())}</h2><table><thead><tr>"
            + "".join(f"<th>{e(c)}</th>" for c in table[0])
            + "</tr></thead><tbody>"
        )
        parts += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in table[1:]]
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
