"""Scripted clients: the scenario format (validated with pydantic at load time) and loading.

A scenario is a graph of client states. Each state holds several client lines (each tagged as
change, sustain, neutral or discord talk, with the client's unspoken thought), hints and exemplar
responses, and an ordered list of transitions. The first transition whose condition holds for the
trainee's response is taken; the last one has no condition (the otherwise branch). Conditions name
codes or families of the classifier's code table, words the response mentions, the rapport meter
and what the client has heard so far: the engine knows kinds of condition, never particular codes.

The client remembers. A scenario declares `facts`: what the client can hear from the trainee (an
appeal mentioned, permission asked, a question answered). Lines can `require` a fact (a line that
presumes an earlier mention is said only after it), be said only `unless` a fact was heard, `ask`
for a fact (not asked again once the trainee answered it plainly), `escalate` (said when the
state's need has been ignored) or come only right `after` a kind of response. A line that
answers the response itself (a greeting, a permission asked, a yes/no question) or presumes what
it was (silence, advice) says so with `after`; such a line is preferred when it fits, and never
said when it does not. Each state says what the client `need`s there, shown when a response that
misses it costs rapport. Scenario-wide lines answer the response itself (`replies`), answer a
trainee who repeats themselves (`repeated`), give a warning sign before a rupture (`warnings`),
say the conversation is stuck (`circling`, only when it is) and keep a conversation that goes well
but has said everything in a state from repeating (`thinking`). `case_file` holds the
documents the case manager has (the letter, the referral), shown by /file.

Every transition carries an example response that takes it: those examples are tests (`mi-coach
validate` and the test suite run each one through the classifier from its state).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from mi_coach.base.errors import MiCoachError
from mi_coach.base.loading import YamlDoc, builtin_dir, load_yaml, validate
from mi_coach.base.model import Strict
from mi_coach.base.paths import folders
from mi_coach.practice.reactions import (
    SPECIAL_REACTIONS,
    Condition,
    Talk,
    answers_only,
    bad_placeholders,
    load_reactions,
    mention_pattern_of,
)
from mi_coach.practice.reactions import Line as BaseLine

__all__ = ["Condition", "Talk"]
from mi_coach.coding.inputs import MAX_RESPONSE_CHARS

MAX_STATES = 20_000
Ending = Literal["success", "rupture"]
ID = r"^[a-z0-9][a-z0-9_-]*$"


class Persona(Strict):
    name: str = Field(min_length=1)
    pronouns: str = Field(min_length=1)
    age: int = Field(ge=12, le=110)
    background: str = Field(min_length=1)
    values: list[str] = Field(min_length=1)
    strengths: list[str] = Field(min_length=1)
    stressors: list[str] = Field(min_length=1)
    culture: str = Field(min_length=1, description="cultural context and preferences")
    trauma_cues: list[str] = Field(default_factory=list)

    @property
    def called(self) -> str:
        """The name the client goes by: Walter "Marcus" Greer is Marcus; Ray is Ray."""
        m = re.search(r'"([^"]+)"', self.name)
        return m.group(1) if m else self.name.split()[0]


class Fact(Strict):
    """Something the client can hear from the trainee. It is heard once a response matches all
    the parts given (any code, any family, any of the words), or, for a fact a line `asks`, once
    the trainee answers that line plainly (reactions.yml: answers_by_code)."""

    about: str | None = Field(None, description="what the client has then heard, in words")
    code: list[str] = Field(default_factory=list)
    family: list[str] = Field(default_factory=list)
    mentions: list[str] = Field(default_factory=list)

    def mention_pattern(self) -> re.Pattern[str] | None:
        return mention_pattern_of(self.mentions)

    @property
    def by_response(self) -> bool:
        return bool(self.code or self.family or self.mentions)


class Line(BaseLine):
    requires: list[str] = Field(
        default_factory=list, description="facts the client must have heard before saying this"
    )
    unless: list[str] = Field(
        default_factory=list, description="facts that, once heard, make this line unsaid"
    )
    asks: str | None = Field(
        None, description="a fact this line asks for: not asked again once the trainee answered"
    )
    escalate: bool = Field(
        False, description="said when the need in this state has been ignored at least once"
    )
    arriving: bool = Field(
        False,
        description="a reaction to the response that led here: said only on arriving in the "
        "state, never after a response that kept the client in it",
    )
    tells: list[str] = Field(
        default_factory=list,
        description="facts the client shares by saying this line (a person introduced): lines "
        "that presume the trainee knows them can `require` them from then on",
    )
    rapport_below: int | None = Field(
        None,
        ge=1,
        le=11,
        description="said only while rapport is below this: a guarded or hostile line that "
        "would not fit a client who has come to trust the trainee",
    )
    rapport_at_least: int | None = Field(
        None,
        ge=0,
        le=10,
        description="said only once rapport is at least this: a line that trusts",
    )

    @property
    def free(self) -> bool:
        """A line that can always be said in its state."""
        return not (
            self.requires
            or self.asks
            or self.escalate
            or self.after
            or self.rapport_below is not None
            or self.rapport_at_least is not None
        )


class Transition(Strict):
    when: Condition | None = None
    to: str
    rapport: int | None = Field(
        None, ge=-5, le=5, description="rapport change; default from reactions by code"
    )
    reason: str | None = Field(
        None, description="why rapport moves: a named reason of patterns/reactions.yml"
    )
    thought: str | None = Field(
        None,
        min_length=1,
        description="the client's reaction to this response (else the thought of their next line)",
    )
    example: str = Field(
        min_length=1,
        max_length=MAX_RESPONSE_CHARS,
        description="a response that takes this transition",
    )


class Anywhere(Strict):
    """A reaction that holds in every state (a question about a topic the client's file says not
    to probe, a threat): checked before the state's own transitions; the client stays where they
    are, and rapport moves with the reason given."""

    when: Condition
    rapport: int = Field(ge=-5, le=5)
    reason: str | None = Field(
        None, description="why rapport moves: a named reason of patterns/reactions.yml"
    )
    thought: str | None = Field(None, min_length=1, description="the client's reaction")
    lines: list[Line] = Field(
        default_factory=list,
        max_length=100,
        description="what the client says to it, in place of the state's next line (each once)",
    )
    example: str = Field(
        min_length=1,
        max_length=MAX_RESPONSE_CHARS,
        description="a response that sets it off (checked like a transition's example)",
    )

    def as_transition(self, state_id: str) -> Transition:
        return Transition(
            when=self.when,
            to=state_id,
            rapport=self.rapport,
            reason=self.reason,
            thought=self.thought,
            example=self.example,
        )


class State(Strict):
    end: Ending | None = None
    need: str | None = Field(
        None,
        min_length=1,
        max_length=300,
        description="what the client needs here, in words that follow 'still needs': shown when "
        "a response that misses it costs rapport (the otherwise branch)",
    )
    lines: list[Line] = Field(min_length=1, max_length=100)
    hints: list[str] = Field(default_factory=list, max_length=100)
    exemplars: list[Annotated[str, Field(max_length=MAX_RESPONSE_CHARS)]] = Field(
        default_factory=list, max_length=100
    )
    transitions: list[Transition] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _shape(self) -> State:
        if self.end:
            if self.transitions:
                raise ValueError("an ending state has no transitions")
            return self
        if len(self.lines) < 2:
            raise ValueError("a state needs at least two client lines (so replays differ)")
        if not any(line.free for line in self.lines):
            raise ValueError(
                "a state needs at least one line without requires, asks, escalate, after or a rapport "
                "bound "
                "(something the client can always say)"
            )
        if not self.hints:
            raise ValueError("a state needs at least one hint")
        if not self.exemplars:
            raise ValueError("a state needs at least one exemplar response")
        if not self.transitions:
            raise ValueError("a state needs transitions (the last one without `when`)")
        if self.transitions[-1].when is not None:
            raise ValueError("the last transition must have no `when` (the otherwise branch)")
        if any(t.when is None for t in self.transitions[:-1]):
            raise ValueError("only the last transition may leave out `when`")
        return self


class Rapport(Strict):
    start: int = Field(4, ge=0, le=10)
    rupture_at: int = Field(0, ge=0, le=10, description="rapport at or below this ruptures")
    warm: int = Field(7, ge=0, le=10, description="rapport at or above this: turn_limit_warm")


class Document(Strict):
    title: str = Field(min_length=1)
    text: str = Field(min_length=1)


class Scenario(Strict):
    id: str = Field(pattern=ID)
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    setting: str = Field(min_length=1)
    difficulty: Literal["beginner", "intermediate", "advanced"]
    skills: list[str] = Field(min_length=1)
    rubrics: list[str] = Field(min_length=1)
    content_notes: list[str] = Field(default_factory=list)
    persona: Persona
    case_file: list[Document] = Field(
        default_factory=list, description="what the case manager has: the letter, the referral"
    )
    start: str
    max_turns: int = Field(14, ge=1, le=100)
    rapport: Rapport = Rapport()
    rupture: str = Field(description="the ending state a broken rapport leads to")
    turn_limit: str = Field(
        "We're out of time for today.",
        min_length=1,
        description="what the client says when the turn limit is reached",
    )
    turn_limit_warm: str | None = Field(
        None,
        min_length=1,
        description="said instead of turn_limit when rapport is at or above rapport.warm: a "
        "client the trainee reached leaves on good terms",
    )
    facts: dict[str, Fact] = Field(
        default_factory=dict, description="what the client can hear from the trainee"
    )
    repeated: list[Line] = Field(
        default_factory=list, description="what the client says when the trainee repeats themselves"
    )
    warnings: list[Line] = Field(
        default_factory=list, description="warning signs before a rupture (gentle and standard)"
    )
    circling: list[Line] = Field(
        default_factory=list,
        description="what the client says when they have said everything a state holds",
    )
    replies: list[Line] = Field(
        default_factory=list,
        description="lines that answer the response itself (a greeting, a permission asked, a "
        "yes/no question), each with `after`; said once each, before the state's own lines",
    )
    thinking: list[Line] = Field(
        default_factory=list,
        description="what the client says when a state has nothing new left and the "
        "conversation is not stuck (the trainee is doing well)",
    )
    reactions: dict[str, list[str]] = Field(
        default_factory=dict,
        description="the client's unspoken reactions to a response, by what it was: warning, "
        "repeat, long, a named reason, a code or a family",
    )
    anywhere: list[Anywhere] = Field(
        default_factory=list,
        description="reactions that hold in every state, before its own transitions; the "
        "client stays in the state",
    )
    states: dict[str, State] = Field(min_length=2, max_length=MAX_STATES)

    @field_validator("states", "facts")
    @classmethod
    def _state_ids(cls, states: dict[str, Any]) -> dict[str, Any]:
        for key in states:
            if not re.match(ID, str(key)):
                raise ValueError(f"id {key!r}: use lowercase letters, digits, _ and -")
        return states

    def reachable(self) -> list[str]:
        """States reachable from the start, breadth first (the rupture state always is)."""
        order = [self.start]
        seen = {self.start}
        for sid in order:  # grows while it is read: breadth first, linear
            for t in self.states[sid].transitions if sid in self.states else ():
                if t.to not in seen:
                    seen.add(t.to)
                    order.append(t.to)
        if self.rupture not in seen:
            order.append(self.rupture)
        return order

    def endings(self, kind: Ending) -> list[str]:
        return [sid for sid, s in self.states.items() if s.end == kind]

    def find_line(self, state_id: str | None, text: str) -> BaseLine | None:
        """The line of a state (or a scenario-wide or fallback line) with this text."""
        state = self.states.get(state_id or "")
        fallback = load_reactions().lines  # what a client without its own says
        pools: list[Sequence[BaseLine]] = [state.lines] if state is not None else []
        pools += [self.replies, self.repeated, self.warnings, self.circling, self.thinking]
        pools += [a.lines for a in self.anywhere]
        pools += [fallback.replies, fallback.repeated, fallback.warnings]
        pools += [fallback.circling, fallback.thinking, fallback.answers]
        for pool in pools:
            for line in pool:
                if line.text == text:
                    return line
        return None


@dataclass(frozen=True)
class Loaded:
    scenario: Scenario
    path: str
    doc: YamlDoc
    builtin: bool


def scenario_dirs(extra: str | None = None) -> list[tuple[Path, bool]]:
    """Built-in scenarios first, then MI_COACH_SCENARIOS (os.pathsep-separated), then --scenarios."""
    return folders(builtin_dir("scenarios"), "MI_COACH_SCENARIOS", "scenarios", extra)


def load_scenario_file(path: str | Path, codes: Any = None, builtin: bool = False) -> Loaded:
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        raise doc.error("a scenario file is a mapping (id, title, persona, states, …)")
    scenario = validate(doc, Scenario)
    if codes is None:
        from mi_coach.coding.ruleset import load_codes

        codes = load_codes()
    check_names(scenario, doc, codes)
    return Loaded(scenario, str(path), doc, builtin)


def check_names(scenario: Scenario, doc: YamlDoc, codes: Any) -> None:
    """Raise the first graph problem (see graph_problems)."""
    found = graph_problems(scenario, doc, codes)
    if found:
        raise found[0]


def graph_problems(scenario: Scenario, doc: YamlDoc, codes: Any) -> list[MiCoachError]:
    """What pydantic cannot see alone: the graph holds together (start and rupture states, every
    transition leads to a defined state, every state is reachable, every state has a way to an
    ending), and every name used exists (see name_problems). Errors name line and field."""
    out: list[MiCoachError] = []
    states = scenario.states
    if scenario.start not in states:
        out.append(doc.error(f"start state {scenario.start!r} is not defined", ("start",)))
    elif states[scenario.start].end:
        out.append(doc.error("the start state cannot be an ending", ("start",)))
    rupture = states.get(scenario.rupture)
    if rupture is None or rupture.end != "rupture":
        out.append(
            doc.error(f"{scenario.rupture!r} must name a state with `end: rupture`", ("rupture",))
        )
    if scenario.rapport.rupture_at >= scenario.rapport.start:
        out.append(
            doc.error("rapport.start must be above rapport.rupture_at", ("rapport", "start"))
        )
    out += name_problems(scenario, doc, codes)
    if out:
        return out
    reachable = set(scenario.reachable())
    unreachable = [sid for sid in states if sid not in reachable]
    if unreachable:
        out.append(
            doc.error(
                f"no transition leads to state(s) {_some(unreachable)}",
                ("states", unreachable[0]),
            )
        )
    # a way out: from every state some ending can be reached (breadth first from the endings,
    # along transitions read backwards: linear in the size of the graph)
    leads_to: dict[str, list[str]] = {}
    for sid, st in states.items():
        for t in st.transitions:
            leads_to.setdefault(t.to, []).append(sid)
    can_end = [sid for sid, st in states.items() if st.end]
    seen = set(can_end)
    for sid in can_end:  # grows while it is read
        for before in leads_to.get(sid, ()):
            if before not in seen:
                seen.add(before)
                can_end.append(before)
    stuck = [sid for sid in states if sid not in seen]
    if stuck:
        out.append(
            doc.error(
                f"no way out: no ending can be reached from state(s) "
                f"{_some(stuck)} (only the turn limit ends them)",
                ("states", stuck[0]),
            )
        )
    return out


def name_problems(scenario: Scenario, doc: YamlDoc, codes: Any) -> list[MiCoachError]:
    """Every name a scenario uses exists: states, codes and families in conditions, facts in
    `heard`, `not_heard`, `requires`, `unless` and `asks`, named reasons and phrase lists (`said`);
    a fact no response can set is asked by some line; placeholders in thoughts are the trainee's
    pronouns."""
    out: list[MiCoachError] = []
    states = scenario.states
    names = _some(list(states))  # once: a long list is shortened, and not rebuilt per error
    families = {info.family for info in codes.codes.values()}
    facts = scenario.facts
    fact_list = ", ".join(facts) or "none declared: add them under `facts:`"
    named = load_reactions().named_reasons
    phrases = load_reactions().phrases

    def fact_refs(names: list[str], where: tuple[Any, ...]) -> None:
        for j, name in enumerate(names):
            if name not in facts:
                out.append(doc.error(f"no fact {name!r} (facts: {fact_list})", where + (j,)))

    def condition(c: Condition | Fact, where: tuple[Any, ...]) -> None:
        for j, code in enumerate(c.code):
            if code not in codes.codes:
                out.append(
                    doc.error(
                        f"unknown code {code!r} (codes: {', '.join(codes.codes)})",
                        where + ("code", j),
                    )
                )
        for j, fam in enumerate(c.family):
            if fam not in families:
                out.append(
                    doc.error(
                        f"unknown family {fam!r} (families: {', '.join(sorted(families))})",
                        where + ("family", j),
                    )
                )
        if isinstance(c, Condition):
            fact_refs(c.heard, where + ("heard",))
            fact_refs(c.not_heard, where + ("not_heard",))
            for j, name in enumerate(c.said):
                if name not in phrases:
                    out.append(
                        doc.error(
                            f"no phrase list {name!r} in patterns/reactions.yml "
                            f"(phrases: {', '.join(phrases) or 'none'})",
                            where + ("said", j),
                        )
                    )

    def thought(text: str | None, where: tuple[Any, ...]) -> None:
        bad = bad_placeholders(text or "")
        if bad:
            out.append(
                doc.error(
                    f"unknown placeholder {bad[0]} (the trainee's pronouns: {{they}} {{them}} "
                    f"{{their}} {{themself}} {{is}} {{was}} {{has}} {{does}} {{s}})",
                    where,
                )
            )

    presumptions = load_reactions().presumes

    def presumption(line: Line, at: tuple[Any, ...]) -> None:
        """A line that presumes a kind of response (reactions.yml: presumes) waits for it."""
        after = line.after
        for p in presumptions:
            hit = p.regex().search(line.text)
            if hit is None:
                continue
            kinds = set(after.family) if after is not None else set()
            kinds |= {
                codes.codes[c].family for c in (after.code if after else []) if c in codes.codes
            }
            if after is not None and set(after.asked) - {"offer"}:
                kinds.add("question")  # a yes/no, choice or open question asked
            if not kinds & set(p.families):
                out.append(
                    doc.error(
                        f"{hit.group(0).strip()!r} presumes {p.what}: give this line "
                        f"`after: {{family: [{', '.join(p.families)}]}}` (with the words it "
                        "answers), or reword it",
                        at + (("after",) if after is not None else ("text",)),
                    )
                )

        if after is not None and after.asked:
            only = answers_only(line.text)
            if only is not None and not set(after.asked) & only:
                out.append(
                    doc.error(
                        f"this line opens as an answer to {' or '.join(sorted(only))}, but its "
                        f"`after` asks for {', '.join(after.asked)} (reactions.yml: "
                        "answer_openings): reword its opening or its `asked`",
                        at + ("after", "asked"),
                    )
                )

    asked: set[str] = set()
    told: set[str] = set()

    def lines(pool: list[Line], where: tuple[Any, ...]) -> None:
        for i, line in enumerate(pool):
            at = where + (i,)
            fact_refs(line.requires, at + ("requires",))
            fact_refs(line.unless, at + ("unless",))
            fact_refs(line.tells, at + ("tells",))
            told.update(line.tells)
            if line.asks is not None:
                asked.add(line.asks)
                if line.asks not in facts:
                    out.append(
                        doc.error(f"no fact {line.asks!r} (facts: {fact_list})", at + ("asks",))
                    )
            if line.after is not None:
                condition(line.after, at + ("after",))
            presumption(line, at)
            thought(line.thought, at + ("thought",))
            if "{" in line.text:
                out.append(
                    doc.error(
                        "placeholders belong in thoughts; a client line says `you` to the trainee",
                        at + ("text",),
                    )
                )

    for fid, fact in facts.items():
        condition(fact, ("facts", fid))
    known = {*codes.codes, *families, *named, *SPECIAL_REACTIONS}
    for key, thoughts in scenario.reactions.items():
        if key not in known:
            out.append(
                doc.error(
                    f"no code, family or reason {key!r} (use a code, a family, a named reason, "
                    f"or {', '.join(SPECIAL_REACTIONS)})",
                    ("reactions", key),
                )
            )
        for i, text in enumerate(thoughts):
            thought(text, ("reactions", key, i))
    for key in ("replies", "repeated", "warnings", "circling", "thinking"):
        lines(getattr(scenario, key), (key,))
    for i, a in enumerate(scenario.anywhere):
        condition(a.when, ("anywhere", i, "when"))
        thought(a.thought, ("anywhere", i, "thought"))
        lines(a.lines, ("anywhere", i, "lines"))
        if a.reason is not None and a.reason not in named:
            out.append(
                doc.error(
                    f"no reason {a.reason!r} in patterns/reactions.yml "
                    f"(named_reasons: {', '.join(named)})",
                    ("anywhere", i, "reason"),
                )
            )
    for i, line in enumerate(scenario.replies):
        if line.after is None:
            out.append(
                doc.error("a reply needs `after`: the kind of response it answers", ("replies", i))
            )
    for sid, state in states.items():
        lines(state.lines, ("states", sid, "lines"))
        for i, t in enumerate(state.transitions):
            where = ("states", sid, "transitions", i)
            if t.to not in states:
                out.append(doc.error(f"no state {t.to!r} (states: {names})", where + ("to",)))
            if t.reason is not None and t.reason not in named:
                out.append(
                    doc.error(
                        f"no reason {t.reason!r} in patterns/reactions.yml "
                        f"(named_reasons: {', '.join(named)})",
                        where + ("reason",),
                    )
                )
            thought(t.thought, where + ("thought",))
            if t.when is not None:
                condition(t.when, where + ("when",))
    for fid, fact in facts.items():
        if not fact.by_response and fid not in asked and fid not in told:
            out.append(
                doc.error(
                    f"fact {fid!r} can never be heard: give it code, family or mentions, "
                    "let a line `asks` it, or let a client line `tells` it",
                    ("facts", fid),
                )
            )
    return out


def _some(ids: list[str], n: int = 20) -> str:
    return ", ".join(ids[:n]) + (f", … ({len(ids)} in all)" if len(ids) > n else "")


def load_all(extra_dir: str | None = None) -> dict[str, Loaded]:
    """Every scenario by id. A user folder's scenario may not reuse a built-in id."""
    from mi_coach.coding.ruleset import load_codes

    codes = load_codes()
    found: dict[str, Loaded] = {}
    for folder, builtin in scenario_dirs(extra_dir):
        if not builtin and not folder.is_dir():
            raise MiCoachError("scenario folder not found", path=str(folder))
        for path in sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml")):
            if path.name.startswith("_"):
                continue
            loaded = load_scenario_file(path, codes, builtin)
            sid = loaded.scenario.id
            if sid in found:
                raise loaded.doc.error(
                    f"scenario id {sid!r} is already used by {found[sid].path}", ("id",)
                )
            found[sid] = loaded
    return found


def find(scenario_id_or_path: str, extra_dir: str | None = None) -> Loaded:
    """A scenario by id, or by the path of a YAML file."""
    p = Path(scenario_id_or_path)
    if p.suffix in (".yml", ".yaml") and p.exists():
        return load_scenario_file(p)
    every = load_all(extra_dir)
    if scenario_id_or_path in every:
        return every[scenario_id_or_path]
    close = [s for s in every if scenario_id_or_path.lower() in s.lower()]
    if len(close) == 1:
        return every[close[0]]
    raise MiCoachError(
        f"no scenario {scenario_id_or_path!r}; `mi-coach scenarios` lists them "
        f"({', '.join(sorted(every))})"
    )
