"""What every export format shows of a transcript: labels, trigger words, overrides, summary rows."""

from __future__ import annotations

from collections import Counter
from typing import Any

from mi_coach.base.text import number
from mi_coach.practice.transcript import Transcript, Turn
from mi_coach.scoring.scorecard import Scorecard, format_threshold, format_value


def label(codes: Any, code: str) -> str:
    info = codes.codes.get(code)
    return info.label if info is not None else code


def triggers(turn: Turn) -> list[str]:
    return list(
        dict.fromkeys(
            str(ev.get("match")) for ev in turn.evidence if ev.get("match") not in (None, "")
        )
    )


def override(turn: Turn) -> str | None:
    a = turn.annotation
    return a.code if a is not None and a.code is not None and a.code != turn.code else None


def mi_summary(card: Scorecard) -> list[Any]:
    mi = next((r for r in card.rubrics if r.id == "mi"), None)
    return [c for c in mi.criteria if c.summary] if mi is not None else []


def value(c: Any) -> str:
    return format_value(c)


def threshold(c: Any, x: float) -> str:
    return format_threshold(c, x, sign=True)


def date(t: Transcript) -> str:
    stamp = t.finished or t.updated or t.started
    return stamp.replace("T", " ").replace("+00:00", " UTC")


def redaction_note(counts: Counter) -> str:
    from mi_coach.review.redact import KINDS, PLACEHOLDER

    total = sum(counts.values())
    detail = ", ".join(f"{PLACEHOLDER[k]} {counts[k]}" for k in KINDS if counts.get(k))
    return (
        f"Redacted: personal details were replaced with placeholders ({total} "
        f"replacement{'s' if total != 1 else ''}{': ' + detail if detail else ''})."
    )


def summary_rows(nums: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("Reflections", number(nums["reflections"])),
        ("Questions", number(nums["questions"])),
        ("Reflection-to-question ratio", number(nums["reflection_to_question_ratio"])),
        ("Complex reflections", number(nums["percent_complex_reflections"], pct=True)),
        ("Open questions", number(nums["percent_open_questions"], pct=True)),
        ("MI-adherent behaviours", number(nums["mi_adherent"])),
        ("MI-non-adherent behaviours", number(nums["mi_non_adherent"])),
    ]
