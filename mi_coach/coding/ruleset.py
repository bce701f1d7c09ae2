"""Loading the classifier's data: the code table, spelling norms, lexicons and rule files.

Rule files live in `mi_coach/patterns/rules/<group>.yml` as a mapping `rules: {name: rule}`; a
rule's id is `<group>.<name>`, so files never repeat their own names and ids are unique by
construction. Lexicons (`patterns/lexicons.yml`) are named word lists that rules refer to as
"@name" (a phrase list, a token `IN` list, or `{@name}` inside a regex).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mi_coach.base.errors import MiCoachError
from mi_coach.base.loading import YamlDoc, builtin_dir, load_yaml, validate
from mi_coach.base.saferegex import shape_problem
from mi_coach.coding.models import CodeTable, Rule, regex

LEXICON_REF = re.compile(r"\{@([A-Za-z_][\w]*)\}")


class ContextualSpelling(BaseModel):
    """A spelling whose norm depends on the next word, decided after tagging: typed "ur" is
    "your" before a noun and "you are" before "gonna", "not", "so" or "the"."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    words: list[str]
    norm: str
    next_tags: list[str] = Field(default_factory=list)
    next_words: list[str] = Field(default_factory=list)
    not_next_words: list[str] = Field(default_factory=list)
    # next tags that count only when the word after them is not one of `noun_tags`
    # ("ur new job" stays possessive, "ur so strong" does not)
    unless_noun_after: list[str] = Field(default_factory=list)
    noun_tags: list[str] = Field(default_factory=list)


class Normalization(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    spellings: dict[str, str | list[tuple[str, str]]] = Field(default_factory=dict)
    contextual: list[ContextualSpelling] = Field(default_factory=list)
    suffixes: list[str] = Field(default_factory=list)
    same_words: dict[str, str] = Field(default_factory=dict)
    fillers: list[str] = Field(default_factory=list)
    disfluencies: list[str] = Field(default_factory=list)
    parentheticals: list[str] = Field(default_factory=list)
    # Reported speech, for rules with `skip_reported: true`: a clause that is the complement of
    # one of these verbs (lemmas) is another voice's words, unless the verb's subject is a
    # speaker word ("I think you should" is the speaker's own).
    reporting_verbs: list[str] = Field(default_factory=list)
    speaker_words: list[str] = Field(default_factory=list)


class Wording(BaseModel):
    """How the coder says how sure it is (patterns/confidence.yml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    unsure_below: float = Field(ge=0, le=1)
    unsure: str
    model_decided: str
    as_phrase: dict[str, str]

    def unsure_note(self, code: str, runner_up: str | None, confidence: float | None) -> str | None:
        """ "Not sure: this reads as … or …" when the confidence is below `unsure_below`."""
        if confidence is None or runner_up is None or confidence >= self.unsure_below:
            return None
        first = self.as_phrase.get(code, code.replace("_", " "))
        second = self.as_phrase.get(runner_up, runner_up.replace("_", " "))
        return self.unsure.format(first=first, second=second)


@dataclass(frozen=True)
class RuleSet:
    codes: CodeTable
    rules: tuple[Rule, ...]
    lexicons: dict[str, tuple[str, ...]]
    # rule id -> (its file, the parsed file, where in it); lines are found only when asked for.
    sources: dict[str, tuple[str, YamlDoc, tuple[Any, ...]]] = field(default_factory=dict)

    def where(self, rule_id: str) -> tuple[str, int | None]:
        if rule_id not in self.sources:
            return ("?", None)
        path, doc, loc = self.sources[rule_id]
        return path, doc.line_of(loc)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def primary_rule(self, c: Any) -> Rule | None:
        """The rule whose feedback speaks for a classification's primary code: the last rule's
        tag that set it (not the words the trained model read, tagged "arbiter")."""
        rules = [self.rule(t.rule) for t in c.evidence if t.code == c.code]
        found = [r for r in rules if r is not None]
        return found[-1] if found else None

    def feedback(self, c: Any) -> str | None:
        """What the trainee is told about a classification: its rule's feedback, or when the
        trained model chose the code without a rule, that it did (patterns/confidence.yml)."""
        rule = self.primary_rule(c)
        if rule is not None:
            return rule.feedback
        if getattr(c, "decided_by", "rules") == "model":
            info = self.codes.codes[c.code]
            return load_wording().model_decided.format(label=info.label, summary=info.summary)
        return None

    def error(self, rule_id: str, message: str) -> MiCoachError:
        path, line = self.where(rule_id)
        return MiCoachError(message, path=path, line=line, field=rule_id)


def patterns_dir() -> Path:
    return builtin_dir("patterns")


@cache
def load_codes(path: str | None = None) -> CodeTable:
    doc = load_yaml(path or patterns_dir() / "codes.yml")
    return validate(doc, CodeTable)


@cache
def load_normalization(path: str | None = None) -> Normalization:
    doc = load_yaml(path or patterns_dir() / "normalize.yml")
    norm = validate(doc, Normalization)
    for orth, value in norm.spellings.items():
        if isinstance(value, list) and "".join(piece for piece, _ in value) != orth:
            raise doc.error(
                "the pieces of a split spelling must join to the spelling itself",
                ("spellings", orth),
            )
    return norm


@cache
def load_wording(path: str | None = None) -> Wording:
    wording = validate(load_yaml(path or patterns_dir() / "confidence.yml"), Wording)
    unknown = set(wording.as_phrase) ^ set(load_codes().codes)
    if unknown:
        raise MiCoachError(
            f"as_phrase must name every code once (differs on {', '.join(sorted(unknown))})",
            path=str(path or patterns_dir() / "confidence.yml"),
        )
    return wording


def _load_lexicons(path: Path) -> dict[str, tuple[str, ...]]:
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        raise doc.error("expected a mapping of lexicon names to word lists")
    out: dict[str, tuple[str, ...]] = {}
    for name, words in doc.data.items():
        if not (isinstance(words, list) and words and all(isinstance(w, str) and w for w in words)):
            raise doc.error("a lexicon is a non-empty list of words or phrases", (name,))
        out[str(name)] = tuple(words)
    return out


def load_ruleset(rule_dirs: tuple[Path, ...] | None = None) -> RuleSet:
    """The built-in rules (and any extra folders of rule files), validated as a whole."""
    base = patterns_dir()
    codes = load_codes()
    lexicons = _load_lexicons(base / "lexicons.yml")
    dirs = (base / "rules",) + tuple(rule_dirs or ())
    rules: list[Rule] = []
    sources: dict[str, tuple[str, YamlDoc, tuple[Any, ...]]] = {}
    for folder in dirs:
        files = sorted(Path(folder).glob("*.yml")) + sorted(Path(folder).glob("*.yaml"))
        for path in files:
            doc = load_yaml(path)
            for rule, loc in _rules_in(doc, path.stem, codes, lexicons):
                if rule.id in sources:
                    first_path, first_doc, first_loc = sources[rule.id]
                    raise doc.error(
                        f"rule id {rule.id!r} is also defined in "
                        f"{first_path}:{first_doc.line_of(first_loc)}",
                        loc,
                    )
                sources[rule.id] = (str(path), doc, loc)
                rules.append(rule)
    if not rules:
        raise MiCoachError("no classifier rules found", path=str(base / "rules"))
    return RuleSet(codes=codes, rules=tuple(rules), lexicons=lexicons, sources=sources)


def _rules_in(
    doc: YamlDoc,
    group: str,
    codes: CodeTable,
    lexicons: dict[str, tuple[str, ...]],
    shapes: bool = False,
) -> list[tuple[Rule, tuple[Any, ...]]]:
    """The rules of one file, checked. With `shapes` (`mi-coach validate`; the test suite covers
    the built-in files), a regular expression with an exponential shape is refused too."""
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("rules"), dict):
        raise doc.error("expected a top-level mapping `rules:` of rule names to rules")
    extra = set(data) - {"rules", "description"}
    if extra:
        raise doc.error(
            "unknown top-level field (expected `rules` and `description`)", (sorted(extra)[0],)
        )
    out = []
    for name, body in data["rules"].items():
        loc = ("rules", name)
        if not isinstance(body, dict):
            raise doc.error("a rule is a mapping of fields", loc)
        if "id" in body:
            raise doc.error("a rule's id comes from its file and name; remove `id`", loc + ("id",))
        rule = validate(doc, Rule, {**body, "id": f"{group}.{name}"}, loc)
        for code_field, value in [("code", [rule.code]), ("refines", rule.refines)]:
            for code in value:
                if code not in codes.codes:
                    raise doc.error(
                        f"unknown code {code!r} (one of: {', '.join(codes.codes)})",
                        loc + (code_field,),
                    )
        for ref in _lexicon_refs([rule.pattern, rule.client or "", rule.unless or ""]):
            if ref not in lexicons:
                raise doc.error(f"unknown lexicon @{ref}", loc + ("pattern",))
        # Regular expressions are checked as the engine will use them (lexicons expanded); the
        # compiled patterns are kept for the engine (models.regex caches them).
        checks = [("pattern", p) for p in (rule.patterns() if rule.kind == "regex" else [])]
        checks += [(name, v) for name, v in (("unless", rule.unless), ("client", rule.client)) if v]
        for where, value in checks:
            expanded = expand_lexicons(value, lexicons, regex=True)
            try:
                regex(expanded)
            except re.error as exc:
                raise doc.error(
                    f"not a valid regular expression {value!r}: {exc}", loc + (where,)
                ) from None
            problem = shape_problem(expanded, polynomial=False) if shapes else None
            if problem is not None:
                raise doc.error(problem, loc + (where,))
        out.append((rule, loc))
    return out


def _lexicon_refs(value: Any) -> set[str]:
    if isinstance(value, str):
        found = set(LEXICON_REF.findall(value))
        if value.startswith("@") and re.fullmatch(r"@\w+", value):
            found.add(value[1:])
        return found
    if isinstance(value, list):
        return set().union(*(_lexicon_refs(v) for v in value)) if value else set()
    if isinstance(value, dict):
        return set().union(*(_lexicon_refs(v) for v in value.values())) if value else set()
    return set()


def expand_lexicons(
    value: Any, lexicons: dict[str, tuple[str, ...]], *, regex: bool = False
) -> Any:
    """Replace "@name" (whole value) by the word list, and "{@name}" inside a regex by an
    alternation of the escaped words."""
    if isinstance(value, str):
        if re.fullmatch(r"@\w+", value):
            return list(lexicons[value[1:]])
        if regex:
            return LEXICON_REF.sub(
                lambda m: (
                    "(?:"
                    + "|".join(
                        # each word once: a word listed twice would make the alternation match
                        # one text in two ways, and a repeated group of it exponentially many
                        re.escape(w)
                        for w in sorted(dict.fromkeys(lexicons[m.group(1)]), key=len, reverse=True)
                    )
                    + ")"
                ),
                value,
            )
        return value
    if isinstance(value, list):
        out: list[Any] = []
        for v in value:
            ex = expand_lexicons(v, lexicons, regex=regex)
            if isinstance(v, str) and re.fullmatch(r"@\w+", v) and not regex:
                out.extend(ex)
            else:
                out.append(ex)
        return out
    if isinstance(value, dict):
        return {k: expand_lexicons(v, lexicons, regex=regex) for k, v in value.items()}
    return value


def rule_file_problems(doc: YamlDoc, group: str, codes: CodeTable) -> list[MiCoachError]:
    """Every problem in one rule file (for `mi-coach validate`), rule by rule."""
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("rules"), dict):
        return [doc.error("expected a top-level mapping `rules:` of rule names to rules")]
    lexicons = _load_lexicons(patterns_dir() / "lexicons.yml")
    out: list[MiCoachError] = []
    extra = set(data) - {"rules", "description"}
    if extra:
        out.append(
            doc.error(
                "unknown top-level field (expected `rules` and `description`)", (sorted(extra)[0],)
            )
        )
    for name, body in data["rules"].items():
        one = YamlDoc(doc.path, {"rules": {name: body}}, doc._text)
        one._root = doc.root
        try:
            _rules_in(one, group, codes, lexicons, shapes=True)
        except MiCoachError as exc:
            found = [exc]
            if isinstance(body, dict) and "id" not in body:
                from mi_coach.base.loading import problems

                found = (
                    problems(doc, Rule, {**body, "id": f"{group}.{name}"}, ("rules", name)) or found
                )
            out += found
    return out
