"""How well `review`'s overall score separates real sessions rated high or low MI quality.

Reads the AnnoMI development data (../shared/data/annomi_dev.csv; never copied into the
repository), groups its rows by transcript_id, rebuilds each session as `Client:` / `Counselor:`
text in row order (a row's `client` is the client's line before the counsellor's `text`), imports
it with `mi-coach`'s importer (every counsellor turn classified), scores it with the one scoring
path (`review`), and prints the AUC of the overall score for `high` against `low`: for all
sessions, and for the check sessions (transcript_id % 8 == 4) apart. The check sessions are
only ever scored as a whole here.

    python bench/sessions.py [--data PATH] [--parts]

--parts also prints the AUC of each part of the overall score and of the MI rubric score, over
the sessions that are not check sessions only.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CANDIDATES = [
    ROOT.parent / "shared" / "data" / "annomi_dev.csv",
    ROOT.parent.parent / "shared" / "data" / "annomi_dev.csv",  # from a worktree under wt/
]


def auc(pos: list[float], neg: list[float]) -> float | None:
    """The probability that a random high session scores above a random low one (ties: half)."""
    if not pos or not neg:
        return None
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def sessions(path: Path) -> dict[int, tuple[str, str]]:
    """transcript_id -> (mi_quality, the session as Client:/Counselor: text)."""
    rows: dict[int, list[dict[str, str]]] = defaultdict(list)
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rows[int(row["transcript_id"])].append(row)
    out = {}
    for tid, rs in rows.items():
        rs.sort(key=lambda r: int(r["id"].rsplit("_", 1)[1]))
        lines = []
        for r in rs:
            client = " ".join(r["client"].split())
            if client:
                lines.append(f"Client: {client}")
            lines.append(f"Counselor: {' '.join(r['text'].split())}")
        out[tid] = (rs[0]["mi_quality"], "\n".join(lines) + "\n")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--parts", action="store_true")
    args = ap.parse_args()
    path = args.data or next((p for p in CANDIDATES if p.exists()), None)
    if path is None or not path.exists():
        print(
            "no AnnoMI development data found (looked for ../shared/data/annomi_dev.csv); skipped"
        )
        return 0

    from mi_coach.coding.engine import get_classifier
    from mi_coach.coding.ruleset import load_codes
    from mi_coach.review.importer import parse, to_transcript
    from mi_coach.review.review import card_for

    clf = get_classifier()
    codes = load_codes()
    scored: list[tuple[int, str, dict[str, float | None]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for tid, (quality, text) in sorted(sessions(path).items()):
            f = Path(tmp) / f"annomi_{tid}.txt"
            f.write_text(text, encoding="utf-8")
            t = to_transcript(parse(f), clf, str(f))
            card = card_for(t, codes, str(f))
            o = card.overall
            assert o is not None
            row: dict[str, float | None] = {
                "overall": o.score,
                "mi_rubric": card.numbers["rubrics"]["mi"],
            }
            row.update({f"part:{k}": v for k, v in o.parts.items()})
            scored.append((tid, quality, row))

    def report(name: str, items: list[tuple[int, str, dict[str, float | None]]], key: str) -> str:
        pos = [r[key] for _, q, r in items if q == "high" and r[key] is not None]
        neg = [r[key] for _, q, r in items if q == "low" and r[key] is not None]
        a = auc(pos, neg)  # type: ignore[arg-type]
        shown = "n/a" if a is None else f"{a:.3f}"
        return f"{name:<34} AUC {shown}  ({len(pos)} high, {len(neg)} low)"

    check = [s for s in scored if s[0] % 8 == 4]
    rest = [s for s in scored if s[0] % 8 != 4]
    print(f"AnnoMI sessions from {path}")
    print(report(f"overall score, all {len(scored)}", scored, "overall"))
    print(report(f"overall score, {len(check)} check sessions", check, "overall"))
    print(report(f"overall score, {len(rest)} other sessions", rest, "overall"))
    if args.parts:
        print("parts (the other sessions only):")
        for key in rest[0][2]:
            if key != "overall":
                print("  " + report(re.sub(r"^part:", "", key), rest, key))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
