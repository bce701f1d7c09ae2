"""Speed of mi-coach, measured in one run on this machine, as ratios to bare spaCy:

- cold start: `mi-coach classify "…"` vs `python -c "import spacy; spacy.load(MODEL)"`
  (median of N runs each, interleaved);
- batch: `classify --input FILE --format jsonl` vs bare `nlp.pipe` over the same texts, both as
  whole processes that load the pipeline first (median of N runs each);
- `mi-coach --help` wall time (median of N runs).

Targets: cold start <= 1.3x, batch throughput >= 0.8x, --help <= 0.3 s.
Run from the repository root with the project installed:  python bench/speed.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd: list[str], **kw) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - start


def texts(n: int) -> list[str]:
    gold = ROOT / "tests" / "data" / "gold.jsonl"
    base = [json.loads(line)["text"] for line in gold.read_text(encoding="utf-8").splitlines() if line]
    return [base[i % len(base)] for i in range(n)]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--batch", type=int, default=5000, help="texts in the batch test")
    args = ap.parse_args()
    from mi_coach.nlp import get_pipeline

    model = get_pipeline().name
    exe = shutil.which("mi-coach")
    if exe is None:
        print("mi-coach is not on PATH: install the project first")
        return 1
    py = sys.executable
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; pipeline {model}")

    # Cold start.
    bare_load, ours = [], []
    for _ in range(args.runs):
        bare_load.append(timed([py, "-c", f"import spacy; spacy.load({model!r})"]))
        ours.append(timed([exe, "classify", "You should call them today."]))
    b, o = statistics.median(bare_load), statistics.median(ours)
    print(f"cold start: mi-coach classify {o:.3f} s, bare spacy.load {b:.3f} s, "
          f"ratio {o / b:.2f}x (target <= 1.3x)")

    # Batch throughput.
    items = texts(args.batch)
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "batch.txt"
        f.write_text("\n".join(items) + "\n", encoding="utf-8")
        bare_script = (f"import spacy\nnlp = spacy.load({model!r})\n"
                       f"texts = open({str(f)!r}, encoding='utf-8').read().splitlines()\n"
                       "for doc in nlp.pipe(texts, batch_size=256):\n    pass\n")
        same_script = bare_script.replace(f"spacy.load({model!r})",
                                          f"spacy.load({model!r}, exclude=['ner'])")
        bare_pipe, same_pipe, ours_batch = [], [], []
        for _ in range(args.runs):
            bare_pipe.append(timed([py, "-c", bare_script]))
            same_pipe.append(timed([py, "-c", same_script]))
            ours_batch.append(timed([exe, "classify", "--input", str(f), "--format", "jsonl"]))
    bp, sp, ob = (statistics.median(x) for x in (bare_pipe, same_pipe, ours_batch))
    print(f"batch of {len(items)}: mi-coach {len(items) / ob:.0f} texts/s ({ob:.2f} s), "
          f"bare nlp.pipe {len(items) / bp:.0f} texts/s ({bp:.2f} s), "
          f"throughput ratio {bp / ob:.2f}x (target >= 0.8x)")
    print(f"  (mi-coach does not load the NER component; against bare nlp.pipe without NER, "
          f"{len(items) / sp:.0f} texts/s ({sp:.2f} s), the ratio is {sp / ob:.2f}x)")

    helps = [timed([exe, "--help"]) for _ in range(max(args.runs, 5))]
    print(f"mi-coach --help: median {statistics.median(helps):.3f} s, max {max(helps):.3f} s "
          f"(target <= 0.3 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
