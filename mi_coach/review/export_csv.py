"""A transcript as CSV: one row per turn, every cell safe for a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

from mi_coach.base.text import csv_cell
from mi_coach.practice.transcript import Transcript
from mi_coach.review.export_common import override, triggers
from mi_coach.review.review import family_map
from mi_coach.scoring.scorecard import Scorecard

CSV_COLUMNS = (
    "n",
    "client",
    "response",
    "code",
    "machine_code",
    "family",
    "codes",
    "trigger_words",
    "rapport_before",
    "rapport_after",
    "override",
    "comment",
    "client_talk",
    "client_thought",
    "feedback",
    "better",
)


def to_csv(
    t: Transcript, codes: Any, card: Scorecard, nums: dict[str, Any], counts: Counter | None
) -> str:
    fam = family_map(codes)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for turn in t.turns:
        eff = turn.effective(fam)
        a = turn.annotation
        row = [
            turn.n,
            turn.client.text if turn.client else None,
            turn.response,
            eff.code,
            turn.code,
            eff.family,
            ";".join(eff.codes),
            "; ".join(triggers(eff)),
            turn.rapport_before,
            turn.rapport_after,
            override(turn),
            a.comment if a is not None else None,
            turn.client.talk if turn.client else None,
            turn.client.thought if turn.client else None,
            eff.feedback,
            eff.better,
        ]
        w.writerow([csv_cell(v) for v in row])
    c = t.closing
    if c is not None:  # the client's last words: a row with no response, n "closing"
        last: list[object] = [None] * len(CSV_COLUMNS)
        last[0], last[1] = "closing", c.text
        last[CSV_COLUMNS.index("client_talk")] = c.talk
        last[CSV_COLUMNS.index("client_thought")] = c.thought
        w.writerow([csv_cell(v) for v in last])
    return out.getvalue()
