"""Supervisor tools: import of real sessions, review (one, several, --recode, json), annotate with
overrides that summaries use, agreement and kappa, progress over time, and damaged files skipped
by name with a failing exit code."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from mi_coach.base.errors import MiCoachError
from mi_coach.cli.app import app
from mi_coach.review.importer import parse
from mi_coach.review.review import kappa

SESSION = """Counselor: Hi Maria, thanks for coming in today.
Client: I almost didn't come. My landlord called again this morning.
Counselor: What has the landlord been saying?
Client: That he'll file if I'm late again. I don't know what to do about the rent.
Counselor: You should just ask your sister for the money.
Client: You don't know my sister.
She always brings it up later.
CM: Asking her comes with a cost for you.
Client: It does. Maybe I could call the rent bank instead.
Counselor: Would it be okay if I shared what the rent bank usually needs?
"""
MINI_DIR = str(Path(__file__).parent / "data" / "scenarios")


@pytest.fixture()
def session_txt(tmp_path):
    f = tmp_path / "maria.txt"
    f.write_text(SESSION)
    return f


def test_parse_speakers_and_continuations(session_txt):
    u = parse(session_txt)
    assert [x.speaker for x in u] == ["counsellor", "client"] * 4 + ["counsellor"]
    assert u[5].text == "You don't know my sister. She always brings it up later."
    assert u[6].text == "Asking her comes with a cost for you."  # CM: is a counsellor label


def test_parse_errors_name_file_and_line(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("Counselor: hi\nDoctor: hello\n")
    with pytest.raises(MiCoachError, match=r"x.txt:2: speaker: unknown speaker 'Doctor'"):
        parse(f)
    assert [x.speaker for x in parse(f, counsellor=["doctor"])] == ["counsellor"]
    f.write_text("who,what\na,b\n")
    f = f.rename(tmp_path / "x.csv")
    with pytest.raises(MiCoachError, match="needs the columns speaker,text"):
        parse(f)


def test_csv_import(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text(
        'speaker,text\nClient,"I missed the bus, again."\nInterviewer,'
        '"Getting here is a real struggle for you."\n'
    )
    u = parse(f)
    assert [(x.speaker, x.text) for x in u] == [
        ("client", "I missed the bus, again."),
        ("counsellor", "Getting here is a real struggle for you."),
    ]


def test_import_command_classifies_with_client_context(runner, session_txt):
    r = runner.invoke(app, ["import", str(session_txt), "--trainee", "Lee"])
    assert r.exit_code == 0, r.output
    out = session_txt.with_suffix(".json")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    t = json.loads(out.read_text())
    assert t["kind"] == "imported" and t["trainee"] == "Lee" and len(t["turns"]) == 5
    codes = [x["code"] for x in t["turns"]]
    assert codes[2] == "righting_reflex" and codes[1] == "open_question"
    assert codes[4] == "seek_collaboration"
    assert t["turns"][3]["client"]["text"].startswith("You don't know my sister")
    assert t["turns"][0]["client"] is None  # nothing before the first counsellor turn


def test_review_one_and_json_keys(runner, session_txt):
    r = runner.invoke(app, ["review", str(session_txt)])  # imported on the fly
    assert r.exit_code == 0, r.output
    assert "You should just ask your sister" in r.output and "righting_reflex" in r.output
    assert "MITI summary" in r.output and "Cultural humility" in r.output
    r = runner.invoke(app, ["review", str(session_txt), "--format", "json"])
    data = json.loads(r.output)
    [t] = data["transcripts"]
    for key in (
        "reflections",
        "questions",
        "reflection_to_question_ratio",
        "percent_complex_reflections",
        "percent_open_questions",
        "mi_adherent",
        "mi_non_adherent",
        "counts",
        "rubrics",
    ):
        assert key in t
    assert t["mi_non_adherent"] == 1 and t["questions"] == 1
    assert t["counts"]["righting_reflex"] == 1 and set(t["rubrics"]) >= {"mi", "trauma_informed"}


def test_annotate_override_is_used_and_machine_code_kept(runner, session_txt):
    runner.invoke(app, ["import", str(session_txt)])
    f = str(session_txt.with_suffix(".json"))
    r = runner.invoke(
        app,
        [
            "annotate",
            f,
            "--turn",
            "3",
            "--code",
            "persuade_with_permission",
            "--comment",
            "She had asked for ideas earlier",
            "--by",
            "Jo",
        ],
    )
    assert r.exit_code == 0, r.output
    t = json.loads(Path(f).read_text())
    assert t["turns"][2]["code"] == "righting_reflex"  # the machine's code is kept
    assert t["turns"][2]["annotation"]["code"] == "persuade_with_permission"
    data = json.loads(runner.invoke(app, ["review", f, "--format", "json"]).output)
    assert data["transcripts"][0]["mi_non_adherent"] == 0  # summaries use the override
    assert data["agreement"]["turns"] == 1 and data["agreement"]["percent_agreement"] == 0.0
    out = runner.invoke(app, ["review", f]).output
    assert "supervisor; machine: righting_reflex" in out and "She had asked for ideas" in out
    r = runner.invoke(app, ["annotate", f, "--turn", "9", "--code", "affirm"])
    assert r.exit_code == 2 and "no turn 9" in r.output
    r = runner.invoke(app, ["annotate", f, "--turn", "1", "--code", "praise"])
    assert r.exit_code == 2 and "unknown code 'praise'" in r.output
    r = runner.invoke(app, ["annotate", f, "--turn", "3", "--clear"])
    assert json.loads(Path(f).read_text())["turns"][2]["annotation"] is None


def test_kappa():
    assert kappa([("a", "a"), ("b", "b")]) == 1.0
    assert kappa([("a", "b"), ("b", "a")]) == -1.0
    # 3 of 4 agree; p_e = .5*.5 + .5*.5 = .5 -> (0.75 - 0.5) / 0.5
    assert kappa([("a", "a"), ("a", "a"), ("b", "b"), ("b", "a")]) == pytest.approx(
        (0.75 - (0.5 * 0.75 + 0.5 * 0.25)) / (1 - (0.5 * 0.75 + 0.5 * 0.25))
    )
    assert kappa([]) is None


def test_several_files_damaged_one_skipped(runner, session_txt, tmp_path):
    runner.invoke(app, ["import", str(session_txt)])
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "mi-coach/transcript", "version": 1, "turns": "oops"}')
    r = runner.invoke(
        app,
        ["review", str(session_txt.with_suffix(".json")), str(session_txt), str(bad), "--recode"],
    )
    assert r.exit_code == 1
    assert "2 sessions" in r.output and "skipped" in r.output and "bad.json" in r.output
    assert "Re-coded with the current rules" in r.output


def test_progress(runner, tmp_path):
    good = "\n".join(
        [
            "You're worried the rent will come before the money does.",
            "Part of you is ready to call them, even though the hold music drives you mad.",
            "Calling before your shift is a plan that fits your day.",
        ]
    )
    poor = "You should have called them weeks ago.\nYou need to listen.\nOkay.\n"
    for text in (poor, poor, good, good):
        r = runner.invoke(
            app,
            [
                "practice",
                "mini-benefits",
                "--scenarios",
                MINI_DIR,
                "--data-dir",
                str(tmp_path),
                "--trainee",
                "Ana",
            ],
            input=text,
        )
        assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["progress", "--data-dir", str(tmp_path), "--trainee", "ana"])
    assert r.exit_code == 0, r.output
    assert r.output.count("mini-benefits") == 4 and "trend" in r.output
    assert "Improved:" in r.output and "non-adh" in r.output
    r = runner.invoke(app, ["progress", "--data-dir", str(tmp_path), "--trainee", "nobody"])
    assert "No finished practice sessions" in r.output
