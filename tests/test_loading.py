"""Bad rule data gets an error naming the file, the line and the field — never a traceback."""

from __future__ import annotations

import pytest

from mi_coach.base.errors import MiCoachError
from mi_coach.base.loading import load_yaml
from mi_coach.coding.engine import Classifier
from mi_coach.coding.nlp import get_pipeline
from mi_coach.coding.ruleset import load_ruleset

GOOD_RULE = """\
rules:
  tiny:
    kind: phrase
    code: other
    pattern: [hiya there]
    feedback: A greeting.
    examples:
      match: ["hiya there"]
      no_match: ["hello"]
"""


def _load(tmp_path, text, name="extra.yml"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return load_ruleset((tmp_path,))


def test_a_good_extra_rule_file_loads_and_classifies(tmp_path):
    rs = _load(tmp_path, GOOD_RULE)
    assert "extra.tiny" in {r.id for r in rs.rules}
    clf = Classifier(get_pipeline(), rs)
    assert "extra.tiny" in {t.rule for t in clf.classify("Hiya there!").fired}


@pytest.mark.parametrize(
    "text,line,words",
    [
        (
            GOOD_RULE.replace("code: other", "code: reflection"),
            4,
            ["unknown code 'reflection'", "code"],
        ),
        (GOOD_RULE.replace("kind: phrase", "kind: lexicon"), 3, ["kind", "phrase"]),
        (GOOD_RULE.replace("    feedback: A greeting.\n", ""), 2, ["feedback", "required"]),
        (GOOD_RULE.replace('      no_match: ["hello"]\n', ""), 7, ["no_match", "required"]),
        (
            GOOD_RULE.replace("kind: phrase", "kind: regex").replace("[hiya there]", "'(unclosed'"),
            5,
            ["not a valid regular expression"],
        ),
        (
            GOOD_RULE.replace("    feedback", "    colour: red\n    feedback"),
            6,
            ["colour", "unknown field"],
        ),
        (GOOD_RULE + "  tiny:\n    kind: phrase\n", 10, ["duplicate key 'tiny'"]),
        (GOOD_RULE.replace("pattern: [hiya there]", "pattern: [hiya there"), None, ["YAML error"]),
        ("rules: !!python/object/apply:os.system ['echo hacked']\n", 1, ["YAML error"]),
        ("- just\n- a list\n", None, ["top-level mapping `rules:`"]),
    ],
)
def test_bad_rule_files_name_file_line_field(tmp_path, text, line, words):
    with pytest.raises(MiCoachError) as err:
        _load(tmp_path, text)
    message = str(err.value)
    assert message.startswith(str(tmp_path / "extra.yml"))
    if line is not None:
        assert err.value.line == line, message
    for word in words:
        assert word in message
    assert "\n" not in message


def test_a_rule_id_in_two_folders_names_both_files(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "extra.yml").write_text(GOOD_RULE, encoding="utf-8")
    (b / "extra.yml").write_text(GOOD_RULE, encoding="utf-8")
    with pytest.raises(MiCoachError) as err:
        load_ruleset((a, b))
    assert str(a / "extra.yml") in str(err.value) and str(b / "extra.yml") in str(err.value)


def test_a_bad_token_pattern_is_reported_when_compiled(tmp_path):
    bad = GOOD_RULE.replace("kind: phrase", "kind: token").replace(
        "pattern: [hiya there]", "pattern: [{LOWER: {NOPE: [a]}}]"
    )
    rs = _load(tmp_path, bad)
    with pytest.raises(MiCoachError) as err:
        Classifier(get_pipeline(), rs)
    assert "extra.tiny" in str(err.value) and "bad token pattern" in str(err.value)


@pytest.mark.parametrize(
    "content,words",
    [
        (b"\xff\xfe\x00bad", ["not UTF-8"]),
        (b"rules:\n  a: \x00\n", ["binary"]),
        (b"", []),
    ],
)
def test_unreadable_files(tmp_path, content, words):
    f = tmp_path / "x.yml"
    f.write_bytes(content)
    if not words:
        assert load_yaml(f).data is None
        return
    with pytest.raises(MiCoachError) as err:
        load_yaml(f)
    for word in words:
        assert word in str(err.value)


def test_yes_and_on_stay_words():
    # YAML 1.1 would read these as booleans and break phrase lists.
    from mi_coach.base.loading import parse_yaml

    assert parse_yaml("[yes, no, on, off, true]", "x").data == ["yes", "no", "on", "off", True]


def test_every_built_in_yaml_file_reads_the_same_without_libyaml():
    # PyYAML reads with libyaml where it has it and in pure Python where it does not: `[job?, x]`
    # parses with the first and is an error with the second, so a built-in client would fail to
    # load on a machine without libyaml. Every shipped file must read the same with both.
    from pathlib import Path

    import yaml

    from mi_coach.base.loading import _Loader, load_yaml

    root = Path(__file__).parent.parent
    files = [
        *root.glob("scenarios/**/*.yml"),
        *root.glob("rubrics/*.yml"),
        *root.glob("mi_coach/patterns/**/*.yml"),
    ]
    assert len(files) > 20
    for path in files:
        pure = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
        assert pure == load_yaml(path).data, path
