"""Pydantic records: classifier rules and code tables (validated at load), and results.

Results (Tag, Classification) are small immutable records; renderers and exporters read only these.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from mi_coach.base.model import Strict
from mi_coach.coding import regex_cache

RuleKind = Literal["phrase", "token", "dependency", "regex"]


def regex(pattern: str) -> re.Pattern[str]:
    """Compile once per process, and from the code cached by earlier runs when there is one: the
    load-time check and the engine share the compiled pattern (compiling the rules' regular
    expressions was most of the classifier's start-up; see regex_cache)."""
    return regex_cache.compile(pattern)


def _check_regex(pattern: str) -> None:
    """A pattern that uses a lexicon ({@name}) is checked after expansion, by the engine."""
    if "{@" in pattern:
        return
    try:
        regex(pattern)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression {pattern!r}: {exc}") from None


class CodeInfo(Strict):
    family: str
    annomi: Literal["question", "reflection", "therapist_input", "other"]
    label: str
    summary: str


class CodeTable(Strict):
    """The twelve codes, their families, and how a turn's primary code is chosen."""

    default: str
    precedence: list[str | list[str]]
    codes: dict[str, CodeInfo]

    @model_validator(mode="after")
    def _consistent(self) -> CodeTable:
        names = set(self.codes)
        if self.default not in names:
            raise ValueError(f"default code {self.default!r} is not one of the codes")
        listed = [c for tier in self.tiers() for c in tier]
        if sorted(listed) != sorted(names):
            missing = names - set(listed)
            extra = set(listed) - names
            raise ValueError(
                f"precedence must list every code once (missing {sorted(missing)}, "
                f"unknown {sorted(extra)})"
            )
        return self

    def tiers(self) -> list[list[str]]:
        return [[t] if isinstance(t, str) else list(t) for t in self.precedence]

    def family(self, code: str) -> str:
        return self.codes[code].family

    def primary(self, weights: dict[str, int]) -> str:
        """The primary code among those present (weights: characters each code covers)."""
        for tier in self.tiers():
            present = [c for c in tier if c in weights]
            if present:
                return max(present, key=lambda c: (weights[c], -tier.index(c)))
        return self.default


class Example(Strict):
    text: str
    client: str | None = None


ExampleIn = str | Example


class Examples(Strict):
    match: list[ExampleIn] = Field(min_length=1)
    no_match: list[ExampleIn] = Field(min_length=1)

    @staticmethod
    def _as_example(item: ExampleIn) -> Example:
        return item if isinstance(item, Example) else Example(text=item)

    def matches(self) -> list[Example]:
        return [self._as_example(e) for e in self.match]

    def non_matches(self) -> list[Example]:
        return [self._as_example(e) for e in self.no_match]


class Rule(Strict):
    """One classifier rule. The engine knows the kinds and conditions, never a rule or a code."""

    id: str
    kind: RuleKind
    code: str
    pattern: Any
    priority: int = Field(50, ge=0, le=100)
    refines: list[str] = Field(default_factory=list)
    scope: Literal["sentence", "turn"] = "sentence"
    novel: bool = False
    echo: float | None = Field(None, gt=0, le=1)
    novelty: float | None = Field(None, gt=0, le=1)
    min_words: int = Field(0, ge=0)
    whole_sentence: bool = False
    skip_reported: bool = False
    client: str | None = None
    unless: str | None = None
    feedback: str
    alternative: str | None = None
    why: str | None = None  # where the rule comes from (MITI 4.2.1, a seed text), in words
    examples: Examples

    @property
    def provenance(self) -> str:
        """The section of the coding manual the rule implements: its code's definition."""
        return f"docs/CODES.md#{self.code}"

    @field_validator("client", "unless")
    @classmethod
    def _client_regex(cls, value: str | None) -> str | None:
        if value is not None:
            _check_regex(value)
        return value

    @field_validator("pattern")
    @classmethod
    def _pattern_fits_kind(cls, p: Any, info: Any) -> Any:
        kind = info.data.get("kind")
        if kind == "phrase":
            items = [p] if isinstance(p, str) else p
            if not (
                isinstance(items, list)
                and items
                and all(isinstance(x, str) and x.strip() for x in items)
            ):
                raise ValueError("a phrase rule's pattern is a phrase or a list of phrases")
        elif kind == "regex":
            items = p if isinstance(p, list) else [p]
            if not items or not all(isinstance(x, str) for x in items):
                raise ValueError("a regex rule's pattern is a regular expression or a list of them")
            for item in items:
                _check_regex(item)
        elif kind == "token":
            alts = p if isinstance(p, list) and p and isinstance(p[0], list) else [p]
            if not all(
                isinstance(a, list) and a and all(isinstance(t, dict) for t in a) for a in alts
            ):
                raise ValueError(
                    "a token rule's pattern is a list of token specs such as "
                    "{LOWER: you} (or a list of such lists)"
                )
        elif kind == "dependency" and not (
            isinstance(p, list) and p and all(isinstance(t, dict) for t in p)
        ):
            raise ValueError(
                "a dependency rule's pattern is a list of node specs "
                "(RIGHT_ID, RIGHT_ATTRS, LEFT_ID, REL_OP)"
            )
        return p

    def patterns(self) -> list[Any]:
        """The pattern as a list of alternatives, whatever shape the YAML used."""
        p = self.pattern
        if self.kind in ("phrase", "regex"):
            return p if isinstance(p, list) else [p]
        if self.kind == "token":
            return p if isinstance(p[0], list) else [p]
        return [p]


class Tag(Strict):
    """One rule firing: which rule, the code it signals, and where (character offsets)."""

    rule: str
    code: str
    start: int
    end: int
    match: str


class SentenceResult(Strict):
    start: int
    end: int
    text: str
    code: str
    tags: tuple[Tag, ...]


class Classification(Strict):
    """A classified response: every behaviour found, one primary code, and the evidence."""

    text: str
    client: str | None
    code: str
    family: str
    codes: tuple[str, ...]
    evidence: tuple[Tag, ...]
    fired: tuple[Tag, ...]
    sentences: tuple[SentenceResult, ...]
    degraded: bool = False
    # How sure the coder is of `code` (calibrated: of the responses given a confidence near 0.8,
    # about 80% are coded right), and the likeliest other code. None only before the arbiter has
    # combined the rules' reading with the model's (see coding/arbiter.py).
    confidence: float | None = None
    runner_up: str | None = None
    decided_by: Literal["rules", "model"] = "rules"
    arbiter: bool = False  # whether the learned arbiter took part (False: rules only)

    def wire(self) -> dict[str, Any]:
        """The stable public JSON shape (documented in README: `classify --format jsonl`)."""
        return {
            "text": self.text,
            "code": self.code,
            "family": self.family,
            "codes": list(self.codes),
            "evidence": [
                {"rule": t.rule, "code": t.code, "start": t.start, "end": t.end, "match": t.match}
                for t in self.evidence
            ],
            "confidence": self.confidence,
            "runner_up": self.runner_up,
            "decided_by": self.decided_by,
            "arbiter": self.arbiter,
        }
