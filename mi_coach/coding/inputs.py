"""Reading what users give: responses to classify, and labelled data to evaluate on.

Every failure (missing file, not UTF-8, a bad CSV) becomes a MiCoachError naming the input.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import dataclass

from mi_coach.base.errors import MiCoachError
from mi_coach.base.loading import decode_utf8, read_text

MAX_INPUT_BYTES = 512 * 1024 * 1024


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
        raw = sys.stdin.buffer.read()
        return decode_utf8(raw, "<stdin>")
    return read_text(source, max_bytes=MAX_INPUT_BYTES)


def parse_items(text: str) -> list[Item]:
    """One item per line: a JSON object {"text", "client"} or else the line as plain text.

    Every line gives exactly one item (an empty line is an empty response), so outputs line up
    with inputs. A trailing newline at the end of the input does not add an item.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    items: list[Item] = []
    for line in lines:
        line = line.rstrip("\r")
        items.append(_item(line))
    return items


def _item(line: str) -> Item:
    stripped = line.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        try:
            obj = json.loads(stripped)
        except ValueError:
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
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise MiCoachError(f"not valid JSON ({exc.msg})", path=source, line=n) from None
        if not isinstance(obj, dict):
            raise MiCoachError("expected a JSON object", path=source, line=n)
        for key in ("text", "label"):
            if not isinstance(obj.get(key), str):
                raise MiCoachError("missing or not a string", path=source, line=n, field=key)
        client = obj.get("client")
        also = obj.get("also")
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
