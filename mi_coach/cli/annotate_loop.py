"""Supervisor annotations: override a turn's code, add a comment. `apply` is pure; `interactive`
is the small loop that walks a supervisor through every turn (input via term.ask)."""

from __future__ import annotations

from typing import Any

from mi_coach.base.errors import MiCoachError
from mi_coach.cli import term, view_review
from mi_coach.practice.transcript import Annotation, Transcript, Turn, now


def apply(
    t: Transcript,
    codes: Any,
    n: int,
    *,
    code: str | None = None,
    comment: str | None = None,
    by: str | None = None,
    clear: bool = False,
) -> Turn:
    turn = next((x for x in t.turns if x.n == n), None)
    if turn is None:
        raise MiCoachError(f"no turn {n} (the transcript has turns 1-{len(t.turns)})")
    if code is not None and code not in codes.codes:
        raise MiCoachError(f"unknown code {code!r} (codes: {', '.join(codes.codes)})")
    if clear:
        turn.annotation = None
        return turn
    old = turn.annotation
    turn.annotation = Annotation(
        code=code if code is not None else (old.code if old else None),
        comment=comment if comment is not None else (old.comment if old else None),
        by=by or (old.by if old else None),
        at=now(),
    )
    return turn


def interactive(t: Transcript, codes: Any, by: str | None) -> tuple[list[Turn], bool]:
    """Every turn in order: Enter keeps the machine's code, a code overrides it, '?' lists codes,
    'q' stops (what was done so far is kept). Returns the changed turns and whether Ctrl-C
    stopped it (what was done before is kept then too)."""
    changed: list[Turn] = []
    try:
        _walk(t, codes, by, changed)
    except KeyboardInterrupt:
        return changed, True
    return changed, False


def _walk(t: Transcript, codes: Any, by: str | None, changed: list[Turn]) -> list[Turn]:
    names = list(codes.codes)
    for turn in t.turns:
        view_review.annotate_turn(turn, codes)
        while True:
            try:
                answer = term.ask("code (Enter keeps it, ? lists codes, q stops)> ").strip()
            except EOFError:
                return changed
            if answer == "?":
                term.note(", ".join(names))
                continue
            if answer.lower() in ("q", "/quit"):
                return changed
            if answer and answer not in codes.codes:
                term.note(f"Not a code: {answer!r}. Type ? for the list.")
                continue
            break
        try:
            note = term.ask("comment (Enter for none)> ").strip()
        except EOFError:
            note = ""
        if answer or note:
            changed.append(
                apply(t, codes, turn.n, code=answer or None, comment=note or None, by=by)
            )
    return changed
