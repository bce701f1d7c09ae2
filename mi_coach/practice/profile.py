"""The trainee's profile: the name (and pronouns) remembered between practice sessions.

`mi-coach practice --trainee NAME` once, and later sessions use that name until another is given.
Kept as JSON in the user's config folder, readable only by its owner (0600, folder 0700):
MI_COACH_CONFIG, else $XDG_CONFIG_HOME/mi-coach or ~/.config/mi-coach (~/Library/Application
Support/mi-coach on macOS, %APPDATA%\\mi-coach on Windows). A profile that cannot be read is
ignored; one that cannot be written is an error naming the file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from mi_coach.base.errors import MiCoachError
from mi_coach.base.paths import user_dir, write_private

FILE = "profile.json"


def config_dir() -> Path:
    return user_dir("MI_COACH_CONFIG", "XDG_CONFIG_HOME", ".config")


def load() -> dict[str, str]:
    try:
        data = json.loads((config_dir() / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def save(values: dict[str, str]) -> Path:
    folder = config_dir()
    path = folder / FILE
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)
        write_private(path, json.dumps(values, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise MiCoachError(
            f"cannot save your profile: {exc.strerror or exc}", path=str(path)
        ) from None
    return path


def remember(trainee: str | None, pronouns: str | None) -> tuple[str | None, str | None]:
    """The trainee's name and pronouns for this session: the ones given (then stored), else the
    stored ones."""
    stored = load()
    given = {k: v.strip() for k, v in (("trainee", trainee), ("pronouns", pronouns)) if v}
    if any(stored.get(k) != v for k, v in given.items()):
        save({**stored, **given})
    merged = {**stored, **given}
    return merged.get("trainee") or None, merged.get("pronouns") or None
