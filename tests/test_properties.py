"""Property tests: for any string, the classifier returns one of the twelve codes and never raises;
the loaders raise nothing but the project's own error type."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mi_coach.classify.ruleset import load_codes
from mi_coach.errors import MiCoachError
from mi_coach.inputs import parse_items
from mi_coach.loading import parse_yaml

CODES = set(load_codes().codes)
WORDS = st.sampled_from(["you", "should", "what", "?", "so", "feel", "call", "never", "u", "ur",
                         "okay", "mm-hmm", ".", ",", "why", "don't", "together", "your", "choice",
                         "\x1b[31m", "🙂", "שלום", "\n", "  "])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=300), st.lists(WORDS, max_size=30).map(" ".join)),
       client=st.one_of(st.none(), st.text(max_size=120), st.lists(WORDS, max_size=12).map(" ".join)))
def test_any_text_gets_one_of_the_twelve_codes(clf, text, client):
    r = clf.classify(text, client)
    assert r.code in CODES
    assert set(r.codes) <= CODES and r.code in r.codes
    for tag in r.evidence:
        assert r.text[tag.start:tag.end] == tag.match


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_yaml_parser_raises_only_our_error(text):
    try:
        parse_yaml(text, "x.yml")
    except MiCoachError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_every_input_line_gives_exactly_one_item(text):
    items = parse_items(text)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    assert len(items) == len(lines)
