"""`mi-coach validate`: check content files — scenarios, rubrics, drill banks, classifier rule
files — and report every problem at once, each with file, line, field and what was expected.

What a file is comes from its top-level fields: `states` (scenario), `criteria` (rubric), `items`
(drill bank), `rules` (classifier rule file). Every problem is found in one pass: the schema
(pydantic) and every cross-reference a running session needs, together — a scenario's rubric ids
(the built-in ones, a content folder's and those of rubric files validated in the same run), its
start, rupture and transition targets, the codes and families its conditions name; a rubric's
codes and families; a drill item's skill. When the schema holds, the graph is checked too (every
state reachable, a way out of every state). With a classifier, examples are checked: every
scenario transition's example must take its transition, every drill exemplar must be a hit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mi_coach.base.errors import MiCoachError
from mi_coach.base.loading import YamlDoc, load_yaml, problems

KINDS = {"states": "scenario", "criteria": "rubric", "items": "drill bank", "rules": "rule file"}


@dataclass
class Checked:
    path: str
    kind: str | None
    problems: list[str] = field(default_factory=list)


def files_in(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out += sorted(
                x
                for x in path.rglob("*")
                if x.suffix in (".yml", ".yaml") and not x.name.startswith("_")
            )
        else:
            out.append(path)
    return out


def kind_of(doc: YamlDoc) -> str | None:
    if isinstance(doc.data, dict):
        for key, kind in KINDS.items():
            if key in doc.data:
                return kind
    return None


def known_rubrics(extra: Iterable[Path] = ()) -> set[str]:
    """Rubric ids a session can use: the built-ins and content folders', and the `extra` rubric
    files (validated in the same run)."""
    from mi_coach.scoring.scorecard import load_rubrics, rubric_dirs

    ids: set[str] = set()
    try:
        ids |= set(load_rubrics())
    except MiCoachError:  # a broken rubric folder is reported when it is validated itself
        for folder in rubric_dirs():
            for p in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
                ids.add(p.stem)
    for path in extra:
        try:
            doc = load_yaml(path)
        except MiCoachError:
            continue
        if kind_of(doc) == "rubric" and isinstance(doc.data.get("id"), str):
            ids.add(doc.data["id"])
    return ids


def check_all(
    paths: list[Path], classifier: Callable[[], Any] | None = None, step: Any = None
) -> list[Checked]:
    """Every file checked, with the rubric files among them known to the scenarios among them."""
    rubrics = known_rubrics(paths)
    out = []
    for path in paths:
        out.append(check(path, classifier, rubrics))
        if step:
            step()
    return out


def check(
    path: Path, classifier: Callable[[], Any] | None = None, rubrics: set[str] | None = None
) -> Checked:
    try:
        doc = load_yaml(path)
    except MiCoachError as exc:
        return Checked(str(path), None, [str(exc)])
    kind = kind_of(doc)
    if kind is None:
        return Checked(
            str(path),
            None,
            [
                str(
                    doc.error(
                        "cannot tell what this file is: expected a scenario (states:), a rubric "
                        "(criteria:), a drill bank (items:) or a classifier rule file (rules:)"
                    )
                )
            ],
        )
    if rubrics is None:
        rubrics = known_rubrics()
    found = _check(kind, doc, classifier, rubrics)
    return Checked(str(path), kind, _unique(str(e) for e in found))


def _unique(messages: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(messages))


def _check(
    kind: str, doc: YamlDoc, classifier: Callable[[], Any] | None, rubrics: set[str]
) -> list[Any]:
    from mi_coach.coding.ruleset import load_codes

    codes = load_codes()
    if kind == "scenario":
        from mi_coach.practice.scenarios import Scenario, graph_problems
        from mi_coach.practice.session import check_examples

        schema = problems(doc, Scenario)
        if schema:  # the cross-references still found, from the raw data
            return schema + rubric_references(doc, rubrics) + scenario_references(doc, codes)
        scenario = Scenario.model_validate(doc.data)
        found: list[Any] = [
            *rubric_references(doc, rubrics),
            *graph_problems(scenario, doc, codes),
        ]
        if not found and classifier is not None:
            found += check_examples(scenario, classifier(), doc)
        return found
    if kind == "rubric":
        from mi_coach.scoring.scorecard import Rubric, cue_problems, rubric_problems

        found = problems(doc, Rubric)
        if found:
            return found + selection_references(doc, codes, ("criteria",))
        rubric = Rubric.model_validate(doc.data)
        return cue_problems(rubric, doc) + rubric_problems(rubric, doc, codes)
    if kind == "drill bank":
        from mi_coach.practice.drills import Bank, bank_problems

        schema = problems(doc, Bank)
        if schema:
            return schema + skill_references(doc)
        return bank_problems(
            Bank.model_validate(doc.data), doc, classifier() if classifier else None
        )
    from mi_coach.coding.ruleset import rule_file_problems

    return rule_file_problems(doc, Path(doc.path).stem, codes)


# -- cross-references, read from the raw data (so they are found even when the schema fails) -----


def rubric_references(doc: YamlDoc, rubrics: set[str]) -> list[MiCoachError]:
    """The rubrics a scenario names exist (else its session ends without a scorecard)."""
    data = doc.data if isinstance(doc.data, dict) else {}
    out: list[MiCoachError] = []
    named = data.get("rubrics")
    if isinstance(named, list):
        for j, rid in enumerate(named):
            if isinstance(rid, str) and rid not in rubrics:
                out.append(
                    doc.error(
                        f"unknown rubric {rid!r} (rubrics: {', '.join(sorted(rubrics))}); "
                        "the session would end without a scorecard",
                        ("rubrics", j),
                    )
                )
    return out


def scenario_references(doc: YamlDoc, codes: Any) -> list[MiCoachError]:
    """Start, rupture and transition targets, and the codes and families conditions name."""
    data = doc.data if isinstance(doc.data, dict) else {}
    out: list[MiCoachError] = []
    raw = data.get("states")
    states: dict[str, Any] = raw if isinstance(raw, dict) else {}
    for key in ("start", "rupture"):
        value = data.get(key)
        if isinstance(value, str) and states and value not in states:
            out.append(doc.error(f"no state {value!r} (states: {', '.join(states)})", (key,)))
    for sid, state in states.items():
        transitions = state.get("transitions") if isinstance(state, dict) else None
        if not isinstance(transitions, list):
            continue
        for i, t in enumerate(transitions):
            if not isinstance(t, dict):
                continue
            where = ("states", sid, "transitions", i)
            if isinstance(t.get("to"), str) and t["to"] not in states:
                out.append(
                    doc.error(f"no state {t['to']!r} (states: {', '.join(states)})", (*where, "to"))
                )
            if isinstance(t.get("when"), dict):
                out += _selection(doc, t["when"], (*where, "when"), codes)
    return out


def selection_references(doc: YamlDoc, codes: Any, root: tuple[Any, ...]) -> list[MiCoachError]:
    """Every `code:` and `family:` list under `root` names a known code or family."""
    out: list[MiCoachError] = []

    def walk(node: Any, loc: tuple[Any, ...]) -> None:
        if isinstance(node, dict):
            if "code" in node or "family" in node:
                out.extend(_selection(doc, node, loc, codes))
            for k, v in node.items():
                if k not in ("code", "family"):
                    walk(v, (*loc, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*loc, i))

    data = doc.data if isinstance(doc.data, dict) else {}
    node: Any = data
    for part in root:
        node = node.get(part) if isinstance(node, dict) else None
    walk(node, root)
    return out


def _selection(
    doc: YamlDoc, node: dict[str, Any], loc: tuple[Any, ...], codes: Any
) -> list[MiCoachError]:
    families = sorted({info.family for info in codes.codes.values()})
    out = []
    for key, plural, known in (
        ("code", "codes", list(codes.codes)),
        ("family", "families", families),
    ):
        values = node.get(key)
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list):
            continue
        for j, value in enumerate(values):
            if isinstance(value, str) and value not in known:
                out.append(
                    doc.error(
                        f"unknown {key} {value!r} ({plural}: {', '.join(known)})", (*loc, key, j)
                    )
                )
    return out


def skill_references(doc: YamlDoc) -> list[MiCoachError]:
    from mi_coach.practice.drills import load_skills

    skills = load_skills().skills
    data = doc.data if isinstance(doc.data, dict) else {}
    raw = data.get("items")
    items: list[Any] = raw if isinstance(raw, list) else []
    out = []
    for i, item in enumerate(items):
        skill = item.get("skill") if isinstance(item, dict) else None
        if isinstance(skill, str) and skill not in skills:
            out.append(
                doc.error(
                    f"unknown skill {skill!r} (skills: {', '.join(skills)})", ("items", i, "skill")
                )
            )
    return out
