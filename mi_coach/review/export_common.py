"""What every export format shows of a transcript: labels, trigger words, overrides, summary rows."""

from __future__ import annotations

from collections import Counter
from typing import Any

from mi_coach.base.text import number, telling
from mi_coach.practice.transcript import Transcript, Turn
from mi_coach.scoring.scorecard import Scorecard, format_threshold, format_value


def label(codes: Any, code: str) -> str:
    info = codes.codes.get(code)
    return info.label if info is not None else code


def triggers(turn: Turn) -> list[str]:
    """The words that decided a turn's code, as shown to a person (base.text.telling)."""
    return telling(str(ev.get("match") or "") for ev in turn.evidence)


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


def title(t: Transcript) -> str:
    """A practice session is titled as one; an imported real session as a session review."""
    if t.kind == "imported":
        return f"Session review: {t.scenario_title}"
    return f"MI practice session: {t.scenario_title}"


def verdict_lines(card: Scorecard) -> list[str]:
    """The overall verdict (one line with its 0-100 score) and the evidence it rests on that no
    table shows: who did the talking and MI-non-adherent behaviour per 10 turns."""
    o = card.overall
    if o is None:
        return []
    nums = card.numbers
    turns = len(card.views)
    lines = [f"Overall: {o.line}"]
    if o.counsellor_input_percent is not None:
        lines.append(
            f"Counsellor input (information or advice): {o.counsellor_input_percent:.0f}% of "
            f"turns; without permission: {o.unasked_information_percent:.0f}%"
            + (f", {o.persuasion} right after sustain talk or discord" if o.persuasion else "")
            + "."
        )
    lines.append(
        f"MI-non-adherent behaviours: {nums['mi_non_adherent']} in {turns} turn(s) "
        f"({number(nums['mi_non_adherent_per_10_turns'])} per 10 turns)."
    )
    return lines


# under every "Behaviours found" table: why its counts can differ from the MITI summary's
COUNTS_NOTE = (
    "Every code found is counted here, sure or not; the MITI summary counts a turn's secondary "
    "codes only when the coder is sure of the turn."
)


def count_rows(card: Scorecard, codes: Any) -> list[tuple[str, str, int]]:
    """(label, code, count) of every behaviour found, in the codes' order."""
    return [(label(codes, c), c, n) for c, n in card.numbers["counts"].items() if n]


def supervisor_lines(t: Transcript) -> list[str]:
    """A short supervisor summary: turns reviewed, confirmed and changed, agreement, comments."""
    from mi_coach.review.review import reviewed_summary

    s = reviewed_summary(t)
    if not s["reviewed"] and not s["commented"]:
        return [f"No supervisor has reviewed this session yet ({s['turns']} turn(s))."]
    by = f" by {', '.join(s['by'])}" if s["by"] else ""
    lines = [
        f"Supervisor review{by}: {s['reviewed']} of {s['turns']} turn(s) reviewed — "
        f"{s['confirmed']} confirmed, {s['changed']} changed; {s['commented']} comment(s)."
    ]
    a = s["agreement"]
    if a is not None:
        k = "n/a" if a["kappa"] is None else f"{a['kappa']:.2f}"
        lines.append(
            f"Agreement with the machine's codes over the reviewed turns: "
            f"{a['percent_agreement']:.0f}%, Cohen's kappa {k}."
        )
    return lines


SIGN_OFF = "Supervisor sign-off: ______________________________  Date: ______________"


def talk_label(talk: str | None) -> str:
    """ " (change talk)" after "Client" for change and sustain talk and discord; else nothing."""
    return {"change": " (change talk)", "sustain": " (sustain talk)", "discord": " (discord)"}.get(
        talk or "", ""
    )
