"""Verdicts from one source of truth: the practice scorecard equals `review` of its transcript for
every built-in scenario; rubric cues read the codes; secondary codes in the ratios only when the
coder is sure; the overall verdict on real sessions; the supervisor as a second coder; re-import
keeps annotations; a transcript that cannot be scored changes nothing on disk."""

from __future__ import annotations

import json
import re

import pytest

from mi_coach.cli.annotate_loop import apply
from mi_coach.cli.app import app
from mi_coach.coding.ruleset import load_codes
from mi_coach.practice.scenarios import load_all
from mi_coach.practice.session import example_path
from mi_coach.practice.transcript import ClientTurn, Transcript, Turn
from mi_coach.review.review import card_for, rubric_ids
from mi_coach.scoring.evidence import detect_talk, load_verdict_data
from mi_coach.scoring.scorecard import load_rubrics, scorecard

CODES = load_codes()
FAMILY = {c: i.family for c, i in CODES.codes.items()}
BUILTIN = sorted(sid for sid, s in load_all().items() if s.builtin)
META = ("file", "id", "kind", "trainee", "scenario", "started", "status", "turns")
MIXED = [
    "You should just call them today.",
    "What would make this week feel more manageable?",
]


def turn(n, code, codes=None, response="...", client="client line", talk=None, **kw):
    return Turn(
        n=n,
        client=ClientTurn(text=client, talk=talk) if client is not None else None,
        response=response,
        code=code,
        family=FAMILY[code],
        codes=codes or [code],
        evidence=[],
        **kw,
    )


def crit(card, rubric, cid):
    r = next(r for r in card.rubrics if r.id == rubric)
    return next(c for c in r.criteria if c.id == cid)


# -- one scoring path ---------------------------------------------------------------------------


def _block(text: str) -> str:
    start = text.index("Scorecard —")
    end = text.find("Transcript saved:", start)
    return text[start : end if end >= 0 else None].rstrip()


@pytest.mark.parametrize("sid", BUILTIN)
def test_practice_scorecard_equals_review_of_its_transcript(runner, tmp_path, sid):
    scenario = load_all()[sid].scenario
    success = scenario.endings("success")[0]
    lines = MIXED + (example_path(scenario, success) or [])
    r = runner.invoke(
        app,
        ["practice", sid, "--seed", "3", "--data-dir", str(tmp_path), "--trainee", "Ana"],
        input="\n".join(lines) + "\n",
    )
    assert r.exit_code == 0, r.output
    [path] = (tmp_path / "transcripts").glob("*.json")
    saved = json.loads(path.read_text())
    if saved["status"] == "in_progress":  # out of scripted lines: finish with a pause
        pytest.skip("the scripted path did not finish the session")
    assert saved["rubrics"] == list(scenario.rubrics)
    printed = _block(r.output)
    rv = runner.invoke(app, ["review", str(path)])
    assert rv.exit_code == 0, rv.output
    assert _block(rv.output) == printed  # the same scorecard, line for line
    data = json.loads(runner.invoke(app, ["review", str(path), "--format", "json"]).output)
    [rec] = data["transcripts"]
    assert {k: v for k, v in rec.items() if k not in META} == saved["scores"]
    assert list(rec["rubrics"]) == list(dict.fromkeys(["mi", *scenario.rubrics]))
    # every number printed in the MITI summary is the JSON's
    for c in rec["rubric_criteria"]["mi"]["criteria"]:
        if c["summary"] and c["value"] is not None:
            assert c["label"] in printed
    assert f"{rec['overall']['score']}/100" in printed
    # export and progress use the same numbers
    exp = json.loads(runner.invoke(app, ["export", str(path), "--to", "json"]).output)
    assert exp["summary"] == saved["scores"]


def test_old_practice_transcript_falls_back_to_the_scenarios_rubrics():
    t = Transcript.new(
        scenario_id="parent-kids", scenario_title="x", scenario_source="x", trainee=None
    )
    old = Transcript.model_validate(
        {k: v for k, v in t.model_dump(by_alias=True).items() if k != "rubrics"}
    )
    assert rubric_ids(old) == list(load_all()["parent-kids"].scenario.rubrics)
    gone = old.model_copy(update={"scenario": "no-such-scenario"})
    assert rubric_ids(gone) == ["mi"]
    imported = t.model_copy(update={"kind": "imported", "rubrics": ["mi", "strengths_based"]})
    assert rubric_ids(imported) == ["mi", "strengths_based"]


# -- code-aware cues ----------------------------------------------------------------------------


def test_a_turn_coded_affirm_names_a_strength():
    card = scorecard(
        [turn(1, "affirm", response="Six applications this week.")], ["strengths_based"], CODES
    )
    c = crit(card, "strengths_based", "names_strengths")
    assert c.value == 1 and c.status != "below" and c.turns == (1,)
    assert "No strengths were named" not in c.feedback


def test_information_that_answers_what_happens_next_is_transparency():
    t = turn(
        1,
        "giving_information",
        response="The form goes to the office and somebody reviews it within a week.",
        client="So what happens now?",
    )
    c = crit(scorecard([t], ["trauma_informed"], CODES), "trauma_informed", "says_what_next")
    assert c.value == 1 and c.status == "good"
    t = turn(
        1, "giving_information", response="The office is on Main Street.", client="Where is it?"
    )
    c = crit(scorecard([t], ["trauma_informed"], CODES), "trauma_informed", "says_what_next")
    assert c.value == 0  # information that does not answer "what next" is not counted


@pytest.mark.parametrize(
    "code,response,client",
    [
        ("open_question", "So what happened the night you left?", "I just had to get out."),
        (
            "complex_reflection",
            "Tell me about the abuse, it sounds like it was a lot.",
            "It was bad.",
        ),
        ("open_question", "What happened then?", "He hit me in front of the kids."),
    ],
)
def test_a_question_about_trauma_details_is_probing_whatever_its_code(code, response, client):
    t = turn(1, code, response=response, client=client)
    c = crit(scorecard([t], ["trauma_informed"], CODES), "trauma_informed", "no_trauma_probing")
    assert c.value == 1 and c.status == "below"


def test_a_coercive_line_is_never_the_best_moment():
    # the coder took it for a complex reflection and the client's rapport rose
    coercive = turn(
        1,
        "complex_reflection",
        response="Your kids deserve a safe home, so saying no to the program isn't really an option.",
        talk="neutral",
        rapport_before=4,
        rapport_after=6,
    )
    small = turn(
        2, "closed_question", response="What's your name?", rapport_before=6, rapport_after=5
    )
    card = scorecard([coercive, small], ["trauma_informed"], CODES)
    assert card.best is None
    assert card.missed.n == 1 and card.missed.note.startswith("No coercive or threatening words:")


def test_or_when_codes_are_checked_when_a_rubric_loads(tmp_path):
    from mi_coach.base.errors import MiCoachError
    from mi_coach.scoring.scorecard import load_rubric_file

    f = tmp_path / "r.yml"
    f.write_text(
        "id: r\ntitle: R\ndescription: d\nsource: s\ncriteria:\n  c:\n    kind: cue\n"
        "    label: C\n    or_when:\n      - {code: [praise]}\n    fair: 1\n    good: 2\n"
        "    feedback: {good: g, fair: f, below: b}\n    practise: p\n"
    )
    with pytest.raises(MiCoachError, match=r"r.yml:10: criteria.c.or_when.0.code.0: unknown code"):
        load_rubric_file(f)


# -- summary scores -----------------------------------------------------------------------------


def test_a_lecture_is_not_scored_as_reflective():
    lecture = [
        turn(n, "righting_reflex", codes=["righting_reflex", "simple_reflection"])
        for n in range(1, 10)
    ] + [turn(10, "closed_question")]
    card = scorecard(lecture, [], CODES)
    nums = card.numbers
    assert nums["reflection_to_question_ratio"] == 0  # the secondary reflections do not count
    assert crit(card, "mi", "reflection_to_question").status == "below"
    assert nums["mi_non_adherent"] == 9 and nums["mi_non_adherent_per_10_turns"] == 9.0
    assert card.overall.score < 40 and card.overall.verdict == "not MI-consistent"


def test_talk_cues_and_their_examples():
    data = load_verdict_data()  # the examples are checked as it loads
    assert detect_talk("I want to cut down, but I can't afford the program.") == "sustain"
    assert detect_talk("It's hard, but I think I could try the morning group.") == "change"
    assert detect_talk(None) is None
    for name in (*data.input_codes, *data.permission_codes, *data.asked_codes, *data.best_codes):
        assert name in CODES.codes


# -- real sessions ------------------------------------------------------------------------------

GOOD = """Client: I keep telling myself I'll cut down on the drinking.
Counselor: Part of you really wants to cut down.
Client: Yeah. I want to be around for my daughter.
Counselor: Being there for her matters more than anything to you.
Client: It does. Maybe I could stop drinking on weeknights.
Counselor: What would make weeknights easier?
Client: Not keeping beer in the house, I guess.
Counselor: You already have an idea that fits your life.
"""
POOR = """Client: I don't think my drinking is a problem.
Counselor: You need to stop drinking, it is damaging your liver.
Client: I don't want to quit. It helps me relax.
Counselor: Alcohol is a depressant, it makes anxiety worse over time.
Client: Everyone drinks at work.
Counselor: You should go to a meeting this week.
Client: I'm not going to a meeting.
Counselor: If you keep drinking you'll lose your license.
"""


def test_an_imported_session_gets_an_overall_verdict(runner, tmp_path):
    scores = {}
    for name, text in (("good", GOOD), ("poor", POOR)):
        f = tmp_path / f"{name}.txt"
        f.write_text(text)
        data = json.loads(runner.invoke(app, ["review", str(f), "--format", "json"]).output)
        [rec] = data["transcripts"]
        o = rec["overall"]
        assert 0 <= o["score"] <= 100 and o["line"].startswith(f"{o['score']}/100")
        assert set(o["estimates"]) == {
            "cultivating_change_talk",
            "softening_sustain_talk",
            "partnership",
            "empathy",
        }
        assert rec["rubric_criteria"]["mi"]["criteria"] and "best_moment" in rec
        scores[name] = o
    assert scores["good"]["score"] >= 70 and scores["poor"]["score"] < 50
    assert scores["poor"]["counsellor_input_percent"] == 100.0 and scores["poor"]["persuasion"] >= 2
    out = runner.invoke(app, ["review", str(tmp_path / "poor.txt")]).output
    assert "Overall: " in out and "per 10 turns" in out and "client (sustain talk):" in out


# -- the supervisor as a second coder -----------------------------------------------------------


@pytest.fixture()
def imported(runner, tmp_path):
    f = tmp_path / "s.txt"
    f.write_text(GOOD)
    assert runner.invoke(app, ["import", str(f)]).exit_code == 0
    return f, tmp_path / "s.json"


def test_confirm_and_override_are_both_reviewed_turns(runner, imported):
    _, out = imported
    t = json.loads(out.read_text())
    machine = [x["code"] for x in t["turns"]]
    for n in (1, 2, 3):
        r = runner.invoke(app, ["annotate", str(out), "--turn", str(n), "--confirm", "--by", "Jo"])
        assert r.exit_code == 0 and "confirmed the machine's codes" in r.output
    r = runner.invoke(
        app, ["annotate", str(out), "--turn", "4", "--code", "judgment,closed_question"]
    )
    assert r.exit_code == 0 and "replace the machine's" in r.output, r.output
    data = json.loads(runner.invoke(app, ["review", str(out), "--format", "json"]).output)
    a = data["agreement"]
    assert a["turns"] == 4 and a["percent_agreement"] == 75.0  # 3 of 4 reviewed turns agree
    assert a["kappa"] is not None and a["kappa"] > 0
    assert set(a["per_code"]) >= {"judgment", machine[3]}
    [rec] = data["transcripts"]
    assert rec["counts"]["judgment"] == 1 and rec["counts"]["closed_question"] == 1
    assert rec["counts"].get(machine[3], 0) == machine[:3].count(machine[3])  # all codes replaced
    md = runner.invoke(app, ["export", str(out), "--to", "md"]).output
    turn4 = md[md.index("### Turn 4") :]
    assert "supervisor's code" in turn4 and "**Feedback:**" not in turn4  # no machine feedback
    assert "confirmed by the supervisor" in md[md.index("### Turn 1") : md.index("### Turn 2")]
    assert "Supervisor review by Jo: 4 of 4 turn(s) reviewed — 3 confirmed, 1 changed" in md
    assert "Supervisor sign-off:" in md


def test_interactive_enter_confirms(monkeypatch, imported):
    from mi_coach.cli import annotate_loop, term
    from mi_coach.practice.transcript import load

    _, out = imported
    t = load(out)
    answers = iter(["", "", "s", "affirm", "good catch", "q"])
    monkeypatch.setattr(term, "ask", lambda prompt: next(answers))
    changed, interrupted = annotate_loop.interactive(t, CODES, "Jo")
    assert not interrupted and [x.n for x in changed] == [1, 3]
    assert t.turns[0].confirmed and t.turns[1].annotation is None
    assert t.turns[2].annotation.code == "affirm" and t.turns[2].annotation.comment == "good catch"


def test_apply_refuses_both_confirm_and_codes(imported):
    from mi_coach.base.errors import MiCoachError
    from mi_coach.practice.transcript import load

    t = load(imported[1])
    with pytest.raises(MiCoachError, match="not both"):
        apply(t, CODES, 1, code="affirm", confirm=True)
    with pytest.raises(MiCoachError, match="unknown code 'praise'"):
        apply(t, CODES, 1, code="affirm, praise")


def test_reimport_keeps_annotations_unless_forced(runner, imported):
    f, out = imported
    runner.invoke(app, ["annotate", str(out), "--turn", "1", "--comment", "keep me"])
    before = out.read_text()
    r = runner.invoke(app, ["import", str(f)])
    assert r.exit_code == 2 and "supervisor annotation" in r.output and "--force" in r.output
    assert str(out) in r.output and out.read_text() == before
    r = runner.invoke(app, ["import", str(f), "--force"])
    assert r.exit_code == 0 and "keep me" not in out.read_text()


# -- exports ------------------------------------------------------------------------------------


def test_html_opens_with_the_verdict_and_a_real_session_is_a_session_review(runner, imported):
    _, out = imported
    html = runner.invoke(app, ["export", str(out), "--to", "html"]).output
    assert "<title>Session review: s.txt</title>" in html and "MI practice session" not in html
    body = html[html.index("</header>") :]
    assert body.index('id="verdict"') < body.index('id="summary"')
    assert "Overall: " in body[: body.index('id="summary"')] and "Supervisor sign-off" in body
    assert "Summary numbers" not in html and ">Number<" not in html  # no table repeats another
    heads = re.findall(r"<thead>(.*?)</thead>", html)
    assert len(heads) == len(set(heads))


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "damage,message",
    [
        (lambda t: t.update(rubrics=["mi", "no_such_rubric"]), "unknown rubric"),
        (lambda t: t["turns"][1].update(code="praise"), "unknown code 'praise'"),
        (lambda t: t["turns"][1].update(n=1), "turn number 1 appears twice"),
    ],
)
def test_a_transcript_that_cannot_be_scored_changes_nothing(runner, imported, damage, message):
    _, out = imported
    t = json.loads(out.read_text())
    damage(t)
    out.write_text(json.dumps(t))
    before = out.read_text()
    target = out.parent / "report.html"
    for args in (
        ["review", str(out)],
        ["review", str(out), "--format", "json"],
        ["export", str(out), "--to", "html", "-o", str(target)],
        ["annotate", str(out), "--turn", "1", "--confirm"],
    ):
        r = runner.invoke(app, args)
        assert r.exit_code == 2, (args, r.output)
        lines = [x for x in r.output.splitlines() if x.strip()]
        assert len(lines) == 1 and str(out) in lines[0] and message in lines[0], r.output
    assert out.read_text() == before and not target.exists()


def test_card_for_names_the_file():
    t = Transcript.new(scenario_id="x", scenario_title="x", scenario_source="x", trainee=None)
    t = t.model_copy(update={"kind": "imported", "rubrics": ["nope"]})
    from mi_coach.base.errors import MiCoachError

    with pytest.raises(MiCoachError, match=r"^f.json: rubrics: unknown rubric"):
        card_for(t, CODES, "f.json")
    assert "mi" in load_rubrics()


# -- verdicts that must agree with the turn codes -----------------------------------------------


def test_a_turn_coded_seek_collaboration_asks_permission_whatever_its_words():
    # "would you want to hear them or no?" is not among the cue's phrases; its code says it
    asks = "I might have a couple ideas about the bus, would you want to hear them or no?"
    card = scorecard(
        [turn(1, "complex_reflection"), turn(2, "seek_collaboration", response=asks)],
        ["trauma_informed"],
        CODES,
    )
    c = crit(card, "trauma_informed", "asks_permission")
    assert c.turns == (2,) and c.status != "below"
    assert "never asked permission" not in c.feedback


def test_every_question_of_a_turn_counts_toward_the_question_tally():
    # MITI 4.2.1 tallies every question: an open question behind an autonomy statement counts,
    # however unsure the coder is which of the two the turn mainly is
    turns = [
        turn(
            1,
            "emphasize_autonomy",
            codes=["emphasize_autonomy", "open_question"],
            confidence=0.64,
            runner_up="open_question",
        ),
        turn(2, "closed_question"),
        turn(3, "complex_reflection", codes=["complex_reflection", "simple_reflection"]),
    ]
    card = scorecard(turns, [], CODES)
    assert card.numbers["questions"] == 2
    assert card.numbers["percent_open_questions"] == 50.0
    c = crit(card, "mi", "percent_open")
    assert c.value == 0.5 and c.turns == (1,)
    assert card.numbers["reflection_to_question_ratio"] == 0.5  # the unsure simple one is not


def test_a_turn_with_two_reflections_is_named_once():
    # a sure turn holding two reflections counts twice toward R:Q, but is one turn to look at
    turns = [
        turn(1, "open_question"),
        turn(
            2,
            "complex_reflection",
            codes=["complex_reflection", "simple_reflection"],
            confidence=0.95,
        ),
    ]
    card = scorecard(turns, ["mi"], CODES)
    c = crit(card, "mi", "reflection_to_question")
    assert c.value == 2.0 and c.turns == (2,)


def test_drawing_out_change_talk_cultivates_it_as_the_best_moment_says():
    # turn 1's double-sided reflection draws out change talk (the best moment says so); turn 2
    # meets it with information; turn 3 answers it with an open question
    turns = [
        turn(1, "complex_reflection", talk="sustain", rapport_before=8, rapport_after=8),
        turn(2, "giving_information", talk="change"),
        turn(3, "open_question", talk="change"),
    ]
    card = scorecard(turns, [], CODES)
    assert card.best is not None and card.best.n == 1 and "change talk" in card.best.note
    c = crit(card, "mi", "cultivating_change_talk")
    assert c.value == pytest.approx(1 + 4 * 2 / 3, abs=0.01)  # two of three chances taken
    assert c.status == "fair" and "passed over" not in c.feedback.split(";")[0]
    # change talk met with information and advice scores the bottom, and says why
    low = scorecard(
        [turn(1, "giving_information", talk="change"), turn(2, "righting_reflex", talk="change")],
        [],
        CODES,
    )
    c = crit(low, "mi", "cultivating_change_talk")
    assert c.value == 1.0 and c.status == "below" and "passed over" in c.feedback


def test_a_cue_with_no_evidence_either_way_is_not_observed_not_a_failure():
    quiet = [turn(1, "affirm"), turn(2, "affirm", response="You're worn out and still here.")]
    card = scorecard(quiet, ["strengths_based"], CODES)
    c = crit(card, "strengths_based", "positive_goals")
    assert c.status == "n/a" and c.value is None
    assert "not judged" in c.feedback and "avoid" not in c.feedback
    r = next(r for r in card.rubrics if r.id == "strengths_based")
    assert r.score == 100  # left out of the score, not counted as below
    # goals framed as things to avoid are a finding, and it names the turn
    avoid = [*quiet, turn(3, "righting_reflex", response="Your goal is to stay away from him.")]
    c = crit(scorecard(avoid, ["strengths_based"], CODES), "strengths_based", "positive_goals")
    assert c.status == "below" and c.turns == (3,) and "avoid" in c.feedback


def test_permission_is_judged_only_where_input_came_unasked():
    # no advice or information at all: nothing needed permission
    quiet = [turn(1, "open_question"), turn(2, "complex_reflection")]
    c = crit(scorecard(quiet, ["trauma_informed"], CODES), "trauma_informed", "asks_permission")
    assert c.status == "n/a" and "uninvited" not in c.feedback
    # information the client asked for is not uninvited either
    asked = [turn(1, "giving_information", client="When is the hearing?")]
    c = crit(scorecard(asked, ["trauma_informed"], CODES), "trauma_informed", "asks_permission")
    assert c.status == "n/a"
    # advice nobody asked for, with no permission asked: below, and it names the turn
    pushed = [*quiet, turn(3, "righting_reflex", response="You should call them today.")]
    c = crit(scorecard(pushed, ["trauma_informed"], CODES), "trauma_informed", "asks_permission")
    assert c.status == "below" and c.turns == (3,) and "uninvited" in c.feedback
    # permission asked: counted as before
    polite = [
        *pushed,
        turn(4, "seek_collaboration", response="Would it be okay if I shared an idea?"),
    ]
    c = crit(scorecard(polite, ["trauma_informed"], CODES), "trauma_informed", "asks_permission")
    assert c.status in ("fair", "good") and 4 in c.turns


def test_a_reflection_of_the_clients_obligations_is_not_coercion():
    # "you need to be at the hall" given back as a reflection, or "what would you need to have
    # ready" asked openly, orders nothing; the same words as advice do
    mirrored = [
        turn(
            1,
            "complex_reflection",
            response="So they book you right when you need to be at the hall, and nobody asked.",
        ),
        turn(2, "open_question", response="What would you need to have ready for Thursday?"),
    ]
    card = scorecard(mirrored, ["trauma_informed"], CODES)
    c = crit(card, "trauma_informed", "no_coercion")
    assert c.turns == () and c.status == "good"
    assert card.missed is None or card.missed.n not in (1, 2)
    ordered = [*mirrored, turn(3, "righting_reflex", response="You need to be at the clinic.")]
    c = crit(scorecard(ordered, ["trauma_informed"], CODES), "trauma_informed", "no_coercion")
    assert c.turns == (3,) and c.status == "below"


def test_information_the_client_requested_is_asked_for_and_timelines_say_what_happens_next():
    asked = [
        turn(
            1,
            "giving_information",
            client="If there's a form, give me the form.",
            response="Here it is. A review usually takes one to two weeks.",
        )
    ]
    from mi_coach.scoring.evidence import views

    (v,) = views(asked, FAMILY)
    assert v.is_input and not v.unasked
    card = scorecard(asked, ["trauma_informed"], CODES)
    c = crit(card, "trauma_informed", "says_what_next")
    assert c.turns == (1,)


def test_a_contrary_is_only_for_a_cue_that_wants_its_words(tmp_path):
    from mi_coach.scoring.scorecard import Criterion

    base = {
        "label": "x",
        "practise": "p",
        "feedback": {"good": "g", "fair": "f", "below": "b"},
        "fair": 1,
        "good": 1,
        "contrary": {"or_when": [{"code": ["judgment"]}]},
    }
    with pytest.raises(ValueError, match="only a cue"):
        Criterion.model_validate({**base, "kind": "count", "behaviours": {"code": ["affirm"]}})
    with pytest.raises(ValueError, match="contrary patterns need examples"):
        Criterion.model_validate(
            {
                **base,
                "kind": "cue",
                "or_when": [{"code": ["affirm"]}],
                "contrary": {"patterns": ["x"]},
            }
        )


def test_a_turn_that_cost_rapport_for_a_named_reason_is_the_missed_chance():
    from mi_coach.practice.transcript import Reason

    meds = turn(
        1,
        "closed_question",
        response="Have you been taking your meds ok this week?",
        rapport_before=6,
        rapport_after=5,
        reasons=[Reason(kind="talking_down", delta=-1, text="talking down (“your meds”)")],
    )
    unsure_info = turn(
        2,
        "giving_information",
        codes=["giving_information", "simple_reflection"],
        response="You keep everything in order. That's going to make Tuesday easier.",
        confidence=0.27,
        runner_up="righting_reflex",
        rapport_before=6,
        rapport_after=6,
    )
    capped = turn(
        3,
        "complex_reflection",
        rapport_before=10,
        rapport_after=10,
        reasons=[Reason(kind="limit", delta=-1, text="the meter stops at 10")],
    )
    card = scorecard([meds, unsure_info, capped], [], CODES)
    assert card.missed is not None and card.missed.n == 1
    assert "talking down" in card.missed.note and "6 \u2192 5" in card.missed.note
    # without it, the unsure turn is the missed chance and says the coder was unsure
    card = scorecard([unsure_info, capped], [], CODES)
    assert card.missed is not None and card.missed.n == 2
    assert "Not sure" in card.missed.note and "righting reflex" in card.missed.note
