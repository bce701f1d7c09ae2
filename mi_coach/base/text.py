"""Text from files and users made inert wherever mi-coach writes it: one table of the characters
that could act on a terminal, a browser or a spreadsheet, and the escapes built on it.

Control characters (C0 but tab and newline, DEL, C1 — terminal escape sequences start with ESC or
the 8-bit CSI), bidirectional controls (which reorder what a reader sees) and lone surrogates (which
cannot be encoded) each become the replacement character U+FFFD, one for one, so offsets into the
text stay valid and the reader sees that something was there.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

_BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
CONTROLS = dict.fromkeys(
    [c for c in range(32) if c not in (9, 10)]
    + list(range(127, 160))
    + _BIDI
    + list(range(0xD800, 0xE000)),
    "\ufffd",
)


def clean(text: str) -> str:
    """`text` with every control, bidi control and lone surrogate shown as U+FFFD."""
    return text.translate(CONTROLS)


def number(x: Any, pct: bool = False) -> str:
    """A summary number as people read it: "n/a" when there is none, "50%" for a percentage."""
    if x is None:
        return "n/a"
    if pct:
        return f"{x:.0f}%"
    return f"{round(x, 2):g}" if isinstance(x, float) else str(x)


# A spreadsheet runs a cell that starts like a formula (also after a tab or carriage return).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet will not run: text starting like a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = clean(value)
        return "'" + value if value.lstrip(" ").startswith(FORMULA_START) else value
    return value


def md_escape(text: Any) -> str:
    """User text made inert in Markdown: inline Markdown punctuation is backslash-escaped (without
    [ ] no link or image can form; ( ) ! mean nothing alone), HTML-significant characters become
    entities (no tag, no autolink), line breaks become spaces (user text never starts a block)."""
    s = " ".join(clean(str(text)).split())
    s = re.sub(r"([\\`*_\[\]|~])", r"\\\1", s)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html_escape(text: Any) -> str:
    """User text made inert in HTML (quotes included, for attributes)."""
    return html.escape(clean(str(text)), quote=True)


def telling(matches: Iterable[str]) -> list[str]:
    """The evidence worth showing a person, once each: a match that is only punctuation or one
    short word ("?", "A", "the", "wat") says nothing about why a response got its code."""
    out: dict[str, None] = {}
    for m in matches:
        m = (m or "").strip()
        tokens = m.split()
        letters = "".join(re.findall(r"[^\W\d_]+", m)).lower()
        if len(tokens) > 1 or (len(letters) >= 4 and letters not in _empty_words()):
            out.setdefault(m)
    # of two fragments, one inside the other, show one: the longer, unless it is a speech (then
    # the shorter tells why); a fragment still too long is cut
    most = _display()["evidence_words_at_most"]

    def spoken_by(m: str, o: str) -> bool:  # m says o again
        return o != m and o.lower() in m.lower()

    kept = [
        m
        for m in out
        if not any(spoken_by(m, o) and len(m.split()) > most for o in out)
        and not any(spoken_by(o, m) and len(o.split()) <= most for o in out)
    ]
    return [m if len(m.split()) <= most else " ".join(m.split()[:most]) + " …" for m in kept]


@cache
def _display() -> dict:
    from mi_coach.base.loading import load_yaml
    from mi_coach.base.paths import builtin_dir

    data = load_yaml(builtin_dir("patterns") / "display.yml").data
    return {
        "empty_evidence_words": frozenset(str(w) for w in data["empty_evidence_words"]),
        "evidence_words_at_most": int(data["evidence_words_at_most"]),
    }


def _empty_words() -> frozenset[str]:
    """patterns/display.yml: single words that say nothing on their own about a code."""
    return _display()["empty_evidence_words"]
