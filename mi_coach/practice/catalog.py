"""The list of scenarios, fast: `mi-coach scenarios` must not wait for YAML parsing and pydantic.

The rows (id, title, setting, difficulty, number of states, file) are cached in a small JSON file
keyed by every scenario file's path, size and modification time. When any file is added, removed
or changed, everything is loaded and validated again (scenarios.load_all) and the cache rewritten.
This module imports nothing heavy; a cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import json
from typing import Any

from mi_coach.base.cache import cache_dir, write_cache
from mi_coach.base.errors import MiCoachError
from mi_coach.base.files import read_bytes

CACHE_VERSION = 1


def _key(extra: str | None) -> list[Any] | None:
    from mi_coach.base.paths import builtin_dir, folders

    key = []  # a missing content folder raises here, with the full loader's message
    for folder, builtin in folders(
        builtin_dir("scenarios"), "MI_COACH_SCENARIOS", "scenarios", extra
    ):
        if not folder.is_dir():
            return None  # let the full loader report it
        for path in sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml")):
            if path.name.startswith("_"):
                continue
            st = path.stat()
            key.append([str(path), builtin, st.st_size, st.st_mtime_ns])
    return key


def rows(extra: str | None = None) -> list[dict[str, Any]]:
    """One row per scenario, built-in first. Errors in files are raised by the full loader."""
    key = _key(extra)
    cache = cache_dir() / "scenarios.json"
    if key is not None:
        try:
            data = json.loads(read_bytes(cache, max_bytes=1 << 22))
            if data.get("version") == CACHE_VERSION and data.get("key") == key:
                return list(data["rows"])
        except (MiCoachError, ValueError, AttributeError, RecursionError):
            pass
    from mi_coach.practice.scenarios import load_all

    found = [
        {
            "id": s.scenario.id,
            "title": s.scenario.title,
            "setting": s.scenario.setting,
            "difficulty": s.scenario.difficulty,
            "states": len(s.scenario.states),
            "builtin": s.builtin,
            "path": s.path,
        }
        for s in load_all(extra).values()
    ]
    if key is not None:
        write_cache(cache.name, json.dumps({"version": CACHE_VERSION, "key": key, "rows": found}))
    return found
