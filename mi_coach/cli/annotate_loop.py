"""Supervisor annotations: override a turn's code, add a comment. `apply` is pure; `interactive`
is the small loop that walks a supervisor through every turn (input via term.ask)."""

from __future__ import annotations

from typing import Any

from mi_coach.base.errors import MiCoachError
from mi_coach.cli import term, view_review
from mi_coach.practice.transcript import Annotation, Transcript, Turn, now


def parse_codes(text: str) -> list[str]:
    """A supervisor's codes as typed: one or more, separated by commas or spaces; the first is
    the primary code."""
    return list(dict.fromkeys(x for x in text.replace(",", " ").split() if x))


def apply(
    t: Transcript,
    codes: Any,
    n: int,
    *,
    code: str | None = None,
    comment: str | None = None,
    by: str | None = None,
    clear: bool = False,
    confirm: bool = False,
) -> Turn:
    """Annotate turn `n`. `code`: the supervisor's codes (one or more, comma- or space-separated;
    the first is primary), which replace all the machine's codes of the turn; `confirm`: the
    supervisor agrees with the machine's codes (recorded as agreement)."""
    turn = next((x for x in t.turns if x.n == n), None)
    if turn is None:
        raise MiCoachError(f"no turn {n} (the transcript has turns 1-{len(t.turns)})")
    chosen = parse_codes(code) if code is not None else []
    if code is not None and not chosen:
        raise MiCoachError("--code is empty: give one or more of the twelve codes")
    for c in chosen:
        if c not in codes.codes:
            raise MiCoachError(f"unknown code {c!r} (codes: {', '.join(codes.codes)})")
    if confirm and chosen:
        raise MiCoachError("give --code to override the machine's codes, or --confirm, not both")
    if clear:
        turn.annotation = None
        return turn
    old = turn.annotation
    if confirm:
        chosen = [turn.code, *[c for c in turn.codes if c != turn.code]]
    new_code = chosen[0] if chosen else (old.code if old else None)
    new_codes = (chosen if len(chosen) > 1 else None) if chosen else (old.codes if old else None)
    turn.annotation = Annotation(
        code=new_code,
        codes=new_codes,
        comment=comment if comment is not None else (old.comment if old else None),
        by=by or (old.by if old else None),
        at=now(),
    )
    return turn


def interactive(t: Transcript, codes: Any, by: str | None) -> tuple[list[Turn], bool]:
    """Every turn in order: Enter confirms the machine's codes (recorded as agreement), one or
    more codes override them all, 's' skips the turn, '?' lists codes, 'q' stops (what was done
    so far is kept). Returns the changed turns and whether Ctrl-C stopped it (what was done
    before is kept then too)."""
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
                answer = term.ask(
                    "code (Enter confirms the machine's; codes replace them; s skips; "
                    "? lists; q stops)> "
                ).strip()
            except EOFError:
                return changed
            if answer == "?":
                term.note(", ".join(names))
                continue
            if answer.lower() in ("q", "/quit"):
                return changed
            bad = [c for c in parse_codes(answer) if c not in codes.codes]
            if answer.lower() != "s" and bad:
                term.note(f"Not a code: {bad[0]!r}. Type ? for the list.")
                continue
            break
        if answer.lower() == "s":
            continue
        try:
            note = term.ask("comment (Enter for none)> ").strip()
        except EOFError:
            note = ""
        changed.append(
            apply(
                t,
                codes,
                turn.n,
                code=answer or None,
                confirm=not answer,
                comment=note or None,
                by=by,
            )
        )
    return changed
