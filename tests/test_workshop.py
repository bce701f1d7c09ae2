"""The workshop report (`mi_coach.authoring.workshop`) on a room built from drill results and
transcripts written for the test: who needs help with what, items hardest first with the commonest
wrong code, finished sessions only, and every format safe against what a results file holds."""

from __future__ import annotations

import csv
import io
import re

import pytest

from mi_coach.authoring import workshop as ws
from mi_coach.cli.app import app
from mi_coach.coding.ruleset import load_codes
from mi_coach.practice.drills import Answer, Results, load_skills
from mi_coach.practice.transcript import Transcript, Turn

LINK = "[click](javascript:alert(1)) ![x](http://evil.example/x.png) <img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://evil.example","x")'


def _answer(item: str, skill: str, hit: bool, code: str, text: str = "an answer") -> Answer:
    return Answer(
        item=item,
        skill=skill,
        client=f"client line for {item}",
        answer=text,
        code=code,
        codes=[code],
        hit=hit,
        reason="",
        seconds=3.0,
    )


def _results(trainee: str, answers: list[Answer]) -> Results:
    return Results(
        id=f"r-{len(answers)}-{abs(hash(trainee)) % 1000}",
        trainee=trainee,
        started="2026-01-01",
        answers=answers,
    )


def _session(trainee: str, status: str, non_adherent: bool) -> Transcript:
    t = Transcript.new(
        scenario_id="mini", scenario_title="Mini", scenario_source="mini.yml", trainee=trainee
    )
    code, family = (
        ("righting_reflex", "mi_non_adherent")
        if non_adherent
        else ("complex_reflection", "reflection")
    )
    t.turns.append(Turn(n=1, response="x", code=code, family=family, codes=[code], evidence=[]))
    t.status = status  # type: ignore[assignment]
    return t


@pytest.fixture()
def room():
    cr, oq = "complex_reflection", "open_question"
    good = [
        _answer("i-cr-1", cr, True, cr),
        _answer("i-cr-2", cr, True, cr),
        _answer("i-oq-1", oq, True, oq),
    ]
    drills = [
        _results("Ana", good),
        _results("Ben", good),
        _results("Cy", good),
        _results(
            "Dee",
            [
                _answer("i-cr-1", cr, False, "simple_reflection", "You're tired."),
                _answer("i-cr-2", cr, False, "simple_reflection", "It's a lot."),
                _answer("i-oq-1", oq, True, oq),
            ],
        ),
        _results(LINK, [_answer("i-oq-1", oq, False, "closed_question", FORMULA)]),
    ]
    sessions = [
        _session("Ana", "success", False),
        _session("Dee", "rupture", True),
        _session("Dee", "in_progress", True),  # paused: listed apart, not scored
    ]
    labels = {k: v.label for k, v in load_skills().skills.items()}
    return ws.aggregate("room", drills, sessions, load_codes(), [], labels)


def test_trainees_well_below_the_room_are_flagged(room):
    by = {p.trainee: p for p in room.trainees}
    assert by["Dee"].flags == ["complex_reflection"]
    assert ws.needs_help(by["Dee"], room) == "needs help with: complex reflections"
    assert by["Ana"].flags == [] and ws.needs_help(by["Ana"], room) is None
    # one answer is too few to call
    assert by[" ".join(LINK.split())].flags == []
    assert by["Dee"].outcomes == {"rupture": 1} and by["Dee"].paused == 1
    assert by["Dee"].non_adherent == 1  # the paused session's response is not counted
    assert room.paused == 1 and room.outcomes == {"success": 1, "rupture": 1}


def test_items_hardest_first_with_the_commonest_wrong_code(room):
    first = room.items[0]
    assert (first.item, first.hits, first.answers) in (
        ("i-cr-1", 3, 4),
        ("i-cr-2", 3, 4),
        ("i-oq-1", 4, 5),
    )
    rates = [i.rate for i in room.items]
    assert rates == sorted(rates)
    cr1 = next(i for i in room.items if i.item == "i-cr-1")
    assert cr1.common_wrong == ("simple_reflection", 1, "You're tired.")


def test_csv_is_one_long_table_and_cells_cannot_run(room):
    rows = list(csv.DictReader(io.StringIO(ws.to_csv(room))))
    assert {r["table"] for r in rows} == {"room", "trainee", "item"}
    assert not any(k.startswith("col") for k in rows[0])
    dee = [r for r in rows if r["trainee"] == "Dee" and r["skill"] == "complex_reflection"]
    assert dee[0]["value"] == "0.0" and dee[0]["note"] == "needs help"
    wrong = [r for r in rows if r["item"] == "i-oq-1" and r["measure"].startswith("most common")]
    assert wrong[0]["note"].startswith("'=")  # a formula is shown, never run
    for r in rows:
        for v in r.values():
            assert not v.lstrip(" ").startswith(("=", "+", "-", "@")), v


def test_markdown_and_html_hold_no_link_image_or_markup_from_a_file(room):
    md = ws.to_md(room, "Workshop")
    assert "](" not in md.replace("\\](", "") and "<img" not in md and "![" not in md
    assert "needs help with: complex reflections" in md and "### Dee" in md
    page = ws.to_html(room, "Workshop")
    assert "<img" not in page and "javascript:" not in page.replace("javascript:alert", "")
    tags = re.findall(r"<[a-zA-Z][^>]*>", page)
    assert not [t for t in tags if re.search(r"\s(?:src|href|on[a-z]+)\s*=", t)]
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # shown as text
    assert page.count('<section class="card') == len(room.trainees)
    assert '<section class="card flagged"><h2>Dee</h2>' in page
    assert 'class="flag"' in page and "page-break-after:always" in page
    assert "default-src 'none'" in page


def test_the_command_writes_each_format(runner, tmp_path, room):
    folder = tmp_path / "room"
    folder.mkdir()
    (folder / "dee.json").write_text(
        _results("Dee", [_answer("i-cr-1", "complex_reflection", False, "other")]).to_json()
    )
    (folder / "s.json").write_text(_session("Dee", "success", False).to_json())
    for fmt in ("md", "html", "csv"):
        out = tmp_path / f"w.{fmt}"
        r = runner.invoke(app, ["workshop", "report", str(folder), "--to", fmt, "-o", str(out)])
        assert r.exit_code == 0, r.output
        assert "Dee" in out.read_text()
    r = runner.invoke(app, ["workshop", "report", str(folder)])
    assert r.exit_code == 0 and "Drill items, hardest first" in r.output
    (folder / "bad.json").write_text('{"schema": "mi-coach/drill-results", "answers": 3}')
    r = runner.invoke(app, ["workshop", "report", str(folder)])
    assert r.exit_code == 1 and "bad.json" in r.output
