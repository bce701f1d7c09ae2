"""Importing a real session: a speaker-labelled transcript (text or CSV) → a mi-coach transcript.

Text: one turn per line, `Speaker: words`. A line without a known speaker label continues the turn
before it; consecutive lines of the same speaker are one turn. CSV: columns `speaker,text`.
Every counsellor turn is classified with the client turn before it as context.
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
_LABEL = re.compile(r"^\s*([A-Za-z][A-Za-z .'-]{0,40}?)\s*:\s?(.*)$")


@dataclass(frozen=True)
class Utterance:
    speaker: str  # "counsellor" or "client"
    text: str
    line: int


def _norm(label: str) -> str:
    return " ".join(label.lower().replace("_", " ").split())


def parse(
    path: str | Path, counsellor: Sequence[str] = (), client: Sequence[str] = ()
) -> list[Utterance]:
    text = read_text(path)
    cl = {_norm(x) for x in (*COUNSELLOR_LABELS, *counsellor)}
    cli = {_norm(x) for x in (*CLIENT_LABELS, *client)}
    raw = _csv_rows(text, str(path)) if str(path).lower().endswith(".csv") else _text_rows(text)
    out: list[Utterance] = []
    for line_no, label, words in raw:
        if label is None:
            if out and words.strip():
                last = out[-1]
                out[-1] = Utterance(last.speaker, f"{last.text} {words.strip()}".strip(), last.line)
            elif words.strip():
                raise MiCoachError(
                    "the first turn has no speaker label (expected e.g. "
                    "'Client: …' or 'Counselor: …')",
                    path=str(path),
                    line=line_no,
                )
            continue
        who = "counsellor" if _norm(label) in cl else "client" if _norm(label) in cli else None
        if who is None:
            raise MiCoachError(
                f"unknown speaker {label!r} (counsellor labels: {', '.join(sorted(cl))}; client "
                f"labels: {', '.join(sorted(cli))}; add yours with --counselor/--client)",
                path=str(path),
                line=line_no,
            )
        if out and out[-1].speaker == who:
            last = out[-1]
            out[-1] = Utterance(who, f"{last.text} {words.strip()}".strip(), last.line)
        else:
            out.append(Utterance(who, words.strip(), line_no))
    if not any(u.speaker == "counsellor" for u in out):
        raise MiCoachError("no counsellor turns found", path=str(path))
    for u in out:  # consecutive lines of one speaker are one turn: checked once joined
        check_length(u.text, f"a {u.speaker} turn", path=str(path), line=u.line)
    return out


def _text_rows(text: str) -> list[tuple[int, str | None, str]]:
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = _LABEL.match(line)
        rows.append((n, m.group(1), m.group(2)) if m else (n, None, line))
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
    utterances: list[Utterance], classifier: Any, source: str, trainee: str | None = None
) -> Transcript:
    """The session as a transcript, classified. A session longer than a transcript may be (the
    turns, the file size `review` reads) is refused, saying so, before anything is written."""
    turns = sum(1 for u in utterances if u.speaker == "counsellor")
    if turns > MAX_TURNS:
        raise MiCoachError(
            f"{turns:,} counsellor turns: a transcript holds at most {MAX_TURNS:,}, so "
            "`review` could not read it; split the session into parts",
            path=source,
        )
    items, clients = [], []
    prev_client: str | None = None
    for u in utterances:
        if u.speaker == "client":
            prev_client = u.text
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
    for n, (result, client) in enumerate(zip(results, clients), 1):
        rule = classifier.ruleset.primary_rule(result)
        t.turns.append(
            Turn(
                n=n,
                client=ClientTurn(text=client) if client is not None else None,
                response=result.text,
                code=result.code,
                family=result.family,
                codes=list(result.codes),
                evidence=result.wire()["evidence"],
                feedback=rule.feedback if rule is not None else None,
            )
        )
    t.finished = t.started
    size = len(t.to_json().encode("utf-8"))
    if size > MAX_DATA_FILE_BYTES:
        raise MiCoachError(
            f"the transcript would be {size / 1e6:.1f} MB; `review` reads at most "
            f"{MAX_DATA_FILE_BYTES / 1e6:.1f} MB, so split the session into parts",
            path=source,
        )
    return t


def is_importable(path: str | Path) -> bool:
    return Path(path).suffix.lower() in (".txt", ".csv", ".text")
