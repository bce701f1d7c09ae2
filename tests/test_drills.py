"""Drills and workshop results: the built-in banks (every exemplar is a hit: examples are tests),
judging answers, the drill command with scripted answers, and the workshop report."""

from __future__ import annotations

import csv
import io
import json
import stat
from collections import Counter
from pathlib import Path

import pytest

from mi_coach.base.errors import MiCoachError
from mi_coach.base.loading import builtin_dir
from mi_coach.cli.app import app
from mi_coach.practice.drills import judge, load_bank_file, load_items, load_skills

CONTENT = Path(__file__).parent / "data" / "content"
MINI_DIR = str(Path(__file__).parent / "data" / "scenarios")
BANKS = sorted((builtin_dir("scenarios") / "drills").glob("*.yml"))
ITEMS = [(item, path) for item, path in load_items()] if BANKS else []


def test_builtin_banks_cover_six_skills_with_sixty_items():
    assert len(ITEMS) >= 60
    per_skill = Counter(item.skill for item, _ in ITEMS)
    assert set(per_skill) == set(load_skills().skills)
    assert min(per_skill.values()) >= 10


@pytest.mark.parametrize("item", [i for i, _ in ITEMS], ids=[i.id for i, _ in ITEMS])
def test_every_exemplar_is_a_hit(item, clf):
    for answer in item.exemplars:
        j = judge(item, answer, clf)
        assert j.hit, f"{item.id}: {answer!r} → {j.reason}"


def test_judge(clf):
    bank, _ = load_bank_file(CONTENT / "drills" / "mini.yml")
    sr, oq, perm = bank.items
    assert judge(sr, "You've been waiting six weeks and rent's due Friday.", clf).hit
    miss = judge(oq, "Do the kids notice?", clf)
    assert not miss.hit and "closed_question" in miss.reason
    # the asked skill with something non-adherent in the same answer is a miss
    mixed = judge(oq, "What do the kids notice? You need to stop drinking.", clf)
    assert "open_question" in mixed.codes and not mixed.hit and "righting_reflex" in mixed.reason
    assert judge(perm, "Would it be okay if I explained how the list works?", clf).hit


def test_bank_errors_name_file_and_line(tmp_path):
    f = tmp_path / "b.yml"
    text = (CONTENT / "drills" / "mini.yml").read_text()
    f.write_text(text.replace("skill: open_question", "skill: open_questions"))
    with pytest.raises(MiCoachError, match=r"b.yml:\d+: items.1.skill: unknown skill"):
        load_bank_file(f)
    f.write_text(text.replace("id: t-kids-oq", "id: t-rent-sr"))
    with pytest.raises(MiCoachError, match="item id 't-rent-sr' is also item 0"):
        load_bank_file(f)


def test_drill_command_saves_results(runner, tmp_path):
    answers = tmp_path / "answers.txt"
    answers.write_text(
        "What do the kids notice?\nWould it be okay if I explained how the list "
        "works?\nYou should call them.\n"
    )
    r = runner.invoke(
        app,
        [
            "--content",
            str(CONTENT),
            "drill",
            "--bank",
            "mini-drills",
            "--count",
            "3",
            "--seed",
            "1",
            "--trainee",
            "Ana",
            "--out",
            str(tmp_path / "out"),
            "--answers",
            str(answers),
        ],
    )
    assert r.exit_code == 0, r.output
    [f] = list((tmp_path / "out").glob("*.json"))
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
    data = json.loads(f.read_text())
    assert data["schema"] == "mi-coach/drill-results" and data["trainee"] == "Ana"
    assert len(data["answers"]) == 3 and "Drill score" in r.output
    hits = {a["item"]: a["hit"] for a in data["answers"]}
    assert data["score"]["hits"] == sum(hits.values())


def test_unknown_skill(runner):
    r = runner.invoke(app, ["drill", "reflecting"], input="")
    assert r.exit_code == 2 and "unknown skill 'reflecting'" in r.output


def test_workshop_report(runner, tmp_path):
    room = tmp_path / "room"
    for name, text in (
        (
            "Ana",
            "What do the kids notice?\nWould it be okay if I explained how "
            "the list works?\nYou've been waiting six weeks and rent's due "
            "Friday.\n",
        ),
        ("Ben", "Do the kids notice?\nYou should call.\nOkay.\n"),
    ):
        r = runner.invoke(
            app,
            [
                "--content",
                str(CONTENT),
                "drill",
                "--bank",
                "mini-drills",
                "--count",
                "3",
                "--seed",
                "1",
                "--trainee",
                name,
                "--out",
                str(room / name),
            ],
            input=text,
        )
        assert r.exit_code == 0, r.output
    r = runner.invoke(
        app,
        [
            "practice",
            "mini-benefits",
            "--scenarios",
            MINI_DIR,
            "--data-dir",
            str(room / "sessions"),
            "--trainee",
            "Ben",
        ],
        input="You should have called them weeks ago.\n",
    )
    (room / "junk.json").write_text("[1, 2]")
    r = runner.invoke(app, ["workshop", "report", str(room)])
    assert r.exit_code == 1  # a file could not be read
    assert "junk.json" in r.output and "skipped" in r.output
    assert "Ana" in r.output and "Ben" in r.output and "t-kids-oq" in r.output
    r = runner.invoke(app, ["workshop", "report", str(room), "--to", "csv"])
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == [
        "table",
        "trainee",
        "skill",
        "item",
        "measure",
        "value",
        "hits",
        "answers",
        "note",
    ]
    ana = [row for row in rows if row["trainee"] == "Ana" and row["measure"] == "accuracy"]
    assert ana and all(row["value"] == "1.0" for row in ana)
    ben = {row["measure"]: row["value"] for row in rows if row["trainee"] == "Ben"}
    assert ben["sessions: paused"] == "1" and ben["mi non-adherent"] == "0"  # paused: not counted
    r = runner.invoke(
        app, ["workshop", "report", str(room), "--to", "html", "-o", str(tmp_path / "w.html")]
    )
    html = (tmp_path / "w.html").read_text()
    assert "<table>" in html and "Ana" in html and "://" not in html and "href" not in html
