"""End to end through a real pseudo-terminal: the prompt, feedback, Ctrl-C keeping every completed
turn, and --resume finishing the same session."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

MINI_DIR = str(Path(__file__).parent / "data" / "scenarios")


def _mi(*args, data):
    """`mi-coach ARGS` in a real pseudo-terminal, its data folder in `data`."""
    env = dict(os.environ, COLUMNS="160", NO_COLOR="1", TERM="dumb", MI_COACH_DATA=str(data))
    env["MI_COACH_CONFIG"] = str(data / "config")  # never the user's own profile
    return pexpect.spawn(
        sys.executable, ["-m", "mi_coach", *args], env=env, encoding="utf-8", timeout=90
    )


def spawn(*args, data):
    return _mi("practice", "--scenarios", MINI_DIR, "--data-dir", str(data), *args, data=data)


def test_ctrl_c_keeps_completed_turns_and_resume_finishes(tmp_path):
    child = spawn("mini-benefits", "--seed", "4", "--trainee", "Pat", data=tmp_path)
    child.expect("Sam:")
    child.expect("you> ")
    child.sendline("/help")
    child.expect("/undo")
    child.expect("you> ")
    child.sendline("You're worried the rent will come before the money does.")
    child.expect("Complex reflection")
    child.expect("Sam thought")
    child.expect("you> ")
    child.sendintr()  # Ctrl-C at the prompt
    child.expect("Interrupted")
    child.expect("mi-coach practice --resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    [path] = list((tmp_path / "transcripts").glob("*.json"))
    saved = json.loads(path.read_text())
    assert saved["status"] == "in_progress" and len(saved["turns"]) == 1
    assert oct(path.stat().st_mode & 0o777) == "0o600"

    child = spawn("--resume", data=tmp_path)
    child.expect("Resuming")
    child.expect("turn 2/8")
    child.expect("you> ")
    child.sendline("Part of you is ready to call them, even though the hold music drives you mad.")
    child.expect("you> ")
    child.sendline("Calling before your shift is a plan that fits your day.")
    child.expect("The client named a next step")
    child.expect("Scorecard")
    child.expect("Transcript saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    saved = json.loads(path.read_text())
    assert saved["status"] == "success" and len(saved["turns"]) == 3 and saved["trainee"] == "Pat"


def test_ctrl_d_pauses(tmp_path):
    child = spawn("mini-benefits", data=tmp_path)
    child.expect("you> ")
    child.sendeof()
    child.expect("Paused")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_a_bare_command_word_is_asked_about(tmp_path):
    child = spawn("mini-benefits", "--seed", "1", data=tmp_path)
    child.expect("you> ")
    child.sendline("hint")
    child.expect(r"Did you mean the command /hint\? \(y/n\) ")
    child.sendline("y")
    child.expect("hint:")
    child.expect("you> ")
    child.sendline("help")
    child.expect(r"Did you mean the command /help\? \(y/n\) ")
    child.sendline("n")  # then it is a response after all
    child.expect("Code")
    child.expect("you> ")
    child.sendline("/quit")
    child.expect(pexpect.EOF)
    [path] = list((tmp_path / "transcripts").glob("*.json"))
    assert [t["response"] for t in json.loads(path.read_text())["turns"]] == ["help"]


def test_menu_when_no_scenario_is_named(tmp_path):
    child = spawn("--difficulty", "gentle", data=tmp_path)
    child.expect("Choose a client")
    child.expect("level")
    child.expect("This session: gentle")
    child.expect("scenario number or id> ")
    child.sendline("mini-benefits")
    child.expect("Practice: Sam")
    child.expect("you> ")
    child.sendline("/quit")
    child.expect("Paused")
    child.expect(pexpect.EOF)


def test_ctrl_c_at_the_menu(tmp_path):
    child = spawn(data=tmp_path)
    child.expect("scenario number or id> ")
    child.sendintr()
    child.expect("interrupted")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_ctrl_c_in_a_drill_keeps_the_answers(tmp_path):
    content = str(Path(__file__).parent / "data" / "content")
    child = _mi(
        "--content",
        content,
        "drill",
        "--bank",
        "mini-drills",
        "--count",
        "3",
        "--seed",
        "1",
        "--out",
        str(tmp_path),
        data=tmp_path,
    )
    child.expect("answer> ")
    child.sendline("What do the kids notice?")
    child.expect("hit|miss")
    child.expect("answer> ")
    child.sendintr()
    child.expect("Results saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    [f] = list(tmp_path.glob("*.json"))
    assert len(json.loads(f.read_text())["answers"]) == 1


def test_interactive_annotation_and_ctrl_c(tmp_path):
    session = tmp_path / "s.txt"
    session.write_text(
        "Client: I missed the bus again.\nCounselor: You should get up earlier.\n"
        "Client: I work nights.\nCounselor: Nights make mornings hard.\n"
    )
    out = tmp_path / "s.json"
    child = _mi("import", str(session), "-o", str(out), data=tmp_path)
    child.expect(pexpect.EOF)
    child = _mi("annotate", str(out), "--by", "Jo", data=tmp_path)
    child.expect("code .*> ")
    child.sendline("?")
    child.expect("judgment")
    child.expect("code .*> ")
    child.sendline("judgment")
    child.expect("comment .*> ")
    child.sendline("Blaming, not advice")
    child.expect("code .*> ")
    child.sendintr()  # stop at the second turn: the first annotation is kept
    child.expect("Saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    turns = json.loads(out.read_text())["turns"]
    assert turns[0]["annotation"]["code"] == "judgment"
    assert turns[0]["annotation"]["comment"] == "Blaming, not advice"
    assert turns[0]["annotation"]["by"] == "Jo" and turns[1]["annotation"] is None
