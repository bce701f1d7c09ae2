"""How the built-in clients behave over many simulated sessions (mi_coach/practice/simulate.py).

For every client: N seeded sessions (half `mostly_good`, half `mixed`; gentle, standard and hard in
turn), answered with the scenario's own examples and a bank of good MI, righting reflex, judgment,
small talk and repeats. Prints outcomes by policy and difficulty, turns to success, ruptures,
warning signs, client lines reused without a trainee repeat (should be 0), how the client answered
responses that asked something (an offer, a choice, a yes/no question) and left it in its state
(own: a line written for such a response; fallback: reactions.yml's last-resort answers; none: a
line that ignores the question), and how many of each
state's lines were used (lines used / lines written, per state).

    python bench/simulate.py [--sessions N] [--client ID ...] [--states] [--show K]

--show K prints the first K sessions of each client turn by turn (client line, response, code,
rapport and state), to read as a trainer would: does each client line follow from what was said?
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
    ap.add_argument("--show", type=int, default=0, help="print K sessions per client in full")
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
        f"{'ruptures g/s/h':>14} {'warnings':>8} {'reused':>6} {'asked: own/fallback/none':>25}"
        "  to success: median, p90"
    )
    print(head)
    print("-" * len(head))
    totals: Counter[str] = Counter()
    asked_totals: Counter[str] = Counter()
    states_out = []
    shown: list[str] = []
    sim_time = 0.0
    for sid, item in every.items():
        s = item.scenario
        t0 = time.perf_counter()
        sim = Simulator(s, clf)
        rep = Report(sid, client=s)
        for seed, policy, level in plan(args.sessions):
            transcript, moves = sim.run(seed, policy, level)
            rep.add(transcript, policy, s.max_turns)
            if seed < args.show:
                shown.append(_session_text(sid, seed, policy, level, transcript, moves))
        sim_time += time.perf_counter() - t0
        mg = rep.by_policy["mostly_good"]
        mx = rep.by_policy["mixed"]
        share = mg["success"] / max(1, sum(mg.values()))
        mixed_share = mx["success"] / max(1, sum(mx.values()))
        r = rep.ruptures_by_difficulty
        turns = sorted(rep.turns_to_success)
        p90 = turns[int(0.9 * (len(turns) - 1))] if turns else None
        med = f"{statistics.median(turns):g}" if turns else None
        answered = (
            f"{rep.asked}: {rep.answered_own}/{rep.answered_fallback}/{rep.unanswered}"
            if rep.asked
            else "0"
        )
        print(
            f"{sid:<18} {rep.outcomes['success'] / rep.sessions:>8.0%} {share:>12.0%} "
            f"{mixed_share:>6.0%}  {r['gentle']:>4}/{r['standard']}/{r['hard']:<5} "
            f"{rep.warnings:>8} {rep.reused:>6} {answered:>25}  {med}, {p90}"
        )
        totals.update(rep.outcomes)
        totals["reused"] += rep.reused
        for k in (
            "asked",
            "answered_own",
            "answered_fallback",
            "unanswered",
            "asked_moved",
            "answered_moved",
        ):
            asked_totals[k] += getattr(rep, k)
        used = []
        spoken = set().union(*rep.lines_used.values()) if rep.lines_used else set()
        for state_id, state in s.states.items():
            if state.end:
                continue
            own = {x.text for x in state.lines} & rep.lines_used.get(state_id, set())
            used.append(f"{state_id} {len(own)}/{len(state.lines)}")
        for pool in ("replies", "repeated", "warnings", "circling", "thinking"):
            lines = {x.text for x in getattr(s, pool)}
            used.append(f"[{pool}] {len(lines & spoken)}/{len(lines)}")
        states_out.append((sid, used))
    print(
        f"\nall clients: {dict((k, v) for k, v in totals.items() if k != 'reused')}\n"
        f"lines reused without a trainee repeat: {totals['reused']}; simulation {sim_time:.1f} s\n"
        f"asked something and stayed (an offer, a choice, a yes/no question): "
        f"{asked_totals['asked']}; answered by the state's or scenario's own line "
        f"{asked_totals['answered_own']}, by a fallback answer {asked_totals['answered_fallback']}, "
        f"by a line that ignores the question {asked_totals['unanswered']}\n"
        f"asked something and moved on to another state: {asked_totals['asked_moved']}; "
        f"answered in kind there {asked_totals['answered_moved']}"
    )
    if args.states:
        print("\nlines used per state (used/written):")
        for sid, used in states_out:
            print(f"  {sid}: " + ", ".join(used))
    for text in shown:
        print("\n" + text)
    return 0


def _session_text(sid: str, seed: int, policy: str, level: str, t: object, moves: list[str]) -> str:
    out = [f"== {sid} seed {seed} ({policy}, {level}): {t.status}"]  # type: ignore[attr-defined]
    for x, move in zip(t.turns, moves):  # type: ignore[attr-defined]
        client = x.client.text if x.client is not None else ""
        out.append(f"  [{x.state}] CLIENT: {client}")
        out.append(
            f"      TRAINEE ({move}): {x.response}  -> {x.code}, "
            f"rapport {x.rapport_before}->{x.rapport_after}, to {x.next_state}"
        )
        for r in x.reasons:
            out.append(f"        {r.delta:+d} {r.text}")
    closing = getattr(t, "closing", None)
    if closing:
        out.append(f"  CLIENT (closing): {closing}")
    return "\n".join(out)


if __name__ == "__main__":
    raise SystemExit(main())
