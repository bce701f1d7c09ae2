"""Compiled regular expressions, kept between runs.

Compiling the rules' regular expressions (about 390, 105 KB of pattern text) is most of what the
classifier would add to spaCy's own start-up: Python's `re` parses each pattern in pure Python. Its
result — the matcher's code, a list of integers — is what `_sre.compile` turns into a pattern
object in microseconds. This module stores that code in the user's cache folder, keyed by the
exact Python build and the matcher's version (`_sre.MAGIC`), and builds patterns from it on later
runs. Anything unexpected (no cache, a damaged or foreign one, another Python, a `re` whose
internals differ) falls back to plain `re.compile`, which is always correct. `_sre` checks the
code it is given, and the file is the user's own (0600), so a bad file costs time, never safety.
"""

from __future__ import annotations

import marshal
import re
import sys
from pathlib import Path
from typing import Any

try:  # Python 3.11+
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_compile as _compiler
    import sre_parse as _parser

import _sre  # type: ignore[import-not-found]  # CPython's regex engine has no stub

from mi_coach.base.errors import MiCoachError
from mi_coach.base.files import read_bytes

CACHE_VERSION = 1
_FILE = "regex-code.marshal"
_MAX = 4000
_MAX_BYTES = 64 * 1024 * 1024

_table: dict[str, tuple[Any, ...]] | None = (
    None  # pattern -> (flags, code, groups, groupindex, indexgroup)
)
_new: dict[str, tuple[Any, ...]] = {}
_compiled: dict[str, re.Pattern[str]] = {}


def _key() -> tuple[Any, ...]:
    return (CACHE_VERSION, sys.version, sys.implementation.cache_tag, _sre.MAGIC)


def _path() -> Path:
    from mi_coach.base.cache import cache_dir

    return cache_dir() / _FILE


def _load_table() -> dict[str, tuple[Any, ...]]:
    global _table
    if _table is None:
        _table = {}
        try:
            data = marshal.loads(read_bytes(_path(), max_bytes=_MAX_BYTES))
            if (
                isinstance(data, tuple)
                and len(data) == 2
                and data[0] == _key()
                and isinstance(data[1], dict)
            ):
                _table = data[1]
        except (MiCoachError, ValueError, EOFError, TypeError):
            pass
    return _table


def _build(pattern: str, entry: tuple[Any, ...]) -> re.Pattern[str]:
    flags, code, groups, groupindex, indexgroup = entry
    return _sre.compile(pattern, flags, code, groups, groupindex, indexgroup)


def _compile_and_record(pattern: str) -> re.Pattern[str]:
    """What `re.compile(pattern)` does, keeping the code it produces (same steps as `re`'s own)."""
    try:
        parsed = _parser.parse(pattern, 0)
        code = _compiler._code(parsed, 0)
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        entry = (
            int(parsed.state.flags),
            [int(c) for c in code],
            parsed.state.groups - 1,
            groupindex,
            tuple(indexgroup),
        )
        compiled = _build(pattern, entry)
    except re.error:
        raise
    except Exception:
        return re.compile(pattern)
    _new[pattern] = entry
    return compiled


def compile(pattern: str) -> re.Pattern[str]:
    """`re.compile(pattern)`, from the cached code when there is one. Raises `re.error` as
    `re.compile` does for a bad pattern."""
    found = _compiled.get(pattern)
    if found is not None:
        return found
    entry = _load_table().get(pattern)
    compiled = None
    if entry is not None:
        try:
            compiled = _build(pattern, entry)
        except Exception:
            compiled = None
    if compiled is None:
        compiled = _compile_and_record(pattern)
    _compiled[pattern] = compiled
    return compiled


def save() -> None:
    """Write newly compiled patterns to the cache (nothing when there are none). A cache that
    cannot be written is simply not used."""
    if not _new:
        return
    table = dict(_load_table())
    table.update(_new)
    if len(table) > _MAX:  # edited rules leave old patterns behind: keep this run's only
        table = {p: e for p, e in table.items() if p in _compiled}
    from mi_coach.base.cache import write_cache

    try:
        content = marshal.dumps((_key(), table))
    except ValueError:  # pragma: no cover - entries are plain ints, strings and dicts
        return
    if not write_cache(_FILE, content):
        return
    global _table
    _table = table
    _new.clear()
