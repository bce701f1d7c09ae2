"""`mi-coach practice` and `mi-coach scenarios` through CliRunner: scripted sessions from a file
and from piped input, the scorecard, assessment mode, /undo and /quit, resume, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

from mi_coach.cli.app import app

MINI_DIR = str(Path(__file__).parent / "data" / "scenarios")
GOOD_PATH = [
    "You're worried the rent will come before the money does.",
    "Part of you is ready to call them, even though the hold music drives you mad.",
    "Calling before your shift is a plan that fits your day.",
]


def practice(runner, tmp_path, *args, input=None):
    return runner.invoke(
        app,
        ["practice", "--scenarios", MINI_DIR, "--data-dir", str(tmp_path), "--seed", "2", *args],
        input=input,
    )


def transcripts(tmp_path):
    return [json.loads(p.read_text()) for p in sorted((tmp_path / "transcripts").glob("*.json"))]


def test_whole_session_from_a_file(runner, tmp_path):
    f = tmp_path / "responses.txt"
    f.write_text("\n".join(GOOD_PATH) + "\n")
    r = practice(runner, tmp_path, "mini-benefits", "--responses", str(f), "--trainee", "Ana")
    assert r.exit_code == 0, r.output
    out = r.output
    assert "you> You're worried the rent" in out  # responses are echoed
    assert "Complex reflection" in out and "Sam thought" in out and "rapport" in out
    assert "The client named a next step." in out
    assert "MITI summary" in out and "Reflection-to-question ratio" in out
    assert "Trauma-informed care" in out and "Best moment" in out and "Practise next" in out
    [t] = transcripts(tmp_path)
    assert t["status"] == "success" and t["trainee"] == "Ana" and len(t["turns"]) == 3
    assert list(t["scores"]["rubrics"])[0] == "mi" and t["finished"]
    assert t["rubrics"] == ["mi", "trauma_informed"]  # the scenario's rubrics are recorded
    assert t["turns"][0]["code"] == "complex_reflection"


def test_piped_standard_input_and_assessment_mode(runner, tmp_path):
    r = practice(
        runner,
        tmp_path,
        "mini-benefits",
        "--feedback",
        "end",
        input="/hint\nYou should have called them weeks ago.\n"
        "You're sick of being told what to do.\n" + "\n".join(GOOD_PATH),
    )
    assert r.exit_code == 0, r.output
    assert "Hints are off in assessment mode" in r.output
    assert "Try instead" not in r.output.split("Scorecard")[0]  # no per-turn feedback
    assert "Scorecard" in r.output and "Biggest missed chance" in r.output


def test_quit_then_resume(runner, tmp_path):
    r = practice(runner, tmp_path, "mini-benefits", input=GOOD_PATH[0] + "\n/quit\nnever read\n")
    assert r.exit_code == 0, r.output
    assert "Paused" in r.output and "mi-coach practice --resume" in r.output
    [t] = transcripts(tmp_path)
    assert t["status"] == "in_progress" and len(t["turns"]) == 1
    r = runner.invoke(
        app,
        ["practice", "--resume", "--data-dir", str(tmp_path), "--scenarios", MINI_DIR],
        input="\n".join(GOOD_PATH[1:]) + "\n",
    )
    assert r.exit_code == 0, r.output
    assert "Resuming" in r.output and "turn 2/8" in r.output
    [t] = transcripts(tmp_path)  # the same transcript, finished
    assert t["status"] == "success" and len(t["turns"]) == 3


def test_resume_keeps_writing_to_a_renamed_transcript(runner, tmp_path):
    practice(runner, tmp_path, "mini-benefits", input=GOOD_PATH[0] + "\n/quit\n")
    [old] = (tmp_path / "transcripts").glob("*.json")
    renamed = old.with_name("tuesday-practice.json")
    old.rename(renamed)
    r = runner.invoke(
        app,
        ["practice", "--resume", "--data-dir", str(tmp_path), "--scenarios", MINI_DIR],
        input="\n".join(GOOD_PATH[1:]) + "\n",
    )
    assert r.exit_code == 0, r.output
    assert [p.name for p in (tmp_path / "transcripts").glob("*.json")] == [renamed.name]
    t = json.loads(renamed.read_text())
    assert t["status"] == "success" and len(t["turns"]) == 3


def test_end_of_input_keeps_the_session_resumable(runner, tmp_path):
    r = practice(runner, tmp_path, "mini-benefits", input="Okay.\n")
    assert r.exit_code == 0
    assert "Out of responses" in r.output
    [t] = transcripts(tmp_path)
    assert t["status"] == "in_progress" and len(t["turns"]) == 1


def test_undo_in_a_script(runner, tmp_path):
    r = practice(
        runner,
        tmp_path,
        "mini-benefits",
        input="You should have called them weeks ago.\n/undo\n/undo\n" + GOOD_PATH[0] + "\n",
    )
    assert "Took back turn 1" in r.output and "Nothing to undo yet." in r.output
    [t] = transcripts(tmp_path)
    assert [x["response"] for x in t["turns"]] == [GOOD_PATH[0]]


def test_errors_are_one_line(runner, tmp_path):
    r = practice(runner, tmp_path, "no-such-client", input="")
    assert r.exit_code == 2 and "no scenario 'no-such-client'" in r.output
    r = practice(runner, tmp_path, input="")
    assert r.exit_code == 2 and "name a scenario" in r.output
    r = runner.invoke(
        app, ["practice", "--resume", "--data-dir", str(tmp_path / "empty")], input=""
    )
    assert r.exit_code == 2 and "no unfinished session" in r.output
    r = practice(runner, tmp_path, "mini-benefits", "--responses", str(tmp_path / "missing.txt"))
    assert r.exit_code == 2 and "no such file" in r.output
    assert "Traceback" not in r.output


def test_scenarios_list_and_show(runner):
    r = runner.invoke(app, ["scenarios", "--scenarios", MINI_DIR])
    assert r.exit_code == 0 and "mini-benefits" in r.output
    r = runner.invoke(app, ["scenarios", "show", "mini-benefits", "--scenarios", MINI_DIR])
    assert r.exit_code == 0, r.output
    assert "Content notes" in r.output and "money worries" in r.output and "6 states" in r.output
    r = runner.invoke(app, ["scenarios", "show", "nope"])
    assert r.exit_code == 2 and "no scenario 'nope'" in r.output
