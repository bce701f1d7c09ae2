"""Where data lives: folders that ship in the package and a trainer's content folders.
Imports nothing heavy (used by start-up paths such as `mi-coach scenarios`)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def builtin_dir(name: str) -> Path:
    """A folder of data that ships inside the package: patterns/, scenarios/, rubrics/.

    In a wheel, scenarios/ and rubrics/ are mapped into the package (pyproject.toml). In a source
    checkout (an editable install) they stand at the top of the repository instead.
    """
    inside = Path(str(resources.files("mi_coach") / name))
    if inside.is_dir():
        return inside
    checkout = Path(str(resources.files("mi_coach"))).parent / name
    return checkout if checkout.is_dir() else inside


def content_dirs() -> list[Path]:
    """A trainer's content folders (MI_COACH_CONTENT, or the global --content option): each may
    hold scenarios/, drills/ and rubrics/ used beside the built-ins."""
    import os

    env = os.environ.get("MI_COACH_CONTENT")
    return [Path(p) for p in (env.split(os.pathsep) if env else []) if p]
