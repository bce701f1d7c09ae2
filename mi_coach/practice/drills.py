"""Skill drills: banks of client statements (YAML under scenarios/drills/), each asking for one
skill, with exemplar answers; scoring an answer is data-driven by patterns/skills.yml."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from mi_coach.base.errors import MiCoachError
from mi_coach.base.loading import YamlDoc, builtin_dir, load_yaml, validate
from mi_coach.base.model import Strict
from mi_coach.base.paths import folders
from mi_coach.coding.inputs import MAX_RESPONSE_CHARS
from mi_coach.practice.transcript import LONG, SHORT

ID = r"^[a-z0-9][a-z0-9_-]*$"


class Skill(Strict):
    label: str
    short: str
    ask: str
    accepts: list[str] = Field(min_length=1)


class Skills(Strict):
    skills: dict[str, Skill] = Field(min_length=1)


class Item(Strict):
    id: str = Field(pattern=ID, max_length=SHORT)
    skill: str
    setting: str = Field(min_length=1)
    client: str = Field(min_length=1, max_length=MAX_RESPONSE_CHARS)  # classified as context
    exemplars: list[Annotated[str, Field(max_length=MAX_RESPONSE_CHARS)]] = Field(
        min_length=1, max_length=100
    )
    tip: str | None = None


class Bank(Strict):
    id: str = Field(pattern=ID)
    title: str
    description: str = ""
    items: list[Item] = Field(min_length=1)


@cache
def load_skills() -> Skills:
    return validate(load_yaml(builtin_dir("patterns") / "skills.yml"), Skills)


def load_bank_file(path: str | Path, codes: Any = None) -> tuple[Bank, YamlDoc]:
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        raise doc.error("a drill bank is a mapping (id, title, items)")
    bank = validate(doc, Bank)
    found = bank_problems(bank, doc)
    if found:
        raise found[0]
    return bank, doc


def bank_problems(bank: Bank, doc: YamlDoc, classifier: Any = None) -> list[MiCoachError]:
    """Skills exist and item ids are unique; with a classifier, every exemplar is a hit."""
    out = []
    skills = load_skills().skills
    seen: dict[str, int] = {}
    for i, item in enumerate(bank.items):
        if item.skill not in skills:
            out.append(
                doc.error(
                    f"unknown skill {item.skill!r} (skills: {', '.join(skills)})",
                    ("items", i, "skill"),
                )
            )
            continue
        if item.id in seen:
            out.append(
                doc.error(f"item id {item.id!r} is also item {seen[item.id]}", ("items", i, "id"))
            )
        seen.setdefault(item.id, i)
        if classifier is not None:
            for j, ex in enumerate(item.exemplars):
                verdict = judge(item, ex, classifier)
                if not verdict.hit:
                    out.append(
                        doc.error(
                            f"exemplar {ex!r} is not a hit for {item.skill}: {verdict.reason}",
                            ("items", i, "exemplars", j),
                        )
                    )
    return out


def drill_dirs(extra: str | None = None) -> list[tuple[Path, bool]]:
    return folders(builtin_dir("scenarios") / "drills", "MI_COACH_DRILLS", "drills", extra)


def load_items(extra: str | None = None, bank_id: str | None = None) -> list[tuple[Item, str]]:
    """Every drill item (of one bank, if named) with the file it came from; an item id used twice
    is an error."""
    out: list[tuple[Item, str]] = []
    banks: list[str] = []
    where: dict[str, str] = {}
    for folder, builtin in drill_dirs(extra):
        if not folder.is_dir():
            if builtin:
                continue
            raise MiCoachError("drill folder not found", path=str(folder))
        for path in sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml")):
            bank, doc = load_bank_file(path)
            banks.append(bank.id)
            for i, item in enumerate(bank.items):
                if item.id in where:
                    raise doc.error(
                        f"drill item id {item.id!r} is also used in {where[item.id]}",
                        ("items", i, "id"),
                    )
                where[item.id] = str(path)
                if bank_id is None or bank.id == bank_id:
                    out.append((item, str(path)))
    if bank_id is not None and bank_id not in banks:
        raise MiCoachError(f"no drill bank {bank_id!r} (banks: {', '.join(banks) or 'none'})")
    return out


@dataclass(frozen=True)
class Judged:
    hit: bool
    code: str
    codes: tuple[str, ...]
    reason: str


def judge(item: Item, answer: str, classifier: Any) -> Judged:
    """A hit: the answer shows the asked skill and nothing MI-non-adherent."""
    skill = load_skills().skills[item.skill]
    result = classifier.classify(answer, item.client)
    fam = classifier.codes.codes
    bad = [c for c in result.codes if fam[c].family == "mi_non_adherent"]
    shows = [c for c in result.codes if c in skill.accepts]
    if bad:
        reason = f"holds {', '.join(bad)}"
    elif not shows:
        reason = f"coded {result.code}, not {skill.label.lower()}"
    else:
        reason = f"{skill.label.lower()} ({shows[0]})"
    return Judged(bool(shows) and not bad, result.code, tuple(result.codes), reason)


def pick(
    items: list[tuple[Item, str]], skill: str | None, count: int, seed: int | None
) -> list[Item]:
    pool = [i for i, _ in items if skill is None or i.skill == skill]
    if not pool:
        raise MiCoachError(
            f"no drill items for skill {skill!r} (skills: {', '.join(load_skills().skills)})"
        )
    rng = random.Random(seed)
    rng.shuffle(pool)
    return pool[:count]


# -- results ------------------------------------------------------------------------------------

RESULTS_SCHEMA = "mi-coach/drill-results"


class Answer(BaseModel):
    """One answer of a drill (every value bounded to what it can mean: a results file from
    someone else is read by `workshop report`)."""

    model_config = ConfigDict(extra="forbid")
    item: str = Field(max_length=SHORT)
    skill: str = Field(max_length=SHORT)
    client: str = Field(max_length=MAX_RESPONSE_CHARS)
    answer: str = Field(max_length=MAX_RESPONSE_CHARS)
    code: str = Field(max_length=SHORT)
    codes: list[Annotated[str, Field(max_length=SHORT)]] = Field(max_length=100)
    hit: bool
    reason: str = Field(max_length=LONG)
    seconds: float = Field(ge=0, le=10**7)
    late: bool = False


class Results(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    schema_: str = Field(RESULTS_SCHEMA, alias="schema")
    version: int = Field(1, ge=1, le=1)
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
    trainee: str | None = Field(None, max_length=SHORT)
    skill: str | None = Field(None, max_length=SHORT)
    time_limit: float | None = Field(None, ge=1, le=10**5)
    started: str = Field(max_length=SHORT)
    finished: str | None = Field(None, max_length=SHORT)
    answers: list[Answer] = Field(default_factory=list, max_length=10_000)

    @property
    def hits(self) -> int:
        return sum(a.hit for a in self.answers)

    def by_skill(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for a in self.answers:
            h, n = out.get(a.skill, (0, 0))
            out[a.skill] = (h + a.hit, n + 1)
        return out

    def to_json(self) -> str:
        from mi_coach.base import jsontext

        data = self.model_dump(by_alias=True)
        data["score"] = {
            "hits": self.hits,
            "total": len(self.answers),
            "by_skill": {k: {"hits": h, "total": n} for k, (h, n) in self.by_skill().items()},
        }
        return jsontext.dumps(data, indent=2) + "\n"


def load_results(data: dict[str, Any], path: str) -> Results:
    from pydantic import ValidationError

    data = {k: v for k, v in data.items() if k != "score"}
    try:
        return Results.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise MiCoachError(
            err["msg"].removeprefix("Value error, "),
            path=path,
            field=".".join(str(p) for p in err["loc"]),
        ) from None
