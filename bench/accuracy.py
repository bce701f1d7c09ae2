"""Accuracy of the coder, in one process, on every labelled set the project has.

1. The blind check sets (tests/data/checks/writer_{a,b,c,d,e}.jsonl, written apart from the rules
   and from each other), each, and the union of A-C (sealed halves spent) and of D-E (fresh), in
   two halves fixed before anyone looked: the tuning half (odd id numbers: may be read row by
   row) and the sealed half (even id numbers: only ever scored here, as a whole — never read,
   never a reason for a fix). For each: strict accuracy (= label), lenient accuracy (also
   accepts the row's `also`), family accuracy, MI-non-adherent recall (judgment +
   righting_reflex caught as either), false alarms (adherent or neutral responses called
   MI-non-adherent, per 100 of them), accuracy on the 80% the coder is most confident of, and
   the expected calibration error (10 bins).
2. The older sets (gold, holdout, fresh 1-3, probes, writer probes, near misses): development and
   regression data, most of it read while writing rules.
3. AnnoMI development data in ../shared/data (skipped cleanly when absent), whole and in two parts:
   the sessions that may be trained and tuned on (transcript id % 8 != 4) and the check sessions
   (transcript id % 8 == 4), whose rows are never read — only their overall figures. Scored at
   family level (strict and lenient macro-F1) and open vs closed on the questions.

Run from the repository root:  python bench/accuracy.py [--no-sealed]
(--no-sealed leaves the sealed halves out: use it while developing.)
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's mi_coach, not an installed copy

from mi_coach.coding.engine import get_classifier  # noqa: E402
from mi_coach.coding.evaluate import evaluate  # noqa: E402
from mi_coach.coding.inputs import Labelled, read_labelled  # noqa: E402

DATA = ROOT / "tests" / "data"
CHECKS = DATA / "checks"
WRITERS = ["writer_a", "writer_b", "writer_c", "writer_d", "writer_e"]
# A-C's sealed halves were scored as a whole often enough in earlier work to be spent (see
# tests/data/checks/README.md); D and E are fresh. Each group has its own union.
GROUPS = [("A-C (sealed spent)", WRITERS[:3]), ("D-E (fresh)", WRITERS[3:])]
OLD_SETS = [
    ("gold", "gold.jsonl"),
    ("holdout", "holdout.jsonl"),
    ("fresh", "fresh.jsonl"),
    ("fresh2", "fresh2.jsonl"),
    ("fresh3", "fresh3.jsonl"),
    ("probes", "probes.jsonl"),
    ("writer_probes", "writer_probes.jsonl"),
    ("near_misses", "near_misses.jsonl"),
]
# ../shared/data beside the checkout (or beside the folder of worktrees that holds it)
ANNOMI = next(
    (
        p / "shared" / "data" / "annomi_dev.csv"
        for p in (ROOT.parent, ROOT.parent.parent)
        if (p / "shared" / "data" / "annomi_dev.csv").exists()
    ),
    ROOT.parent / "shared" / "data" / "annomi_dev.csv",
)


def id_number(row_id: str) -> int:
    return int(re.sub(r"\D", "", row_id))


def check_rows(name: str) -> list[tuple[int, Labelled]]:
    """(id number, row) for every row of one check set."""
    out = []
    path = CHECKS / f"{name}.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        obj = json.loads(line)
        also = obj.get("also")
        out.append(
            (
                id_number(obj["id"]),
                Labelled(
                    obj["text"],
                    obj.get("client") or None,
                    obj["label"],
                    also=tuple(also.split()) if isinstance(also, str) else tuple(also or ()),
                ),
            )
        )
    return out


def _fmt(value: object) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


CHECK_COLUMNS = [
    ("n", "n"),
    ("accuracy", "strict"),
    ("lenient_accuracy", "lenient"),
    ("family_accuracy", "family"),
    ("non_adherent_recall", "MI-non-adh recall"),
    ("false_alarms_per_100", "false alarms/100"),
    ("top_confident_accuracy", "top-80% acc"),
    ("calibration_error", "ECE"),
]


def _row(label: str, report: dict[str, object]) -> str:
    cells = []
    for key, _ in CHECK_COLUMNS:
        value = report.get(key)
        if key == "lenient_accuracy" and value is None:
            value = report.get("accuracy")  # no `also` in this part: lenient = strict
        if key == "false_alarms_per_100" and isinstance(value, float):
            cells.append(f"{value:.1f}")
        else:
            cells.append(_fmt(value))
    return f"{label:32s}" + "".join(f"{c:>18s}" for c in cells)


def _header() -> str:
    return f"{'set, half':32s}" + "".join(f"{title:>18s}" for _, title in CHECK_COLUMNS)


def score(clf, rows: list[Labelled], source: str, kind: str = "codes") -> dict[str, object]:
    report = evaluate(
        kind, rows, clf.classify_many((r.text, r.client) for r in rows), clf.codes, source
    )
    return report.as_dict()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--no-sealed", action="store_true", help="leave the sealed halves out (while developing)"
    )
    args = ap.parse_args()
    clf = get_classifier()
    arbiter = getattr(clf, "arbiter", None)
    print(f"pipeline {clf.pipeline.name}; arbiter: {'on' if arbiter else 'off (rules only)'}")

    print("\n== 1. Blind check sets (tests/data/checks): tuning half = odd ids, sealed = even ids")
    print(_header())
    halves = [("tuning", 1)] + ([] if args.no_sealed else [("sealed", 0)])
    for group, names in GROUPS:
        union: dict[int, list[Labelled]] = {0: [], 1: []}
        for name in names:
            rows = check_rows(name)
            for half, parity in halves:
                part = [r for n, r in rows if n % 2 == parity]
                union[parity].extend(part)
                print(_row(f"{name}, {half}", score(clf, part, f"{name} {half}")))
        for half, parity in halves:
            label = f"union {group.split()[0]}, {half}"
            print(_row(label, score(clf, union[parity], f"union {group} {half}")))

    print("\n== 2. Older sets (development and regression data; most read while writing rules)")
    print(_header())
    for name, file in OLD_SETS:
        _, rows = read_labelled(str(DATA / file))
        print(_row(name, score(clf, rows, file)))

    print("\n== 3. AnnoMI development data (../shared/data/annomi_dev.csv), family level")
    if not ANNOMI.exists():
        print("   skipped: file not found")
        return 0
    with ANNOMI.open(encoding="utf-8", newline="") as fh:
        check = [int(r["transcript_id"]) % 8 == 4 for r in csv.DictReader(fh)]
    _, rows = read_labelled(str(ANNOMI))
    keys = [
        ("n", "n"),
        ("accuracy", "family acc"),
        ("macro_f1", "family macro-F1"),
        ("lenient_macro_f1", "lenient macro-F1"),
        ("open_closed_accuracy", "open/closed"),
        ("open_closed_accuracy_all_questions", "o/c all questions"),
        ("simple_complex_accuracy", "simple/complex"),
    ]
    print(f"{'part':32s}" + "".join(f"{t:>18s}" for _, t in keys))
    for label, part in (
        ("whole", rows),
        ("training sessions (id%8!=4)", [r for r, c in zip(rows, check) if not c]),
        ("check sessions (id%8==4)", [r for r, c in zip(rows, check) if c]),
    ):
        report = score(clf, part, f"AnnoMI {label}", kind="annomi")
        print(f"{label:32s}" + "".join(f"{_fmt(report.get(k)):>18s}" for k, _ in keys))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
