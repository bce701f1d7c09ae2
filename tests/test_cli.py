"""The commands, driven through typer's CliRunner and, where start-up matters, a real process."""

from __future__ import annotations

import json
import subprocess
import sys

from mi_coach.cli.app import app

WIRE_KEYS = {
    "text",
    "code",
    "family",
    "codes",
    "evidence",
    "confidence",
    "runner_up",
    "decided_by",
    "arbiter",
}
TWELVE = {
    "simple_reflection",
    "complex_reflection",
    "open_question",
    "closed_question",
    "affirm",
    "emphasize_autonomy",
    "seek_collaboration",
    "giving_information",
    "persuade_with_permission",
    "righting_reflex",
    "judgment",
    "other",
}


def test_classify_panel_names_code_family_trigger_feedback_alternative(runner):
    result = runner.invoke(app, ["classify", "You should call them today."])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Righting reflex" in out and "righting_reflex" in out and "mi-non-adherent" in out
    assert "“You should”" in out
    assert "Feedback" in out and "Try instead" in out and "Would it be okay" in out


def test_classify_uses_the_client_statement(runner):
    args = ["classify", "You're scared they'll take the kids.", "--format", "json"]
    same = json.loads(
        runner.invoke(app, args + ["--client", "I'm scared they'll take the kids."]).stdout
    )
    new = json.loads(runner.invoke(app, args + ["--client", "CPS called again."]).stdout)
    assert same["code"] == "simple_reflection"
    assert new["code"] == "complex_reflection"


def test_explain_lists_every_rule_that_fired(runner):
    result = runner.invoke(
        app,
        ["classify", "it sounds like ur exhausted", "--explain", "--client", "I was up at four."],
    )
    assert result.exit_code == 0
    assert "Every rule that fired" in result.output
    assert "reflections.feeling_added" in result.output
    assert "reflections.reflective_cue" in result.output


def test_jsonl_is_one_object_per_input_line_in_order(runner, tmp_path):
    lines = [
        "You should call them today.",
        "",
        '{"text": "You\'re scared.", "client": "I am scared."}',
        "what happened after that",
        "{not json at all}",
        "Thanks for waiting.",
    ]
    f = tmp_path / "in.txt"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["classify", "--input", str(f), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert len(out) == len(lines)
    records = [json.loads(line) for line in out]
    for rec in records:
        assert set(rec) == WIRE_KEYS
        assert rec["code"] in TWELVE and set(rec["codes"]) <= TWELVE
        for ev in rec["evidence"]:
            assert set(ev) == {"rule", "code", "start", "end", "match"}
            assert rec["text"][ev["start"] : ev["end"]] == ev["match"]
    assert [r["text"] for r in records] == [
        "You should call them today.",
        "",
        "You're scared.",
        "what happened after that",
        "{not json at all}",
        "Thanks for waiting.",
    ]
    assert records[0]["code"] == "righting_reflex"
    assert records[1]["code"] == "other" and records[1]["codes"] == ["other"]
    assert records[2]["code"] == "simple_reflection"  # the client said "scared" first
    assert records[3]["code"] == "open_question"


def test_input_from_stdin(runner):
    result = runner.invoke(
        app,
        ["classify", "--input", "-", "--format", "jsonl"],
        input="Have you tried AA?\nWhat matters most to you?\n",
    )
    assert result.exit_code == 0
    codes = [json.loads(line)["code"] for line in result.stdout.splitlines()]
    assert codes == ["righting_reflex", "open_question"]


def test_table_format_for_many(runner, tmp_path):
    f = tmp_path / "in.txt"
    f.write_text("You should call them today.\nWhat happened?\n", encoding="utf-8")
    result = runner.invoke(app, ["classify", "--input", str(f)])
    assert result.exit_code == 0
    assert "righting_reflex" in result.output and "open_question" in result.output


def test_non_utf8_input_is_a_one_line_error_exit_2(runner, tmp_path):
    f = tmp_path / "latin1.txt"
    f.write_bytes("Caf\xe9 tomorrow\n".encode("latin-1"))
    result = runner.invoke(app, ["classify", "--input", str(f)])
    assert result.exit_code == 2
    assert "not UTF-8" in result.output and str(f) in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_missing_input_file_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(app, ["classify", "--input", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_text_and_input_together_is_an_error(runner, tmp_path):
    result = runner.invoke(app, ["classify", "hello", "--input", "-"])
    assert result.exit_code == 2
    assert "not both" in result.output


def test_eval_jsonl_and_csv(runner, tmp_path):
    data = [
        {"text": "You should call them.", "client": "I missed it.", "label": "righting_reflex"},
        {"text": "What happened?", "client": "", "label": "open_question"},
        {"text": "Did you call?", "client": "", "label": "closed_question"},
        {"text": "Mm-hmm.", "client": "", "label": "affirm"},
    ]
    f = tmp_path / "gold.jsonl"
    f.write_text("\n".join(json.dumps(d) for d in data) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", str(f), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n"] == 4
    assert report["accuracy"] == 0.75
    assert report["confusion"]["affirm"]["other"] == 1
    assert report["per_label"]["righting_reflex"]["precision"] == 1.0
    csv_file = tmp_path / "gold.csv"
    csv_file.write_text(
        "text,client,label\nYou should call them.,,righting_reflex\n"
        '"What happened, then?",,open_question\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["eval", str(csv_file)])
    assert result.exit_code == 0, result.output
    assert "accuracy" in result.output and "1.000" in result.output


def test_eval_annomi_format_scores_families(runner, tmp_path):
    f = tmp_path / "annomi.csv"
    f.write_text(
        "id,transcript_id,mi_quality,topic,client,text,main,sub,also\n"
        "a_0,0,high,t,,What brings you in?,question,open,\n"
        "a_1,0,high,t,I drink a lot.,You drink a lot.,reflection,simple,\n"
        "a_2,0,high,t,,Did you drink today?,question,closed,\n"
        "a_3,0,high,t,,Mm-hmm.,other,,\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["eval", str(f), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["level"] == "annomi family"
    assert report["accuracy"] == 1.0
    assert report["open_closed_accuracy"] == 1.0


def test_eval_bad_label_is_a_clear_error(runner, tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"text": "hi", "label": "reflection"}\n', encoding="utf-8")
    result = runner.invoke(app, ["eval", str(f)])
    assert result.exit_code == 2
    assert "unknown label 'reflection'" in result.output


def test_eval_bad_json_names_the_line(runner, tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"text": "hi", "label": "other"}\n{"text": oops}\n', encoding="utf-8")
    result = runner.invoke(app, ["eval", str(f)])
    assert result.exit_code == 2
    assert f"{f}:2" in result.output


def test_help_and_version_never_import_spacy():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from mi_coach.cli.app import app\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0 and 'classify' in r.output, r.output\n"
        "r = CliRunner().invoke(app, ['classify', '--help'])\n"
        "assert r.exit_code == 0\n"
        "r = CliRunner().invoke(app, ['--version'])\n"
        "assert r.exit_code == 0 and 'mi-coach' in r.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc', 'rich')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_python_dash_m_works():
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "mi_coach",
            "classify",
            "Did you call the clinic?",
            "--format",
            "jsonl",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["code"] == "closed_question"
