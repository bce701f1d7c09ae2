"""Docs are part of the feature: every command a user can run is documented in README, and the
README's two commands are exactly what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from mi_coach.cli.app import app

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()


def _commands() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    names = []
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(cmd, "commands", None)
        names += [f"{name} {s}" for s in sub] if sub else [name]
        if sub and getattr(cmd, "invoke_without_command", False):
            names.append(name)
    return names


def test_every_command_is_documented_with_an_example():
    for name in _commands():
        assert f"mi-coach {name}" in README, f"README does not document `mi-coach {name}`"
        assert f"$ mi-coach {name}" in README or f"`mi-coach {name}" in README, name


def test_readme_commands_are_what_ci_runs():
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    setup = next(b for b in blocks if "pip install" in b)
    tests = next(b for b in blocks if "pytest" in b)
    ci = (ROOT / ".ci" / "run").read_text()
    assert setup.strip() in ci and tests.strip() in ci


def test_scenarios_listing_is_answered_without_the_parser_or_spacy():
    import subprocess
    import sys

    code = (
        "import sys; sys.argv = ['mi-coach', 'scenarios']\n"
        "from mi_coach.cli.entry import main\nmain()\n"
        "print('typer' in sys.modules, 'spacy' in sys.modules, 'yaml' in sys.modules, "
        "file=sys.stderr)"
    )
    env = {**__import__("os").environ, "COLUMNS": "200"}
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stderr.strip().splitlines()[-1] == "False False True"  # validated, then cached
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert "parent-kids" in out.stdout and "trauma-referrals" in out.stdout
    assert out.stdout == first.stdout
    assert out.stderr.strip().splitlines()[-1] == "False False False"  # the cache: no YAML


def test_the_scenario_list_cache_follows_the_files(tmp_path, monkeypatch):
    import os
    import shutil

    from mi_coach.practice import catalog

    folder = tmp_path / "mine"
    folder.mkdir()
    f = folder / "mini.yml"
    shutil.copy(ROOT / "tests" / "data" / "scenarios" / "mini.yml", f)
    monkeypatch.setenv("MI_COACH_SCENARIOS", str(folder))
    first = {r["id"]: r for r in catalog.rows()}
    assert first["mini-benefits"]["title"].startswith("Sam")
    f.write_text(f.read_text().replace('title: "Sam:', 'title: "Samira:'))
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))
    assert {r["id"]: r for r in catalog.rows()}["mini-benefits"]["title"].startswith("Samira")
    f.unlink()
    assert "mini-benefits" not in {r["id"] for r in catalog.rows()}


def test_every_rule_points_at_a_section_of_the_coding_manual():
    """docs/CODES.md has a section for every code, and every rule's provenance is one of them."""
    from mi_coach.coding.ruleset import load_ruleset

    manual = (ROOT / "docs" / "CODES.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^### (\w+)$", manual, re.M))
    rules = load_ruleset()
    assert set(rules.codes.codes) <= sections
    for rule in rules.rules:
        assert rule.provenance.split("#", 1)[1] in sections, rule.id
