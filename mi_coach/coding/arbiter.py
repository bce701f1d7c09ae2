"""The learned arbiter: a small bag-of-words spaCy `textcat` over the twelve codes, run as the last
component of the pipeline, and how its reading is combined with the rules' (issue 14, section 3).

Features (the `mi_coach.TextCatBOW.v1` architecture: spaCy's bag-of-words text classifier with its
own feature extractor): the response's token norms — lowercase, texting spellings mended, so
"ur"/"your" are one feature — and their part-of-speech tags, as unigrams and bigrams with a mark
for the start and the end of the response ("START did", "VBD PRP"); how much of the response echoes the client's
words (`doc._.mi_echo`, the share of its content words whose stem the client used, set on the Doc
from the tokenizer alone before the pipeline runs: a bucket and the share itself); and a length
bucket. The echo share lives inside the textcat as features, not in the combination step. Each
feature also has a copy for its kind of text: typed (every response at run time) or spoken (the
AnnoMI transcripts in training, `doc._.mi_spoken`), so the model learns what is peculiar to
transcribed speech apart from what carries over.

Combination (`Arbiter.combine`), in order:
1. the rules found MI-non-adherent behaviour: the rules decide (it is never hidden);
2. the model's likeliest code is not MI-non-adherent (raising judgment or a righting reflex takes
   a rule's evidence), its probability reaches `threshold`, and the model may overrule the rules
   from the rules' code's family to that code's (`overrule`: the pairs where, out of fold, it was
   right more often than the rules when they disagreed): the model decides;
3. otherwise the rules decide.
The threshold and the pairs are chosen by `python -m mi_coach.coding.train` on out-of-fold predictions for the
tuning halves of the check sets and the AnnoMI training sessions (never the sealed halves).

Confidence: the model's probability of the chosen code mapped through a calibration curve fitted,
on the same out-of-fold predictions, for each path (the rules' MI-non-adherent evidence; the model
overruling; the model sure and agreeing with the rules; the rules deciding); the runner-up is the likeliest
other code. Without the model (a blank pipeline) each rule-given code has the confidence the rules
earn with that code on the tuning halves, and its commonest confusion as the runner-up.

The explanation of a code the model decided is the n-grams that pushed the model towards it most
(their contribution to that code's score, measured by scoring each n-gram alone: for this linear
model that is exactly what removing it would take away).
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mi_coach.base.errors import MiCoachError
from mi_coach.coding.models import Classification, Tag

if TYPE_CHECKING:  # spaCy's types, for the reader and mypy; spaCy itself loads lazily
    from spacy.language import Language
    from spacy.pipeline import TextCategorizer
    from spacy.tokens import Doc

ARCHITECTURE = "mi_coach.TextCatBOW.v1"
COMPONENT = "mi_arbiter"
PARAMS_FILE = "arbiter.json"
TEXTCAT_DIR = "textcat"
ECHO_BUCKETS = (0.0, 0.25, 0.5, 0.75)  # a share above each lower bound falls in the next bucket
LENGTH_BUCKETS = (1, 3, 6, 12, 25, 50)  # words
TOP_WORDS = 3
ARBITER_RULE = "arbiter"  # the `rule` of a Tag that names words the model decided on


def model_dir() -> Path:
    """The trained component shipped in the package."""
    return Path(__file__).resolve().parent / "model"


# -- the textcat architecture --------------------------------------------------------------------


def _feature_keys() -> dict[str, int]:
    from spacy.strings import hash_string  # type: ignore[attr-defined]

    names = ["echo_none", "echo_share", "typed", "spoken", "start", "end", "view_1", "view_2"]
    names += [f"echo_{i}" for i in range(len(ECHO_BUCKETS) + 1)]
    names += [f"length_{i}" for i in range(len(LENGTH_BUCKETS) + 1)]
    return {n: hash_string(f"__mi_{n}__") for n in names}


def doc_features(
    doc: Doc, ngram_size: int, ops: Any, views: tuple[str, ...] = ("NORM",)
) -> tuple[Any, Any, list[tuple[int, int]]]:
    """The keys and values the model reads for one Doc, and for each n-gram key (the first ones)
    the token span it covers. `views`: the token attributes read as n-grams (NORM first; LEMMA,
    TAG), each with a mark for the start and end of the response."""
    import numpy
    from spacy.attrs import IDS

    if not _FEATURE_KEYS:
        _FEATURE_KEYS.update(_feature_keys())
    keys_of = _FEATURE_KEYS
    grams = []
    spans: list[tuple[int, int]] = []
    n_tok = len(doc)
    for v, view in enumerate(views):
        column = ops.asarray(doc.to_array([IDS[view]])).reshape(-1).astype("uint64")
        if v:
            column = column ^ numpy.uint64(keys_of[f"view_{v}"])
        edge = numpy.asarray([keys_of["start"] ^ v, keys_of["end"] ^ v], dtype="uint64")
        marked = numpy.concatenate([edge[:1], column, edge[1:]])
        grams.append(column)
        spans += [(i, i + 1) for i in range(n_tok)]
        for n in range(2, ngram_size + 1):
            if len(marked) >= n:
                grams.append(ops.ngrams(n, marked))
                # the n-gram at j covers marked[j:j+n], i.e. tokens j-1 .. j+n-2
                spans += [
                    (max(0, j - 1), min(n_tok, j + n - 1)) for j in range(len(marked) - n + 1)
                ]
    echo = doc._.mi_echo
    extra_keys = []
    extra_vals = []
    if echo is None:
        extra_keys.append(keys_of["echo_none"])
        extra_vals.append(1.0)
    else:
        bucket = sum(1 for lo in ECHO_BUCKETS if echo > lo)
        extra_keys += [keys_of[f"echo_{bucket}"], keys_of["echo_share"]]
        extra_vals += [1.0, float(echo)]
    words = sum(1 for t in doc if not (t.is_punct or t.is_space))
    extra_keys.append(keys_of[f"length_{sum(1 for lo in LENGTH_BUCKETS if words >= lo)}"])
    extra_vals.append(1.0)
    ngram_keys = numpy.concatenate(grams) if grams else numpy.zeros((0,), dtype="uint64")
    keys = numpy.concatenate([ngram_keys, numpy.asarray(extra_keys, dtype="uint64")])
    vals = numpy.concatenate(
        [numpy.ones((len(ngram_keys),), dtype="f"), numpy.asarray(extra_vals, dtype="f")]
    )
    # Each feature twice: once shared by every source, once for its kind of text (typed, the
    # default, or spoken transcripts in training), so what is peculiar to speech is learnt apart.
    salt = keys_of["spoken" if doc._.mi_spoken else "typed"]
    keys = numpy.concatenate([keys, keys ^ numpy.uint64(salt)])
    vals = numpy.concatenate([vals, vals])
    return keys, vals, spans


_FEATURE_KEYS: dict[str, int] = {}


def _extract_forward(model: Any, docs: list[Any], is_train: bool) -> tuple[Any, Any]:
    import numpy

    ngram_size = model.attrs["ngram_size"]
    views = tuple(model.attrs["views"])
    batch_keys, batch_vals = [], []
    for doc in docs:
        keys, vals, _ = doc_features(doc, ngram_size, model.ops, views)
        # the same key twice (a repeated word) counts twice, as spaCy's own extractor does
        uniq, inverse = numpy.unique(keys, return_inverse=True)
        summed = numpy.zeros((len(uniq),), dtype="f")
        numpy.add.at(summed, inverse, vals)
        batch_keys.append(uniq)
        batch_vals.append(summed)
    lengths = model.ops.asarray([len(k) for k in batch_keys], dtype="int32")
    keys_out = numpy.concatenate(batch_keys) if batch_keys else numpy.zeros((0,), dtype="uint64")
    vals_out = numpy.concatenate(batch_vals) if batch_vals else numpy.zeros((0,), dtype="f")
    return (keys_out, model.ops.asarray(vals_out, dtype="f"), lengths), lambda d: []


def register() -> None:
    """Register the architecture (idempotent)."""
    from spacy.util import registry

    from mi_coach.coding.nlp import register_extensions

    register_extensions()
    if ARCHITECTURE in registry.architectures:
        return

    @registry.architectures(ARCHITECTURE)
    def build(
        exclusive_classes: bool,
        ngram_size: int,
        length: int = 2**16,
        views: list[str] = ["NORM"],  # noqa: B006 - a config default, never mutated
        nO: int | None = None,
    ) -> Any:
        from spacy.ml.models.textcat import resize_and_set_ref, resize_linear_weighted
        from thinc.api import Model, SparseLinear_v2, chain, resizable, softmax_activation

        sparse = SparseLinear_v2(nO=nO, length=2 ** (length - 1).bit_length())
        extract: Any = Model(
            "mi_extract", _extract_forward, attrs={"ngram_size": ngram_size, "views": views}
        )
        linear: Any = resizable(
            sparse,
            resize_layer=partial(resize_linear_weighted, fill_defaults={"b": -1e4, "W": 0}),
        )
        model: Any = chain(chain(extract, linear), softmax_activation())
        if nO is not None:
            model.set_dim("nO", nO)
        model.set_ref("output_layer", sparse)
        model.attrs["ngram_size"] = ngram_size
        model.attrs["views"] = list(views)
        model.attrs["multi_label"] = not exclusive_classes
        model.attrs["resize_output"] = partial(resize_and_set_ref, resizable_layer=linear)
        return model


VIEWS = ("NORM", "TAG")  # words, and their part-of-speech tags (the shape: "you should VB")


def textcat_config(length: int = 2**16, views: tuple[str, ...] | None = None) -> dict[str, Any]:
    return {
        "model": {
            "@architectures": ARCHITECTURE,
            "exclusive_classes": True,
            "ngram_size": 2,
            "length": length,
            "views": list(views or VIEWS),
        }
    }


# -- the combination's parameters (arbiter.json) ------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Curve(_Strict):
    """A monotone calibration curve: confidence = y interpolated at the raw probability x."""

    x: list[float] = Field(min_length=1)
    y: list[float] = Field(min_length=1)

    def __call__(self, p: float) -> float:
        xs, ys = self.x, self.y
        if p <= xs[0]:
            return ys[0]
        if p >= xs[-1]:
            return ys[-1]
        i = bisect_right(xs, p)
        x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
        return y0 if x1 == x0 else y0 + (y1 - y0) * (p - x0) / (x1 - x0)


class RulesOnly(_Strict):
    """Without the model: how often the rules are right when they give this code, and the code
    they are most often confused with."""

    confidence: float = Field(ge=0, le=1)
    runner_up: str


class ArbiterParams(_Strict):
    version: int = 1
    labels: list[str] = Field(min_length=2)
    length: int = Field(2**16, ge=1)  # the textcat's architecture, as trained
    views: list[str] = Field(default_factory=lambda: list(VIEWS))
    threshold: float = Field(ge=0, le=1)
    # (family of the rules' code, family of the model's) pairs where the model may overrule: those
    # where, out of fold, it was right more often than the rules when it disagreed
    overrule: list[tuple[str, str]] = Field(default_factory=list)
    calibration: dict[str, Curve]  # by path: rules_non_adherent, model, agree, rules
    rules_only: dict[str, RulesOnly]
    training: dict[str, Any] = Field(default_factory=dict)

    @field_validator("views")
    @classmethod
    def _known_views(cls, views: list[str]) -> list[str]:
        unknown = [v for v in views if v not in ("NORM", "LEMMA", "TAG")]
        if unknown or not views or views[0] != "NORM":
            raise ValueError(f"views must start with NORM and name NORM, LEMMA or TAG: {views}")
        return views


def load_params(folder: Path | None = None) -> ArbiterParams:
    path = (folder or model_dir()) / PARAMS_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return ArbiterParams.model_validate(raw)
    except FileNotFoundError:
        raise MiCoachError(
            "the trained arbiter is missing (run `python -m mi_coach.coding.train`)", path=str(path)
        ) from None
    except (OSError, ValueError, ValidationError) as exc:
        first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise MiCoachError(f"the trained arbiter is damaged: {first}", path=str(path)) from None


@dataclass
class Arbiter:
    """The loaded model (None without a trained pipeline: rules only) and its parameters."""

    params: ArbiterParams
    component: Any = None  # the textcat in the pipeline

    def __post_init__(self) -> None:
        self._overrule = {tuple(pair) for pair in self.params.overrule}

    @property
    def active(self) -> bool:
        return self.component is not None

    def combine(self, rules: Classification, doc: Doc, codes: Any) -> Classification:
        p = self.params
        if not self.active or not len(doc):
            # no model, or nothing for it to read (spaCy's textcat scores an empty text 0)
            info = p.rules_only.get(rules.code)
            runner = next((c for c in rules.codes if c != rules.code), None)
            return rules.model_copy(
                update={
                    "confidence": info.confidence if info else 0.5,
                    "runner_up": runner or (info.runner_up if info else None),
                    "decided_by": "rules",
                    "arbiter": self.active,
                }
            )
        cats: dict[str, float] = doc.cats
        ranked = sorted(cats, key=lambda c: -cats[c])
        top = ranked[0]
        non_adherent = {c for c in cats if codes.family(c) == "mi_non_adherent"}
        if rules.code in non_adherent:
            path, code = "rules_non_adherent", rules.code
        elif (
            top not in non_adherent
            and cats[top] >= p.threshold
            and (
                top == rules.code or (codes.family(rules.code), codes.family(top)) in self._overrule
            )
        ):
            path, code = ("agree" if top == rules.code else "model"), top
        else:
            path, code = "rules", rules.code
        confidence = min(1.0, max(0.0, p.calibration[path](cats.get(code, 0.0))))
        # the runner-up is the likeliest code the coder could have given: the model alone never
        # makes a response MI-non-adherent (only the rules' evidence does), so its non-adherent
        # classes are no alternative to an adherent code the rules found no such evidence against
        could = [c for c in ranked if c != code and (c not in non_adherent or code in non_adherent)]
        runner_up = could[0] if could else next(c for c in ranked if c != code)
        update: dict[str, Any] = {
            "confidence": round(confidence, 4),
            "runner_up": runner_up,
            # the model agreeing with the rules leaves the rules' evidence as the explanation
            "decided_by": "model" if path == "model" else "rules",
            "arbiter": True,
        }
        if path == "model":
            # the words the model read, and any rule for the same code that fired but lost
            words = self.top_words(doc, code, rules.text)
            support = tuple(t for t in rules.fired if t.code == code)
            kept = tuple(c for c in rules.codes if c not in (code, rules.code))
            update.update(
                {
                    "code": code,
                    "family": codes.family(code),
                    "codes": (code, *kept),
                    "evidence": tuple(sorted(words + support, key=lambda t: (t.start, t.rule))),
                }
            )
        return rules.model_copy(update=update)

    def top_words(self, doc: Doc, code: str, text: str) -> tuple[Tag, ...]:
        """The n-grams that raised `code`'s score most, as tags (rule "arbiter")."""
        import numpy

        model = self.component.model
        linear = model.get_ref("output_layer")
        views = tuple(model.attrs["views"])
        keys, vals, spans = doc_features(doc, model.attrs["ngram_size"], model.ops, views)
        n = len(spans) // len(views)  # the NORM n-grams: the words as typed
        if not n:
            return ()
        labels = list(self.component.labels)
        scores = linear.predict(
            (keys[:n], numpy.ones((n,), dtype="f"), model.ops.asarray([1] * n, dtype="int32"))
        )
        scores = scores - linear.get_param("b")
        j = labels.index(code)
        gain = scores[:, j] - scores.mean(axis=1)
        order = [int(i) for i in numpy.argsort(-gain, kind="stable") if gain[int(i)] > 0]
        tags: list[Tag] = []
        taken: set[int] = set()
        from spacy.lang.en.stop_words import STOP_WORDS

        for i in order:
            start, end = spans[i]
            while start < end and (doc[start].is_punct or doc[start].is_space):
                start += 1
            while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
                end -= 1
            toks = doc[start:end]
            if all(t.is_stop or t.norm_ in STOP_WORDS for t in toks) or taken & set(
                range(start, end)
            ):
                continue  # nothing but punctuation or words like "you", "the"
            taken.update(range(start, end))
            s, e = toks.start_char, toks.end_char
            tags.append(Tag(rule=ARBITER_RULE, code=code, start=s, end=e, match=text[s:e]))
            if len(tags) == TOP_WORDS:
                break
        return tuple(sorted(tags, key=lambda t: t.start))


def attach(nlp: Language, folder: Path | None = None, model: bool = True) -> Arbiter:
    """Load the arbiter's parameters and (when `model`) add the trained textcat to `nlp` as its
    last component. A missing or damaged file is a one-line MiCoachError naming it."""
    register()
    folder = folder or model_dir()
    params = load_params(folder)
    if not model:
        return Arbiter(params)
    textcat = folder / TEXTCAT_DIR
    if nlp.has_pipe(COMPONENT):
        return Arbiter(params, nlp.get_pipe(COMPONENT))
    config = textcat_config(params.length, tuple(params.views))
    component = cast(
        "TextCategorizer", nlp.add_pipe("textcat", name=COMPONENT, config=config, last=True)
    )
    try:
        component.from_disk(textcat, exclude=["vocab"])
    except FileNotFoundError as exc:
        nlp.remove_pipe(COMPONENT)
        missing = exc.filename or str(textcat)
        raise MiCoachError(
            "the trained arbiter is missing (run `python -m mi_coach.coding.train`)",
            path=str(missing),
        ) from None
    except Exception as exc:  # any unreadable model file
        nlp.remove_pipe(COMPONENT)
        first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise MiCoachError(
            f"the trained arbiter is damaged: {first}", path=str(textcat / "model")
        ) from None
    if list(component.labels) != params.labels:
        nlp.remove_pipe(COMPONENT)
        raise MiCoachError(
            "the trained arbiter's labels do not match its parameters", path=str(textcat / "cfg")
        )
    return Arbiter(params, component)
