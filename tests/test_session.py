"""The session engine on the worked example: transitions by code, rapport, rupture, the turn
limit, missed chances, better responses, undo, and seeded replay."""

from __future__ import annotations

from pathlib import Path

import pytest

from mi_coach.practice.scenarios import load_scenario_file
from mi_coach.practice.session import Session, new_transcript

MINI = load_scenario_file(Path(__file__).parent / "data" / "scenarios" / "mini.yml").scenario


def session(clf, seed=1, scenario=MINI, feedback="turn", difficulty="standard"):
    return Session(
        scenario,
        clf,
        new_transcript(
            scenario,
            trainee="T",
            feedback=feedback,
            seed=seed,
            source="mini",
            difficulty=difficulty,
        ),
    )


def test_reflection_opens_the_client_up(clf):
    s = session(clf)
    out = s.respond("You're worried the rent will come before the money does.")
    assert out.turn.code == "complex_reflection"
    assert out.turn.rapport_before == 4 and out.turn.rapport_after == 6  # +2 from reactions.yml
    assert s.state_id == "opening_up" and out.ended is None
    assert out.turn.better is None and not out.turn.missed_chance


def test_righting_reflex_brings_pushback_and_a_better_response(clf):
    s = session(clf)
    out = s.respond("You should call them today.")
    assert out.turn.family == "mi_non_adherent"
    assert s.state_id == "defensive" and s.current_line().talk == "discord"
    assert out.turn.rapport_after == 3
    assert out.turn.better in MINI.states["opening"].exemplars
    assert out.turn.feedback  # the rule's feedback travels with the turn


def test_judgment_in_discord_ruptures(clf):
    s = session(clf)
    s.respond("You should have called them weeks ago.")
    out = s.respond("Well, you should listen to advice for once.")
    assert out.ended == "rupture" and s.over
    assert out.closing_line == "Forget it. I'm going."
    with pytest.raises(ValueError):
        s.respond("Sorry.")


def test_rapport_reaching_the_floor_ruptures_at_hard(clf):
    s = session(clf, difficulty="hard")
    s.transcript.rapport = 1
    out = s.respond("You're lazy and you need to call them now.")  # judgment: -3
    assert out.turn.rapport_after == 0
    assert out.ended == "rupture" and s.state_id == MINI.rupture


def test_turn_limit(clf):
    s = session(clf)
    for _ in range(MINI.max_turns):
        out = s.respond("Okay.")
    assert out.ended == "turn_limit" and out.closing_line == MINI.turn_limit
    assert len(s.transcript.turns) == MINI.max_turns


def test_a_client_reached_leaves_warmly_at_the_turn_limit(clf):
    warm = MINI.model_copy(
        update={"turn_limit_warm": "Got to go. Same time next week?", "max_turns": 2}
    )
    cold = session(clf, scenario=warm)
    cold.transcript.rapport = warm.rapport.warm - 2
    cold.respond("Okay.")
    out = cold.respond("Okay.")
    assert out.ended == "turn_limit" and out.closing_line == MINI.turn_limit
    reached = session(clf, scenario=warm)
    reached.transcript.rapport = 10
    reached.respond("Okay.")
    out = reached.respond("Okay.")
    assert out.ended == "turn_limit" and out.turn.rapport_after >= warm.rapport.warm
    assert out.closing_line == "Got to go. Same time next week?"
    assert reached.transcript.closing is not None
    assert reached.transcript.closing.text == out.closing_line


def test_missed_change_talk(clf):
    s = session(clf)
    s.respond("You're worried the rent will come before the money does.")
    assert s.current_line().talk == "change"
    out = s.respond("Did you fill in the form?")
    assert out.turn.code == "closed_question"
    assert out.turn.missed_chance and out.turn.better in MINI.states["opening_up"].exemplars
    assert out.turn.missed_note.startswith("The client offered change talk")  # from reactions.yml


def test_undo_restores_state_and_rapport(clf):
    s = session(clf)
    line = s.current_line().text
    s.respond("You should have called them weeks ago.")
    undone = s.undo()
    assert undone.response == "You should have called them weeks ago."
    assert s.state_id == "opening" and s.rapport == 4 and not s.transcript.turns
    assert s.current_line().text == line  # the client says the same line again
    assert s.undo() is None


def test_same_seed_same_lines_and_some_seed_differs(clf):
    def lines(seed):
        s = session(clf, seed=seed)
        out = []
        for _ in range(4):
            out.append(s.current_line().text)
            s.respond("Okay.")
        return out

    assert lines(5) == lines(5)
    assert len({tuple(lines(seed)) for seed in range(1, 8)}) > 1


def test_hints_cycle(clf):
    s = session(clf)
    assert s.hint() == MINI.states["opening"].hints[0]


def test_each_turn_keeps_the_coders_confidence_and_runner_up(clf, tmp_path):
    from mi_coach.practice.transcript import load, save, transcripts_dir

    s = session(clf)
    out = s.respond("You're worried the rent will come before the money does.")
    assert out.turn.confidence is not None and 0 <= out.turn.confidence <= 1
    assert out.turn.runner_up in clf.codes.codes and out.turn.runner_up != out.turn.code
    path = save(s.transcript, transcripts_dir(str(tmp_path)))
    assert load(path).turns[0].confidence == out.turn.confidence
