"""The console entry point (`mi-coach`, `python -m mi_coach`).

`mi-coach scenarios` with no options is answered before the command-line parser is imported:
typer 0.29 builds a pydantic adapter for every option it parses (about 0.1 s), and listing the
clients is meant to be instant. Everything else goes through the parser in cli.py.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["scenarios"]:
        from mi_coach.cli.guard import guarded

        guarded(_list_scenarios)()
        return
    from mi_coach.cli.app import app

    app()


def _list_scenarios() -> None:
    from mi_coach.cli import view_practice
    from mi_coach.practice import catalog

    view_practice.scenario_table(catalog.rows())
