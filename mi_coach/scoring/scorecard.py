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
           A cue may also count turns by their codes (`or_when`): a turn coded `affirm` names a
           strength whatever its words; `giving_information` answering "what happens next?" says
           what happens next. So a cue never says "none" of a turn its codes show.
- talk_response: an estimate on MITI's 1–5 global scale of how the trainee answered the
           client's talk (change talk → Cultivating Change Talk; sustain talk and discord
           → Softening Sustain Talk): 1 + 4 × share of answers that are `good`, minus the share
           that are `poor`, kept within 1–5.
- estimate: one of MITI's four global scores as mi-coach estimates them
           (mi_coach.scoring.evidence.estimates): cultivating_change_talk, softening_sustain_talk,
           partnership, empathy.

Every kind reads the turns as summaries count them (mi_coach.scoring.evidence.TurnView): a
supervisor's codes where there are any. Ratio and share criteria count secondary codes only when
the coder is sure of the turn, and every question always (MITI tallies every question); counts
and cues use every behaviour found, as MITI coders count.
A criterion whose measure has nothing to count (no questions for R:Q) is "n/a" and left out.

`scorecard` is the one scoring path: the practice scorecard, `review`, every export and
`progress` come from it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from mi_coach.base import saferegex
from mi_coach.base.errors import MiCoachError
from mi_coach.base.loading import YamlDoc, builtin_dir, load_yaml, validate
from mi_coach.base.model import Strict
from mi_coach.base.paths import folders
from mi_coach.scoring.evidence import (
    Select,
    TurnView,
    any_of,
    check_regexes,
    estimates,
    load_verdict_data,
    summary_numbers,
    views,
)
from mi_coach.scoring.verdict import Moment, Overall, best_moment, missed_chance, overall

__all__ = ["Moment", "Overall", "Select", "TurnView"]

Status = Literal["good", "fair", "below", "n/a"]
POINTS = {"good": 1.0, "fair": 0.6, "below": 0.2}


class When(Strict):
    """A turn a cue counts by its codes or context: every part given must hold (codes by `code` or
    `family`; the client's line matching `client`; the response matching `response`; with
    `unasked: true`, the turn is input nobody asked for, patterns/verdict.yml: permission_codes)."""

    code: list[str] = Field(default_factory=list)
    family: list[str] = Field(default_factory=list)
    client: list[str] = Field(default_factory=list)
    response: list[str] = Field(default_factory=list)
    unasked: bool = False

    @field_validator("client", "response")
    @classmethod
    def _regexes(cls, items: list[str]) -> list[str]:
        return check_regexes(items)

    @model_validator(mode="after")
    def _some(self) -> When:
        if not (self.code or self.family or self.client or self.response or self.unasked):
            raise ValueError(
                "name a code, a family, client patterns, response patterns or unasked: true"
            )
        return self

    def holds(self, t: TurnView, family_of: dict[str, str], primary: bool = False) -> bool:
        """Whether the turn fits (with `primary`, its codes means its primary code alone)."""
        if self.unasked and not t.unasked:
            return False
        codes = (t.code,) if primary else t.codes
        if (self.code or self.family) and not any(
            c in self.code or family_of.get(c) in self.family for c in codes
        ):
            return False
        if self.client and not (t.client_text and _rx(tuple(self.client)).search(t.client_text)):
            return False
        return not (self.response and not _rx(tuple(self.response)).search(t.response))


@cache
def _rx(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return any_of(patterns)


class Feedback(Strict):
    good: str
    fair: str
    below: str
    # n/a: the session holds no evidence either way (a cue with `contrary`, nothing matched)
    not_observed: str | None = None


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


class CueExamples(Strict):
    match: list[str] = Field(min_length=1)
    no_match: list[str] = Field(min_length=1)


class Contrary(Strict):
    """What the opposite of a cue looks like (goals framed as things to avoid, for a cue that
    wants goals framed positively): a cue with `contrary` is judged only on evidence. Neither it
    nor its contrary in the session: n/a, "not observed"; only the contrary: below."""

    patterns: list[CuePattern] = Field(default_factory=list, max_length=100)
    examples: CueExamples | None = None
    or_when: list[When] = Field(default_factory=list)

    @model_validator(mode="after")
    def _some(self) -> Contrary:
        if not (self.patterns or self.or_when):
            raise ValueError("name patterns (with examples) or or_when entries")
        if self.patterns and self.examples is None:
            raise ValueError("contrary patterns need examples")
        return self

    def regex(self) -> saferegex.SafePattern:
        return _cue_regex(tuple(self.patterns))


class Criterion(Strict):
    kind: Literal["ratio", "share", "count", "cue", "talk_response", "estimate"]
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
    or_when: list[When] = Field(default_factory=list)
    # words that count only on a turn whose primary code fits no `not_when` entry: "you need to"
    # in a reflection gives the client's words back ("you need to be at the hall"), it orders
    # nothing; the words in `patterns` count on any turn (the coder may miss a threat)
    soft_patterns: list[CuePattern] = Field(default_factory=list, max_length=100)
    not_when: list[When] = Field(default_factory=list)
    contrary: Contrary | None = None
    # talk_response
    talk: list[Literal["change", "sustain", "neutral", "discord"]] = Field(default_factory=list)
    answered_well: Select | None = None
    answered_poorly: Select | None = None
    # estimate
    estimate: (
        Literal["cultivating_change_talk", "softening_sustain_talk", "partnership", "empathy"]
        | None
    ) = None

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Criterion:
        need = {
            "ratio": ("numerator", "denominator"),
            "share": ("of", "within"),
            "count": ("behaviours",),
            "cue": ("patterns", "examples") if self.patterns or not self.or_when else (),
            "talk_response": ("talk", "answered_well"),
            "estimate": ("estimate",),
        }[self.kind]
        missing = [n for n in need if not getattr(self, n)]
        if missing:
            raise ValueError(f"a {self.kind} criterion needs {', '.join(missing)}")
        if (self.or_when or self.contrary or self.soft_patterns) and self.kind != "cue":
            raise ValueError("only a cue criterion takes or_when, soft_patterns and contrary")
        if bool(self.soft_patterns) != bool(self.not_when):
            raise ValueError("soft_patterns and not_when go together")
        if self.contrary and self.direction != "higher":
            raise ValueError(
                "contrary is for a cue that wants its words present (direction higher)"
            )
        ordered = self.good >= self.fair if self.direction == "higher" else self.good <= self.fair
        if not ordered:
            raise ValueError(
                f"with direction {self.direction}, `good` must be "
                f"{'at least' if self.direction == 'higher' else 'at most'} `fair`"
            )
        return self

    def regex(self) -> saferegex.SafePattern:
        """The cue patterns (with the soft ones) as one pattern matched in linear time, as the
        examples are checked (`.search(text)` -> bool)."""
        return _cue_regex(tuple(self.patterns + self.soft_patterns))

    def soft_regex(self) -> saferegex.SafePattern | None:
        return _cue_regex(tuple(self.soft_patterns)) if self.soft_patterns else None


@cache
def _cue_regex(patterns: tuple[str, ...]) -> saferegex.SafePattern:
    return saferegex.SafePattern("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


class Rubric(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    description: str
    source: str = Field(description="where the criteria come from")
    criteria: dict[str, Criterion] = Field(min_length=1)


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
    # the value as people read it when the number alone would mislead: reflections with no
    # question are "3:0", not the "3.0:1" the ratio is scored as
    shown: str | None = None

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
    if c.shown is not None:
        return c.shown
    if c.kind == "ratio":
        return f"{c.value:.1f}:1"
    if c.kind == "share":
        return f"{c.value:.0%}"
    if c.kind in ("talk_response", "estimate"):
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
    c: Criterion,
    turns: Sequence[Any],
    family_of: dict[str, str],
    est: dict[str, float | None] | None = None,
) -> tuple[float | None, tuple[int, ...]]:
    """The criterion's raw value on these turns, and the turns that bear on it."""
    vs = views(turns, family_of)

    def count(sel: Select, counted: bool = False) -> tuple[int, list[int]]:
        hits = [
            v.n
            for v in vs
            for code in (v.counted if counted else v.codes)
            if sel.has(code, family_of)
        ]
        return len(hits), hits

    if c.kind == "ratio":
        (num, where), (den, _) = _ratio_counts(c, vs, family_of)
        # a turn with two questions counts twice, but is one turn to look at
        return (num / max(den, 1) if num or den else None), tuple(sorted(set(where)))
    if c.kind == "share":
        part, where = count(c.of, True)  # type: ignore[arg-type]
        whole, _ = count(c.within, True)  # type: ignore[arg-type]
        return (part / whole if whole else None), tuple(sorted(set(where)))
    if c.kind == "count":
        n, where = count(c.behaviours)  # type: ignore[arg-type]
        return float(n), tuple(where)
    if c.kind == "cue":
        hard = _cue_regex(tuple(c.patterns)) if c.patterns else None
        where = _cue_turns(c.label, hard, c.or_when, vs, family_of, c.soft_regex(), c.not_when)
        if c.contrary is not None and not where:
            k = c.contrary
            against = _cue_turns(
                c.label, k.regex() if k.patterns else None, k.or_when, vs, family_of
            )
            # no evidence either way: not observed, left out of the score
            return (0.0, tuple(against)) if against else (None, ())
        return float(len(where)), tuple(where)
    if c.kind == "estimate":
        est = est if est is not None else estimates(vs, family_of)
        value = est.get(c.estimate or "")
        return value, ()
    # talk_response
    answered = [v for v in vs if v.talk in c.talk]
    if not answered:
        return None, ()
    good = [v for v in answered if c.answered_well.has(v.code, family_of)]  # type: ignore[union-attr]
    poor = [
        v
        for v in answered
        if c.answered_poorly is not None and c.answered_poorly.has(v.code, family_of)
    ]
    est_ = 1 + 4 * len(good) / len(answered) - 4 * len(poor) / len(answered)
    return round(max(1.0, min(5.0, est_)), 2), tuple(v.n for v in poor)


def _cue_turns(
    label: str,
    rx: saferegex.SafePattern | None,
    or_when: Sequence[When],
    vs: Sequence[TurnView],
    family_of: dict[str, str],
    soft: saferegex.SafePattern | None = None,
    not_when: Sequence[When] = (),
) -> list[int]:
    """The turns whose words match `rx`, or `soft` on a turn whose primary code fits no
    `not_when` entry, or that fit an `or_when` entry."""
    where = []
    for v in vs:
        try:
            hit = rx is not None and rx.search(v.response)
            if not hit and soft is not None and soft.search(v.response):
                hit = not any(w.holds(v, family_of, primary=True) for w in not_when)
        except saferegex.TooCostly:
            raise MiCoachError(
                f"the cue patterns of {label!r} are too costly to run on turn {v.n}; "
                "simplify them (`mi-coach validate` checks a rubric)"
            ) from None
        if hit or any(w.holds(v, family_of) for w in or_when):
            where.append(v.n)
    return where


def _ratio_counts(
    c: Criterion, vs: Sequence[Any], family_of: dict[str, str]
) -> tuple[tuple[int, list[int]], tuple[int, list[int]]]:
    """A ratio's numerator and denominator behaviours: how many, and in which turns."""

    def count(sel: Select) -> tuple[int, list[int]]:
        hits = [v.n for v in vs for code in v.counted if sel.has(code, family_of)]
        return len(hits), hits

    return count(c.numerator), count(c.denominator)  # type: ignore[arg-type]


def score_rubric(
    rubric: Rubric,
    turns: Sequence[Any],
    family_of: dict[str, str],
    est: dict[str, float | None] | None = None,
) -> RubricScore:
    vs = views(turns, family_of)
    out = []
    for cid, c in rubric.criteria.items():
        value, where = measure(c, vs, family_of, est)
        status = _status(value, c)
        shown = None
        if c.kind == "ratio" and value is not None:
            (num, _), (den, _) = _ratio_counts(c, vs, family_of)
            shown = f"{num}:0" if den == 0 else None
        fb = (c.feedback.not_observed or "") if status == "n/a" else getattr(c.feedback, status)
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
                shown,
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
        for loc, cue in _cues(cid, c):
            for j, pattern in enumerate(cue.patterns):
                problem = saferegex.shape_problem(pattern, re.IGNORECASE)
                if problem is not None:
                    out.append(doc.error(problem, (*loc, "patterns", j)))
    return out


def _cues(cid: str, c: Criterion) -> list[tuple[tuple[str, ...], Criterion | Contrary]]:
    """A criterion's cue and its contrary, each with where it sits in the file."""
    found: list[tuple[tuple[str, ...], Criterion | Contrary]] = [(("criteria", cid), c)]
    if c.contrary is not None:
        found.append((("criteria", cid, "contrary"), c.contrary))
    return found


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
        for at, cue in _cues(cid, c):
            entries = [("or_when", i, w) for i, w in enumerate(cue.or_when)]
            entries += [("not_when", i, w) for i, w in enumerate(getattr(cue, "not_when", []))]
            for key, i, w in entries:
                for j, code in enumerate(w.code):
                    if code not in codes.codes:
                        loc = (*at, key, i, "code", j)
                        out.append(doc.error(f"unknown code {code!r}", loc))
                for j, fam in enumerate(w.family):
                    if fam not in families:
                        loc = (*at, key, i, "family", j)
                        out.append(doc.error(f"unknown family {fam!r}", loc))
            if cue.examples is None:
                continue
            rx = cue.regex()
            for j, ex in enumerate(cue.examples.match):
                if not rx.search(ex):
                    out.append(
                        doc.error(
                            f"example {ex!r} does not match the patterns",
                            (*at, "examples", "match", j),
                        )
                    )
            for j, ex in enumerate(cue.examples.no_match):
                if rx.search(ex):
                    out.append(
                        doc.error(
                            f"example {ex!r} matches the patterns but should not",
                            (*at, "examples", "no_match", j),
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
class Scorecard:
    rubrics: tuple[RubricScore, ...]
    counts: dict[str, int]
    best: Moment | None
    missed: Moment | None
    practise: list[str] = field(default_factory=list)
    numbers: dict[str, Any] = field(default_factory=dict)  # summary_numbers + rubric scores
    overall: Overall | None = None
    views: tuple[TurnView, ...] = ()  # every turn as the summaries counted it

    def as_dict(self) -> dict[str, Any]:
        """The scorecard under stable keys: the session's numbers (`reflections` … `counts`,
        `rubrics` as id → score), `overall`, `rubric_criteria` (each rubric's criteria with their
        verdicts), the two moments and what to practise next. `review --format json` and the
        transcript's saved `scores` are this."""
        return {
            **self.numbers,
            "overall": self.overall.as_dict() if self.overall else None,
            "rubric_criteria": {
                r.id: {
                    "title": r.title,
                    "score": r.score,
                    "criteria": [c.as_dict() for c in r.criteria],
                }
                for r in self.rubrics
            },
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
    """Score a session's turns against the named rubrics (the `mi` rubric always comes first):
    the one function every verdict mi-coach shows comes from."""
    rubrics = rubrics if rubrics is not None else load_rubrics()
    family_of = {c: i.family for c, i in codes.codes.items()}
    labels = {c: i.label for c, i in codes.codes.items()}
    ids = list(dict.fromkeys(["mi", *rubric_ids])) if "mi" in rubrics else list(rubric_ids)
    unknown = [r for r in ids if r not in rubrics]
    if unknown:
        raise MiCoachError(
            f"unknown rubric(s) {', '.join(unknown)} (known: {', '.join(sorted(rubrics))})"
        )
    data = load_verdict_data()
    vs = views(turns, family_of, data)
    est = estimates(vs, family_of, data)
    scored = tuple(score_rubric(rubrics[r], vs, family_of, est) for r in ids)
    nums = summary_numbers(vs, codes, family_of)
    nums["rubrics"] = {r.id: r.score for r in scored}
    counts = {c: n for c, n in nums["counts"].items() if n}
    # turns a rubric's cue counts against (coercion, trauma probing...): never the best moment
    against: dict[int, tuple[str, str]] = {}
    for r in scored:
        for c in r.criteria:
            if c.kind == "cue" and c.direction == "lower" and c.status != "good":
                for n in c.turns:
                    against.setdefault(n, (c.label, c.feedback))
    return Scorecard(
        scored,
        counts,
        best_moment(vs, family_of, labels, data, against),
        missed_chance(vs, family_of, data, against),
        _practise(scored),
        nums,
        overall(vs, nums, est, data),
        tuple(vs),
    )


def _practise(scored: Sequence[RubricScore]) -> list[str]:
    """What to practise next: the weakest criteria first (below before fair, heavier first)."""
    weak = [c for r in scored for c in r.criteria if c.status in ("below", "fair")]
    weak.sort(key=lambda c: (c.status != "below", -c.weight))
    return list(dict.fromkeys(c.practise for c in weak))[:3]
