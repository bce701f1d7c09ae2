"""A practice session: the scenario engine. Pure logic — it never prints and never reads input.

A session holds a scenario, the classifier and the transcript. `respond(text)` classifies the
trainee's response against the client's current line, takes the first transition whose condition
holds, moves the rapport meter and records the turn; the caller journals the transcript and renders
the turn. The client's line in each state is chosen from the state's lines by a generator seeded
with (seed, turn number, state), so a session replays identically and resumes where it stopped.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mi_coach.base.loading import builtin_dir, load_yaml, validate
from mi_coach.practice.scenarios import Line, Scenario, State, Transition
from mi_coach.practice.transcript import ClientTurn, Transcript, Turn


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MissedChance(_Strict):
    after_talk: list[str]
    answered_by_family: list[str] = Field(default_factory=list)
    answered_by_code: list[str] = Field(default_factory=list)
    feedback: dict[str, str] = Field(default_factory=dict)  # by talk: what the trainee is told

    @model_validator(mode="after")
    def _every_talk_has_feedback(self) -> MissedChance:
        missing = [t for t in self.after_talk if t not in self.feedback]
        if missing:
            raise ValueError(f"missed_chance.feedback needs a message for {', '.join(missing)}")
        return self


class Reactions(_Strict):
    rapport: dict[str, int]
    missed_chance: MissedChance
    show_better_after_family: list[str] = Field(default_factory=list)


@cache
def load_reactions() -> Reactions:
    doc = load_yaml(builtin_dir("patterns") / "reactions.yml")
    return validate(doc, Reactions)


def choose(state: State, code: str, family: str, text: str, rapport: int) -> tuple[int, Transition]:
    """The first transition whose condition holds for this response (the last has none)."""
    for i, t in enumerate(state.transitions):
        w = t.when
        if w is None:
            return i, t
        if w.code and code not in w.code:
            continue
        if w.family and family not in w.family:
            continue
        pat = w.mention_pattern()
        if pat is not None and not pat.search(text):
            continue
        if w.rapport_below is not None and not rapport < w.rapport_below:
            continue
        if w.rapport_at_least is not None and not rapport >= w.rapport_at_least:
            continue
        if w.words_at_most is not None and len(text.split()) > w.words_at_most:
            continue
        if w.words_at_least is not None and len(text.split()) < w.words_at_least:
            continue
        return i, t
    raise AssertionError("unreachable: the last transition has no condition")  # pragma: no cover


@dataclass
class Outcome:
    """What one response did: the recorded turn and, when the session ended, how."""

    turn: Turn
    ended: str | None
    closing_line: str | None


class Session:
    def __init__(
        self,
        scenario: Scenario,
        classifier: Any,
        transcript: Transcript,
        reactions: Reactions | None = None,
    ) -> None:
        self.scenario = scenario
        self.classifier = classifier
        self.transcript = transcript
        self.reactions = reactions or load_reactions()
        self._hint_index = 0

    # -- where the session stands -----------------------------------------------------------
    @property
    def state_id(self) -> str:
        return self.transcript.state

    @property
    def state(self) -> State:
        return self.scenario.states[self.transcript.state]

    @property
    def rapport(self) -> int:
        return self.transcript.rapport

    @property
    def over(self) -> bool:
        return self.transcript.status != "in_progress"

    @property
    def turn_number(self) -> int:
        return len(self.transcript.turns) + 1

    def line_index(self, state_id: str, n: int) -> int:
        lines = self.scenario.states[state_id].lines
        return random.Random(f"{self.transcript.seed}|{n}|{state_id}").randrange(len(lines))

    def current_line(self) -> Line:
        return self.state.lines[self.line_index(self.state_id, self.turn_number)]

    def closing_line(self) -> str | None:
        """What the client says as the session ends (an ending state's line, or the turn limit)."""
        status = self.transcript.status
        if status in ("success", "rupture"):
            state = self.scenario.states[self.transcript.state]
            return state.lines[self.line_index(self.transcript.state, 0)].text
        if status == "turn_limit":
            return self.scenario.turn_limit
        return None

    def hint(self) -> str:
        hints = self.state.hints
        text = hints[self._hint_index % len(hints)]
        self._hint_index += 1
        return text

    # -- a turn -------------------------------------------------------------------------------
    def respond(self, text: str) -> Outcome:
        if self.over:
            raise ValueError("the session has ended")
        line = self.current_line()
        result = self.classifier.classify(text, line.text)
        rules = self.classifier.ruleset
        code, family = result.code, result.family
        _, transition = choose(self.state, code, family, text, self.rapport)
        delta = (
            transition.rapport
            if transition.rapport is not None
            else self.reactions.rapport.get(code, 0)
        )
        before = self.rapport
        after = max(0, min(10, before + delta))
        missed = self._missed(line, code, family)
        rule = rules.primary_rule(result)
        better = None
        if missed or family in self.reactions.show_better_after_family:
            exemplars = self.state.exemplars
            better = exemplars[
                random.Random(f"{self.transcript.seed}|better|{self.turn_number}").randrange(
                    len(exemplars)
                )
            ]
            if not better and rule is not None:
                better = rule.alternative
        to = transition.to
        if after <= self.scenario.rapport.rupture_at and not self.scenario.states[to].end:
            to = self.scenario.rupture
        turn = Turn(
            n=self.turn_number,
            state=self.state_id,
            client=ClientTurn(text=line.text, talk=line.talk, thought=line.thought),
            response=text,
            code=code,
            family=family,
            codes=list(result.codes),
            evidence=result.wire()["evidence"],
            feedback=rules.feedback(result),
            confidence=result.confidence,
            runner_up=result.runner_up,
            rapport_before=before,
            rapport_after=after,
            next_state=to,
            missed_chance=missed,
            better=better,
            missed_note=self.reactions.missed_chance.feedback.get(line.talk) if missed else None,
        )
        t = self.transcript
        t.turns.append(turn)
        t.state = to
        t.rapport = after
        ending = self.scenario.states[to].end
        if ending:
            t.status = ending
        elif len(t.turns) >= self.scenario.max_turns:
            t.status = "turn_limit"
        self._hint_index = 0
        return Outcome(turn, None if t.status == "in_progress" else t.status, self.closing_line())

    def _missed(self, line: Line, code: str, family: str) -> bool:
        m = self.reactions.missed_chance
        if line.talk not in m.after_talk:
            return False
        return not (family in m.answered_by_family or code in m.answered_by_code)

    def undo(self) -> Turn | None:
        """Take back the last turn: the client says the same line again."""
        t = self.transcript
        if not t.turns:
            return None
        last = t.turns.pop()
        t.state = last.state
        t.rapport = last.rapport_before
        t.status = "in_progress"
        t.finished = None
        t.scores = None
        return last


def new_transcript(
    scenario: Scenario,
    *,
    trainee: str | None,
    feedback: Literal["turn", "end"],
    seed: int,
    source: str,
) -> Transcript:
    return Transcript.new(
        scenario_id=scenario.id,
        scenario_title=scenario.title,
        scenario_source=source,
        trainee=trainee,
        feedback=feedback,
        seed=seed,
        state=scenario.start,
        rapport=scenario.rapport.start,
    )


def check_examples(scenario: Scenario, classifier: Any, doc: Any = None) -> list[str]:
    """Every transition's example, classified against every client line of its state, must take
    that transition. Returns the problems (file:line: field: message), empty when all hold."""
    problems = []
    for sid in scenario.reachable():
        state = scenario.states[sid]
        for i, t in enumerate(state.transitions):
            rapport = scenario.rapport.start
            if t.when is not None and t.when.rapport_below is not None:
                rapport = t.when.rapport_below - 1
            if t.when is not None and t.when.rapport_at_least is not None:
                rapport = max(rapport, t.when.rapport_at_least)
            for line in state.lines:
                result = classifier.classify(t.example, line.text)
                got, taken = choose(state, result.code, result.family, t.example, rapport)
                if got != i:
                    loc = ("states", sid, "transitions", i, "example")
                    where = f"{doc.path}:{doc.line_of(loc)}: " if doc is not None else ""
                    problems.append(
                        f"{where}states.{sid}.transitions.{i}.example: {t.example!r} is coded "
                        f"{result.code} after the client line {line.text!r} and takes transition "
                        f"{got} (to {taken.to}), not this one (to {t.to})"
                    )
                    break
    return problems


def example_path(scenario: Scenario, target: str) -> list[str] | None:
    """The shortest list of transition examples that leads from the start to `target`."""
    from collections import deque

    queue = deque([(scenario.start, [])])
    seen = {scenario.start}
    while queue:
        sid, path = queue.popleft()
        if sid == target:
            return path
        for t in scenario.states[sid].transitions:
            if t.to not in seen:
                seen.add(t.to)
                queue.append((t.to, path + [t.example]))
    return None
