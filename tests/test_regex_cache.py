"""The compiled-regex cache: patterns built from cached code behave exactly as `re.compile`'s,
a damaged or foreign cache is ignored, and the file is the user's own."""

from __future__ import annotations

import json
import marshal
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mi_coach.coding import regex_cache
from mi_coach.coding.ruleset import load_ruleset

DATA = Path(__file__).parent / "data"


@pytest.fixture()
def fresh(monkeypatch, tmp_path):
    """An empty in-process cache, writing to its own folder."""
    monkeypatch.setenv("MI_COACH_CACHE", str(tmp_path))
    monkeypatch.setattr(regex_cache, "_table", None)
    monkeypatch.setattr(regex_cache, "_new", {})
    monkeypatch.setattr(regex_cache, "_compiled", {})
    return tmp_path / regex_cache._FILE


def _rule_patterns() -> list[str]:
    from mi_coach.coding.ruleset import expand_lexicons

    rs = load_ruleset()
    out = []
    for rule in rs.rules:
        for key in ("unless", "client"):
            value = getattr(rule, key, None)
            if value:
                out.append(expand_lexicons(value, rs.lexicons, regex=True))
        if rule.kind == "regex":
            out += [expand_lexicons(p, rs.lexicons, regex=True) for p in rule.patterns()]
    return out


def _texts() -> list[str]:
    rows = [json.loads(line) for line in (DATA / "gold.jsonl").read_text().splitlines() if line]
    return [r["text"].lower() for r in rows[:120]]


def test_cached_patterns_behave_exactly_as_re_compile(fresh):
    patterns = _rule_patterns()
    assert len(patterns) > 200
    for p in patterns:
        regex_cache.compile(p)
    regex_cache.save()
    assert fresh.exists()
    # A new process's view: the table from disk, nothing compiled yet.
    regex_cache._table, regex_cache._compiled = None, {}
    texts = _texts()
    for p in patterns:
        got, want = regex_cache.compile(p), re.compile(p)
        assert (got.pattern, got.flags, got.groups, got.groupindex) == (
            want.pattern,
            want.flags,
            want.groups,
            want.groupindex,
        )
        for t in texts:
            a, b = got.search(t), want.search(t)
            assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), (p, t)


def test_a_cached_pattern_is_not_parsed_again(fresh, monkeypatch):
    regex_cache.compile(r"\bcall (?P<who>them|him|her)\b")
    regex_cache.save()
    regex_cache._table, regex_cache._compiled = None, {}

    def refuse(*a, **k):
        raise AssertionError("parsed although cached")

    monkeypatch.setattr(regex_cache._parser, "parse", refuse)
    rx = regex_cache.compile(r"\bcall (?P<who>them|him|her)\b")
    assert rx.search("please call her today").group("who") == "her"


def test_cache_file_and_new_folder_are_private(fresh, monkeypatch, tmp_path):
    folder = tmp_path / "new" / "cache"
    monkeypatch.setenv("MI_COACH_CACHE", str(folder))
    regex_cache.compile("a+b")
    regex_cache.save()
    assert stat.S_IMODE((folder / regex_cache._FILE).stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00garbage\xff" * 100,
        marshal.dumps(("another", "shape")),
        marshal.dumps(((0, "python 1.0", "x", 0), {"a+b": (0, [1, 2, 3], 0, {}, (None,))})),
    ],
)
def test_damaged_or_foreign_cache_is_ignored(fresh, content):
    fresh.write_bytes(content)
    rx = regex_cache.compile("a+b")
    assert rx.search("xaaab").group() == "aaab"


def test_damaged_entry_falls_back_to_compiling(fresh):
    fresh.write_bytes(marshal.dumps((regex_cache._key(), {"a+b": (0, [99999, 1], 0, {}, (None,))})))
    assert regex_cache.compile("a+b").search("xaab").group() == "aab"


def test_bad_pattern_still_raises_re_error(fresh):
    with pytest.raises(re.error):
        regex_cache.compile("(unclosed")


def test_unwritable_cache_folder_is_not_an_error(fresh, monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("MI_COACH_CACHE", str(blocker / "sub"))
    regex_cache.compile("c+d")
    regex_cache.save()  # cannot create the folder: silently not cached
    assert regex_cache.compile("c+d").search("ccd")


def test_classify_writes_then_uses_the_cache(tmp_path):
    env = {"MI_COACH_CACHE": str(tmp_path), "PATH": "", "HOME": str(tmp_path)}
    cmd = [
        sys.executable,
        "-m",
        "mi_coach",
        "classify",
        "You should call them today.",
        "--format",
        "json",
    ]
    first = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / regex_cache._FILE).exists()
    second = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert json.loads(second.stdout) == json.loads(first.stdout)
