"""The learned arbiter (coding/arbiter.py) and honest confidence (issue 14, sections 3 and 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mi_coach.base.errors import MiCoachError
from mi_coach.coding import arbiter as arb
from mi_coach.coding import engine, nlp
from mi_coach.coding.engine import Classifier, get_classifier
from mi_coach.coding.models import Classification
from mi_coach.coding.ruleset import load_ruleset, load_wording
from mi_coach.coding.train import Oof, Row, choose_threshold, decide, isotonic, overrule_gate

DATA = Path(__file__).parent / "data"
MAX_MODEL_BYTES = 5 * 1024 * 1024


def _gold(n: int | None = None) -> list[dict]:
    rows = [json.loads(x) for x in (DATA / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    return rows[:n] if n else rows


def test_the_shipped_model_is_small_and_complete():
    folder = arb.model_dir()
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"arbiter.json", "model", "cfg"}
    assert sum(p.stat().st_size for p in files) <= MAX_MODEL_BYTES
    params = arb.load_params()
    assert sorted(params.labels) == sorted(load_ruleset().codes.codes)
    for curve in params.calibration.values():
        assert curve.y == sorted(curve.y) and all(0 <= y <= 1 for y in curve.y)


def test_the_runner_up_of_an_adherent_code_is_a_code_the_coder_could_give(clf):
    # the model alone never makes a response MI-non-adherent, so "this reads as a reflection or a
    # judgment" would name a code the coder could not have chosen for it
    fam = clf.codes.family
    rows = _gold(120)
    results = list(clf.classify_many((r["text"], r["client"]) for r in rows))
    adherent = [r for r in results if fam(r.code) != "mi_non_adherent"]
    assert adherent
    for r in adherent:
        assert fam(r.runner_up) != "mi_non_adherent", (r.text, r.code, r.runner_up)


def test_every_classification_has_a_calibrated_confidence_and_a_runner_up(clf):
    assert clf.arbiter is not None and clf.arbiter.active
    rows = _gold(60)
    results = list(clf.classify_many((r["text"], r["client"]) for r in rows))
    for r in results + [clf.classify(""), clf.classify("   "), clf.classify("x" * 5_000)]:
        assert r.confidence is not None and 0.0 <= r.confidence <= 1.0
        assert r.runner_up in clf.codes.codes and r.runner_up != r.code
        assert r.arbiter
    # one at a time and in a batch: the same reading
    single = [clf.classify(r["text"], r["client"]) for r in rows[:10]]
    assert [s.wire() for s in single] == [b.wire() for b in results[:10]]


def test_rules_non_adherent_evidence_is_never_overruled(clf):
    rules_only = get_classifier(arbiter=False)
    rows = _gold()
    items = [(r["text"], r["client"]) for r in rows]
    plain = list(rules_only.classify_many(items))
    combined = list(clf.classify_many(items))
    na = {"judgment", "righting_reflex"}
    flagged = [(p, c) for p, c in zip(plain, combined) if p.code in na]
    assert flagged
    for p, c in flagged:
        assert c.code == p.code and c.decided_by == "rules" and c.evidence == p.evidence


def test_a_code_the_model_decides_is_explained_by_the_words_it_read(clf):
    rows = [
        json.loads(x)
        for name in ("fresh.jsonl", "fresh3.jsonl")
        for x in (DATA / name).read_text(encoding="utf-8").splitlines()
    ]
    decided = [
        r
        for r in clf.classify_many((x["text"], x["client"]) for x in rows)
        if r.decided_by == "model"
    ]
    assert decided, "the model decides some of these responses"
    for r in decided:
        words = [t for t in r.evidence if t.rule == arb.ARBITER_RULE]
        assert words and len(words) <= arb.TOP_WORDS
        for t in words:
            assert t.code == r.code and t.match and r.text[t.start : t.end] == t.match
            assert t.match[0].isalnum() and t.match[-1].isalnum()  # words, not punctuation


def test_json_output_carries_confidence_and_says_the_arbiter_ran(runner):
    from mi_coach.cli.app import app

    out = runner.invoke(app, ["classify", "You should call them today.", "--format", "json"])
    assert out.exit_code == 0, out.output
    record = json.loads(out.stdout)
    assert record["arbiter"] is True and 0 <= record["confidence"] <= 1
    assert record["runner_up"] in load_ruleset().codes.codes


def test_blank_pipeline_runs_the_rules_only_and_says_so():
    clf = Classifier(nlp.get_pipeline("no_such_pipeline_xyz"), load_ruleset())
    r = clf.classify("Did you call the clinic?")
    assert r.code == "closed_question" and not r.arbiter and r.decided_by == "rules"
    assert 0 < (r.confidence or 0) <= 1 and r.runner_up
    assert r.wire()["arbiter"] is False


def _fresh_pipelines(monkeypatch):
    monkeypatch.setattr(nlp, "_cache", {})
    monkeypatch.setattr(engine, "_classifiers", {})


def test_missing_model_is_a_one_line_error_naming_the_file(tmp_path, monkeypatch, runner):
    from mi_coach.cli.app import app

    _fresh_pipelines(monkeypatch)
    monkeypatch.setattr(arb, "model_dir", lambda: tmp_path)
    with pytest.raises(MiCoachError) as err:
        nlp.get_pipeline()
    assert str(tmp_path / "arbiter.json") in str(err.value)
    out = runner.invoke(app, ["classify", "What happened?"])
    assert out.exit_code == 2
    lines = [x for x in out.output.splitlines() if x.strip()]
    assert len(lines) == 1 and "arbiter.json" in lines[0] and "Traceback" not in out.output


@pytest.mark.parametrize("damage", ["params", "weights", "no_weights"])
def test_damaged_model_is_a_one_line_error_naming_the_file(tmp_path, monkeypatch, damage):
    import shutil

    shutil.copytree(arb.model_dir(), tmp_path / "model")
    folder = tmp_path / "model"
    if damage == "params":
        (folder / "arbiter.json").write_text('{"labels": [', encoding="utf-8")
        named = "arbiter.json"
    elif damage == "weights":
        (folder / "textcat" / "model").write_bytes(b"\x00garbage" * 10)
        named = "model"
    else:
        (folder / "textcat" / "model").unlink()
        named = "model"
    _fresh_pipelines(monkeypatch)
    monkeypatch.setattr(arb, "model_dir", lambda: folder)
    with pytest.raises(MiCoachError) as err:
        nlp.get_pipeline()
    message = str(err.value)
    assert len(message.splitlines()) == 1 and named in message and str(folder) in message


def test_unsure_feedback_names_the_two_likeliest_codes():
    wording = load_wording()
    note = wording.unsure_note("simple_reflection", "closed_question", 0.41)
    assert note == "Not sure: this reads as a simple reflection or a closed question."
    assert wording.unsure_note("simple_reflection", "closed_question", 0.95) is None
    assert wording.unsure_note("other", None, 0.2) is None


def test_the_panel_says_when_the_coder_is_unsure(capsys, monkeypatch):
    from mi_coach.cli import term, view_coding

    monkeypatch.setattr(term.console, "_width", 200)  # one line per row, whatever ran before

    rs = load_ruleset()
    c = Classification(
        text="you still at your sister's",
        client=None,
        code="simple_reflection",
        family="reflection",
        codes=("simple_reflection",),
        evidence=(),
        fired=(),
        sentences=(),
        confidence=0.42,
        runner_up="closed_question",
    )
    view_coding.classification_panel(c, rs)
    out = capsys.readouterr().out
    assert "confidence 0.42" in out and "a simple reflection or a closed question" in out
    view_coding.classification_panel(c.model_copy(update={"confidence": 0.9}), rs)
    assert "Not sure" not in capsys.readouterr().out


def _oof(label: str, rules: str, top: str, p: float) -> Oof:
    probs = {c: (1 - p) / 2 for c in ("a", "b", "judgment")}
    probs[top] = p
    return Oof(Row("t", None, label, "typed", "x"), rules, (rules,), probs)


FAMILY = {"a": "f1", "b": "f2", "judgment": "mi_non_adherent"}


def test_a_sure_model_overrules_where_it_wins_and_never_raises_non_adherence():
    # the model is right whenever it is at least 0.8 sure; the rules are right half the time
    oof = [_oof("a", "b", "a", 0.9)] * 10 + [_oof("a", "a", "b", 0.6)] * 10
    oof += [_oof("a", "a", "a", 0.5)] * 100
    t, _ = choose_threshold(oof, {"judgment"}, {})
    assert 0.6 < t <= 0.9
    assert decide(_oof("b", "b", "judgment", 0.99), t, {"judgment"}) == ("rules", "b")
    assert decide(_oof("a", "judgment", "a", 0.99), t, {"judgment"})[1] == "judgment"
    gate = overrule_gate(oof, t, {"judgment"}, {}, FAMILY)
    assert gate == {("f2", "f1")}  # 10 wins from b to a; never tried from a to b
    assert decide(_oof("b", "a", "b", 0.95), t, {"judgment"}, gate, FAMILY) == ("rules", "a")


def test_calibration_curve_is_monotone_and_shrunk():
    xs, ys = isotonic([(0.2, False), (0.3, True), (0.5, False), (0.9, True), (0.95, True)], 0.5)
    assert xs == sorted(xs) and ys == sorted(ys)
    assert 0.5 <= ys[-1] < 1.0  # two right answers do not make certainty


def test_practice_feedback_says_when_the_coder_is_unsure(capsys, monkeypatch):
    from mi_coach.cli import term, view_practice

    monkeypatch.setattr(term.console, "_width", 200)  # one line per row, whatever ran before
    from mi_coach.practice.transcript import ClientTurn, Turn

    turn = Turn(
        n=1,
        client=ClientTurn(text="I'm staying at my sister's.", thought="..."),
        response="you still at your sister's",
        code="simple_reflection",
        family="reflection",
        codes=["simple_reflection"],
        evidence=[],
        confidence=0.41,
        runner_up="closed_question",
        rapport_before=4,
        rapport_after=5,
    )
    view_practice.turn_feedback(turn, "Sam", load_ruleset().codes)
    assert "this reads as a simple reflection or a closed question" in capsys.readouterr().out
    view_practice.turn_feedback(
        turn.model_copy(update={"confidence": 0.93}), "Sam", load_ruleset().codes
    )
    assert "Not sure" not in capsys.readouterr().out
