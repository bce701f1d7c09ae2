"""How scripted clients react, as data: patterns/reactions.yml (rapport by code, the reasons shown
for every rapport change, repeats, unsure codes, difficulty levels, repair, fallback lines, the
trainee's pronouns) and patterns/glossary.yml (the MI terms /help explains)."""

from __future__ import annotations

import re
from functools import cache
from typing import Annotated, Literal

from pydantic import Field, model_validator

from mi_coach.base.loading import builtin_dir, load_yaml, validate
from mi_coach.base.model import Strict
from mi_coach.coding.inputs import MAX_RESPONSE_CHARS

Talk = Literal["change", "sustain", "neutral", "discord"]
Difficulty = Literal["gentle", "standard", "hard"]
# what a response asks of the client (reactions.yml: asked): an offer or permission to say yes or no
# to, a choice between things, a yes/no question, an open question
Asked = Literal["offer", "choice", "yes_no", "open"]
DIFFICULTIES: tuple[Difficulty, ...] = ("gentle", "standard", "hard")
PRONOUN_KEYS = ("they", "them", "their", "themself", "is", "was", "has", "does", "s")
# {they}, {They}, {s} ...: every brace in a client line or thought must be one of these
PLACEHOLDER = re.compile(r"\{([A-Za-z']*)\}")


def mention_pattern_of(mentions: list[str]) -> re.Pattern[str] | None:
    if not mentions:
        return None
    words = "|".join(re.escape(m.lower()).replace(r"\ ", r"\s+") for m in mentions)
    return re.compile(rf"\b(?:{words})", re.IGNORECASE)


class NegatedMentions(Strict):
    """A mention right after a negation ("I'm not writing anything", "nobody's calling security")
    is not a mention: the trainee said the opposite. `window` words before it, in its clause."""

    words: list[str] = Field(min_length=1)
    window: int = Field(2, ge=1, le=8)
    # words that open a new clause inside a sentence: a negation before them negates something
    # else ("I don't know if the clinic is open" still mentions the clinic)
    scope_ends: list[str] = Field(default_factory=list)
    # verbs whose "n't" a typist may drop ("dont", "cant", "isnt"): the word before the "nt"
    nt_typed: list[str] = Field(default_factory=list)


_CLAUSE_END = re.compile(r"[.;:!?,]|\b(?:but|and|so|because)\b", re.IGNORECASE)
_WORDS_BEFORE = re.compile(r"[\w']+")


def mention_in(pat: re.Pattern[str] | None, text: str) -> re.Match[str] | None:
    """The first match of a mention pattern that no negation just before it turns around (the
    words in reactions.yml: negated_mentions); None when there is none."""
    if pat is None:
        return None
    neg = load_reactions().negated_mentions
    cues = {w.lower() for w in neg.words}
    for m in pat.finditer(text):
        before = text[: m.start()]
        ends = list(_CLAUSE_END.finditer(before))
        clause = before[ends[-1].end() :] if ends else before
        first = _WORDS_BEFORE.findall(m.group(0).lower())[:1]
        if first and first[0] in neg.scope_ends:  # "... you'll lose your bed" has its own subject
            return m
        last = [w.lower() for w in _WORDS_BEFORE.findall(clause)][-neg.window :]
        for j in range(len(last) - 1, -1, -1):
            if last[j] in neg.scope_ends:
                last = last[j + 1 :]
                break
        if not any(_negation(w, cues, neg.nt_typed) for w in last):
            return m
    return None


def _negation(word: str, cues: set[str], nt_typed: list[str]) -> bool:
    """A negation cue, or a verb negated with n't, typed with or without the apostrophe."""
    if word in cues or word.split("'")[0] in cues or word.endswith("n't"):
        return True
    return word.endswith("nt") and word[:-2] in nt_typed


_SENTENCE = re.compile(r"[^.!?]+[.!?]*")


def question_part(text: str) -> str:
    """The question a response asks: its sentences that end in a question mark, else its last
    sentence (typed questions often lack the mark)."""
    sentences = [x.strip() for x in _SENTENCE.findall(text) if x.strip()]
    asked = [x for x in sentences if x.endswith("?")]
    return " ".join(asked) if asked else (sentences[-1] if sentences else text)


def asked_part(text: str) -> str:
    """The words a response asks about: its question part, or all of it when the question is a
    tag on what came before ("I could call them. Okay?")."""
    part = question_part(text)
    return text if load_reactions().tag.of(part) else part


def asked_kind(code: str, text: str) -> Asked | None:
    """What a response asks of the client (reactions.yml: asked, the first kind that fits its
    code and the words of its question part), or None when it asks nothing."""
    part = asked_part(text)
    for rule in load_reactions().asked:
        if rule.codes and code not in rule.codes:
            continue
        rx = rule.regex()
        if rx is None or rx.search(part):
            return rule.kind
    return None


class Condition(Strict):
    """All given parts must hold; within `code`, `family`, `mentions` and `asked` any one is
    enough; every fact in `heard` must have been heard and none in `not_heard`."""

    code: list[str] = Field(default_factory=list)
    family: list[str] = Field(default_factory=list)
    mentions: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=500
    )
    rapport_below: int | None = Field(None, ge=0, le=11)
    rapport_at_least: int | None = Field(None, ge=0, le=10)
    words_at_most: int | None = Field(None, ge=1, le=MAX_RESPONSE_CHARS)
    words_at_least: int | None = Field(None, ge=1, le=MAX_RESPONSE_CHARS)
    heard: list[str] = Field(default_factory=list)
    not_heard: list[str] = Field(default_factory=list)
    said: list[str] = Field(
        default_factory=list,
        description="the response says something of one of these kinds: a named phrase list of "
        "patterns/reactions.yml (`phrases`, e.g. owning), matched as mentions are",
    )
    asked: list[Asked] = Field(
        default_factory=list,
        description="what the response asks of the client: offer (an offer or a permission to "
        "say yes or no to), choice (which of two things), yes_no, open (reactions.yml: asked)",
    )

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        lists = {"code", "family", "mentions", "said", "heard", "not_heard", "asked"}
        if not self.model_fields_set - lists and not (
            self.code
            or self.family
            or self.mentions
            or self.said
            or self.heard
            or self.not_heard
            or self.asked
        ):
            raise ValueError(
                "a condition needs at least one of code, family, mentions, said, asked, "
                "rapport_below, rapport_at_least, words_at_most, words_at_least, heard, "
                "not_heard (leave `when` out for the otherwise branch)"
            )
        return self

    def mention_pattern(self) -> re.Pattern[str] | None:
        return mention_pattern_of(self.mentions)

    def said_pattern(self) -> re.Pattern[str] | None:
        """The phrases of the named lists in `said` (reactions.yml: phrases), as one pattern."""
        return phrases_pattern(tuple(self.said)) if self.said else None


@cache
def phrases_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    table = load_reactions().phrases
    return mention_pattern_of([p for n in names for p in table.get(n, [])])


class Line(Strict):
    """A client line as reactions.yml gives it (scenarios extend it with memory fields)."""

    text: str = Field(min_length=1)
    talk: Talk
    thought: str = Field(min_length=1)
    after: Condition | None = Field(
        None,
        description="said only right after a response like this (code, family, words, length, "
        "rapport); a line that answers the response itself (a greeting, a permission asked, a "
        "yes/no question) or presumes what it was (silence, advice) says so here",
    )


class MissedChance(Strict):
    after_talk: list[str]
    feedback: dict[str, str] = Field(default_factory=dict)  # by talk: what the trainee is told

    @model_validator(mode="after")
    def _every_talk_has_feedback(self) -> MissedChance:
        missing = [t for t in self.after_talk if t not in self.feedback]
        if missing:
            raise ValueError(f"missed_chance.feedback needs a message for {', '.join(missing)}")
        return self


class RuptureWhy(Strict):
    severe: str
    pattern: str
    floor: str


class Reasons(Strict):
    code: str
    mentions: str
    words_at_least: str
    words_at_most: str
    rapport: str
    otherwise: str
    otherwise_plain: str
    otherwise_consistent: str
    code_missing_need: str
    repeat: str
    no_credit_twice: str
    unsure: str
    repair: str
    limit: str
    held: str
    warning: str
    pattern_warning: str
    rupture: RuptureWhy


class Consistent(Strict):
    families: list[str]
    codes: list[str]


class LongResponse(Strict):
    words_at_least: int = Field(ge=1)
    rapport: int = Field(ge=-5, le=0)
    # the client thinks of a response this long as long (thought key `long`), whatever it cost:
    # a long explanation ending in "okay?" is no "short question"
    thought_at: int = Field(40, ge=1)


class Repeat(Strict):
    min_words: int = Field(ge=1)
    rapport: int = Field(ge=-5, le=0)


class Unsure(Strict):
    below: float = Field(ge=0, le=1)
    below_same_family: float = Field(ge=0, le=1)
    rapport_floor: int = Field(ge=-5, le=0)


class Severe(Strict):
    codes: list[str]
    rapport_at_most: int = Field(le=0)


class Level(Strict):
    about: str
    severe_ends: bool
    strikes_to_end: int = Field(ge=1)
    floor_ends: bool
    warn_first: bool
    pattern_warns: bool = False


class Repair(Strict):
    families: list[str]
    codes: list[str]
    rapport: int = Field(ge=0, le=5)


class FallbackLines(Strict):
    repeated: list[Line] = Field(min_length=1)
    warnings: list[Line] = Field(min_length=1)
    circling: list[Line] = Field(min_length=1)
    thinking: list[Line] = Field(min_length=1)
    replies: list[Line] = Field(default_factory=list)
    # the last resort when a response asked something and nothing in the scenario answers it
    answers: list[Line] = Field(default_factory=list)

    @model_validator(mode="after")
    def _replies_say_what_they_answer(self) -> FallbackLines:
        if any(x.after is None for x in self.replies):
            raise ValueError("every line in replies needs `after` (the response it answers)")
        if any(x.after is None or not (x.after.asked or x.after.said) for x in self.answers):
            raise ValueError(
                "every line in answers needs `after` with `asked` or `said` (what it answers)"
            )
        return self


class AskedRule(Strict):
    """One kind of asking: a response with one of `codes` (any, when empty) whose question part
    matches one of `patterns` (always, when empty) asks this of the client."""

    kind: Asked
    codes: list[str] = Field(default_factory=list)
    patterns: list[Annotated[str, Field(min_length=1, max_length=2_000)]] = Field(
        default_factory=list
    )
    match: list[str] = Field(default_factory=list, description="question parts that fit (tests)")
    no_match: list[str] = Field(default_factory=list, description="ones that do not (tests)")

    @model_validator(mode="after")
    def _examples(self) -> AskedRule:
        if self.patterns:
            _check_examples(tuple(self.patterns), self.match, self.no_match)
        return self

    def regex(self) -> re.Pattern[str] | None:
        return _presumption_regex(tuple(self.patterns)) if self.patterns else None


class Tag(Strict):
    """A question part of `words` or fewer is a tag on what came before it ("Okay?"), unless it
    opens as `not_opening` says (a question word: "Who looks out for you?")."""

    words: int = Field(5, ge=1, le=20)
    not_opening: str | None = Field(None, min_length=1, max_length=2_000)

    @model_validator(mode="after")
    def _compiles(self) -> Tag:
        if self.not_opening is not None:
            _check_examples((self.not_opening,), [], [])
        return self

    def of(self, part: str) -> bool:
        if len(part.split()) > self.words:
            return False
        return self.not_opening is None or not re.search(self.not_opening, part, re.IGNORECASE)


class PatternSet(Strict):
    """Patterns with examples on each side of them, checked at load (the examples are tests)."""

    patterns: list[Annotated[str, Field(min_length=1, max_length=2_000)]] = Field(min_length=1)
    match: list[str] = Field(min_length=1, description="texts the patterns fit (tests)")
    no_match: list[str] = Field(min_length=1, description="texts they do not (tests)")

    @model_validator(mode="after")
    def _examples(self) -> PatternSet:
        _check_examples(tuple(self.patterns), self.match, self.no_match)
        return self

    def regex(self) -> re.Pattern[str]:
        return _presumption_regex(tuple(self.patterns))


class AnswerOpening(PatternSet):
    """First words with which a client line answers one kind of asking ("Yes." answers a yes/no
    question or an offer, "Whichever." a choice): after a response that asked something else, the
    line is not said; `mi-coach validate` refuses one whose `after` names only other kinds."""

    answers: list[Asked] = Field(min_length=1)


def answers_only(text: str) -> frozenset[str] | None:
    """The kinds of asking a client line's opening answers (reactions.yml: answer_openings), or
    None when its opening answers anything."""
    for rule in load_reactions().answer_openings:
        if rule.regex().search(text):
            return frozenset(rule.answers)
    return None


class OwningRepair(Strict):
    """A response that owns a slip (`phrases`, a named list) right after a response that cost
    rapport or counted as non-adherent gains `rapport`, unless the scenario's own transition
    already reacted to the owning (reason `owning`)."""

    phrases: list[str] = Field(min_length=1)
    rapport: int = Field(ge=0, le=5)


class Circling(Strict):
    stuck_after: int = Field(ge=1, le=20)
    rapport_below: int = Field(ge=0, le=11)


SPECIAL_REACTIONS = ("warning", "repeat", "long")


class Presumption(PatternSet):
    """Words with which a client line presumes what the trainee just did ("Honest answer?" presumes
    a question). A line whose words match must carry `after` naming one of `families` (or a code
    of one); `mi-coach validate` checks every scenario."""

    what: str = Field(min_length=1, description="what the line presumes, in words")
    families: list[str] = Field(min_length=1)


def _check_examples(patterns: tuple[str, ...], match: list[str], no_match: list[str]) -> None:
    """Patterns compile, and their examples fall on the right side of them (examples are tests)."""
    try:
        rx = _presumption_regex(patterns)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    wrong = [m for m in match if not rx.search(m)] + [m for m in no_match if rx.search(m)]
    if wrong:
        raise ValueError(f"example {wrong[0]!r} is on the wrong side of the patterns")


@cache
def _presumption_regex(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


class Reactions(Strict):
    rapport: dict[str, int]
    missed_chance: MissedChance
    show_better_after_family: list[str] = Field(default_factory=list)
    reasons: Reasons
    named_reasons: dict[str, str]
    repeat: Repeat
    consistent: Consistent
    long_response: LongResponse
    answers_by_code: list[str]
    unsure: Unsure
    severe: Severe
    strike_families: list[str]
    difficulty: dict[Difficulty, Level]
    repair: Repair
    lines: FallbackLines
    circling: Circling
    thoughts: dict[str, list[str]]
    pronouns: dict[str, dict[str, str]]
    presumes: list[Presumption] = Field(default_factory=list)
    asked: list[AskedRule] = Field(default_factory=list)
    tag: Tag = Field(default_factory=lambda: Tag())
    answer_openings: list[AnswerOpening] = Field(default_factory=list)
    phrases: dict[str, list[Annotated[str, Field(min_length=1, max_length=200)]]] = Field(
        default_factory=dict
    )
    owning_repair: OwningRepair | None = None
    negated_mentions: NegatedMentions = NegatedMentions(words=["not", "never", "no"])

    @model_validator(mode="after")
    def _complete(self) -> Reactions:
        missing = [d for d in DIFFICULTIES if d not in self.difficulty]
        if missing:
            raise ValueError(f"difficulty needs {', '.join(missing)}")
        unknown = [
            n
            for n in (self.owning_repair.phrases if self.owning_repair else [])
            if n not in self.phrases
        ]
        if unknown:
            raise ValueError(f"owning_repair.phrases: no list {unknown[0]!r}")
        if "they/them" not in self.pronouns:
            raise ValueError("pronouns needs they/them (the default)")
        for name, forms in self.pronouns.items():
            lacking = [k for k in PRONOUN_KEYS if k not in forms]
            if lacking:
                raise ValueError(f"pronouns.{name} needs {', '.join(lacking)}")
        return self


@cache
def load_reactions() -> Reactions:
    doc = load_yaml(builtin_dir("patterns") / "reactions.yml")
    return validate(doc, Reactions)


class Glossary(Strict):
    terms: dict[str, str] = Field(min_length=1)


@cache
def load_glossary() -> Glossary:
    return validate(load_yaml(builtin_dir("patterns") / "glossary.yml"), Glossary)


def bad_placeholders(text: str) -> list[str]:
    """The {names} in a client line or thought that are not pronoun placeholders."""
    return [
        m.group(0) for m in PLACEHOLDER.finditer(text) if m.group(1).lower() not in PRONOUN_KEYS
    ]


def render(text: str, forms: dict[str, str]) -> str:
    """Fill the trainee's pronouns into a client line or thought ({They} capitalised)."""
    if "{" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        key = m.group(1)
        value = forms.get(key.lower())
        if value is None:
            return m.group(0)
        return value[:1].upper() + value[1:] if key[:1].isupper() else value

    return PLACEHOLDER.sub(one, text)


def pronoun_forms(pronouns: str | None) -> dict[str, str]:
    table = load_reactions().pronouns
    return table.get((pronouns or "").lower().strip(), table["they/them"])
