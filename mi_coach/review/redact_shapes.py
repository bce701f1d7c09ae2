"""The shapes of identifiers that need no language model: e-mail, URLs, phone numbers, SSNs, dates,
case/record numbers and addresses. Pure logic: a text in, spans out.

Every regular expression here runs in linear time: no quantified group holds a quantifier that
can repeat (`tests/test_redact.py` parses each pattern and checks it), character classes are
bounded where a token can be long, and everything that spans several words (addresses, a number
after "case", a city before a state) is found by walking the words in Python, not by a pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

from mi_coach.base.loading import parse_yaml, validate


class _WordLists(BaseModel):
    model_config = ConfigDict(extra="forbid")
    shapes: dict[str, list[str]]
    names: dict[str, list[str]]
    transcript: dict[str, list[str]]


@cache
def word_lists() -> dict[str, dict[str, frozenset[str]]]:
    """The redactor's word lists (lexicon/redaction.yml), by module, each a set of words."""
    path = resources.files("mi_coach.review") / "lexicon" / "redaction.yml"
    doc = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    lists = validate(doc, _WordLists)
    return {
        group: {key: frozenset(words) for key, words in getattr(lists, group).items()}
        for group in ("shapes", "names", "transcript")
    }


_W = word_lists()["shapes"]

# -- words --------------------------------------------------------------------------------------

_LEAD = "\"'“‘([{<*_¿¡"
_TRAIL = ".,;:!?\"'”’)]}>*_…"
SENTENCE_END = ".!?…"
# Abbreviations whose dot does not end a sentence.
ABBREVIATIONS = _W["abbreviations"]


@dataclass(frozen=True)
class Word:
    """A whitespace-separated token with its surrounding punctuation stripped: `text` is the core,
    [start, end) its place in the line; `before`/`after` the punctuation stripped off."""

    i: int
    start: int
    end: int
    text: str
    before: str
    after: str
    first: bool  # opens a sentence (or the line)

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_cap(self) -> bool:
        """Capitalised like a name: an upper-case first letter and some lower-case letters."""
        t = self.text
        return bool(t) and t[0].isupper() and any(c.islower() for c in t)


_TOKEN = re.compile(r"\S+")


def words(text: str) -> list[Word]:
    out: list[Word] = []
    first = True
    for m in _TOKEN.finditer(text):
        raw = m.group()
        a = 0
        while a < len(raw) and raw[a] in _LEAD:
            a += 1
        b = len(raw)
        while b > a and raw[b - 1] in _TRAIL:
            b -= 1
        core = raw[a:b]
        if not core:
            if any(c in SENTENCE_END for c in raw) or raw in ("-", "–", "—"):
                first = True
            continue
        w = Word(len(out), m.start() + a, m.start() + b, core, raw[:a], raw[b:], first)
        out.append(w)
        ends = any(c in SENTENCE_END for c in w.after) and w.lower not in ABBREVIATIONS
        first = ends or ":" in w.after or (w.after[:1] in ("—", "–"))
    return out


# -- one-token shapes ---------------------------------------------------------------------------

TLDS = (
    "com|org|net|edu|gov|mil|us|io|info|biz|me|co|ly|app|dev|ai|tv|ca|uk|online|site|link|"
    "page|health|care|law|legal"
)
EMAIL = re.compile(
    r"(?<![\w.%+'-])[A-Za-z0-9][A-Za-z0-9._%+'-]{0,63}@[A-Za-z0-9][A-Za-z0-9.-]{0,200}"
    r"\.[A-Za-z]{2,24}(?![\w-])"
)
# "jsmith at gmail dot com", "j.smith(at)example(dot)org"
_SPOKEN_DOT = r"(?: dot |\(dot\)|\[dot\]|\.)"
_SPOKEN_AT = r"(?: at |\(at\)|\[at\]| ?@ ?)"
EMAIL_SPOKEN = re.compile(
    # user (one or two " dot "s inside), " at ", domain (a " dot " inside), " dot ", top level
    r"(?<![\w.])[A-Za-z0-9][A-Za-z0-9_+-]{0,40}"
    rf"(?:{_SPOKEN_DOT}[A-Za-z0-9_+-]{{1,40}})?(?:{_SPOKEN_DOT}[A-Za-z0-9_+-]{{1,40}})?"
    rf"{_SPOKEN_AT}[A-Za-z0-9][A-Za-z0-9-]{{0,62}}(?:{_SPOKEN_DOT}[A-Za-z0-9-]{{1,62}})?"
    rf"{_SPOKEN_DOT}(?:{TLDS})(?![\w-])",
    re.IGNORECASE,
)
# A name spelled out letter by letter: "R-A-M-I-R-E-Z", "R. A. M. I. R. E. Z."
SPELLED = re.compile(
    r"(?<![\w-])[A-Za-z](?:-[A-Za-z]){2,30}(?![\w-])|(?<!\w)[A-Z](?:\. [A-Z]){3,30}\.?"
)
URL = re.compile(r"(?<![\w@.-])(?:https?://|www\.)[^\s<>\"'`]{1,2000}", re.IGNORECASE)
BARE_URL = re.compile(
    rf"(?<![\w@./-])[A-Za-z0-9][A-Za-z0-9.-]{{0,200}}\.(?:{TLDS})(?![A-Za-z0-9-])"
    r"(?:/[^\s<>\"'`]{0,2000})?",
    re.IGNORECASE,
)
SSN = re.compile(r"(?<![\w-])\d{3}([- ])\d{2}\1\d{4}(?![\w-])")
SSN_MASKED = re.compile(r"(?<![\w-])(?:[Xx*#]{3}|\d{3})-[Xx*#]{2}-\d{4}(?![\w-])")
PHONE = re.compile(
    r"(?<![\w+])(?:"
    # North American: (555) 123-4567, 555-123-4567, 555.123.4567, 555 123 4567, +1 555 123 4567
    r"\+?1[ .-]?\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}"
    r"|\+?1[ .-]?\d{3}[ .-]\d{3}[ .-]\d{4}"
    r"|\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}"
    r"|\d{3}[ .-]\d{3}[ .-]\d{4}"
    # international: +44 20 7946 0958, +33 1 23 45 67 89
    r"|\+\d{1,3}[ .-]\(?\d{1,4}\)?[ .-]\d{2,4}[ .-]\d{2,4}[ .-]\d{2,4}"
    r"|\+\d{1,3}[ .-]\(?\d{1,4}\)?[ .-]\d{2,4}[ .-]\d{2,4}"
    # UK/European national: 020 7946 0958, 07700 900123
    r"|0\d{2,4}[ -]\d{3,4}[ -]\d{3,4}"
    # ten or eleven digits run together, and a local 555-0123
    r"|\+?1?\d{10}|\d{3}[.-]\d{4}"
    r")(?![\w])"
)
PHONE_EXTENSION = re.compile(r" ?(?:ext\.?|x|extension) ?\d{1,5}\b", re.IGNORECASE)

_MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
MONTH_WORDS = frozenset(_MONTHS)
# Month names that are also everyday words: a date only when capitalised.
_MONTH_ALSO_WORD = frozenset({"may", "march", "mar", "jan", "dec", "aug", "sep", "jun"})
MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)(?![A-Za-z])"
)
_ORDINAL_WORDS = (
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    "thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
    "twenty-first|twenty-second|twenty-third|twenty-fourth|twenty-fifth|twenty-sixth|"
    "twenty-seventh|twenty-eighth|twenty-ninth|thirtieth|thirty-first"
)
DAY = rf"(?:(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?|{_ORDINAL_WORDS})"
YEAR = r"(?:1[89]\d\d|20\d\d|'\d\d)"
WEEKDAYS = _W["weekdays"]

NUMERIC_DATE = re.compile(r"(?<![\w/.$-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\w/-]|[.,]\d)")
ISO_DATE = re.compile(r"(?<![\w/.-])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\w/-]|[.,]\d)")
SHORT_DATE = re.compile(r"(?<![\w/.$-])(\d{1,2})/(\d{4}|\d{1,2})(?![\w/-]|[.,]\d)")
WRITTEN_DATES = (
    # March 14th 1988, March 14, 1988, Mar. 14, March the 14th, March 14
    re.compile(
        rf"\b{MONTH},? (?:the )?{DAY}\b(?:,? {YEAR}\b)?(?!\s?(?:%|percent|dollars|bucks))",
        re.IGNORECASE,
    ),
    # 14 March 1988, 2nd of January 1980, the 2nd of January
    re.compile(rf"\b(?:the )?{DAY} (?:of )?{MONTH}(?:,? {YEAR}\b)?", re.IGNORECASE),
    # January 1980, Sept. '88
    re.compile(rf"\b{MONTH},? {YEAR}\b", re.IGNORECASE),
)
# A date cue before a short date ("on 3/14", "DOB 3/14") or a run of digits ("DOB 01021980").
DATE_CUES = _W["date_cues"]
BIRTH_CUES = _W["birth_cues"]


def _month_ok(text: str) -> bool:
    """A month name in a match is really one: "May" and "March" only when capitalised."""
    head = re.match(r"(?:the )?(?:\d{1,2}(?:st|nd|rd|th)? (?:of )?)?([A-Za-z]+)", text, re.I)
    name = head.group(1) if head else text
    if name.lower() not in MONTH_WORDS:
        return True
    return not (name.lower() in _MONTH_ALSO_WORD and not name[0].isupper())


def _valid_mdy(a: int, b: int) -> bool:
    return (1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= a <= 31)


def _year_ok(y: str) -> bool:
    return len(y) == 2 or 1880 <= int(y) <= 2099


# -- places ---------------------------------------------------------------------------------------

STREET_SUFFIXES = _W["street_suffixes"]
# Suffixes that name a street even without a house number ("Maple Avenue", "Main St.").
STREET_SUFFIXES_ALONE = _W["street_suffixes_alone"]
ABBREVIATED_SUFFIXES = _W["abbreviated_suffixes"]
DIRECTIONS = _W["directions"]
UNITS = _W["units"]
# Units that make an address on their own ("Apt 3B"); "Room 12" alone is a shelter's room.
UNITS_ALONE = _W["units_alone"]
STATE_CODES = _W["state_codes"]
# Codes that are also words or abbreviations in capitals: a state only beside a ZIP or a comma.
AMBIGUOUS_CODES = _W["ambiguous_codes"]
STATES = _W["states"]
TWO_WORD_STATES = _W["two_word_states"]
ZIP = re.compile(r"\d{5}(?:-\d{4})?")
HOUSE_NUMBER = re.compile(r"\d{1,6}[A-Za-z]?|\d{1,6}-\d{1,4}|\d{1,6}[½]")
ORDINAL = re.compile(r"\d{1,3}(?:st|nd|rd|th)", re.IGNORECASE)
NAME_WORD = re.compile(r"[A-Z][A-Za-z'’.-]{0,30}")
PO_BOX = re.compile(r"\b(?:P\.? ?O\.? ?Box|Post Office Box) #?\d{1,7}\b", re.IGNORECASE)
# Words that start a sentence but never a street or a city name.
FUNCTION_WORDS = _W["function_words"]

# -- numbers ---------------------------------------------------------------------------------------

# Words after which a number is an identifier: "case 44817", "Medicaid ID: 99123", "DOC #447190".
ID_CUES = _W["id_cues"]
# Words allowed between a cue and its number ("case number is 44817", "ID #: 559").
ID_LINKS = _W["id_links"]
SSN_CUES = _W["ssn_cues"]
# Units and words after a number that make it an amount, not an identifier.
AMOUNT_WORDS = _W["amount_words"]
# Tokens mixing digits and letters that are common words, not identifiers.
NON_ID = re.compile(
    r"\d{1,4}(?:st|nd|rd|th|s|'s|am|pm|a\.m|p\.m|k|kg|lb|lbs|mg|ml|g|oz|hr|hrs|h|min|mins|yo|yr|"
    r"yrs|x|gb|mb|mph|ft|in|mi|km|m|cm|°f|°c|f|c)",
    re.IGNORECASE,
)
# Forms and things with numbers in their names: "I-9", "W-2", "401k", "COVID-19", "DD-214".
NAMED_THINGS = re.compile(
    r"(?:[A-Z]{1,3}-\d{1,3}|\d{3}\(?[kb]\)?|COVID-\d{2}|H\dN\d|[A-Z]\d{1,2}|\d{1,2}[A-Z]|"
    r"\d{1,3}-[A-Za-z]{3,}|[A-Za-z]{3,}-\d{1,2})",
    re.IGNORECASE,
)
YEAR_RANGE = re.compile(r"(?:19|20)\d\d[-–/](?:(?:19|20)\d\d|\d\d)")
MONEY_OR_COUNT = re.compile(
    r"\$?\d{1,3},\d{3}(?:,\d{3})?(?:,\d{3})?(?:\.\d{1,2})?|\$\d{1,9}(?:\.\d{1,2})?|\d+\.\d+|\d+%"
)
TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:am|pm)?", re.IGNORECASE)


def id_token(w: Word) -> bool:
    """A token that is an identifier by its shape: digits mixed with letters or dashes
    ("LT-2024-008817", "CM-559201", "A12345678", "2023-CV-00417"), or a long run of digits."""
    t = w.text.strip("#")
    if len(t) > 40 or not t:
        return False
    digits = sum(c.isdigit() for c in t)
    letters = sum(c.isalpha() for c in t)
    seps = sum(c in "-/._" for c in t)
    if not digits or (t.isdigit() and len(t) < 7):
        return False
    if any(not (c.isalnum() or c in "-/._#") for c in t):
        return False
    if NON_ID.fullmatch(t) or NAMED_THINGS.fullmatch(t) or YEAR_RANGE.fullmatch(t):
        return False
    if MONEY_OR_COUNT.fullmatch(t) or TIME.fullmatch(t):
        return False
    parts = re.split(r"[-/._]", t)
    if any(p.isalpha() and p.islower() and len(p) >= 3 for p in parts):
        return False  # "30-day", "2-bedroom": a compound word
    if t.isdigit():
        return True
    if letters and digits >= 4:
        return True
    if letters >= 2 and digits >= 3 and len(t) >= 5:
        return True
    return bool(seps) and digits >= 5


# -- finding them ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    kind: str


def shapes(text: str, ws: list[Word] | None = None) -> list[Hit]:
    """Every identifier found by its shape (not names)."""
    if ws is None:
        ws = words(text)
    hits: list[Hit] = []
    hits += [Hit(m.start(), m.end(), "email") for m in EMAIL.finditer(text)]
    for m in EMAIL_SPOKEN.finditer(text):
        spoken = m.group().lower()
        if " at " in spoken and not re.search(r" dot |\(dot\)|\[dot\]", spoken):
            continue  # "apply at benefits.gov" is a web address, not an e-mail
        hits.append(Hit(m.start(), m.end(), "email"))
    for rx in (URL, BARE_URL):
        for m in rx.finditer(text):
            end = m.end()
            while end > m.start() and text[end - 1] in _TRAIL:
                end -= 1
            if not _inside_email(text, m.start()):
                hits.append(Hit(m.start(), end, "url"))
    hits += [Hit(m.start(), m.end(), "ssn") for m in SSN.finditer(text)]
    hits += [Hit(m.start(), m.end(), "ssn") for m in SSN_MASKED.finditer(text)]
    for m in PHONE.finditer(text):
        ext = PHONE_EXTENSION.match(text, m.end())
        hits.append(Hit(m.start(), ext.end() if ext else m.end(), "phone"))
    hits += _dates(text, ws)
    hits += _streets(text, ws)
    hits += _places(text, ws)
    hits += _institutions(ws)
    hits += [Hit(m.start(), m.end(), "address") for m in PO_BOX.finditer(text)]
    hits += _numbers(text, ws)
    hits += [Hit(m.start(), m.end(), "name") for m in SPELLED.finditer(text)]
    return hits


def _inside_email(text: str, at: int) -> bool:
    left = text.rfind(" ", 0, at) + 1
    return "@" in text[left:at]


def _dates(text: str, ws: list[Word]) -> Iterator[Hit]:
    for m in NUMERIC_DATE.finditer(text):
        a, b = int(m.group(1)), int(m.group(3))
        if _valid_mdy(a, b) and _year_ok(m.group(4)):
            yield Hit(m.start(), m.end(), "date")
    for m in ISO_DATE.finditer(text):
        if 1 <= int(m.group(3)) <= 12 and 1 <= int(m.group(4)) <= 31 and _year_ok(m.group(1)):
            yield Hit(m.start(), m.end(), "date")
    for m in SHORT_DATE.finditer(text):
        month, second = m.group(1), m.group(2)
        if not 1 <= int(month) <= 12:
            continue
        if len(second) == 4:
            if _year_ok(second):
                yield Hit(m.start(), m.end(), "date")
        elif 1 <= int(second) <= 31 and _cue_before(text, m.start(), DATE_CUES):
            yield Hit(m.start(), m.end(), "date")
    for rx in WRITTEN_DATES:
        for m in rx.finditer(text):
            if _month_ok(m.group()):
                yield Hit(m.start(), m.end(), "date")
    # "DOB 01021980", "born 1/2/80" (the second is found above)
    for w in ws:
        if w.text.isdigit() and len(w.text) in (6, 8) and _cue_words(ws, w.i, BIRTH_CUES, 3):
            yield Hit(w.start, w.end, "date")


def _cue_before(text: str, at: int, cues: frozenset[str]) -> bool:
    before = text[max(0, at - 40) : at].lower().replace(":", " ").split()
    return bool(before) and before[-1].strip(".,#") in cues


def _cue_words(ws: list[Word], i: int, cues: frozenset[str], window: int) -> bool:
    for j in range(i - 1, max(-1, i - 1 - window), -1):
        w = ws[j].lower.strip(".#")
        if w in cues or ws[j].lower in cues:
            return True
        if any(c in SENTENCE_END for c in ws[j].after) and ws[j].lower not in ABBREVIATIONS:
            return False
    return False


def _street_word(w: Word) -> bool:
    return bool(
        (NAME_WORD.fullmatch(w.text) and w.lower not in FUNCTION_WORDS)
        or ORDINAL.fullmatch(w.text)
        or w.lower.rstrip(".") in DIRECTIONS
    )


def _streets(text: str, ws: list[Word]) -> Iterator[Hit]:
    """Street addresses: a house number (or not) and capitalised words ending in a street suffix,
    with the apartment or unit after it; and an apartment or unit alone ("Apt 3B")."""
    n = len(ws)
    i = 0
    while i < n:
        w = ws[i]
        numbered = bool(HOUSE_NUMBER.fullmatch(w.text)) and w.after in ("", "-")
        named = w.is_cap and _street_word(w) and w.lower.rstrip(".") not in STREET_SUFFIXES
        end = _street_from(ws, i, numbered) if numbered or named else None
        if end is not None:
            last = _unit_after(ws, end)
            tail = ws[last]
            stop = tail.end + (
                1 if tail.after.startswith(".") and last == end and _abbr(tail) else 0
            )
            yield Hit(w.start, stop, "address")
            i = last + 1
            continue
        if (w.lower.rstrip(".") in UNITS_ALONE and w.text[:1].isupper()) or w.lower == "apt":
            value = _unit_value(ws, i)
            if value is not None:
                yield Hit(w.start, ws[value].end, "address")
                i = value + 1
                continue
        i += 1


def _abbr(w: Word) -> bool:
    return w.lower in ABBREVIATED_SUFFIXES


def _street_from(ws: list[Word], i: int, numbered: bool) -> int | None:
    """The index of the street suffix ending a street name that starts at word i (a house
    number, or a capitalised word), or None."""
    names = 0
    lowercase = 0
    start = i + 1 if numbered else i
    for j in range(start, min(len(ws), start + 5)):
        w = ws[j]
        if j > i and w.before:
            return None
        key = w.lower.rstrip(".")
        if key in STREET_SUFFIXES and names:
            if not numbered:
                if key not in STREET_SUFFIXES_ALONE or not w.text[0].isupper():
                    return None
                if key == "st" and j + 1 < len(ws) and ws[j + 1].is_cap and w.after in ("", "."):
                    return None  # "St. Vincent": a saint
            elif lowercase and key not in ABBREVIATED_SUFFIXES:
                return None
            return j
        if _street_word(w):
            names += 1
        elif numbered and w.text.isalpha() and w.text.islower() and key not in FUNCTION_WORDS:
            names += 1
            lowercase += 1
        else:
            return None
        if w.after not in ("", "."):
            return None  # a comma or a stop inside: not one street name
        if w.after == "." and not (len(w.text) <= 2 or key in DIRECTIONS):
            return None
    return None


def _unit_after(ws: list[Word], j: int) -> int:
    """The last word of an apartment or unit that follows a street ("Apt 3B", ", Unit 12", "#4")."""
    k = j + 1
    if k >= len(ws) or ws[j].after not in ("", ",", ".", ".,"):
        return j
    w = ws[k]
    hashed = w.before.endswith("#") or w.text.startswith("#")
    if hashed and re.fullmatch(r"#?[A-Za-z]?\d{1,5}[A-Za-z]?", w.text):
        return k
    if w.lower.rstrip(".") in UNITS or w.text == "#":
        last = _unit_value(ws, k)
        if last is not None:
            return last
    return j


UNIT_NUMBER = re.compile(r"#?[A-Za-z]?\d{1,5}[A-Za-z]?|#?\d{1,4}-[A-Za-z0-9]{1,3}")


def _unit_value(ws: list[Word], k: int) -> int | None:
    """`ws[k]` is a unit word ("Apt"): the index of its value ("3B", "# 4", "B"), or None."""
    for m in range(k + 1, min(len(ws), k + 3)):
        v = ws[m]
        if v.text in ("#", "No", "no", "number") or v.lower == "no.":
            continue
        if UNIT_NUMBER.fullmatch(v.text) or (len(v.text) == 1 and v.text.isupper()):
            return m
        return None
    return None


def _state_at(ws: list[Word], i: int) -> int | None:
    """If a state starts at word i: the index of its last word."""
    w = ws[i]
    if w.text in STATE_CODES or w.text.replace(".", "") in STATE_CODES and len(w.text) == 4:
        return i
    if not w.text[:1].isupper():
        return None
    if w.lower in STATES:
        return i
    if i + 1 < len(ws) and not w.after and f"{w.lower} {ws[i + 1].lower}" in TWO_WORD_STATES:
        return i + 1
    return None


def _places(text: str, ws: list[Word]) -> Iterator[Hit]:
    """City, state and ZIP: "Pittsburgh PA 15212", "Columbus, OH 43215", "Dayton, Ohio";
    and a ZIP after its cue ("zip code 15212")."""
    for i, w in enumerate(ws):
        if w.lower in ("zip", "zipcode", "postcode") or (
            w.lower == "code" and i and ws[i - 1].lower == "zip"
        ):
            for j in range(i + 1, min(len(ws), i + 3)):
                if ZIP.fullmatch(ws[j].text):
                    yield Hit(ws[j].start, ws[j].end, "address")
                    break
        last = _state_at(ws, i)
        if last is None:
            continue
        zip_ = last + 1 if last + 1 < len(ws) and ZIP.fullmatch(ws[last + 1].text) else None
        if zip_ is not None and ws[last].after not in ("", ","):
            zip_ = None
        # the city: up to three capitalised words right before the state
        first = i
        comma = False
        for j in range(i - 1, max(-1, i - 4), -1):
            c = ws[j]
            if c.after not in ("", ",") or (c.after == "," and j != i - 1):
                break
            if not (c.is_cap and c.text.replace("'", "").replace(".", "").isalpha()):
                break
            if c.lower in FUNCTION_WORDS or c.lower in WEEKDAYS or c.lower in MONTH_WORDS:
                break
            first = j
            comma = comma or c.after == ","
            if c.first:
                break
        has_city = first < i
        code = ws[i].text in STATE_CODES
        if zip_ is not None:
            yield Hit(ws[first].start, ws[zip_].end, "address")
        elif has_city and (comma or (code and ws[i].text not in AMBIGUOUS_CODES)):
            yield Hit(ws[first].start, ws[last].end, "address")


INSTITUTION_HEADS = _W["institution_heads"]


def _institutions(ws: list[Word]) -> Iterator[Hit]:
    """A named school or workplace: one to three capitalised words, then a capitalised head word
    ("Lincoln Elementary", "Roosevelt High School", "Pete's Diner")."""
    i = 0
    while i < len(ws):
        w = ws[i]
        if not (w.is_cap and w.lower.strip(".") in INSTITUTION_HEADS) or i == 0:
            i += 1
            continue
        end = i
        # a head word followed by more head words ("High School"): take the whole run
        while end + 1 < len(ws) and ws[end].after == "" and ws[end + 1].is_cap:
            if ws[end + 1].lower.strip(".") not in INSTITUTION_HEADS:
                break
            end += 1
        first = i
        for j in range(i - 1, max(-1, i - 4), -1):
            c = ws[j]
            if c.after != "" or not c.is_cap:
                break
            core = c.lower.replace("'s", "").replace("’s", "")
            if core in FUNCTION_WORDS or core in WEEKDAYS or core in MONTH_WORDS:
                break
            if core in INSTITUTION_HEADS:
                break
            first = j
            if c.first:
                break
        if first < i:
            yield Hit(ws[first].start, ws[end].end, "place")
        i = end + 1


def _numbers(text: str, ws: list[Word]) -> Iterator[Hit]:
    """Identifiers by their shape, and numbers after an identifier's cue word (a number written
    in groups, "28 417 903", is one)."""
    i = 0
    while i < len(ws):
        w = ws[i]
        digits_only = w.text.lstrip("#").isdigit()
        ssn = digits_only and len(w.text.lstrip("#")) == 9 and _cue_words(ws, i, SSN_CUES, 4)
        if id_token(w) and not ssn:
            yield Hit(w.start, w.end, "id")
            i += 1
            continue
        glued = w.before.endswith("#") or w.text.startswith("#")
        value = w.text.lstrip("#")
        prefix = (
            re.fullmatch(r"[A-Z]{1,3}", value) is not None
            and i + 1 < len(ws)
            and not w.after
            and re.fullmatch(r"\d{2,6}", ws[i + 1].text) is not None
        )
        if not re.fullmatch(r"[A-Za-z0-9-]{1,30}", value) or not (
            prefix or any(c.isdigit() for c in value)
        ):
            i += 1
            continue
        last = i  # digits in groups: "28 417 903", "5520 1193", "HX 778 221 09"
        while (
            last + 1 < len(ws)
            and not ws[last].after
            and not ws[last + 1].before
            and re.fullmatch(r"\d{1,6}", ws[last + 1].text)
            and last - i < 5
        ):
            last += 1
        digits = sum(c.isdigit() for k in range(i, last + 1) for c in ws[k].text)
        nxt = ws[last + 1].lower if last + 1 < len(ws) else ""
        amount = (
            nxt in AMOUNT_WORDS
            or w.before.endswith("$")
            or MONEY_OR_COUNT.fullmatch(value)
            or TIME.fullmatch(value)
            or NON_ID.fullmatch(value)
        )
        start = w.start - (1 if w.before.endswith("#") else 0)
        if not amount and digits in (4, 9) and _cue_words(ws, i, SSN_CUES, 4):
            yield Hit(start, ws[last].end, "ssn")
        elif not amount and ((glued and digits >= 3) or (digits >= 4 and _id_cue(ws, i))):
            yield Hit(start, ws[last].end, "id")
        i = last + 1


def _id_cue(ws: list[Word], i: int) -> bool:
    """An identifier's cue word right before word i, with only linking words between."""
    for j in range(i - 1, max(-1, i - 5), -1):
        w = ws[j]
        key = w.lower.strip(".:#")
        if any(c in SENTENCE_END for c in w.after) and w.lower not in ABBREVIATIONS:
            return False
        if key in ID_CUES or w.text.endswith("#"):
            return True
        if key not in ID_LINKS and w.lower not in ID_LINKS:
            return False
    return False
