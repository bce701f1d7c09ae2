"""The practice loop: reads the trainee's lines, drives the session, journals, hands records to
render. It holds no MI logic (session.py) and styles no output (render.py).

Input comes from a `Reader`: the terminal, a file of responses, or piped standard input. Lines
starting with "/" are in-session commands in every mode, so scripted runs can /undo and /quit too.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mi_coach.base.errors import MiCoachError
from mi_coach.cli import render
from mi_coach.coding.inputs import too_long
from mi_coach.practice.session import Session
from mi_coach.practice.transcript import Transcript, locked, now, save
from mi_coach.scoring.scorecard import scorecard

COMMANDS = {
    "/hint": "a hint for this moment (not in assessment mode)",
    "/undo": "take back your last response",
    "/help": "this list",
    "/quit": "stop here; the session is saved and `mi-coach practice --resume` continues it",
}


class Reader:
    """Where responses come from. `read` returns None at the end of input (Ctrl-D, end of file)."""

    interactive = True

    def read(self, prompt: str) -> str | None:
        try:
            return render.ask(prompt)
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
            render.echo_response(prompt, line)
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
    out_of_input: Callable[[], None] | None = None,
    path: Path | None = None,
) -> Result:
    """The session, its transcript locked against other sessions while it runs."""
    path = path or folder / f"{session.transcript.id}.json"
    with locked(path):
        return _run(session, reader, folder, codes, resumed, path)


def _run(
    session: Session, reader: Reader, folder: Path, codes: object, resumed: bool, path: Path
) -> Result:
    t = session.transcript
    scenario = session.scenario
    path = save(t, folder, path)
    render.session_intro(scenario, t, path, resumed, COMMANDS)
    try:
        while not session.over:
            line = session.current_line()
            render.client_says(
                scenario.persona.name, line.text, session.turn_number, scenario.max_turns
            )
            while True:
                text = reader.read("you> ")
                if text is None:
                    render.paused(path, end_of_input=not reader.interactive)
                    return Result("paused", path, t)
                text = text.strip()
                if not text:
                    continue
                if text.startswith("/"):
                    command = text.split()[0].lower()
                    if command in ("/quit", "/exit", "/q"):
                        save(t, folder, path)
                        render.paused(path)
                        return Result("paused", path, t)
                    if command == "/help":
                        render.session_help(COMMANDS)
                    elif command == "/hint":
                        if t.feedback == "end":
                            render.note("Hints are off in assessment mode (--feedback end).")
                        else:
                            render.hint(session.hint())
                    elif command == "/undo":
                        undone = session.undo()
                        save(t, folder, path)
                        render.undone(undone)
                        if undone is not None:
                            break  # the client says their line again
                    else:
                        render.note(f"Unknown command {text.split()[0]!r}. /help lists them.")
                    continue
                problem = too_long(text)
                if problem is not None:
                    render.note(f"Not sent: {problem}.")
                    continue
                outcome = session.respond(text)
                save(t, folder, path)  # journal every completed turn
                if t.feedback == "turn":
                    render.turn_feedback(outcome.turn, scenario.persona.name, codes)
                if outcome.ended:
                    render.session_end(
                        scenario.persona.name, outcome.closing_line or "", outcome.ended
                    )
                break
    except KeyboardInterrupt:
        save(t, folder, path)
        render.paused(path, interrupted=True)
        return Result("interrupted", path, t)
    card = scorecard(t.turns, scenario.rubrics, codes)
    t.scores = card.as_dict()
    t.finished = now()
    save(t, folder, path)
    render.scorecard(card, t, path, codes)
    return Result("finished", path, t)


def pick_scenario(choices: list[tuple[str, str, str, str]], reader: Reader) -> str:
    """The menu: (id, title, setting, difficulty) rows; returns the chosen id."""
    if not reader.interactive:
        raise MiCoachError("name a scenario to practise (`mi-coach scenarios` lists them)")
    render.scenario_menu(choices)
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
        render.note(f"Type a number from 1 to {len(choices)}, or a scenario id.")
