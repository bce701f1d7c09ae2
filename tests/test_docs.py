"""Docs are part of the feature: every command a user can run is documented in README, and the
README's two commands are exactly what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from mi_coach.cli import app

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
