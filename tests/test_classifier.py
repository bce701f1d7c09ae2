"""The classifier's behaviour: CODES.md's definitions, precedence and tie-breaks, typed reality."""

from __future__ import annotations

import pytest

from mi_coach.coding.ruleset import load_codes

CODES = load_codes()


@pytest.mark.parametrize(
    "text,code",
    [
        # CODES.md's own examples
        ("You've been waiting three weeks.", "simple_reflection"),
        (
            "Being there for your kids matters more to you than anything, and the using gets in the way "
            "of that.",
            "complex_reflection",
        ),
        (
            "On one hand it's your only break, on the other you see what it costs.",
            "complex_reflection",
        ),
        ("What would make tonight feel safer?", "open_question"),
        ("How does your family usually decide big things?", "open_question"),
        ("Did you call the clinic?", "closed_question"),
        ("you still at your sister's", "closed_question"),
        ("Six applications in your first week out — that's persistence.", "affirm"),
        ("That decision belongs to you.", "emphasize_autonomy"),
        ("You know your situation best.", "emphasize_autonomy"),
        ("Would it be okay if I shared a couple of options?", "seek_collaboration"),
        ("Let's work out together what's realistic.", "seek_collaboration"),
        ("You have 30 days from the date on the letter to appeal.", "giving_information"),
        (
            "Since you asked: some people start with the evening group. Take it or leave it.",
            "persuade_with_permission",
        ),
        ("You should call them today.", "righting_reflex"),
        ("Why don't you just go?", "righting_reflex"),
        ("Have you tried AA?", "righting_reflex"),
        ("If you don't fill this out you'll lose your bed.", "righting_reflex"),
        ("You're just making excuses.", "judgment"),
        ("People like you always say that.", "judgment"),
        ("Don't you think your kids deserve better?", "judgment"),
        ("Why would you do that?", "judgment"),
        ("Mm-hmm.", "other"),
        ("Thanks for waiting.", "other"),
        ("Let me grab that form.", "other"),
    ],
)
def test_codes_md_examples(clf, text, code):
    assert clf.classify(text).code == code


@pytest.mark.parametrize(
    "text,code",
    [
        ("Good job!", "other"),  # generic praise is not an affirmation
        ("I'm proud of you.", "other"),
        ("I know it's really hard.", "other"),  # sympathy is not coded
        ("You have no concerns at all about your drinking?", "judgment"),  # a confronting question
    ],
)
def test_when_unsure_tie_breaks(clf, text, code):
    assert clf.classify(text).code == code


@pytest.mark.parametrize(
    "text,code",
    [
        ("you should call them today", "righting_reflex"),  # lowercase, no punctuation
        ("u need to call ur worker", "righting_reflex"),  # texting spellings
        ("what happened after that", "open_question"),  # question with no question mark
        ("have you tried calling the food bank", "righting_reflex"),
        ("you shoud really go to the meeting", "righting_reflex"),  # a typo
        ("wat would help right now", "open_question"),
        ("do u have a ride tomorrow", "closed_question"),
    ],
)
def test_typed_reality(clf, text, code):
    assert clf.classify(text).code == code


@pytest.mark.parametrize(
    "text,norms",
    [
        ("ur not even listening", "you are not even listening"),  # "ur" before "not": you are
        ("ur gonna lose the room", "you are going to lose the room"),
        ("ur so strong", "you are so strong"),  # adjective, no noun after it
        ("your the expert here", "you are the expert here"),  # the typo, before a determiner
        ("ur new job sounds good", "your new job sounds good"),  # adjective + noun: possessive
        ("bring ur lease", "bring your lease"),
        ("it's on your to-do list", "it 's on your to - do list"),  # a compound stays possessive
    ],
)
def test_ur_reads_by_the_next_word(clf, text, norms):
    """normalize.yml `contextual`: typed "ur" means "your" or "you are" depending on what follows."""
    doc = clf.pipeline.nlp(text)
    assert " ".join(t.norm_ for t in doc) == norms


def test_non_adherent_is_never_hidden(clf):
    r = clf.classify("It sounds like you're exhausted. You need to get some sleep.")
    assert r.code == "righting_reflex"
    assert r.codes[0] in ("simple_reflection", "complex_reflection")
    assert set(r.codes) >= {"righting_reflex"}
    r = clf.classify("You've come a long way. Don't you think your kids deserve better?")
    assert r.code == "judgment"
    assert "affirm" in r.codes


def test_several_behaviours_are_all_reported(clf):
    r = clf.classify(
        "It sounds like you're exhausted. What would help tonight?",
        client="I've been up since four.",
    )
    assert r.codes == ("complex_reflection", "open_question")
    # The question is what the client answers, so it is the primary code (codes.yml precedence).
    assert r.code == "open_question"
    assert r.family == "question"


def test_backchannel_is_dropped_when_there_is_a_behaviour(clf):
    r = clf.classify("Mm-hmm. What happened next?")
    assert r.codes == ("open_question",)


def test_client_context_decides_simple_or_complex(clf):
    response = "You're scared they'll take the kids."
    assert (
        clf.classify(response, client="I'm scared they'll take the kids.").code
        == "simple_reflection"
    )
    assert (
        clf.classify(response, client="CPS called again about the kids.").code
        == "complex_reflection"
    )


def test_inner_state_is_a_reflection_without_a_cue_phrase(clf):
    r = clf.classify("Getting there is wearing you down.", client="The bus takes two hours.")
    assert r.family == "reflection"


def test_echo_of_the_clients_words_is_a_simple_reflection(clf):
    r = clf.classify(
        "Three weeks and no call back.",
        client="It's been three weeks and nobody has called me back.",
    )
    assert r.code == "simple_reflection"


def test_permission_from_the_client_makes_advice_persuade_with_permission(clf):
    advice = "You could call the legal aid line first."
    assert clf.classify(advice).code == "righting_reflex"
    assert (
        clf.classify(advice, client="Any ideas? I'm out of them.").code
        == "persuade_with_permission"
    )


def test_empty_and_blank_are_other(clf):
    for text in ("", "   ", "\n"):
        r = clf.classify(text)
        assert r.code == "other" and r.codes == ("other",) and r.evidence == ()


def test_a_5000_character_response_works_and_a_longer_one_is_refused(clf):
    from mi_coach.base.errors import MiCoachError
    from mi_coach.coding.inputs import MAX_RESPONSE_CHARS

    text = ("You should call them today. It sounds like you're tired. " * 2000)[:MAX_RESPONSE_CHARS]
    r = clf.classify(text)
    assert r.code == "righting_reflex"
    assert all(0 <= t.start < t.end <= len(text) for t in r.evidence)
    with pytest.raises(MiCoachError, match="limited to 5,000 characters; this one has 100,000"):
        clf.classify((text * 20)[:100_000])
    with pytest.raises(MiCoachError, match="client statement is limited"):
        clf.classify("You're tired.", "x" * 5001)


def test_evidence_offsets_point_at_the_words(clf):
    text = "Okay, so you should call them today."
    r = clf.classify(text)
    for tag in r.evidence:
        assert text[tag.start : tag.end] == tag.match
    assert any("should" in t.match for t in r.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "I won't tell you what to do, but I wouldn't wait.",
        "You can't keep doing this, you shouldn't have to.",
        "It sounds like you're done with people who don't listen.",
    ],
)
def test_evidence_is_whole_words(clf, text):
    # spaCy splits "won't" into "wo" + "n't": evidence never ends or starts inside a word
    r = clf.classify(text)
    for tag in (*r.evidence, *r.fired):
        assert text[tag.start : tag.end] == tag.match
        assert tag.start == 0 or not text[tag.start - 1].isalnum(), tag.match
        assert tag.end == len(text) or not text[tag.end].isalnum(), tag.match


def test_batch_equals_one_by_one(clf):
    items = [
        ("You should call them.", None),
        ("What happened?", None),
        ("You're scared.", "I'm scared."),
        ("", None),
    ]
    batch = list(clf.classify_many(items))
    single = [clf.classify(t, c) for t, c in items]
    assert [b.wire() for b in batch] == [s.wire() for s in single]


def test_every_result_code_is_a_wire_name(clf):
    for text in ["???", "🙂🙂", "שלום, מה שלומך?", "\x1b[31mred\x1b[0m", "a" * 5000, "- - -"]:
        r = clf.classify(text)
        assert r.code in CODES.codes
        assert set(r.codes) <= set(CODES.codes)


def test_terminal_escapes_and_control_characters_do_not_glue_to_words(clf):
    text = "\x1b[31mYou should\x1b[0m call\x07 them today."
    r = clf.classify(text)
    assert r.code == "righting_reflex"
    for tag in r.evidence:
        assert text[tag.start : tag.end] == tag.match


@pytest.mark.parametrize(
    "text,code",
    [
        # a parenthetical "you know" does not make a statement about the client
        ("So, you know, the shelter opens at six.", "giving_information"),
        # hesitations and stutters do not hide an open question
        ("Um, what-what would, uh, make tonight easier?", "open_question"),
        ("W-what did the landlord say?", "open_question"),
    ],
)
def test_spoken_disfluency_is_read_past(clf, text, code):
    result = clf.classify(text)
    assert result.code == code, result.fired
    assert all(0 <= t.start < t.end <= len(text) for t in result.evidence)


@pytest.mark.parametrize(
    "text,code",
    [
        # an inverted start makes the question closed, whatever comes later in it
        ("Did you notice what happened to the rent?", "closed_question"),
        ("Is that what happened?", "closed_question"),
        # a statement that opens with a wh-word is not a question
        ("What we talk about in here is between us.", "giving_information"),
        (
            "When you come in on Monday, the front desk will give you a number.",
            "giving_information",
        ),
    ],
)
def test_question_shape_not_just_question_words(clf, text, code):
    assert clf.classify(text).code == code


def test_a_spoken_restart_ends_a_sentence(clf):
    # "Is it--" is abandoned; the question that follows is what the client answers
    result = clf.classify("Is it-- what made you decide to call the shelter?")
    assert result.code == "open_question", result.fired
    assert len(result.sentences) == 2


@pytest.mark.parametrize(
    "text,non_adherent",
    [
        ("you need a job", True),
        ("your PO says you need a job", False),
        ("I think you should leave him", True),
        ("we feel you need to be in treatment", True),
        ("your mom thinks you should leave him", False),
        ("part of you feels you should call her", False),
        ("Don't you think you're being ungrateful?", True),
        ("man up", True),
        ("being told to man up must hurt", False),
        ("tell your PO you need more time", True),
        ("you were told you have to move out by friday", False),
    ],
)
def test_reported_speech_is_not_the_speakers_advice(clf, text, non_adherent):
    """Advice or a put-down in another voice (a clause completing "says", "thinks", "being told")
    is a reflection of the pressure on the client, not the speaker's righting reflex; the
    speaker's own "I think", an imperative, or an inverted "don't you think" still is."""
    got = clf.classify(text).code
    assert (got in ("judgment", "righting_reflex")) == non_adherent, got
