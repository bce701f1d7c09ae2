"""Redaction: personal details become typed placeholders. Pure logic: texts in, texts and counts out.

What is replaced, and by what:

- `[DATE]`: dates and dates of birth (03/14/1988, 7/4/71, 1988-03-14, March 14th 1988,
  2nd of January 1980, the second of November, DOB 01021980);
- `[SSN]`: social security numbers (123-45-6789, 123 45 6789, XXX-XX-6789, the digits after
  "SSN" or "social");
- `[ID]`: case, record and member numbers: tokens mixing digits with letters or dashes
  (LT-2024-008817, CM-559201), long runs of digits, and numbers after "case", "ID", "#",
  "Medicaid", "member", "docket", "DOC"… (also in groups: "28 417 903");
- `[PHONE]`: phone numbers, US and international, with an extension;
- `[EMAIL]`: e-mail addresses, also spelled out ("jo dot lee at mail dot com");
- `[URL]`: web addresses, with or without http:// or www.;
- `[ADDRESS]`: street addresses with their apartment, PO boxes, city + state + ZIP;
- `[NAME]`: people's names (see `redact_names`), and names the caller knows (the persona,
  speaker labels).

Kept: names in `keep` (the trainee's and the supervisor's, unless everything is to go), months
used as months, weekdays, times, money, ages, years alone.

The shapes are in `redact_shapes`, names in `redact_names`; both run in linear time.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mi_coach.review.redact_names import Ent, known_names_regex, name_class, names_in
from mi_coach.review.redact_shapes import (
    EMAIL,
    URL,
    Hit,
    id_token,
    shapes,
    words,
)

PLACEHOLDER = {
    "email": "[EMAIL]",
    "url": "[URL]",
    "ssn": "[SSN]",
    "phone": "[PHONE]",
    "date": "[DATE]",
    "address": "[ADDRESS]",
    "place": "[PLACE]",
    "id": "[ID]",
    "name": "[NAME]",
}
KINDS = tuple(PLACEHOLDER)  # also the order of preference when two finds cover the same text
PLACEHOLDER_RX = re.compile(r"\[(?:" + "|".join(k.upper() for k in KINDS) + r")\]")


@dataclass(frozen=True)
class Span:
    """A stretch of one text to replace: [start, end) and what it is."""

    start: int
    end: int
    kind: str

    @property
    def placeholder(self) -> str:
        return PLACEHOLDER[self.kind]


@dataclass(frozen=True)
class Found:
    """One redacted text: the original, its spans (in order, not overlapping) and the result."""

    original: str
    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        out, at = [], 0
        for s in self.spans:
            out.append(self.original[at : s.start])
            out.append(s.placeholder)
            at = s.end
        out.append(self.original[at:])
        return "".join(out)

    def position(self, offset: int) -> int:
        """Where character `offset` of the original lands in the redacted text (an offset inside a
        replaced span lands at the start of its placeholder)."""
        shift = 0
        for s in self.spans:
            if offset < s.start:
                break
            if offset < s.end:
                return s.start + shift
            shift += len(s.placeholder) - (s.end - s.start)
        return offset + shift

    def part(self, start: int, end: int) -> str:
        """The redacted form of original[start:end]: a replaced span it touches becomes its
        placeholder, whole."""
        lo, hi = self.position(start), self.position(end)
        for s in self.spans:  # an end inside a span: keep the whole placeholder
            if s.start < end < s.end:
                hi = self.position(s.start) + len(s.placeholder)
        return self.text[lo:hi]


def _resolve(text: str, hits: Iterable[Hit]) -> tuple[Span, ...]:
    """Overlapping finds merge into one span of the kind preferred (e-mail over URL over … over
    name); names side by side ("Tasha Reyes") become one."""
    spans = sorted(
        (Span(h.start, h.end, h.kind) for h in hits if h.end > h.start),
        key=lambda s: (s.start, KINDS.index(s.kind), -(s.end - s.start)),
    )
    out: list[Span] = []
    for s in spans:
        if out and s.start < out[-1].end:
            last = out[-1]
            kind = last.kind if KINDS.index(last.kind) <= KINDS.index(s.kind) else s.kind
            out[-1] = Span(last.start, max(last.end, s.end), kind)
            continue
        if (
            out
            and s.kind == "name" == out[-1].kind
            and text[out[-1].end : s.start].strip(" ") == ""
            and "\n" not in text[out[-1].end : s.start]
        ):
            out[-1] = Span(out[-1].start, s.end, "name")
            continue
        out.append(s)
    return tuple(out)


def _entities(ner: Any, texts: Sequence[str]) -> list[list[Ent]]:
    if ner is None:
        return [[] for _ in texts]
    return [
        [Ent(e.start_char, e.end_char, e.label_) for e in doc.ents]
        for doc in ner.pipe(texts, batch_size=64)
    ]


class Redactor:
    """Finds what to redact in a batch of texts.

    `ner`: a spaCy pipeline with an `ner` component (`mi_coach.coding.nlp.get_ner_pipeline`), or
    None (shapes, the list of names and known names only). `names`: names always replaced (the
    persona, speaker labels). `keep`: names never replaced (the trainee, the supervisor).
    `propagate`: a name found in one text is replaced wherever it stands in the others too.
    """

    def __init__(
        self,
        ner: Any = None,
        names: Sequence[str] = (),
        keep: Sequence[str] = (),
        propagate: bool = True,
    ) -> None:
        self.ner = ner
        self.keep = frozenset(
            part.lower().strip(".,")
            for n in keep
            if n
            for part in str(n).split()
            if len(part.strip(".,")) >= 2
        )
        self.names = [n for n in names if n and n.lower() not in self.keep]
        self.propagate = propagate

    def find(self, texts: Sequence[str]) -> list[Found]:
        texts = [t or "" for t in texts]
        ents = _entities(self.ner, texts)
        hits: list[list[Hit]] = []
        people: list[list[str]] = []
        for text, line_ents in zip(texts, ents):
            ws = words(text)
            found = shapes(text, ws)
            named, who = names_in(ws, line_ents, self.keep)
            hits.append(found + named)
            people.append(who)
        # a name found in one text is looked for in the others; an everyday word ("May", "Will")
        # is a name only where its own context said so
        shared = (
            [w for who in people for w in who if name_class(w) != "word"] if self.propagate else []
        )
        for i, text in enumerate(texts):
            own = [w for w in people[i] if name_class(w) != "word"]
            rx = known_names_regex([*self.names, *shared, *own], self.keep)
            if rx is not None:
                hits[i] += [Hit(m.start(), m.end(), "name") for m in rx.finditer(text)]
        return [Found(t, _resolve(t, h)) for t, h in zip(texts, hits)]


def count(found: Iterable[Found]) -> Counter:
    return Counter(s.kind for f in found for s in f.spans)


def redact(
    texts: list[str], nlp_ner: Any = None, names: Sequence[str] = (), keep: Sequence[str] = ()
) -> tuple[list[str], Counter]:
    """The texts with personal details replaced by typed placeholders, and how many of each kind
    were replaced."""
    found = Redactor(nlp_ner, names, keep).find(texts)
    return [f.text for f in found], count(found)


def _could_be_a_name(word: str) -> bool:
    from mi_coach.review.redact_names import NOT_NAMES, WORD_ENDINGS

    low = word.lower().strip(".,'")
    kind = name_class(word)
    if low in NOT_NAMES or kind == "word":
        return False
    return kind is not None or not low.endswith(WORD_ENDINGS)


# -- what is left ---------------------------------------------------------------------------------

_DIGITS = re.compile(r"\d[\d\s().-]{3,}\d")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")


@dataclass(frozen=True)
class Leftover:
    """A token in redacted text that still looks like an identifier."""

    index: int  # which text
    text: str
    why: str


def leftovers(texts: Sequence[str], ner: Any = None, keep: Sequence[str] = ()) -> list[Leftover]:
    """Tokens in already redacted texts that still look like identifiers: anything the redactor
    would replace, runs of four digits or more (a year alone aside), an @ or a web address, words
    mixing letters and digits, and a word the entity recogniser calls a person (unless kept)."""
    keep_words = {p.lower() for k in keep if k for p in str(k).split()}
    out: list[Leftover] = []
    cleaned = [PLACEHOLDER_RX.sub(" ", t or "") for t in texts]
    again = Redactor(ner, keep=keep, propagate=False).find(cleaned)
    for i, f in enumerate(again):
        for s in f.spans:
            out.append(Leftover(i, f.original[s.start : s.end], f"looks like {s.placeholder}"))
    ents = _entities(ner, cleaned)
    for i, text in enumerate(cleaned):
        seen = {o.text for o in out if o.index == i}
        for w in words(text):
            t = w.text
            if t in seen:
                continue
            why = None
            if "@" in t and EMAIL.search(t) is None and len(t) > 3:
                why = "an @ in a word"
            elif URL.search(t) or "://" in t:
                why = "a web address"
            elif id_token(w):
                why = "letters and digits"
            elif (
                sum(c.isdigit() for c in t) >= 4
                and not _YEAR.fullmatch(t.strip("$,."))
                and not re.fullmatch(r"\$?\d{1,3}(?:,\d{3})*(?:\.\d\d)?", t)
            ):
                why = "a long number"
            if why:
                out.append(Leftover(i, t, why))
                seen.add(t)
        for e in ents[i]:
            name = text[e.start : e.end]
            parts = [p.lower().strip(".,'") for p in name.split()]
            sure = any(_could_be_a_name(p) for p in name.split())
            if e.label == "PERSON" and name not in seen and not set(parts) <= keep_words and sure:
                out.append(Leftover(i, name, "a name by the entity recogniser"))
                seen.add(name)
    for i, text in enumerate(cleaned):
        for m in _DIGITS.finditer(text):
            digits = sum(c.isdigit() for c in m.group())
            if digits >= 7 and not any(o.index == i and m.group() in o.text for o in out):
                out.append(Leftover(i, m.group(), "digits"))
    return out
