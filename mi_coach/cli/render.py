"""Everything mi-coach prints. Commands and logic hand records here; nothing else styles output.

Machine formats (json, jsonl) are written plainly to stdout, never through rich, so that long
lines are never wrapped and every record stays on its own line.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mi_coach.base import jsontext

if TYPE_CHECKING:
    from mi_coach.coding.evaluate import Report
    from mi_coach.coding.models import Classification
    from mi_coach.coding.ruleset import RuleSet

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

FAMILY_STYLE = {
    "reflection": "green",
    "question": "cyan",
    "mi_adherent": "bright_green",
    "neutral": "yellow",
    "mi_non_adherent": "bold red",
    "other": "dim",
}
_CONTROL = dict.fromkeys(
    [c for c in range(32) if c not in (9, 10)] + [127, *range(0x80, 0xA0)], "\ufffd"
)


def safe(text: str) -> str:
    """User text made safe for the terminal: control characters and escape sequences shown as
    the replacement character, rich markup escaped."""
    return escape(text.translate(_CONTROL))


def error(message: str) -> None:
    err_console.print(f"[bold red]error:[/] {safe(message)}", soft_wrap=True)


def warning(message: str) -> None:
    err_console.print(f"[yellow]{safe(message)}[/]", soft_wrap=True)


def write_json(obj: Any) -> None:
    sys.stdout.write(jsontext.dumps(obj, indent=2) + "\n")


def write_jsonl(records: Iterable[dict[str, Any]]) -> None:
    out = sys.stdout
    for rec in records:
        out.write(jsontext.dumps(rec) + "\n")
    out.flush()


def _code_text(code: str, family: str, label: str | None = None) -> Text:
    return Text(label or code, style=FAMILY_STYLE.get(family, ""))


def classification_panel(c: Classification, rules: RuleSet, explain: bool = False) -> None:
    codes = rules.codes
    info = codes.codes[c.code]
    body = Table.grid(padding=(0, 2))
    body.add_column(style="bold", no_wrap=True)
    body.add_column()
    if c.client:
        body.add_row("Client", Text(safe(c.client), style="italic"))
    body.add_row("You said", Text(safe(c.text) or "(empty)"))
    body.add_row(
        "Code",
        Text.assemble(
            _code_text(c.code, info.family, info.label),
            f"  ({c.code}, {info.family.replace('_', '-')})",
        ),
    )
    if len(c.codes) > 1:
        body.add_row("Also found", ", ".join(x for x in c.codes if x != c.code))
    triggers = [t for t in c.evidence if t.match.strip()]
    if triggers:
        body.add_row("Because of", ", ".join(f"\u201c{safe(t.match)}\u201d" for t in triggers))
    rule = rules.primary_rule(c)
    if rule is not None:
        body.add_row("Feedback", safe(rule.feedback))
        if rule.alternative:
            label = "Try instead" if info.family == "mi_non_adherent" else "Next step"
            body.add_row(label, Text(safe(rule.alternative), style="green"))
    else:
        body.add_row(
            "Feedback", safe(f"No rule matched: coded {info.label.lower()} ({info.summary}).")
        )
    style = FAMILY_STYLE.get(info.family, "")
    console.print(Panel(body, title="mi-coach", title_align="left", border_style=style or "none"))
    if explain:
        fired_table(c)


def fired_table(c: Classification) -> None:
    table = Table(title="Every rule that fired", title_justify="left")
    table.add_column("rule", overflow="fold")
    table.add_column("code")
    table.add_column("chars", justify="right")
    table.add_column("match")
    table.add_column("used", justify="center")
    used = set(c.evidence)
    for t in c.fired:
        table.add_row(
            t.rule, t.code, f"{t.start}-{t.end}", safe(t.match), "yes" if t in used else ""
        )
    if not c.fired:
        table.add_row("(none)", c.code, "", "", "")
    console.print(table)


def classification_table(results: Iterable[Classification], rules: RuleSet) -> None:
    table = Table(show_lines=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("response", overflow="fold", ratio=3)
    table.add_column("code", no_wrap=True)
    table.add_column("also", ratio=1)
    table.add_column("because of", ratio=2, overflow="fold")
    for n, c in enumerate(results, 1):
        fam = rules.codes.family(c.code)
        text = c.text if len(c.text) <= 300 else c.text[:297] + "..."
        table.add_row(
            str(n),
            safe(text),
            _code_text(c.code, fam),
            ", ".join(x for x in c.codes if x != c.code),
            ", ".join(f"\u201c{safe(t.match[:60])}\u201d" for t in c.evidence),
        )
    console.print(table)


def eval_report(report: Report) -> None:
    console.print(
        f"[bold]{safe(report.source)}[/] — {report.n} labelled responses, "
        f"scored at {report.level} level"
    )
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column(justify="right")
    summary.add_row("accuracy", f"{report.accuracy:.3f}")
    summary.add_row("macro-F1", f"{report.macro_f1:.3f}")
    for key, value in report.extra.items():
        summary.add_row(
            key.replace("_", " "), f"{value:.3f}" if isinstance(value, float) else str(value)
        )
    console.print(summary)
    table = Table(title="Per label", title_justify="left")
    for col in ("label", "precision", "recall", "F1", "support"):
        table.add_column(col, justify="left" if col == "label" else "right")
    for s in report.per_label:
        table.add_row(
            s.label, f"{s.precision:.2f}", f"{s.recall:.2f}", f"{s.f1:.2f}", str(s.support)
        )
    console.print(table)
    conf = Table(title="Confusion (rows: gold, columns: predicted)", title_justify="left")
    conf.add_column("gold \\ predicted")
    short = {lab: _abbrev(lab) for lab in report.labels}
    for lab in report.labels:
        conf.add_column(short[lab], justify="right")
    for g in report.labels:
        conf.add_row(short[g], *[(str(v) if v else ".") for v in report.confusion[g].values()])
    console.print(conf)
    console.print("[dim]abbreviations: " + ", ".join(f"{v}={k}" for k, v in short.items()) + "[/]")


def _abbrev(label: str) -> str:
    parts = label.split("_")
    return "".join(p[0] for p in parts).upper() if len(parts) > 1 else label[:5].upper()


# -- practice sessions --------------------------------------------------------------------------

TALK_STYLE = {"change": "green", "sustain": "yellow", "neutral": "dim", "discord": "red"}


def ask(prompt: str) -> str:
    """One line from the trainee (raises EOFError at the end of input)."""
    console.print(f"[bold]{prompt}[/]", end="")
    from mi_coach.cli.typed import read_line  # bytes that are not UTF-8 or a NUL end nothing

    return read_line()


def echo_response(prompt: str, line: str) -> None:
    console.print(f"[bold]{prompt}[/]{safe(line)}")


def note(message: str) -> None:
    console.print(f"[dim]{safe(message)}[/]")


def rapport_bar(value: int, delta: int | None = None) -> Text:
    bar = Text("rapport ")
    style = "green" if value >= 6 else "yellow" if value >= 3 else "red"
    bar.append("\u2588" * value, style=style)
    bar.append("\u2591" * (10 - value), style="dim")
    bar.append(f" {value}/10")
    if delta:
        bar.append(f" ({delta:+d})", style="green" if delta > 0 else "red")
    return bar


def session_intro(
    scenario: Any, t: Any, path: Any, resumed: bool, commands: dict[str, str]
) -> None:
    p = scenario.persona
    body = Table.grid(padding=(0, 2))
    body.add_column(style="bold", no_wrap=True)
    body.add_column()
    body.add_row("Client", safe(f"{p.name} ({p.pronouns}, {p.age}) — {scenario.summary}"))
    body.add_row("Setting", safe(scenario.setting))
    body.add_row("Practise", safe(", ".join(scenario.skills)))
    if scenario.content_notes:
        body.add_row("Content notes", Text(safe(", ".join(scenario.content_notes)), style="yellow"))
    mode = (
        "feedback after every turn"
        if t.feedback == "turn"
        else "assessment: feedback at the end only"
    )
    body.add_row("Mode", f"{mode}; up to {scenario.max_turns} turns; seed {t.seed}")
    if t.trainee:
        body.add_row("Trainee", safe(t.trainee))
    body.add_row("Commands", "  ".join(commands))
    title = f"{'Resuming' if resumed else 'Practice'}: {safe(scenario.title)}"
    console.print(Panel(body, title=title, title_align="left", border_style="cyan"))
    if resumed:
        note(f"Resuming at turn {len(t.turns) + 1}; {len(t.turns)} turn(s) already done.")
    console.print(rapport_bar(t.rapport))


def session_help(commands: dict[str, str]) -> None:
    for name, what in commands.items():
        console.print(f"  [bold]{name}[/]  {safe(what)}")


def client_says(name: str, text: str, n: int, max_turns: int) -> None:
    console.print()
    console.print(f"[dim]turn {n}/{max_turns}[/]  [bold cyan]{safe(name)}:[/] {safe(text)}")


def hint(text: str) -> None:
    console.print(f"[yellow]hint:[/] {safe(text)}")


def undone(turn: Any) -> None:
    if turn is None:
        note("Nothing to undo yet.")
    else:
        note(f"Took back turn {turn.n}: \u201c{turn.response}\u201d")


def paused(path: Any, interrupted: bool = False, end_of_input: bool = False) -> None:
    why = "Interrupted" if interrupted else "Out of responses" if end_of_input else "Paused"
    console.print()
    console.print(f"[yellow]{why}.[/] Every completed turn is saved in {safe(str(path))}")
    console.print("Continue it with: [bold]mi-coach practice --resume[/]")


def turn_feedback(turn: Any, name: str, codes: Any) -> None:
    info = codes.codes[turn.code]
    body = Table.grid(padding=(0, 2))
    body.add_column(style="bold", no_wrap=True)
    body.add_column()
    line = Text.assemble(
        _code_text(turn.code, info.family, info.label), f"  ({info.family.replace('_', '-')})"
    )
    others = [c for c in turn.codes if c != turn.code]
    if others:
        line.append(f"  also: {', '.join(others)}", style="dim")
    body.add_row("Code", line)
    triggers = [e["match"] for e in turn.evidence if e["match"].strip()]
    if triggers:
        body.add_row("Because of", ", ".join(f"\u201c{safe(m)}\u201d" for m in triggers[:4]))
    if turn.feedback:
        body.add_row("Why", safe(turn.feedback))
    body.add_row(f"{safe(name)} thought", Text(safe(turn.client.thought), style="italic"))
    body.add_row("", rapport_bar(turn.rapport_after, turn.rapport_after - turn.rapport_before))
    if turn.missed_chance:
        body.add_row("Missed chance", Text(safe(turn.missed_note or ""), style="yellow"))
    if turn.better:
        body.add_row("Try instead", Text(safe(turn.better), style="green"))
    console.print(Panel(body, border_style=FAMILY_STYLE.get(info.family) or "none"))


def session_end(name: str, closing: str, how: str) -> None:
    console.print()
    console.print(f"[bold cyan]{safe(name)}:[/] {safe(closing)}")
    label = {
        "success": "[bold green]The client named a next step.[/]",
        "rupture": "[bold red]The conversation broke down.[/]",
        "turn_limit": "[yellow]Out of turns.[/]",
    }[how]
    console.print(label)


def _bar(score: float | None, width: int = 20) -> Text:
    if score is None:
        return Text("n/a", style="dim")
    filled = round(score / 100 * width)
    style = "green" if score >= 75 else "yellow" if score >= 50 else "red"
    return Text.assemble(
        ("\u2588" * filled, style), ("\u2591" * (width - filled), "dim"), f" {score:.0f}"
    )


STATUS_STYLE = {"good": "green", "fair": "yellow", "below": "red", "n/a": "dim"}


def scorecard(card: Any, t: Any, path: Any, codes: Any, saved: bool = True) -> None:
    console.print()
    from mi_coach.practice.transcript import OUTCOMES

    outcome = OUTCOMES.get(t.status, t.status)
    console.rule(f"Scorecard — {safe(t.scenario_title)}")
    line = Text(f"{len(t.turns)} turn(s); outcome: {outcome}")
    if t.rapport is not None:
        line.append("; final ").append_text(rapport_bar(t.rapport))
    console.print(line)
    mi = next((r for r in card.rubrics if r.id == "mi"), None)
    if mi is not None:
        table = Table(title="MITI summary", title_justify="left")
        for col in ("measure", "you", "fair", "good", ""):
            table.add_column(col, justify="left" if col == "measure" else "right")
        for c in mi.criteria:
            if not c.summary:
                continue
            from mi_coach.scoring.scorecard import format_threshold, format_value

            table.add_row(
                c.label,
                format_value(c),
                format_threshold(c, c.fair, sign=True),
                format_threshold(c, c.good, sign=True),
                Text(c.status, style=STATUS_STYLE[c.status]),
            )
        console.print(table)
    table = Table(title="Rubrics", title_justify="left")
    table.add_column("rubric")
    table.add_column("score", no_wrap=True)
    table.add_column("weakest criterion", overflow="fold")
    for r in card.rubrics:
        weak = [c for c in r.criteria if c.status in ("below", "fair")]
        weak.sort(key=lambda c: (c.status != "below", -c.weight))
        table.add_row(
            safe(r.title),
            _bar(r.score),
            safe(f"{weak[0].label}: {weak[0].feedback}") if weak else "",
        )
    console.print(table)
    if card.best:
        b = card.best
        console.print(
            Text.assemble(
                ("Best moment ", "bold green"),
                f"(turn {b.n}): ",
                (f"\u201c{safe(b.response)}\u201d", "italic"),
                f" — {safe(b.code)}; {safe(b.note)}",
            )
        )
    if card.missed:
        m = card.missed
        console.print(
            Text.assemble(
                ("Biggest missed chance ", "bold yellow"),
                f"(turn {m.n}): ",
                (f"\u201c{safe(m.response)}\u201d", "italic"),
                f" — {safe(m.code)}; {safe(m.note)}",
            )
        )
        if m.better:
            console.print(Text.assemble("  Try instead: ", (safe(m.better), "green")))
    if card.practise:
        console.print("[bold]Practise next[/]")
        for item in card.practise:
            console.print(f"  \u2022 {safe(item)}")
    if saved:
        console.print(f"Transcript saved: {safe(str(path))}")


def scenario_menu(choices: list[tuple[str, str, str, str]]) -> None:
    table = Table(title="Choose a client", title_justify="left")
    for col in ("#", "id", "title", "setting", "difficulty"):
        table.add_column(col)
    for n, (sid, title, setting, diff) in enumerate(choices, 1):
        table.add_row(str(n), sid, safe(title), safe(setting), diff)
    console.print(table)


def scenario_table(rows: list[Any]) -> None:
    table = Table(
        caption="mi-coach scenarios show ID describes one; mi-coach practice ID starts it."
    )
    table.add_column("id", no_wrap=True, style="bold")
    table.add_column("client", ratio=3)
    table.add_column("setting", ratio=2)
    table.add_column("level", no_wrap=True)
    table.add_column("states", justify="right", no_wrap=True)
    table.add_column("from", overflow="fold", ratio=1)
    for r in rows:
        table.add_row(
            r["id"],
            safe(r["title"]),
            safe(r["setting"]),
            r["difficulty"],
            str(r["states"]),
            "built-in" if r["builtin"] else safe(r["path"]),
        )
    console.print(table)


def scenario_detail(loaded: Any) -> None:
    s = loaded.scenario
    p = s.persona
    body = Table.grid(padding=(0, 2))
    body.add_column(style="bold", no_wrap=True)
    body.add_column()
    rows = [
        ("Summary", s.summary),
        ("Setting", s.setting),
        ("Difficulty", s.difficulty),
        ("Skills", ", ".join(s.skills)),
        ("Rubrics", ", ".join(s.rubrics)),
        ("Content notes", ", ".join(s.content_notes) or "none"),
        ("Client", f"{p.name} ({p.pronouns}, {p.age})"),
        ("Background", p.background),
        ("Values", ", ".join(p.values)),
        ("Strengths", ", ".join(p.strengths)),
        ("Stressors", ", ".join(p.stressors)),
        ("Culture", p.culture),
        ("Trauma cues", ", ".join(p.trauma_cues) or "none noted"),
        (
            "Shape",
            f"{len(s.states)} states, up to {s.max_turns} turns; endings: "
            f"{len(s.endings('success'))} success, {len(s.endings('rupture'))} rupture",
        ),
        ("File", "built-in" if loaded.builtin else loaded.path),
    ]
    for k, v in rows:
        body.add_row(k, safe(str(v)))
    console.print(Panel(body, title=f"{safe(s.id)}: {safe(s.title)}", title_align="left"))


# -- supervisors ----------------------------------------------------------------------------------


class _Progress:
    def __init__(self, total: int, what: str) -> None:
        self.total, self.what = total, what
        self._bar: Any = None

    def __enter__(self) -> Any:
        if self.total > 1 and err_console.is_terminal:
            from rich.progress import Progress

            self._bar = Progress(console=err_console, transient=True)
            self._bar.__enter__()
            task = self._bar.add_task(self.what, total=self.total)
            return lambda: self._bar.advance(task)
        return lambda: None

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


def progress(total: int, what: str) -> _Progress:
    """A progress bar on standard error for batch work (only on a terminal, only for >1 item)."""
    return _Progress(total, what)


def write_text(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _code_label(turn: Any, codes: Any) -> Text:
    a = turn.annotation
    if a is not None and a.code and a.code != turn.code:
        info = codes.codes[a.code]
        return Text.assemble(
            _code_text(a.code, info.family), (f"  (supervisor; machine: {turn.code})", "dim")
        )
    info = codes.codes.get(turn.code)
    return _code_text(turn.code, info.family if info else "")


def imported(t: Any, out: Any, codes: Any) -> None:
    counts: dict[str, int] = {}
    for turn in t.turns:
        counts[turn.code] = counts.get(turn.code, 0) + 1
    console.print(
        f"Imported {len(t.turns)} counsellor turn(s) from {safe(t.scenario_source)} "
        f"→ {safe(str(out))}"
    )
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
    for turn in t.turns:
        console.print()
        if turn.client is not None:
            console.print(f"[dim]{turn.n}[/] [cyan]client:[/] {safe(turn.client.text)}")
        console.print(f"[dim]{turn.n}[/] [bold]response:[/] {safe(turn.response)}")
        line = Text("   ")
        line.append_text(_code_label(turn, codes))
        others = [c for c in turn.codes if c != turn.code]
        if others:
            line.append(f"  also: {', '.join(others)}", style="dim")
        triggers = [e["match"] for e in turn.evidence if e.get("match", "").strip()]
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
    scorecard(card, t, f, codes, saved=False)


def _num(x: Any, pct: bool = False) -> str:
    if x is None:
        return "–"
    if pct:
        return f"{x:.0f}%"
    return f"{x:.2f}" if isinstance(x, float) else str(x)


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
        *rubric_ids,
    ):
        table.add_column(col, justify="left" if col in ("date", "trainee", "scenario") else "right")
    for t, nums in rows:
        table.add_row(
            t.started[:10],
            safe(t.trainee or "–"),
            safe(t.scenario if t.kind == "practice" else t.scenario_title),
            str(t.turns),
            _num(nums["reflection_to_question_ratio"]),
            _num(nums["percent_complex_reflections"], True),
            _num(nums["percent_open_questions"], True),
            str(nums["mi_adherent"]),
            str(nums["mi_non_adherent"]),
            *[_num(nums["rubrics"].get(r)) for r in rubric_ids],
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
        f"[bold]Supervisor–machine agreement[/] on {a['turns']} annotated turn(s): "
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
            parts = [
                f"code {a.code} (machine: {turn.code})" if a.code else None,
                f"comment \u201c{a.comment}\u201d" if a.comment else None,
            ]
            console.print(safe(f"Turn {turn.n}: " + "; ".join(p for p in parts if p)))
    console.print(f"Saved {safe(f)}")


def exported(output: str | None, fmt: str, redactions: Any) -> None:
    if redactions is not None:
        total = sum(redactions.values()) if hasattr(redactions, "values") else int(redactions)
        detail = (
            ", ".join(f"{k}: {v}" for k, v in dict(redactions).items())
            if hasattr(redactions, "items")
            else ""
        )
        err_console.print(f"Redacted {total} item(s){f' ({detail})' if detail else ''}.")
    if output:
        err_console.print(f"Wrote {fmt} to {safe(output)}")


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
    from mi_coach.review.progress import KEYS

    who = f" — {safe(report.trainee)}" if report.trainee else ""
    console.rule(f"Progress{who}")
    if not report.rows:
        console.print(f"No finished practice sessions in {safe(str(folder))}.")
        console.print(safe(report.sentence))
        return
    table = Table(
        caption="R:Q reflections per question · %CR complex reflections · %OQ open "
        "questions · non-adh MI-non-adherent · MI the MI rubric score (0-100)"
    )
    for col in (
        "date",
        "trainee",
        "scenario",
        "outcome",
        "turns",
        *[label for _, label, _ in KEYS],
    ):
        table.add_column(
            col,
            justify="left" if col in ("date", "trainee", "scenario", "outcome") else "right",
            no_wrap=col in ("date", "scenario"),
        )
    for r in report.rows:
        table.add_row(
            r.started[:10],
            safe(r.trainee or "–"),
            safe(r.scenario),
            STATUS_WORDS.get(r.status, r.status),
            str(r.turns),
            *[_num(r.values[k], pct=k.startswith("percent")) for k, _, _ in KEYS],
        )
    table.add_row(
        "trend", "", "", "", "", *[sparkline(report.trends[k]) for k, _, _ in KEYS], style="bold"
    )
    console.print(table)
    console.print(safe(report.sentence))


# -- drills and workshops -------------------------------------------------------------------------


def drill_intro(n: int, skill: str | None, time_limit: float | None, trainee: str | None) -> None:
    what = skill or "a mix of skills"
    limit = f"; {time_limit:g} s per answer" if time_limit else ""
    who = f" — {safe(trainee)}" if trainee else ""
    console.rule(f"Drill: {n} item(s), {safe(what)}{limit}{who}")
    note("Type your answer after each client statement; /quit stops (answers so far are saved).")


def drill_item(n: int, total: int, label: str, ask: str, client: str) -> None:
    console.print()
    console.print(f"[dim]{n}/{total}[/]  [bold magenta]{safe(label)}[/] — {safe(ask)}")
    console.print(f"  [bold cyan]client:[/] {safe(client)}")


def drill_feedback(a: Any, exemplar: str, tip: str | None) -> None:
    mark = Text("✓ hit", style="bold green") if a.hit else Text("✗ miss", style="bold red")
    mark.append(f"  {a.reason}", style="")
    mark.append(f"  ({a.seconds:.1f} s)", style="dim")
    console.print(mark)
    console.print(Text.assemble("  e.g. ", (safe(exemplar), "green")))
    if tip and not a.hit:
        console.print(f"  [yellow]tip:[/] {safe(tip)}")


def drill_score(results: Any, labels: dict[str, str], path: Any, finished: bool) -> None:
    console.print()
    n = len(results.answers)
    console.rule("Drill score")
    if not finished:
        note("Stopped early.")
    console.print(
        f"[bold]{results.hits}/{n}[/] hits" + (f" ({100 * results.hits / n:.0f}%)" if n else "")
    )
    for skill, (h, m) in results.by_skill().items():
        console.print(f"  {safe(labels.get(skill, skill))}: {h}/{m}")
    console.print(f"Results saved: {safe(str(path))}")


def workshop_tables(tables: dict[str, list[list[str]]], title: str) -> None:
    console.rule(safe(title))
    for name, rows in tables.items():
        table = Table(title=name.capitalize(), title_justify="left")
        for col in rows[0]:
            table.add_column(safe(col), overflow="fold")
        for row in rows[1:]:
            table.add_row(*[safe(c) for c in row])
        console.print(table)


# -- authoring ------------------------------------------------------------------------------------


def validation(results: list[Any]) -> None:
    bad = [r for r in results if r.problems]
    for r in results:
        if r.problems:
            for p in r.problems:
                console.print(f"[red]✗[/] {safe(p)}", soft_wrap=True)
        else:
            console.print(f"[green]✓[/] {safe(r.path)} ({r.kind})")
    total = sum(len(r.problems) for r in results)
    if bad:
        console.print(f"[bold red]{total} problem(s) in {len(bad)} of {len(results)} file(s).[/]")
    else:
        console.print(f"[bold green]{len(results)} file(s) valid.[/]")


def rules_table(rs: Any) -> None:
    table = Table(title=f"{len(rs.rules)} classifier rules", title_justify="left")
    for col in ("rule", "kind", "code", "feedback", "example"):
        table.add_column(col, overflow="fold")
    for r in rs.rules:
        table.add_row(r.id, r.kind, r.code, safe(r.feedback), safe(r.examples.matches()[0].text))
    console.print(table)
