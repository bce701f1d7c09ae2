"""Redaction (`mi_coach.review.redact`): every placeholder type on sentences written for this test
(not from the corpora), look-alikes that must stay, names kept for the report's authors, linear-time
patterns, the floor on the planted/clean corpora, and `export --redact/--redact-all/--check`."""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import pytest

from mi_coach.cli.app import app
from mi_coach.coding.nlp import get_ner_pipeline
from mi_coach.practice.transcript import Annotation, ClientTurn, Transcript, Turn, now
from mi_coach.review import redact_shapes
from mi_coach.review.redact import Redactor, leftovers, redact
from mi_coach.review.redact_names import name_class
from mi_coach.review.redact_transcript import redact_all_fields

ROOT = Path(__file__).resolve().parents[1]

# (text, the redacted text): one or more of each kind, in the forms case managers write.
CASES = [
    ("Her DOB is 7/4/1971.", "Her DOB is [DATE]."),
    ("born March 3rd, 1990 in Erie", "born [DATE] in Erie"),
    ("The hearing is the 21st of October.", "The hearing is [DATE]."),
    ("Released 2023-11-30, reports Monday.", "Released [DATE], reports Monday."),
    ("DOB 01021980", "DOB [DATE]"),
    ("social is 552-81-0934", "social is [SSN]"),
    ("Last four of the SSN: 0934.", "Last four of the SSN: [SSN]."),
    ("Docket 2022-CR-01188 is closed.", "Docket [ID] is closed."),
    ("Her Medicaid ID is 7719 2204 1.", "Her Medicaid ID is [ID]."),
    ("case #55120 went to review", "case [ID] went to review"),
    ("member number QX-88213", "member number [ID]"),
    ("Call 724-555-0162 or (724) 555 0163.", "Call [PHONE] or [PHONE]."),
    ("reach her at +1 412 555 0100 ext. 3", "reach her at [PHONE]"),
    ("mail dee.w@clinic.example.org", "mail [EMAIL]"),
    ("it's dee dot w at gmail dot com", "it's [EMAIL]"),
    ("forms at www.example.gov/benefits", "forms at [URL]"),
    ("see https://example.org/a?b=1.", "see [URL]."),
    ("She moved to 88 Cedar Hollow Rd, Apt 4, last week.", "She moved to [ADDRESS], last week."),
    ("mail goes to PO Box 119, Altoona PA 16601", "mail goes to [ADDRESS], [ADDRESS]"),
    ("He grew up in Dayton, Ohio.", "He grew up in [ADDRESS]."),
    ("Kendra said the bus was late.", "[NAME] said the bus was late."),
    ("I asked Mr. Obuya about the lease.", "I asked Mr. [NAME] about the lease."),
    ("My son Tremaine starts school.", "My son [NAME] starts school."),
    ("i told jermaine to wait", "i told [NAME] to wait"),
    ("So Will is the one who drives you.", "So [NAME] is the one who drives you."),
    ("Will said he could help.", "[NAME] said he could help."),
    ("Her granddaughter May translates.", "Her granddaughter [NAME] translates."),
    ("Everybody calls me Tiny.", "Everybody calls me [NAME]."),
    ("Zofia, you have been working so hard.", "[NAME], you have been working so hard."),
    ("It's spelled K-O-W-A-L, like it sounds.", "It's spelled [NAME], like it sounds."),
    ("Consider asking Nguyen Van An what he wants.", "Consider asking [NAME] what he wants."),
    ("SSN# 219447805", "SSN# [SSN]"),
    ("born 12-25-1979 in a hurry", "born [DATE] in a hurry"),
]
# Look-alikes: nothing here may change.
KEEP = [
    "Maybe in May we can look again.",
    "Will you call me Thursday at 6:30?",
    "I hope things settle down by March.",
    "Hope you slept a little.",
    "The grace period ends Friday.",
    "I owe $1,450 and the fee is $35.",
    "She's 34 and has been clean since 2021.",
    "The 30-day notice came on the 3rd.",
    "Section 8 has a five-year waitlist.",
    "I take 20mg at 9am, 24/7 support helps.",
    "Get your W-2 and I-9 from the office.",
    "The Red Cross and Legal Aid both called.",
    "We spent Christmas Eve at the shelter.",
    "I speak Spanish and some English.",
    "Room 12 is mine.",
    "It happened between 1999-2004.",
    "Summer is hard when you sleep outside.",
    "They sent me to Catholic Charities for the deposit.",
    "I'm Black and Puerto Rican, and people assume things.",
    "I work at McDonald's and watched the Steelers game after.",
    "They moved us to Building C.",
]
# Named schools and workplaces can identify a client; generic mentions stay.
SCHOOLS = [
    ("My son goes to Lincoln Elementary now.", "My son goes to [PLACE] now."),
    ("She started at Roosevelt High School last fall.", "She started at [PLACE] last fall."),
    ("I got hired at Pete's Diner downtown.", "I got hired at [PLACE] downtown."),
]
GENERIC_PLACES = ["High school was hard.", "I went to college in Ohio.", "Middle school was rough."]


@pytest.mark.parametrize(("text", "expected"), SCHOOLS)
def test_named_schools_and_workplaces_are_places(ner, text, expected):
    assert redact([text], ner)[0][0] == expected


@pytest.mark.parametrize("text", GENERIC_PLACES)
def test_a_school_without_a_name_stays(ner, text):
    assert redact([text], ner)[0][0] == text


@pytest.fixture(scope="module")
def ner():
    pipeline = get_ner_pipeline()
    assert pipeline is not None, "a trained English pipeline is installed in the dev environment"
    return pipeline


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_each_kind_is_replaced_by_its_placeholder(ner, text, expected):
    assert redact([text], ner)[0][0] == expected


@pytest.mark.parametrize("text", KEEP)
def test_look_alikes_stay(ner, text):
    assert redact([text], ner)[0][0] == text


def test_counts_by_kind_and_names_carried_across_texts(ner):
    out, counts = redact(["Kendra Voss, 29, DOB 2/9/1995.", "Later Voss called 555-0142."], ner)
    assert out == ["[NAME], 29, DOB [DATE].", "Later [NAME] called [PHONE]."]
    assert counts == {"name": 2, "date": 1, "phone": 1}


def test_known_names_always_and_kept_names_never(ner):
    r = Redactor(ner, names=["Dee"], keep=["Ana Okafor"])
    found = r.find(["Dee told Ana Okafor the news.", "okafor and ana again, and Dee"])
    assert found[0].text == "[NAME] told Ana Okafor the news."
    assert found[1].text == "okafor and ana again, and [NAME]"
    everything = Redactor(ner, names=["Ana Okafor", "Dee"]).find(["Dee told Ana Okafor."])
    assert everything[0].text == "[NAME] told [NAME]."


def test_months_are_kept_as_months_and_may_as_a_name_goes(ner):
    out, _ = redact(["Come back in May.", "May has been great with the kids."], ner)
    assert out == ["Come back in May.", "[NAME] has been great with the kids."]


def test_the_name_lists_classes():
    assert name_class("Tasha") == "name"
    assert name_class("Rose") == "name-word"
    assert name_class("May") == name_class("Will") == name_class("Hope") == "word"
    assert name_class("Ramón") == name_class("Ramon")
    assert name_class("Xqzvb") is None


def test_leftovers_point_at_what_still_looks_like_an_identifier(ner):
    found = leftovers(["the code on the door is 48213", "nothing here", "[NAME] called"], ner)
    assert [(o.index, o.text) for o in found] == [(0, "48213")]
    assert leftovers(["[NAME] at [ADDRESS] on [DATE]"], ner) == []


# -- linear time ------------------------------------------------------------------------------


def _patterns():
    for name in dir(redact_shapes):
        value = getattr(redact_shapes, name)
        if isinstance(value, re.Pattern):
            yield name, value
    for rx in redact_shapes.WRITTEN_DATES:
        yield "WRITTEN_DATES", rx


def _nested_repeat(tree, inside_repeat=False):
    """True when a repeat that can run more than once holds another repeat."""
    import re._parser as sre  # type: ignore[import-not-found]

    for op, av in tree:
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            lo, hi, sub = av
            if inside_repeat:
                return True
            if _nested_repeat(sub, inside_repeat=hi > 1):
                return True
        elif op is sre.SUBPATTERN:
            if _nested_repeat(av[-1], inside_repeat):
                return True
        elif op is sre.BRANCH:
            if any(_nested_repeat(b, inside_repeat) for b in av[1]):
                return True
        elif op in (sre.ASSERT, sre.ASSERT_NOT) and _nested_repeat(av[1], inside_repeat):
            return True
    return False


@pytest.mark.skipif(sys.version_info < (3, 11), reason="re._parser is Python 3.11+")
def test_no_pattern_repeats_a_repeat():
    import re._parser as sre  # type: ignore[import-not-found]

    found = list(_patterns())
    assert len(found) >= 15
    for name, rx in found:
        assert not _nested_repeat(sre.parse(rx.pattern, rx.flags)), name


@pytest.mark.parametrize(
    "unit",
    ["1-", "a.", "A ", "1/", "12 ", "x@", "Aa-", "#1", "dot ", "Mr. A ", "www.a", "1 Elm "],
)
def test_adversarial_input_is_fast(unit):
    text = unit * 6000
    started = time.process_time()  # CPU time: catastrophic patterns, not speed
    Redactor(None).find([text])
    assert time.process_time() - started < 2.0


# -- the corpora --------------------------------------------------------------------------------

# Measured by bench/redaction.py: recall 0.996 (264/265), 0/1000 clean lines changed. The floor is
# about two standard errors below (sqrt(p(1-p)/n) = 0.004 for the recall).
RECALL_FLOOR = 0.988
CLEAN_CHANGED_CEILING = 0.005


def test_recall_and_clean_change_on_the_corpora(ner):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import redaction as bench  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    m = bench.measure(ner)
    assert m["identifiers"] == 265 and m["clean_lines"] == 1000
    assert m["recall"] >= RECALL_FLOOR, m["recall_by_type"]
    for kind, v in m["recall_by_type"].items():
        assert v["removed"] / v["of"] >= 0.95, kind
    assert m["keep"]["kept"] == m["keep"]["of"]
    assert m["clean_change_rate"] <= CLEAN_CHANGED_CEILING


# -- transcripts and the command ----------------------------------------------------------------


def _transcript() -> Transcript:
    t = Transcript.new(
        scenario_id="imported",
        scenario_title="session.txt",
        scenario_source="session.txt",
        trainee="Ana Okafor",
        kind="imported",
    )
    t.speakers = ["Counselor", "Tasha"]
    t.turns.append(
        Turn(
            n=1,
            client=ClientTurn(text="Tasha here, my DOB is 4/12/1990 and my case is LT-2024-0088."),
            response="Thanks Tasha, what would help this week?",
            code="open_question",
            family="question",
            codes=["open_question"],
            evidence=[],
            annotation=Annotation(comment="Good start, Ana.", by="Priya Patel", at=now()),
        )
    )
    t.closing = ClientTurn(text="Bye, call me at 412-555-0101.")
    t.status = "imported"
    return t


def test_a_transcript_keeps_its_authors_unless_everything_goes(ner):
    r = redact_all_fields(_transcript(), ner)
    data = r.transcript.model_dump()
    assert data["trainee"] == "Ana Okafor"
    turn = data["turns"][0]
    assert turn["client"]["text"] == "[NAME] here, my DOB is [DATE] and my case is [ID]."
    assert turn["response"] == "Thanks [NAME], what would help this week?"
    assert turn["annotation"] == {
        **turn["annotation"],
        "comment": "Good start, Ana.",
        "by": "Priya Patel",
    }
    assert data["closing"]["text"] == "Bye, call me at [PHONE]."
    assert data["speakers"] == ["Counselor", "[NAME]"]
    assert r.counts == {"name": 2, "date": 1, "id": 1, "phone": 1}
    every = redact_all_fields(_transcript(), ner, everything=True).transcript
    assert every.trainee == "[NAME]" and every.turns[0].annotation.by == "[NAME]"
    assert every.turns[0].annotation.comment == "Good start, [NAME]."


def test_export_redact_prints_counts_and_check_exits_by_what_is_left(runner, tmp_path):
    src = tmp_path / "t.json"
    src.write_text(_transcript().to_json())
    r = runner.invoke(app, ["export", str(src), "--to", "md", "--redact", "--check"])
    assert r.exit_code == 0, r.output
    assert "[NAME] 2" in r.output and "[DATE] 1" in r.output and "[PHONE] 1" in r.output
    assert "nothing left" in r.output
    assert "Tasha" not in r.stdout and "Ana Okafor" in r.stdout
    t = _transcript()
    t.turns[0] = t.turns[0].model_copy(update={"response": "The door code is 48213, right?"})
    src.write_text(t.to_json())
    r = runner.invoke(app, ["export", str(src), "--to", "csv", "--redact", "--check"])
    assert r.exit_code == 1
    assert "turn 1 response: '48213'" in r.output
    r = runner.invoke(app, ["export", str(src), "--to", "json", "--redact-all"])
    assert r.exit_code == 0 and json.loads(r.stdout)["trainee"] == "[NAME]"
    r = runner.invoke(app, ["export", str(src), "--to", "md", "--check"])
    assert r.exit_code == 2 and "--check" in r.output
