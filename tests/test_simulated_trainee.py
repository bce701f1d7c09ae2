"""A simulated trainee on every built-in client: 200 seeded sessions each (half mostly good, half
mixed; gentle, standard and hard in turn), answering with the scenario's own examples and a mixed
bank (good MI, righting reflex, judgment, small talk, repeats). Each distinct response is
classified once (practice.simulate). The checks here read only the transcripts and the scenario
data, not the engine's memory:

- no client line is said twice unless the trainee's previous response repeated an earlier one;
- no line that presumes a mention (`requires`, `after`) comes before the trainee's words allow it;
- every rapport change is the sum of its reasons, and every turn has the client's reaction;
- mostly good sessions reach a success ending within the turn limit at least 80% of the time;
- at `gentle` no rupture comes before the second MI-non-adherent response.
bench/simulate.py prints the distributions.
"""

from __future__ import annotations

from functools import cache

import pytest

from mi_coach.base.loading import builtin_dir
from mi_coach.practice.scenarios import Scenario, load_scenario_file
from mi_coach.practice.session import holds
from mi_coach.practice.simulate import CachedClassifier, Simulator, plan

BUILTIN = sorted(builtin_dir("scenarios").glob("*.yml"))
SESSIONS = 200


@cache
def _runs(path: str, classifier_id: int) -> tuple[Scenario, list]:
    scenario = load_scenario_file(path).scenario
    sim = Simulator(scenario, CachedClassifier(_CLF[classifier_id]))
    return scenario, [
        (policy, level, *sim.run(seed, policy, level)) for seed, policy, level in plan(SESSIONS)
    ]


_CLF: dict[int, object] = {}


@pytest.fixture(params=BUILTIN, ids=[p.stem for p in BUILTIN])
def runs(request, clf):
    _CLF[id(clf)] = clf
    return _runs(str(request.param), id(clf))


def _norm(text: str) -> str:
    return " ".join("".join(c if c.isalnum() or c in "' " else " " for c in text.lower()).split())


def test_no_client_line_twice_unless_the_trainee_repeated(runs):
    _, sessions = runs
    bad = []
    for _, _, t, _ in sessions:
        said, seen, repeated = set(), set(), False
        for turn in t.turns:
            if turn.client.text in said and not repeated:
                bad.append((t.seed, turn.n, turn.client.text))
            said.add(turn.client.text)
            repeated = _norm(turn.response) in seen
            seen.add(_norm(turn.response))
    assert not bad, bad[:5]


def test_no_presuming_line_before_its_mention(runs):
    scenario, sessions = runs
    facts = scenario.facts
    answers = ("giving_information", "persuade_with_permission")
    bad = []
    for _, _, t, _ in sessions:
        heard: set[str] = set()
        previous = None
        for turn in t.turns:
            line = scenario.find_line(turn.state, turn.client.text)
            assert line is not None, turn.client.text
            missing = [f for f in getattr(line, "requires", []) if f not in heard]
            after = getattr(line, "after", None)
            if after is not None:  # said only right after a response like this
                ok = previous is not None and holds(
                    after,
                    previous.code,
                    previous.family,
                    previous.response,
                    previous.rapport_after,
                    heard,
                )
                if not ok:
                    missing.append("after")
            if getattr(line, "escalate", False) and not (
                previous is not None and previous.state == previous.next_state
            ):
                missing.append("escalate")  # presses a need nobody has ignored yet
            if missing:
                bad.append((t.seed, turn.n, turn.client.text, missing))
            # what this response let the client hear
            for fid, fact in facts.items():  # every part the fact gives must hold
                pat = fact.mention_pattern()
                if (
                    (fact.mentions or fact.code)
                    and (pat is None or pat.search(turn.response))
                    and (not fact.code or set(fact.code) & set(turn.codes))
                ):
                    heard.add(fid)
            if getattr(line, "asks", None) and set(turn.codes) & set(answers):
                heard.add(line.asks)
            heard.update(getattr(line, "tells", ()))  # what the client shared by saying it
            previous = turn
    assert not bad, bad[:5]


def test_rapport_changes_are_explained_and_every_turn_has_a_fresh_reaction(runs):
    _, sessions = runs
    for _, _, t, _ in sessions:
        for before, turn in zip([None, *t.turns], t.turns):
            assert sum(r.delta for r in turn.reasons) == turn.rapport_after - turn.rapport_before
            assert all(r.text for r in turn.reasons)
            assert turn.reaction and "{" not in turn.reaction
            assert before is None or turn.reaction != before.reaction, (t.seed, turn.n)


def test_mostly_good_sessions_reach_success_within_the_turn_limit(runs):
    scenario, sessions = runs
    good = [t for policy, _, t, _ in sessions if policy == "mostly_good"]
    successes = [t for t in good if t.status == "success"]
    assert all(len(t.turns) <= scenario.max_turns for t in successes)
    assert len(successes) / len(good) >= 0.8, f"{len(successes)}/{len(good)}"


def test_gentle_never_ruptures_before_the_second_non_adherent_response(runs):
    _, sessions = runs
    gentle = [t for _, level, t, _ in sessions if level == "gentle"]
    assert gentle
    for t in gentle:
        if t.status == "rupture":
            non_adherent = sum(turn.family == "mi_non_adherent" for turn in t.turns)
            assert non_adherent >= 2, (t.seed, [x.response for x in t.turns])
            assert t.turns[-2].warning  # a warning sign came right before
