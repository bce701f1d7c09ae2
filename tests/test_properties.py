"""Property tests: for any string, the classifier returns one of the twelve codes and never raises;
the loaders raise nothing but the project's own error type."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mi_coach.base.errors import MiCoachError
from mi_coach.base.loading import parse_yaml
from mi_coach.coding.inputs import parse_items
from mi_coach.coding.ruleset import load_codes

CODES = set(load_codes().codes)
WORDS = st.sampled_from(
    [
        "you",
        "should",
        "what",
        "?",
        "so",
        "feel",
        "call",
        "never",
        "u",
        "ur",
        "okay",
        "mm-hmm",
        ".",
        ",",
        "why",
        "don't",
        "together",
        "your",
        "choice",
        "\x1b[31m",
        "🙂",
        "שלום",
        "\n",
        "  ",
    ]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.one_of(st.text(max_size=300), st.lists(WORDS, max_size=30).map(" ".join)),
    client=st.one_of(st.none(), st.text(max_size=120), st.lists(WORDS, max_size=12).map(" ".join)),
)
def test_any_text_gets_one_of_the_twelve_codes(clf, text, client):
    r = clf.classify(text, client)
    assert r.code in CODES
    assert set(r.codes) <= CODES and r.code in r.codes
    for tag in r.evidence:
        assert r.text[tag.start : tag.end] == tag.match


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


# Structured junk: YAML documents shaped like content files, with random values where fields go.
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 200), st.text(max_size=20))
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_KEYS = st.sampled_from(
    [
        "id",
        "title",
        "summary",
        "states",
        "criteria",
        "items",
        "rules",
        "start",
        "persona",
        "rupture",
        "lines",
        "transitions",
        "kind",
        "skill",
        "client",
        "exemplars",
        "when",
        "to",
        "example",
        "fair",
        "good",
        "patterns",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(_KEYS, _VALUES, max_size=8))
def test_validate_reports_problems_never_raises(tmp_path_factory, doc):
    import yaml

    from mi_coach.authoring.validate import check

    f = tmp_path_factory.mktemp("v") / "x.yml"
    f.write_text(yaml.safe_dump(doc))
    result = check(f, None)  # returns problems (each naming the file); never raises
    assert all(str(f) in p for p in result.problems)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "schema",
                "version",
                "id",
                "turns",
                "scenario",
                "started",
                "updated",
                "kind",
                "status",
                "rapport",
            ]
        ),
        _VALUES,
        max_size=8,
    )
)
def test_transcript_loader_raises_only_our_error(tmp_path_factory, data):
    import json

    from mi_coach.practice.transcript import load

    data.setdefault("schema", "mi-coach/transcript")
    data.setdefault("version", 1)
    f = tmp_path_factory.mktemp("t") / "x.json"
    f.write_text(json.dumps(data))
    try:
        load(f)
    except MiCoachError:
        pass
