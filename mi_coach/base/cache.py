"""The user's cache folder (MI_COACH_CACHE, else the platform's cache folder) and how a cache
file is written. A cache that cannot be read or written is simply not used."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from mi_coach.base.paths import make_private_dirs, write_private


def cache_dir() -> Path:
    env = os.environ.get("MI_COACH_CACHE")
    if env:
        return Path(env)
    if sys.platform == "win32":  # pragma: no cover - platform specific
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "mi-coach" / "cache"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "mi-coach"


def write_cache(name: str, content: str | bytes) -> bool:
    """Write a file of the cache folder (0600, in a 0700 folder, atomically). A cache that cannot
    be written is simply not used: False, never an error."""
    path = cache_dir() / name
    try:
        make_private_dirs(path.parent)
        write_private(path, content)
    except OSError:
        return False
    return True
