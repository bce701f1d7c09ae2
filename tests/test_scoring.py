"""The scoring engine on hand-built turns: every kind of criterion, thresholds, n/a, the rubric
score, the scorecard's best moment, missed chance and what to practise; the built-in rubrics'
cue examples (examples are tests)."""

from __future__ import annotations

import pytest

from mi_coach.base.errors import MiCoachError
from mi_coach.coding.ruleset import load_codes
from mi_coach.practice.transcript import ClientTurn, Turn
from mi_coach.scoring.scorecard import (
    Criterion,
    Rubric,
    load_rubric_file,
    load_rubrics,
    score_rubric,
    scorecard,
)

CODES = load_codes()
FAMILY = {c: i.family for c, i in CODES.codes.items()}


def turn(
    n,
    code,
    codes=None,
    response="...",
    talk="neutral",
    before=4,
    after=4,
    better=None,
    missed=False,
    thought="hm",
):
    return Turn(
        n=n,
        state="s",
        client=ClientTurn(text=f"client {n}", talk=talk, thought=thought),
        response=response,
        code=code,
        family=FAMILY[code],
        codes=codes or [code],
        evidence=[],
        rapport_before=before,
        rapport_after=after,
        next_state="s",
        missed_chance=missed,
        better=better,
    )


def rubric(**criteria):
    return Rubric(
        id="t",
        title="T",
        description="d",
        source="s",
        criteria={
            k: Criterion.model_validate(
                {
                    "label": k,
                    "weight": 1,
                    "practise": f"practise {k}",
                    "feedback": {"good": "g", "fair": "f", "below": "b"},
                    **v,
                }
            )
            for k, v in criteria.items()
        },
    )


RQ = {  # MITI's reflection-to-question ratio, fair 1:1, good 2:1
    "kind": "ratio",
    "numerator": {"family": ["reflection"]},
    "denominator": {"family": ["question"]},
    "fair": 1,
    "good": 2,
}


def crit(score, name):
    return next(c for c in score.criteria if c.id == name)


def test_ratio_share_count_on_hand_built_turns():
    turns = [
        turn(1, "simple_reflection"),
        turn(2, "complex_reflection"),
        turn(3, "open_question", codes=["complex_reflection", "open_question"]),
        turn(4, "closed_question"),
        turn(5, "righting_reflex"),
        turn(6, "affirm"),
    ]
    r = rubric(
        rq=RQ,
        cr={
            "kind": "share",
            "of": {"code": ["complex_reflection"]},
            "within": {"family": ["reflection"]},
            "fair": 0.4,
            "good": 0.5,
        },
        oq={
            "kind": "share",
            "of": {"code": ["open_question"]},
            "within": {"family": ["question"]},
            "fair": 0.5,
            "good": 0.7,
        },
        na={
            "kind": "count",
            "behaviours": {"family": ["mi_non_adherent"]},
            "direction": "lower",
            "fair": 1,
            "good": 0,
        },
    )
    s = score_rubric(r, turns, FAMILY)
    # Turn 3 has no confidence: only its primary code (the question) counts toward the ratios.
    # 2 reflections / 2 questions = 1.0: fair
    assert crit(s, "rq").value == pytest.approx(1.0) and crit(s, "rq").status == "fair"
    assert crit(s, "cr").value == pytest.approx(1 / 2) and crit(s, "cr").status == "good"
    assert crit(s, "oq").value == pytest.approx(0.5) and crit(s, "oq").status == "fair"
    assert crit(s, "na").value == 1 and crit(s, "na").status == "fair"
    assert crit(s, "na").turns == (5,)
    # weighted points: fair .6, good 1, fair .6, fair .6 -> 70
    assert s.score == 70
    # When the coder is sure of turn 3, its secondary reflection counts: 3 / 2 = 1.5
    turns[2] = turns[2].model_copy(update={"confidence": 0.95})
    s = score_rubric(r, turns, FAMILY)
    assert crit(s, "rq").value == pytest.approx(1.5) and crit(s, "cr").value == pytest.approx(2 / 3)
    turns[2] = turns[2].model_copy(update={"confidence": 0.5})
    assert crit(score_rubric(r, turns, FAMILY), "rq").value == pytest.approx(1.0)


def test_reflections_with_no_question_read_as_n_to_0():
    # scored as if there were one question (a finite figure), but shown as what happened:
    # "1.0:1" would tell the trainee they asked a question
    from mi_coach.scoring.scorecard import format_value

    r = rubric(rq=RQ)
    c = crit(score_rubric(r, [turn(1, "simple_reflection"), turn(2, "affirm")], FAMILY), "rq")
    assert c.value == pytest.approx(1.0) and format_value(c) == "1:0"
    turns = [turn(1, "simple_reflection"), turn(2, "complex_reflection"), turn(3, "open_question")]
    assert format_value(crit(score_rubric(r, turns, FAMILY), "rq")) == "2.0:1"


def test_nothing_to_count_is_na_and_left_out_of_the_score():
    r = rubric(
        rq=RQ,
        cct={
            "kind": "talk_response",
            "talk": ["change"],
            "answered_well": {"family": ["reflection"]},
            "fair": 3,
            "good": 4,
        },
    )
    s = score_rubric(r, [turn(1, "other")], FAMILY)
    assert [c.status for c in s.criteria] == ["n/a", "n/a"]
    assert s.score is None
    s = score_rubric(r, [turn(1, "simple_reflection", talk="change")], FAMILY)
    # one reflection, no question: counted as 1:1, fair
    assert crit(s, "rq").value == 1.0 and crit(s, "rq").status == "fair"
    assert crit(s, "cct").value == 5.0 and s.score == 80


def test_talk_response_estimate():
    r = rubric(
        cct={
            "kind": "talk_response",
            "talk": ["change"],
            "answered_well": {"family": ["reflection"], "code": ["open_question"]},
            "answered_poorly": {"family": ["mi_non_adherent"]},
            "fair": 3,
            "good": 4,
        }
    )
    turns = [
        turn(1, "complex_reflection", talk="change"),
        turn(2, "righting_reflex", talk="change"),
        turn(3, "closed_question", talk="change"),
        turn(4, "open_question", talk="change"),
        turn(5, "judgment", talk="sustain"),
    ]  # not change talk: ignored
    c = crit(score_rubric(r, turns, FAMILY), "cct")
    assert c.value == pytest.approx(1 + 4 * 2 / 4 - 4 * 1 / 4)  # 2.0
    assert c.status == "below" and c.turns == (2,)


def test_cue_present_and_absent():
    r = rubric(
        choice={
            "kind": "cue",
            "patterns": [r"\bup to you\b"],
            "fair": 1,
            "good": 2,
            "examples": {"match": ["It's up to you."], "no_match": ["Do it."]},
        },
        threat={
            "kind": "cue",
            "patterns": [r"\byou must\b"],
            "direction": "lower",
            "fair": 0,
            "good": 0,
            "examples": {"match": ["You must go."], "no_match": ["You may go."]},
        },
    )
    turns = [
        turn(1, "emphasize_autonomy", response="It's UP TO YOU."),
        turn(2, "righting_reflex", response="You must sign it."),
        turn(3, "other"),
    ]
    s = score_rubric(r, turns, FAMILY)
    assert crit(s, "choice").value == 1 and crit(s, "choice").status == "fair"
    assert crit(s, "threat").status == "below" and crit(s, "threat").turns == (2,)
    s = score_rubric(r, [turn(1, "other", response="Okay.")], FAMILY)
    assert crit(s, "threat").status == "good" and crit(s, "choice").status == "below"


def test_criterion_shape_is_checked():
    with pytest.raises(ValueError, match="ratio criterion needs numerator, denominator"):
        rubric(x={"kind": "ratio", "fair": 1, "good": 2})
    with pytest.raises(ValueError, match="good. must be at least .fair"):
        rubric(x={"kind": "count", "behaviours": {"code": ["affirm"]}, "fair": 3, "good": 1})


def test_scorecard_best_missed_and_practise():
    turns = [
        turn(1, "other", before=4, after=2, talk="neutral", response="What's your name?"),
        turn(2, "righting_reflex", before=2, after=2, better="Reflect first.", talk="sustain"),
        turn(3, "complex_reflection", before=2, after=4, talk="discord", thought="finally"),
        turn(
            4,
            "closed_question",
            before=4,
            after=4,
            talk="change",
            missed=True,
            better="You could call them.",
        ),
        turn(5, "simple_reflection", before=4, after=5, talk="change"),
    ]
    card = scorecard(turns, ["strengths_based"], CODES)
    assert [r.id for r in card.rubrics] == ["mi", "strengths_based"]  # mi always first
    # best: the reflection of discord that raised rapport and was followed by change talk
    assert (
        card.best.n == 3 and "rapport 2 → 4" in card.best.note and "change talk" in card.best.note
    )
    # missed: the righting reflex, not the small talk that cost more rapport
    assert card.missed.n == 2 and card.missed.better == "Reflect first."
    assert "Righting reflex" in card.missed.note
    assert card.counts["righting_reflex"] == 1
    assert card.practise and len(card.practise) <= 3
    d = card.as_dict()
    assert d["best_moment"]["n"] == 3 and list(d["rubric_criteria"]) == ["mi", "strengths_based"]
    assert d["overall"]["score"] == card.overall.score and card.overall.line.startswith(
        f"{card.overall.score}/100"
    )


def test_moments_a_trainer_would_pick():
    # A coercive line the coder also saw as a reflection is never the best moment, even when
    # rapport rose; a missed change talk beats small talk for the missed chance.
    turns = [
        turn(
            1,
            "judgment",
            codes=["judgment", "complex_reflection"],
            before=4,
            after=6,
            talk="neutral",
        ),
        turn(2, "closed_question", before=6, after=3, talk="neutral", response="What's your name?"),
        turn(3, "other", before=3, after=3, talk="change", missed=True, better="Reflect it."),
        turn(4, "affirm", before=3, after=3, talk="neutral"),  # no opening up: not a best moment
    ]
    card = scorecard(turns, [], CODES)
    assert card.best is None
    assert card.missed.n == 1  # judgment first
    card = scorecard(turns[1:], [], CODES)
    assert card.missed.n == 3 and "change talk" in card.missed.note
    # An affirmation after which the client opened up is the best moment, sure when alone.
    turns[3] = turn(4, "affirm", before=3, after=4, talk="neutral")
    assert scorecard(turns[1:], [], CODES).best.n == 4
    # ... but not when the coder was unsure of it.
    turns[3] = turns[3].model_copy(update={"confidence": 0.4})
    assert scorecard(turns[1:], [], CODES).best is None


def test_unknown_rubric_is_a_clear_error():
    with pytest.raises(MiCoachError, match="unknown rubric"):
        scorecard([], ["nonsense"], CODES)


BUILTIN = load_rubrics()
CUES = [
    (rid, cid, c) for rid, r in BUILTIN.items() for cid, c in r.criteria.items() if c.kind == "cue"
]


def test_the_four_rubrics_ship():
    assert {"mi", "trauma_informed", "cultural_humility", "strengths_based"} <= set(BUILTIN)


@pytest.mark.parametrize("rid,cid,c", CUES, ids=[f"{r}.{c}" for r, c, _ in CUES])
def test_cue_examples(rid, cid, c):
    for cue in (c, c.contrary):
        if cue is None or cue.examples is None:
            continue
        rx = cue.regex()
        for ex in cue.examples.match:
            assert rx.search(ex), f"{rid}.{cid} should match {ex!r}"
        for ex in cue.examples.no_match:
            assert not rx.search(ex), f"{rid}.{cid} should not match {ex!r}"


def test_bad_rubric_example_names_file_and_line(tmp_path):
    f = tmp_path / "r.yml"
    f.write_text("""id: r
title: R
description: d
source: s
criteria:
  c:
    kind: cue
    label: L
    patterns: ['\\bplease\\b']
    examples:
      match: [please help]
      no_match: [please no]
    fair: 1
    good: 1
    feedback: {good: g, fair: f, below: b}
    practise: p
""")
    with pytest.raises(MiCoachError) as e:
        load_rubric_file(f)
    assert str(e.value).startswith(f"{f}:12: criteria.c.examples.no_match.0:")


def test_bad_rubric_field_names_file_line_field(tmp_path):
    f = tmp_path / "r.yml"
    f.write_text(
        "id: r\ntitle: R\ndescription: d\nsource: s\ncriteria:\n  c:\n    kind: ratio\n"
        "    label: L\n    numerator: {family: [reflection]}\n"
        "    denominator: {family: [questions]}\n    fair: 1\n    good: 2\n"
        "    feedback: {good: g, fair: f, below: b}\n    practise: p\n"
    )
    with pytest.raises(MiCoachError) as e:
        load_rubric_file(f)
    assert str(e.value).startswith(f"{f}:10: criteria.c.denominator.family.0: unknown family")
