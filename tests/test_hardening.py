"""Hardening: hostile files give one line naming the file and a non-zero exit, never a traceback;
hostile typing never reaches the terminal or exports raw; nothing reaches outside its folder; no
network connection is attempted; a session killed with SIGKILL at any moment keeps every completed
turn and resumes; two sessions in one data folder never clobber each other."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import socket
import sys
import time
from pathlib import Path

import pytest

from mi_coach.cli.app import app

BAD = Path(__file__).parent / "data" / "bad"
MINI_DIR = str(Path(__file__).parent / "data" / "scenarios")
GOOD_PATH = [
    "You're worried the rent will come before the money does.",
    "Part of you is ready to call them, even though the hold music drives you mad.",
    "Calling before your shift is a plan that fits your day.",
]


@pytest.mark.parametrize("path", sorted(BAD.glob("*.yml")), ids=lambda p: p.name)
def test_hostile_yaml_files(runner, path):
    r = runner.invoke(app, ["validate", str(path), "--no-examples"])
    assert r.exit_code == 1
    problems = [line for line in r.output.splitlines() if line.startswith("✗")]
    assert problems and all(str(path) in p for p in problems), r.output
    assert "Traceback" not in r.output
    # the same file where a scenario is expected
    r = runner.invoke(app, ["scenarios", "show", str(path)])
    assert r.exit_code == 2 and str(path) in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1


@pytest.mark.parametrize("name", ["hand-edited-transcript.json", "foreign.json", "binary.yml"])
def test_hostile_transcripts(runner, name):
    for args in (
        ["review"],
        ["export", "--to", "html"],
        ["annotate", "--turn", "1", "--code", "affirm"],
    ):
        cmd = [args[0], str(BAD / name), *args[1:]]
        r = runner.invoke(app, cmd)
        assert r.exit_code in (1, 2), (cmd, r.output)
        assert name in r.output and "Traceback" not in r.output


def test_huge_file(runner, tmp_path):
    f = tmp_path / "huge.yml"
    f.write_text("states:\n" + "  # padding\n" * 600_000)
    r = runner.invoke(app, ["validate", str(f)])
    assert r.exit_code == 1 and "too large" in r.output


def test_transcript_ids_cannot_leave_their_folder(tmp_path):
    from mi_coach.base.errors import MiCoachError
    from mi_coach.practice.transcript import load

    with pytest.raises(MiCoachError, match="id"):
        load(BAD / "hand-edited-transcript.json")  # its id is "../../etc/passwd"


def test_new_refuses_paths_as_names(runner, tmp_path):
    r = runner.invoke(app, ["new", "scenario", "../escape"])
    assert r.exit_code == 2 and "not a valid id" in r.output


HOSTILE = [
    "\x1b[31mred\x1b[0m and \x1b]0;title\x07 you're worried",
    "bell\x07 backspace\x08 null-ish \x7f carriage\rreturn",
    "you're scared 😟 and tired 🫠",
    "an 8-bit CSI \x9b31m and next line \x85 you want out",
    "אתה מרגיש עייף — you feel tired \u202etxet desrever\u202c",
    "you " + "really " * 700 + "want this",  # a 5 KB paste
]
PASTE_100KB = "you " + "really " * 15_000 + "want this"


def test_hostile_typing_never_reaches_the_terminal_or_exports_raw(runner, tmp_path):
    r = runner.invoke(
        app,
        [
            "practice",
            "mini-benefits",
            "--scenarios",
            MINI_DIR,
            "--data-dir",
            str(tmp_path),
            "--seed",
            "1",
        ],
        input="\n".join([*HOSTILE, PASTE_100KB]) + "\n",
    )
    assert r.exit_code == 0, r.output[-2000:]
    # the 100 KB paste is refused with a reason, the session goes on
    assert "Not sent: a response is limited to 5,000 characters; this one has 105,013" in r.output
    assert "\x1b" not in r.output and "\x07" not in r.output and "\x08" not in r.output
    assert "\x9b" not in r.output and "\x85" not in r.output
    assert "😟" in r.output and "אתה" in r.output
    [path] = list((tmp_path / "transcripts").glob("*.json"))
    t = json.loads(path.read_text())
    assert len(t["turns"]) == len(HOSTILE)
    assert t["turns"][0]["response"] == HOSTILE[0]  # kept as typed, in the JSON
    assert t["turns"][3]["response"] == HOSTILE[3] and t["turns"][4]["response"] == HOSTILE[4]
    assert not RAW_IN_JSON.search(path.read_text())  # escaped in the file: \u009b, \u202e
    for fmt in ("md", "html", "csv", "json"):
        out = runner.invoke(app, ["export", str(path), "--to", fmt])
        assert out.exit_code == 0
        assert "\x1b" not in out.output and "\x07" not in out.output, fmt
        assert "\x9b" not in out.output and "\x85" not in out.output, fmt
    assert not RAW_IN_JSON.search(out.output)
    assert json.loads(out.output)["turns"][3]["response"] == HOSTILE[3]


RAW_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_classify_json_escapes_what_a_terminal_would_act_on(runner, fmt):
    text = HOSTILE[3] + " " + HOSTILE[4][:60]
    r = runner.invoke(app, ["classify", text, "--format", fmt])
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.output and not RAW_IN_JSON.search(r.output)
    assert json.loads(r.output)["text"] == text


def test_no_network_connection_is_attempted(runner, tmp_path, monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    r = runner.invoke(app, ["classify", "You should call them today."])
    assert r.exit_code == 0
    r = runner.invoke(
        app,
        ["practice", "mini-benefits", "--scenarios", MINI_DIR, "--data-dir", str(tmp_path)],
        input="\n".join(GOOD_PATH) + "\n",
    )
    assert r.exit_code == 0
    [path] = list((tmp_path / "transcripts").glob("*.json"))
    assert runner.invoke(app, ["review", str(path)]).exit_code == 0
    r = runner.invoke(app, ["export", str(path), "--to", "html", "--redact"])
    assert r.exit_code == 0
    assert attempts == []


def _spawn(data, *args):
    pexpect = pytest.importorskip("pexpect")
    env = dict(os.environ, COLUMNS="160", NO_COLOR="1", TERM="dumb")
    return pexpect.spawn(
        sys.executable,
        ["-m", "mi_coach", "practice", "--scenarios", MINI_DIR, "--data-dir", str(data), *args],
        env=env,
        encoding="utf-8",
        timeout=90,
    )


def test_kill_9_at_random_moments_loses_no_completed_turn(tmp_path):
    """20 sessions killed with SIGKILL at a random turn and moment: each transcript on disk is
    whole, holds every turn whose feedback was shown, and --resume continues from it."""
    rng = random.Random(20261123)
    for i in range(20):
        data = tmp_path / f"run{i}"
        child = _spawn(data, "mini-benefits", "--seed", str(i))
        shown = 0
        k = rng.randrange(0, 3)  # turns to complete before the kill
        for n in range(k + 1):
            child.expect("you> ")
            child.sendline(GOOD_PATH[n] if n < k else "Okay, and how are things otherwise?")
            if n < k:
                child.expect("rapport")  # the feedback for this turn was shown
                shown += 1
        time.sleep(rng.uniform(0, 0.05))  # the kill lands anywhere in the last turn
        os.kill(child.pid, signal.SIGKILL)
        child.close(force=True)
        files = list((data / "transcripts").glob("*.json"))
        assert len(files) == 1, files
        saved = json.loads(files[0].read_text())  # never half written
        assert shown <= len(saved["turns"]) <= shown + 1
        assert [t["response"] for t in saved["turns"][:shown]] == GOOD_PATH[:shown]
        if i % 5 == 0:  # resume continues from the journal
            child = _spawn(data, "--resume")
            child.expect("Resuming")
            child.expect("you> ")
            child.sendline("/quit")
            child.expect("Paused")
            child.close()
            again = json.loads(files[0].read_text())
            assert again["turns"] == saved["turns"] and again["id"] == saved["id"]


def test_two_sessions_in_one_folder_do_not_clobber(tmp_path):
    a = _spawn(tmp_path, "mini-benefits", "--seed", "1", "--trainee", "A")
    b = _spawn(tmp_path, "mini-benefits", "--seed", "2", "--trainee", "B")
    for child in (a, b):
        child.expect("you> ")
    for n in range(2):
        for child, text in ((a, GOOD_PATH[n]), (b, "Okay.")):
            child.sendline(text)
            child.expect("you> ")
    for child in (a, b):
        child.sendline("/quit")
        child.expect("Paused")
        child.close()
    saved = {
        json.loads(p.read_text())["trainee"]: json.loads(p.read_text())
        for p in (tmp_path / "transcripts").glob("*.json")
    }
    assert set(saved) == {"A", "B"}
    assert [t["response"] for t in saved["A"]["turns"]] == GOOD_PATH[:2]
    assert [t["response"] for t in saved["B"]["turns"]] == ["Okay.", "Okay."]
