"""Redaction: people's names, phone numbers, e-mail and street addresses become placeholders.
Pure logic: texts in, texts and counts out.

- e-mail, phone numbers and street addresses are found by regular expressions, with or without a
  trained pipeline;
- names are spaCy PERSON entities (when a pipeline with `ner` is given, see
  `mi_coach.coding.nlp.get_ner_pipeline`), and names known from context (the trainee, the persona) are
  always replaced, as whole words. A name the pipeline finds in one text is replaced wherever it
  (or one of its capitalised parts) appears in the other texts too. Without a pipeline only the
  known names are replaced: guessing names from capital letters alone would redact half of every
  sentence.

Redaction errs on the side of replacing too much: a known name "Will" also replaces "Will you…".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

PLACEHOLDER = {"email": "[EMAIL]", "phone": "[PHONE]", "address": "[ADDRESS]", "name": "[NAME]"}
KINDS = tuple(PLACEHOLDER)  # also the order of preference when two finds overlap equally

EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(
    r"(?<![\w+])(?:"
    # North American: (555) 123-4567, 555-123-4567, 555.123.4567, +1 555 123 4567, 1-800-555-0199
    r"(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}"
    # international: +44 20 7946 0958, +33 1 23 45 67 89
    r"|\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,6}"
    # UK/European national: 020 7946 0958, 07700 900123, 0612-345678
    r"|0\d{2,4}[\s-]\d{3,4}[\s-]?\d{3,4}"
    # ten or eleven digits run together, and local 555-0123
    r"|1?\d{10}|\d{3}-\d{4}"
    r")(?![\w])"
)
_SUFFIX = (
    r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|"
    r"Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Close|Crescent|Cres|Row|"
    r"Trail|Trl|Alley|Plaza|Walk|Gardens|Grove|Hill|Mews"
)
_WORD = r"(?:[A-Z][a-zA-Z'-]+|\d+(?:st|nd|rd|th)|[NSEW]\.?|NE|NW|SE|SW)"
ADDRESS = re.compile(
    r"(?<![\w-])(?:"
    rf"\d{{1,6}}[A-Za-z]?(?:-\d+)?(?:\s+{_WORD}){{1,4}}\s+(?i:{_SUFFIX})\b\.?"
    r"(?:(?:,\s*|\s+)(?i:apt|apartment|unit|suite|ste|flat|fl|floor|room|rm)\.?\s*#?\s*[\w-]+"
    r"|\s*#\s*[\w-]+)?"
    r"|(?i:p\.?\s?o\.?\s+box)\s+\d+"
    r")"
)

PATTERNS = (("email", EMAIL), ("phone", PHONE), ("address", ADDRESS))


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


def _pattern_spans(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), kind) for kind, rx in PATTERNS for m in rx.finditer(text)]


def _names_regex(names: Iterable[str]) -> re.Pattern[str] | None:
    """Whole-word matches of each name and of its parts that look like names (capitalised, two
    letters or more)."""
    words: set[str] = set()
    for name in names:
        name = " ".join(str(name).split())
        if len(name) < 2 or not any(ch.isalpha() for ch in name):
            continue
        words.add(name)
        words.update(
            p.strip(".,'") for p in name.split() if len(p.strip(".,'")) >= 2 and p[:1].isupper()
        )
    words = {w for w in words if w}
    if not words:
        return None
    alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alts})(?!\w)")


def _resolve(spans: list[Span]) -> tuple[Span, ...]:
    """Overlapping finds merge into one span of the kind that covers most (pattern kinds first)."""
    spans = sorted(spans, key=lambda s: (s.start, -(s.end - s.start), KINDS.index(s.kind)))
    out: list[Span] = []
    for s in spans:
        if out and s.start < out[-1].end:
            last = out[-1]
            if s.end > last.end:
                out[-1] = Span(last.start, s.end, last.kind)
            continue
        out.append(s)
    return tuple(out)


class Redactor:
    """Finds what to redact in a batch of texts. `ner`: a spaCy pipeline with an `ner` component,
    or None (patterns and known names only). `names`: names that are always replaced."""

    def __init__(self, ner: Any = None, names: Sequence[str] = ()) -> None:
        self.ner = ner
        self.names = [n for n in names if n]

    def find(self, texts: Sequence[str]) -> list[Found]:
        texts = [t or "" for t in texts]
        spans: list[list[Span]] = [_pattern_spans(t) for t in texts]
        people: set[str] = set()
        if self.ner is not None:
            for i, doc in enumerate(self.ner.pipe(texts)):
                for ent in doc.ents:
                    if ent.label_ == "PERSON" and any(ch.isalpha() for ch in ent.text):
                        spans[i].append(Span(ent.start_char, ent.end_char, "name"))
                        people.add(ent.text)
        rx = _names_regex([*self.names, *people])
        if rx is not None:
            for i, t in enumerate(texts):
                spans[i].extend(Span(m.start(), m.end(), "name") for m in rx.finditer(t))
        return [Found(t, _resolve(s)) for t, s in zip(texts, spans)]


def count(found: Iterable[Found]) -> Counter:
    return Counter(s.kind for f in found for s in f.spans)


def redact(
    texts: list[str], nlp_ner: Any = None, names: Sequence[str] = ()
) -> tuple[list[str], Counter]:
    """The texts with names, phone numbers, e-mail and street addresses replaced by [NAME],
    [PHONE], [EMAIL] and [ADDRESS], and how many of each kind were replaced."""
    found = Redactor(nlp_ner, names).find(texts)
    return [f.text for f in found], count(found)
