"""The hostile corpus (tests/data/bad/, written by its generate.py, plus special files made here:
a FIFO, a symlink to /dev/zero, /dev/zero itself, a folder named like a file) through every
entry point that reads it: one parametrised test per entry point.

Each file a case reads is given 2 s of CPU time (a guard against hanging and unbounded reads, not a
speed test: speed lives in bench/), each case exits as promised (0 for what must be accepted, 2 for a single
bad file, 1 for a batch that skipped one, naming it), prints no traceback and no raw control
byte, and leaves every other file untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import time
from pathlib import Path

import pytest

from mi_coach.cli.app import app

BAD = Path(__file__).parent / "data" / "bad"
MINI_DIR = str(Path(__file__).parent / "data" / "scenarios")
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LIMIT = 2.0

TRANSCRIPTS = sorted(p.name for p in (BAD / "transcripts").glob("*.json"))
TYPED = sorted(p.name for p in (BAD / "typed").glob("*.txt"))
IMPORTS = sorted(p.name for p in (BAD / "imports").glob("*.txt"))
CONTENT = sorted(p.name for p in (BAD / "content").iterdir())
# made at run time: git cannot hold them
SPECIAL_FILES = ["fifo.json", "dev-zero-link.json", "folder.json", "/dev/zero"]
SPECIAL_CONTENT = ["fifo-scenario", "dev-zero-scenario"]


def accepted(name: str) -> bool:
    return name.startswith("ok-")


@pytest.fixture()
def work(tmp_path):
    """A copy of the transcripts beside the special files, and a data folder."""
    folder = tmp_path / "in"
    shutil.copytree(BAD / "transcripts", folder)
    os.mkfifo(folder / "fifo.json")
    (folder / "dev-zero-link.json").symlink_to("/dev/zero")
    (folder / "folder.json").mkdir()
    return folder


def target(work: Path, name: str) -> Path:
    return Path(name) if name.startswith("/") else work / name


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Every regular file under root: its digest and modification time (FIFOs are not read)."""
    out = {}
    for dirpath, _, names in os.walk(root):
        for n in names:
            p = Path(dirpath) / n
            st = p.lstat()
            if stat.S_ISREG(st.st_mode):
                out[str(p)] = (hashlib.sha256(p.read_bytes()).hexdigest(), st.st_mtime_ns)
    return out


def run(runner, args: list[str], input: str | None = None, files: int = 1):
    """Run a command; `files` is how many transcripts it reads, each given LIMIT of CPU time."""
    start = time.process_time()  # CPU time: a guard against hanging, not a speed test
    r = runner.invoke(app, args, input=input)
    elapsed = time.process_time() - start
    assert elapsed < LIMIT * files, (args, elapsed)
    assert (
        "Traceback" not in r.output and r.exception is None or isinstance(r.exception, SystemExit)
    ), r.output
    assert not RAW_CONTROL.search(r.output), repr(r.output[-500:])
    return r


def changed(before: dict, after: dict) -> set[str]:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


# -- single files: review, export, annotate --------------------------------------------------


@pytest.mark.parametrize("name", TRANSCRIPTS + SPECIAL_FILES)
def test_review_one(runner, work, name):
    before = snapshot(work.parent)
    r = run(runner, ["review", str(target(work, name))])
    if accepted(name):
        assert r.exit_code == 0, r.output
    else:
        assert r.exit_code == 2, r.output
        assert r.stderr.count("\n") == 1 and str(target(work, name)) in r.stderr, r.stderr
    assert changed(before, snapshot(work.parent)) == set()


@pytest.mark.parametrize("name", TRANSCRIPTS + SPECIAL_FILES)
def test_export(runner, work, tmp_path, name):
    before = snapshot(work.parent)
    for fmt in ("md", "html", "csv", "json"):
        out = tmp_path / f"out.{fmt}"
        r = run(runner, ["export", str(target(work, name)), "--to", fmt, "-o", str(out)])
        if accepted(name):
            assert r.exit_code == 0 and out.is_file(), r.output
            assert not RAW_CONTROL.search(out.read_text(encoding="utf-8").replace("\r\n", "\n"))
        else:
            assert r.exit_code == 2 and not out.exists(), r.output
            assert str(target(work, name)) in r.stderr
    assert changed(before, snapshot(work.parent)) <= {
        str(tmp_path / f"out.{fmt}") for fmt in ("md", "html", "csv", "json")
    }


@pytest.mark.parametrize("name", TRANSCRIPTS + SPECIAL_FILES)
def test_annotate(runner, work, name):
    path = target(work, name)
    before = snapshot(work.parent)
    r = run(runner, ["annotate", str(path), "--turn", "1", "--code", "affirm", "--by", "Lee"])
    after = snapshot(work.parent)
    if accepted(name):
        assert r.exit_code == 0, r.output
        assert changed(before, after) == {str(path), str(path.with_name(f".{path.name}.lock"))}
        assert json.loads(path.read_text())["turns"][0]["annotation"]["code"] == "affirm"
    else:
        assert r.exit_code == 2 and str(path) in r.stderr, r.output
        assert changed(before, after) == set()


# -- batches: review of many, progress, practice --resume, workshop report --------------------


@pytest.mark.parametrize("name", TRANSCRIPTS + SPECIAL_FILES)
def test_review_many(runner, work, name):
    good = [str(work / "ok-practice.json"), str(work / "ok-long-responses.json")]
    before = snapshot(work.parent)
    args = ["review", "--format", "json", good[0], str(target(work, name)), good[1]]
    r = run(runner, args, files=3)
    rows = [t["file"] for t in json.loads(r.stdout)["transcripts"]]
    if accepted(name):
        assert r.exit_code == 0 and len(rows) == 3, r.output
    else:
        assert r.exit_code == 1, r.output
        assert f"skipped: {target(work, name)}" in r.stderr
        assert rows == good  # the rest processed
    assert changed(before, snapshot(work.parent)) == set()


def _data_folder(tmp_path: Path, work: Path, name: str) -> Path:
    """A data folder holding a good unfinished session and the entry (as a transcript)."""
    data = tmp_path / "data"
    folder = data / "transcripts"
    folder.mkdir(parents=True)
    shutil.copy(work / "ok-practice.json", folder / "a-good.json")
    src = target(work, name)
    dst = folder / "b-entry.json"
    if name == "fifo.json":
        os.mkfifo(dst)
    elif name.startswith("dev-zero") or name == "/dev/zero":
        dst.symlink_to("/dev/zero")
    elif name == "folder.json":
        dst.mkdir()
    else:
        shutil.copy(src, dst)
    return data


@pytest.mark.parametrize("name", TRANSCRIPTS + SPECIAL_FILES)
def test_progress(runner, work, tmp_path, name):
    data = _data_folder(tmp_path, work, name)
    before = snapshot(data)
    r = run(runner, ["progress", "--data-dir", str(data)], files=2)
    if accepted(name):
        assert r.exit_code == 0, r.output
    else:
        assert r.exit_code == 1, r.output
        assert f"skipped: {data / 'transcripts' / 'b-entry.json'}" in r.stderr
    assert "mini-benefits" in r.stdout  # the good session is still reported
    assert changed(before, snapshot(data)) == set()


@pytest.mark.parametrize("name", TRANSCRIPTS + SPECIAL_FILES)
def test_practice_resume(runner, work, tmp_path, clf, name):
    data = _data_folder(tmp_path, work, name)
    before = snapshot(data)
    r = run(
        runner,
        ["practice", "--resume", "--scenarios", MINI_DIR, "--data-dir", str(data)],
        input="/quit\n",
        files=2,
    )
    assert "Resuming" in r.output and "Paused" in r.output, r.output
    if accepted(name):
        assert r.exit_code == 0, r.output
    else:
        assert r.exit_code == 1, r.output
        assert f"skipped: {data / 'transcripts' / 'b-entry.json'}" in r.stderr
    moved = changed(before, snapshot(data))
    resumed = {p for p in moved if not Path(p).name.startswith(".")}
    assert len(resumed) == 1, moved  # only the resumed session's file (and its lock file)


@pytest.mark.parametrize("name", TRANSCRIPTS + SPECIAL_FILES)
def test_workshop_report(runner, work, tmp_path, name):
    data = _data_folder(tmp_path, work, name)
    before = snapshot(data)
    r = run(runner, ["workshop", "report", str(data), "--to", "csv"], files=2)
    if accepted(name):
        assert r.exit_code == 0, r.output
    else:
        assert r.exit_code == 1, r.output
        assert f"skipped: {data / 'transcripts' / 'b-entry.json'}" in r.stderr
    # the one good session is counted (it is paused), whatever else was skipped
    assert "trainee,Pat,,,sessions: paused,1" in r.stdout.replace('"', "") or accepted(name)
    assert changed(before, snapshot(data)) == set()


# -- typed input: classify --input, practice --responses, drill --answers --------------------

TYPED_BAD = {"invalid-utf8.txt", "nul.txt"}  # a whole file that cannot be read as text


@pytest.mark.parametrize("name", TYPED)
def test_classify_input(runner, clf, name):
    path = BAD / "typed" / name
    r = run(runner, ["classify", "--input", str(path), "--format", "jsonl"])
    if name in TYPED_BAD:
        assert r.exit_code == 2 and str(path) in r.stderr, r.output
    elif name == "ok-over-long-line.txt":  # outputs line up with inputs: refused, naming it
        assert r.exit_code == 2 and f"{path}:2: a response is limited to 5,000" in r.stderr
    else:
        assert r.exit_code == 0, r.output
        lines = path.read_text(encoding="utf-8").splitlines()
        assert len(r.stdout.splitlines()) == len(lines)


@pytest.mark.parametrize("name", TYPED)
def test_practice_responses(runner, tmp_path, clf, name):
    path = BAD / "typed" / name
    args = ["practice", "mini-benefits", "--scenarios", MINI_DIR, "--data-dir", str(tmp_path)]
    r = run(runner, [*args, "--seed", "1", "--responses", str(path)])
    if name in TYPED_BAD:
        assert r.exit_code == 2 and str(path) in r.stderr, r.output
        return
    assert r.exit_code == 0, r.output
    [saved] = (tmp_path / "transcripts").glob("*.json")
    turns = json.loads(saved.read_text())["turns"]
    if name == "ok-over-long-line.txt":  # refused with a reason; the session goes on
        assert "Not sent: a response is limited to 5,000 characters" in r.output
        assert [t["response"] for t in turns] == ["You're worried.", "You feel stuck."]
    else:
        assert len(turns) == len(path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("name", TYPED)
def test_drill_answers(runner, tmp_path, clf, name):
    path = BAD / "typed" / name
    args = ["drill", "--count", "3", "--seed", "1", "--out", str(tmp_path)]
    r = run(runner, [*args, "--answers", str(path)])
    if name in TYPED_BAD:
        assert r.exit_code == 2 and str(path) in r.stderr, r.output
        return
    assert r.exit_code == 0, r.output
    [saved] = tmp_path.glob("*.json")
    answers = [a["answer"] for a in json.loads(saved.read_text())["answers"]]
    assert all(len(a) <= 5000 for a in answers)
    if name == "ok-over-long-line.txt":
        assert "Not sent" in r.output and answers == ["You're worried.", "You feel stuck."]


# -- sessions to import ----------------------------------------------------------------------


@pytest.mark.parametrize("name", IMPORTS)
def test_import(runner, tmp_path, clf, name):
    path = BAD / "imports" / name
    out = tmp_path / "out.json"
    r = run(runner, ["import", str(path), "-o", str(out)])
    if accepted(name):
        assert r.exit_code == 0 and out.is_file(), r.output
        assert run(runner, ["review", str(out)]).exit_code == 0  # review reads what import wrote
    else:
        assert r.exit_code == 2 and str(path) in r.stderr and not out.exists(), r.output
        assert "Review it with" not in r.output


# -- content folders (--content DIR): validate, scenarios, review with the folder's rubrics ---


@pytest.mark.parametrize("name", CONTENT + SPECIAL_CONTENT)
def test_content_folder(runner, tmp_path, name):
    if name in SPECIAL_CONTENT:
        folder = tmp_path / name
        (folder / "scenarios").mkdir(parents=True)
        bad = folder / "scenarios" / "x.yml"
        os.mkfifo(bad) if name.startswith("fifo") else bad.symlink_to("/dev/zero")
    else:
        folder = tmp_path / name
        shutil.copytree(BAD / "content" / name, folder)
        [bad] = [p for p in folder.rglob("*.yml")]
    before = snapshot(folder)
    r = run(runner, ["validate", str(folder), "--no-examples"])
    assert r.exit_code == 1 and str(bad) in r.output, r.output
    if (folder / "scenarios").is_dir():
        r = run(runner, ["--content", str(folder), "scenarios"])
    else:
        r = run(
            runner,
            ["--content", str(folder), "review", str(BAD / "transcripts" / "ok-practice.json")],
        )
    assert r.exit_code == 2 and str(bad) in r.stderr, r.output
    assert r.stderr.count("\n") == 1
    assert changed(before, snapshot(folder)) == set()


def test_corpus_size():
    """The corpus as the issue asks for it: transcripts, content folders and typed inputs."""
    entries = TRANSCRIPTS + SPECIAL_FILES + TYPED + IMPORTS + CONTENT + SPECIAL_CONTENT
    assert len(TRANSCRIPTS) >= 15 and len(TYPED) >= 5 and len(CONTENT) >= 5
    assert len(entries) == len(set(entries))
