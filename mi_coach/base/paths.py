"""Where data lives — folders that ship in the package, a trainer's content folders — and how a
private file and folder are made.
Imports nothing heavy (used by start-up paths such as `mi-coach scenarios`)."""

from __future__ import annotations

import glob
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from contextvars import ContextVar
from importlib import resources
from pathlib import Path

from mi_coach.base.errors import MiCoachError

# A temporary copy older than this was left by a process that died mid-write.
STALE_TMP_SECONDS = 60.0


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


def make_private_dirs(folder: Path) -> None:
    """Create `folder` and any missing parents, each 0700 whatever the umask. A folder that
    already exists (the user's, perhaps shared, perhaps a symlink) is left exactly as it is."""
    missing = []
    p = Path(folder)
    while not p.exists() and not p.is_symlink() and p != p.parent:
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        try:
            os.mkdir(d, 0o700)
        except FileExistsError:
            continue  # made by another process meanwhile: theirs, not ours to change
        os.chmod(d, 0o700)  # mkdir's mode passes through the umask
    if not Path(folder).is_dir():
        raise NotADirectoryError(f"not a folder: {folder}")


def clean_temporaries(path: Path, older_than: float = STALE_TMP_SECONDS) -> None:
    """Remove temporary copies of `path` (from write_private) left by a process that died
    mid-write. Only those older than `older_than` seconds: a younger one may be another
    writer's, unless the caller holds the file's lock (then pass 0)."""
    pattern = str(path.parent / f".{glob.escape(path.name)}.*.tmp")
    for leftover in glob.glob(pattern):
        try:
            if time.time() - os.lstat(leftover).st_mtime >= older_than:
                os.unlink(leftover)
        except OSError:
            pass


def write_private(path: Path, text: str | bytes, stale_after: float = STALE_TMP_SECONDS) -> None:
    """Atomically replace `path` with `text` (or bytes), readable and writable by the owner only:
    stale temporary copies are removed first, the new copy is flushed to disk, renamed over the
    old file, and the folder flushed too so the rename itself survives a crash."""
    clean_temporaries(path, stale_after)
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
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename) to disk; where folders cannot be opened (Windows),
    nothing to do."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def user_dir(env: str, xdg: str, home_default: str, windows: str = "APPDATA") -> Path:
    """A folder of the user's: `env` when set, else the platform's place for it (`xdg` and
    ~/`home_default` on Linux; Application Support on macOS; `windows` on Windows), + mi-coach."""
    given = os.environ.get(env)
    if given:
        return Path(given).expanduser()
    home = Path.home()
    if sys.platform == "win32":  # pragma: no cover - platform specific
        return Path(os.environ.get(windows, home / "AppData" / "Roaming")) / "mi-coach"
    if sys.platform == "darwin":  # pragma: no cover - platform specific
        return home / "Library" / "Application Support" / "mi-coach"
    base = os.environ.get(xdg)
    return (Path(base) if base else home / home_default) / "mi-coach"
