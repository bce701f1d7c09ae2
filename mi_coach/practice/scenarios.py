"""Scripted clients: the scenario format (validated with pydantic at load time) and loading.

A scenario is a graph of client states. Each state holds several client lines (each tagged as
change, sustain, neutral or discord talk, with the client's unspoken thought), hints and exemplar
responses, and an ordered list of transitions. The first transition whose condition holds for the
trainee's response is taken; the last one has no condition (the otherwise branch). Conditions name
codes or families of the classifier's code table, words the response mentions, and the rapport
meter: the engine knows kinds of condition, never particular codes.

Every transition carries an example response that takes it: those examples are tests (`mi-coach
validate` and the test suite run each one through the classifier from its state).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mi_coach.base.errors import MiCoachError
from mi_coach.base.loading import YamlDoc, builtin_dir, load_yaml, validate
from mi_coach.base.paths import folders
from mi_coach.coding.inputs import MAX_RESPONSE_CHARS

MAX_STATES = 20_000
Talk = Literal["change", "sustain", "neutral", "discord"]
Ending = Literal["success", "rupture"]
ID = r"^[a-z0-9][a-z0-9_-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Persona(_Strict):
    name: str = Field(min_length=1)
    pronouns: str = Field(min_length=1)
    age: int = Field(ge=12, le=110)
    background: str = Field(min_length=1)
    values: list[str] = Field(min_length=1)
    strengths: list[str] = Field(min_length=1)
    stressors: list[str] = Field(min_length=1)
    culture: str = Field(min_length=1, description="cultural context and preferences")
    trauma_cues: list[str] = Field(default_factory=list)


class Line(_Strict):
    # the client's line is read by the classifier's conditions: no longer than a response
    text: str = Field(min_length=1, max_length=MAX_RESPONSE_CHARS)
    talk: Talk
    thought: str = Field(min_length=1, max_length=MAX_RESPONSE_CHARS)


class Condition(_Strict):
    """All given parts must hold; within `code`, `family` and `mentions` any one is enough."""

    code: list[str] = Field(default_factory=list)
    family: list[str] = Field(default_factory=list)
    mentions: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=500
    )
    rapport_below: int | None = Field(None, ge=0, le=11)
    rapport_at_least: int | None = Field(None, ge=0, le=10)
    words_at_most: int | None = Field(None, ge=1, le=MAX_RESPONSE_CHARS)
    words_at_least: int | None = Field(None, ge=1, le=MAX_RESPONSE_CHARS)

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not self.model_fields_set - {"code", "family", "mentions"} and not (
            self.code or self.family or self.mentions
        ):
            raise ValueError(
                "a condition needs at least one of code, family, mentions, "
                "rapport_below, rapport_at_least, words_at_most, words_at_least "
                "(leave `when` out for the otherwise branch)"
            )
        return self

    def mention_pattern(self) -> re.Pattern[str] | None:
        if not self.mentions:
            return None
        words = "|".join(re.escape(m.lower()).replace(r"\ ", r"\s+") for m in self.mentions)
        return re.compile(rf"\b(?:{words})", re.IGNORECASE)


class Transition(_Strict):
    when: Condition | None = None
    to: str
    rapport: int | None = Field(
        None, ge=-5, le=5, description="rapport change; default from reactions by code"
    )
    example: str = Field(
        min_length=1,
        max_length=MAX_RESPONSE_CHARS,
        description="a response that takes this transition",
    )


class State(_Strict):
    end: Ending | None = None
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


class Rapport(_Strict):
    start: int = Field(4, ge=0, le=10)
    rupture_at: int = Field(0, ge=0, le=10, description="rapport at or below this ruptures")


class Scenario(_Strict):
    id: str = Field(pattern=ID)
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    setting: str = Field(min_length=1)
    difficulty: Literal["beginner", "intermediate", "advanced"]
    skills: list[str] = Field(min_length=1)
    rubrics: list[str] = Field(min_length=1)
    content_notes: list[str] = Field(default_factory=list)
    persona: Persona
    start: str
    max_turns: int = Field(14, ge=1, le=100)
    rapport: Rapport = Rapport()
    rupture: str = Field(description="the ending state a broken rapport leads to")
    turn_limit: str = Field(
        "We're out of time for today.",
        min_length=1,
        description="what the client says when the turn limit is reached",
    )
    states: dict[str, State] = Field(min_length=2, max_length=MAX_STATES)

    @field_validator("states")
    @classmethod
    def _state_ids(cls, states: dict[str, State]) -> dict[str, State]:
        for key in states:
            if not re.match(ID, str(key)):
                raise ValueError(f"state id {key!r}: use lowercase letters, digits, _ and -")
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
    ending) and the codes and families named in conditions exist. Errors name line and field."""
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
    families = {info.family for info in codes.codes.values()}
    names = ", ".join(list(states)[:20]) + (
        f", … ({len(states)} in all)" if len(states) > 20 else ""
    )
    for sid, state in states.items():
        for i, t in enumerate(state.transitions):
            where = ("states", sid, "transitions", i)
            if t.to not in states:
                out.append(doc.error(f"no state {t.to!r} (states: {names})", where + ("to",)))
            if len(out) >= MAX_PROBLEMS:
                return out
            if t.when is None:
                continue
            for j, code in enumerate(t.when.code):
                if code not in codes.codes:
                    out.append(
                        doc.error(
                            f"unknown code {code!r} (codes: {', '.join(codes.codes)})",
                            where + ("when", "code", j),
                        )
                    )
            for j, fam in enumerate(t.when.family):
                if fam not in families:
                    out.append(
                        doc.error(
                            f"unknown family {fam!r} (families: {', '.join(sorted(families))})",
                            where + ("when", "family", j),
                        )
                    )
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


MAX_PROBLEMS = 100  # problems reported for one scenario; the rest follow once these are fixed


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
