"""Redaction measured: recall per placeholder type on the planted-identifier corpus, how many
look-alikes that must stay (months, weekdays, money, …) stayed, and the share of clean lines changed.

    python bench/redaction.py                 # the figures
    python bench/redaction.py --json          # the same, as JSON
    python bench/redaction.py --misses        # also each identifier that survived (for debugging)

An identifier counts as removed when every character of it (every occurrence in its line) lies
inside a replaced span. Lines are redacted one by one, as separate texts (no name found in one line
helps another), with the entity recogniser of `mi_coach.coding.nlp.get_ner_pipeline`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mi_coach.coding.nlp import get_ner_pipeline  # noqa: E402
from mi_coach.review.redact import Found, Redactor  # noqa: E402

PLANTED = ROOT / "tests" / "data" / "pii" / "planted.jsonl"
CLEAN = ROOT / "tests" / "data" / "pii" / "clean.jsonl"


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def removed(found: Found, value: str) -> bool:
    """Every non-space character of every occurrence of `value` is inside a replaced span."""
    text = found.original
    at = text.find(value)
    if at < 0:
        raise ValueError(f"{value!r} is not in {text!r}")
    while at >= 0:
        for k in range(at, at + len(value)):
            if not text[k].isspace() and not any(s.start <= k < s.end for s in found.spans):
                return False
        at = text.find(value, at + 1)
    return True


def measure(ner: Any = None) -> dict[str, Any]:
    planted, clean = _rows(PLANTED), _rows(CLEAN)
    redactor = Redactor(ner, propagate=False)
    started = time.perf_counter()
    found = redactor.find([r["text"] for r in planted])
    clean_found = redactor.find([r["text"] for r in clean])
    seconds = time.perf_counter() - started
    total: Counter = Counter()
    hit: Counter = Counter()
    misses = []
    keep_total = keep_kept = 0
    for row, f in zip(planted, found):
        for ident in row["identifiers"]:
            total[ident["type"]] += 1
            if removed(f, ident["text"]):
                hit[ident["type"]] += 1
            else:
                misses.append((row["id"], ident["type"], ident["text"], f.text))
        for keep in row.get("keep", []):
            keep_total += 1
            keep_kept += keep in f.text
    changed = [(r["id"], f.text) for r, f in zip(clean, clean_found) if f.text != f.original]
    n = sum(total.values())
    return {
        "identifiers": n,
        "recall": sum(hit.values()) / n,
        "recall_by_type": {k: {"removed": hit[k], "of": total[k]} for k in sorted(total)},
        "keep": {"kept": keep_kept, "of": keep_total},
        "clean_lines": len(clean),
        "clean_changed": len(changed),
        "clean_change_rate": len(changed) / len(clean),
        "seconds": round(seconds, 2),
        "pipeline": "ner" if ner is not None else "none",
        "_misses": misses,
        "_changed": changed,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--misses", action="store_true", help="list survivors and changed clean lines")
    ap.add_argument("--no-ner", action="store_true", help="without the entity recogniser")
    args = ap.parse_args()
    ner = None if args.no_ner else get_ner_pipeline()
    m = measure(ner)
    if args.json:
        print(json.dumps({k: v for k, v in m.items() if not k.startswith("_")}, indent=2))
    else:
        print(f"planted identifiers: {m['identifiers']}  recall {m['recall']:.3f}")
        for kind, v in m["recall_by_type"].items():
            print(f"  {kind:<8} {v['removed']:>3}/{v['of']:<3} {v['removed'] / v['of']:.3f}")
        print(f"look-alikes kept: {m['keep']['kept']}/{m['keep']['of']}")
        print(
            f"clean lines changed: {m['clean_changed']}/{m['clean_lines']} "
            f"({100 * m['clean_change_rate']:.1f}%)"
        )
        print(f"time: {m['seconds']} s for {m['identifiers']} + {m['clean_lines']} lines")
    if args.misses:
        for rid, kind, value, text in m["_misses"]:
            print(f"MISS {rid} {kind} {value!r}: {text}")
        for rid, text in m["_changed"]:
            print(f"CHANGED {rid}: {text}")


if __name__ == "__main__":
    main()
