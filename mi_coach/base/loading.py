"""Reading files, and YAML → pydantic models, with errors that name the file, the line and the
field.

Only regular files are read, and never more than a limit: a FIFO would block forever and a
device (/dev/zero, or a symlink to it) never ends. Only safe YAML loading is used: tags that try
to build Python objects are refused. Duplicate keys in a mapping are an error (YAML would
otherwise keep the last one silently). Anchors and aliases may not expand past a bound (an
"alias bomb" grows a small file into gigabytes), and nothing may nest too deeply. JSON gets the
same bounds: nesting depth, number sizes, and no NaN or Infinity.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from mi_coach.base.errors import MiCoachError
from mi_coach.base.files import MAX_DATA_FILE_BYTES, read_bytes
from mi_coach.base.paths import builtin_dir, content_dirs, content_subdirs  # noqa: F401 - re-exported

M = TypeVar("M", bound=BaseModel)

# Deepest nesting a data file may have (real files: under 10 levels).
MAX_DEPTH = 50
# Values that aliases may add to a YAML file, beyond the values it spells out: this many, or ten
# times what it spells out if that is more (an alias bomb grows exponentially, past any of these).
MAX_ALIAS_VALUES = 100_000
# The largest integer a JSON file may hold (a seed, a count); a float must be finite.
MAX_JSON_INT = 2**63


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (pure Python; used to find line numbers)."""


# The same rules on libyaml's parser when PyYAML has it: several times faster at start-up.
_FastBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FastLoader(_FastBase):  # type: ignore[misc, valid-type]
    """Safe loading on the fastest parser available; refuses duplicate keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first at line {seen[key]})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


# YAML 1.2 booleans: only true/false. YAML 1.1 also reads yes/no/on/off as booleans, which turns
# words in phrase lists ("on", "no") into True/False.
for _cls in (_Loader, _FastLoader):
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _cls.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _cls.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )


class YamlDoc:
    """A parsed YAML file that can say on which line a value stands."""

    def __init__(self, path: str, data: Any, text: str) -> None:
        self.path = path
        self.data = data
        self._text = text
        self._root: yaml.Node | None = None

    @property
    def root(self) -> yaml.Node | None:
        """The node tree, composed only when a line number is wanted (an error, a rule's source)."""
        if self._root is None:
            try:  # the same parser that loaded the data (libyaml when present)
                self._root = yaml.compose(self._text, Loader=_FastLoader)
            except yaml.YAMLError:
                return None
        return self._root

    def line_of(self, loc: tuple[Any, ...]) -> int | None:
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == str(part):
                        node = value_node
                        line = key_node.start_mark.line + 1  # where the field is named
                        break
                else:
                    return line
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(part, int)
                and part < len(node.value)
            ):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                return line
        return line

    def error(
        self, message: str, loc: tuple[Any, ...] = (), field: str | None = None
    ) -> MiCoachError:
        return MiCoachError(
            message,
            path=self.path,
            line=self.line_of(loc),
            field=field or (".".join(str(p) for p in loc) or None),
        )


def read_text(path: str | Path, *, max_bytes: int = MAX_DATA_FILE_BYTES) -> str:
    """Read a UTF-8 text file, turning every way it can fail into a MiCoachError."""
    return decode_utf8(read_bytes(path, max_bytes=max_bytes), str(path))


def parse_json(text: str, path: str) -> Any:
    """JSON text → data, with every way it can fail (malformed, nested too deeply, a number
    too large, NaN) a MiCoachError naming the file. Lone surrogates ("\\ud800") in strings,
    which no file can encode, become U+FFFD."""
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_float=_finite, parse_int=_int)
    except json.JSONDecodeError as exc:
        raise MiCoachError(f"not JSON: {exc.msg}", path=path, line=exc.lineno) from None
    except RecursionError:
        raise MiCoachError(
            f"not usable: nested more than {MAX_DEPTH} levels deep", path=path
        ) from None
    except ValueError as exc:
        raise MiCoachError(f"not usable: {exc}", path=path) from None
    return bounded(data, path, surrogates=_SURROGATE_ESCAPE.search(text) is not None)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:20]}… is too large")
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) > 19:
        raise ValueError(f"a number with {len(text.lstrip('-')):,} digits is too large")
    return int(text)


def without_surrogates(text: str) -> str:
    """`text` with lone surrogates (from a JSON escape or undecodable command-line bytes)
    replaced by U+FFFD: they cannot be printed or written as UTF-8."""
    return _SURROGATES.sub("\ufffd", text)


def bounded(data: Any, path: str, surrogates: bool = True) -> Any:
    """Check nesting depth and integer sizes of parsed data (iteratively: no recursion limit
    to hit), replacing lone surrogates in strings when `surrogates`."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise MiCoachError(f"not usable: nested more than {MAX_DEPTH} levels deep", path=path)
        if isinstance(value, dict):
            if surrogates and any(isinstance(k, str) and _SURROGATES.search(k) for k in value):
                raise MiCoachError("not usable: a key holds a lone surrogate", path=path)
            for key, item in value.items():
                if surrogates and isinstance(item, str) and _SURROGATES.search(item):
                    value[key] = without_surrogates(item)
                else:
                    stack.append((item, depth + 1))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if surrogates and isinstance(item, str) and _SURROGATES.search(item):
                    value[i] = without_surrogates(item)
                else:
                    stack.append((item, depth + 1))
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_JSON_INT:
            raise MiCoachError(f"not usable: the number {str(value)[:20]}… is too large", path=path)
    if surrogates and isinstance(data, str):
        return without_surrogates(data)
    return data


def decode_utf8(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise MiCoachError(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            path=name,
            line=line,
        ) from None
    if "\x00" in text:
        raise MiCoachError("looks like a binary file (it holds NUL bytes)", path=name)
    return text


def _check_structure(text: str, path: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH and aliases that expand past MAX_ALIAS_VALUES, from
    the parser's events, before anything is built (composing would follow the aliases)."""
    sizes: dict[str, tuple[int, int]] = {}  # anchor -> (values, depth) of what it names
    stack: list[list[Any]] = []  # open collections: [anchor, values in it, depth below it]
    extra = spelled = 0  # values that aliases add; values written out

    def too_deep(mark: Any) -> MiCoachError:
        return MiCoachError(
            f"nested more than {MAX_DEPTH} levels deep", path=path, line=mark.line + 1
        )

    scalar, alias, end = yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionEndEvent
    events: Any = yaml.parse(text, Loader=_FastLoader)  # PyYAML's stubs type events loosely
    for event in events:
        cls = event.__class__
        if cls is scalar:
            spelled += 1
            if event.anchor:
                sizes[event.anchor] = (1, 0)
            if stack:
                stack[-1][1] += 1
        elif cls is alias:
            values, depth = sizes.get(event.anchor or "", (1, 0))
            extra += values
            if extra > max(MAX_ALIAS_VALUES, 10 * spelled):
                raise MiCoachError(
                    f"YAML aliases expand to more than {max(MAX_ALIAS_VALUES, 10 * spelled):,} "
                    "extra values (an alias bomb?); spell the values out or use fewer aliases",
                    path=path,
                    line=event.start_mark.line + 1,
                )
            if len(stack) + depth > MAX_DEPTH:
                raise too_deep(event.start_mark)
            if stack:
                stack[-1][1] += values
                stack[-1][2] = max(stack[-1][2], depth)
        elif issubclass(cls, yaml.CollectionStartEvent):
            spelled += 1
            if len(stack) >= MAX_DEPTH:
                raise too_deep(event.start_mark)
            stack.append([event.anchor, 1, 0])
        elif issubclass(cls, end):
            anchor, values, depth = stack.pop()
            if anchor:
                sizes[anchor] = (values, depth + 1)
            if stack:
                stack[-1][1] += values
                stack[-1][2] = max(stack[-1][2], depth + 1)


def parse_yaml(text: str, path: str) -> YamlDoc:
    try:
        _check_structure(text, path)
        data = yaml.load(text, Loader=_FastLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context and "quoted scalar" in exc.context and exc.context_mark is not None:
            mark = exc.context_mark  # an unclosed quote: report where it opens, not the file's end
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "malformed YAML"
        if mark is exc.context_mark and exc.context and "quoted scalar" in exc.context:
            problem = f"a quoted value opens here and is never closed ({exc.problem})"
        raise MiCoachError(f"YAML error: {problem}", path=path, line=line) from None
    except yaml.YAMLError as exc:
        raise MiCoachError(f"YAML error: {exc}", path=path) from None
    except RecursionError:  # pragma: no cover - _check_structure refuses deep nesting first
        raise MiCoachError(f"nested more than {MAX_DEPTH} levels deep", path=path) from None
    return YamlDoc(path, data, text)


def load_yaml(path: str | Path) -> YamlDoc:
    return parse_yaml(read_text(path), str(path))


def validate(doc: YamlDoc, model: type[M], data: Any = None, loc: tuple[Any, ...] = ()) -> M:
    """Validate data (by default the whole document) as `model`; errors name file, line, field."""
    value = doc.data if data is None else data
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        err = exc.errors()[0]
        full = loc + tuple(err["loc"])
        more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
        raise doc.error(_describe(err) + more, full) from None


def problems(
    doc: YamlDoc, model: type[BaseModel], data: Any = None, loc: tuple[Any, ...] = ()
) -> list[MiCoachError]:
    """Every problem pydantic finds (not only the first), each naming file, line and field."""
    value = doc.data if data is None else data
    try:
        model.model_validate(value)
    except ValidationError as exc:
        return [doc.error(_describe(err), loc + tuple(err["loc"])) for err in exc.errors()]
    return []


def _describe(err: Mapping[str, Any]) -> str:
    msg = err.get("msg", "invalid value")
    if err.get("type") == "missing":
        return "required field is missing"
    if err.get("type") == "extra_forbidden":
        return "unknown field (check its spelling)"
    inp = err.get("input")
    if err.get("type", "").endswith("_type") and not isinstance(inp, (dict, list)):
        return f"{msg}, got {inp!r}"
    return msg.removeprefix("Value error, ")
