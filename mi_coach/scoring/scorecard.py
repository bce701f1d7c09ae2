"""Rubrics and the scorecard. Pure logic: records in, records out.

A rubric (YAML in rubrics/) is a list of criteria. Each criterion has a kind, and the engine knows
kinds, never criteria:

- ratio:   count of `numerator` behaviours / count of `denominator` behaviours (R:Q); with no
           denominator behaviours it is counted as if there were one (MITI gives no ratio then,
           and a finite figure keeps transcripts valid JSON).
- share:   count of `of` behaviours / count of `within` behaviours (% complex reflections).
- count:   how many behaviours of the selected codes/families the session holds.
- cue:     in how many turns the trainee's words hold a language cue (regular expressions);
           `direction: higher` wants it present, `lower` wants it absent.
- talk_response: an estimate on MITI's 1–5 global scale of how the trainee answered the
           client's tagged talk (change talk → Cultivating Change Talk; sustain talk and discord
           → Softening Sustain Talk): 1 + 4 × share of answers that are `good`, minus the share
           that are `poor`, kept within 1–5.

Behaviour counts use every behaviour found in a turn (`codes`), as MITI coders count them.
A criterion whose measure has nothing to count (no questions for R:Q) is "n/a" and left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from mi_coach.base import saferegex
from mi_coach.base.errors import MiCoachError
from mi_coach.base.loading import YamlDoc, builtin_dir, load_yaml, validate
from mi_coach.base.paths import folders

Status = Literal["good", "fair", "below", "n/a"]
POINTS = {"good": 1.0, "fair": 0.6, "below": 0.2}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Select(_Strict):
    """Behaviours chosen by code or by family (either is enough)."""

    code: list[str] = Field(default_factory=list)
    family: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _some(self) -> Select:
        if not (self.code or self.family):
            raise ValueError("name at least one code or family")
        return self

    def has(self, code: str, family_of: dict[str, str]) -> bool:
        return code in self.code or family_of.get(code) in self.family


class Feedback(_Strict):
    good: str
    fair: str
    below: str


def _cue_pattern(item: str) -> str:
    """A cue pattern SafePattern can match (lookaround, back-references and huge repetitions
    are refused here; catastrophic shapes by cue_problems, in `mi-coach validate`)."""
    try:
        saferegex.SafePattern(item, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression {item!r}: {exc}") from None
    except saferegex.Unsupported as exc:
        raise ValueError(f"{exc} are not supported in cue patterns: {item!r}") from None
    except (OverflowError, RecursionError):
        raise ValueError(
            f"the pattern is too large once its repetitions are written out: {item!r}"
        ) from None
    return item


CuePattern = Annotated[str, Field(max_length=5_000), AfterValidator(_cue_pattern)]


class CueExamples(_Strict):
    match: list[str] = Field(min_length=1)
    no_match: list[str] = Field(min_length=1)


class Criterion(_Strict):
    kind: Literal["ratio", "share", "count", "cue", "talk_response"]
    label: str
    direction: Literal["higher", "lower"] = "higher"
    # thresholds in the measure's units: a ratio, a share, a count of turns, a 1-5 estimate
    fair: float = Field(ge=0, le=10_000)
    good: float = Field(ge=0, le=10_000)
    weight: float = Field(1.0, gt=0, le=100)
    feedback: Feedback
    practise: str = Field(description="what to practise next when this criterion is weakest")
    summary: bool = Field(False, description="shown in the MITI summary table of the scorecard")
    # ratio
    numerator: Select | None = None
    denominator: Select | None = None
    # share
    of: Select | None = None
    within: Select | None = None
    # count
    behaviours: Select | None = None
    # cue
    patterns: list[CuePattern] = Field(default_factory=list, max_length=100)
    examples: CueExamples | None = None
    # talk_response
    talk: list[Literal["change", "sustain", "neutral", "discord"]] = Field(default_factory=list)
    answered_well: Select | None = None
    answered_poorly: Select | None = None

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Criterion:
        need = {
            "ratio": ("numerator", "denominator"),
            "share": ("of", "within"),
            "count": ("behaviours",),
            "cue": ("patterns", "examples"),
            "talk_response": ("talk", "answered_well"),
        }[self.kind]
        missing = [n for n in need if not getattr(self, n)]
        if missing:
            raise ValueError(f"a {self.kind} criterion needs {', '.join(missing)}")
        ordered = self.good >= self.fair if self.direction == "higher" else self.good <= self.fair
        if not ordered:
            raise ValueError(
                f"with direction {self.direction}, `good` must be "
                f"{'at least' if self.direction == 'higher' else 'at most'} `fair`"
            )
        return self

    def regex(self) -> saferegex.SafePattern:
        """The cue patterns as one pattern matched in linear time (`.search(text)` -> bool)."""
        return _cue_regex(tuple(self.patterns))


@cache
def _cue_regex(patterns: tuple[str, ...]) -> saferegex.SafePattern:
    return saferegex.SafePattern("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


class Rubric(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    description: str
    source: str = Field(description="where the criteria come from")
    criteria: dict[str, Criterion] = Field(min_length=1)


class TurnLike(Protocol):
    n: int
    response: str
    code: str
    codes: list[str]

    @property
    def client(self) -> Any: ...


@dataclass(frozen=True)
class CriterionScore:
    id: str
    label: str
    kind: str
    value: float | None
    status: Status
    fair: float
    good: float
    direction: str
    weight: float
    feedback: str
    practise: str
    summary: bool
    turns: tuple[int, ...] = ()  # turns that count towards (cue) or against it

    def as_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class RubricScore:
    id: str
    title: str
    score: float | None  # 0-100, None when no criterion applied
    criteria: tuple[CriterionScore, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "score": self.score,
            "criteria": [c.as_dict() for c in self.criteria],
        }


def format_value(c: CriterionScore) -> str:
    """A criterion's measured value as people read it: 2.0:1, 45%, 3.4, 2."""
    if c.value is None:
        return "n/a"
    if c.kind == "ratio":
        return f"{c.value:.1f}:1"
    if c.kind == "share":
        return f"{c.value:.0%}"
    if c.kind == "talk_response":
        return f"{c.value:.1f}"
    return f"{c.value:.0f}"


def format_threshold(c: CriterionScore, x: float, sign: bool = False) -> str:
    """A threshold in the criterion's units, with ≥ or ≤ in front when `sign`."""
    prefix = ("\u2264 " if c.direction == "lower" else "\u2265 ") if sign else ""
    if c.kind == "ratio":
        return f"{prefix}{x:g}:1"
    if c.kind == "share":
        return f"{prefix}{x:.0%}"
    return f"{prefix}{x:g}"


def _status(value: float | None, c: Criterion) -> Status:
    if value is None:
        return "n/a"
    if c.direction == "higher":
        return "good" if value >= c.good else "fair" if value >= c.fair else "below"
    return "good" if value <= c.good else "fair" if value <= c.fair else "below"


def measure(
    c: Criterion, turns: Sequence[TurnLike], family_of: dict[str, str]
) -> tuple[float | None, tuple[int, ...]]:
    """The criterion's raw value on these turns, and the turns that bear on it."""

    def count(sel: Select) -> tuple[int, list[int]]:
        hits = [t.n for t in turns for code in t.codes if sel.has(code, family_of)]
        return len(hits), hits

    if c.kind == "ratio":
        num, where = count(c.numerator)  # type: ignore[arg-type]
        den, _ = count(c.denominator)  # type: ignore[arg-type]
        return (num / max(den, 1) if num or den else None), tuple(where)
    if c.kind == "share":
        part, where = count(c.of)  # type: ignore[arg-type]
        whole, _ = count(c.within)  # type: ignore[arg-type]
        return (part / whole if whole else None), tuple(where)
    if c.kind == "count":
        n, where = count(c.behaviours)  # type: ignore[arg-type]
        return float(n), tuple(sorted(set(where)))
    if c.kind == "cue":
        rx = c.regex()
        where = []
        for t in turns:
            try:
                if rx.search(t.response):
                    where.append(t.n)
            except saferegex.TooCostly:
                raise MiCoachError(
                    f"the cue patterns of {c.label!r} are too costly to run on turn {t.n}; "
                    "simplify them (`mi-coach validate` checks a rubric)"
                ) from None
        return float(len(where)), tuple(where)
    # talk_response
    answered = [t for t in turns if getattr(t.client, "talk", None) in c.talk]
    if not answered:
        return None, ()
    good = [t for t in answered if c.answered_well.has(t.code, family_of)]  # type: ignore[union-attr]
    poor = [
        t
        for t in answered
        if c.answered_poorly is not None and c.answered_poorly.has(t.code, family_of)
    ]
    est = 1 + 4 * len(good) / len(answered) - 4 * len(poor) / len(answered)
    return round(max(1.0, min(5.0, est)), 2), tuple(t.n for t in poor)


def score_rubric(
    rubric: Rubric, turns: Sequence[TurnLike], family_of: dict[str, str]
) -> RubricScore:
    out = []
    for cid, c in rubric.criteria.items():
        value, where = measure(c, turns, family_of)
        status = _status(value, c)
        fb = "" if status == "n/a" else getattr(c.feedback, status)
        out.append(
            CriterionScore(
                cid,
                c.label,
                c.kind,
                value,
                status,
                c.fair,
                c.good,
                c.direction,
                c.weight,
                fb,
                c.practise,
                c.summary,
                where,
            )
        )
    applied = [s for s in out if s.status != "n/a"]
    total = sum(s.weight for s in applied)
    score = (
        round(100 * sum(POINTS[s.status] * s.weight for s in applied) / total) if total else None
    )
    return RubricScore(rubric.id, rubric.title, score, tuple(out))


# -- loading ------------------------------------------------------------------------------------


def rubric_dirs() -> list[Path]:
    return [d for d, _ in folders(builtin_dir("rubrics"), "MI_COACH_RUBRICS", "rubrics")]


def load_rubric_file(
    path: str | Path, codes: Any = None, builtin: bool = False
) -> tuple[Rubric, YamlDoc]:
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        raise doc.error("a rubric file is a mapping (id, title, description, source, criteria)")
    rubric = validate(doc, Rubric)
    # the built-in rubrics' cue shapes are checked by the test suite, not at every start
    found = (cue_problems(rubric, doc) if not builtin else []) or rubric_problems(
        rubric, doc, codes
    )
    if found:
        raise found[0]
    return rubric, doc


def cue_problems(rubric: Rubric, doc: YamlDoc) -> list[MiCoachError]:
    """Cue patterns whose shape would make a backtracking matcher slow (nested quantifiers,
    alternatives matching the same text under a quantifier, neighbouring quantifiers over the
    same characters), each naming file, line and field. mi-coach matches cues in linear time
    anyway; the check keeps such patterns out of files that other tools may read."""
    out = []
    for cid, c in rubric.criteria.items():
        for j, pattern in enumerate(c.patterns):
            problem = saferegex.shape_problem(pattern, re.IGNORECASE)
            if problem is not None:
                out.append(doc.error(problem, ("criteria", cid, "patterns", j)))
    return out


def rubric_problems(rubric: Rubric, doc: YamlDoc, codes: Any = None) -> list[MiCoachError]:
    """Codes and families exist; every cue example matches (or not) as it says."""
    if codes is None:
        from mi_coach.coding.ruleset import load_codes

        codes = load_codes()
    out = []
    families = {i.family for i in codes.codes.values()}
    for cid, c in rubric.criteria.items():
        for part in (
            "numerator",
            "denominator",
            "of",
            "within",
            "behaviours",
            "answered_well",
            "answered_poorly",
        ):
            sel = getattr(c, part)
            if sel is None:
                continue
            for j, code in enumerate(sel.code):
                if code not in codes.codes:
                    out.append(
                        doc.error(f"unknown code {code!r}", ("criteria", cid, part, "code", j))
                    )
            for j, fam in enumerate(sel.family):
                if fam not in families:
                    out.append(
                        doc.error(f"unknown family {fam!r}", ("criteria", cid, part, "family", j))
                    )
        if c.examples is not None:
            rx = c.regex()
            for j, ex in enumerate(c.examples.match):
                if not rx.search(ex):
                    out.append(
                        doc.error(
                            f"example {ex!r} does not match the patterns",
                            ("criteria", cid, "examples", "match", j),
                        )
                    )
            for j, ex in enumerate(c.examples.no_match):
                if rx.search(ex):
                    out.append(
                        doc.error(
                            f"example {ex!r} matches the patterns but should not",
                            ("criteria", cid, "examples", "no_match", j),
                        )
                    )
    return out


def load_rubrics() -> dict[str, Rubric]:
    """Every rubric by id: the built-ins, MI_COACH_RUBRICS and content folders' rubrics/."""
    return _load_rubrics(tuple(rubric_dirs()))


@cache
def _load_rubrics(dirs: tuple[Path, ...]) -> dict[str, Rubric]:
    found: dict[str, tuple[Rubric, str]] = {}
    builtin = builtin_dir("rubrics")
    for folder in dirs:
        if not folder.is_dir():
            raise MiCoachError("rubric folder not found", path=str(folder))
        for path in sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml")):
            rubric, doc = load_rubric_file(path, builtin=folder == builtin)
            if rubric.id in found:
                raise doc.error(
                    f"rubric id {rubric.id!r} is already used by {found[rubric.id][1]}", ("id",)
                )
            found[rubric.id] = (rubric, str(path))
    return {k: v[0] for k, v in found.items()}


# -- the scorecard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Moment:
    n: int
    client: str
    response: str
    code: str
    note: str
    better: str | None = None


@dataclass(frozen=True)
class Scorecard:
    rubrics: tuple[RubricScore, ...]
    counts: dict[str, int]
    best: Moment | None
    missed: Moment | None
    practise: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rubrics": [r.as_dict() for r in self.rubrics],
            "counts": self.counts,
            "best_moment": self.best.__dict__ if self.best else None,
            "biggest_missed_chance": self.missed.__dict__ if self.missed else None,
            "practise_next": self.practise,
        }


def scorecard(
    turns: Sequence[Any],
    rubric_ids: Sequence[str],
    codes: Any,
    rubrics: dict[str, Rubric] | None = None,
) -> Scorecard:
    """Score a session's turns against the named rubrics (the `mi` rubric always comes first)."""
    rubrics = rubrics if rubrics is not None else load_rubrics()
    family_of = {c: i.family for c, i in codes.codes.items()}
    ids = list(dict.fromkeys(["mi", *rubric_ids])) if "mi" in rubrics else list(rubric_ids)
    unknown = [r for r in ids if r not in rubrics]
    if unknown:
        raise MiCoachError(
            f"unknown rubric(s) {', '.join(unknown)} (known: {', '.join(sorted(rubrics))})"
        )
    turns = [t.effective(family_of) if hasattr(t, "effective") else t for t in turns]
    scored = tuple(score_rubric(rubrics[r], turns, family_of) for r in ids)
    counts: dict[str, int] = {}
    for t in turns:
        for code in t.codes:
            counts[code] = counts.get(code, 0) + 1
    return Scorecard(scored, counts, _best(turns, family_of), _missed(turns), _practise(scored))


def _best(turns: Sequence[Any], family_of: dict[str, str]) -> Moment | None:
    """The turn that did most for the client: the biggest rapport gain, then a reflection of
    change talk, then the earliest."""
    good = [
        t
        for t in turns
        if family_of.get(t.code) not in ("mi_non_adherent",)
        and t.rapport_after is not None
        and t.rapport_before is not None
        and t.rapport_after > t.rapport_before
    ]
    if not good:
        return None
    rank = {"complex_reflection": 3, "affirm": 2, "simple_reflection": 1, "open_question": 1}
    t = max(
        good,
        key=lambda t: (
            t.rapport_after - t.rapport_before,
            t.client.talk == "change",
            rank.get(t.code, 0),
            -t.n,
        ),
    )
    return Moment(
        t.n,
        t.client.text,
        t.response,
        t.code,
        f"rapport {t.rapport_before} → {t.rapport_after}; the client thought: "
        f"\u201c{t.client.thought}\u201d",
    )


def _missed(turns: Sequence[Any]) -> Moment | None:
    """The costliest turn: a non-adherent response or a missed chance, the biggest rapport loss
    first."""
    cand = [t for t in turns if t.better is not None]
    if not cand:
        return None
    t = min(
        cand,
        key=lambda t: ((t.rapport_after or 0) - (t.rapport_before or 0), not t.missed_chance, t.n),
    )
    why = (t.missed_note if t.missed_chance else None) or t.feedback or "MI-non-adherent"
    return Moment(t.n, t.client.text, t.response, t.code, why, t.better)


def _practise(scored: Sequence[RubricScore]) -> list[str]:
    """What to practise next: the weakest criteria first (below before fair, heavier first)."""
    weak = [c for r in scored for c in r.criteria if c.status in ("below", "fair")]
    weak.sort(key=lambda c: (c.status != "below", -c.weight))
    return list(dict.fromkeys(c.practise for c in weak))[:3]
