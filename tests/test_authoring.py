"""Authoring tools: validate (every problem at once, with file, line and field; graph and example
checks; exit codes), new (templates that validate), schema (JSON Schema), rules (docs/rules.md in
sync), and a trainer's --content folder beside the built-ins."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mi_coach.authoring.templates import rules_markdown
from mi_coach.cli.app import app
from mi_coach.coding.ruleset import load_ruleset

ROOT = Path(__file__).parent.parent
MINI = Path(__file__).parent / "data" / "scenarios" / "mini.yml"


@pytest.mark.parametrize("kind", ["scenario", "rubric", "drill"])
def test_new_writes_a_template_that_validates(runner, tmp_path, kind):
    out = tmp_path / f"my-{kind}.yml"
    r = runner.invoke(app, ["new", kind, f"my-{kind}", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_text().startswith("#")  # commented
    r = runner.invoke(app, ["validate", str(out)])
    assert r.exit_code == 0, r.output
    assert "1 file(s) valid" in r.output
    r = runner.invoke(app, ["new", kind, f"my-{kind}", "-o", str(out)])
    assert r.exit_code == 2 and "already exists" in r.output
    r = runner.invoke(app, ["new", kind, "Bad Name"])
    assert r.exit_code == 2 and "not a valid id" in r.output


def test_validate_reports_every_problem_at_once(runner, tmp_path):
    text = MINI.read_text()
    text = text.replace("difficulty: beginner", "difficulty: easy")
    text = text.replace("talk: sustain", "talk: grumpy", 1)
    text = text.replace("age: 41", "age: old")
    f = tmp_path / "s.yml"
    f.write_text(text)
    r = runner.invoke(app, ["validate", str(f), "--no-examples"])
    assert r.exit_code == 1
    lines = [line for line in r.output.splitlines() if line.startswith("✗")]
    assert len(lines) == 3, r.output
    assert any(":6: difficulty:" in line for line in lines)
    assert any("persona.age:" in line for line in lines)
    assert any("states.opening.lines.0.talk:" in line for line in lines)


def test_validate_graph_problems(runner, tmp_path):
    text = MINI.read_text()
    # the plan state can no longer reach an ending; a transition goes nowhere; an unknown code
    text = text.replace("        to: next_step\n", "        to: plan\n")
    text = text.replace(
        "        to: walks_out\n        rapport: -3\n",
        "        to: walked_off\n        rapport: -3\n",
    )
    text = text.replace("{family: [reflection, question]}", "{code: [reflecton]}")
    f = tmp_path / "g.yml"
    f.write_text(text)
    out = runner.invoke(app, ["validate", str(f), "--no-examples"]).output
    assert "no state 'walked_off'" in out and "unknown code 'reflecton'" in out
    text = text.replace("to: walked_off", "to: walks_out").replace(
        "{code: [reflecton]}", "{family: [reflection]}"
    )
    text = text.replace(
        'to: defensive\n        example: "You need to call today',
        'to: plan\n        example: "You need to call today',
    )
    f.write_text(text)
    out = runner.invoke(app, ["validate", str(f), "--no-examples"]).output
    assert "no way out" in out and "plan" in out
    assert "next_step" in out  # no transition leads to it any more


def test_validate_runs_examples(runner, tmp_path):
    f = tmp_path / "e.yml"
    f.write_text(
        MINI.read_text().replace(
            'example: "You should have called them weeks ago."',
            'example: "What would help this week?"',
        )
    )
    r = runner.invoke(app, ["validate", str(f)])
    assert r.exit_code == 1
    assert "states.opening.transitions.0.example" in r.output and "open_question" in r.output


def test_validate_other_kinds_and_unknown_files(runner, tmp_path):
    (tmp_path / "what.yml").write_text("hello: world\n")
    (tmp_path / "bad.yml").write_text("rules:\n  x: {kind: regex, code: nonsense}\n")
    r = runner.invoke(app, ["validate", str(tmp_path), str(ROOT / "rubrics")])
    assert r.exit_code == 1
    assert "cannot tell what this file is" in r.output
    assert "bad.yml:2: rules.x" in r.output
    assert "mi.yml (rubric)" in r.output


def test_builtin_content_validates(runner):
    r = runner.invoke(
        app,
        [
            "validate",
            str(ROOT / "rubrics"),
            str(ROOT / "mi_coach" / "patterns" / "rules"),
            "--no-examples",
        ],
    )
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("kind", ["scenario", "rubric", "drill", "transcript"])
def test_schema(runner, kind):
    r = runner.invoke(app, ["schema", kind])
    assert r.exit_code == 0
    schema = json.loads(r.output)
    assert schema["title"] == f"mi-coach {kind}" and schema["type"] == "object"
    assert schema["properties"]


def test_docs_rules_md_is_in_sync():
    assert (ROOT / "docs" / "rules.md").read_text() == rules_markdown(load_ruleset()), (
        "regenerate: mi-coach rules --format md > docs/rules.md"
    )


def test_content_folder_beside_builtins(runner, tmp_path):
    content = tmp_path / "trainer"
    (content / "scenarios").mkdir(parents=True)
    shutil.copy(MINI, content / "scenarios" / "mine.yml")
    r = runner.invoke(app, ["--content", str(content), "scenarios"])
    assert r.exit_code == 0 and "mini-benefits" in r.output
    shutil.copy(MINI, content / "scenarios" / "again.yml")
    r = runner.invoke(app, ["--content", str(content), "scenarios"])
    assert r.exit_code == 2
    assert "again.yml" in r.output and "mine.yml" in r.output  # both files are named
    r = runner.invoke(app, ["--content", str(tmp_path / "missing"), "scenarios"])
    assert r.exit_code == 2 and "content folder not found" in r.output


# -- issue 17: every cross-reference, schema and graph together, quotes, enums ------------------


def test_validate_finds_an_unknown_rubric_with_schema_problems_at_once(runner, tmp_path):
    text = MINI.read_text()
    assert "rubrics: [mi, trauma_informed]" in text
    text = text.replace("rubrics: [mi, trauma_informed]", "rubrics: [mi, motivational]")
    text = text.replace("difficulty: beginner", "difficulty: easy")
    text = text.replace("{family: [reflection, question]}", "{code: [reflecton]}")
    f = tmp_path / "s.yml"
    f.write_text(text)
    r = runner.invoke(app, ["validate", str(f), "--no-examples"])
    assert r.exit_code == 1
    lines = [line for line in r.output.splitlines() if line.startswith("✗")]
    assert any("rubrics.1: unknown rubric 'motivational'" in line for line in lines), r.output
    assert any("difficulty:" in line for line in lines)  # the schema problem, reported too
    assert any("unknown code 'reflecton'" in line for line in lines)  # and the reference
    assert len(lines) == 3, r.output


def test_a_rubric_validated_in_the_same_run_is_known(runner, tmp_path):
    rubric = tmp_path / "motivational.yml"
    rubric.write_text(
        (ROOT / "rubrics" / "mi.yml").read_text().replace("id: mi\n", "id: motivational\n", 1)
    )
    scenario = tmp_path / "s.yml"
    scenario.write_text(
        MINI.read_text().replace("rubrics: [mi, trauma_informed]", "rubrics: [mi, motivational]")
    )
    r = runner.invoke(app, ["validate", str(scenario), "--no-examples"])
    assert r.exit_code == 1 and "unknown rubric 'motivational'" in r.output
    r = runner.invoke(app, ["validate", str(scenario), str(rubric), "--no-examples"])
    assert r.exit_code == 0, r.output


def test_drill_skills_and_rubric_codes_are_checked_with_the_schema(runner, tmp_path):
    bank = tmp_path / "b.yml"
    bank.write_text(
        "id: b\ntitle: B\nitems:\n"
        "  - {id: a, skill: reflecting, setting: x, client: y, exemplars: [z]}\n"
        "  - {id: b, skill: open_question, setting: x, client: y}\n"
    )
    r = runner.invoke(app, ["validate", str(bank), "--no-examples"])
    assert "items.0.skill: unknown skill 'reflecting'" in r.output
    assert "items.1.exemplars: required field is missing" in r.output


def test_an_unclosed_quote_is_reported_where_it_opens(runner, tmp_path):
    f = tmp_path / "q.yml"
    f.write_text('id: x\ntitle: "Unclosed\nsummary: y\nsetting: z\nstates: {}\n')
    r = runner.invoke(app, ["validate", str(f)])
    assert r.exit_code == 1
    assert f"{f}:2: YAML error: a quoted value opens here and is never closed" in r.output


def test_schema_enums_for_codes_families_and_skills(runner):
    scenario = json.loads(runner.invoke(app, ["schema", "scenario"]).output)
    condition = scenario["$defs"]["Condition"]["properties"]
    assert "complex_reflection" in condition["code"]["items"]["enum"]
    assert "mi_non_adherent" in condition["family"]["items"]["enum"]
    assert "mi" in scenario["properties"]["rubrics"]["items"]["examples"]
    drill = json.loads(runner.invoke(app, ["schema", "drill"]).output)
    assert "open_question" in drill["$defs"]["Item"]["properties"]["skill"]["enum"]
    rubric = json.loads(runner.invoke(app, ["schema", "rubric"]).output)
    assert "reflection" in rubric["$defs"]["Select"]["properties"]["family"]["items"]["enum"]
