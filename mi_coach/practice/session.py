"""A practice session: the scenario engine. Pure logic — it never prints and never reads input.

A session holds a scenario, the classifier and the transcript. `respond(text)` classifies the
trainee's response against the client's current line, takes the first transition whose condition
holds, moves the rapport meter (every part of the change with its reason, from
patterns/reactions.yml) and records the turn; the caller journals the transcript and renders it.

The client remembers, and everything it remembers is read back from the transcript (`Memory`), so
a session replays identically, resumes where it stopped and undoes cleanly: the lines already said
(never said twice, unless the trainee repeated themselves), the facts heard from the trainee's own
words (lines that presume a mention wait for it; a question answered plainly is not asked again),
how long the client's need in a state has been ignored (escalation), strikes and warning signs.
The client's line is chosen among the lines it may say by a generator seeded with (seed, turn
number, state).

Whether a threatened rupture happens depends on the difficulty (reactions.yml): at `gentle` only
after a warning sign that was not repaired, at `standard` after a pattern of non-adherent
responses, at `hard` also after one sure, severe response or the meter reaching the floor. A
pattern of non-adherent responses brings a warning sign however warm the client still is.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from mi_coach.base.errors import MiCoachError
from mi_coach.practice.reactions import (
    Difficulty,
    Reactions,
    answers_only,
    asked_kind,
    asked_part,
    load_reactions,
    mention_in,
    phrases_pattern,
    pronoun_forms,
    question_part,
    render,
)
from mi_coach.practice.reactions import Line as BaseLine
from mi_coach.practice.scenarios import Condition, Fact, Line, Scenario, State, Transition
from mi_coach.practice.transcript import ClientTurn, Reason, Transcript, Turn
from mi_coach.scoring.evidence import load_verdict_data, missed_chance

__all__ = ["Reactions", "load_reactions", "question_part"]
_WORD = re.compile(r"[\w']+")


def normalise(text: str) -> str:
    """A response as repeats are compared: lower case, words only."""
    return " ".join(_WORD.findall(text.lower()))


def holds(
    c: Condition,
    code: str,
    family: str,
    text: str,
    rapport: int,
    heard: frozenset[str] | set[str] = frozenset(),
    reply_to: str | None = None,
) -> bool:
    """Whether a condition holds for a response. Mentions are looked for in the trainee's own
    words only; when the condition takes the response as a question (it names the question family
    alone, or codes only, and the response is a question), in the question it asks: after "We sent
    the rent papers. Which way do you want it?" the client answers which way, not about the rent.
    So too for a client line's `after` when the response asks something (`reply_to`, its kind):
    after "Carla's worried. Has anyone looked at the foot?" the client answers about the foot."""
    if c.code and code not in c.code:
        return False
    if c.family and family not in c.family:
        return False
    if c.asked and asked_kind(code, text) not in c.asked:
        return False
    if c.said and mention_in(c.said_pattern(), text) is None:
        return False
    pat = c.mention_pattern()
    if pat is not None:
        asked = family == "question" and (c.family == ["question"] or (c.code and not c.family))
        if asked:
            where = question_part(text)
        elif reply_to is not None:
            where = asked_part(text)
        else:
            where = text
        if mention_in(pat, where) is None:
            return False
    if c.rapport_below is not None and not rapport < c.rapport_below:
        return False
    if c.rapport_at_least is not None and not rapport >= c.rapport_at_least:
        return False
    words = len(text.split())
    if c.words_at_most is not None and words > c.words_at_most:
        return False
    if c.words_at_least is not None and words < c.words_at_least:
        return False
    if c.heard and not set(c.heard) <= heard:
        return False
    return not (c.not_heard and set(c.not_heard) & heard)


def choose(
    state: State,
    code: str,
    family: str,
    text: str,
    rapport: int,
    heard: frozenset[str] | set[str] = frozenset(),
) -> tuple[int, Transition]:
    """The first transition whose condition holds for this response (the last has none)."""
    for i, t in enumerate(state.transitions):
        if t.when is None or holds(t.when, code, family, text, rapport, heard):
            return i, t
    raise AssertionError("unreachable: the last transition has no condition")  # pragma: no cover


def react(
    scenario: Scenario,
    state_id: str,
    code: str,
    family: str,
    text: str,
    rapport: int,
    heard: frozenset[str] | set[str] = frozenset(),
) -> tuple[int, Transition, int | None]:
    """The state's transition for this response (its index) and the scenario-wide reaction
    (`anywhere`, its index) that takes precedence, if any: those come before the state's
    transitions by code and family, and after the ones that react to the response's own words
    (`mentions`)."""
    i, t = choose(scenario.states[state_id], code, family, text, rapport, heard)
    if t.when is not None and t.when.mentions:
        return i, t, None
    for j, a in enumerate(scenario.anywhere):
        if holds(a.when, code, family, text, rapport, heard):
            return i, t, j
    return i, t, None


def fact_heard(fact: Fact, codes: list[str], families: set[str], text: str) -> bool:
    """Whether one response lets the client hear a fact: every part given holds (any of the
    response's codes, any of their families, any of the words)."""
    if not fact.by_response:
        return False
    if fact.code and not set(fact.code) & set(codes):
        return False
    if fact.family and not set(fact.family) & families:
        return False
    pat = fact.mention_pattern()
    return pat is None or mention_in(pat, text) is not None


@dataclass
class Memory:
    """What the client remembers, read from the transcript."""

    said: dict[str, int] = field(default_factory=dict)  # client line text -> the last turn said
    heard: set[str] = field(default_factory=set)  # facts
    strikes: int = 0
    warned: bool = False  # the last turn ended with a warning sign
    ignored: int = 0  # turns in a row that stayed in the current state
    repeated: bool = False  # the last response repeats an earlier one
    repeat_counts: bool = False  # ... and is long enough to count as repeating yourself
    last: Turn | None = None
    asked: str | None = None  # what the last response asked of the client (reactions.yml: asked)


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
        codes: Any = None,
    ) -> None:
        self.scenario = scenario
        self.classifier = classifier  # anything with classify(text, client) and ruleset
        self.transcript = transcript
        self.reactions = reactions or load_reactions()
        if codes is None:
            from mi_coach.coding.ruleset import load_codes

            codes = load_codes()
        self.codes = codes
        self.forms = pronoun_forms(transcript.pronouns)
        self._hint_index = 0
        self._memo: tuple[tuple[Any, ...], Memory] | None = None
        self._facts_of: dict[int, tuple[Turn, frozenset[str]]] = {}

    # -- where the session stands -----------------------------------------------------------
    @property
    def state_id(self) -> str:
        state = self.transcript.state
        if state is None:  # only imported sessions have none, and no Session is built on them
            raise MiCoachError("this transcript has no client state: it is not a practice session")
        return state

    @property
    def state(self) -> State:
        return self.scenario.states[self.state_id]

    @property
    def rapport(self) -> int:
        return self.transcript.rapport if self.transcript.rapport is not None else 0

    @property
    def over(self) -> bool:
        return self.transcript.status != "in_progress"

    @property
    def turn_number(self) -> int:
        return len(self.transcript.turns) + 1

    @property
    def difficulty(self) -> Difficulty:
        # transcripts written before difficulty levels existed behaved as `hard` does
        return self.transcript.difficulty or "hard"

    @property
    def first_name(self) -> str:
        return self.scenario.persona.called

    # -- memory ---------------------------------------------------------------------------------
    def _turn_facts(self, turn: Turn) -> frozenset[str]:
        cached = self._facts_of.get(id(turn))
        if cached is not None and cached[0] is turn:
            return cached[1]
        families = {turn.family} | {
            self.codes.codes[c].family for c in turn.codes if c in self.codes.codes
        }
        found = {
            fid
            for fid, fact in self.scenario.facts.items()
            if fact_heard(fact, turn.codes, families, turn.response)
        }
        if turn.client is not None:
            line = self.scenario.find_line(turn.state, turn.client.text)
            asks = getattr(line, "asks", None)
            if asks and set(turn.codes) & set(self.reactions.answers_by_code):
                found.add(asks)
            found.update(getattr(line, "tells", ()))  # what the client shared by saying it
        result = frozenset(found)
        self._facts_of[id(turn)] = (turn, result)
        return result

    def memory(self) -> Memory:
        t = self.transcript
        key = (len(t.turns), id(t.turns[-1]) if t.turns else None, t.state, t.status)
        if self._memo is not None and self._memo[0] == key:
            return self._memo[1]
        mem = Memory()
        seen: set[str] = set()
        min_words = self.reactions.repeat.min_words
        for turn in t.turns:
            if turn.client is not None:
                mem.said[turn.client.text] = turn.n
            mem.heard |= self._turn_facts(turn)
            mem.strikes += turn.strike
            norm = normalise(turn.response)
            mem.repeated = bool(norm) and norm in seen
            mem.repeat_counts = mem.repeated and len(turn.response.split()) >= min_words
            seen.add(norm)
        if t.turns:
            mem.last = t.turns[-1]
            mem.warned = mem.last.warning
            mem.asked = asked_kind(mem.last.code, mem.last.response)
            # a need is ignored by a response that left the client where they were and was not
            # MI-consistent: a reflection or an affirmation that did not move things on is heard
            for turn in reversed(t.turns):
                if (
                    turn.state == turn.next_state == t.state
                    and not turn.warning
                    and not self._consistent(turn.code)
                ):
                    mem.ignored += 1
                else:
                    break
        self._memo = (key, mem)
        return mem

    def _usable(self, line: Line | BaseLine, mem: Memory) -> bool:
        """Whether the client can say a line now: what it presumes (a mention heard, a need
        ignored, a kind of response just given, the step that led here) holds, and a question
        it asks is still open, and its opening answers what was asked ("Yes." is no answer to a
        choice)."""
        if mem.asked is not None:
            only = answers_only(line.text)
            if only is not None and mem.asked not in only:
                return False
        if line.after is not None:
            last = mem.last
            generic = line.after.asked and not (line.after.mentions or line.after.said)
            moved = last is not None and last.state != last.next_state
            if generic and moved and mem.asked == "open":
                # an open question that moved the client on is answered by the new state's own
                # lines, written for what led there; a yes/no question, an offer or a choice is
                # answered in kind wherever the client now is ("Would it help if I wrote it on a
                # card?" is not left hanging by the next thing on the client's mind)
                return False
            if last is None or not holds(
                line.after,
                last.code,
                last.family,
                last.response,
                last.rapport_after if last.rapport_after is not None else self.rapport,
                mem.heard,
                reply_to=mem.asked,
            ):
                return False
        if not isinstance(line, Line):
            return True
        if line.escalate and not mem.ignored:
            return False
        if line.arriving and (mem.last is None or mem.last.state == mem.last.next_state):
            return False
        if line.requires and not set(line.requires) <= mem.heard:
            return False
        if line.unless and set(line.unless) & mem.heard:
            return False
        if line.rapport_below is not None and not self.rapport < line.rapport_below:
            return False
        if line.rapport_at_least is not None and not self.rapport >= line.rapport_at_least:
            return False
        return not (line.asks and line.asks in mem.heard)

    def _choice(self, pool: list[Any], state_id: str, salt: str = "") -> Any:
        rng = random.Random(f"{self.transcript.seed}|{self.turn_number}|{state_id}{salt}")
        return pool[rng.randrange(len(pool))]

    def _fresh(self, pool: list[Any], mem: Memory) -> list[Any]:
        return [x for x in pool if x.text not in mem.said and self._usable(x, mem)]

    def _pick(self, state_id: str, mem: Memory) -> Line | BaseLine:
        """The client's next line in a state, most specific first. In an ending state: the closing
        that answers the last response, else the one presuming most of what was said. Otherwise:
        a warning sign; an answer to a
        repeat; a line that answers this very response (`after`): the state's own or a
        scenario-wide reply (a greeting, a permission asked), the more precise first; the
        state's need pressed again when it was ignored; the state's other lines; then, with
        nothing new left, `circling` when the conversation is stuck and `thinking` when it is
        not (each, when used up, before the other). Never a line already said, unless the
        trainee just repeated themselves or (in a scenario with too few lines) nothing new is
        left; never a line whose presumption does not hold."""
        s = self.scenario
        state = s.states[state_id]
        usable = [x for x in state.lines if self._usable(x, mem)]
        fresh = [x for x in usable if x.text not in mem.said]
        if state.end:
            # a closing sums up this conversation: the line that answers the last response, else
            # the one that presumes most of what was said (its `requires`)
            closing = fresh or usable or state.lines
            if closing is not state.lines:
                best = max(map(_closing_fit, closing))
                closing = [x for x in closing if _closing_fit(x) == best]
            return self._choice(closing, state_id)
        fallback = self.reactions.lines
        if mem.warned:
            pool = self._fresh(s.warnings or fallback.warnings, mem)
            if pool:
                return self._choice(pool, state_id, "|warning")
        last = mem.last
        if mem.repeat_counts and last is not None and last.state == last.next_state:
            pool = [x for x in (s.repeated or fallback.repeated) if self._usable(x, mem)]
            new = [x for x in pool if x.text not in mem.said]
            if new or pool:
                return self._choice(new or pool, state_id, "|repeated")
        if last is not None and last.state == last.next_state == state_id:
            # an `anywhere` reaction (a probe, a threat) is answered by its own lines
            j = react(
                s,
                state_id,
                last.code,
                last.family,
                last.response,
                last.rapport_before if last.rapport_before is not None else self.rapport,
                mem.heard,
            )[2]
            pool = self._fresh(s.anywhere[j].lines, mem) if j is not None else []
            if pool:
                return self._choice(pool, state_id, "|anywhere")
        # a line that answers this very response: the state's own or a scenario-wide reply,
        # whichever says most precisely what it answers (the state's own on a tie)
        specific = [x for x in fresh if x.after is not None and not x.escalate]
        replies = self._fresh(s.replies or fallback.replies, mem)
        if specific or replies:
            top = max(_precision(x.after) for x in specific + replies)
            own = [x for x in specific if _precision(x.after) == top]
            if own:
                return self._choice(own, state_id)
            return self._choice(
                [x for x in replies if _precision(x.after) == top], state_id, "|reply"
            )
        if last is not None and last.state == last.next_state == state_id:
            # asked something (an offer, a choice, a yes/no question) that nothing here answers:
            # the client answers in kind before going on, rather than ignore the question
            answers = self._fresh(fallback.answers, mem)
            if answers:
                return self._choice(answers, state_id, "|answer")
        escalating = [x for x in fresh if x.escalate]
        calm = [x for x in fresh if not x.escalate]
        if escalating:
            return self._choice(escalating, state_id)
        if calm:
            return self._choice(calm, state_id)
        c = self.reactions.circling
        stuck = mem.ignored >= c.stuck_after and self.rapport < c.rapport_below
        pools = {
            "circling": s.circling or fallback.circling,
            "thinking": s.thinking or fallback.thinking,
        }
        for kind in ("circling", "thinking") if stuck else ("thinking", "circling"):
            found = self._fresh(pools[kind], mem)
            if found:
                return self._choice(found, state_id, "|" + kind)
        if mem.repeated and usable:  # the trainee said the same again; so may the client
            return self._choice(usable, state_id)
        # nothing new left (the built-in clients never get here): the line said longest ago
        stale = usable or [x for x in state.lines if x.free]
        return min(stale, key=lambda x: mem.said.get(x.text, 0))

    def _rendered(self, line: Line | BaseLine) -> Line | BaseLine:
        if "{" not in line.thought:
            return line
        return line.model_copy(update={"thought": render(line.thought, self.forms)})

    def current_line(self) -> Line | BaseLine:
        mem = self.memory()
        return self._rendered(self._pick(self.state_id, mem))

    def _transition(self, code: str, family: str, text: str, heard: set[str]) -> Transition:
        _, t, j = react(self.scenario, self.state_id, code, family, text, self.rapport, heard)
        return t if j is None else self.scenario.anywhere[j].as_transition(self.state_id)

    def closing_line(self) -> str | None:
        """What the client says as the session ends (an ending state's line, or the turn limit)."""
        status = self.transcript.status
        if status in ("success", "rupture"):
            return self.current_line().text
        if status == "turn_limit":
            sc = self.scenario
            warm = sc.turn_limit_warm is not None and self.rapport >= sc.rapport.warm
            return sc.turn_limit_warm if warm and sc.turn_limit_warm else sc.turn_limit
        return None

    def hint(self) -> str:
        hints = self.state.hints
        text = hints[self._hint_index % len(hints)]
        self._hint_index += 1
        return text

    # -- why rapport moves ----------------------------------------------------------------------
    def _label(self, code: str) -> str:
        info = self.codes.codes.get(code)
        return info.label if info is not None else code

    def _said(self, t: Transition, text: str) -> str:
        """The words of the response a transition reacted to (its mentions), else its start."""
        w = t.when
        pat = (w.mention_pattern() or w.said_pattern()) if w is not None else None
        m = mention_in(pat, text)
        if m:
            return m.group(0)
        words = text.split()
        return " ".join(words[:8]) + (" …" if len(words) > 8 else "")

    def _fmt(self, template: str, **kw: Any) -> str:
        values = {"name": self.first_name, **kw}
        return template.format_map(_Blank(values))

    def _transition_reason(self, t: Transition, code: str, text: str) -> Reason:
        r = self.reactions
        delta = t.rapport or 0
        kw: dict[str, Any] = {
            "label": self._label(code),
            "said": self._said(t, text),
            "words": len(text.split()),
        }
        w = t.when
        if t.reason is not None:
            kind, template = t.reason, r.named_reasons[t.reason]
        elif w is None:
            need = self.state.need
            kind = "otherwise"
            template = r.reasons.otherwise if need else r.reasons.otherwise_plain
            kw["need"] = need or ""
        elif w.mentions or w.said:
            kind, template = "mentions", r.reasons.mentions
        elif w.words_at_least is not None:
            kind, template = "words_at_least", r.reasons.words_at_least
        elif w.words_at_most is not None:
            kind, template = "words_at_most", r.reasons.words_at_most
        elif w.rapport_below is not None or w.rapport_at_least is not None:
            kind, template = "rapport", r.reasons.rapport
        else:
            kind, template = "code", r.reasons.code
            if delta < 0 and self.state.need:
                template = r.reasons.code_missing_need
                kw["need"] = self.state.need
        return Reason(kind=kind, delta=delta, text=self._fmt(template, **kw))

    def _owned(self, text: str, family: str, t: Transition, mem: Memory) -> str | None:
        """The words with which this response owns the slip just before it (a response that cost
        rapport or counted as non-adherent), or None (reactions.yml: owning_repair)."""
        rule = self.reactions.owning_repair
        last = mem.last
        if rule is None or last is None or family in self.reactions.strike_families:
            return None
        if t.reason == "owning":  # the scenario's own transition reacted to it
            return None
        if not (last.strike or sum(x.delta for x in last.reasons) < 0):
            return None
        m = mention_in(phrases_pattern(tuple(rule.phrases)), text)
        return m.group(0) if m else None

    # -- a turn -------------------------------------------------------------------------------
    def respond(self, text: str) -> Outcome:
        if self.over:
            raise ValueError("the session has ended")
        r = self.reactions
        mem = self.memory()
        line = self.current_line()
        result = self.classifier.classify(text, line.text)
        code, family = result.code, result.family
        confidence = getattr(result, "confidence", None)
        runner_up = getattr(result, "runner_up", None)
        info = self.codes.codes.get(runner_up) if runner_up else None
        same_kind = info is not None and info.family == family  # non-adherent either way
        threshold = r.unsure.below_same_family if same_kind else r.unsure.below
        sure = confidence is None or float(confidence) >= threshold
        unsure = family in r.strike_families and not sure
        transition = self._transition(code, family, text, mem.heard)
        label = self._label(code)

        reasons: list[Reason] = []
        need = self.state.need
        if transition.rapport is not None:
            if transition.when is None and transition.rapport < 0 and self._consistent(code):
                # MI-consistent work is never marked down for not being what the client needs
                # yet: no loss, and the reason says what would help
                template = r.reasons.otherwise_consistent if need else r.reasons.otherwise_plain
                reasons.append(
                    Reason(
                        kind="otherwise", delta=0, text=self._fmt(template, label=label, need=need)
                    )
                )
            elif transition.rapport:
                reasons.append(self._transition_reason(transition, code, text))
        else:
            delta = r.rapport.get(code, 0)
            if delta:
                template = r.reasons.code_missing_need if delta < 0 and need else r.reasons.code
                reasons.append(
                    Reason(
                        kind="code", delta=delta, text=self._fmt(template, label=label, need=need)
                    )
                )
        words = len(text.split())
        w = transition.when
        long = r.long_response
        if words >= long.words_at_least and not (w is not None and w.words_at_least is not None):
            reasons.append(
                Reason(
                    kind="words_at_least",
                    delta=long.rapport,
                    text=self._fmt(r.reasons.words_at_least, words=words),
                )
            )
        if unsure and reasons and reasons[-1].delta < r.unsure.rapport_floor:
            reasons[-1] = Reason(
                kind="unsure",
                delta=r.unsure.rapport_floor,
                text=self._fmt(r.reasons.unsure, label=label.lower()),
            )
        norm = normalise(text)
        repeat_of = next(
            (x.n for x in self.transcript.turns if norm and normalise(x.response) == norm), None
        )
        if repeat_of is not None and len(text.split()) >= r.repeat.min_words:
            if reasons and reasons[-1].delta > 0:
                reasons[-1] = Reason(
                    kind="no_credit_twice",
                    delta=0,
                    text=self._fmt(r.reasons.no_credit_twice, label=label),
                )
            if r.repeat.rapport:
                reasons.append(
                    Reason(
                        kind="repeat",
                        delta=r.repeat.rapport,
                        text=self._fmt(r.reasons.repeat, turn=repeat_of),
                    )
                )
        repaired = mem.warned and (family in r.repair.families or code in r.repair.codes)
        if repaired and r.repair.rapport:
            reasons.append(
                Reason(kind="repair", delta=r.repair.rapport, text=self._fmt(r.reasons.repair))
            )
        else:
            owned = self._owned(text, family, transition, mem)
            if owned is not None and r.owning_repair is not None and r.owning_repair.rapport:
                reasons.append(
                    Reason(
                        kind="owning",
                        delta=r.owning_repair.rapport,
                        text=self._fmt(r.named_reasons["owning"], said=owned),
                    )
                )
        total = sum(x.delta for x in reasons)
        before = self.rapport
        after = max(0, min(10, before + total))
        if after - before != total:
            reasons.append(
                Reason(
                    kind="limit",
                    delta=after - before - total,
                    text=self._fmt(r.reasons.limit, limit=after),
                )
            )

        # a threatened rupture: does it happen at this difficulty, or is it a warning sign?
        to = transition.to
        states = self.scenario.states
        repeated = repeat_of is not None and len(text.split()) >= r.repeat.min_words
        if repeated and states[to].end != "rupture":
            to = self.state_id  # the same words again move nothing forward: no ending in thanks
        floor = self.scenario.rapport.rupture_at
        strike = family in r.strike_families and sure
        strikes = mem.strikes + strike
        severe = sure and (code in r.severe.codes or total <= r.severe.rapport_at_most)
        to_rupture = states[to].end == "rupture"
        at_floor = after <= floor and states[to].end != "success"
        level = r.difficulty[self.difficulty]
        warning = False
        if to_rupture or at_floor:  # a rupture threatens; the level decides whether it happens
            ends = (
                (level.severe_ends and severe)
                or strikes >= level.strikes_to_end
                or (level.floor_ends and at_floor)
            )
            if unsure or (level.warn_first and not mem.warned):
                ends = False  # an unsure code never ends a session; gentle warns first
            if ends:
                if not to_rupture:
                    to = self.scenario.rupture
                why = (
                    "severe"
                    if level.severe_ends and severe
                    else "pattern"
                    if strikes >= level.strikes_to_end
                    else "floor"
                )
                reasons.append(
                    Reason(
                        kind="rupture",
                        delta=0,
                        text=self._fmt(
                            getattr(r.reasons.rupture, why), level=self.difficulty, strikes=strikes
                        ),
                    )
                )
            else:
                warning = True
                if to_rupture:
                    to = self.state_id
                if after <= floor:
                    reasons.append(
                        Reason(
                            kind="limit",
                            delta=floor + 1 - after,
                            text=self._fmt(r.reasons.held, limit=floor + 1),
                        )
                    )
                    after = floor + 1
                reasons.append(Reason(kind="warning", delta=0, text=self._fmt(r.reasons.warning)))
        elif strike and level.pattern_warns and strikes >= level.strikes_to_end and not mem.warned:
            # a pattern of non-adherent responses: the client warns, however warm the meter
            warning = True
            text_ = self._fmt(r.reasons.pattern_warning, strikes=strikes)
            reasons.append(Reason(kind="warning", delta=0, text=text_))

        missed = self._missed(line, code, list(result.codes))
        rule = self.classifier.ruleset.primary_rule(result)
        better = None
        named_loss = transition.reason is not None and (transition.rapport or 0) < 0
        if missed or family in r.show_better_after_family or named_loss:
            exemplars = self.state.exemplars
            better = exemplars[
                random.Random(f"{self.transcript.seed}|better|{self.turn_number}").randrange(
                    len(exemplars)
                )
            ]
            if not better and rule is not None:
                better = rule.alternative
        turn = Turn(
            n=self.turn_number,
            state=self.state_id,
            client=ClientTurn(text=line.text, talk=line.talk, thought=line.thought),
            response=text,
            code=code,
            family=family,
            codes=list(result.codes),
            evidence=result.wire()["evidence"],
            feedback=self.classifier.ruleset.feedback(result),
            confidence=result.confidence,
            runner_up=result.runner_up,
            rapport_before=before,
            rapport_after=after,
            reasons=reasons,
            next_state=to,
            missed_chance=missed,
            better=better,
            missed_note=r.missed_chance.feedback.get(line.talk) if missed else None,
            strike=strike,
            warning=warning,
            repeat_of=repeat_of,
        )
        t = self.transcript
        t.turns.append(turn)
        t.state = to
        t.rapport = after
        ending = states[to].end
        if ending:
            t.status = ending
        elif len(t.turns) >= self.scenario.max_turns:
            t.status = "turn_limit"
        used = {x.reaction for x in t.turns[:-1]}
        # the thought is the reaction: the transition's own, else the one the client's reply
        # carries when it was written for this very response (its `after`), so a dodge never
        # follows "I can answer that"; else one for what the response was
        reply = self.current_line() if t.status == "in_progress" else None
        candidates = [
            transition.thought,  # a transition's own thought, once per session
            reply.thought if reply is not None and reply.after is not None else None,
        ]
        thought = next(
            (x for x in candidates if x is not None and render(x, self.forms) not in used), None
        )
        turn.reaction = render(thought or self._reaction(turn, transition), self.forms)
        self._hint_index = 0
        closing = self.closing_line()
        if closing is not None:  # kept with the transcript, so review and exports show it
            said = self.current_line() if t.status in ("success", "rupture") else None
            t.closing = ClientTurn(
                text=closing,
                talk=said.talk if said is not None else None,
                thought=said.thought if said is not None else None,
            )
        return Outcome(turn, None if t.status == "in_progress" else t.status, closing)

    def reaction_keys(self, turn: Turn, transition: Transition) -> list[str]:
        """What a response was, most specific first: the keys a reaction thought is looked up by."""
        keys = []
        if turn.warning:
            keys.append("warning")
        if any(r.kind == "repeat" for r in turn.reasons):
            keys.append("repeat")
        if transition.reason is not None:
            keys.append(transition.reason)
        if any(r.kind == "owning" for r in turn.reasons) and "owning" not in keys:
            keys.append("owning")  # the client takes in a slip owned, whatever comes next
        long = self.reactions.long_response.thought_at
        if (
            any(r.kind == "words_at_least" for r in turn.reasons)
            or len(turn.response.split()) >= long
        ):
            keys.append("long")
        return keys + [turn.code, turn.family]

    def _reaction(self, turn: Turn, transition: Transition) -> str:
        """The client's unspoken reaction to a response, in their voice: for the most specific key
        that has thoughts, one not thought yet in this session (the scenario's `reactions` first,
        then reactions.yml's), else the one thought longest ago."""
        last_used = {x.reaction: x.n for x in self.transcript.turns if x.reaction}
        fallback = self.reactions.thoughts
        keys = self.reaction_keys(turn, transition)
        pools = [
            pool
            for key in keys
            for pool in (self.scenario.reactions.get(key, []), fallback.get(key, []))
            if pool
        ]  # the most specific key first, and for each the client's own voice first
        for pool in pools:
            fresh = [x for x in pool if render(x, self.forms) not in last_used]
            if fresh:
                return str(self._choice(fresh, self.state_id, "|reaction"))
        if not pools:
            return ""
        # every thought that fits was thought already: the most specific, thought longest ago
        return min(pools[0], key=lambda x: last_used.get(render(x, self.forms), 0))

    def _consistent(self, code: str) -> bool:
        """An MI-consistent response (reactions.yml `consistent`): never marked down by the
        otherwise branch."""
        c = self.reactions.consistent
        info = self.codes.codes.get(code)
        return code in c.codes or (info is not None and info.family in c.families)

    def _missed(self, line: Line | BaseLine, code: str, codes: list[str] | None = None) -> bool:
        """Whether the response let the client's change talk or discord go unanswered (the one
        definition the scorecard uses too: scoring.evidence.missed_chance)."""
        if line.talk not in self.reactions.missed_chance.after_talk:
            return False
        family_of = {c: info.family for c, info in self.codes.codes.items()}
        return missed_chance(
            line.talk, code, family_of, load_verdict_data(), line.text, codes or []
        )

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
        t.closing = None
        return last


def _closing_fit(line: Line | BaseLine) -> tuple[int, int]:
    return _precision(line.after), len(line.requires) if isinstance(line, Line) else 0


def _precision(c: Condition | None) -> int:
    """How precisely a line's `after` says what it answers: words the response said count
    most, then every other part given (codes, families, length, rapport, facts)."""
    if c is None:
        return 0
    parts = [c.code, c.family, c.heard, c.not_heard, c.asked]
    limits = [c.words_at_most, c.words_at_least, c.rapport_below, c.rapport_at_least]
    return (
        3 * bool(c.mentions or c.said) + sum(map(bool, parts)) + sum(x is not None for x in limits)
    )


class _Blank(dict[str, Any]):
    """format_map values: a placeholder a template does not fill stays visible, never raises."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def new_transcript(
    scenario: Scenario,
    *,
    trainee: str | None,
    feedback: Literal["turn", "end"],
    seed: int,
    source: str,
    difficulty: Difficulty = "standard",
    pronouns: str | None = None,
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
        difficulty=difficulty,
        pronouns=pronouns,
        rubrics=list(scenario.rubrics),  # what the scorecard scores, so review scores the same
    )


def check_examples(scenario: Scenario, classifier: Any, doc: Any = None) -> list[str]:
    """Every transition's example, classified against every client line of its state, must take
    that transition. Returns the problems (file:line: field: message), empty when all hold."""
    problems = []
    for sid in scenario.reachable():
        state = scenario.states[sid]
        for i, t in enumerate(state.transitions):
            rapport = scenario.rapport.start
            heard: set[str] = set()
            if t.when is not None:
                if t.when.rapport_below is not None:
                    rapport = t.when.rapport_below - 1
                if t.when.rapport_at_least is not None:
                    rapport = max(rapport, t.when.rapport_at_least)
                heard = set(t.when.heard)
            for line in state.lines:
                result = classifier.classify(t.example, line.text)
                got, taken, caught = react(
                    scenario, sid, result.code, result.family, t.example, rapport, heard
                )
                if got == i and caught is not None:
                    loc = ("states", sid, "transitions", i, "example")
                    where = f"{doc.path}:{doc.line_of(loc)}: " if doc is not None else ""
                    problems.append(
                        f"{where}states.{sid}.transitions.{i}.example: {t.example!r} is taken "
                        f"by anywhere.{caught} first (it reacts in every state)"
                    )
                    break
                if got != i:
                    loc = ("states", sid, "transitions", i, "example")
                    where = f"{doc.path}:{doc.line_of(loc)}: " if doc is not None else ""
                    problems.append(
                        f"{where}states.{sid}.transitions.{i}.example: {t.example!r} is coded "
                        f"{result.code} after the client line {line.text!r} and takes transition "
                        f"{got} (to {taken.to}), not this one (to {t.to})"
                    )
                    break
    start = scenario.states[scenario.start]
    for i, a in enumerate(scenario.anywhere):
        for line in start.lines:
            result = classifier.classify(a.example, line.text)
            rapport = scenario.rapport.start
            if holds(a.when, result.code, result.family, a.example, rapport, set(a.when.heard)):
                continue
            at: tuple[Any, ...] = ("anywhere", i, "example")
            where = f"{doc.path}:{doc.line_of(at)}: " if doc is not None else ""
            problems.append(
                f"{where}anywhere.{i}.example: {a.example!r} is coded {result.code} after the "
                f"client line {line.text!r} and does not meet its `when`"
            )
            break
    return problems


def example_path(scenario: Scenario, target: str) -> list[str] | None:
    """The shortest list of transition examples that leads from the start to `target`, through
    transitions that do not depend on what the client has heard before."""
    from collections import deque

    queue: deque[tuple[str, list[str]]] = deque([(scenario.start, [])])
    seen = {scenario.start}
    while queue:
        sid, path = queue.popleft()
        if sid == target:
            return path
        for t in scenario.states[sid].transitions:
            if t.when is not None and (t.when.heard or t.when.not_heard):
                continue
            if t.to not in seen:
                seen.add(t.to)
                queue.append((t.to, path + [t.example]))
    return None
