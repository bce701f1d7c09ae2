"""Speed of mi-coach, measured in one run on this machine, as ratios to bare spaCy:

- cold start: `mi-coach classify "…"` vs `python -c "import spacy; spacy.load(MODEL)"`
  (median of N runs each, interleaved), and the first run after installing or editing rules,
  whose compiled regular expressions are not cached yet;
- batch: `classify --input FILE --format jsonl` vs bare `nlp.pipe` over the same texts, both as
  whole processes that load the pipeline first (median of N runs each);
- `mi-coach --help` and `mi-coach scenarios` wall time (median of N runs), and whether either
  imports spaCy;
- per-turn feedback after load: classify + choose the transition + journal the transcript, over
  scripted sessions on every built-in client (median and 95th percentile);
- `mi-coach review` of 100, 1,000 and 10,000 transcripts: wall time and peak memory.

Targets (issue 14): cold start <= 1.1x a bare spaCy load, batch throughput >= 0.9x a bare
`nlp.pipe` of the same components the coder runs, --help and scenarios <= 0.3 s, per-turn
feedback <= 20 ms at p95.
Run from the repository root (it measures this checkout: `python -m mi_coach`, never an installed
`mi-coach` script):
    python bench/speed.py [--runs N] [--review-sizes 100,1000,10000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's mi_coach, not an installed copy
MI = [sys.executable, "-m", "mi_coach"]


def timed(cmd: list[str], **kw) -> float:
    kw.setdefault("cwd", ROOT)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - start


def texts(n: int) -> list[str]:
    gold = ROOT / "tests" / "data" / "gold.jsonl"
    base = [
        json.loads(line)["text"] for line in gold.read_text(encoding="utf-8").splitlines() if line
    ]
    return [base[i % len(base)] for i in range(n)]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--batch", type=int, default=5000, help="texts in the batch test")
    ap.add_argument(
        "--review-sizes",
        default="100,1000,10000",
        help="numbers of transcripts to review, comma-separated",
    )
    args = ap.parse_args()
    from mi_coach.coding.nlp import get_pipeline

    model = get_pipeline().name
    py = sys.executable
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; pipeline {model}")

    # Cold start, in a cache folder of its own: the first run compiles the rules' regular
    # expressions and caches them (as after installing or editing rules); the runs after it
    # are the everyday start-up.
    bare_load, ours, first = [], [], []
    classify = [*MI, "classify", "You should call them today."]
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, MI_COACH_CACHE=cache)
        timed(classify, env=env)  # fills the cache
        for _ in range(args.runs):
            bare_load.append(timed([py, "-c", f"import spacy; spacy.load({model!r})"]))
            with tempfile.TemporaryDirectory() as empty:
                first.append(timed(classify, env=dict(os.environ, MI_COACH_CACHE=empty)))
            ours.append(timed(classify, env=env))
    b, o, f = (statistics.median(x) for x in (bare_load, ours, first))
    print(
        f"cold start: mi-coach classify {o:.3f} s, bare spacy.load {b:.3f} s, "
        f"ratio {o / b:.2f}x (target <= 1.1x)"
    )
    print(
        f"  first run with an empty cache (after installing or editing rules): {f:.3f} s, "
        f"ratio {f / b:.2f}x"
    )

    # Batch throughput.
    items = texts(args.batch)
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "batch.txt"
        f.write_text("\n".join(items) + "\n", encoding="utf-8")
        bare_script = (
            f"import spacy\nnlp = spacy.load({model!r})\n"
            f"texts = open({str(f)!r}, encoding='utf-8').read().splitlines()\n"
            "for doc in nlp.pipe(texts, batch_size=256):\n    pass\n"
        )
        same_script = bare_script.replace(
            f"spacy.load({model!r})", f"spacy.load({model!r}, exclude=['ner'])"
        )
        # The coder's own components (the pipeline without NER, its spelling component and the
        # arbiter's textcat), piped bare: no rules, no echo, no output.
        coder_script = (
            f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
            "from mi_coach.coding.nlp import get_pipeline\n"
            "nlp = get_pipeline().nlp\n"
            f"texts = open({str(f)!r}, encoding='utf-8').read().splitlines()\n"
            "for doc in nlp.pipe(texts, batch_size=256):\n    pass\n"
        )
        bare_pipe, same_pipe, coder_pipe, ours_batch = [], [], [], []
        for _ in range(args.runs):
            bare_pipe.append(timed([py, "-c", bare_script]))
            same_pipe.append(timed([py, "-c", same_script]))
            coder_pipe.append(timed([py, "-c", coder_script]))
            ours_batch.append(timed([*MI, "classify", "--input", str(f), "--format", "jsonl"]))
    bp, sp, cp, ob = (statistics.median(x) for x in (bare_pipe, same_pipe, coder_pipe, ours_batch))
    print(
        f"batch of {len(items)}: mi-coach {len(items) / ob:.0f} texts/s ({ob:.2f} s); "
        f"bare nlp.pipe of the coder's own components {len(items) / cp:.0f} texts/s "
        f"({cp:.2f} s): throughput ratio {cp / ob:.2f}x (target >= 0.9x)"
    )
    print(
        f"  against bare nlp.pipe of {model} without NER {len(items) / sp:.0f} texts/s "
        f"({sp:.2f} s): {sp / ob:.2f}x; with NER {len(items) / bp:.0f} texts/s ({bp:.2f} s): "
        f"{bp / ob:.2f}x"
    )

    for cmd in (["--help"], ["scenarios"]):
        timed([*MI, *cmd])  # the first run fills the scenario list's cache
        runs = [timed([*MI, *cmd]) for _ in range(max(args.runs, 5))]
        trace = subprocess.run(
            [py, "-X", "importtime", "-m", "mi_coach", *cmd],
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stderr
        spacy = "imports spaCy" if "| spacy" in trace else "no spaCy import"
        print(
            f"mi-coach {' '.join(cmd)}: median {statistics.median(runs):.3f} s, "
            f"max {max(runs):.3f} s, {spacy} (target <= 0.3 s)"
        )

    turn_latency(items)
    for n in [int(x) for x in args.review_sizes.split(",") if x]:
        review_cost(n)
    return 0


def turn_latency(responses: list[str]) -> None:
    """Per-turn feedback after the pipeline is loaded: respond() (classify, transition, rapport)
    plus the journal write, on every built-in client."""
    from mi_coach.coding.engine import get_classifier
    from mi_coach.practice.scenarios import load_all
    from mi_coach.practice.session import Session, new_transcript
    from mi_coach.practice.transcript import save

    clf = get_classifier()
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        i = 0
        for loaded in load_all().values():
            for seed in range(1, 6):
                t = new_transcript(
                    loaded.scenario, trainee=None, feedback="turn", seed=seed, source=loaded.path
                )
                session = Session(loaded.scenario, clf, t)
                while not session.over:
                    start = time.perf_counter()
                    session.respond(responses[i % len(responses)])
                    save(t, folder)
                    times.append(time.perf_counter() - start)
                    i += 1
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        f"per-turn feedback after load ({len(times)} turns on every built-in client): "
        f"median {1000 * statistics.median(times):.1f} ms, p95 {1000 * p95:.1f} ms, "
        f"max {1000 * times[-1]:.1f} ms (target p95 <= 20 ms)"
    )


def review_cost(n: int) -> None:
    """`mi-coach review` of n transcripts (copies of real scripted sessions): wall time and the
    peak resident memory of the process."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "data"
        script = ROOT / "examples" / "first-session.txt"
        subprocess.run(
            [
                *MI,
                "practice",
                "parent-kids",
                "--seed",
                "1",
                "--responses",
                str(script),
                "--data-dir",
                str(data),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=ROOT,
        )
        [source] = list((data / "transcripts").glob("*.json"))
        record = json.loads(source.read_text(encoding="utf-8"))
        files = []
        for i in range(n):
            record["id"] = f"bench-{i:05d}"
            record["trainee"] = f"trainee {i % 25}"
            f = folder / f"t{i:05d}.json"
            f.write_text(json.dumps(record), encoding="utf-8")
            files.append(str(f))
        # A fresh parent whose only child is the review: its children's peak is the review's.
        listing = folder / "files.txt"
        listing.write_text("\n".join(files), encoding="utf-8")
        probe = (
            "import resource, subprocess, sys, time\n"
            "files = open(sys.argv[2], encoding='utf-8').read().split('\\n')\n"
            "t = time.perf_counter()\n"
            "subprocess.run([sys.executable, '-m', 'mi_coach', 'review', *files, '--format',"
            " 'json'], check=True, stdout=subprocess.DEVNULL)\n"
            "print(time.perf_counter() - t, "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", probe, "-", str(listing)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout.split()
        wall, peak_kb = float(out[0]), int(out[1])
    print(
        f"review of {n:,} transcripts: {wall:.2f} s ({1000 * wall / n:.2f} ms each), "
        f"peak memory {peak_kb / 1024:.0f} MB"
    )


if __name__ == "__main__":
    raise SystemExit(main())
