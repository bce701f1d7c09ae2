"""Terminal injection: a transcript whose every string field holds escape sequences, bidi controls
and rich markup is printed by every command that shows file-sourced text, and no control byte, no
hyperlink and no markup reaches the terminal. The guarantee lives in one place (term's render
hook), so the test goes through every command rather than through fields."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from mi_coach.base.text import CONTROLS
from mi_coach.cli.app import app

MINI_DIR = str(Path(__file__).parent / "data" / "scenarios")
PAYLOADS = [
    "\x1b]52;c;cm0gLXJmIH4=\x07",  # OSC 52: put `rm -rf ~` in the clipboard
    "\x1b]0;pwned\x07",  # window title
    "\x1b[2J\x1b[H",  # clear the screen
    "\x9b31m",  # 8-bit CSI
    "\u202egnp.exe",  # right-to-left override
    "\u2066isolate\u2069",
    "[link=https://evil.example]click[/link]",  # rich markup → OSC 8
    "[bold red on white]shout[/]",
]
EVIL = " ".join(PAYLOADS)
# The fields people write; the loader checks others by shape (ids, enums, timestamps, numbers).
FREE_TEXT = {
    "scenario_title",
    "trainee",
    "text",
    "thought",
    "response",
    "feedback",
    "better",
    "comment",
    "by",
    "missed_note",
    "match",
}


def _leaves(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, (*path, i))
    elif isinstance(node, str):
        yield path


def _set(node, path, value):
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _get(node, path):
    for key in path:
        node = node[key]
    return node


def _poison(data, mode):
    """free-text: the fields people write; accepted: every string field the loader still accepts
    with the payload in it (timestamps, codes, states…); everything: every string field."""
    from mi_coach.practice.transcript import Transcript

    for path in list(_leaves(data)):
        old = _get(data, path)
        _set(data, path, old + " " + EVIL)
        if mode == "everything":
            continue
        keep = path[-1] in FREE_TEXT and path != ("feedback",) if mode == "free-text" else True
        if keep:
            try:
                Transcript.model_validate(data)
            except ValueError:
                keep = False
        if not keep:
            _set(data, path, old)
    return data


def _assert_inert(output: str) -> None:
    leaked = {hex(ord(c)) for c in output if ord(c) in CONTROLS and c not in "\n\t"}
    leaked.discard(hex(0xFFFD))
    assert not leaked, (leaked, output[:2000])
    assert "\x1b" not in output and "]8;" not in output
    assert "Traceback" not in output


@pytest.fixture(scope="module")
def session_file(tmp_path_factory):
    from typer.testing import CliRunner

    folder = tmp_path_factory.mktemp("sessions")
    responses = folder / "responses.txt"
    responses.write_text("You should call them today.\nYou're worried the rent will come first.\n")
    r = CliRunner().invoke(
        app,
        [
            "practice",
            "mini-benefits",
            "--scenarios",
            MINI_DIR,
            "--data-dir",
            str(folder),
            "--trainee",
            "Ana",
            "--responses",
            str(responses),
        ],
    )
    assert r.exit_code == 0, r.output
    (found,) = (folder / "transcripts").glob("*.json")
    return found


@pytest.fixture(params=["free-text", "accepted", "everything"])
def poisoned(request, session_file, tmp_path):
    data = json.loads(session_file.read_text())
    data = _poison(data, request.param)
    folder = tmp_path / "data" / "transcripts"
    folder.mkdir(parents=True)
    f = folder / session_file.name
    f.write_text(json.dumps(data))
    return request.param, f


COMMANDS = [
    lambda f: ["review", str(f)],
    lambda f: ["review", str(f), str(f)],
    lambda f: ["review", str(f), "--format", "json"],
    lambda f: ["export", str(f), "--to", "md"],
    lambda f: ["export", str(f), "--to", "csv"],
    lambda f: ["export", str(f), "--to", "html"],
    lambda f: ["export", str(f), "--to", "json"],
    lambda f: ["progress", "--data-dir", str(f.parent.parent)],
    lambda f: ["workshop", "report", str(f.parent)],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c(Path("F"))[:3]))
def test_no_escape_reaches_the_terminal(runner, poisoned, command, tmp_path):
    variant, f = poisoned
    before = f.read_bytes()
    r = runner.invoke(app, command(f))
    _assert_inert(r.output)
    if variant == "free-text":
        assert r.exit_code == 0, r.output
        if "json" not in command(f) and "progress" not in command(f):
            assert "click" in r.output
    else:  # codes and other checked fields may be refused when scored: one line naming the file
        assert r.exit_code in (0, 1, 2)
        if r.exit_code:
            assert f.name in r.output
    assert f.read_bytes() == before  # nothing on disk changed


def test_annotate_shows_turns_inertly(runner, poisoned):
    variant, f = poisoned
    copy = f.with_name("copy.json")
    shutil.copy(f, copy)
    r = runner.invoke(
        app, ["annotate", str(copy), "--turn", "1", "--code", "judgment", "--comment", EVIL]
    )
    _assert_inert(r.output)
    if variant == "free-text":
        assert r.exit_code == 0, r.output
        r = runner.invoke(app, ["review", str(copy)])
        _assert_inert(r.output)
        assert re.search(r"You should call them today", r.output)
