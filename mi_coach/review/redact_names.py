"""People's names: where the entity recogniser, a list of names and the words around a word agree
that it names a person. Pure logic: a line, its words and its entities in, spans out.

The list (`lexicon/names.tsv`, from the Census and Social Security name lists) sorts names in three
classes: `name` ("Tasha", "Kowalski": hardly ever a word), `name-word` ("Rose", "Banks", "Max":
also a word), `word` ("May", "Will", "Hope", months: mostly a word). A word is a name when

- the context says so: a title before it ("Mr.", "Officer", "Aunt"), an introduction ("my name
  is", "call me", "named her"), a relation ("my son", "her PO", "my kids are"), a list or a
  second name after a name ("Destiny, Jayden and Joy", "Sandra Jenkins"), the head of a person's
  description ("Olu Adeyemi, 19, …");
- inside a sentence, capitalised: a `name` or `name-word`, a `word` too ("with Grace", "so Will
  is") — unless it is part of a capitalised phrase ("Red Cross", "Hope House", "Section 8"), a
  place or a language by the entity recogniser, or a month used as a month;
- opening a sentence (where every word is capitalised): a `name` always; a `name-word` or
  `word` only when the words after it make it a person ("Will said", "Hope's father", "Faith is
  my oldest", "Summer, my roommate, …"); a word the list does not know, when the entity
  recogniser calls it a person and the words after agree;
- in lower case ("told keisha"): a `name` only, or any name after a relation or a title.

Everyday words that are never names here (pronouns, kin words, God, holidays, weekdays) are
kept, and so are the names the caller keeps (the trainee, the supervisor).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from mi_coach.review.redact_shapes import MONTH_WORDS, WEEKDAYS, Hit, Word, word_lists

_W = word_lists()["names"]

TITLES = _W["titles"]
RELATIONS = _W["relations"]
POSSESSIVES = _W["possessives"]
# Relations that work as a title too ("cousin Dre", "Auntie Pam"): no "my" needed.
KIN = _W["kin"]
# What a person has: after "Hope's", a possessive, not "Hope is".
POSSESSED = _W["possessed"]
# Words after a name that make it the subject ("Will said", "Hope started"): any name class.
STRONG_CUES = _W["strong_cues"]
# More words that make a `name-word` the subject ("Dawn at the front desk", "Grace from the
# church", "Rose will call"), not an everyday `word` ("Guy at the counter").
WEAK_CUES = _W["weak_cues"]
NOT_VERBS = _W["not_verbs"]
# After "'s", words that show it is "is" ("Fentanyl's in everything"), not a possessive.
NOT_AFTER_POSSESSIVE = _W["not_after_possessive"]
# Closed-class words: never a name, whatever the lists say.
FUNCTION_WORDS = _W["function_words"]
# Words that open a line followed by a comma without being a name ("Look, you…").
DISCOURSE = _W["discourse"]
# What follows a name that opens a line and addresses someone ("Tomasz, you…").
ADDRESSED = _W["addressed"]
PLACE_ENTS = frozenset(["GPE", "LOC", "NORP", "LANGUAGE", "FAC"])
# A month is a month after these words.
MONTH_BEFORE = _W["month_before"]
QUOTES = "\"'“”‘’"
NICKNAME_WORDS = _W["nickname_words"]
# Capitalised words that are never a person's name here (kin words, God, holidays, weekdays).
NEVER_NAMES = _W["never_names"] | WEEKDAYS
# "my name is X", "call me X", "named X", "goes by X", "known as X", "I'm X", "this is X"
INTRODUCTIONS = (
    ("my", "name", "is"),
    ("name", "is"),
    ("name's",),
    ("names",),
    ("call", "me"),
    ("named",),
    ("goes", "by"),
    ("go", "by"),
    ("known", "as"),
    ("calls", "me"),
    ("called", "me"),
    ("named", "her"),
    ("named", "him"),
    ("named", "them"),
    ("called", "her"),
    ("called", "him"),
    ("calls", "her"),
    ("calls", "him"),
    ("name", "was"),
    ("went", "by"),
    ("nicknamed",),
    ("aka",),
    ("a.k.a.",),
)
# Words after a capitalised word that make it part of a place or an organisation.
INSTITUTION_WORDS = _W["institution_words"]
NOT_NAMES = _W["not_names"]
WORD_ENDINGS = tuple(_W["word_endings"])
NON_PERSON_ENTS = frozenset(
    [
        "ORG",
        "GPE",
        "FAC",
        "LOC",
        "NORP",
        "PRODUCT",
        "EVENT",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
        "DATE",
        "TIME",
        "MONEY",
        "QUANTITY",
        "PERCENT",
        "CARDINAL",
        "ORDINAL",
    ]
)


@cache
def lexicon() -> dict[str, str]:
    """Name → class (`name`, `name-word`, `word`) from lexicon/names.tsv."""
    text = (resources.files("mi_coach.review") / "lexicon" / "names.tsv").read_text(
        encoding="utf-8"
    )
    out: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, kind = line.partition("\t")
            out[name] = kind
    return out


def _plain(word: str) -> str:
    """Without accents: "Ramón" → "Ramon" (the lists are spelled without them)."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def name_class(word: str) -> str | None:
    """The class of a capitalised word in the list of names, or None when it is not there."""
    lex = lexicon()
    word = _plain(word)
    key = word[:1].upper() + word[1:].lower()
    if key.lower() in MONTH_WORDS or key.lower() in WEEKDAYS:
        return "word"
    found = lex.get(key)
    if found is None and ("-" in word or "'" in word or "’" in word):
        parts = [p for p in re.split(r"[-'’]", word) if len(p) >= 2]
        kinds = [name_class(p) for p in parts]
        if "name" in kinds:
            return "name"
        if "name-word" in kinds:
            return "name-word"
    if found is None and key[:2] in ("Mc", "O'") and len(key) > 3:
        return "name"
    return found


@dataclass(frozen=True)
class Ent:
    start: int
    end: int
    label: str


def _core(w: Word) -> tuple[int, int, str]:
    """A word without a possessive ending: ("Tasha's" → "Tasha")."""
    t = w.text
    for tail in ("'s", "’s", "'", "’"):
        if t.endswith(tail) and len(t) > len(tail) + 1:
            return w.start, w.end - len(tail), t[: -len(tail)]
    return w.start, w.end, t


def _cap(text: str) -> bool:
    return bool(text) and text[0].isupper() and any(c.islower() for c in text)


def _title(w: Word) -> bool:
    return w.lower.rstrip(".") in TITLES


def _ent_at(ents: Sequence[Ent], w: Word) -> Ent | None:
    for e in ents:
        if e.start <= w.start < e.end:
            return e
    return None


def _context(ws: Sequence[Word], i: int) -> str | None:
    """Why the words before word i make it a name, or None: "title", "intro", "relation"."""
    if i == 0:
        return None
    prev = ws[i - 1]
    if _title(prev) and prev.text[:1].isupper() and not prev.after.replace(".", ""):
        return "title"
    low = [w.lower.replace("’", "'").rstrip(",") for w in ws[max(0, i - 3) : i]]
    for intro in INTRODUCTIONS:
        if tuple(low[-len(intro) :]) == intro and ws[i - 1].after in ("", ",", ":"):
            if any(c in ".!?" for w in ws[i - len(intro) : i - 1] for c in w.after):
                continue
            return "intro"
    # "my son DeShawn", "her PO, Delgado", "my little brother Justice", "my kids are Destiny"
    j = i - 1
    if ws[j].lower in ("is", "are", "was", "were") and j >= 1 and not ws[j].after:
        j -= 1
    key = ws[j].lower.rstrip(",").replace("’", "'")
    if key in RELATIONS and ws[j].after in ("", ",") and not (j < i - 1 and ws[j].after):
        before = [ws[k].lower for k in range(max(0, j - 2), j)]
        if key in KIN or any(b in POSSESSIVES for b in before):
            return "relation"
    return None


def _cue_after(ws: Sequence[Word], i: int, strict: bool) -> bool:
    """The words after word i make it a person: "Will said", "Hope's father", "Faith is my
    oldest", "Summer, my roommate"; not `strict` (a name that is also a word, not an everyday
    word) also "Dawn at the desk", "Rose will call", "Marcus, that sounds hard"."""
    w = ws[i]
    nxt = ws[i + 1] if i + 1 < len(ws) else None
    if w.text.endswith(("'s", "’s")):
        if nxt is None or w.after or nxt.lower in NOT_AFTER_POSSESSIVE:
            return False
        return not strict or nxt.lower in RELATIONS or nxt.lower in POSSESSED
    if nxt is None:
        return False
    if w.after == ",":
        return nxt.lower in POSSESSIVES - {"the"} or (i == 0 and not strict and not nxt.is_cap)
    if w.after:
        return False
    key = nxt.lower.replace("’", "'")
    if key in ("is", "was") and not nxt.after and i + 2 < len(ws):
        return ws[i + 2].lower in POSSESSIVES - {"the"}
    if key in STRONG_CUES:
        return True
    if strict:
        return False
    return key in WEAK_CUES or (
        key.endswith("ed") and len(key) > 4 and key.isalpha() and key not in NOT_VERBS
    )


def _month_use(ws: Sequence[Word], i: int) -> bool:
    """A month name used as a month: after "in", "by", "since"…, or before a day or a year."""
    prev = ws[i - 1].lower if i else ""
    nxt = ws[i + 1] if i + 1 < len(ws) else None
    if prev in MONTH_BEFORE:
        return True
    return nxt is not None and (
        nxt.text[:1].isdigit() or nxt.lower in ("or", "through", "to", "and", "till", "until")
    )


def _quoted(w: Word) -> bool:
    return bool(w.before) and w.before[-1] in QUOTES


def _phrase(ws: Sequence[Word], i: int) -> bool:
    """Word i is part of a capitalised phrase that is not a person's name ("Red Cross", "Legal
    Aid", "Hope House", "Mother's Day", "Section 8"): a capitalised neighbour the list does not
    know as a name, an institution word or a number right after it."""
    w = ws[i]
    nxt = ws[i + 1] if i + 1 < len(ws) else None
    prev = ws[i - 1] if i else None
    if nxt is not None and not w.after and not _quoted(nxt):
        if nxt.lower.rstrip(".") in INSTITUTION_WORDS or nxt.text[:1].isdigit():
            return True
        if _cap(nxt.text) and name_class(_core_text(nxt)) not in ("name", "name-word"):
            return not _title(nxt)
    if prev is not None and not prev.after and _cap(prev.text) and not _quoted(w):
        if prev.first and (prev.lower in FUNCTION_WORDS or name_class(_core_text(w)) != "word"):
            return False  # opening a sentence, any word is capitalised
        return name_class(_core_text(prev)) not in ("name", "name-word") and not _title(prev)
    return False


def _core_text(w: Word) -> str:
    return _core(w)[2]


def names_in(
    ws: Sequence[Word], ents: Sequence[Ent], keep: frozenset[str]
) -> tuple[list[Hit], list[str]]:
    """The names in one line: spans, and the words found (to look for elsewhere)."""
    hits: list[Hit] = []
    found: list[str] = []
    named: set[int] = set()
    for w in ws:
        start, end, text = _core(w)
        if not re.fullmatch(r"[^\W\d_][\w'’.-]{0,40}", text) or text.lower() in keep:
            continue
        if _name(ws, w.i, text, ents, named):
            named.add(w.i)
            hits.append(Hit(start, end, "name"))
            found.append(text)
            prev = ws[w.i - 1] if w.i else None
            if prev is not None and prev.lower in NICKNAME_WORDS and not prev.after:
                hits.append(Hit(prev.start, prev.end, "name"))  # "big Mike", "Lil Tee"
    # a nickname in quotes beside a name: Terrence "T-Bone" Walsh
    for w in ws:
        quoted = _quoted(w) and w.after[:1] in tuple(QUOTES)
        if quoted and w.i not in named and ({w.i - 1, w.i + 1} & named):
            hits.append(Hit(w.start, w.end, "name"))
            found.append(w.text)
    return hits, found


def _name(ws: Sequence[Word], i: int, text: str, ents: Sequence[Ent], named: set[int]) -> bool:
    w = ws[i]
    kind = name_class(text)
    low = text.lower().replace("’", "'")
    nxt = ws[i + 1] if i + 1 < len(ws) else None
    ent = _ent_at(ents, w)
    in_name = (  # a word inside a person's name of several words: "Nguyen Van An"
        ent is not None
        and ent.label == "PERSON"
        and len(ent_words(ws, ent)) > 1
        and _cap(text)
        and not w.first
        and not _title(w)
        and any(name_class(_core_text(x)) in ("name", "name-word") for x in ent_words(ws, ent))
    )
    if low in NOT_NAMES or w.lower in NOT_NAMES:
        return False
    if in_name and low not in NEVER_NAMES:
        return True
    if low in NEVER_NAMES or low in FUNCTION_WORDS:
        return False
    if _title(w) and nxt is not None and _cap(nxt.text) and not w.after.replace(".", ""):
        return False  # "Officer Reyes": the title stays, the name after it goes
    why = _context(ws, i)
    month = low in MONTH_WORDS
    if not _cap(text):
        if not (text.islower() and text.isalpha()):
            return False
        if kind == "name" or (why is not None and kind == "name-word"):
            return True
        prev = ws[i - 1] if i else None  # "big mike"
        return prev is not None and prev.lower in NICKNAME_WORDS and kind in ("name", "name-word")
    if why is not None:
        return not (month and _month_use(ws, i))
    prev = ws[i - 1] if i else None
    # a second name, a list of names: "Sandra Jenkins", "Destiny, Jayden and little Joy"
    if prev is not None and i - 1 in named and not prev.after and not month:
        return True
    if i >= 2 and prev is not None and not month:
        listed = (prev.lower in ("and", "&", "or") and not prev.after and i - 2 in named) or (
            prev.lower in NICKNAME_WORDS and i - 2 in named
        )
        if listed or (i - 1 in named and prev.after == ","):
            return True
    if _persona_head(ws, i) or _vocative(ws, i, kind):
        return True
    person = ent is not None and ent.label == "PERSON"
    place = ent is not None and ent.label in PLACE_ENTS
    if _phrase(ws, i) and not (person and ent is not None and len(ent_words(ws, ent)) > 1):
        return False
    pair = (
        nxt is not None
        and not w.after
        and _cap(nxt.text)
        and name_class(_core_text(nxt)) in ("name", "name-word")
        and kind in ("name", "name-word")
    )
    if month:
        return not _month_use(ws, i) and _cue_after(ws, i, strict=True)
    if kind == "word":
        if ent is not None and ent.label in NON_PERSON_ENTS - {"DATE", "TIME"}:
            return False
        return _cue_after(ws, i, strict=True) if w.first else True
    if kind == "name":
        return not (place and ent is not None and len(ent_words(ws, ent)) > 1)
    if kind == "name-word":
        if w.first:
            return pair or _cue_after(ws, i, strict=False)
        return not place or _cue_after(ws, i, strict=False)
    # not in the list: only the entity recogniser, with the words after it when it opens a line
    if not person or low.endswith(WORD_ENDINGS):
        return False
    if w.first:
        return pair or len(ent_words(ws, ent)) > 1 or _cue_after(ws, i, strict=True)  # type: ignore[arg-type]
    return True


def _vocative(ws: Sequence[Word], i: int, kind: str | None) -> bool:
    """A name the line opens with, addressing someone: "Tomasz, you sound exhausted."."""
    w = ws[i]
    if i != 0 or w.after != "," or kind == "word" or len(ws) < 2:
        return False
    low = w.lower
    if low in DISCOURSE or low.endswith("ly") or w.text.isupper():
        return False
    return ws[1].lower.replace("’", "'") in ADDRESSED


def _persona_head(ws: Sequence[Word], i: int) -> bool:
    """The head of a person's description at the start of a line: "Olu Adeyemi, 19, …"."""
    if i > 2 or not ws[0].first:
        return False
    j = 0
    while j < len(ws) and j < 3 and _cap(ws[j].text) and not ws[j].after:
        j += 1
    return (
        i <= j
        and j < len(ws)
        and ws[j].after == ","
        and _cap(ws[j].text)
        and j + 1 < len(ws)
        and ws[j + 1].text.isdigit()
        and len(ws[j + 1].text) <= 3
    )


def ent_words(ws: Sequence[Word], ent: Ent) -> list[Word]:
    return [w for w in ws if ent.start <= w.start < ent.end]


def known_names_regex(names: Iterable[str], keep: frozenset[str]) -> re.Pattern[str] | None:
    """Whole-word matches of each known name and of its parts that look like names (capitalised,
    two letters or more; an everyday word among them only with its capital)."""
    exact: set[str] = set()
    loose: set[str] = set()
    for name in names:
        name = " ".join(str(name).split())
        if len(name) < 2 or not any(ch.isalpha() for ch in name):
            continue
        exact.add(name)
        for p in name.split():
            p = p.strip(".,'\"()")
            if (
                len(p) < 2
                or not p[:1].isupper()
                or p.lower() in keep
                or p.rstrip(".").lower() in TITLES
            ):
                continue
            if name_class(p) == "word" or len(p) < 3:
                exact.add(p)
            else:
                loose.add(p)
    alts = [re.escape(w) for w in sorted(exact, key=len, reverse=True)]
    loose_alts = [re.escape(w) for w in sorted(loose - exact, key=len, reverse=True)]
    parts = []
    if alts:
        parts.append("(?:" + "|".join(alts) + ")")
    if loose_alts:
        parts.append("(?i:" + "|".join(loose_alts) + ")")
    if not parts:
        return None
    return re.compile(r"(?<![\w@])(?:" + "|".join(parts) + r")(?![\w@])")
