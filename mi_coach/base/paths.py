"""Where data lives — folders that ship in the package, a trainer's content folders — and how a
private file is written.
Imports nothing heavy (used by start-up paths such as `mi-coach scenarios`)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from contextvars import ContextVar
from importlib import resources
from pathlib import Path

from mi_coach.base.errors import MiCoachError


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


# The content folders the command line was given (--content), for this invocation only; None: read
# MI_COACH_CONTENT. A context variable, so one invocation's option never leaks into the next.
_CONTENT: ContextVar[tuple[str, ...] | None] = ContextVar("mi_coach_content", default=None)


def use_content_dirs(dirs: Sequence[str] | None) -> None:
    """Set (or, with None, clear) the content folders given on the command line."""
    _CONTENT.set(tuple(dirs) if dirs is not None else None)


def content_dirs() -> list[Path]:
    """A trainer's content folders (the global --content option, else MI_COACH_CONTENT): each may
    hold scenarios/, drills/ and rubrics/ used beside the built-ins."""
    given = _CONTENT.get()
    if given is None:
        env = os.environ.get("MI_COACH_CONTENT")
        given = tuple(env.split(os.pathsep)) if env else ()
    return [Path(p) for p in given if p]


def content_subdirs(name: str) -> list[Path]:
    """The `name` folders (scenarios, drills, rubrics) of every content folder. A content folder
    that does not exist is an error; a missing subfolder is simply empty."""
    out = []
    for d in content_dirs():
        if not d.is_dir():
            raise MiCoachError("content folder not found", path=str(d))
        if (d / name).is_dir():
            out.append(d / name)
    return out


def folders(
    builtin: Path, env_var: str, content: str, extra: str | None = None
) -> list[tuple[Path, bool]]:
    """Where one kind of content is read from, in order, each marked built-in or not: the built-in
    folder, the folders in `env_var` (os.pathsep-separated), the `content` subfolder of every
    content folder (--content / MI_COACH_CONTENT), then `extra` (a command's own option)."""
    dirs: list[tuple[Path, bool]] = [(builtin, True)]
    env = os.environ.get(env_var)
    dirs += [(Path(p), False) for p in (env.split(os.pathsep) if env else []) if p]
    dirs += [(d, False) for d in content_subdirs(content)]
    if extra:
        dirs.append((Path(extra), False))
    return dirs


def write_private(path: Path, text: str | bytes) -> None:
    """Atomically replace `path` with `text` (or bytes), readable and writable by the owner only."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600) if hasattr(os, "fchmod") else None
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        os.chmod(path, 0o600)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
