"""Transcripts: where they go, 0600 files in a 0700 folder, atomic journaling, schema checks."""

from __future__ import annotations

import json
import os
import stat

import pytest

from mi_coach.base.errors import MiCoachError
from mi_coach.practice.transcript import (
    SCHEMA,
    Transcript,
    Turn,
    data_dir,
    last_unfinished,
    load,
    save,
    transcripts_dir,
)


def make(**kw):
    return Transcript.new(
        scenario_id="mini-benefits",
        scenario_title="Sam",
        scenario_source="x",
        trainee=None,
        feedback="turn",
        seed=1,
        state="opening",
        rapport=4,
        **kw,
    )


def test_data_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("MI_COACH_DATA", raising=False)
    assert data_dir() == tmp_path / "xdg" / "mi-coach"
    monkeypatch.setenv("MI_COACH_DATA", str(tmp_path / "env"))
    assert data_dir() == tmp_path / "env"
    assert data_dir(str(tmp_path / "opt")) == tmp_path / "opt"


def test_saved_private_and_atomic(tmp_path):
    folder = transcripts_dir(str(tmp_path / "d"))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    t = make()
    path = save(t, folder)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    save(t, folder)
    assert sorted(p.name for p in folder.iterdir()) == [path.name]  # no temporary files left
    data = json.loads(path.read_text())
    assert data["schema"] == SCHEMA and data["version"] == 1
    assert load(path) == t


def test_existing_file_with_loose_permissions_is_tightened(tmp_path):
    folder = transcripts_dir(str(tmp_path))
    t = make()
    path = folder / f"{t.id}.json"
    path.write_text("{}")
    os.chmod(path, 0o644)
    save(t, folder)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_load_refuses_other_files(tmp_path):
    f = tmp_path / "x.json"
    f.write_text('{"schema": "something-else"}')
    with pytest.raises(MiCoachError, match="not a mi-coach transcript"):
        load(f)
    f.write_text(json.dumps({"schema": SCHEMA, "version": 99}))
    with pytest.raises(MiCoachError, match="version 99 is not supported"):
        load(f)
    f.write_text("{not json")
    with pytest.raises(MiCoachError, match="not JSON"):
        load(f)


def test_last_unfinished(tmp_path):
    folder = transcripts_dir(str(tmp_path))
    assert last_unfinished(folder) is None
    done = make()
    done.status = "success"
    save(done, folder)
    open_ = make()
    save(open_, folder)
    (folder / "junk.json").write_text("nonsense")  # unreadable files are skipped
    assert last_unfinished(folder)[1].id == open_.id


def test_a_transcript_written_before_turns_had_a_confidence_still_loads(tmp_path):
    t = make()
    t.turns.append(
        Turn(n=1, response="Mm.", code="other", family="other", codes=["other"], evidence=[])
    )
    data = json.loads(t.model_dump_json(by_alias=True))
    for turn in data["turns"]:  # as the first version wrote them: no confidence, no runner-up
        del turn["confidence"], turn["runner_up"]
    f = tmp_path / "old.json"
    f.write_text(json.dumps(data))
    loaded = load(f)
    assert loaded.turns[0].confidence is None and loaded.turns[0].runner_up is None
