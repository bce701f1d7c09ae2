"""Reading what users give: responses to classify, and labelled data to evaluate on.

Every failure (missing file, not UTF-8, a bad CSV) becomes a MiCoachError naming the input.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass

from mi_coach.base.errors import MiCoachError
from mi_coach.base.files import read_bytes
from mi_coach.base.loading import decode_utf8, parse_json

MAX_INPUT_BYTES = 512 * 1024 * 1024
# The longest response (and client statement) mi-coach classifies: about 900 words, far more
# than anyone says in one turn. Longer text is refused with a message, never cut silently; it
# also bounds the work of every rule.
MAX_RESPONSE_CHARS = 5_000


def too_long(text: str | None, what: str = "a response") -> str | None:
    """Why `text` is too long to classify, or None when it is not."""
    if text is None or len(text) <= MAX_RESPONSE_CHARS:
        return None
    return (
        f"{what} is limited to {MAX_RESPONSE_CHARS:,} characters; "
        f"this one has {len(text):,} (split it into shorter turns)"
    )


def check_length(text: str | None, what: str = "a response", **where: object) -> None:
    """Raise a MiCoachError (naming `where`: path, line, field) when `text` is too long."""
    problem = too_long(text, what)
    if problem is not None:
        raise MiCoachError(problem, **where)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Item:
    text: str
    client: str | None = None


@dataclass(frozen=True)
class Labelled:
    text: str
    client: str | None
    label: str
    sub: str | None = None  # AnnoMI only: open/closed, simple/complex, …
    # A defensible runner-up the labeller accepted too (lenient scoring): codes, or for AnnoMI
    # the other behaviours its coders saw in the utterance.
    also: tuple[str, ...] = ()


def read_source(source: str) -> str:
    """The whole text of a file path, or of standard input for "-"."""
    if source == "-":
        chunks: list[bytes] = []
        total = 0
        while True:  # bounded, and a binary stream (/dev/zero) stops at its first chunk
            chunk = sys.stdin.buffer.read(1 << 20)
            if not chunk:
                break
            if b"\x00" in chunk:
                raise MiCoachError("looks like binary data (it holds NUL bytes)", path="<stdin>")
            chunks.append(chunk)
            total += len(chunk)
            if total > MAX_INPUT_BYTES:
                raise MiCoachError(
                    f"too large (over {MAX_INPUT_BYTES:,} bytes, the limit)", path="<stdin>"
                )
        return decode_utf8(b"".join(chunks), "<stdin>")
    return decode_utf8(read_bytes(source, max_bytes=MAX_INPUT_BYTES, allow_pipe=True), source)


def parse_items(text: str, source: str | None = None) -> list[Item]:
    """One item per line: a JSON object {"text", "client"} or else the line as plain text.

    Every line gives exactly one item (an empty line is an empty response), so outputs line up
    with inputs. A trailing newline at the end of the input does not add an item. A response or
    client statement longer than MAX_RESPONSE_CHARS is an error naming its line.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    items: list[Item] = []
    for n, line in enumerate(lines, 1):
        line = line.rstrip("\r")
        item = _item(line)
        check_length(item.text, path=source, line=n)
        check_length(item.client, "the client statement", path=source, line=n)
        items.append(item)
    return items


def _item(line: str) -> Item:
    stripped = line.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        try:
            obj = parse_json(stripped, "<line>")
        except MiCoachError:  # not JSON (or not usable): the line is the response
            return Item(line)
        if isinstance(obj, dict) and isinstance(obj.get("text"), str):
            client = obj.get("client")
            return Item(obj["text"], client if isinstance(client, str) and client.strip() else None)
    return Item(line)


def read_labelled(source: str) -> tuple[str, list[Labelled]]:
    """Labelled data and its kind: "codes" (our twelve codes) or "annomi" (AnnoMI families).

    Accepts JSON lines {"text", "client", "label"}, CSV with text, client, label columns, or the
    AnnoMI development CSV (columns text, client, main, sub).
    """
    text = read_source(source)
    head = text.lstrip()[:1]
    if head in ("{", ""):
        return "codes", _jsonl(text, source)
    return _csv(text, source)


def _jsonl(text: str, source: str) -> list[Labelled]:
    rows: list[Labelled] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = parse_json(line, source)
        except MiCoachError as exc:
            raise MiCoachError(exc.message, path=source, line=n) from None
        if not isinstance(obj, dict):
            raise MiCoachError("expected a JSON object", path=source, line=n)
        for key in ("text", "label"):
            if not isinstance(obj.get(key), str):
                raise MiCoachError("missing or not a string", path=source, line=n, field=key)
        client = obj.get("client")
        also = obj.get("also")
        check_length(obj["text"], path=source, line=n)
        check_length(
            client if isinstance(client, str) else None, "the client statement", path=source, line=n
        )
        rows.append(
            Labelled(
                obj["text"],
                client if isinstance(client, str) and client else None,
                obj["label"],
                also=_also(also),
            )
        )
    if not rows:
        raise MiCoachError("no labelled rows", path=source)
    return rows


def _also(value: object) -> tuple[str, ...]:
    """`also` as given: one label, labels separated by spaces, or a JSON list of labels."""
    if isinstance(value, str):
        return tuple(value.split())
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def _csv(text: str, source: str) -> tuple[str, list[Labelled]]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        fields = set(reader.fieldnames or [])
        if {"text", "main"} <= fields:
            kind = "annomi"
        elif {"text", "label"} <= fields:
            kind = "codes"
        else:
            raise MiCoachError(
                "a CSV needs columns text and label (or AnnoMI's text and main); "
                f"found {', '.join(sorted(fields)) or 'none'}",
                path=source,
                line=1,
            )
        rows: list[Labelled] = []
        for row in reader:
            client = (row.get("client") or "").strip() or None
            text_ = row.get("text") or ""
            check_length(text_, path=source, line=reader.line_num)
            check_length(client, "the client statement", path=source, line=reader.line_num)
            if kind == "annomi":
                rows.append(
                    Labelled(
                        text_,
                        client,
                        (row.get("main") or "").strip(),
                        (row.get("sub") or "").strip() or None,
                        also=_also(row.get("also")),
                    )
                )
            else:
                rows.append(
                    Labelled(
                        text_, client, (row.get("label") or "").strip(), also=_also(row.get("also"))
                    )
                )
    except csv.Error as exc:
        raise MiCoachError(f"malformed CSV: {exc}", path=source) from None
    if not rows:
        raise MiCoachError("no labelled rows", path=source)
    return kind, rows
