"""The terminal: the two consoles, the one escape every string from a file or a user passes
through, errors, notes, machine output (json/jsonl) and the bars and numbers other views share."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from rich.console import (
    Console,
    ConsoleOptions,
    ConsoleRenderable,
    RenderableType,
    RenderHook,
    RenderResult,
)
from rich.markup import escape
from rich.segment import Segment
from rich.text import Text

from mi_coach.base import jsontext
from mi_coach.base.text import clean, number  # noqa: F401 - number is re-exported to the views


class _Inert:
    """A renderable as it reaches the terminal: every character that could act on the terminal
    (C0/C1 controls, escape sequences, bidi controls, lone surrogates) shown as U+FFFD, and no
    hyperlinks (OSC 8). Rich's own control segments (cursor moves) pass unchanged."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for seg in console.render(self.renderable, options):
            if seg.control:
                yield seg
                continue
            style = seg.style.update_link(None) if seg.style and seg.style.link else seg.style
            yield Segment(clean(seg.text), style)


class _InertHook(RenderHook):
    """Every renderable printed on our consoles goes through _Inert: the one place all terminal
    text passes, so no field printed without `safe()` can still reach the terminal raw."""

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Inert(r) for r in renderables]


def _console(**kwargs: Any) -> Console:
    c = Console(highlight=False, **kwargs)
    c.push_render_hook(_InertHook())
    return c


console = _console()
err_console = _console(stderr=True)


FAMILY_STYLE = {
    "reflection": "green",
    "question": "cyan",
    "mi_adherent": "bright_green",
    "neutral": "yellow",
    "mi_non_adherent": "bold red",
    "other": "dim",
}


def safe(text: str) -> str:
    """User text made safe for the terminal: control characters and escape sequences shown as
    the replacement character, rich markup escaped."""
    return escape(clean(text))


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


def code_text(code: str, family: str, label: str | None = None) -> Text:
    return Text(label or code, style=FAMILY_STYLE.get(family, ""))


def ask(prompt: str) -> str:
    """One line from the trainee (raises EOFError at the end of input)."""
    console.print(f"[bold]{prompt}[/]", end="")
    from mi_coach.cli.typed import read_line  # bytes that are not UTF-8 or a NUL end nothing

    return read_line()


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


def bar(score: float | None, width: int = 20) -> Text:
    if score is None:
        return Text("n/a", style="dim")
    filled = round(score / 100 * width)
    style = "green" if score >= 75 else "yellow" if score >= 50 else "red"
    return Text.assemble(
        ("\u2588" * filled, style), ("\u2591" * (width - filled), "dim"), f" {score:.0f}"
    )


STATUS_STYLE = {"good": "green", "fair": "yellow", "below": "red", "n/a": "dim"}


class _Progress:
    def __init__(self, total: int, what: str) -> None:
        self.total, self.what = total, what
        self.bar: Any = None

    def __enter__(self) -> Any:
        if self.total > 1 and err_console.is_terminal:
            from rich.progress import Progress

            self.bar = Progress(console=err_console, transient=True)
            self.bar.__enter__()
            task = self.bar.add_task(self.what, total=self.total)
            return lambda: self.bar.advance(task)
        return lambda: None

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def progress(total: int, what: str) -> _Progress:
    """A progress bar on standard error for batch work (only on a terminal, only for >1 item)."""
    return _Progress(total, what)


def write_text(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
