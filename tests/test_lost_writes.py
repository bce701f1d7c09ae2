"""Lost writes: a transcript is locked while a session writes it and saved by compare-and-swap,
so two writers never silently lose each other's turns; folders are created private and never
changed when they exist; a kill leaves no temporary behind for long; resume never follows a
path a transcript names."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mi_coach.base.errors import MiCoachError
from mi_coach.cli.app import app
from mi_coach.practice import transcript as tr

MINI_DIR = str(Path(__file__).parent / "data" / "scenarios")
GOOD = [
    "You're worried the rent will come before the money does.",
    "Part of you is ready to call them, even though the hold music drives you mad.",
]


def _started(runner, data: Path, n: int = 1) -> Path:
    """A practice session with `n` turns, paused; its transcript."""
    r = runner.invoke(
        app,
        ["practice", "mini-benefits", "--scenarios", MINI_DIR, "--data-dir", str(data)],
        input="\n".join(["Okay."] * n) + "\n",
    )
    assert r.exit_code == 0, r.output
    [path] = (data / "transcripts").glob("*.json")
    return path


def _spawn(*args, data):
    pexpect = pytest.importorskip("pexpect")
    env = dict(os.environ, COLUMNS="160", NO_COLOR="1", TERM="dumb")
    return pexpect.spawn(
        sys.executable,
        ["-m", "mi_coach", *args, "--data-dir", str(data)]
        if args[0] == "practice"
        else ["-m", "mi_coach", *args],
        env=env,
        encoding="utf-8",
        timeout=90,
    )


def test_two_resumes_and_an_annotate_on_one_transcript_lose_nothing(runner, tmp_path):
    path = _started(runner, tmp_path, n=2)
    a = _spawn("practice", "--resume", "--scenarios", MINI_DIR, data=tmp_path)
    a.expect("Resuming")
    a.expect("you> ")
    # a second session on the same transcript is refused while the first has it open
    b = subprocess.run(
        [
            sys.executable,
            "-m",
            "mi_coach",
            "practice",
            "--resume",
            "--scenarios",
            MINI_DIR,
            "--data-dir",
            str(tmp_path),
        ],
        input="You sound tired of waiting.\n",
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert b.returncode == 2, b.stderr
    assert "open in another session" in b.stderr and str(path) in b.stderr
    before = path.read_bytes()
    c = runner.invoke(app, ["annotate", str(path), "--turn", "1", "--code", "affirm"])
    assert c.exit_code == 2 and "open in another session" in c.output
    assert path.read_bytes() == before  # untouched
    a.sendline(GOOD[0])
    a.expect("you> ")
    a.sendline("/quit")
    a.expect("Paused")
    a.close()
    saved = json.loads(path.read_text())
    assert [t["response"] for t in saved["turns"]] == ["Okay.", "Okay.", GOOD[0]]
    # once the session is closed, annotating works and keeps every turn
    c = runner.invoke(app, ["annotate", str(path), "--turn", "1", "--code", "affirm"])
    assert c.exit_code == 0, c.output
    again = json.loads(path.read_text())
    assert len(again["turns"]) == 3 and again["turns"][0]["annotation"]["code"] == "affirm"
    assert again["revision"] == saved["revision"] + 1


def test_compare_and_swap_refuses_a_stale_writer(runner, tmp_path):
    path = _started(runner, tmp_path)
    first, second = tr.load(path), tr.load(path)
    first.turns[0].feedback = "first writer"
    tr.save(first, path.parent, path)
    second.turns[0].feedback = "second writer"
    with pytest.raises(MiCoachError, match="changed since this session read it"):
        tr.save(second, path.parent, path)
    assert tr.load(path).turns[0].feedback == "first writer"


def _writer(path: str, who: str, n: int) -> None:
    """Add n comments to turn 1, each in its own locked load-change-save, retrying while the
    other writer holds the lock."""
    p = Path(path)
    done = 0
    while done < n:
        try:
            with tr.locked(p):
                t = tr.load(p)
                old = t.turns[0].annotation
                text = ((old.comment + "|") if old and old.comment else "") + f"{who}{done}"
                t.turns[0].annotation = tr.Annotation(comment=text, at=tr.now())
                tr.save(t, p.parent, p)
            done += 1
        except MiCoachError as exc:
            assert "open in another session" in str(exc), exc
            time.sleep(0.001)


def test_two_concurrent_writers_lose_nothing(runner, tmp_path):
    path = _started(runner, tmp_path)
    ctx = multiprocessing.get_context("fork")
    writers = [ctx.Process(target=_writer, args=(str(path), who, 25)) for who in "AB"]
    for w in writers:
        w.start()
    for w in writers:
        w.join(60)
        assert w.exitcode == 0
    comment = tr.load(path).turns[0].annotation.comment
    assert sorted(comment.split("|")) == sorted(f"{w}{i}" for w in "AB" for i in range(25))


def _umask_000_practice(data: str, cache: str) -> None:
    os.umask(0)
    os.environ["MI_COACH_CACHE"] = cache
    from typer.testing import CliRunner

    r = CliRunner().invoke(
        app,
        ["practice", "mini-benefits", "--scenarios", MINI_DIR, "--data-dir", data],
        input="Okay.\n",
    )
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(app, ["scenarios"])  # writes the list of scenarios to the cache
    assert r.exit_code == 0, r.output


def test_folders_are_private_under_umask_000_and_existing_ones_are_left_alone(tmp_path):
    data, cache = tmp_path / "new" / "data", tmp_path / "newcache" / "mi"
    ctx = multiprocessing.get_context("fork")
    p = ctx.Process(target=_umask_000_practice, args=(str(data), str(cache)))
    p.start()
    p.join(120)
    assert p.exitcode == 0
    for folder in (tmp_path / "new", data, data / "transcripts", tmp_path / "newcache", cache):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    # a shared folder that exists (directly, or through a symlink) keeps its mode
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o775)
    (tmp_path / "linked").mkdir()
    (tmp_path / "linked" / "transcripts").symlink_to(shared)
    (tmp_path / "direct" / "transcripts").mkdir(parents=True)
    os.chmod(tmp_path / "direct" / "transcripts", 0o775)
    for where in ("linked", "direct"):
        p = ctx.Process(target=_umask_000_practice, args=(str(tmp_path / where), str(cache)))
        p.start()
        p.join(120)
        assert p.exitcode == 0
    assert stat.S_IMODE(shared.stat().st_mode) == 0o775
    assert stat.S_IMODE((tmp_path / "direct" / "transcripts").stat().st_mode) == 0o775
    assert len(list(shared.glob("*.json"))) == 1


def test_a_write_removes_stale_temporaries_and_flushes_the_folder(runner, tmp_path, monkeypatch):
    path = _started(runner, tmp_path)
    orphan = path.with_name(f".{path.name}.k9x2.tmp")  # left by a kill -9 mid-write
    orphan.write_text("{half")
    other = path.with_name(".another.json.abcd.tmp")  # another file's, fresh: not ours
    other.write_text("{")
    synced = []
    real_fsync = os.fsync

    def fsync(fd):
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    r = runner.invoke(app, ["annotate", str(path), "--turn", "1", "--comment", "ok"])
    assert r.exit_code == 0, r.output
    assert not orphan.exists() and other.exists()
    assert synced == [False, True]  # the new copy, then the folder holding the rename


def test_resume_never_loads_the_scenario_a_transcript_names_by_path(runner, tmp_path):
    path = _started(runner, tmp_path)
    data = json.loads(path.read_text())
    planted = tmp_path / "elsewhere.yml"
    planted.write_text(Path(MINI_DIR, "mini.yml").read_text().replace("mini-benefits", "planted"))
    data.update(scenario="planted", scenario_source=str(planted))
    path.write_text(json.dumps(data))
    r = runner.invoke(
        app,
        ["practice", "--resume", "--scenarios", MINI_DIR, "--data-dir", str(tmp_path)],
        input="/quit\n",
    )
    assert r.exit_code == 2
    assert "scenario 'planted' is not in the scenario folders" in r.output
    assert "Traceback" not in r.output


def test_import_keeps_within_what_review_reads(runner, tmp_path):
    session = tmp_path / "long.txt"
    session.write_text("".join(f"Client: line {i}\nCounselor: Okay {i}.\n" for i in range(2001)))
    r = runner.invoke(app, ["import", str(session)])
    assert r.exit_code == 2
    assert "2,001 counsellor turns: a transcript holds at most 2,000" in r.output
    assert "Review it with" not in r.output and not session.with_suffix(".json").exists()
