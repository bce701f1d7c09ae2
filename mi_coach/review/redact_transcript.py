"""Redacting a whole transcript: every text field through the redactor, evidence offsets moved to match.

Known names, always replaced: the persona's name (from the scenario the transcript names, when it
can be found) and speaker labels an imported session used for people. Kept names: the trainee
and the supervisors who annotated it (they wrote the report), unless `everything` is asked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mi_coach.practice.transcript import Transcript
from mi_coach.review.redact import Found, Leftover, Redactor, leftovers
from mi_coach.review.redact_shapes import word_lists

_W = word_lists()["transcript"]

# Speaker labels that are roles, not people's names.
ROLE_LABELS = _W["role_labels"]


@dataclass(frozen=True)
class Redacted:
    transcript: Transcript
    counts: Counter  # replacements by kind (evidence copies not counted again)
    fields: tuple[str, ...]  # where each redacted text came from ("turn 3 client", …)
    texts: tuple[str, ...]  # the redacted texts, in the same order
    keep: tuple[str, ...]  # the names kept


def authors(t: Transcript) -> list[str]:
    """The report's authors: the trainee and every supervisor who annotated a turn."""
    names = [t.trainee or ""]
    names += [turn.annotation.by or "" for turn in t.turns if turn.annotation is not None]
    return [n for n in dict.fromkeys(n.strip() for n in names) if n]


def known_names(t: Transcript) -> list[str]:
    """Names the transcript declares: the persona's, and speaker labels that are not roles."""
    names: list[str] = []
    if t.kind == "practice":
        persona = _persona_name(t)
        if persona:
            names.append(persona)
    for label in t.speakers or []:
        if " ".join(label.lower().replace("_", " ").split()) not in ROLE_LABELS:
            names.append(label)
    return names


def _persona_name(t: Transcript) -> str | None:
    from mi_coach.base.errors import MiCoachError
    from mi_coach.practice import scenarios as sc

    for find in (lambda: sc.find(t.scenario), lambda: sc.load_scenario_file(t.scenario_source)):
        try:
            return find().scenario.persona.name
        except (MiCoachError, OSError, ValueError):
            continue
    return None


def redact_transcript(
    t: Transcript,
    ner: Any = None,
    names: Sequence[str] = (),
    everything: bool = False,
) -> tuple[Transcript, Counter]:
    """A copy of the transcript with personal details replaced in every text field, evidence
    offsets moved to match; and the replacements made, by kind. `everything`: the trainee's and
    the supervisors' names go too."""
    r = redact_all_fields(t, ner, names, everything)
    return r.transcript, r.counts


def redact_all_fields(
    t: Transcript, ner: Any = None, names: Sequence[str] = (), everything: bool = False
) -> Redacted:
    data = t.model_dump(by_alias=True)
    slots: list[tuple[dict[str, Any], str, str]] = []  # (the record, its key, where): to redact
    keep = [] if everything else authors(t)
    known = [*known_names(t), *names, *(authors(t) if everything else [])]

    def slot(record: dict[str, Any] | None, key: str, where: str) -> None:
        if record is not None and isinstance(record.get(key), str) and record[key]:
            slots.append((record, key, where))

    for key in ("trainee", "scenario_title", "scenario_source"):
        if key != "trainee" or everything:
            slot(data, key, key)
    for turn in data["turns"]:
        n = turn["n"]
        slot(turn, "response", f"turn {n} response")
        slot(turn.get("client"), "text", f"turn {n} client")
        slot(turn.get("client"), "thought", f"turn {n} thought")
        slot(turn, "feedback", f"turn {n} feedback")
        slot(turn, "better", f"turn {n} better")
        slot(turn, "missed_note", f"turn {n} missed chance")
        slot(turn, "reaction", f"turn {n} reaction")
        for reason in turn.get("reasons") or []:
            slot(reason, "text", f"turn {n} rapport reason")  # may quote the response
        slot(turn.get("annotation"), "comment", f"turn {n} comment")
        if everything:
            slot(turn.get("annotation"), "by", f"turn {n} supervisor")
    slot(data.get("closing"), "text", "closing client line")
    slot(data.get("closing"), "thought", "closing client thought")
    counted = len(slots)
    # Copies of those texts are redacted too, uncounted: the saved scorecard's best moment and
    # missed chance, and evidence that does not point into its response (evidence that does is
    # redacted through the response's spans, its offsets moved).
    for key in ("best_moment", "biggest_missed_chance"):
        moment = (data.get("scores") or {}).get(key)
        if isinstance(moment, dict):
            for field_ in ("client", "response", "note", "better"):
                slot(moment, field_, f"scores {key}")
    for turn in data["turns"]:
        for ev in turn.get("evidence") or []:
            if not aligned(ev, turn["response"]):
                slot(ev, "match", f"turn {turn['n']} evidence")
    found = Redactor(ner, known, keep).find([rec[key] for rec, key, _ in slots])
    counts: Counter = Counter(s.kind for f in found[:counted] for s in f.spans)
    by_response: dict[int, Found] = {}
    f: Found | None
    for i, ((rec, key, _), f) in enumerate(zip(slots, found)):
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
    if data.get("speakers"):
        data["speakers"] = [
            s if " ".join(s.lower().split()) in ROLE_LABELS else "[NAME]" for s in data["speakers"]
        ]
    return Redacted(
        Transcript.model_validate(data),
        counts,
        tuple(where for _, _, where in slots[:counted]),
        tuple(f.text for f in found[:counted]),
        tuple(keep),
    )


def check(r: Redacted, ner: Any = None) -> list[tuple[str, Leftover]]:
    """What still looks like an identifier in a redacted transcript, with where it stands."""
    return [(r.fields[o.index], o) for o in leftovers(r.texts, ner, r.keep)]


def aligned(ev: dict[str, Any], text: str) -> bool:
    start, end, match = ev.get("start"), ev.get("end"), ev.get("match")
    return (
        isinstance(start, int)
        and isinstance(end, int)
        and 0 <= start <= end <= len(text)
        and text[start:end] == match
    )
