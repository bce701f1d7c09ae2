"""`mi-coach progress` and `mi_coach.review.progress` on transcripts written for the test: finished
sessions only (paused listed apart), one trainee per trend, imported sessions on request, minimum
counts before a ratio or a trend shows, and the md/html/csv exports."""

from __future__ import annotations

import csv
import io

from mi_coach.cli.app import app
from mi_coach.coding.ruleset import load_codes
from mi_coach.practice.transcript import Transcript, Turn
from mi_coach.review.progress import MIN_SESSIONS, over_time, to_csv, to_html, to_md, trend_shown

FAMILY = {
    "simple_reflection": "reflection",
    "complex_reflection": "reflection",
    "open_question": "question",
    "closed_question": "question",
    "righting_reflex": "mi_non_adherent",
}


def session(trainee, codes, day, status="success", kind="practice"):
    t = Transcript.new(
        scenario_id="mini",
        scenario_title="Mini",
        scenario_source="mini.yml",
        trainee=trainee,
        kind=kind,
    )
    t.started = t.updated = f"2026-01-{day:02d}T10:00:00.000+00:00"
    for n, code in enumerate(codes, 1):
        t.turns.append(
            Turn(n=n, response=f"r{n}", code=code, family=FAMILY[code], codes=[code], evidence=[])
        )
    t.status = status
    return t


POOR = ["closed_question", "closed_question", "closed_question", "righting_reflex"]
GOOD = [
    "complex_reflection",
    "complex_reflection",
    "open_question",
    "open_question",
    "open_question",
]


def test_one_trend_per_trainee_finished_sessions_only():
    sessions = [
        session("Ana", POOR, 1),
        session("Ben", GOOD, 2),
        session("Ana", POOR, 3),
        session("ana ", GOOD, 4),
        session("Ana", GOOD, 5),
        session("Ana", GOOD, 6, status="in_progress"),
    ]
    report = over_time(sessions, load_codes())
    assert [p.trainee for p in report.people] == ["Ana", "Ben"]
    ana, ben = report.people
    assert len(ana.rows) == 4 and len(ana.paused) == 1  # paused: listed apart
    assert all(r.trainee in ("Ana", "ana ") for r in ana.rows)
    assert len(ben.rows) == 1 and "a trend needs" in ben.sentence
    assert "Improved:" in ana.sentence and "%OQ" in ana.sentence
    assert trend_shown(ana, "percent_open_questions")


def test_no_ratio_from_one_or_two_questions_and_no_trend_from_few_sessions():
    two_questions = ["open_question", "closed_question", "complex_reflection"]
    report = over_time(
        [session("Cy", two_questions, d) for d in range(1, MIN_SESSIONS + 1)], load_codes()
    )
    p = report.people[0]
    assert all(r.values["percent_open_questions"] is None for r in p.rows)
    assert all(r.values["reflection_to_question_ratio"] is None for r in p.rows)
    assert not trend_shown(p, "percent_open_questions")
    assert trend_shown(p, "mi_non_adherent")
    few = over_time([session("Cy", GOOD, 1), session("Cy", POOR, 2)], load_codes()).people[0]
    assert not any(trend_shown(few, k) for k in few.trends)


def test_imported_sessions_only_when_asked():
    sessions = [
        session("Ana", GOOD, 1, status="imported", kind="imported"),
        session("Ana", GOOD, 2),
    ]
    assert len(over_time(sessions, load_codes()).rows) == 1
    assert len(over_time(sessions, load_codes(), include_imported=True).rows) == 2


def test_exports_hold_every_trainee_apart_and_are_safe():
    sessions = [session("=cmd|' /C calc'!A0", GOOD, 1), session("<b>Ben</b>", POOR, 2)]
    sessions.append(session("<b>Ben</b>", POOR, 3, status="in_progress"))
    report = over_time(sessions, load_codes())
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert {r["trainee"] for r in rows} == {"'=cmd|' /C calc'!A0", "<b>Ben</b>"}
    assert [r["measure"] for r in rows if r["outcome"] == "in_progress"] == ["paused"]
    md, page = to_md(report), to_html(report)
    assert "<b>" not in md and "&lt;b&gt;Ben&lt;/b&gt;" in md and "Paused, not counted" in md
    assert "<b>" not in page and page.count('<section class="person">') == 2


def test_the_command(runner, tmp_path):
    folder = tmp_path / "transcripts"
    folder.mkdir()
    for i, t in enumerate(
        [session("Ana", POOR, 1), session("Ana", GOOD, 2), session("Ben", GOOD, 3)]
    ):
        (folder / f"t{i}.json").write_text(t.to_json())
    (folder / "p.json").write_text(session("Ben", GOOD, 4, status="in_progress").to_json())
    r = runner.invoke(app, ["progress", "--data-dir", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "Ana" in r.output and "Ben" in r.output and "Paused, not counted" in r.output
    r = runner.invoke(app, ["progress", "--data-dir", str(tmp_path), "--to", "csv", "-t", "ben"])
    assert r.exit_code == 0 and "Ana" not in r.stdout and r.stdout.startswith("trainee,")
    out = tmp_path / "p.html"
    r = runner.invoke(
        app, ["progress", "--data-dir", str(tmp_path), "--to", "html", "-o", str(out)]
    )
    assert r.exit_code == 0 and "<h2>Ana</h2>" in out.read_text()
    r = runner.invoke(app, ["progress", "--data-dir", str(tmp_path), "-o", str(out)])
    assert r.exit_code == 2 and "--output needs" in r.output
