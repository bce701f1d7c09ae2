"""Exporting a transcript: Markdown, one self-contained printable HTML page, CSV, or JSON.
Pure logic: a transcript in, text out (the command writes it).

Every format holds every turn (the client's line, the response, the code summaries count — a
supervisor's override when there is one —, every behaviour found, the trigger words, the
supervisor's comment, feedback and a better response when there is one) and the session's
summary numbers (`mi_coach.review.review.numbers`; CSV, one row per turn, holds the turns only).

Safety: all text a trainee, client or supervisor wrote is escaped for the format (HTML entities in
HTML and Markdown, Markdown punctuation backslash-escaped, CSV cells that a spreadsheet would read
as a formula prefixed with a single quote). The HTML page makes no request of any kind: inline
CSS, inline SVG charts, no JavaScript, and a Content-Security-Policy that forbids scripts and
remote resources anyway.

With `redact=True`, personal details (names, dates, ID numbers, SSNs, addresses, phone numbers,
e-mail, URLs) are replaced by typed placeholders in every text field (see `mi_coach.review.redact`),
the evidence offsets are moved to match, and the counts come back in `Exported.redactions`; the
trainee's and the supervisors' names are kept unless `everything`. With `check`, what still looks
like an identifier comes back in `Exported.leftovers`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from mi_coach.base import jsontext
from mi_coach.base.errors import MiCoachError
from mi_coach.practice.transcript import Transcript
from mi_coach.review.export_csv import to_csv
from mi_coach.review.export_html import to_html
from mi_coach.review.export_md import to_markdown
from mi_coach.review.redact_transcript import check as check_redacted
from mi_coach.review.redact_transcript import redact_all_fields
from mi_coach.review.review import card_for, numbers
from mi_coach.scoring.scorecard import Scorecard

Format = Literal["md", "html", "csv", "json"]


FORMATS: tuple[str, ...] = ("md", "html", "csv", "json")


@dataclass(frozen=True)
class Exported:
    text: str
    redactions: Counter = field(default_factory=Counter)  # by kind: name, date, id, ssn, …
    format: str = ""
    leftovers: list[tuple[str, Any]] = field(default_factory=list)  # (where, Leftover)


def export(
    t: Transcript,
    codes: Any,
    fmt: Format,
    redact: bool = False,
    ner: Any = None,
    names: Sequence[str] = (),
    source: str | None = None,
    everything: bool = False,
    check: bool = False,
) -> Exported:
    """The transcript as `fmt`. `redact`: replace personal details (names found by the `ner`
    pipeline when given, the persona's name and `names` always; `everything`: the trainee's and
    the supervisors' too). `check`: also list what still looks like an identifier. `source`: the
    file the transcript came from, named in errors."""
    if fmt not in FORMATS:
        raise MiCoachError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    counts: Counter = Counter()
    left: list[tuple[str, Any]] = []
    if redact:
        r = redact_all_fields(t, ner, names, everything)
        t, counts = r.transcript, r.counts
        if check:
            left = check_redacted(r, ner)
    card = card_for(t, codes, source)
    nums = numbers(t, codes, card)
    writer: Callable[..., str] = {
        "md": to_markdown,
        "html": to_html,
        "csv": to_csv,
        "json": to_json,
    }[fmt]
    text = writer(t, codes, card, nums, counts if redact else None)
    return Exported(text, counts, fmt, left)


def to_json(
    t: Transcript, codes: Any, card: Scorecard, nums: dict[str, Any], counts: Counter | None
) -> str:
    data = t.model_dump(by_alias=True)
    data["summary"] = card.as_dict()  # the scorecard review and practice show, under stable keys
    return jsontext.dumps(data, indent=2) + "\n"
