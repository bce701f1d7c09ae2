"""Redacting a whole transcript: every text field through the redactor, evidence offsets moved to match."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from mi_coach.practice.transcript import Transcript
from mi_coach.review.redact import Found, Redactor


def redact_transcript(
    t: Transcript, ner: Any = None, names: Sequence[str] = ()
) -> tuple[Transcript, Counter]:
    """A copy of the transcript with personal details replaced in every text field, evidence
    offsets moved to match; and the replacements made, by kind (evidence is not counted again)."""
    data = t.model_dump(by_alias=True)
    slots: list[tuple[dict[str, Any], str]] = []  # (the record, its key): texts to redact
    known = [n for n in [t.trainee, *names] if n]

    def slot(record: dict[str, Any] | None, key: str) -> None:
        if record is not None and isinstance(record.get(key), str) and record[key]:
            slots.append((record, key))

    for key in ("trainee", "scenario_title", "scenario_source"):
        slot(data, key)
    for turn in data["turns"]:
        slot(turn, "response")
        slot(turn.get("client"), "text")
        slot(turn.get("client"), "thought")
        slot(turn, "feedback")
        slot(turn, "better")
        slot(turn.get("annotation"), "comment")
        slot(turn.get("annotation"), "by")
        if turn.get("annotation") and turn["annotation"].get("by"):
            known.append(turn["annotation"]["by"])
    counted = len(slots)
    # Copies of those texts are redacted too, uncounted: the saved scorecard's best moment and
    # missed chance, and evidence that does not point into its response (evidence that does is
    # redacted through the response's spans, its offsets moved).
    for key in ("best_moment", "biggest_missed_chance"):
        moment = (data.get("scores") or {}).get(key)
        if isinstance(moment, dict):
            for field_ in ("client", "response", "note", "better"):
                slot(moment, field_)
    for turn in data["turns"]:
        for ev in turn.get("evidence") or []:
            if not aligned(ev, turn["response"]):
                slot(ev, "match")
    found = Redactor(ner, known).find([rec[key] for rec, key in slots])
    counts: Counter = Counter(s.kind for f in found[:counted] for s in f.spans)
    by_response: dict[int, Found] = {}
    f: Found | None
    for i, ((rec, key), f) in enumerate(zip(slots, found)):
        if key == "response" and i < counted:
            by_response[id(rec)] = f
        rec[key] = f.text
    for turn in data["turns"]:
        f = by_response.get(id(turn))
        if f is None:
            continue
        for ev in turn.get("evidence") or []:
            if aligned(ev, f.original):
                start, end = ev["start"], ev["end"]
                ev["match"] = f.part(start, end)
                ev["start"] = f.position(start)
                ev["end"] = ev["start"] + len(ev["match"])
    if t.kind == "imported":  # the title is the file's name, often the client's name
        data["scenario_title"] = "Imported session"
        data["scenario_source"] = "[FILE]"
    return Transcript.model_validate(data), counts


def aligned(ev: dict[str, Any], text: str) -> bool:
    start, end, match = ev.get("start"), ev.get("end"), ev.get("match")
    return (
        isinstance(start, int)
        and isinstance(end, int)
        and 0 <= start <= end <= len(text)
        and text[start:end] == match
    )
