"""What supervisors see: imported and reviewed transcripts, comparisons, agreement, annotation,
exports and progress over time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    pass

from mi_coach.base.text import telling
from mi_coach.cli.term import code_text, console, err_console, number, rapport_bar, safe
from mi_coach.cli.view_practice import scorecard


def _code_label(turn: Any, codes: Any) -> Text:
    a = turn.annotation
    if a is not None and a.code and a.code != turn.code:
        info = codes.codes[a.code]
        return Text.assemble(
            code_text(a.code, info.family), (f"  (supervisor; machine: {turn.code})", "dim")
        )
    info = codes.codes.get(turn.code)
    label = code_text(turn.code, info.family if info else "")
    if a is not None and a.code:
        label.append("  (confirmed by the supervisor)", style="dim")
    return label


def imported(t: Any, out: Any, codes: Any, unattributed: list[int] | None = None) -> None:
    counts: dict[str, int] = {}
    for turn in t.turns:
        counts[turn.code] = counts.get(turn.code, 0) + 1
    console.print(
        f"Imported {len(t.turns)} counsellor turn(s) from {safe(t.scenario_source)} "
        f"→ {safe(str(out))}"
    )
    if t.closing is not None:
        console.print("  The client speaks last: their closing words are kept with the transcript.")
    if unattributed:
        lines = ", ".join(str(n) for n in unattributed[:8]) + (
            " …" if len(unattributed) > 8 else ""
        )
        console.print(
            f"  [yellow]{len(unattributed)} line(s) had no speaker label[/] (line {lines}): "
            "kept, joined to the turn before."
        )
    else:
        console.print("  Every line was attributed to a speaker.")
    console.print(
        "  " + ", ".join(f"{c}: {n}" for c, n in sorted(counts.items(), key=lambda x: -x[1]))
    )
    console.print(f"Review it with: [bold]mi-coach review {safe(str(out))}[/]")


def _turn_notes(card: Any) -> dict[int, list[Text]]:
    notes: dict[int, list[Text]] = {}
    for r in card.rubrics:
        for c in r.criteria:
            if c.kind != "cue":
                continue
            for n in c.turns:
                ok = c.direction == "higher"
                notes.setdefault(n, []).append(
                    Text(f"{'✓' if ok else '✗'} {c.label}", style="green" if ok else "red")
                )
    return notes


def review_one(f: str, t: Any, card: Any, nums: dict[str, Any], codes: Any) -> None:
    who = f" — trainee {safe(t.trainee)}" if t.trainee else ""
    console.rule(f"{safe(t.scenario_title)}{who}")
    console.print(
        f"[dim]{safe(f)} · {t.kind} · started {t.started} · status {t.status} · "
        f"{len(t.turns)} turn(s)[/]"
    )
    notes = _turn_notes(card)
    talks = {v.n: v.talk for v in card.views}
    for turn, view in zip(t.turns, card.views):
        console.print()
        if turn.client is not None:
            talk = talks.get(turn.n)
            label = f"client ({talk} talk)" if talk in ("change", "sustain") else "client"
            label = "client (discord)" if talk == "discord" else label
            console.print(f"[dim]{turn.n}[/] [cyan]{label}:[/] {safe(turn.client.text)}")
        console.print(f"[dim]{turn.n}[/] [bold]response:[/] {safe(turn.response)}")
        line = Text("   ")
        line.append_text(_code_label(turn, codes))
        others = [c for c in view.codes if c != view.code]
        if others:
            line.append(f"  also: {', '.join(others)}", style="dim")
        eff = turn.effective({c: i.family for c, i in codes.codes.items()})
        triggers = telling(e.get("match", "") for e in eff.evidence)
        if triggers:
            line.append(
                "  because of " + ", ".join(f"\u201c{safe(m)}\u201d" for m in triggers[:4]),
                style="dim",
            )
        console.print(line)
        if turn.rapport_after is not None and turn.rapport_before is not None:
            console.print(
                Text("   ").append_text(
                    rapport_bar(turn.rapport_after, turn.rapport_after - turn.rapport_before)
                )
            )
        for note_ in notes.get(turn.n, []):
            console.print(Text("   ").append_text(note_))
        if turn.annotation is not None and turn.annotation.comment:
            by = f" ({safe(turn.annotation.by)})" if turn.annotation.by else ""
            console.print(f"   [magenta]supervisor{by}:[/] {safe(turn.annotation.comment)}")
    if t.closing is not None:
        console.print()
        console.print(f"[dim]end[/] [cyan]client:[/] {safe(t.closing.text)}")
    scorecard(card, t, f, codes, saved=False)
    if any(x.annotation is not None for x in t.turns):
        from mi_coach.review.export_common import supervisor_lines

        console.print(safe(supervisor_lines(t)[0]))  # agreement: the table after this


def review_table(rows: list[Any]) -> None:
    """rows: (review.Row, numbers) per session."""
    rubric_ids = list(dict.fromkeys(r for _, nums in rows for r in nums["rubrics"]))
    table = Table(title=f"{len(rows)} sessions", title_justify="left")
    for col in (
        "date",
        "trainee",
        "scenario",
        "turns",
        "R:Q",
        "% CR",
        "% OQ",
        "adh",
        "non-adh",
        "overall",
        *rubric_ids,
    ):
        table.add_column(col, justify="left" if col in ("date", "trainee", "scenario") else "right")
    for t, nums in rows:
        table.add_row(
            t.started[:10],
            safe(t.trainee or "–"),
            safe(t.scenario if t.kind == "practice" else t.scenario_title),
            str(t.turns),
            number(nums["reflection_to_question_ratio"]),
            number(nums["percent_complex_reflections"], True),
            number(nums["percent_open_questions"], True),
            str(nums["mi_adherent"]),
            str(nums["mi_non_adherent"]),
            number(nums.get("overall")),
            *[number(nums["rubrics"].get(r)) for r in rubric_ids],
        )
    console.print(table)


def recode_changes(changes: dict[str, list[Any]]) -> None:
    total = sum(len(c) for c in changes.values())
    if not total:
        console.print("Re-coded with the current rules: no code changed.")
        return
    table = Table(
        title=f"Re-coded with the current rules: {total} turn(s) changed", title_justify="left"
    )
    for col in ("file", "turn", "response", "was", "now"):
        table.add_column(col, overflow="fold")
    for f, ch in changes.items():
        for c in ch:
            table.add_row(safe(f), str(c.n), safe(c.response[:120]), c.before, c.after)
    console.print(table)


def agreement(a: dict[str, Any]) -> None:
    k = a["kappa"]
    console.print(
        f"[bold]Supervisor–machine agreement[/] on {a['turns']} reviewed turn(s): "
        f"{a['percent_agreement']:.1f}% agreement, Cohen's kappa "
        f"{'n/a' if k is None else f'{k:.2f}'}"
    )
    table = Table()
    for col in ("code", "supervisor", "machine", "agreement", "kappa"):
        table.add_column(col, justify="left" if col == "code" else "right")
    for code, v in a["per_code"].items():
        table.add_row(
            code,
            str(v["supervisor"]),
            str(v["machine"]),
            f"{v['agreement']:.0%}",
            "n/a" if v["kappa"] is None else f"{v['kappa']:.2f}",
        )
    console.print(table)


def annotate_turn(turn: Any, codes: Any) -> None:
    console.print()
    if turn.client is not None:
        console.print(f"[dim]{turn.n}[/] [cyan]client:[/] {safe(turn.client.text)}")
    console.print(f"[dim]{turn.n}[/] [bold]response:[/] {safe(turn.response)}")
    console.print(Text("   machine: ").append_text(_code_label(turn, codes)))


def annotated(f: str, turns: list[Any]) -> None:
    if not turns:
        console.print("No changes.")
        return
    for turn in turns:
        a = turn.annotation
        if a is None:
            console.print(f"Turn {turn.n}: annotation removed.")
        else:
            mine = ", ".join(a.codes or [a.code]) if a.code else ""
            machine = ", ".join(turn.codes)
            parts = [
                (
                    f"confirmed the machine's codes ({machine})"
                    if turn.confirmed
                    else f"codes {mine} replace the machine's ({machine})"
                )
                if a.code
                else None,
                f"comment \u201c{a.comment}\u201d" if a.comment else None,
            ]
            console.print(safe(f"Turn {turn.n}: " + "; ".join(p for p in parts if p)))
    console.print(f"Saved {safe(f)}")


def exported(output: str | None, fmt: str, redactions: Any) -> None:
    if redactions is not None:
        from mi_coach.review.redact import KINDS, PLACEHOLDER

        total = sum(redactions.values())
        detail = ", ".join(f"{PLACEHOLDER[k]} {redactions[k]}" for k in KINDS if redactions.get(k))
        err_console.print(
            f"Redacted {total} item(s){': ' + safe(detail) if detail else ''}.", soft_wrap=True
        )
    if output:
        err_console.print(f"Wrote {fmt} to {safe(output)}")


def leftovers(found: list[Any]) -> None:
    """`export --check`: what still looks like an identifier, one line each."""
    if not found:
        err_console.print("[green]Check: nothing left that looks like an identifier.[/]")
        return
    err_console.print(f"[bold red]Check: {len(found)} token(s) still look like identifiers:[/]")
    for where, o in found:
        err_console.print(f"  {safe(where)}: {safe(repr(o.text))} ({safe(o.why)})", soft_wrap=True)


SPARK = "▁▂▃▄▅▆▇█"


STATUS_WORDS = {
    "success": "next step",
    "rupture": "rupture",
    "turn_limit": "out of turns",
    "in_progress": "paused",
    "imported": "imported",
}


def sparkline(values: list[Any]) -> str:
    vals = [v for v in values if v is not None]
    if not vals:
        return ""
    lo, hi = min(vals), max(vals)
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        else:
            out.append(SPARK[0] if hi == lo else SPARK[round((v - lo) / (hi - lo) * 7)])
    return "".join(out)


def progress_report(report: Any, folder: Any) -> None:
    from mi_coach.review.progress import KEYS, MIN_SESSIONS, cell, trend_shown

    who = f" — {safe(report.trainee)}" if report.trainee else ""
    console.rule(f"Progress{who}")
    if not report.people:
        what = "practice or imported" if report.include_imported else "practice"
        console.print(f"No finished {what} sessions in {safe(str(folder))}.")
        console.print("Start one with `mi-coach practice`.")
        return
    for p in report.people:
        if not p.rows:
            console.print(f"[bold]{safe(p.trainee)}[/]")
        table = Table(
            title=safe(p.trainee),
            title_justify="left",
            caption="R:Q reflections per question · %CR complex reflections · %OQ open "
            "questions · non-adh MI-non-adherent · MI the MI rubric score (0-100) · n/a: too "
            f"few questions or reflections · a trend shows from {MIN_SESSIONS} sessions",
        )
        for col in ("date", "scenario", "outcome", "turns", *[label for _, label, *_ in KEYS]):
            table.add_column(
                col,
                justify="left" if col in ("date", "scenario", "outcome") else "right",
                no_wrap=col in ("date", "scenario"),
            )
        for r in p.rows:
            table.add_row(
                r.started[:10],
                safe(r.scenario),
                STATUS_WORDS.get(r.status, r.status),
                str(r.turns),
                *[cell(k, r.values[k]) for k, *_ in KEYS],
            )
        if p.rows:
            table.add_row(
                "trend",
                "",
                "",
                "",
                *[sparkline(p.trends[k]) if trend_shown(p, k) else "" for k, *_ in KEYS],
                style="bold",
            )
            console.print(table)
        console.print(safe(p.sentence))
        if p.paused:
            console.print(
                "[dim]Paused, not counted: "
                + safe(
                    ", ".join(f"{r.started[:10]} {r.scenario} ({r.turns} turns)" for r in p.paused)
                )
                + "[/]",
                soft_wrap=True,
            )
        console.print()
