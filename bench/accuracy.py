"""Accuracy of the classifier: `mi-coach eval` on the gold set, the check sets written apart from
the rules (each whole, and in two halves: odd ids were used to find missed phrasings, even ids were
never looked at row by row; no rule was written from either half of the second and third fresh
sets), the probe sets, and the AnnoMI development data in ../shared/data (skipped cleanly when it
is not there), whole and in two parts: the sessions the rules were tuned on (transcript id % 8 != 4)
and the check sessions (transcript id % 8 == 4), whose rows were never read — only their overall
figures.

Run from the repository root:  python bench/accuracy.py
"""

from __future__ import annotations

import csv
import json
import string
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
# (title, file, short name for its two parts — None when the set is not split)
SETS = [
    ("gold set (tests/data/gold.jsonl)", DATA / "gold.jsonl", None),
    ("held-out check set (tests/data/holdout.jsonl)", DATA / "holdout.jsonl", "held-out check set"),
    (
        "fresh check set, written blind to the rules (tests/data/fresh.jsonl)",
        DATA / "fresh.jsonl",
        "fresh check set",
    ),
    (
        "second fresh check set, written blind to the rules before the shape rules "
        "(tests/data/fresh2.jsonl)",
        DATA / "fresh2.jsonl",
        "second fresh check set",
    ),
    (
        "third fresh check set, written blind to the rules (tests/data/fresh3.jsonl)",
        DATA / "fresh3.jsonl",
        "third fresh check set",
    ),
    (
        "probes written while developing the rules (tests/data/probes.jsonl)",
        DATA / "probes.jsonl",
        None,
    ),
    (
        "writer probes: responses scenario and drill writers saw misclassified, used to fix the rules "
        "(tests/data/writer_probes.jsonl)",
        DATA / "writer_probes.jsonl",
        None,
    ),
    (
        "near misses: adherent responses with non-adherent words in another voice, written while fixing "
        "(tests/data/near_misses.jsonl)",
        DATA / "near_misses.jsonl",
        None,
    ),
    (
        "AnnoMI dev (../shared/data/annomi_dev.csv)",
        ROOT.parent / "shared" / "data" / "annomi_dev.csv",
        "AnnoMI dev",
    ),
]
KEYS = [
    "n",
    "accuracy",
    "macro_f1",
    "family_accuracy",
    "family_macro_f1",
    "non_adherent_missed",
    "non_adherent_total",
    "non_adherent_missed_rate",
    "non_adherent_false_alarms",
    "open_closed_accuracy",
    "open_closed_accuracy_all_questions",
    "questions_also_called_questions",
    "questions",
    "simple_complex_accuracy",
]


# Check sets neither of whose halves was used to write rules (split only to compare with the others).
NEVER_USED = {"second fresh check set", "third fresh check set"}


def halves(name: str, path: Path, folder: Path) -> list[tuple[str, Path]]:
    """The set's two halves by the number in its ids ("h001", "f002"): odd ids were used to find
    missed phrasings, even ids were never looked at row by row (for a set in NEVER_USED, neither
    half was used)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    out = []
    labels = (
        (("odd ids", 1), ("even ids, not used for rules either", 0))
        if name in NEVER_USED
        else (("odd ids, used to find missed phrasings", 1), ("even ids, never looked at", 0))
    )
    for label, parity in labels:
        part = folder / f"{path.stem}_{parity}.jsonl"
        part.write_text(
            "".join(
                json.dumps(r) + "\n"
                for r in rows
                if int(r["id"].lstrip(string.ascii_letters)) % 2 == parity
            ),
            encoding="utf-8",
        )
        out.append((f"{name}, {label}", part))
    return out


def annomi_parts(name: str, path: Path, folder: Path) -> list[tuple[str, Path]]:
    """AnnoMI by session: the ones the rules were tuned on, and the check sessions."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames or [], list(reader)
    out = []
    for label, check in (
        ("sessions the rules were tuned on (transcript id % 8 != 4)", False),
        ("check sessions, rows never read (transcript id % 8 == 4)", True),
    ):
        part = folder / f"annomi_{int(check)}.csv"
        with part.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(r for r in rows if (int(r["transcript_id"]) % 8 == 4) == check)
        out.append((f"{name}, {label}", part))
    return out


def main() -> int:
    tmp = tempfile.TemporaryDirectory()
    sets: list[tuple[str, Path]] = []
    for title, path, short in SETS:
        sets.append((title, path))
        if short is not None and path.exists():
            split = annomi_parts if path.suffix == ".csv" else halves
            sets.extend(split(short, path, Path(tmp.name)))
    for title, path in sets:
        print(f"== {title}")
        if not path.exists():
            print("   skipped: file not found")
            continue
        out = subprocess.run(
            [sys.executable, "-m", "mi_coach", "eval", str(path), "--format", "json"],
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            print(f"   failed: {out.stderr.strip()}")
            return 1
        report = json.loads(out.stdout)
        for key in KEYS:
            if key in report:
                print(f"   {key:38s} {report[key]}")
        print(
            "   per label F1: "
            + ", ".join(f"{k} {v['f1']:.2f}" for k, v in report["per_label"].items())
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
