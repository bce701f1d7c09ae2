"""One line typed at a prompt, whatever bytes arrive.

`input()` dies on bytes that are not UTF-8 (a paste from another encoding) and, reading through
C's fgets, treats a typed NUL (Ctrl-Space) as the end of the line: the rest is lost and the next
line is glued on. Reading the bytes ourselves keeps one line one line: undecodable bytes become
U+FFFD, NULs are dropped, and a line longer than MAX_LINE_BYTES is cut there (the rest of it is
read and thrown away, so it never becomes the next response).
"""

from __future__ import annotations

import sys

MAX_LINE_BYTES = 1 << 20


def read_line() -> str:
    """The next line from standard input, without its line end; EOFError at the end."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # pragma: no cover - a text-only stdin (some embedding hosts)
        return input().replace("\x00", "")
    raw = stream.readline(MAX_LINE_BYTES + 1)
    if not raw:
        raise EOFError
    if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
        rest = raw
        while rest and not rest.endswith(b"\n"):  # drop the remainder of an over-long line
            rest = stream.readline(MAX_LINE_BYTES)
    text = raw.decode("utf-8", errors="replace")
    return text.removesuffix("\n").removesuffix("\r").replace("\x00", "")
