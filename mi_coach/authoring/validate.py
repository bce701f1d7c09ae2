"""`mi-coach validate`: check content files — scenarios, rubrics, drill banks, classifier rule
files — and report every problem at once, each with file, line, field and what was expected.

What a file is comes from its top-level fields: `states` (scenario), `criteria` (rubric), `items`
(drill bank), `rules` (classifier rule file). With a classifier, examples are checked too: every
scenario transition's example must take its transition, every drill exemplar must be a hit.
"""

from __future__ import annotations

from collections.abc import Callable
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


def check(path: Path, classifier: Callable[[], Any] | None = None) -> Checked:
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
                        "cannot tell what this file is: expected a scenario (states:), a rubric (criteria:), "
                        "a drill bank (items:) or a classifier rule file (rules:)"
                    )
                )
            ],
        )
    found = [str(e) for e in _check(kind, doc, classifier)]
    return Checked(str(path), kind, found)


def _check(kind: str, doc: YamlDoc, classifier: Callable[[], Any] | None) -> list[Any]:
    from mi_coach.coding.ruleset import load_codes

    codes = load_codes()
    if kind == "scenario":
        from mi_coach.practice.scenarios import Scenario, graph_problems
        from mi_coach.practice.session import check_examples

        found = problems(doc, Scenario)
        if found:
            return found
        scenario = Scenario.model_validate(doc.data)
        found = graph_problems(scenario, doc, codes)
        if not found and classifier is not None:
            found = check_examples(scenario, classifier(), doc)
        return found
    if kind == "rubric":
        from mi_coach.scoring.scorecard import Rubric, cue_problems, rubric_problems

        found = problems(doc, Rubric)
        if found:
            return found
        rubric = Rubric.model_validate(doc.data)
        return cue_problems(rubric, doc) + rubric_problems(rubric, doc, codes)
    if kind == "drill bank":
        from mi_coach.practice.drills import Bank, bank_problems

        found = problems(doc, Bank)
        return found or bank_problems(
            Bank.model_validate(doc.data), doc, classifier() if classifier else None
        )
    from mi_coach.coding.ruleset import rule_file_problems

    return rule_file_problems(doc, Path(doc.path).stem, codes)
