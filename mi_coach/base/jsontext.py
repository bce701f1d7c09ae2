"""JSON text that is safe to print or `cat`: characters a terminal may act on are escaped.

`json.dumps(..., ensure_ascii=False)` keeps accents and emoji readable but writes DEL, the C1
control characters (U+0080–U+009F, which some terminals read as escape sequences) and the
bidirectional overrides raw. They can only occur inside JSON strings, so writing them as
`\\uXXXX` escapes keeps the JSON valid and the text exactly the same once parsed.
"""

from __future__ import annotations

import json
from typing import Any

_ESCAPE = {
    c: f"\\u{c:04x}"
    for c in [
        0x7F,
        *range(0x80, 0xA0),
        0x2028,
        0x2029,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ]
}


def dumps(obj: Any, indent: int | None = None) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=indent).translate(_ESCAPE)
