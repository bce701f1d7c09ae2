"""The client remembers: no line twice, questions answered stay answered, lines that presume a
mention wait for it, escalation when a need is ignored, reactions only to the trainee's own words,
why rapport moved, the thought as the reaction, difficulty levels and repair, unsure codes, and a
memory that survives undo and resume."""

from __future__ import annotations

from pathlib import Path

import pytest

from mi_coach.base.loading import builtin_dir
from mi_coach.practice import transcript as tr
from mi_coach.practice.scenarios import load_scenario_file
from mi_coach.practice.session import Session, new_transcript

MINI = load_scenario_file(Path(__file__).parent / "data" / "scenarios" / "mini.yml").scenario
ASKS = "Nobody will tell me how long these decisions take."
PRESUMES = "Four to eight weeks. So it could still come."
ESCALATES = "You're not saying much. Six weeks, and nothing."
# responses that keep the mini client in its opening state, none mentioning the timeline
IDLE = ["Okay.", "Let me grab a pen.", "Sorry, my phone keeps buzzing.", "Nice weather today."]


def builtin(name):
    return load_scenario_file(builtin_dir("scenarios") / f"{name}.yml").scenario


def session(clf, scenario=MINI, seed=1, difficulty="standard", pronouns=None):
    t = new_transcript(
        scenario,
        trainee="T",
        feedback="turn",
        seed=seed,
        source="test",
        difficulty=difficulty,
        pronouns=pronouns,
    )
    return Session(scenario, clf, t)


def said(s):
    return [t.client.text for t in s.transcript.turns]


@pytest.mark.parametrize("seed", range(1, 9))
def test_no_line_twice_and_presuming_line_waits(clf, seed):
    s = session(clf, seed=seed)
    for text in IDLE:
        s.respond(text)
    lines = said(s)
    assert len(set(lines)) == len(lines), lines  # five lines in the state, four turns: all new
    assert PRESUMES not in lines  # nobody mentioned the timeline
    assert s.state_id == "opening"


@pytest.mark.parametrize("seed", range(1, 9))
def test_a_question_answered_is_not_asked_again(clf, seed):
    s = session(clf, seed=seed)
    s.respond("Decisions like this usually take four to eight weeks.")
    for text in IDLE[:3]:
        s.respond(text)
    after = said(s)[1:]
    assert ASKS not in after
    assert "timeline" in s.memory().heard


def test_escalation_when_the_need_is_ignored(clf):
    s = session(clf, seed=3)
    first = s.current_line().text
    assert first != ESCALATES  # never before being ignored
    s.respond("Let me grab a pen.")  # stays in the opening state: ignored once
    assert s.current_line().text == ESCALATES


def test_a_line_that_presumes_silence_never_follows_a_real_answer(clf):
    # giving information keeps the client in the opening state (the need is still open), but it
    # said something: "You're not saying much" presumes a response that said nothing
    for seed in range(1, 6):
        s = session(clf, seed=seed)
        for text in (
            "The office opens at eight.",
            "The office phone line opens at 8 a.m. on weekdays.",
        ):
            out = s.respond(text)
            assert out.turn.code == "giving_information" and s.state_id == "opening"
            assert s.current_line().text != ESCALATES


def test_a_greeting_is_returned_before_anything_else(clf):
    s = session(clf, seed=2)
    s.respond("Good morning.")
    assert s.current_line().text == "Hi. Yeah."
    s.respond("Hello again.")  # said once: the client does not greet twice
    assert s.current_line().text != "Hi. Yeah."


def test_circling_only_when_stuck_and_thinking_when_it_goes_well(clf):
    s = session(clf, seed=4)
    for text in IDLE[:2]:
        s.respond(text)
    mem = s.memory()
    mem.said.update({x.text: 1 for x in MINI.states["opening"].lines})  # nothing new left
    assert mem.ignored >= 2
    s.transcript.rapport = 3
    assert s._pick("opening", mem).text == "We're going round in circles here."
    s.transcript.rapport = 9  # same turns, but the conversation is going well
    assert s._pick("opening", mem).text == "Hm. I'd have to think about that."


def test_the_otherwise_reason_says_what_the_client_needs(clf):
    from mi_coach.practice.scenarios import Transition

    s = session(clf)
    otherwise = Transition(to="opening", rapport=-1, example="Okay.")
    reason = s._transition_reason(otherwise, "open_question", "What brings you in?")
    assert reason.kind == "otherwise"
    assert reason.text == (
        "Open question — Sam still needs a sign that someone has heard how long six weeks has been"
    )


def test_a_reply_must_say_what_it_answers(tmp_path):
    from mi_coach.base.errors import MiCoachError

    src = (Path(__file__).parent / "data" / "scenarios" / "mini.yml").read_text()
    bad = src.replace(
        "after: {family: [other], words_at_most: 6, mentions: [hello, good morning]}}", "}"
    )
    assert bad != src
    f = tmp_path / "bad.yml"
    f.write_text(bad)
    with pytest.raises(MiCoachError) as e:
        load_scenario_file(f)
    assert "a reply needs `after`" in str(e.value) and "bad.yml:" in str(e.value)


def test_repeating_yourself_gets_an_acknowledgement_and_no_credit(clf):
    s = session(clf, seed=2)
    s.respond("Let me grab a pen right now.")
    out = s.respond("Let me grab a pen right now.")
    assert out.turn.repeat_of == 1
    assert [(r.kind, r.delta) for r in out.turn.reasons] == [("repeat", -1)]
    assert s.current_line().text == "You said that already."


def test_mentions_come_only_from_the_trainee(clf):
    s = session(clf, seed=1)
    s.respond("You're worried the rent will come before the money does.")
    assert s.state_id == "opening_up"
    line = s.current_line().text
    assert any(w in line.lower() for w in ("call", "ring"))  # the client said it ...
    hint = s.hint()
    assert "reflect" in hint.lower()
    s.respond("Part of you is ready, even though the hold music drives you mad.")
    assert s.state_id == "opening_up"  # ... but the trainee did not: no move to the plan


def test_every_rapport_change_has_its_reasons(clf):
    s = session(clf, scenario=builtin("psychosis-info"), seed=1)
    long = " ".join(["This letter is about the interview for the apartment and"] * 3)
    out = s.respond(long)
    kinds = {r.kind: r for r in out.turn.reasons}
    assert "words_at_least" in kinds
    assert kinds["words_at_least"].text.startswith(f"long response: {len(long.split())} words")
    assert sum(r.delta for r in out.turn.reasons) == out.turn.rapport_after - 4

    s = session(clf, scenario=builtin("trauma-referrals"), seed=1)
    out = s.respond("Can you tell me what happened with him?")
    assert out.turn.code == "open_question"
    [reason] = out.turn.reasons
    assert reason.delta == -2 and "a question about the trauma itself" in reason.text


def test_the_top_of_the_meter_is_explained(clf):
    s = session(clf, seed=1)
    s.transcript.rapport = 9
    out = s.respond("You're worried the rent will come before the money does.")
    assert out.turn.rapport_after == 10
    assert [r.kind for r in out.turn.reasons] == ["code", "limit"]
    assert sum(r.delta for r in out.turn.reasons) == 1


def test_the_thought_is_the_reaction_to_the_response(clf):
    from mi_coach.practice.reactions import load_reactions

    generic = load_reactions().thoughts
    s = session(clf, seed=4)
    out = s.respond("You're worried the rent will come before the money does.")
    assert out.turn.reaction in [t.replace("{They}", "They") for t in generic["reflection"]]
    out = s.respond("You should just call them.")
    assert out.turn.reaction in generic["mi_non_adherent"]
    dee = builtin("trauma-referrals")
    s = session(clf, scenario=dee, seed=1)
    out = s.respond("Can you tell me what happened with him?")  # an open question, but a probe
    neutral = [t.replace("{them}", "them") for t in dee.reactions["trauma_question"]]
    reply = s.current_line()  # a reply written for the probe carries its own reaction
    assert out.turn.reaction in neutral + ([reply.thought] if reply.after is not None else [])


@pytest.mark.parametrize(("pronouns", "word"), [(None, "They"), ("she/her", "She")])
def test_trainee_pronouns_are_neutral_unless_set(clf, pronouns, word):
    walt = builtin("street-home")
    reactions = set()
    for seed in range(1, 12):
        s = session(clf, scenario=walt, seed=seed, pronouns=pronouns)
        reactions.add(s.respond("What's it like out here for you?").turn.reaction)
    assert f"Huh. {word} asked. Most of 'em don't." in reactions
    assert not any("{" in r for r in reactions)


def test_gentle_warns_then_gives_one_chance_to_repair(clf):
    s = session(clf, seed=1, difficulty="gentle")
    s.respond("You should have called them weeks ago.")  # strike 1: defensive
    out = s.respond("Well, you should listen to advice for once.")  # would walk out
    assert out.ended is None and out.turn.warning and s.state_id == "defensive"
    assert any(r.kind == "warning" for r in out.turn.reasons)
    assert s.current_line().text == "I'm about ready to go."
    out = s.respond("You're sick of being told what to do.")  # the repair
    assert any(r.kind == "repair" for r in out.turn.reasons) and not out.turn.warning
    assert out.ended is None


def test_gentle_ruptures_only_after_the_warning_goes_unrepaired(clf):
    s = session(clf, seed=1, difficulty="gentle")
    s.respond("You should have called them weeks ago.")
    assert s.respond("Well, you should listen to advice for once.").turn.warning
    out = s.respond("You just need to listen to advice for once.")
    assert out.ended == "rupture"


def test_standard_needs_a_pattern_hard_takes_one_severe_response(clf):
    for difficulty, ends in (("standard", False), ("hard", True)):
        s = session(clf, seed=1, difficulty=difficulty)
        s.transcript.rapport = 2
        out = s.respond("You're lazy and you're making excuses.")  # one sure judgment
        assert out.turn.code == "judgment"
        assert (out.ended == "rupture") is ends, difficulty
        if not ends:
            assert out.turn.warning and out.turn.rapport_after == 1
        else:  # the reasons say why it ended
            assert out.turn.reasons[-1].kind == "rupture"
            assert out.turn.reasons[-1].text.startswith("Sam ends the conversation: at hard")


class Unsure:
    """The classifier with a low confidence on every result (as a learned arbiter may give)."""

    def __init__(self, clf, confidence):
        self.clf, self.ruleset, self.confidence = clf, clf.ruleset, confidence

    def classify(self, text, client=None):
        result = self.clf.classify(text, client)
        return _WithConfidence(result, self.confidence)


class _WithConfidence:
    def __init__(self, result, confidence):
        self._r, self.confidence = result, confidence

    def __getattr__(self, name):
        return getattr(self._r, name)


def test_an_unsure_non_adherent_code_warns_and_drops_rapport_gently(clf):
    t = new_transcript(MINI, trainee=None, feedback="turn", seed=1, source="t", difficulty="hard")
    s = Session(MINI, Unsure(clf, 0.3), t)
    s.transcript.rapport = 1
    out = s.respond("You're lazy and you're making excuses.")
    assert out.turn.code == "judgment" and not out.turn.strike
    assert [r.kind for r in out.turn.reasons][:1] == ["unsure"]
    assert out.ended is None and out.turn.warning  # not even at hard
    sure = Session(
        MINI,
        Unsure(clf, 0.95),
        new_transcript(MINI, trainee=None, feedback="turn", seed=1, source="t", difficulty="hard"),
    )
    sure.transcript.rapport = 1
    assert sure.respond("You're lazy and you're making excuses.").ended == "rupture"


def test_memory_survives_undo_and_resume(clf, tmp_path):
    s = session(clf, seed=5)
    s.respond("Decisions like this usually take four to eight weeks.")
    s.respond("Okay.")
    expected = s.current_line().text
    s.respond("Let me grab a pen.")
    s.undo()
    assert s.current_line().text == expected
    path = tr.save(s.transcript, tmp_path)
    again = Session(MINI, clf, tr.load(path))
    assert again.current_line().text == expected
    assert again.memory().heard == {"timeline"}


def test_mi_consistent_work_is_never_marked_down_by_the_otherwise_branch(clf):
    from mi_coach.practice.scenarios import State

    opening = MINI.states["opening"]
    strict = opening.model_copy(
        update={
            "transitions": [
                opening.transitions[0],
                opening.transitions[-1].model_copy(update={"rapport": -1}),
            ]
        }
    )
    assert isinstance(strict, State)
    scenario = MINI.model_copy(update={"states": {**MINI.states, "opening": strict}})
    s = session(clf, scenario=scenario)
    out = s.respond("You've kept every letter in a folder.")  # an affirmation, not what Sam needs
    assert out.turn.code == "affirm" and out.turn.rapport_after == out.turn.rapport_before
    [reason] = out.turn.reasons
    assert reason.delta == 0 and "Sam still needs a sign that someone has heard" in reason.text
    out = s.respond("Let me grab a pen.")  # not MI-consistent: the otherwise branch costs 1
    assert out.turn.rapport_after == out.turn.rapport_before - 1


def test_a_code_that_costs_rapport_says_what_the_client_needed(clf):
    s = session(clf, difficulty="standard")
    out = s.respond("You should have called them weeks ago.")
    assert out.turn.family == "mi_non_adherent"
    texts = [r.text for r in out.turn.reasons if r.delta < 0]
    assert any("Sam needed a sign that someone has heard" in t for t in texts), texts


def test_a_speech_costs_rapport_and_says_so(clf):
    s = session(clf)
    speech = " ".join(["The office is slow this month and the letters go out in batches."] * 6)
    out = s.respond(speech)
    kinds = {r.kind: r for r in out.turn.reasons}
    assert "words_at_least" in kinds and kinds["words_at_least"].delta == -1
    assert f"long response: {len(speech.split())} words" in kinds["words_at_least"].text


def test_a_consistent_response_that_stays_does_not_count_as_ignoring_the_need(clf):
    s = session(clf, seed=3)
    out = s.respond("You've kept on top of every single letter they sent.")
    assert out.turn.family == "mi_adherent" and s.state_id == "opening"
    assert s.memory().ignored == 0  # heard, even if it did not move things on
    assert s.current_line().text != ESCALATES
    s.respond("Let me grab a pen.")
    assert s.memory().ignored == 1


def test_reactions_are_not_rethought_while_a_less_specific_one_is_fresh(clf):
    scenario = MINI.model_copy(update={"reactions": {"giving_information": ["Numbers. Okay."]}})
    s = session(clf, scenario=scenario, seed=2)
    texts = ["The office opens at eight.", "The office phone line opens at 8 a.m. on weekdays."]
    reactions = []
    for text in texts:
        out = s.respond(text)
        assert out.turn.code == "giving_information"
        reactions.append(out.turn.reaction)
    assert reactions[0] == "Numbers. Okay."
    assert reactions[1] != reactions[0]  # the family's thoughts before the same one again


def test_a_transitions_own_thought_is_thought_once(clf):
    opening = MINI.states["opening"]
    last = opening.transitions[-1].model_copy(update={"thought": "Still waiting, then."})
    state = opening.model_copy(update={"transitions": [*opening.transitions[:-1], last]})
    scenario = MINI.model_copy(update={"states": {**MINI.states, "opening": state}})
    s = session(clf, scenario=scenario, seed=5)
    first = s.respond("Let me grab a pen.").turn.reaction
    second = s.respond("Sorry, my phone keeps buzzing.").turn.reaction
    assert first == "Still waiting, then." and second != first


@pytest.mark.parametrize(
    "text, mentioned",
    [
        ("I'm not writing anything right now.", False),
        ("Nobody's calling security.", False),
        ("I won't call security, I promise.", False),
        ("I wont call security.", False),
        ("It's not the clinic, it's the ID.", False),
        ("I'll call security if this goes on.", True),
        ("Not sure yet, but the clinic opens at nine.", True),  # the negation is another clause
        ("No, I'm writing it down so we both have it.", True),
        ("I'm not going to ask about your meds.", False),
        ("I don't know if the clinic is open today.", True),  # the negation is about knowing
        ("If you can't lower your voice you'll lose your bed.", True),  # a new subject
    ],
)
def test_a_negated_mention_is_not_a_mention(text, mentioned):
    # "I'm not writing anything" must not bring "You're writing it down?"; the negation words
    # are data (reactions.yml: negated_mentions)
    from mi_coach.practice.reactions import Condition
    from mi_coach.practice.session import holds

    when = Condition(
        mentions=["writing", "write", "security", "clinic", "your meds", "you'll lose your bed"]
    )
    assert holds(when, "giving_information", "neutral", text, 5) is mentioned


def test_an_anywhere_reaction_holds_in_every_state_and_the_client_stays(clf):
    # a question the client's file says not to probe costs rapport, with its reason, wherever
    # the conversation is; the client stays in the state
    from mi_coach.practice.scenarios import Anywhere

    probe = Anywhere.model_validate(
        {
            "when": {"family": ["question"], "mentions": ["your meds", "medication"]},
            "rapport": -2,
            "reason": "probing",
            "thought": "The meds question again.",
            "example": "Are you taking your meds?",
        }
    )
    sc = MINI.model_copy(update={"anywhere": [probe]})
    for warm_up in ([], ["You're worried the rent will come before the money does."]):
        s = session(clf, scenario=sc)
        for text in warm_up:
            s.respond(text)
        where, before = s.state_id, s.rapport
        out = s.respond("Are you taking your meds?")
        assert s.state_id == where and out.turn.rapport_after == before - 2
        assert any("probing" in r.text and "your meds" in r.text for r in out.turn.reasons)
        assert out.turn.reaction == "The meds question again."
    # said the other way round, it is not a probe
    s = session(clf, scenario=sc)
    out = s.respond("I'm not going to ask about your meds. How is the rent going?")
    assert not any("probing" in r.text for r in out.turn.reasons)


def test_the_same_words_again_move_nothing_forward(clf):
    # a repeat gets no credit and takes no step: the session cannot end in thanks on it
    s = session(clf)
    first = "You're worried the rent will come before the money does."
    s.respond(first)
    where = s.state_id
    assert where != MINI.start  # the reflection moved the client on
    out = s.respond(first)
    assert s.state_id == where and out.ended is None
    assert any("repeating yourself" in r.text for r in out.turn.reasons)


def test_a_plain_answer_to_the_clients_own_question_is_no_missed_chance(clf):
    # "Do I call her or does she call me?" is change talk and a question: answering it plainly
    # is what the client asked for, not a chance passed over; advice still is one
    from mi_coach.practice.reactions import Line as BaseLine
    from mi_coach.scoring.evidence import views

    line = BaseLine(
        text="I could do Thursday. Do I call her or does she call me?",
        talk="change",
        thought="Thursday.",
    )
    s = session(clf)
    assert not s._missed(line, "giving_information")
    assert s._missed(line, "righting_reflex")
    statement = line.model_copy(update={"text": "I could do Thursday, I think."})
    assert s._missed(statement, "giving_information")
    # the scorecard reads an untagged line the same way
    t = tr.Turn(
        n=1,
        client=tr.ClientTurn(text="I want to go. Who calls who, me or her?"),
        response="You call her; here's the number.",
        code="giving_information",
        family="neutral",
        codes=["giving_information"],
        evidence=[],
    )
    (v,) = views([t], {"giving_information": "neutral"})
    assert not v.missed


@pytest.mark.parametrize("difficulty", ["gentle", "standard", "hard"])
def test_a_pattern_of_slips_brings_a_warning_however_warm_the_client(clf, difficulty):
    s = session(clf, difficulty=difficulty)
    s.transcript.rapport = 10
    first = s.respond("You should call them today.")
    assert first.turn.family == "mi_non_adherent" and not first.turn.warning
    s.respond("You're worried the rent will come before the money does.")
    second = s.respond("You need to just ring the office and demand an answer.")
    assert second.turn.family == "mi_non_adherent", second.turn.code
    assert second.turn.warning and second.ended is None
    assert any("notices a pattern" in r.text for r in second.turn.reasons)


def test_a_person_the_client_introduced_is_known_from_then_on(clf):
    # lines that name someone the trainee has never heard of wait until the client introduced
    # them (`tells`) or the trainee named them; the introduction is not said twice
    from mi_coach.practice.scenarios import Fact, Line

    intro = Line(
        text="My sister June, she's the one who drives me. June says call them.",
        talk="change",
        thought="June.",
        tells=["june"],
        unless=["june"],
    )
    named = Line(
        text="June would drive me Friday.", talk="change", thought="Friday.", requires=["june"]
    )
    states = dict(MINI.states)
    start = states[MINI.start]
    states[MINI.start] = start.model_copy(update={"lines": [*start.lines, intro, named]})
    sc = MINI.model_copy(
        update={"states": states, "facts": {**MINI.facts, "june": Fact(mentions=["june"])}}
    )
    s = session(clf, scenario=sc)
    assert not s._usable(named, s.memory()) and s._usable(intro, s.memory())
    s.transcript.turns.append(
        tr.Turn(
            n=1,
            state=MINI.start,
            next_state=MINI.start,
            client=tr.ClientTurn(text=intro.text, talk="change"),
            response="Okay.",
            code="other",
            family="other",
            codes=["other"],
            evidence=[],
        )
    )
    mem = s.memory()
    assert "june" in mem.heard
    assert s._usable(named, mem) and not s._usable(intro, mem)


def test_an_offer_is_heard_and_the_client_stops_saying_nobody_offered(clf):
    # Ray in `barriers`: once the trainee offers the bus pass, he answers the offer, and no line
    # saying he has no bus pass or that nobody has an answer comes after it
    ray = builtin("shelter-yelling")
    for seed in range(1, 5):
        s = session(clf, scenario=ray, seed=seed)
        s.transcript.state = "barriers"
        s.respond("Okay.")
        s.respond("We have bus passes here, I can get you one today.")
        assert "bus_offered" in s.memory().heard
        assert s.current_line().text.startswith("A bus pass?")
        later = []
        for text in ["Hmm.", "Right.", "Mm."]:
            s.respond(text)
            later.append(s.current_line().text)
        assert not any("no bus pass" in x or "Nobody's got an answer" in x for x in later)
        assert not any(x.startswith("Bus pass costs") for x in later)


def _with_lines(state_id, *lines, scenario=MINI):
    states = dict(scenario.states)
    st = states[state_id]
    states[state_id] = st.model_copy(update={"lines": [*st.lines, *lines]})
    return scenario.model_copy(update={"states": states})


def test_a_reaction_to_the_step_in_is_said_only_on_arriving(clf):
    # "At least you said it" reacts to the response that led into the state; after a response
    # that kept the client there, it would answer words nobody just said
    from mi_coach.practice.scenarios import Line

    landed = Line(text="Huh. That landed.", talk="neutral", thought="Oh.", arriving=True)
    sc = _with_lines("opening_up", landed)
    s = session(clf, scenario=sc)
    assert not s._usable(landed, s.memory())  # the first line of a session arrives nowhere
    s.respond("You're worried the rent will come before the money does.")
    assert s.state_id == "opening_up" and s._usable(landed, s.memory())
    s.respond("Okay.")  # stays in opening_up
    assert s.state_id == "opening_up" and not s._usable(landed, s.memory())


def test_a_closing_sums_up_what_was_said(clf):
    # in an ending state the line that presumes most of the conversation comes first
    from mi_coach.practice.scenarios import Line

    plain = "Right. Tomorrow, before work, I call them. Thanks."
    rent = Line(
        text="Tomorrow I call about the timeline, before the rent's due.",
        talk="change",
        thought="A plan.",
        requires=["timeline"],
    )
    sc = _with_lines("next_step", rent)
    for seed in range(1, 6):
        s = session(clf, scenario=sc, seed=seed)
        s.respond("Decisions like this usually take four to eight weeks.")
        assert "timeline" in s.memory().heard
        s.transcript.state = "next_step"
        assert s.current_line().text == rent.text
        s = session(clf, scenario=sc, seed=seed)
        s.transcript.state = "next_step"
        assert s.current_line().text == plain  # without the timeline heard, the plain one


def test_a_long_response_is_thought_of_as_long_whatever_its_code(clf):
    s = session(clf)
    long_q = (
        "So the way it works is that the office looks at your file, then they send a letter, "
        "and after that you have a few weeks to get the papers in, and then somebody calls "
        "you back about the date, does that make sense?"
    )
    out = s.respond(long_q)
    assert len(long_q.split()) >= s.reactions.long_response.thought_at
    assert "long" in s.reaction_keys(out.turn, s.scenario.states["opening"].transitions[-1])
    assert out.turn.reaction in s.reactions.thoughts["long"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("We mailed the rent papers on Monday. Which way do you want to go?", False),
        ("Okay. How is the rent going?", True),
        ("how are things with the rent", True),  # typed without a question mark: the last sentence
        ("Is the rent paid? Or is it still late?", True),
    ],
)
def test_a_reply_to_a_question_looks_for_its_words_in_the_question(text, found):
    # "Fourteen days behind on the rent" answers a question about the rent, not a question that
    # followed some words about the rent
    from mi_coach.practice.session import Condition, holds

    asked = Condition(family=["question"], mentions=["rent"])
    assert holds(asked, "open_question", "question", text, 5) is found
    # a condition that does not take the response as a question looks at all of it
    anywhere = Condition(mentions=["rent"])
    assert holds(anywhere, "open_question", "question", text, 5)


def test_an_anywhere_reaction_is_answered_by_its_own_lines(clf):
    # the client answers the probe itself, not with the state's next line (each line once)
    from mi_coach.practice.scenarios import Anywhere

    probe = Anywhere.model_validate(
        {
            "when": {"family": ["question"], "mentions": ["your meds", "medication"]},
            "rapport": -1,  # gently: no warning sign comes first
            "reason": "probing",
            "lines": [
                {"text": "My meds are my business.", "talk": "discord", "thought": "Again."},
                {"text": "Not that again.", "talk": "discord", "thought": "Again."},
            ],
            "example": "Are you taking your meds?",
        }
    )
    sc = MINI.model_copy(update={"anywhere": [probe]})
    s = session(clf, scenario=sc)
    answers = set()
    for text in ["Are you taking your meds?", "Is your medication working?"]:
        s.respond(text)
        answers.add(s.current_line().text)
    assert answers == {"My meds are my business.", "Not that again."}
    s.respond("Do you still take your meds?")  # both said: the state's own lines again
    assert s.current_line().text not in answers
    s.respond("Okay.")  # no probe: the state's lines
    assert s.current_line().text not in answers


# -- a question is answered in kind -------------------------------------------------------------
TO_OPENING_UP = "You're worried the rent will come before the money does."


def _answers(kind):
    from mi_coach.practice.reactions import load_reactions

    return {x.text for x in load_reactions().lines.answers if kind in x.after.asked}


@pytest.mark.parametrize(
    ("code", "text", "kind"),
    [
        ("seek_collaboration", "Would it be okay if I shared a couple of options?", "offer"),
        (
            "giving_information",
            "The line opens at eight. I could ring with you if you like.",
            "offer",
        ),
        ("closed_question", "Have you called them before?", "yes_no"),
        # a short tag asks about what was said before it
        ("closed_question", "The nurse could come here to you. Yes or no on that?", "offer"),
        ("closed_question", "Is there anything you'd want from the van today?", "offer"),
        ("closed_question", "Do you want to start with the letter or the call?", "choice"),
        ("closed_question", "Where did you sleep last night?", "open"),  # a fact, not a yes
        # two courses side by side are a choice; an opt-out after an offer leaves an offer
        (
            "seek_collaboration",
            "Do you want me to ask for someone else, or would you rather keep going with me?",
            "choice",
        ),
        (
            "seek_collaboration",
            "Would it help if I went through them, or would you rather not go there today?",
            "offer",
        ),
        ("closed_question", "Just so I get it right: is it the clinic or the drop-in?", "choice"),
        ("closed_question", "Morning or afternoon, which is better for you?", "choice"),
        # a question inside another kind of response still asks
        ("emphasize_autonomy", "It's your call. What would you want to do first?", "open"),
        ("complex_reflection", "You hate that the pills come first.", None),
        # a short question that opens with a question word asks its own question, not a tag
        ("closed_question", "You're the one they come to. Who looks out for you?", "open"),
        ("open_question", "What makes it hard to get to the office or the phone?", "open"),
        ("complex_reflection", "You could call them, if you wanted to.", None),
        ("righting_reflex", "Can I suggest you just call them?", None),
    ],
)
def test_what_a_response_asks(code, text, kind):
    from mi_coach.practice.reactions import asked_kind

    assert asked_kind(code, text) == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Would it help if I explained how those calls usually go?", "offer"),
        ("Has the office written to you at all?", "yes_no"),
    ],
)
def test_a_question_nothing_answers_gets_an_answer_in_kind(clf, text, kind):
    # the mini client's opening_up state has no line written for a question: without the
    # fallback answers it would go on about the hold music as if nothing was asked
    for seed in range(1, 5):
        s = session(clf, seed=seed)
        s.respond(TO_OPENING_UP)
        out = s.respond(text)
        assert out.turn.next_state == "opening_up"
        assert s.current_line().text in _answers(kind), (seed, s.current_line().text)


def test_a_response_that_asks_nothing_gets_the_state_line(clf):
    s = session(clf, seed=2)
    s.respond(TO_OPENING_UP)
    s.respond("Okay.")
    assert s.current_line().text in {x.text for x in MINI.states["opening_up"].lines}


def test_the_states_own_answer_comes_before_the_fallback(clf):
    from mi_coach.practice.scenarios import Line

    own = Line(
        text="Called twice. Hung up after forty minutes both times.",
        talk="sustain",
        thought="Forty minutes of that music.",
        after={"asked": ["yes_no"]},
    )
    scenario = _with_lines("opening_up", own)
    s = session(clf, scenario=scenario, seed=3)
    s.respond(TO_OPENING_UP)
    out = s.respond("Has the office written to you at all?")
    assert s.current_line().text == own.text
    assert out.turn.reaction == own.thought  # the thought shown is the one the answer carries
    s.respond("Okay.")  # asks nothing: the state's line, not the answer again
    assert s.current_line().text != own.text


# -- owning a slip repairs ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("owning", "words"),
    [
        ("That was a lot. That's on me.", "that's on me"),
        # an apology counts as owning only right after a slip (reactions.yml: apology)
        ("I'm sorry, bad choice of words.", "i'm sorry"),
        # naming the slip itself, in the first person
        ("I slipped into telling you what to do. It's your call.", "i slipped"),
    ],
)
def test_owning_a_slip_repairs_and_the_client_acknowledges_it(clf, owning, words):
    # the mini client has no transition of its own for an apology: the shared rule
    # (reactions.yml owning_repair) gives back a point after a response that cost rapport, and
    # the client says it heard it
    from mi_coach.practice.reactions import load_reactions

    acks = {x.text for x in load_reactions().lines.answers if x.after.said}
    s = session(clf, seed=4)
    s.respond(TO_OPENING_UP)
    speech = " ".join(["The office is on Fourth Street and the phone line opens at eight."] * 6)
    slip = s.respond(speech)  # a speech: long response, -1
    assert s.state_id == "opening_up"
    assert sum(r.delta for r in slip.turn.reasons) < 0, slip.turn.reasons
    owned = s.respond(owning)
    kinds = {r.kind: r for r in owned.turn.reasons}
    assert "owning" in kinds and kinds["owning"].delta == 1, owned.turn.reasons
    assert words in kinds["owning"].text.lower()
    assert s.current_line().text in acks
    # when the client moves on instead, the thought still takes it in (reactions.yml thoughts)
    otherwise = s.scenario.states["opening_up"].transitions[-1]
    assert "owning" in s.reaction_keys(owned.turn, otherwise)
    assert "owning" not in s.reaction_keys(slip.turn, otherwise)


def test_an_apology_with_nothing_to_own_is_no_repair(clf):
    s = session(clf, seed=4)
    s.respond(TO_OPENING_UP)
    out = s.respond("That's on me, I should have said it sooner: you can call them at eight.")
    assert "owning" not in {r.kind for r in out.turn.reasons}


def test_a_question_that_moved_the_client_on_is_answered_in_kind_there(clf):
    # "Has the office written to you at all?" moves the mini client on (a question leads to
    # opening_up): the new state's answer to a yes/no question comes first, not the next thing on
    # the client's mind. An open question that moved the client on is answered by the new state's
    # own lines, written for what leads there.
    from mi_coach.practice.scenarios import Line

    yes_no = Line(
        text="Written? Not a word. Six weeks.",
        talk="sustain",
        thought="Asked, not told.",
        after={"asked": ["yes_no"]},
    )
    open_ = Line(
        text="Where do I start. It's all of it.",
        talk="neutral",
        thought="Big question.",
        after={"asked": ["open"]},
    )
    scenario = _with_lines("opening_up", yes_no, open_)
    for seed in range(1, 5):
        s = session(clf, scenario=scenario, seed=seed)
        out = s.respond("Has the office written to you at all?")
        assert (out.turn.state, out.turn.next_state) == ("opening", "opening_up")
        assert s.current_line().text == yes_no.text
        s = session(clf, scenario=scenario, seed=seed)
        out = s.respond("What has the waiting been like for you?")
        assert (out.turn.state, out.turn.next_state) == ("opening", "opening_up")
        assert s.current_line().text in {x.text for x in MINI.states["opening_up"].lines}


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Do you want me to call them today, or would you rather write to them?", "choice"),
        ("What has the waiting been like for you?", "open"),
    ],
)
def test_a_bare_yes_answers_no_choice_and_no_open_question(clf, question, kind):
    # "Yes. Make the call." to an either/or: a line whose first sentence is a bare yes or no
    # answers a yes/no question or an offer only (reactions.yml: answer_openings)
    from mi_coach.practice.reactions import asked_kind
    from mi_coach.practice.scenarios import Line

    bare = Line(text="Yeah. Sure. Whatever you say.", talk="neutral", thought="Nod.")
    s = session(clf, scenario=_with_lines("opening_up", bare))
    s.respond(TO_OPENING_UP)
    out = s.respond(question)
    assert asked_kind(out.turn.code, question) == kind
    assert not s._usable(bare, s.memory())
    s.respond("Okay.")  # asks nothing: any opening may follow
    assert s._usable(bare, s.memory())


def test_a_reflection_inside_a_question_answers_the_discord(clf):
    # "I'm sorry, bad choice of words. You want a straight answer. Do you want to see the file?"
    # is coded a closed question with a reflection also: the discord was reflected
    from mi_coach.practice.reactions import Line as BaseLine

    line = BaseLine(text="Don't tell me what I need.", talk="discord", thought="Here we go.")
    s = session(clf)
    assert not s._missed(line, "closed_question", ["closed_question", "complex_reflection"])
    assert s._missed(line, "closed_question", ["closed_question"])


def test_a_guarded_line_waits_for_guarded_rapport_and_a_trusting_one_for_trust(clf):
    # "Everybody's got a form" said at rapport 10, right after the client thanked the trainee,
    # is a stranger talking: a line can say the rapport it fits (rapport_below, rapport_at_least)
    from mi_coach.practice.scenarios import Line

    guarded = Line(text="Forms. Always forms.", talk="discord", thought="Here we go.")
    guarded = guarded.model_copy(update={"rapport_below": 6})
    trusting = Line(text="Okay. I can tell you.", talk="neutral", thought="Maybe.")
    trusting = trusting.model_copy(update={"rapport_at_least": 6})
    s = session(clf, scenario=_with_lines("opening_up", guarded, trusting))
    assert s.rapport < 6
    assert s._usable(guarded, s.memory()) and not s._usable(trusting, s.memory())
    s.respond(TO_OPENING_UP)
    s.respond("Six weeks of silence, and the rent won't wait for an answer.")
    assert s.rapport >= 6, s.rapport
    assert not s._usable(guarded, s.memory()) and s._usable(trusting, s.memory())
    assert not guarded.free and not trusting.free  # a state still needs a line for any rapport


def test_a_topic_reply_answers_the_question_not_the_words_before_it(clf):
    # "Carla's worried. Has anyone looked at the foot?" got "Carla? Nine years now.": a line kept
    # for a mention answers a question only when the question itself holds the words
    from mi_coach.practice.scenarios import Line

    rent = Line(
        text="The landlord? He's been decent. So far.",
        talk="neutral",
        thought="For now.",
        after={"mentions": ["landlord"]},
    )
    for seed in range(1, 4):
        s = session(clf, scenario=_with_lines("opening_up", rent), seed=seed)
        s.respond(TO_OPENING_UP)
        s.respond("Your landlord knows about it. Did the office give you a date?")
        assert s.current_line().text != rent.text
        s = session(clf, scenario=_with_lines("opening_up", rent), seed=seed)
        s.respond(TO_OPENING_UP)
        s.respond("Is the landlord the worst of it?")
        assert s.current_line().text == rent.text
    # a statement is answered by its words, wherever they are
    s = session(clf, scenario=_with_lines("opening_up", rent), seed=1)
    s.respond(TO_OPENING_UP)
    s.respond("The landlord waiting on top of everything else.")
    assert s.current_line().text == rent.text
