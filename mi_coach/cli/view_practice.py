"""What a practice session prints: the client, each turn's feedback, the scorecard, the scenario
menu and details."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.panel import Panel
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    pass

from mi_coach.base.text import telling
from mi_coach.cli.term import (
    FAMILY_STYLE,
    STATUS_STYLE,
    bar,
    code_text,
    console,
    note,
    rapport_bar,
    safe,
)
from mi_coach.cli.view_coding import unsure_row


def echo_response(prompt: str, line: str) -> None:
    console.print(f"[bold]{prompt}[/]{safe(line)}")


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
    difficulty = f"; difficulty {t.difficulty}" if t.difficulty else ""
    body.add_row("Mode", f"{mode}{difficulty}; up to {scenario.max_turns} turns; seed {t.seed}")
    if t.trainee:
        body.add_row("Trainee", safe(t.trainee))
    body.add_row("Commands", "  ".join(commands))
    title = f"{'Resuming' if resumed else 'Practice'}: {safe(scenario.title)}"
    console.print(Panel(body, title=title, title_align="left", border_style="cyan"))
    if resumed:
        note(f"Resuming at turn {len(t.turns) + 1}; {len(t.turns)} turn(s) already done.")
    console.print(rapport_bar(t.rapport))


def session_help(commands: dict[str, str], glossary: dict[str, str] | None = None) -> None:
    for name, what in commands.items():
        console.print(f"  [bold]{name}[/]  {safe(what)}")
    if glossary:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for term, meaning in glossary.items():
            table.add_row(safe(term), safe(meaning))
        console.print("[bold]The words the feedback uses[/]")
        console.print(table)


def recap(turns: Sequence[Any], name: str) -> None:
    """The last turns of a resumed session, so the trainee knows where they were."""
    for turn in turns:
        client = turn.client.text if turn.client is not None else ""
        console.print(f"[dim]turn {turn.n}[/]  [bold cyan]{safe(name)}:[/] [dim]{safe(client)}[/]")
        console.print(f"[bold]you>[/] [dim]{safe(turn.response)}[/]")


def case_file(scenario: Any) -> None:
    """What the case manager knows: the persona and the documents in the case file."""
    p = scenario.persona
    body = Table.grid(padding=(0, 2))
    body.add_column(style="bold", no_wrap=True)
    body.add_column()
    rows = [
        ("Client", f"{p.name} ({p.pronouns}, {p.age})"),
        ("Background", p.background),
        ("Values", "; ".join(p.values)),
        ("Strengths", "; ".join(p.strengths)),
        ("Stressors", "; ".join(p.stressors)),
        ("Culture", p.culture),
    ]
    if p.trauma_cues:
        rows.append(("Notice, don't probe", "; ".join(p.trauma_cues)))
    for k, v in rows:
        body.add_row(k, safe(str(v).strip()))
    console.print(Panel(body, title="Case file", title_align="left", border_style="blue"))
    for doc in scenario.case_file:
        console.print(
            Panel(
                Text(safe(doc.text.strip())),
                title=safe(doc.title),
                title_align="left",
                border_style="blue",
            )
        )


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


def paused(
    path: Any,
    resume_hint: str = "mi-coach practice --resume",
    interrupted: bool = False,
    end_of_input: bool = False,
) -> None:
    why = "Interrupted" if interrupted else "Out of responses" if end_of_input else "Paused"
    console.print()
    console.print(f"[yellow]{why}.[/] Every completed turn is saved in {safe(str(path))}")
    console.print(f"Continue it with: [bold]{safe(resume_hint)}[/]", soft_wrap=True)


def turn_feedback(turn: Any, name: str, codes: Any) -> None:
    info = codes.codes[turn.code]
    body = Table.grid(padding=(0, 2))
    body.add_column(style="bold", no_wrap=True)
    body.add_column()
    line = Text.assemble(
        code_text(turn.code, info.family, info.label), f"  ({info.family.replace('_', '-')})"
    )
    others = [c for c in turn.codes if c != turn.code]
    if others:
        line.append(f"  also: {', '.join(codes.codes[c].label for c in others)}", style="dim")
    body.add_row("Code", line)
    unsure_row(body, turn.code, turn.runner_up, turn.confidence)
    triggers = telling(e["match"] for e in turn.evidence)
    if triggers:
        body.add_row("Because of", ", ".join(f"\u201c{safe(m)}\u201d" for m in triggers[:4]))
    if turn.feedback:
        body.add_row("Why", safe(turn.feedback))
    thought = turn.reaction or (turn.client.thought if turn.client else None)
    if thought:
        body.add_row(f"{safe(name)} thought", Text(safe(thought), style="italic"))
    body.add_row(
        "Rapport", rapport_bar(turn.rapport_after, turn.rapport_after - turn.rapport_before)
    )
    for reason in turn.reasons:
        if reason.kind == "warning":
            continue
        if reason.kind == "limit":
            body.add_row("", Text(f"   ({safe(reason.text)})", style="dim"))
        else:
            body.add_row(
                "",
                Text.assemble(
                    (
                        f"{reason.delta:+d} " if reason.delta else " \u00b10 ",
                        _delta_style(reason.delta),
                    ),
                    safe(reason.text),
                ),
            )
    warning = next((r for r in turn.reasons if r.kind == "warning"), None)
    if warning is not None:
        body.add_row("Warning sign", Text(safe(warning.text), style="bold yellow"))
    if turn.missed_chance:
        body.add_row("Missed chance", Text(safe(turn.missed_note or ""), style="yellow"))
    if turn.better:
        body.add_row("Try instead", Text(safe(turn.better), style="green"))
    console.print(Panel(body, border_style=FAMILY_STYLE.get(info.family) or "none"))


def _delta_style(delta: int) -> str:
    return "green" if delta > 0 else "red" if delta < 0 else "dim"


def session_end(name: str, closing: str, how: str) -> None:
    console.print()
    console.print(f"[bold cyan]{safe(name)}:[/] {safe(closing)}")
    label = {
        "success": "[bold green]The client named a next step.[/]",
        "rupture": "[bold red]The conversation broke down.[/]",
        "turn_limit": "[yellow]Out of turns.[/]",
    }[how]
    console.print(label)


def scorecard(
    card: Any,
    t: Any,
    path: Any,
    codes: Any,
    saved: bool = True,
    so_far: bool = False,
    brief: bool = False,
) -> None:
    """The scorecard: practice prints it at the end of a session (`so_far` when a file of
    responses ran out, or the trainee typed /quit, before the session ended; `brief`: its first
    lines and where the whole card is), `review` after the turns. Both draw the same record
    (mi_coach.review.review.card_for): the same numbers."""
    from mi_coach.practice.transcript import OUTCOMES
    from mi_coach.review.export_common import COUNTS_NOTE, count_rows, verdict_lines
    from mi_coach.scoring.scorecard import format_threshold, format_value

    console.print()
    outcome = OUTCOMES.get(t.status, t.status)
    title = "Scorecard so far" if so_far else "Scorecard"
    console.rule(f"{title} — {safe(t.scenario_title)}")
    line = Text(f"{len(t.turns)} turn(s); outcome: {outcome}")
    if t.rapport is not None:
        line.append("; final ").append_text(rapport_bar(t.rapport))
    console.print(line)
    for text in verdict_lines(card):
        console.print(safe(text))
    if brief:
        console.print(
            f"The whole card so far: [bold]mi-coach review {safe(str(path))}[/]", soft_wrap=True
        )
        return
    mi = next((r for r in card.rubrics if r.id == "mi"), None)
    if mi is not None:
        table = Table(
            title="MITI summary",
            title_justify="left",
            caption=(
                "Ratios count every question, and a turn's other secondary (also) codes only "
                "when the coder is sure of it."
            ),
            caption_justify="left",
        )
        for col in ("measure", "you", "fair", "good", ""):
            table.add_column(col, justify="left" if col == "measure" else "right")
        for c in mi.criteria:
            if not c.summary:
                continue
            table.add_row(
                c.label,
                format_value(c),
                format_threshold(c, c.fair, sign=True),
                format_threshold(c, c.good, sign=True),
                Text(c.status, style=STATUS_STYLE[c.status]),
            )
        console.print(table)
    rows = count_rows(card, codes)
    if rows:
        top = max(n for _, _, n in rows)
        width = 20
        table = Table(
            title="Behaviours found",
            title_justify="left",
            caption=f"One scale for every bar: 0 to {top} behaviour(s).",
            caption_justify="left",
        )
        table.add_column("behaviour")
        table.add_column("count", justify="right")
        table.add_column(f"0{' ' * (width - 1 - len(str(top)))}{top}", no_wrap=True)
        for label_, code, n in rows:
            info = codes.codes.get(code)
            filled = round(n / top * width)
            table.add_row(
                code_text(code, info.family if info else "", label_),
                str(n),
                Text.assemble(("\u2588" * filled, "bold"), ("\u2591" * (width - filled), "dim")),
            )
        console.print(table)
        console.print(COUNTS_NOTE)
    table = Table(title="Rubrics", title_justify="left")
    table.add_column("rubric")
    table.add_column("score (0-100)", no_wrap=True)
    table.add_column("weakest criterion", overflow="fold")
    for r in card.rubrics:
        weak = [c for c in r.criteria if c.status in ("below", "fair")]
        weak.sort(key=lambda c: (c.status != "below", -c.weight))
        table.add_row(
            safe(r.title),
            bar(r.score),
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
                f" — {safe(b.note)}",
            )
        )
    if card.missed:
        m = card.missed
        console.print(
            Text.assemble(
                ("Biggest missed chance ", "bold yellow"),
                f"(turn {m.n}): ",
                (f"\u201c{safe(m.response)}\u201d", "italic"),
                f" — {safe(m.note)}",
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


DIFFICULTY_NOTE = (
    "level: how hard the client is to reach. --difficulty gentle|standard|hard: how forgiving "
    "they are (gentle: a warning sign and a chance to repair before any rupture)."
)


def scenario_menu(
    choices: Sequence[tuple[str, str, str, str]], difficulty: str = "standard"
) -> None:
    table = Table(
        title="Choose a client",
        title_justify="left",
        caption=f"{DIFFICULTY_NOTE} This session: {difficulty}.",
        caption_justify="left",
    )
    for col in ("#", "id", "title", "setting", "level"):
        table.add_column(col)
    for n, (sid, title, setting, level) in enumerate(choices, 1):
        table.add_row(str(n), sid, safe(title), safe(setting), level)
    console.print(table)


def scenario_table(rows: list[Any]) -> None:
    table = Table(
        caption="mi-coach scenarios show ID describes one; mi-coach practice ID starts it. "
        + DIFFICULTY_NOTE
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
        ("Case file", ", ".join(d.title for d in s.case_file) or "none (/file shows the persona)"),
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
