"""How the built-in clients behave over many simulated sessions (mi_coach/practice/simulate.py).

For every client: N seeded sessions (half `mostly_good`, half `mixed`; gentle, standard and hard in
turn), answered with the scenario's own examples and a bank of good MI, righting reflex, judgment,
small talk and repeats. Prints outcomes by policy and difficulty, turns to success, ruptures,
warning signs, client lines reused without a trainee repeat (should be 0), and how many of each
state's lines were used (lines used / lines written, per state).

    python bench/simulate.py [--sessions N] [--client ID ...] [--states]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=200)
    ap.add_argument("--client", action="append", help="only these scenario ids")
    ap.add_argument("--states", action="store_true", help="print lines used per state")
    args = ap.parse_args()

    from mi_coach.coding.engine import get_classifier
    from mi_coach.practice.scenarios import load_all
    from mi_coach.practice.simulate import CachedClassifier, Report, Simulator, plan

    start = time.perf_counter()
    clf = CachedClassifier(get_classifier())
    loaded = time.perf_counter() - start
    every = {k: v for k, v in sorted(load_all().items()) if v.builtin}
    if args.client:
        every = {k: v for k, v in every.items() if k in args.client}
    print(f"{args.sessions} sessions per client (classifier loaded in {loaded:.1f} s)\n")
    head = (
        f"{'client':<18} {'success':>8} {'mostly good':>12} {'mixed':>6}  "
        f"{'ruptures g/s/h':>14} {'warnings':>8} {'reused':>6}  to success: median, p90"
    )
    print(head)
    print("-" * len(head))
    totals: Counter[str] = Counter()
    states_out = []
    sim_time = 0.0
    for sid, item in every.items():
        s = item.scenario
        t0 = time.perf_counter()
        sim = Simulator(s, clf)
        rep = Report(sid)
        for seed, policy, level in plan(args.sessions):
            transcript, _ = sim.run(seed, policy, level)
            rep.add(transcript, policy, s.max_turns)
        sim_time += time.perf_counter() - t0
        mg = rep.by_policy["mostly_good"]
        mx = rep.by_policy["mixed"]
        share = mg["success"] / max(1, sum(mg.values()))
        mixed_share = mx["success"] / max(1, sum(mx.values()))
        r = rep.ruptures_by_difficulty
        turns = sorted(rep.turns_to_success)
        p90 = turns[int(0.9 * (len(turns) - 1))] if turns else None
        med = f"{statistics.median(turns):g}" if turns else None
        print(
            f"{sid:<18} {rep.outcomes['success'] / rep.sessions:>8.0%} {share:>12.0%} "
            f"{mixed_share:>6.0%}  {r['gentle']:>4}/{r['standard']}/{r['hard']:<5} "
            f"{rep.warnings:>8} {rep.reused:>6}  {med}, {p90}"
        )
        totals.update(rep.outcomes)
        totals["reused"] += rep.reused
        used = []
        spoken = set().union(*rep.lines_used.values()) if rep.lines_used else set()
        for state_id, state in s.states.items():
            if state.end:
                continue
            own = {x.text for x in state.lines} & rep.lines_used.get(state_id, set())
            used.append(f"{state_id} {len(own)}/{len(state.lines)}")
        for pool in ("repeated", "warnings", "circling"):
            lines = {x.text for x in getattr(s, pool)}
            used.append(f"[{pool}] {len(lines & spoken)}/{len(lines)}")
        states_out.append((sid, used))
    print(
        f"\nall clients: {dict((k, v) for k, v in totals.items() if k != 'reused')}\n"
        f"lines reused without a trainee repeat: {totals['reused']}; simulation {sim_time:.1f} s"
    )
    if args.states:
        print("\nlines used per state (used/written):")
        for sid, used in states_out:
            print(f"  {sid}: " + ", ".join(used))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
