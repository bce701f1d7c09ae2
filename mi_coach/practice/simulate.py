"""Simulated trainees: many seeded sessions on a scripted client, to see how the client behaves
over the whole space of conversations rather than along the authored paths.

A simulated trainee answers each client line with either one of the scenario's own transition
examples (a `good` move takes a transition that brings a success ending closer and is not
MI-non-adherent) or a response from a mixed bank (patterns/trainee_bank.yml: good MI, righting
reflex, judgment, small talk, questions asking a yes or no, a choice or an answer to an offer) or a
repeat of its own last response. Two policies:

- `mostly_good`: 80% good moves, 20% from the bank or a repeat;
- `mixed`: 40% good moves, 20% any example of the state, 40% from the bank or a repeat.

Each distinct response is classified once (against the first client line of the state it was
written for, or with no client line for the bank) and cached, so thousands of sessions take
seconds. bench/simulate.py prints the distributions; tests/test_simulated_trainee.py asserts the
client's memory holds.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mi_coach.base.loading import builtin_dir, load_yaml, validate
from mi_coach.practice.reactions import Difficulty, asked_kind, load_reactions
from mi_coach.practice.scenarios import Scenario, Transition
from mi_coach.practice.session import Session, choose, new_transcript, normalise
from mi_coach.practice.transcript import Transcript

Policy = Literal["mostly_good", "mixed"]
BANK_KINDS = ("good", "asks", "righting", "judgment", "small_talk", "repeat")


class Bank(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    good: list[str] = Field(min_length=1)
    righting: list[str] = Field(min_length=1)
    judgment: list[str] = Field(min_length=1)
    small_talk: list[str] = Field(min_length=1)
    asks: list[str] = Field(min_length=1)


@cache
def load_bank() -> Bank:
    return validate(load_yaml(builtin_dir("patterns") / "trainee_bank.yml"), Bank)


class CachedClassifier:
    """A classifier that classifies each distinct response once (the first client line it is
    asked with, or the one `prime` gave) and then answers from its cache."""

    def __init__(self, classifier: Any) -> None:
        self.classifier = classifier
        self.ruleset = classifier.ruleset
        self.codes = classifier.codes
        self.cache: dict[str, Any] = {}

    def prime(self, pairs: Iterable[tuple[str, str | None]]) -> None:
        todo = list({text: client for text, client in pairs if text not in self.cache}.items())
        for (text, _), result in zip(todo, self.classifier.classify_many(todo)):
            self.cache[text] = result

    def classify(self, text: str, client: str | None = None) -> Any:
        if text not in self.cache:
            self.cache[text] = self.classifier.classify(text, client)
        return self.cache[text]


def distances(scenario: Scenario) -> dict[str, int]:
    """Each state's distance (in transitions) to the nearest success ending, by transitions that
    need nothing heard first (those that do are shortcuts: a good move when they hold)."""
    into: dict[str, set[str]] = defaultdict(set)
    for sid, state in scenario.states.items():
        for t in state.transitions:
            if t.when is None or not t.when.heard:
                into[t.to].add(sid)
    dist = dict.fromkeys(scenario.endings("success"), 0)
    queue = deque(dist)
    while queue:
        sid = queue.popleft()
        for prev in into[sid]:
            if prev not in dist:
                dist[prev] = dist[sid] + 1
                queue.append(prev)
    return dist


def prime(clf: CachedClassifier, scenario: Scenario) -> None:
    bank = load_bank()
    pairs: list[tuple[str, str | None]] = []
    for state in scenario.states.values():
        for t in state.transitions:
            pairs.append((t.example, state.lines[0].text))
        pairs += [(text, state.lines[0].text) for text in state.exemplars]
    for kind in ("good", "righting", "judgment", "small_talk"):
        pairs += [(text, None) for text in getattr(bank, kind)]
    clf.prime(pairs)


@dataclass
class Simulator:
    scenario: Scenario
    classifier: CachedClassifier
    dist: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.dist = distances(self.scenario)
        prime(self.classifier, self.scenario)

    def good_moves(
        self, sid: str, heard: set[str] | frozenset[str] = frozenset()
    ) -> list[Transition]:
        """The transitions out of `sid` that bring success closer and that the client's memory
        lets happen now (`heard`, `not_heard`), without costing rapport."""
        here = self.dist.get(sid, 10**6)
        moves = []
        for t in self.scenario.states[sid].transitions:
            w = t.when
            if w is not None and (not set(w.heard) <= heard or set(w.not_heard) & heard):
                continue
            family = self.classifier.classify(t.example).family
            if family == "mi_non_adherent" or (t.rapport or 0) < 0:
                continue
            if self.dist.get(t.to, 10**6) < here:
                moves.append(t)
        return moves

    def fresh_good(self, session: Session, good: list[Transition], rng: random.Random) -> str:
        """A good move in words the trainee has not used yet, as a real trainee would find
        (a repeat takes no step): a forward transition's example, else one of the state's
        exemplars that moves the client forward; the same words again only when none is left."""
        said = {normalise(t.response) for t in session.transcript.turns}
        fresh = [t.example for t in good if normalise(t.example) not in said]
        if not fresh:
            sid = session.state_id
            state = self.scenario.states[sid]
            here = self.dist.get(sid, 10**6)
            heard = session.memory().heard
            for text in state.exemplars:
                if normalise(text) in said:
                    continue
                result = self.classifier.classify(text, state.lines[0].text)
                _, t = choose(state, result.code, result.family, text, session.rapport, heard)
                if self.dist.get(t.to, 10**6) < here and (t.rapport or 0) >= 0:
                    fresh.append(text)
        return rng.choice(fresh) if fresh else rng.choice(good).example

    def choose(self, session: Session, rng: random.Random, policy: Policy) -> tuple[str, str]:
        """The simulated trainee's next response and what kind of move it is."""
        sid = session.state_id
        roll = rng.random()
        p_good = 0.8 if policy == "mostly_good" else 0.4
        p_any = 0.0 if policy == "mostly_good" else 0.2
        good = self.good_moves(sid, session.memory().heard)
        if roll < p_good and good:
            return self.fresh_good(session, good, rng), "good_move"
        if roll < p_good + p_any:
            return rng.choice(self.scenario.states[sid].transitions).example, "example"
        kind = rng.choice(BANK_KINDS)
        turns = session.transcript.turns
        if kind == "repeat":
            if turns:
                return turns[-1].response, "repeat"
            kind = "small_talk"
        return rng.choice(getattr(load_bank(), kind)), kind

    def run(
        self, seed: int, policy: Policy, difficulty: Difficulty
    ) -> tuple[Transcript, list[str]]:
        """One simulated session: the transcript and the kind of each move."""
        s = self.scenario
        transcript = new_transcript(
            s, trainee=None, feedback="turn", seed=seed, source="simulated", difficulty=difficulty
        )
        session = Session(s, self.classifier, transcript, codes=self.classifier.codes)
        rng = random.Random(f"sim|{s.id}|{seed}|{policy}")
        moves = []
        while not session.over:
            text, kind = self.choose(session, rng, policy)
            moves.append(kind)
            session.respond(text)
        return transcript, moves


@dataclass
class Report:
    """What many simulated sessions on one client did."""

    scenario: str
    sessions: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    by_policy: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    turns_to_success: list[int] = field(default_factory=list)
    ruptures_by_difficulty: Counter[str] = field(default_factory=Counter)
    warnings: int = 0
    reused: int = 0  # client lines said again without the trainee repeating themselves
    # responses that asked something (an offer, a choice, a yes/no question) and left the client
    # in its state: how many, how many the client answered with a line written for such a
    # response (its state's own, a scenario reply, or the last-resort fallback), and how many with a
    # line that ignores the question
    asked: int = 0
    answered_own: int = 0
    answered_fallback: int = 0
    # ... and that moved the client on to another state: how many, and how many the new state
    # answered with a line written for such a response
    asked_moved: int = 0
    answered_moved: int = 0
    lines_used: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    client: Scenario | None = None  # to tell what each client line answers (asked/answered)

    def add(self, t: Transcript, policy: str, max_turns: int) -> None:
        self.sessions += 1
        self.outcomes[t.status] += 1
        self.by_policy[policy][t.status] += 1
        if t.status == "success":
            self.turns_to_success.append(len(t.turns))
        if t.status == "rupture":
            self.ruptures_by_difficulty[t.difficulty or "hard"] += 1
        self.warnings += sum(x.warning for x in t.turns)
        self.reused += len(reused_lines(t))
        self._answers(t)
        for x in t.turns:
            if x.client is not None and x.state is not None:
                self.lines_used[x.state].add(x.client.text)

    @property
    def unanswered(self) -> int:
        return self.asked - self.answered_own - self.answered_fallback

    def _answers(self, t: Transcript) -> None:
        if self.client is None:
            return
        fallback = load_reactions().lines.answers
        seen: set[str] = set()
        for x, reply in zip(t.turns, t.turns[1:], strict=False):
            norm = normalise(x.response)
            repeat = norm in seen  # the client may answer the repeat, not the question
            seen.add(norm)
            if x.warning or repeat or reply.client is None:
                continue
            kind = asked_kind(x.code, x.response) if x.family != "mi_non_adherent" else None
            if kind in (None, "open"):
                continue
            if x.state != x.next_state:
                if reply.state is not None and not self.client.states[reply.state].end:
                    self.asked_moved += 1
                    line = self.client.find_line(reply.state, reply.client.text)
                    self.answered_moved += line is not None and line.after is not None
                continue
            self.asked += 1
            line = self.client.find_line(reply.state, reply.client.text)
            if line is not None and any(line is f for f in fallback):
                self.answered_fallback += 1
            elif line is not None and line.after is not None:
                self.answered_own += 1


def reused_lines(t: Transcript) -> list[int]:
    """Turns whose client line was said before although the trainee's previous response repeated
    none of theirs (the client's memory failed)."""
    said: set[str] = set()
    seen: set[str] = set()
    repeated = False
    out = []
    for x in t.turns:
        if x.client is not None:
            if x.client.text in said and not repeated:
                out.append(x.n)
            said.add(x.client.text)
        norm = normalise(x.response)
        repeated = bool(norm) and norm in seen
        seen.add(norm)
    return out


def plan(n: int) -> list[tuple[int, Policy, Difficulty]]:
    """The sessions to run per client: seeds 0..n-1, half mostly good, difficulty in turn."""
    levels: tuple[Difficulty, ...] = ("gentle", "standard", "hard")
    return [
        (seed, "mostly_good" if seed % 2 == 0 else "mixed", levels[(seed // 2) % 3])
        for seed in range(n)
    ]
