"""Importing a real session: a speaker-labelled transcript (text or CSV) → a mi-coach transcript.

Text: one turn per line, `Speaker: words`, optionally after a timestamp (`[00:00:05] Counselor:`,
`00:00:05 Counselor:`, `(0:05) Client:`) or with one after the label (`Counselor [00:05]:`).
Consecutive lines of the same speaker are one turn. A line without a speaker label cannot be
attributed: it is kept, joined to the turn before it (or, before the first label, to the first
turn), and counted. CSV: columns `speaker,text` (a row without a speaker is counted the same way).
Every counsellor turn is classified with the client turn before it as context; client words after
the last counsellor turn are kept as the transcript's `closing` line. Nothing is dropped.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mi_coach.base.errors import MiCoachError
from mi_coach.base.loading import MAX_DATA_FILE_BYTES, read_text
from mi_coach.coding.inputs import check_length
from mi_coach.practice.transcript import MAX_TURNS, ClientTurn, Transcript, Turn

COUNSELLOR_LABELS = (
    "counselor",
    "counsellor",
    "case manager",
    "cm",
    "therapist",
    "interviewer",
    "worker",
    "practitioner",
    "trainee",
)
CLIENT_LABELS = ("client", "patient", "participant", "resident", "interviewee")
IMPORT_RUBRICS = ["mi", "trauma_informed", "cultural_humility", "strengths_based"]
_STAMP = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
# A timestamp before the label: "[00:00:05] ", "00:00:05 ", "(0:05) ", "00:05 - "
_LEADING_STAMP = re.compile(rf"^\s*(?:\[{_STAMP}\]|\({_STAMP}\)|{_STAMP})\s*(?:[-–]\s*)?")
# A timestamp after the label: "Counselor [00:05]: ", "Client (00:00:05): "
_LABEL_STAMP = re.compile(rf"\s*(?:\[{_STAMP}\]|\({_STAMP}\)|{_STAMP})\s*$")
_LABEL = re.compile(
    r"^\s*([A-Za-z][A-Za-z0-9 .'_-]{0,40}?(?:\s*[\[(][\d:.,]{4,12}[\])])?)\s*:\s?(.*)$"
)


@dataclass(frozen=True)
class Utterance:
    speaker: str  # "counsellor" or "client"
    text: str
    line: int
    label: str = ""  # the label as written ("Counselor", "Tasha")


@dataclass(frozen=True)
class Parsed:
    """A parsed session: its turns, the lines no speaker label attributes (kept, joined to the
    turn before), and the labels used."""

    utterances: list[Utterance]
    unattributed: list[int]  # line numbers
    labels: list[str]


def _norm(label: str) -> str:
    return " ".join(label.lower().replace("_", " ").split())


def parse(
    path: str | Path, counsellor: Sequence[str] = (), client: Sequence[str] = ()
) -> list[Utterance]:
    """The turns of a session file (see `parse_file` for the lines it could not attribute)."""
    return parse_file(path, counsellor, client).utterances


def parse_file(
    path: str | Path, counsellor: Sequence[str] = (), client: Sequence[str] = ()
) -> Parsed:
    text = read_text(path)
    cl = {_norm(x) for x in (*COUNSELLOR_LABELS, *counsellor)}
    cli = {_norm(x) for x in (*CLIENT_LABELS, *client)}
    raw = _csv_rows(text, str(path)) if str(path).lower().endswith(".csv") else _text_rows(text)
    out: list[Utterance] = []
    unattributed: list[int] = []
    pending: list[str] = []  # unlabelled lines before the first turn
    labels: list[str] = []
    for line_no, label, words in raw:
        words = words.strip()
        who = None
        if label is not None:
            who = "counsellor" if _norm(label) in cl else "client" if _norm(label) in cli else None
            if who is None and not _looks_like_label(label):
                words = f"{label}: {words}".strip()  # "and then she said: no" continues a turn
                label = None
        if label is None:
            if not words:
                continue
            unattributed.append(line_no)
            if out:
                last = out[-1]
                out[-1] = Utterance(
                    last.speaker, f"{last.text} {words}".strip(), last.line, last.label
                )
            else:
                pending.append(words)
            continue
        if who is None:
            raise MiCoachError(
                f"unknown speaker {label!r} (counsellor labels: {', '.join(sorted(cl))}; client "
                f"labels: {', '.join(sorted(cli))}; add yours with --counselor/--client)",
                path=str(path),
                line=line_no,
                field="speaker",
            )
        if label not in labels:
            labels.append(label)
        if pending:
            words = " ".join([*pending, words])
            pending = []
        if out and out[-1].speaker == who:
            last = out[-1]
            out[-1] = Utterance(who, f"{last.text} {words}".strip(), last.line, last.label)
        else:
            out.append(Utterance(who, words, line_no, label))
    if not any(u.speaker == "counsellor" for u in out):
        raise MiCoachError(
            "no counsellor turns found (counsellor labels: "
            f"{', '.join(sorted(cl))}; add yours with --counselor)",
            path=str(path),
        )
    for u in out:  # consecutive lines of one speaker are one turn: checked once joined
        check_length(u.text, f"a {u.speaker} turn", path=str(path), line=u.line)
    return Parsed(out, unattributed, labels)


def _looks_like_label(label: str) -> bool:
    """A speaker label: one to three words, each capitalised or a role ("Dr. Ames", "CM")."""
    parts = label.split()
    return 1 <= len(parts) <= 3 and all(p[:1].isupper() or p[:1].isdigit() for p in parts)


def _text_rows(text: str) -> list[tuple[int, str | None, str]]:
    rows: list[tuple[int, str | None, str]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        line = _LEADING_STAMP.sub("", line, count=1)
        m = _LABEL.match(line)
        if m:
            label = _LABEL_STAMP.sub("", m.group(1)).strip()
            rows.append((n, label, m.group(2)))
        else:
            rows.append((n, None, line))
    return rows


def _csv_rows(text: str, path: str) -> list[tuple[int, str | None, str]]:
    reader = csv.DictReader(io.StringIO(text))
    fields = [(f or "").strip().lower() for f in (reader.fieldnames or [])]
    if "speaker" not in fields or "text" not in fields:
        raise MiCoachError(
            f"a CSV transcript needs the columns speaker,text (found: "
            f"{', '.join(fields) or 'none'})",
            path=path,
            line=1,
        )
    reader.fieldnames = fields
    rows = []
    try:
        for row in reader:
            speaker = (row.get("speaker") or "").strip()
            rows.append((reader.line_num, speaker or None, row.get("text") or ""))
    except csv.Error as exc:
        raise MiCoachError(f"CSV error: {exc}", path=path, line=reader.line_num) from None
    return rows


def to_transcript(
    utterances: list[Utterance] | Parsed,
    classifier: Any,
    source: str,
    trainee: str | None = None,
    date: str | None = None,
) -> Transcript:
    """The session as a transcript: every counsellor turn classified with the client line before
    it; client words after the last counsellor turn kept as `closing`. `date`: the session's
    date (YYYY-MM-DD), else today."""
    parsed = utterances if isinstance(utterances, Parsed) else Parsed(utterances, [], [])
    turns = sum(1 for u in parsed.utterances if u.speaker == "counsellor")
    if turns > MAX_TURNS:
        raise MiCoachError(
            f"{turns:,} counsellor turns: a transcript holds at most {MAX_TURNS:,}, so "
            "`review` could not read it; split the session into parts",
            path=source,
        )
    items, clients = [], []
    prev_client: str | None = None
    for u in parsed.utterances:
        if u.speaker == "client":
            prev_client = u.text if prev_client is None else f"{prev_client} {u.text}"
        else:
            items.append((u.text, prev_client))
            clients.append(prev_client)
            prev_client = None
    results = classifier.classify_many(items)
    t = Transcript.new(
        scenario_id="imported",
        scenario_title=Path(source).name,
        scenario_source=str(source),
        trainee=trainee,
        rubrics=IMPORT_RUBRICS,
        kind="imported",
    )
    t.status = "imported"
    t.speakers = list(parsed.labels) or None
    if prev_client is not None:
        t.closing = ClientTurn(text=prev_client)
    for n, (result, client) in enumerate(zip(results, clients), 1):
        rules = classifier.ruleset
        t.turns.append(
            Turn(
                n=n,
                client=ClientTurn(text=client) if client is not None else None,
                response=result.text,
                code=result.code,
                family=result.family,
                codes=list(result.codes),
                evidence=result.wire()["evidence"],
                feedback=rules.feedback(result),
                confidence=result.confidence,
                runner_up=result.runner_up,
            )
        )
    if date is not None:
        t.started = t.updated = session_date(date)
    t.finished = t.started
    size = len(t.to_json().encode("utf-8"))
    if size > MAX_DATA_FILE_BYTES:
        raise MiCoachError(
            f"the transcript would be {size / 1e6:.1f} MB; `review` reads at most "
            f"{MAX_DATA_FILE_BYTES / 1e6:.1f} MB, so split the session into parts",
            path=source,
        )
    return t


def refuse_to_lose_annotations(out: str | Path, force: bool) -> None:
    """Re-importing never silently destroys a supervisor's work: an existing transcript at `out`
    that holds annotations is overwritten only with `force`."""
    from mi_coach.practice.transcript import load

    p = Path(out)
    if force or not p.exists():
        return
    try:
        old = load(p)
    except MiCoachError:
        return  # not a readable transcript: nothing of a supervisor's to lose
    kept = sum(1 for turn in old.turns if turn.annotation is not None)
    if kept:
        raise MiCoachError(
            f"holds {kept} supervisor annotation(s) that re-importing would lose; "
            "use --force to overwrite it, or -o PATH to import elsewhere",
            path=str(p),
        )


def session_date(value: str, path: str | None = None) -> str:
    """A session date given as YYYY-MM-DD, as the transcript's timestamp (midnight UTC)."""
    from datetime import date

    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise MiCoachError(
            f"{value!r} is not a date (expected YYYY-MM-DD)", path=path, field="--date"
        ) from None
    return f"{day.isoformat()}T00:00:00.000+00:00"


def is_importable(path: str | Path) -> bool:
    return Path(path).suffix.lower() in (".txt", ".csv", ".text")
