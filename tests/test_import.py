"""`mi-coach import` loses nothing: timestamps, a client who speaks last, lines without a speaker
(kept and counted), `--date`; bad input is one line naming file, line and field, exit 2, and no
file is written. Also: a session paused in a custom --data-dir says how to resume it there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mi_coach.base.errors import MiCoachError
from mi_coach.cli.app import app
from mi_coach.review.importer import parse_file

MINI_DIR = str(Path(__file__).parent / "data" / "scenarios")

STAMPED = """\
[00:00:05] Counselor: What brings you in today?
[00:00:09] Client: The shelter says I have to leave Friday.
00:00:15 Counselor: Friday is coming fast.
00:00:20 Client: Yeah. And then she said: no more extensions.
(0:31) Counselor [00:31]: You're worried about where you'll sleep.
Client (00:00:40): I am. I don't know where I'll go.
"""


def test_timestamps_and_the_last_client_line(tmp_path, clf):
    f = tmp_path / "s.txt"
    f.write_text(STAMPED)
    parsed = parse_file(f)
    assert [(u.speaker, u.line) for u in parsed.utterances] == [
        ("counsellor", 1),
        ("client", 2),
        ("counsellor", 3),
        ("client", 4),
        ("counsellor", 5),
        ("client", 6),
    ]
    assert parsed.utterances[3].text == "Yeah. And then she said: no more extensions."
    assert parsed.unattributed == []
    from mi_coach.review.importer import to_transcript

    t = to_transcript(parsed, clf, str(f), date="2026-03-02")
    assert len(t.turns) == 3 and t.closing is not None
    assert t.closing.text == "I am. I don't know where I'll go."
    assert t.started.startswith("2026-03-02") and t.finished == t.started
    assert t.speakers == ["Counselor", "Client"]


def test_lines_without_a_speaker_are_kept_and_counted(tmp_path):
    f = tmp_path / "s.txt"
    f.write_text(
        "(recording starts)\nCounselor: Hi.\nClient: Hi.\nsorry, the mic cut out\n"
        "Counselor: No problem.\n"
    )
    parsed = parse_file(f)
    assert parsed.unattributed == [1, 4]
    assert parsed.utterances[0].text == "(recording starts) Hi."
    assert parsed.utterances[1].text == "Hi. sorry, the mic cut out"


def test_the_command_reports_what_it_kept(runner, tmp_path):
    f = tmp_path / "s.txt"
    f.write_text(STAMPED + "mumbles something\n")
    r = runner.invoke(app, ["import", str(f), "--date", "2026-03-02", "--trainee", "Lee"])
    assert r.exit_code == 0, r.output
    assert "1 line(s) had no speaker label" in r.output and "line 7" in r.output
    assert "The client speaks last" in r.output
    data = json.loads(f.with_suffix(".json").read_text())
    assert data["closing"]["text"].endswith("where I'll go. mumbles something")
    assert data["started"].startswith("2026-03-02")


@pytest.mark.parametrize(
    ("args", "text", "expected"),
    [
        (["--date", "2026-13-40"], STAMPED, "--date: '2026-13-40' is not a date"),
        (
            [],
            "Counselor: Hi.\nDoctor Who: Hello.\n",
            "s.txt:2: speaker: unknown speaker 'Doctor Who'",
        ),
        ([], "Client: only me\n", "s.txt: no counsellor turns found"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(runner, tmp_path, args, text, expected):
    f = tmp_path / "s.txt"
    f.write_text(text)
    out = tmp_path / "s.json"
    out.write_text("keep me")
    r = runner.invoke(app, ["import", str(f), *args, "-o", str(out)])
    assert r.exit_code == 2
    assert expected in r.output and len(r.output.strip().splitlines()) == 1, r.output
    assert out.read_text() == "keep me"


def test_parse_errors_are_mi_coach_errors(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("speaker,text\nCounselor,hi\n,no speaker here\nClient,hello\n")
    parsed = parse_file(f)
    assert parsed.unattributed == [3] and parsed.utterances[0].text == "hi no speaker here"
    f.write_text("who,what\n")
    with pytest.raises(MiCoachError, match="s.csv:1: a CSV transcript needs"):
        parse_file(f)


def test_a_paused_session_names_its_data_dir_in_the_resume_hint(runner, tmp_path):
    folder = tmp_path / "my data"
    r = runner.invoke(
        app,
        ["practice", "mini-benefits", "--scenarios", MINI_DIR, "--data-dir", str(folder)],
        input="You're worried the rent will come before the money does.\n",
    )
    assert r.exit_code == 0, r.output
    assert f"mi-coach practice --resume --data-dir '{folder}' --scenarios {MINI_DIR}" in r.output
