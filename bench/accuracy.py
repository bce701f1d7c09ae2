"""Accuracy of the classifier: `mi-coach eval` on the gold set, the held-out check set (whole, and
its two halves: odd ids were used to find missed phrasings, even ids never looked at), and the
AnnoMI development data in ../shared/data (skipped cleanly when it is not there), whole and in its
two parts: the sessions the rules were tuned on (transcript id % 8 != 4) and the check sessions
(transcript id % 8 == 4), whose rows were never read — only their overall figures.

Run from the repository root:  python bench/accuracy.py
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = [
    ("gold set (tests/data/gold.jsonl)", ROOT / "tests" / "data" / "gold.jsonl"),
    ("held-out check set (tests/data/holdout.jsonl)", ROOT / "tests" / "data" / "holdout.jsonl"),
    ("probes written while developing the rules (tests/data/probes.jsonl)",
     ROOT / "tests" / "data" / "probes.jsonl"),
    ("writer probes: responses scenario and drill writers saw misclassified, used to fix the rules "
     "(tests/data/writer_probes.jsonl)", ROOT / "tests" / "data" / "writer_probes.jsonl"),
    ("AnnoMI dev (../shared/data/annomi_dev.csv)", ROOT.parent / "shared" / "data" / "annomi_dev.csv"),
]
KEYS = ["n", "accuracy", "macro_f1", "family_accuracy", "family_macro_f1", "non_adherent_missed",
        "non_adherent_total", "non_adherent_missed_rate", "open_closed_accuracy",
        "open_closed_accuracy_all_questions", "questions_also_called_questions", "questions",
        "simple_complex_accuracy"]


def halves(path: Path, folder: Path) -> list[tuple[str, Path]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    out = []
    for name, parity in (("odd ids, used to find missed phrasings", 1),
                         ("even ids, never looked at", 0)):
        part = folder / f"holdout_{parity}.jsonl"
        part.write_text("".join(json.dumps(r) + "\n" for r in rows
                                if int(r["id"].lstrip("h")) % 2 == parity), encoding="utf-8")
        out.append((f"held-out check set, {name}", part))
    return out


def annomi_parts(path: Path, folder: Path) -> list[tuple[str, Path]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames or [], list(reader)
    out = []
    for name, check in (("sessions the rules were tuned on (transcript id % 8 != 4)", False),
                        ("check sessions, rows never read (transcript id % 8 == 4)", True)):
        part = folder / f"annomi_{int(check)}.csv"
        with part.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(r for r in rows if (int(r["transcript_id"]) % 8 == 4) == check)
        out.append((f"AnnoMI dev, {name}", part))
    return out


def main() -> int:
    tmp = tempfile.TemporaryDirectory()
    sets = list(SETS)
    holdout = SETS[1][1]
    if holdout.exists():
        sets[2:2] = halves(holdout, Path(tmp.name))
    annomi = SETS[-1][1]
    if annomi.exists():
        sets += annomi_parts(annomi, Path(tmp.name))
    for title, path in sets:
        print(f"== {title}")
        if not path.exists():
            print("   skipped: file not found")
            continue
        out = subprocess.run([sys.executable, "-m", "mi_coach", "eval", str(path), "--format", "json"],
                             capture_output=True, text=True)
        if out.returncode != 0:
            print(f"   failed: {out.stderr.strip()}")
            return 1
        report = json.loads(out.stdout)
        for key in KEYS:
            if key in report:
                print(f"   {key:38s} {report[key]}")
        print("   per label F1: " + ", ".join(f"{k} {v['f1']:.2f}"
                                            for k, v in report["per_label"].items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
