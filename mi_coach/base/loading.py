"""YAML → pydantic models, with errors that name the file, the line and the field.

Only safe YAML loading is used: tags that try to build Python objects are refused. Duplicate keys
in a mapping are an error (YAML would otherwise keep the last one silently).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from mi_coach.base.errors import MiCoachError
from mi_coach.base.paths import builtin_dir, content_dirs, content_subdirs  # noqa: F401 - re-exported

M = TypeVar("M", bound=BaseModel)

MAX_DATA_FILE_BYTES = 5 * 1024 * 1024


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
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise MiCoachError(
                f"file is too large ({size:,} bytes; the limit is {max_bytes:,})", path=str(path)
            )
        raw = p.read_bytes()
    except MiCoachError:
        raise
    except IsADirectoryError:
        raise MiCoachError("is a folder, not a file", path=str(path)) from None
    except FileNotFoundError:
        raise MiCoachError("no such file", path=str(path)) from None
    except PermissionError:
        raise MiCoachError("permission denied", path=str(path)) from None
    except OSError as exc:
        raise MiCoachError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    return decode_utf8(raw, str(path))


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


def parse_yaml(text: str, path: str) -> YamlDoc:
    try:
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
