"""Scenarios: the built-in clients and the worked example. Every transition's example takes its
transition after every client line of its state (examples are tests); every state, a success and
a rupture are reached by driving a real session along the examples; bad files give errors that
name file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from mi_coach.base.errors import MiCoachError
from mi_coach.base.loading import builtin_dir
from mi_coach.practice.scenarios import load_all, load_scenario_file
from mi_coach.practice.session import Session, check_examples, example_path, new_transcript

DATA = Path(__file__).parent / "data" / "scenarios"
BUILTIN = sorted(builtin_dir("scenarios").glob("*.yml"))
ALL = BUILTIN + [DATA / "mini.yml"]


def test_eight_builtin_clients():
    every = load_all()
    assert len([s for s in every.values() if s.builtin]) >= 8


@pytest.mark.parametrize("path", BUILTIN, ids=[p.stem for p in BUILTIN])
def test_builtin_scenario_shape(path):
    s = load_scenario_file(path).scenario
    assert len(s.states) >= 12
    assert s.endings("success") and s.endings("rupture")
    assert s.content_notes, "built-in clients carry content notes"
    for sid, state in s.states.items():
        if not state.end:
            assert len(state.lines) >= 2 and state.exemplars and state.hints, sid
    success_path = min(len(example_path(s, e)) for e in s.endings("success"))
    assert success_path >= 4, "success takes several good turns"


@pytest.mark.parametrize("path", BUILTIN, ids=[p.stem for p in BUILTIN])
def test_builtin_clients_say_what_they_need_and_tell_responses_apart(path):
    s = load_scenario_file(path).scenario
    lacking = [sid for sid, st in s.states.items() if not st.end and not st.need]
    assert not lacking, f"states without a need: {lacking}"
    # an affirmation is not a choice handed over: each MI-adherent code has its own thoughts
    for code in ("affirm", "emphasize_autonomy", "seek_collaboration"):
        assert s.reactions.get(code), code
    assert s.replies and s.thinking  # answers to the response itself; a calm "nothing new"


@pytest.mark.parametrize("path", ALL, ids=[p.stem for p in ALL])
def test_transition_examples_take_their_transition(path, clf):
    loaded = load_scenario_file(path)
    assert check_examples(loaded.scenario, clf, loaded.doc) == []


@pytest.mark.parametrize("path", ALL, ids=[p.stem for p in ALL])
def test_every_state_is_reached_by_a_scripted_path(path, clf):
    s = load_scenario_file(path).scenario
    reached = set()
    for target in s.states:
        path_ = example_path(s, target)
        assert path_ is not None, target
        # a rupture ending is reached at hard (one severe response ends it); every other state at
        # standard (where a severe response on the way only brings a warning sign)
        level = "hard" if s.states[target].end == "rupture" else "standard"
        transcript = new_transcript(
            s, trainee=None, feedback="turn", seed=7, source=str(path), difficulty=level
        )
        session = Session(s, clf, transcript)
        for response in path_:
            if session.over:  # at hard a severe response on the way may end it sooner
                break
            session.respond(response)
        assert session.state_id == target, (target, path_)
        reached.add(session.state_id)
        if s.states[target].end:
            assert session.transcript.status == s.states[target].end
    assert reached == set(s.states)


def write(tmp_path, text, name="s.yml"):
    f = tmp_path / name
    f.write_text(
        (DATA / "mini.yml").read_text().replace(*text) if isinstance(text, tuple) else text
    )
    return f


@pytest.mark.parametrize(
    "change,where",
    [
        (
            ("        to: plan\n", "        to: nowhere\n"),
            "states.opening_up.transitions.0.to: no state 'nowhere'",
        ),
        (
            (
                '{family: [mi_non_adherent]}\n        to: defensive\n        example: "You should',
                '{family: [mi_nonadherent]}\n        to: defensive\n        example: "You should',
            ),
            "states.opening.transitions.0.when.family.0: unknown family 'mi_nonadherent'",
        ),
        (("talk: sustain", "talk: grumpy"), "states.opening.lines.0.talk:"),
        (("difficulty: beginner", "difficulty: easy"), "difficulty:"),
        (("rupture: walks_out", "rupture: next_step"), "rupture: 'next_step' must name"),
        (
            ('      - to: opening\n        example: "Okay."\n', ""),
            "states.opening: the last transition must have no `when`",
        ),
        (
            ("requires: [timeline]", "requires: [timelines]"),
            "lines.3.requires.0: no fact 'timelines'",
        ),
        (("asks: timeline", "asks: deadline"), "states.opening.lines.2.asks: no fact 'deadline'"),
        (
            ("{family: [reflection, question]}", "{family: [reflection, question], heard: [x]}"),
            "states.opening.transitions.1.when.heard.0: no fact 'x'",
        ),
        (
            ("        rapport: -3\n", "        rapport: -3\n        reason: rudeness\n"),
            "states.defensive.transitions.0.reason: no reason 'rudeness'",
        ),
        (
            ("{family: [reflection, question]}", "{family: [reflection, question], said: [oops]}"),
            "states.opening.transitions.1.when.said.0: no phrase list 'oops'",
        ),
        (
            (
                "{family: [reflection, question]}",
                "{family: [reflection, question], asked: [maybe]}",
            ),
            "states.opening.transitions.1.when.asked.0:",
        ),
        (
            ("thought: Here we go.", "thought: Here {she} goes."),
            "states.defensive.lines.0.thought: unknown placeholder {she}",
        ),
        (
            ("  timeline:\n", "  unheard: {about: nothing}\n  timeline:\n"),
            "facts.unheard: fact 'unheard' can never be heard",
        ),
    ],
)
def test_bad_scenario_names_file_line_field(tmp_path, change, where):
    f = write(tmp_path, change)
    with pytest.raises(MiCoachError) as e:
        load_scenario_file(f)
    msg = str(e.value)
    assert msg.startswith(f"{f}:"), msg
    line = int(msg.split(":")[1])
    assert line > 1
    assert where in msg, msg


def test_unreachable_state_is_named(tmp_path):
    f = write(tmp_path, ("        to: plan\n", "        to: opening\n"))
    with pytest.raises(MiCoachError, match=r"no transition leads to state\(s\) plan"):
        load_scenario_file(f)


def test_broken_yaml_names_the_line(tmp_path):
    f = write(tmp_path, ("  opening:\n", "  opening:\n   - [\n"))
    with pytest.raises(MiCoachError, match=r":\d+: YAML error"):
        load_scenario_file(f)


def test_user_folders_and_duplicate_ids(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "mini.yml").write_text((DATA / "mini.yml").read_text())
    monkeypatch.setenv("MI_COACH_SCENARIOS", str(tmp_path / "a"))
    every = load_all()
    assert "mini-benefits" in every and not every["mini-benefits"].builtin
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "copy.yml").write_text((DATA / "mini.yml").read_text())
    with pytest.raises(MiCoachError, match="already used by"):
        load_all(str(tmp_path / "b"))
    with pytest.raises(MiCoachError, match="scenario folder not found"):
        load_all(str(tmp_path / "missing"))


def test_validate_names_every_memory_reference_problem(runner, tmp_path):
    from mi_coach.cli.app import app

    text = (DATA / "mini.yml").read_text()
    text = text.replace("requires: [timeline]", "requires: [timelines]")
    text = text.replace("asks: timeline", "asks: deadline")
    f = tmp_path / "bad.yml"
    f.write_text(text)
    r = runner.invoke(app, ["validate", str(f), "--no-examples"])
    assert r.exit_code == 1, r.output
    assert f"{f}:" in r.output
    assert "states.opening.lines.2.asks: no fact 'deadline'" in r.output
    assert "states.opening.lines.3.requires.0: no fact 'timelines'" in r.output
    assert "Traceback" not in r.output


def test_validate_refuses_a_line_that_answers_a_question_nobody_asked(runner, tmp_path):
    # "Honest answer?" presumes a question (patterns/reactions.yml: presumes): without `after`
    # naming a question it could follow a reflection, answering words nobody said
    from mi_coach.cli.app import app

    text = (DATA / "mini.yml").read_text()
    line = '"Nobody will tell me how long these decisions take."'
    assert line in text
    f = tmp_path / "bad.yml"
    f.write_text(text.replace(line, '"Honest answer? Nobody tells me how long it takes."'))
    r = runner.invoke(app, ["validate", str(f), "--no-examples"])
    assert r.exit_code == 1, r.output
    assert "states.opening.lines.2.text: 'Honest answer' presumes a question" in r.output
    # the same line waiting for a question is fine
    fixed = text.replace(
        line,
        '"Honest answer? Nobody tells me how long it takes."\n        after: {family: [question]}',
    )
    f.write_text(fixed)
    r = runner.invoke(app, ["validate", str(f), "--no-examples"])
    assert r.exit_code == 0, r.output


def test_validate_refuses_a_yes_written_for_a_choice(runner, tmp_path):
    # "Yes." answers a yes/no question or an offer (reactions.yml: answer_openings): a line kept
    # for a choice that opens with it would never be said, or be said to the wrong question
    from mi_coach.cli.app import app

    text = (DATA / "mini.yml").read_text()
    line = '"Nobody will tell me how long these decisions take."'
    f = tmp_path / "bad.yml"
    bad = '"Yes. Nobody tells me how long it takes."\n        after: {asked: [choice]}'
    f.write_text(text.replace(line, bad))
    r = runner.invoke(app, ["validate", str(f), "--no-examples"])
    assert r.exit_code == 1, r.output
    assert f"{f}:" in r.output
    assert "states.opening.lines.2.after.asked: this line opens as an answer to" in r.output
    f.write_text(text.replace(line, bad.replace("[choice]", "[yes_no]")))
    r = runner.invoke(app, ["validate", str(f), "--no-examples"])
    assert r.exit_code == 0, r.output
