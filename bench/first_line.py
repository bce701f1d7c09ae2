"""How soon the client speaks: `mi-coach practice` in a real pseudo-terminal.

- menu: from choosing a client at the menu to the client's first line (target <= 0.3 s; the
  spaCy pipeline loads in a background thread meanwhile);
- direct: from starting `mi-coach practice ID` to the first line (Python start-up and imports
  included);
- first feedback: from a response typed the moment the first line appears to its feedback (it waits
  only for what is left of the pipeline loading);
- later feedback: a second response's feedback once everything is loaded.

Medians of N runs each. Run from the repository root:
    python bench/first_line.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

import pexpect

RESPONSE = "You're tired of people telling you what to do."


def spawn(args: list[str], data: str) -> pexpect.spawn:
    env = dict(os.environ, COLUMNS="160", NO_COLOR="1", TERM="dumb", MI_COACH_DATA=data)
    env["MI_COACH_CONFIG"] = data
    return pexpect.spawn(
        sys.executable, ["-m", "mi_coach", "practice", *args], env=env, encoding="utf-8", timeout=60
    )


def one(menu: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as data:
        start = time.perf_counter()
        out: dict[str, float] = {}
        if menu:
            child = spawn(["--seed", "1"], data)
            child.expect("scenario number or id> ")
            chose = time.perf_counter()
            child.sendline("parent-kids")
            child.expect("turn 1/")
            out["menu"] = time.perf_counter() - chose
        else:
            child = spawn(["parent-kids", "--seed", "1"], data)
            child.expect("turn 1/")
            out["direct"] = time.perf_counter() - start
        child.expect("you> ")
        sent = time.perf_counter()
        child.sendline(RESPONSE)
        child.expect("Code")
        out["first feedback"] = time.perf_counter() - sent
        child.expect("you> ")
        sent = time.perf_counter()
        child.sendline("What would you want me to understand about these last four months?")
        child.expect("Code")
        out["later feedback"] = time.perf_counter() - sent
        child.sendline("/quit")
        child.expect(pexpect.EOF)
        return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    runs: dict[str, list[float]] = {}
    for _ in range(args.runs):
        for menu in (True, False):
            for k, v in one(menu).items():
                runs.setdefault(k, []).append(v)
    print(f"{'measure':<16} {'median':>8} {'max':>8}   ({args.runs} runs)")
    for k, vals in runs.items():
        print(f"{k:<16} {statistics.median(vals):>7.2f}s {max(vals):>7.2f}s")
    menu = statistics.median(runs["menu"])
    print(
        f"target: first line within 0.3 s of choosing a client: {'met' if menu <= 0.3 else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
