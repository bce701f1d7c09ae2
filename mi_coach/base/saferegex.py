"""Regular expressions from content files: refused when their shape makes a backtracking matcher
slow, and matched in time linear in the text whatever their shape.

Python's `re` backtracks: `^(\\w+\\s?)+$` takes exponential time on a line that almost matches,
and two neighbouring quantifiers over the same characters (`\\w+\\s*\\w+`) take polynomial time.
A trainer's rubric cue is such a pattern, so:

- `shape_problem(pattern)` names a catastrophic shape (a quantifier over a part that ends as the
  next repetition begins, alternatives that match the same text under a quantifier, neighbouring
  quantifiers over shared characters) so that `mi-coach validate` refuses it at file:line:field;
- `SafePattern` answers "does it match anywhere?" with a lazily built automaton (the technique of
  RE2: the set of pattern positions alive after each character, those sets cached as states):
  time linear in the text for any pattern it accepts, so a shape the check misses cannot hang.
  It accepts what cues need — literals, classes, alternation, groups, repetition, ^ $ \\A \\Z \\b
  \\B, the i/m/s/a flags — and refuses lookaround and back-references, which have no such bound.

Characters are tested by `re` itself (one character against one class), so the meaning of every
class, flag and case-insensitive match is exactly Python's.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c
    import sre_parse as _parser

MAXREPEAT = int(_c.MAXREPEAT)
# An automaton bigger than this (after repetitions are written out) is refused.
MAX_NODES = 4_000
# Pattern positions held in cached states; beyond this the cache starts afresh (memory bound).
_MAX_STORED = 1_000_000
# Pattern positions one search may visit (about a second): a pattern whose states keep changing
# on a long text is stopped with TooCostly rather than run on.
MAX_WORK = 2_000_000
# A bounded repetition this long counts as unbounded for the shape check.
_LONG = 100

_CATEGORY = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}
_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.ASCII


class Unsupported(ValueError):
    """A construct SafePattern cannot match in linear time (lookaround, back-references)."""


class TooCostly(ValueError):
    """A search that would visit more than MAX_WORK pattern positions."""


def _parse(pattern: str, flags: int) -> tuple[Any, int]:
    parsed = _parser.parse(pattern, flags)
    return parsed, int(parsed.state.flags) | flags


def _name(op: Any) -> str:
    return str(getattr(op, "name", op))


def _char(code: int) -> str:
    return f"\\U{code:08x}"


def _atom_source(op: str, av: Any) -> str | None:
    """The one-character class a parse item stands for, as `re` source; None if not an atom."""
    if op == "LITERAL":
        return _char(av)
    if op == "NOT_LITERAL":
        return f"[^{_char(av)}]"
    if op == "ANY":
        return "."
    if op == "IN":
        parts, negate = [], False
        for kind, value in av:
            kind = _name(kind)
            if kind == "NEGATE":
                negate = True
            elif kind == "LITERAL":
                parts.append(_char(value))
            elif kind == "RANGE":
                parts.append(f"{_char(value[0])}-{_char(value[1])}")
            elif kind == "CATEGORY":
                parts.append(_CATEGORY[_name(value)])
            else:  # pragma: no cover - the parser gives only these inside a class
                raise Unsupported(f"character class item {kind}")
        return "[" + ("^" if negate else "") + "".join(parts) + "]"
    return None


@lru_cache(maxsize=4096)
def _atom(source: str, flags: int) -> re.Pattern[str]:
    return re.compile(source, flags & _FLAGS)


def _sub_flags(av: Any, flags: int) -> int:
    add, remove = (av[1], av[2]) if len(av) == 4 else (0, 0)
    return (flags | int(add or 0)) & ~int(remove or 0)


# -- the shape check ------------------------------------------------------------------------------


class _Shape:
    """What the check needs to know of a piece of a pattern, over a sample alphabet: which
    characters it can start and end with, which it can consume at all, whether it can match
    nothing, and its quantifiers that can be the first or the last to consume."""

    __slots__ = ("first", "last", "chars", "nullable", "head", "tail")

    def __init__(self) -> None:
        self.first: frozenset[str] = frozenset()
        self.last: frozenset[str] = frozenset()
        self.chars: frozenset[str] = frozenset()
        self.nullable = True
        self.head: list[frozenset[str]] = []  # char sets of unbounded quantifiers at the start
        self.tail: list[frozenset[str]] = []  # ... at the end


class _Catastrophic(Exception):
    pass


class _Alphabet(str):
    """The sample characters, and which checks run: `polynomial` adds the shapes that cost
    polynomial time (neighbouring quantifiers, bounded nestings) to the exponential ones."""

    polynomial = True


def _alphabet(parsed: Any, polynomial: bool = True) -> _Alphabet:
    """Printable ASCII, a few others, and every character the pattern names."""
    extra: set[str] = set()

    def walk(items: Any) -> None:
        for op, av in items:
            op = _name(op)
            if op in ("LITERAL", "NOT_LITERAL"):
                extra.add(chr(av))
            elif op == "IN":
                for kind, value in av:
                    if _name(kind) == "LITERAL":
                        extra.add(chr(value))
                    elif _name(kind) == "RANGE":
                        extra.update((chr(value[0]), chr(value[1])))
            elif op == "SUBPATTERN":
                walk(av[-1])
            elif op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                walk(av[2])
            elif op == "BRANCH":
                for b in av[1]:
                    walk(b)
            elif op in ("ASSERT", "ASSERT_NOT"):
                walk(av[1])
            elif op == "ATOMIC_GROUP":
                walk(av)

    walk(parsed)
    sample = set(string.printable) | set("\u00e9\u00df\u0416\u0663\u00a0\u2014\u2019\u00c9_")
    out = _Alphabet("".join(sorted(sample | {c.swapcase() for c in extra} | extra)))
    out.polynomial = polynomial
    return out


def shape_problem(pattern: str, flags: int = 0, polynomial: bool = True) -> str | None:
    """Why `pattern` would make a backtracking matcher take exponential time on some text (or,
    with `polynomial`, high-polynomial time), or None. A bad pattern raises `re.error`."""
    re.compile(pattern, flags)
    parsed, flags = _parse(pattern, flags)
    alphabet = _alphabet(parsed, polynomial)
    try:
        _seq_shape(parsed, flags, alphabet)
    except _Catastrophic as exc:
        return str(exc)
    try:
        nfa = _Nfa(_without_lookaround(parsed), flags)
    except (Unsupported, OverflowError):
        return None  # back-references: `re` only, in rule files; the walk above covers those
    if _exponential(nfa, alphabet, _atom(r"\w", flags & re.ASCII)):
        return (
            "parts of a repeated group can match the same text in more than one way (as in "
            "(a|aa)* or (\\d+|\\w)+), so a text that almost matches is tried in exponentially "
            "many ways; make the alternatives or quantifiers inside it match different text"
        )
    return None


def _show(chars: frozenset[str]) -> str:
    shown = "".join(sorted(chars))[:12]
    return repr(shown) + ("…" if len(chars) > 12 else "")


def _without_lookaround(items: Any) -> list[Any]:
    """The pattern with lookahead and lookbehind left out (they read no characters of the
    match; their own insides are checked by the walk)."""
    out = []
    for op, av in items:
        name = _name(op)
        if name in ("ASSERT", "ASSERT_NOT"):
            continue
        if name == "SUBPATTERN":
            av = (*av[:-1], _without_lookaround(av[-1]))
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            av = (av[0], av[1], _without_lookaround(av[2]))
        elif name == "BRANCH":
            av = (av[0], [_without_lookaround(b) for b in av[1]])
        out.append((op, av))
    return out


def _seq_shape(items: Any, flags: int, alphabet: _Alphabet) -> _Shape:
    out = _Shape()
    pending_tail: list[frozenset[str]] = []  # unbounded quantifiers that may end what came so far
    for op, av in items:
        shape = _item_shape(_name(op), av, flags, alphabet)
        for x in pending_tail if alphabet.polynomial else ():
            for y in shape.head:
                common = x & y
                if common:
                    raise _Catastrophic(
                        "two quantifiers in a row can match the same characters "
                        f"({_show(common)}), so the text can be split between them in many "
                        "ways (as in \\w+\\s*\\w+); make their characters differ"
                    )
        if out.nullable:
            out.first |= shape.first
            out.head += shape.head
        out.chars |= shape.chars
        if shape.nullable:
            out.last |= shape.last
            out.tail += shape.tail
            pending_tail += shape.tail
        else:
            out.last = shape.last
            out.tail = list(shape.tail)
            pending_tail = list(shape.tail)
        out.nullable = out.nullable and shape.nullable
    return out


def _item_shape(op: str, av: Any, flags: int, alphabet: _Alphabet) -> _Shape:
    source = _atom_source(op, av)
    if source is not None:
        rx = _atom(source, flags)
        chars = frozenset(c for c in alphabet if rx.fullmatch(c))
        s = _Shape()
        s.first = s.last = s.chars = chars
        s.nullable = False
        return s
    if op == "AT":
        return _Shape()
    if op == "SUBPATTERN":
        return _seq_shape(av[-1], _sub_flags(av, flags), alphabet)
    if op == "ATOMIC_GROUP":
        return _seq_shape(av, flags, alphabet)
    if op in ("ASSERT", "ASSERT_NOT"):
        _seq_shape(av[1], flags, alphabet)  # its own inside is checked; it consumes nothing
        return _Shape()
    if op == "BRANCH":
        branches = [_seq_shape(b, flags, alphabet) for b in av[1]]
        s = _Shape()
        s.nullable = any(b.nullable for b in branches)
        for b in branches:
            s.first |= b.first
            s.last |= b.last
            s.chars |= b.chars
            s.head += b.head
            s.tail += b.tail
        return s
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        lo, hi, body = int(av[0]), int(av[1]), av[2]
        inner = _seq_shape(body, flags, alphabet)
        if op != "POSSESSIVE_REPEAT" and hi >= 4:
            _check_repeat(body, inner, flags, alphabet)
        s = _Shape()
        s.first, s.last, s.chars = inner.first, inner.last, inner.chars
        s.nullable = lo == 0 or inner.nullable
        unbounded = (hi == MAXREPEAT or hi >= _LONG) and hi > lo
        if unbounded and op != "POSSESSIVE_REPEAT" and inner.chars:
            s.head = [inner.first]
            s.tail = [inner.last]
        else:
            s.head, s.tail = inner.head, inner.tail
        return s
    if op in ("GROUPREF", "GROUPREF_EXISTS"):
        s = _Shape()
        s.chars = frozenset(alphabet)
        return s
    return _Shape()  # pragma: no cover - nothing else occurs in a parsed pattern


def _check_repeat(body: Any, inner: _Shape, flags: int, alphabet: _Alphabet) -> None:
    """A quantifier over a part that can end the way the next repetition begins, or that holds
    alternatives matching the same text, has exponentially many ways to match."""
    if inner.nullable and any(_variable_repeats(body, flags, alphabet, tail=False)):
        raise _Catastrophic(
            "nested quantifiers: a repeated group that can match nothing holds a quantifier "
            "(as in (a*)*)"
        )
    if not alphabet.polynomial:
        return  # the rest is found by the exponential check, or costs polynomial time
    for q in _variable_repeats(body, flags, alphabet, tail=True):
        common = q & inner.first
        if common:
            raise _Catastrophic(
                "nested quantifiers: a repeated group ends with a quantifier whose characters "
                f"({_show(common)}) can also begin the next repetition (as in (\\w+\\s?)+ or "
                "(a+)+); make the group end with something the next repetition cannot start with"
            )
    word = _atom(r"\w", flags & re.ASCII)
    trailing = []
    for op, av in reversed(list(body)):
        if not _item_shape(_name(op), av, flags, alphabet).nullable:
            break
        trailing.append((_name(op), _name(av)))
    ends_at_boundary = ("AT", "AT_BOUNDARY") in trailing
    for q in _variable_repeats(body, flags, alphabet, tail=True, reverse=True):
        uniform = all(word.fullmatch(c) for c in q) or not any(word.fullmatch(c) for c in q)
        common = q & inner.last
        if common and not (ends_at_boundary and uniform):
            raise _Catastrophic(
                "nested quantifiers: a repeated group begins with a quantifier whose characters "
                f"({_show(common)}) can also end the repetition before it (as in (.*a){{12}}); "
                "make the group begin with something the previous repetition cannot end with"
            )


def _variable_repeats(
    items: Any, flags: int, alphabet: _Alphabet, tail: bool, reverse: bool = False
) -> Iterator[frozenset[str]]:
    """Char sets of quantifiers that can consume two or more characters: those at the end of
    `items` (everything after them can match nothing) when `tail`, at its start when `reverse`
    too, else all of them."""
    seq = list(items)[::-1] if reverse else list(items)
    word = _atom(r"\w", flags & re.ASCII)
    for index, (op, av) in enumerate(seq):
        op = _name(op)
        after = seq[index + 1 :]
        if tail and not all(_item_shape(_name(o), a, flags, alphabet).nullable for o, a in after):
            continue
        if op in ("MAX_REPEAT", "MIN_REPEAT"):
            lo, hi = int(av[0]), int(av[1])
            chars = _seq_shape(av[2], flags, alphabet).chars
            # \w+\b: a run of word (or non-word) characters before \b is taken whole
            bounded = tail and any(_name(o) == "AT" and _name(a) == "AT_BOUNDARY" for o, a in after)
            uniform = all(word.fullmatch(c) for c in chars) or not any(
                word.fullmatch(c) for c in chars
            )
            if hi >= 2 and hi > lo and not (bounded and uniform and not reverse):
                yield chars
            yield from _variable_repeats(av[2], flags, alphabet, tail, reverse)
        elif op == "SUBPATTERN":
            yield from _variable_repeats(av[-1], _sub_flags(av, flags), alphabet, tail, reverse)
        elif op == "BRANCH":
            for b in av[1]:
                yield from _variable_repeats(b, flags, alphabet, tail, reverse)


# -- the automaton --------------------------------------------------------------------------------

_CHAR, _SPLIT, _ASSERT, _MATCH = 0, 1, 2, 3


class _Nfa:
    """A Thompson automaton of a parsed pattern: nodes that test a character, split, assert a
    position, or accept."""

    MATCH = 0

    def __init__(self, items: Any, flags: int, ignore_asserts: bool = False) -> None:
        self.kind: list[int] = [_MATCH]
        self.arg: list[Any] = [None]
        self.next: list[int] = [-1]
        self.alt: list[int] = [-1]
        self.ignore_asserts = ignore_asserts
        self.asserts: set[tuple[str, bool]] = set()
        self.start = self._seq(list(items), flags, self.MATCH)
        self._succ_memo: dict[int, dict[tuple[int, frozenset[Any]], int]] = {}

    def _node(self, kind: int, arg: Any, nxt: int, alt: int = -1) -> int:
        if len(self.kind) >= MAX_NODES:
            raise OverflowError("pattern too large")
        self.kind.append(kind)
        self.arg.append(arg)
        self.next.append(nxt)
        self.alt.append(alt)
        return len(self.kind) - 1

    def _seq(self, items: list[Any], flags: int, nxt: int) -> int:
        for op, av in reversed(items):
            nxt = self._item(_name(op), av, flags, nxt)
        return nxt

    def _item(self, op: str, av: Any, flags: int, nxt: int) -> int:
        source = _atom_source(op, av)
        if source is not None:
            return self._node(_CHAR, _atom(source, flags), nxt)
        if op == "SUBPATTERN":
            return self._seq(list(av[-1]), _sub_flags(av, flags), nxt)
        if op == "BRANCH":
            starts = [self._seq(list(b), flags, nxt) for b in av[1]]
            node = starts[-1]
            for s in reversed(starts[:-1]):
                node = self._node(_SPLIT, None, s, node)
            return node
        if op in ("MAX_REPEAT", "MIN_REPEAT"):
            lo, hi, body = int(av[0]), int(av[1]), list(av[2])
            if hi == MAXREPEAT:
                loop = self._node(_SPLIT, None, -1, nxt)
                self.next[loop] = self._seq(body, flags, loop)
                node = loop
            else:
                node = nxt  # optional copies, nested: (x(x(x)?)?)?
                for _ in range(hi - lo):
                    node = self._node(_SPLIT, None, self._seq(body, flags, node), nxt)
            for _ in range(lo):  # required copies
                node = self._seq(body, flags, node)
            return node
        if op == "AT":
            if self.ignore_asserts:
                return nxt
            where = (_name(av), bool(flags & re.MULTILINE))
            self.asserts.add(where)
            return self._node(_ASSERT, where, nxt)
        raise Unsupported(
            {
                "ASSERT": "lookahead and lookbehind",
                "ASSERT_NOT": "negative lookahead and lookbehind",
                "GROUPREF": "back-references",
                "GROUPREF_EXISTS": "conditional groups",
                "ATOMIC_GROUP": "atomic groups",
                "POSSESSIVE_REPEAT": "possessive quantifiers",
            }.get(op, op)
        )

    def closure(self, nodes: Any, ctx: Any = None) -> frozenset[int]:
        """The nodes reachable without reading a character (assertions checked in `ctx`)."""
        out: set[int] = set()
        stack = list(nodes)
        seen: set[int] = set()
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            k = self.kind[n]
            if k == _SPLIT:
                stack.append(self.alt[n])
                stack.append(self.next[n])
            elif k == _ASSERT:
                if ctx is None or _holds(self.arg[n], ctx):
                    stack.append(self.next[n])
            else:
                out.add(n)
        return frozenset(out)

    def successors(self, start: int) -> dict[tuple[int, frozenset[Any]], int]:
        """Character nodes reachable from `start` without reading a character, with the
        assertions passed on the way, each with the number of distinct ways (1, or 2 meaning
        more than one). A way round a loop that reads nothing is not a second way (matchers
        refuse it)."""
        memo = self._succ_memo  # answers that did not depend on the path: shared by calls

        def walk(n: int, path: frozenset[int]) -> tuple[dict[Any, int], bool]:
            """(targets, whether a loop was cut below n: then the answer depends on path)."""
            if n in memo:
                return memo[n], False
            k = self.kind[n]
            if k == _CHAR:
                return {(n, frozenset()): 1}, False
            if k == _MATCH:
                return {}, False
            out: dict[Any, int] = {}
            cut = False
            for m in (self.next[n], self.alt[n]) if k == _SPLIT else (self.next[n],):
                if m in path or m == n:
                    cut = True
                    continue
                found, below = walk(m, path | {n})
                cut = cut or below
                for (target, reqs), count in found.items():
                    key = (target, reqs | {self.arg[n]}) if k == _ASSERT else (target, reqs)
                    out[key] = 2 if key in out else count
            if not cut:
                memo[n] = out
            return out, cut

        return walk(start, frozenset())[0]

    def step(self, nodes: frozenset[int], c: str) -> set[int]:
        return {self.next[n] for n in nodes if self.kind[n] == _CHAR and self.arg[n].fullmatch(c)}


def _holds(where: tuple[str, bool], ctx: tuple[bool, ...]) -> bool:
    at_start, at_end, prev_nl, next_nl, end_ish, prev_word, next_word = ctx
    name, multiline = where
    if name == "AT_BEGINNING":
        return at_start or (multiline and prev_nl)
    if name == "AT_BEGINNING_STRING":
        return at_start
    if name == "AT_END":
        return at_end or (next_nl and (multiline or end_ish))
    if name == "AT_END_STRING":
        return at_end
    if name == "AT_BOUNDARY":
        return prev_word != next_word
    if name == "AT_NON_BOUNDARY":
        return prev_word == next_word and not (at_start and at_end)
    raise Unsupported(name)  # pragma: no cover - AT_LOC_* only with re.LOCALE on bytes


def _mid_string(reqs: frozenset[Any], prev_word: bool, next_word: bool) -> bool:
    """Whether assertions can hold between two characters inside a text (a cycle of the
    automaton is never at the text's start or end)."""
    for name, multiline in reqs:
        if name == "AT_BOUNDARY" and prev_word == next_word:
            return False
        if name == "AT_NON_BOUNDARY" and prev_word != next_word:
            return False
        if name in ("AT_BEGINNING_STRING", "AT_END_STRING") or (
            name in ("AT_BEGINNING", "AT_END") and not multiline
        ):
            return False
    return True


def _exponential(nfa: _Nfa, alphabet: str, word: re.Pattern[str], limit: int = 200_000) -> bool:
    """Whether some text can take two different paths from a state back to itself (exponential
    ambiguity, the criterion of Weber and Seidl): in the automaton read two copies at a time,
    a pair of equal states and a pair of different ones lie on one cycle, or a step between
    equal states can be taken in two ways and lies on a cycle. A state of the pair automaton is
    (node, its assertions, node, its assertions, was the last character a word character)."""
    letters = list(alphabet)
    word_mask = sum(1 << i for i, c in enumerate(letters) if word.fullmatch(c))
    masks: dict[int, int] = {}
    for n in range(len(nfa.kind)):
        if nfa.kind[n] == _CHAR:
            masks[n] = sum(1 << i for i, c in enumerate(letters) if nfa.arg[n].fullmatch(c))
    reqs_id: dict[frozenset[Any], int] = {}
    reqs_of: list[frozenset[Any]] = []

    def intern(reqs: frozenset[Any]) -> int:
        if reqs not in reqs_id:
            reqs_id[reqs] = len(reqs_of)
            reqs_of.append(reqs)
        return reqs_id[reqs]

    succ = {
        n: [(m, intern(r), k) for (m, r), k in nfa.successors(nfa.next[n]).items()] for n in masks
    }
    # Only nodes on a cycle of the automaton can be on a cycle of pairs.
    single = _components({n: [(m, False) for m, _, _ in succ[n]] for n in masks})
    sizes: dict[int, int] = {}
    for comp in single.values():
        sizes[comp] = sizes.get(comp, 0) + 1
    cyclic = {n for n in masks if sizes[single[n]] > 1 or any(m == n for m, _, _ in succ[n])}
    succ = {n: [t for t in succ[n] if t[0] in cyclic] for n in cyclic}
    entered: dict[int, set[int]] = {n: {intern(frozenset())} for n in cyclic}
    for n in cyclic:
        for m, r, _ in succ[n]:
            entered[m].add(r)

    def key(x: int, rx: int, y: int, ry: int, prev: bool) -> tuple[int, int, int, int, bool]:
        return (x, rx, y, ry, prev) if (x, rx) <= (y, ry) else (y, ry, x, rx, prev)

    todo = [key(n, r, n, r, p) for n in cyclic for r in entered[n] for p in (False, True)]
    seen = set(todo)
    edges: dict[Any, list[tuple[Any, bool]]] = {}
    while todo:
        state = todo.pop()
        x, rx, y, ry, prev = state
        same = x == y and rx == ry
        out: list[tuple[Any, bool]] = []
        common = masks[x] & masks[y]
        nows = [w for w, part in ((True, common & word_mask), (False, common & ~word_mask)) if part]
        for now in nows:
            if not (_mid_string(reqs_of[rx], prev, now) and _mid_string(reqs_of[ry], prev, now)):
                continue
            for x2, rx2, kx in succ[x]:
                mx = masks[x2]
                for y2, ry2, _ in succ[y]:
                    if not mx & masks[y2]:
                        continue  # the two copies cannot read one character next: a dead end
                    nxt = key(x2, rx2, y2, ry2, now)
                    out.append((nxt, same and x2 == y2 and rx2 == ry2 and kx > 1))
                    if nxt not in seen:
                        if len(seen) >= limit:
                            return False  # too big to decide: no verdict
                        seen.add(nxt)
                        todo.append(nxt)
        edges[state] = out
    component = _components(edges)
    for state, out in edges.items():
        diagonal = state[0] == state[2] and state[1] == state[3]
        for nxt, twice in out:
            if component[state] != component[nxt]:
                continue
            if twice or diagonal != (nxt[0] == nxt[2] and nxt[1] == nxt[3]):
                return True
    return False


def _components(edges: dict[Any, list[tuple[Any, bool]]]) -> dict[Any, int]:
    """Strongly connected components (Tarjan's algorithm, iterative)."""
    index: dict[Any, int] = {}
    low: dict[Any, int] = {}
    comp: dict[Any, int] = {}
    stack: list[Any] = []
    on_stack: set[Any] = set()
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            out = edges.get(node, [])
            if i < len(out):
                work.append((node, i + 1))
                nxt = out[i][0]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    comp[top] = index[node]
                    if top == node:
                        break
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return comp


class SafePattern:
    """A pattern matched in time linear in the text: `search(text)` is True when it matches
    anywhere, as `re.search` would. Raises `re.error` for a bad pattern, `Unsupported` for
    lookaround or back-references, OverflowError when it is too large."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        re.compile(pattern, flags)
        parsed, self.flags = _parse(pattern, flags)
        self.pattern = pattern
        self._nfa = _Nfa(parsed, self.flags)
        self._word = _atom(r"\w", self.flags & re.ASCII)
        self._needs_ctx = bool(self._nfa.asserts)
        self._reset()

    def _reset(self) -> None:
        self._ids: dict[frozenset[int], int] = {}
        self._sets: list[frozenset[int]] = []
        self._closures: dict[tuple[int, Any], tuple[int, bool]] = {}
        self._steps: dict[tuple[int, str], int] = {}
        self._is_word: dict[str, bool] = {}
        self._stored = 0
        self._start = self._intern(frozenset({self._nfa.start}))

    def _intern(self, nodes: frozenset[int]) -> int:
        found = self._ids.get(nodes)
        if found is None:
            found = self._ids[nodes] = len(self._sets)
            self._sets.append(nodes)
            self._stored += len(nodes) + 1
        return found

    def _ctx(self, text: str, i: int) -> tuple[bool, ...] | None:
        if not self._needs_ctx:
            return None
        n = len(text)
        prev = text[i - 1] if i else ""
        nxt = text[i] if i < n else ""
        return (
            i == 0,
            i == n,
            prev == "\n",
            nxt == "\n",
            i == n - 1,
            bool(prev) and self._word_char(prev),
            bool(nxt) and self._word_char(nxt),
        )

    def _word_char(self, c: str) -> bool:
        found = self._is_word.get(c)
        if found is None:
            found = self._is_word[c] = self._word.fullmatch(c) is not None
        return found

    def search(self, text: str) -> bool:
        """Whether the pattern matches anywhere in `text` (as `re.search`). Time linear in the
        text; TooCostly when the states would keep changing beyond MAX_WORK."""
        nfa = self._nfa
        current = self._start
        work = 0
        n = len(text)
        for i in range(n + 1):
            if self._stored > _MAX_STORED:  # keep memory bounded: start the cache afresh
                nodes = self._sets[current]
                self._reset()
                current = self._intern(nodes)
            ctx = self._ctx(text, i)
            key = (current, ctx)
            found = self._closures.get(key)
            if found is None:
                nodes = nfa.closure(self._sets[current], ctx)
                work += len(nodes) + len(self._sets[current])
                found = self._closures[key] = (self._intern(nodes), _Nfa.MATCH in nodes)
            closed, matched = found
            if matched:
                return True
            if i == n:
                return False
            c = text[i]
            after = self._steps.get((closed, c))
            if after is None:
                before = self._sets[closed]
                work += len(before)
                after = self._steps[(closed, c)] = self._intern(
                    frozenset(nfa.step(before, c)) | self._sets[self._start]
                )
            current = after
            if work > MAX_WORK:
                raise TooCostly(f"the pattern {self.pattern!r} is too costly on this text")
        return False  # pragma: no cover - the loop returns at i == n

    def __repr__(self) -> str:
        return f"SafePattern({self.pattern!r})"


def checked(pattern: str, flags: int = 0) -> str | None:
    """Everything wrong with an author's pattern for SafePattern, as one sentence, or None:
    not a regular expression, an unsupported construct, too large, or a catastrophic shape."""
    try:
        SafePattern(pattern, flags)
        problem = shape_problem(pattern, flags)
    except re.error as exc:
        return f"not a valid regular expression: {exc}"
    except Unsupported as exc:
        return f"{exc} are not supported in content patterns"
    except OverflowError:
        return f"the pattern is too large once its repetitions are written out (over {MAX_NODES:,} steps)"
    except RecursionError:
        return "the pattern is nested too deeply"
    return problem
