"""The classifier engine.

It knows the kinds of rule (phrase, token, dependency, regex) and their conditions, never a
particular rule or code. For each sentence:

1. every rule without `refines` that fires there is a candidate; the highest `priority` gives the
   sentence its code (no candidate: the code table's default);
2. rules with `refines: [codes]` then re-code a sentence whose code is one of those codes
   (`scope: turn` lets one sentence re-code the others, e.g. "take it or leave it");
   Regex rules read the sentence from its first word that is not a filler ("okay, so …"), or with
   `whole_sentence: true` from its very first word.
3. conditions: `unless` (a regex the sentence must not match), `min_words` (content words in
   the sentence), `skip_reported` (the matched words are not in reported speech: a clause
   completing an earlier reporting verb — say, tell, think, feel… — whose subject is not the
   speaker, or a passive "being told"; read from the parse), and on the client's preceding
   statement: `client` (a regex it must match), `novel` (the matched words are not the client's
   own), `echo` (at least this share of the sentence's content words are the client's own),
   `novelty` (at least this share are not).

The turn's `codes` are the sentences' codes in order (the default code only when nothing else was
found); the primary `code` follows the code table's precedence (tiers; within a tier, the code
covering most of the response), which puts MI-non-adherent behaviour first so it is never hidden.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mi_coach.coding import regex_cache
from mi_coach.coding.inputs import check_length
from mi_coach.coding.models import Classification, Rule, SentenceResult, Tag, regex
from mi_coach.coding.nlp import Pipeline, get_pipeline
from mi_coach.coding.ruleset import RuleSet, expand_lexicons, load_normalization, load_ruleset

if TYPE_CHECKING:  # spaCy's types, for the reader and mypy; spaCy itself loads lazily
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

# Token attributes that only a trained pipeline fills in; rules using them are skipped when the
# pipeline is blank (degraded mode).
_NEEDS_TRAINED = {
    "POS",
    "TAG",
    "DEP",
    "LEMMA",
    "MORPH",
    "ENT_TYPE",
    "ENT_IOB",
    "ENT_ID",
    "SENT_START",
    "IS_SENT_START",
}
BATCH_SIZE = 256
# Dependency relations by which a clause completes a reporting verb ("says [you need a job]",
# "telling you [to get over it]", "feel like [you need to]").
_COMPLEMENTS = frozenset({"ccomp", "xcomp", "advcl"})
_PASSIVE_AUX = frozenset({"being", "been", "get", "got", "gets", "getting"})


@dataclass(frozen=True)
class _Hit:
    rule: Rule
    start: int  # token indices in the doc
    end: int


def _stem(word: str, same: dict[str, str], suffixes: tuple[str, ...]) -> str:
    """A crude stem for comparing a response with the client's words: equivalents mapped, a
    common suffix dropped, long words cut to their first four letters (noise/noisy,
    applied/applications)."""
    w = word.lower()
    w = same.get(w, w)
    for suffix in suffixes:
        if len(w) > len(suffix) + 2 and w.endswith(suffix):
            w = w[: -len(suffix)]
            break
    return w[:4] if len(w) >= 5 else w


def _uses(pattern: Any, keys: set[str]) -> bool:
    if isinstance(pattern, dict):
        return any(str(k).upper() in keys or _uses(v, keys) for k, v in pattern.items())
    if isinstance(pattern, list):
        return any(_uses(p, keys) for p in pattern)
    return False


class Classifier:
    """Rules compiled once into spaCy matchers for one pipeline."""

    def __init__(self, pipeline: Pipeline, ruleset: RuleSet) -> None:
        from spacy.matcher import DependencyMatcher, Matcher, PhraseMatcher

        self.pipeline = pipeline
        self.ruleset = ruleset
        self.arbiter = pipeline.arbiter  # None: the rules' own reading, as training needs it
        self.codes = ruleset.codes
        norms = load_normalization()
        self.fillers = frozenset(norms.fillers)
        self.disfluencies = frozenset(norms.disfluencies)
        self.parentheticals = tuple(tuple(p.split()) for p in norms.parentheticals)
        self._parentheticals_by_first: dict[str, list[tuple[str, ...]]] = {}
        for words in self.parentheticals:
            self._parentheticals_by_first.setdefault(words[0], []).append(words)
        self.same_words = dict(norms.same_words)
        self.suffixes = tuple(norms.suffixes)
        self._reporting = frozenset(norms.reporting_verbs)
        self._speaker = frozenset(norms.speaker_words)
        nlp = pipeline.nlp
        self._nlp = nlp
        self._matcher = Matcher(nlp.vocab, validate=True)
        self._phrases = PhraseMatcher(nlp.vocab, attr="NORM")
        self._deps = DependencyMatcher(nlp.vocab, validate=True)
        self._regex: list[tuple[Rule, list[re.Pattern[str]]]] = []
        self._by_key: dict[str, Rule] = {}
        self._unless: dict[str, re.Pattern[str]] = {}
        self._client: dict[str, re.Pattern[str]] = {}
        self.skipped: list[str] = []
        self._has_token_rules = self._has_dep_rules = self._has_phrase_rules = False
        for rule in ruleset.rules:
            self._compile(rule)
        self._whole_regex = any(r.whole_sentence for r, _ in self._regex)

    # -- compiling ------------------------------------------------------------------------
    def _compile(self, rule: Rule) -> None:
        lex = self.ruleset.lexicons
        patterns = [expand_lexicons(p, lex, regex=rule.kind == "regex") for p in rule.patterns()]
        if rule.kind == "phrase":
            flat: list[str] = []
            for p in patterns:
                flat.extend(p if isinstance(p, list) else [p])
            patterns = flat
        degraded = self.pipeline.degraded
        if degraded and (
            rule.kind == "dependency" or (rule.kind == "token" and _uses(patterns, _NEEDS_TRAINED))
        ):
            self.skipped.append(rule.id)
            return
        key = rule.id
        self._by_key[key] = rule
        try:
            if rule.unless is not None:
                self._unless[key] = regex(expand_lexicons(rule.unless, lex, regex=True))
            if rule.client is not None:
                self._client[key] = regex(expand_lexicons(rule.client, lex, regex=True))
            if rule.kind == "regex":
                # Each alternative compiled once per process (shared with the load-time check).
                self._regex.append((rule, [regex(p) for p in patterns]))
            elif rule.kind == "phrase":
                docs = [self._nlp.make_doc(p.lower()) for p in patterns]
                self._phrases.add(key, docs)
                self._has_phrase_rules = True
            elif rule.kind == "token":
                self._matcher.add(key, patterns)
                self._has_token_rules = True
            else:
                self._deps.add(key, patterns)
                self._has_dep_rules = True
        except (ValueError, KeyError, TypeError, re.error) as exc:
            lines = [ln.strip("- ") for ln in str(exc).splitlines() if "->" in ln]
            detail = "; ".join(lines[:3]) or str(exc).strip().splitlines()[0]
            raise self.ruleset.error(rule.id, f"bad {rule.kind} pattern: {detail[:300]}") from None

    # -- classifying ----------------------------------------------------------------------
    def classify(self, text: str, client: str | None = None) -> Classification:
        """Classify one response (at most MAX_RESPONSE_CHARS characters, and its client
        statement too: a longer one is a MiCoachError saying so)."""
        doc, ctx = self.prepare(text, client)
        return self._finish(self._nlp(doc), text, client, ctx)

    def classify_many(
        self, items: Iterable[tuple[str, str | None]], batch_size: int = BATCH_SIZE
    ) -> Iterator[Classification]:
        """Classify many (text, client) pairs in input order, with spaCy's batched `pipe`."""
        for _, result in self.read_many(items, batch_size):
            yield result

    def read_many(
        self, items: Iterable[tuple[str, str | None]], batch_size: int = BATCH_SIZE
    ) -> Iterator[tuple[Any, Classification]]:
        """Like classify_many, with each processed Doc (for training the arbiter)."""
        pairs = (
            (doc, (text, client, ctx))
            for text, client in items
            for doc, ctx in (self.prepare(text, client),)
        )
        for doc, (text, client, ctx) in self._nlp.pipe(
            pairs, as_tuples=True, batch_size=batch_size
        ):
            yield doc, self._finish(doc, text, client, ctx)

    def prepare(self, text: str, client: str | None) -> tuple[Any, _ClientContext | None]:
        """The tokenised response (control characters blanked) with the share of its words the
        client used set on it (`doc._.mi_echo`, read by the learned arbiter), before the rest of
        the pipeline runs; and the client's words."""
        check_length(text)
        check_length(client, "the client statement")
        doc = self._nlp.make_doc(_prepare(text))
        ctx = (
            _ClientContext(self._nlp, client, self.same_words, self.suffixes)
            if client is not None
            else None
        )
        doc._.mi_echo = ctx.echo(doc) if ctx is not None else None
        return doc, ctx

    def _finish(
        self, doc: Doc, text: str, client: str | None, ctx: _ClientContext | None
    ) -> Classification:
        rules = self._decide(doc, text, client, ctx)
        return rules if self.arbiter is None else self.arbiter.combine(rules, doc, self.codes)

    def _sentences(self, doc: Doc) -> list[Span]:
        """The parser's sentences, also cut after a spoken restart: a word with a dash glued to
        it ("Is it-- why did she leave?") ends what the speaker abandoned."""
        if not len(doc):
            return []
        out: list[Any] = []
        for sent in doc.sents:
            start = sent.start
            for i in range(sent.start, sent.end - 1):
                tok = doc[i]
                if (
                    tok.text.endswith("--")
                    and i > start
                    and (tok.text != "--" or not doc[i - 1].whitespace_)
                ):
                    out.append(doc[start : i + 1])
                    start = i + 1
            out.append(doc[start : sent.end])
        return out

    def _decide(
        self, doc: Doc, text: str, client: str | None, ctx: _ClientContext | None
    ) -> Classification:
        sents = self._sentences(doc)
        leads: list[int | None] = []
        skips: list[set[int]] = []
        for sent in sents:
            skip = self._disfluent(doc, sent.start, sent.end)
            skips.append(skip)
            lead = None
            for tok in sent:
                if not (tok.is_punct or tok.is_space or tok.norm_ in self.fillers or tok.i in skip):
                    lead = tok.i
                    tok._.mi_lead = True
                    break
            leads.append(lead)
        norms = [
            _normalised(doc, lead, sent.end, skip) if lead is not None else ("", [])
            for sent, lead, skip in zip(sents, leads, skips)
        ]
        wholes = (
            [_normalised(doc, sent.start, sent.end) for sent in sents]
            if self._whole_regex
            else norms
        )
        sent_of = _sentence_index(sents)
        hits = self._hits(doc, norms, wholes)
        unread: dict[int, set[int]] = {}
        memo: dict[tuple[str, str | None], bool] = {}
        hits = [
            h
            for h in hits
            if self._conditions_hold(h, doc, norms[sent_of[h.start]][0], ctx, unread, memo)
        ]

        by_sent: list[list[_Hit]] = [[] for _ in sents]
        for h in hits:
            by_sent[sent_of[h.start]].append(h)

        results: list[SentenceResult] = []
        turn_refiners = [h for h in hits if h.rule.refines and h.rule.scope == "turn"]
        for sent, sent_hits in zip(sents, by_sent):
            code, tags = self._sentence_code(sent_hits, doc, text, turn_refiners)
            results.append(
                SentenceResult(
                    start=sent.start_char,
                    end=sent.end_char,
                    text=text[sent.start_char : sent.end_char],
                    code=code,
                    tags=tuple(tags),
                )
            )

        default = self.codes.default
        codes: list[str] = []
        for r in results:
            if r.code not in codes:
                codes.append(r.code)
        if len(codes) > 1 and default in codes:
            codes.remove(default)
        if not codes:
            codes = [default]
        weights: dict[str, int] = {c: 0 for c in codes}
        for r in results:
            if r.code in weights:
                weights[r.code] += len(r.text)
        primary = self.codes.primary(weights)
        evidence = sorted(
            {t for r in results if r.code in codes for t in r.tags}, key=lambda t: (t.start, t.rule)
        )
        fired = sorted({self._tag(h, doc, text) for h in hits}, key=lambda t: (t.start, t.rule))
        return Classification(
            text=text,
            client=client,
            code=primary,
            family=self.codes.family(primary),
            codes=tuple(codes),
            evidence=tuple(evidence),
            fired=tuple(fired),
            sentences=tuple(results),
            degraded=self.pipeline.degraded,
        )

    def _disfluent(self, doc: Doc, start: int, end: int) -> set[int]:
        """Tokens of spoken disfluency that regex rules do not read: hesitations ("um", "uh")
        anywhere, with the comma after them; a stutter's first try ("we-we", "w-what": the piece
        and its hyphen); parentheticals ("you know", "I mean") set off by punctuation; and
        notes in square brackets ("[laughs]", "[inaudible 00:02:10]")."""
        skip: set[int] = set()
        toks = [doc[k] for k in range(start, end)]
        norms = [t.norm_ for t in toks]
        punct = [t.is_punct for t in toks]
        n_toks = len(toks)
        closing: list[int | None] | None = None
        i = 0
        while i < n_toks:
            tok, norm = toks[i], norms[i]
            if norm == "[":
                if closing is None:  # for each token, the next "]" after it (one pass)
                    closing, after = [None] * n_toks, None
                    for j in range(n_toks - 1, -1, -1):
                        closing[j] = after
                        if norms[j] == "]":
                            after = j
                close = closing[i]
                if close is not None:
                    skip.update(range(start + i, start + close + 1))
                    i = close + 1
                    continue
            if norm in self.disfluencies:
                skip.add(start + i)
                if i + 1 < n_toks and norms[i + 1] == ",":
                    skip.add(start + i + 1)
                i += 1
                continue
            if (
                i + 2 < n_toks
                and toks[i + 1].text == "-"
                and tok.is_alpha
                and norms[i + 2].startswith(norm)
                and not toks[i + 1].whitespace_
                and not tok.whitespace_
            ):
                skip.update((start + i, start + i + 1))
                i += 2
                continue
            matched = False
            for words in self._parentheticals_by_first.get(norm, ()):
                n = len(words)
                if i + n > n_toks or tuple(norms[i : i + n]) != words:
                    continue
                before = i == 0 or punct[i - 1] or (start + i - 1) in skip
                after = i + n == n_toks or punct[i + n]
                if before and after:
                    skip.update(range(start + i, start + i + n))
                    if i + n < n_toks and norms[i + n] == ",":
                        skip.add(start + i + n)
                    i += n
                    matched = True
                    break
            if not matched:
                i += 1
        return skip

    def _sentence_code(
        self, hits: list[_Hit], doc: Doc, text: str, turn_refiners: list[_Hit]
    ) -> tuple[str, list[Tag]]:
        base = [h for h in hits if not h.rule.refines]
        if base:
            best = max(base, key=lambda h: (h.rule.priority, -h.start, h.end - h.start))
            code, tags = best.rule.code, [self._tag(best, doc, text)]
        else:
            code, tags = self.codes.default, []
        refiners = [h for h in hits if h.rule.refines and h.rule.scope == "sentence"]
        refiners += turn_refiners
        used: set[str] = set()
        for _ in range(len(refiners)):
            fitting = [h for h in refiners if code in h.rule.refines and h.rule.id not in used]
            if not fitting:
                break
            best = max(fitting, key=lambda h: (h.rule.priority, -h.start))
            used.add(best.rule.id)
            code = best.rule.code
            tags.append(self._tag(best, doc, text))
        return code, tags

    def _tag(self, hit: _Hit, doc: Doc, text: str) -> Tag:
        span = doc[hit.start : hit.end]
        start, end = _whole_words(text, span.start_char, span.end_char)
        return Tag(
            rule=hit.rule.id, code=hit.rule.code, start=start, end=end, match=text[start:end]
        )

    def _hits(
        self, doc: Doc, norms: list[tuple[str, list[int]]], wholes: list[tuple[str, list[int]]]
    ) -> list[_Hit]:
        strings = self._nlp.vocab.strings
        # (rule id, start, -length): plain tuples, sorted natively; a token pattern with "*" can
        # match a long unpunctuated text in very many overlapping ways.
        found: list[tuple[str, int, int]] = []
        if self._has_token_rules and len(doc) <= _LONG_DOC:
            found += [(strings[m], start, start - end) for m, start, end in self._matcher(doc)]
        elif self._has_token_rules:  # sentence by sentence: see _LONG_DOC
            for sent in doc.sents:
                at = sent.start
                found += [(strings[m], at + s, s - e) for m, s, e in self._matcher(sent)]
        if self._has_phrase_rules:
            found += [(strings[m], start, start - end) for m, start, end in self._phrases(doc)]
        if self._has_dep_rules and doc.has_annotation("DEP"):
            for m, token_ids in self._deps(doc):
                found.append((strings[m], min(token_ids), min(token_ids) - max(token_ids) - 1))
        if self._regex:
            # A text read twice (a repeated sentence) is searched once: adversarial input repeats.
            seen: dict[tuple[str, bool], list[tuple[str, int, int]]] = {}
            for (norm, offsets), whole in zip(norms, wholes):
                for whole_sentence, (text, where) in ((False, (norm, offsets)), (True, whole)):
                    if not text:
                        continue
                    key = (text, whole_sentence)
                    if key not in seen:
                        seen[key] = self._regex_spans(text, whole_sentence)
                    for rule_id, start, end in seen[key]:
                        first = where[start]
                        found.append((rule_id, first, first - where[end - 1] - 1))
        by_key = self._by_key
        return [_Hit(by_key[r], start, start - neg) for r, start, neg in _longest_per_rule(found)]

    def _regex_spans(self, text: str, whole_sentence: bool) -> list[tuple[str, int, int]]:
        """The regex rules (those reading the whole sentence, or the others) matching `text`:
        (rule id, start, end) in characters of `text`."""
        out = []
        windows = _windows(text)
        for rule, alternatives in self._regex:
            if rule.whole_sentence != whole_sentence:
                continue
            for pos, endpos in windows:
                m = _leftmost(alternatives, text, pos, endpos)
                if m and m.end() > m.start():
                    out.append((rule.id, m.start(), m.end()))
                    break
        return out

    def _conditions_hold(
        self,
        hit: _Hit,
        doc: Doc,
        sentence_norm: str,
        ctx: _ClientContext | None,
        unread: dict[int, set[int]],
        memo: dict[tuple[str, str | None], bool],
    ) -> bool:
        rule = hit.rule
        if rule.unless is not None:
            key = (rule.id, sentence_norm)
            if key not in memo:
                memo[key] = self._unless[rule.id].search(sentence_norm) is not None
            if memo[key]:
                return False
        if rule.client is not None:
            if ctx is None:
                return False
            key = (rule.id, "")  # the client's statement is the same for every hit
            if key not in memo:
                memo[key] = self._client[rule.id].search(ctx.norm) is not None
            if not memo[key]:
                return False
        if rule.skip_reported and self._reported(doc, hit.start, hit.end):
            return False
        if rule.novel and ctx is not None:
            words = [t for t in doc[hit.start : hit.end] if t.is_alpha]
            if words and all(ctx.has(t) for t in words):
                return False
        if rule.echo is not None or rule.novelty is not None or rule.min_words:
            sent = doc[hit.start].sent
            if sent.start not in unread:
                unread[sent.start] = self._disfluent(doc, sent.start, sent.end)
            skip = unread[sent.start]
            content = [
                t
                for t in sent
                if (t.like_num or (t.is_alpha and not t.is_stop))
                and t.norm_ not in self.fillers
                and t.i not in skip
            ]
            if len(content) < max(rule.min_words, 1):
                return False
            if rule.echo is not None or rule.novelty is not None:
                if ctx is None or not ctx.stems:
                    return False
                shared = sum(1 for t in content if ctx.has(t)) / len(content)
                if rule.echo is not None and shared < rule.echo:
                    return False
                if rule.novelty is not None and 1 - shared < rule.novelty:
                    return False
        return True

    def _reported(self, doc: Doc, start: int, end: int) -> bool:
        """Whether words start..end are another voice's: some word of theirs sits in a clause
        that completes a reporting verb said before them ("your PO says [you need a job]"),
        and that verb is passive ("being told [to man up]") or its subject is not the speaker
        ("I think [you should]" is the speaker's own). Needs the parse; a blank pipeline has
        none, and then nothing is reported."""
        if not doc.has_annotation("DEP"):
            return False
        for tok in doc[start:end]:
            node = tok
            for _ in range(len(doc)):
                head = node.head
                if head.i == node.i:
                    break
                if (
                    head.i < start
                    and node.dep_ in _COMPLEMENTS
                    and head.lemma_.lower() in self._reporting
                    and self._other_voice(head)
                ):
                    return True
                node = head
        return False

    def _other_voice(self, verb: Any) -> bool:
        children = list(verb.children)
        if any(c.dep_ in ("auxpass", "nsubjpass") for c in children) or (
            verb.tag_ == "VBN" and any(c.lower_ in _PASSIVE_AUX for c in children)
        ):
            return True
        for _ in range(3):
            subject = next((c for c in verb.children if c.dep_ in ("nsubj", "csubj")), None)
            if subject is not None:
                # "Don't you think you're…?": an inverted question is the speaker's own lead
                inverted = any(c.dep_ in ("aux", "neg") and c.i < subject.i for c in verb.children)
                return not inverted and subject.lower_ not in self._speaker
            if verb.dep_ != "xcomp" or verb.head.i == verb.i:
                return False
            verb = verb.head  # "people keep [telling you …]": the subject of "keep"
        return False


class _ClientContext:
    """The client's preceding statement, tokenised only (cheap): its norms and word stems."""

    def __init__(
        self, nlp: Language, client: str, same_words: dict[str, str], suffixes: tuple[str, ...]
    ) -> None:
        toks = nlp.tokenizer(_prepare(client))
        self.same = same_words
        self.suffixes = suffixes
        self.norm = " ".join(t.norm_ for t in toks)
        self.stems = {
            _stem(t.norm_, same_words, suffixes) for t in toks if t.is_alpha or t.like_num
        }

    def echo(self, doc: Doc) -> float | None:
        """The share of the response's content words (else of all its words) the client used;
        None when the client's line has no words."""
        if not self.stems:
            return None
        words = [t for t in doc if t.is_alpha and not t.is_stop] or [t for t in doc if t.is_alpha]
        if not words:
            return 0.0
        return sum(1 for t in words if self.has(t)) / len(words)

    def has(self, token: Token) -> bool:
        return (
            _stem(token.norm_, self.same, self.suffixes) in self.stems
            or _stem(token.lemma_ or token.norm_, self.same, self.suffixes) in self.stems
        )


_CONTROLS = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f]")


# A token pattern with "*" can match from every sentence's lead across the rest of an
# unpunctuated text: work quadratic in its length. In a text longer than any real response
# (the longest in the test data and AnnoMI: 231 tokens) token patterns are matched within
# each sentence of the parse.
_LONG_DOC = 400

# The longest stretch of one sentence a regex reads at a time. No real sentence comes near it
# (the longest in the test data and AnnoMI: under 500 characters); a 5,000-character run-on is
# read in windows, so a rule with ".*" costs linear time, not quadratic.
_WINDOW = 1_000


def _windows(text: str) -> list[tuple[int, int]]:
    """(pos, endpos) windows of at most _WINDOW characters, cut after a space. A search from
    `pos` still sees the text before it (lookbehinds; "^" is the sentence's start)."""
    if len(text) <= _WINDOW:
        return [(0, len(text))]
    out, pos = [], 0
    while pos < len(text):
        end = min(pos + _WINDOW, len(text))
        if end < len(text):
            cut = text.rfind(" ", pos + 1, end)
            end = cut + 1 if cut > pos else end
        out.append((pos, end))
        pos = end
    return out


def _leftmost(
    alternatives: list[re.Pattern[str]], text: str, pos: int = 0, endpos: int | None = None
) -> re.Match[str] | None:
    """What one search of the alternatives joined with | would find: the leftmost match, the
    earlier alternative on a tie."""
    best = None
    end = len(text) if endpos is None else endpos
    for rx in alternatives:
        m = rx.search(text, pos, end)
        if m is not None and (best is None or m.start() < best.start()):
            best = m
    return best


def _blank_controls(text: str) -> str:
    """Terminal escape sequences and control characters become spaces of the same length, so
    they never glue to words and every character offset still points into the original text."""
    return _CONTROLS.sub(lambda m: " " * len(m.group()), text)


# spaCy's tokenizer takes time quadratic in the length of a run without spaces (it peels
# prefixes and suffixes off one at a time): 5,000 question marks take seconds. No word is this
# long, so such a run is cut by a space every _LONG_RUN characters (same length, same offsets).
_LONG_RUN = 100
_RUN = re.compile(rf"\S{{{_LONG_RUN + 1},}}")


# A run of punctuation says no more after its first and last three characters ("?!?!?!?!"),
# but every character of it is a token for the parser: the middle is blanked.
_PUNCT_RUN = re.compile(r"[^\w\s]{7,}")


def _prepare(text: str) -> str:
    """The text spaCy reads: controls blanked, over-long runs cut (offsets unchanged)."""
    clean = _blank_controls(text)
    if len(clean) > 6:
        clean = _PUNCT_RUN.sub(
            lambda m: m.group()[:3] + " " * (len(m.group()) - 6) + m.group()[-3:], clean
        )
    return _RUN.sub(_cut_run, clean) if len(clean) > _LONG_RUN else clean


def _cut_run(m: re.Match[str]) -> str:
    run = m.group()
    return "".join(" " if i % _LONG_RUN == 0 and i else ch for i, ch in enumerate(run))


def _longest_per_rule(found: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """One rule matching overlapping spans (a token pattern with "*") counts once: the longest.
    Spans are (rule id, start, -length); the result is sorted by rule, then start."""
    kept: list[tuple[str, int, int]] = []
    last_rule, last_end = None, -1
    for rule, start, neg in sorted(found):
        if rule == last_rule and start < last_end:
            continue
        kept.append((rule, start, neg))
        last_rule, last_end = rule, start - neg
    return kept


def _normalised(
    doc: Doc, start: int, end: int, skip: set[int] | frozenset[int] = frozenset()
) -> tuple[str, list[int]]:
    """The tokens' norms (but those in `skip`) joined by single spaces, and for each character
    its token index."""
    parts: list[str] = []
    offsets: list[int] = []
    for i in range(start, end):
        if i in skip:
            continue
        norm = doc[i].norm_
        if parts:
            parts.append(" ")
            offsets.append(i)
        parts.append(norm)
        offsets.extend([i] * len(norm))
    return "".join(parts), offsets


def _sentence_index(sents: list[Any]) -> dict[int, int]:
    out: dict[int, int] = {}
    for n, sent in enumerate(sents):
        for i in range(sent.start, sent.end):
            out[i] = n
    return out


_classifiers: dict[tuple[str, bool, bool], Classifier] = {}


def get_classifier(model: str | None = None, arbiter: bool = True) -> Classifier:
    """The process-wide classifier (pipeline and compiled rules built once); with the learned
    arbiter unless `arbiter` is False (the rules alone, as training needs)."""
    pipeline = get_pipeline(model, arbiter)
    key = (pipeline.name, pipeline.degraded, arbiter)
    if key not in _classifiers:
        _classifiers[key] = Classifier(pipeline, load_ruleset())
        regex_cache.save()
    return _classifiers[key]


def _in_word(ch: str) -> bool:
    return ch.isalnum() or ch in "'\u2019"


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a match to whole words: spaCy splits "won't" into "wo" + "n't", and evidence that
    ends inside a word ("I wo") shows the trainee words they did not type."""
    while start > 0 and _in_word(text[start - 1]) and _in_word(text[start]):
        start -= 1
    while end < len(text) and end > 0 and _in_word(text[end]) and _in_word(text[end - 1]):
        end += 1
    return start, end
