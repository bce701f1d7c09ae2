"""What trainers see: drills, workshop tables, validation results and the rule table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    pass

from mi_coach.cli.term import console, note, safe


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


def workshop(report: Any, title: str) -> None:
    """The workshop report in the terminal: the room, the trainees (flags in red), the items."""
    from mi_coach.authoring.workshop import needs_help, outcome_text, pct, score

    console.rule(safe(title))
    console.print(
        f"Trainees: {len(report.trainees)} · drill result files: {report.drills} · practice: "
        f"{safe(outcome_text(report.outcomes, report.paused))} · MI score (mean): "
        f"{score(report.mi_score)}",
        soft_wrap=True,
    )
    skills = list(report.skills)
    room = Table(title="The room: accuracy by skill", title_justify="left")
    for col in ("skill", "room", "needs help"):
        room.add_column(col, overflow="fold")
    for s in skills:
        who = ", ".join(p.trainee for p in report.trainees if s in p.flags)
        room.add_row(
            safe(report.label(s)),
            pct(*report.skills[s]),
            Text(who or "–", style="red" if who else ""),
        )
    console.print(room)
    people = Table(title="Trainees", title_justify="left")
    people.add_column("trainee", overflow="fold")
    for s in skills:
        people.add_column(safe(report.label(s)), overflow="fold")
    for col in ("sessions", "MI score", "flag"):
        people.add_column(col, overflow="fold")
    for p in report.trainees:
        cells = [
            Text(pct(*p.skills.get(s, (0, 0))), style="bold red" if s in p.flags else "")
            for s in skills
        ]
        people.add_row(
            safe(p.trainee),
            *cells,
            str(p.sessions),
            score(p.mi_score),
            Text(needs_help(p, report) or "", style="red"),
        )
    console.print(people)
    items = Table(title="Drill items, hardest first", title_justify="left")
    for col in ("item", "skill", "right", "most common wrong code", "example answer"):
        items.add_column(col, overflow="fold")
    for i in report.items:
        wrong = i.common_wrong
        items.add_row(
            safe(i.item),
            safe(report.label(i.skill)),
            pct(i.hits, i.answers),
            f"{safe(wrong[0])} ({wrong[1]})" if wrong else "–",
            safe(wrong[2]) if wrong else "–",
        )
    console.print(items)


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
    table = Table(
        title=f"{len(rs.rules)} classifier rules",
        title_justify="left",
        caption="What each code means, its MITI 4.2.1 basis and the tie-breaks: docs/CODES.md",
        caption_justify="left",
    )
    for col in ("rule", "kind", "code", "feedback", "example"):
        table.add_column(col, overflow="fold")
    for r in rs.rules:
        table.add_row(r.id, r.kind, r.code, safe(r.feedback), safe(r.examples.matches()[0].text))
    console.print(table)
