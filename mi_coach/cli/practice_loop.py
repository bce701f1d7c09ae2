"""The practice loop: reads the trainee's lines, drives the session, journals, hands records to
the views. It holds no MI logic (practice.session) and styles no output (view_practice).

Input comes from a `Reader`: the terminal, a file of responses, or piped standard input. Lines
starting with "/" are in-session commands in every mode, so scripted runs can /undo and /quit too.
A command word typed without its slash ("hint") is asked about at the terminal, not sent.

The classifier is built in a background thread (`Background`) while the trainee reads the client's
first line and types: the first line never waits for spaCy, and a response entered early waits
only for what is left of the loading.
"""

from __future__ import annotations

import contextvars
import random
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from mi_coach.base.errors import MiCoachError
from mi_coach.cli import term, view_practice
from mi_coach.coding.inputs import too_long
from mi_coach.practice.session import Session
from mi_coach.practice.transcript import Transcript, locked, now, save
from mi_coach.review.review import card_for

COMMANDS = {
    "/hint": "a hint for this moment (not in assessment mode)",
    "/file": "the case file: who the client is, the letter, the referral",
    "/undo": "take back your last response",
    "/help": "this list, and the MI terms the feedback uses",
    "/quit": "stop here with a scorecard so far; the session is saved and `mi-coach practice --resume` continues it",
}
# Command words a trainee may type without the slash.
BARE = {name.lstrip("/"): name for name in COMMANDS}


def commands_for(feedback: str) -> dict[str, str]:
    """The commands on offer: no /hint in assessment mode."""
    return {k: v for k, v in COMMANDS.items() if not (k == "/hint" and feedback == "end")}


class Background:
    """A value built in a background thread. `get()` (or any attribute) waits for what is left
    of the building, re-raises its error in the caller's thread, and runs `on_ready` once there."""

    def __init__(self, build: Callable[[], Any], on_ready: Callable[[Any], None] | None = None):
        self._build = build
        self._on_ready = on_ready
        self._value: Any = None
        self._error: BaseException | None = None
        self._announced = False
        # the loading thread sees this invocation's context (content folders given by --content)
        context = contextvars.copy_context()
        self._thread = threading.Thread(
            target=context.run, args=(self._run,), name="mi-coach-loader", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._build()
        except BaseException as exc:  # handed to the caller's thread by get()
            self._error = exc

    @property
    def ready(self) -> bool:
        return not self._thread.is_alive()

    def get(self) -> Any:
        while self._thread.is_alive():
            self._thread.join(0.05)  # short waits, so Ctrl-C is felt at once
        if self._error is not None:
            raise self._error
        if not self._announced:
            self._announced = True
            if self._on_ready is not None:
                self._on_ready(self._value)
        return self._value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.get(), name)


class Reader:
    """Where responses come from. `read` returns None at the end of input (Ctrl-D, end of file)."""

    interactive = True

    def read(self, prompt: str) -> str | None:
        try:
            return term.ask(prompt)
        except EOFError:
            return None


class ScriptReader(Reader):
    """Responses from a file or a pipe, one per line; each is echoed so the output reads well."""

    interactive = False

    def __init__(self, lines: list[str]) -> None:
        self._lines: Iterator[str] = iter(lines)

    def read(self, prompt: str) -> str | None:
        line = next(self._lines, None)
        if line is not None:
            view_practice.echo_response(prompt, line)
        return line


@dataclass
class Result:
    how: Literal["finished", "paused", "interrupted"]
    path: Path
    transcript: Transcript


def new_seed() -> int:
    return random.SystemRandom().randrange(1, 10**6)


def run(
    session: Session,
    reader: Reader,
    folder: Path,
    codes: object,
    resumed: bool = False,
    path: Path | None = None,
    resume_hint: str = "mi-coach practice --resume",
) -> Result:
    """The session, its transcript locked against other sessions while it runs."""
    path = path or folder / f"{session.transcript.id}.json"
    with locked(path):
        return _run(session, reader, folder, codes, resumed, path, resume_hint)


def _run(
    session: Session,
    reader: Reader,
    folder: Path,
    codes: object,
    resumed: bool,
    path: Path,
    resume_hint: str,
) -> Result:
    t = session.transcript
    scenario = session.scenario
    path = save(t, folder, path)
    offered = commands_for(t.feedback)
    view_practice.session_intro(scenario, t, path, resumed, offered)
    if resumed:
        view_practice.recap(t.turns[-2:], session.first_name)
    try:
        while not session.over:
            line = session.current_line()
            view_practice.client_says(
                session.first_name, line.text, session.turn_number, scenario.max_turns
            )
            while True:
                text = reader.read("you> ")
                if text is None:
                    if not reader.interactive:
                        # a file of responses ran out: the card's first lines for what was
                        # practised (a file of one response per run would bury each turn under
                        # a whole card), and the session kept open (not stored until it ends)
                        _so_far(t, codes, path, brief=True)
                    view_practice.paused(path, resume_hint, end_of_input=not reader.interactive)
                    return Result("paused", path, t)
                text = text.strip()
                if not text:
                    continue
                bare = BARE.get(text.lower().rstrip("?!. "))
                if bare is not None and not text.startswith("/"):
                    if reader.interactive:
                        answer = reader.read(f"Did you mean the command {bare}? (y/n) ")
                        if answer is None:
                            continue
                        if answer.strip().lower() in ("y", "yes"):
                            text = bare
                    else:
                        term.note(f"\u201c{text}\u201d taken as the command {bare}.")
                        text = bare
                if text.startswith("/"):
                    command = text.split()[0].lower()
                    if command in ("/quit", "/exit", "/q"):
                        save(t, folder, path)
                        _so_far(t, codes, path)
                        view_practice.paused(path, resume_hint)
                        return Result("paused", path, t)
                    if command == "/help":
                        from mi_coach.practice.reactions import load_glossary

                        view_practice.session_help(offered, load_glossary().terms)
                    elif command == "/hint":
                        if t.feedback == "end":
                            term.note("Hints are off in assessment mode (--feedback end).")
                        else:
                            view_practice.hint(session.hint())
                    elif command == "/file":
                        view_practice.case_file(scenario)
                    elif command == "/undo":
                        undone = session.undo()
                        save(t, folder, path)
                        view_practice.undone(undone)
                        if undone is not None:
                            break  # the client says their line again
                    else:
                        term.note(f"Unknown command {text.split()[0]!r}. /help lists them.")
                    continue
                problem = too_long(text)
                if problem is not None:
                    term.note(f"Not sent: {problem}.")
                    continue
                outcome = session.respond(text)
                save(t, folder, path)  # journal every completed turn
                if t.feedback == "turn":
                    view_practice.turn_feedback(outcome.turn, session.first_name, codes)
                if outcome.ended:
                    view_practice.session_end(
                        session.first_name, outcome.closing_line or "", outcome.ended
                    )
                break
    except KeyboardInterrupt:
        save(t, folder, path)
        view_practice.paused(path, resume_hint, interrupted=True)
        return Result("interrupted", path, t)
    card = card_for(t, codes, str(path))  # the one scoring path: review scores it the same
    t.scores = card.as_dict()
    t.finished = now()
    save(t, folder, path)
    view_practice.scorecard(card, t, path, codes)
    return Result("finished", path, t)


def _so_far(t: Transcript, codes: Any, path: Path, brief: bool = False) -> None:
    """The scorecard of a session stopped before its end, marked so far (not stored: the
    session stays open to resume)."""
    if t.turns:
        card = card_for(t, codes, str(path))
        view_practice.scorecard(card, t, path, codes, so_far=True, brief=brief)


def pick_scenario(
    choices: Sequence[tuple[str, str, str, str]], reader: Reader, difficulty: str = "standard"
) -> str:
    """The menu: (id, title, setting, level) rows; returns the chosen id."""
    if not reader.interactive:
        raise MiCoachError("name a scenario to practise (`mi-coach scenarios` lists them)")
    view_practice.scenario_menu(choices, difficulty)
    while True:
        answer = reader.read("scenario number or id> ")
        if answer is None:
            raise MiCoachError("no scenario chosen")
        answer = answer.strip()
        if answer.isdigit() and 1 <= int(answer) <= len(choices):
            return choices[int(answer) - 1][0]
        if answer in {c[0] for c in choices}:
            return answer
        if answer in ("/quit", "q"):
            raise MiCoachError("no scenario chosen")
        term.note(f"Type a number from 1 to {len(choices)}, or a scenario id.")
