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
    assert "Scorecard so far" in r.output  # /quit shows how the practised turns went
    [t] = transcripts(tmp_path)
    assert t["status"] == "in_progress" and len(t["turns"]) == 1
    assert t.get("scores") is None  # the card of an open session is shown, not stored
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
    # what was practised is scored, as far as it went (its first lines, and where the whole card
    # is: a file of one response per run must not bury each turn); not stored until the end
    assert "Scorecard so far" in r.output and "outcome: unfinished" in r.output
    assert "The whole card so far: mi-coach review" in r.output and "MITI summary" not in r.output
    assert t["scores"] is None and t["finished"] is None


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


def test_case_file_and_glossary_during_a_session(runner, tmp_path):
    r = practice(runner, tmp_path, "mini-benefits", input="/file\n/help\n/quit\n")
    assert r.exit_code == 0, r.output
    assert "Case file" in r.output and "Benefits application" in r.output
    assert "four to eight weeks" in r.output  # the document, not only the persona
    assert "Works part-time at a warehouse" in r.output
    assert "The words the feedback uses" in r.output
    assert "complex reflection" in r.output and "MITI" in r.output and "righting reflex" in r.output
    [t] = transcripts(tmp_path)
    assert t["turns"] == []  # commands never use up a turn


def test_a_bare_command_word_is_not_sent_as_a_response(runner, tmp_path):
    r = practice(runner, tmp_path, "mini-benefits", input="hint\nhelp?\n/quit\n")
    assert r.exit_code == 0, r.output
    assert "\u201chint\u201d taken as the command /hint" in r.output
    assert "hint:" in r.output and "/undo" in r.output
    [t] = transcripts(tmp_path)
    assert t["turns"] == []


def test_assessment_mode_does_not_offer_hints(runner, tmp_path):
    r = practice(runner, tmp_path, "mini-benefits", "--feedback", "end", input="/help\n/quit\n")
    banner, _, rest = r.output.partition("rapport")
    assert "/file" in banner and "/hint" not in banner
    assert "/hint" not in rest.split("Paused")[0]


def test_feedback_shows_why_rapport_moved_and_the_reaction(runner, tmp_path):
    r = practice(runner, tmp_path, "mini-benefits", input=GOOD_PATH[0] + "\n/quit\n")
    assert "+2 Complex reflection" in r.output
    [t] = transcripts(tmp_path)
    turn = t["turns"][0]
    assert turn["reasons"] == [{"kind": "code", "delta": 2, "text": "Complex reflection"}]
    assert turn["reaction"] and turn["reaction"] in r.output
    assert t["difficulty"] == "standard"


def test_difficulty_is_shown_and_recorded(runner, tmp_path):
    r = practice(runner, tmp_path, "mini-benefits", "--difficulty", "gentle", input="/quit\n")
    assert "difficulty gentle" in r.output
    [t] = transcripts(tmp_path)
    assert t["difficulty"] == "gentle"
    r = runner.invoke(app, ["scenarios", "--scenarios", MINI_DIR])
    assert "level" in r.output and "--difficulty gentle|standard|hard" in r.output


def test_resume_shows_the_last_two_turns(runner, tmp_path):
    r = practice(
        runner,
        tmp_path,
        "mini-benefits",
        input="Okay.\nLet me grab a pen.\nSorry, my phone keeps buzzing.\n/quit\n",
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app,
        ["practice", "--resume", "--data-dir", str(tmp_path), "--scenarios", MINI_DIR],
        input="",
    )
    recap, _, after = r.output.partition("turn 4/8")
    assert "Let me grab a pen." in recap and "Sorry, my phone keeps buzzing." in recap
    assert "you> Okay." not in recap  # only the last two


def test_the_trainee_name_is_remembered(runner, tmp_path, monkeypatch):
    config = tmp_path / "config"
    monkeypatch.setenv("MI_COACH_CONFIG", str(config))
    practice(runner, tmp_path, "mini-benefits", "--trainee", "Ana", input="/quit\n")
    profile = config / "profile.json"
    assert json.loads(profile.read_text()) == {"trainee": "Ana"}
    assert oct(profile.stat().st_mode & 0o777) == "0o600"
    r = practice(runner, tmp_path, "mini-benefits", input="/quit\n")
    assert "Trainee" in r.output and "Ana" in r.output
    assert [t["trainee"] for t in transcripts(tmp_path)] == ["Ana", "Ana"]


def test_the_first_line_does_not_wait_for_the_classifier(runner, tmp_path, monkeypatch):
    import threading

    from mi_coach.cli import app as app_module
    from mi_coach.cli import view_practice

    shown = threading.Event()
    seen = {}
    real_build, real_says = app_module._build_classifier, view_practice.client_says

    def slow_build(model):
        seen["line first"] = shown.wait(30)  # the pipeline is still "loading" ...
        return real_build(model)

    def says(*args, **kwargs):
        real_says(*args, **kwargs)
        shown.set()  # ... when the client's first line is printed

    monkeypatch.setattr(app_module, "_build_classifier", slow_build)
    monkeypatch.setattr(view_practice, "client_says", says)
    r = practice(runner, tmp_path, "mini-benefits", input=GOOD_PATH[0] + "\n/quit\n")
    assert r.exit_code == 0, r.output
    assert seen == {"line first": True}
    assert "Complex reflection" in r.output  # the response waited for the rest, then was coded
