"""Train the learned arbiter (coding/arbiter.py): `python -m mi_coach.coding.train`.

Training rows, each labelled with one of the twelve codes:
- the rules' own examples: every `match` example of a rule, labelled with the rule's code;
- the built-in practice content: drill exemplars (labelled with their skill's code) and scenario
  transition examples whose condition is only codes or families, after each client line of their
  state (an example right as any of several codes counts once for each);
- the tuning halves of the blind check sets (tests/data/checks/*.jsonl, odd id numbers; the sealed
  even halves are never read);
- AnnoMI (../shared/data/annomi_dev.csv, or --annomi FILE) when present — said when it is not:
  the sessions with transcript id % 8 != 4 only (those with id % 8 == 4 are check sessions, never
  read), mapped as its README says; `advice` is left out (often advice given with permission).

Then, deterministically from --seed:
1. out-of-fold predictions: the rows of the tuning halves and AnnoMI sessions are split in
   --folds folds (AnnoMI by session); for each fold a textcat is trained on everything else and
   predicts the fold;
2. on those predictions: the threshold at which the model may overrule the rules (the best
   strict accuracy on the tuning halves plus the built-in content's plus half the AnnoMI
   accuracy; the model never raises an MI-non-adherent code), the pairs of families across which
   it may (those where it won more than it lost when it disagreed with the rules),
   and for each decision path a calibration curve (isotonic, shrunk towards the path's accuracy)
   from the tuning halves;
3. the final textcat on every row, written with the parameters to --out (default: the package's
   mi_coach/coding/model/, which ships).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mi_coach.base.errors import MiCoachError
from mi_coach.coding.arbiter import Curve

if TYPE_CHECKING:  # spaCy's types, for the reader and mypy; spaCy itself loads lazily
    from spacy.vocab import Vocab

ROOT = Path(__file__).resolve().parents[2]  # a source checkout: training data is not packaged
CHECKS = ROOT / "tests" / "data" / "checks"
ANNOMI_MAP = {
    ("question", "open"): "open_question",
    ("question", "closed"): "closed_question",
    ("reflection", "simple"): "simple_reflection",
    ("reflection", "complex"): "complex_reflection",
    ("therapist_input", "information"): "giving_information",
    ("therapist_input", "negotiation"): "giving_information",
    ("therapist_input", "options"): "persuade_with_permission",
    ("other", ""): "other",
}
TYPED_REPEAT = 3  # a typed tuning row counts as much as this many rows of the other sources
ANNOMI_WEIGHT = 0.5  # AnnoMI accuracy's weight beside the tuning halves' when choosing thresholds
MIN_NET_GAIN = 3.0  # tuning-half responses the model must win by, net, to overrule across families
SHRINK = 4.0  # pseudo-responses pulling each calibration step towards the path's accuracy


@dataclass
class Row:
    text: str
    client: str | None
    label: str
    # "rules" (always trained on), "content" (one code), "content_any" (several), "typed", "annomi"
    source: str
    group: str  # the fold unit: a row id, or an AnnoMI session
    main: str = ""  # AnnoMI only
    sub: str = ""
    accept: tuple[str, ...] = ()  # any of these codes is right (scenario examples of a set)


def find_annomi(given: str | None) -> Path | None:
    if given:
        return Path(given)
    for base in (ROOT.parent, ROOT.parent.parent):
        path = base / "shared" / "data" / "annomi_dev.csv"
        if path.is_file():
            return path
    return None


def annomi_rows(path: Path) -> tuple[list[Row], dict[str, int]]:
    rows: list[Row] = []
    counts: Counter[str] = Counter()
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if int(r["transcript_id"]) % 8 == 4:
                counts["check sessions left out"] += 1
                continue
            main, sub = r["main"].strip(), (r["sub"] or "").strip()
            code = ANNOMI_MAP.get((main, sub if main != "other" else ""))
            if code is None:
                counts[f"left out ({main}/{sub or '-'})"] += 1
                continue
            counts["used"] += 1
            rows.append(
                Row(
                    r["text"],
                    (r["client"] or "").strip() or None,
                    code,
                    "annomi",
                    f"annomi:{r['transcript_id']}",
                    main,
                    sub,
                )
            )
    return rows, dict(counts)


def typed_rows() -> list[Row]:
    rows: list[Row] = []
    for path in sorted(CHECKS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            obj = json.loads(line)
            if int(re.sub(r"\D", "", obj["id"])) % 2 == 0:
                continue  # sealed: never read
            rows.append(
                Row(obj["text"], obj.get("client") or None, obj["label"], "typed", obj["id"])
            )
    return rows


def content_rows(codes: dict[str, str]) -> list[Row]:
    """The built-in practice content's labelled responses: every drill exemplar (labelled with
    its skill's code) and every scenario transition example whose condition is only codes or
    families, after each client line of its state (right when coded as any of them). Read as plain YAML: the
    coder sits below the practice package and does not import it. `codes`: code -> family."""
    from mi_coach.base.loading import builtin_dir, load_yaml

    folder = builtin_dir("scenarios")
    skills = load_yaml(builtin_dir("patterns") / "skills.yml").data.get("skills", {})
    skill_code = {
        name: (name if name in codes else (s.get("accepts") or [None])[0])
        for name, s in skills.items()
    }
    rows: list[Row] = []
    for path in sorted((folder / "drills").glob("*.yml")):
        for item in load_yaml(path).data.get("items") or []:
            code = skill_code.get(item.get("skill"))
            for text in item.get("exemplars") or []:
                if code in codes:
                    group = f"drill:{item['id']}:{text}"
                    rows.append(Row(text, item.get("client"), code, "content", group))
    for path in sorted(folder.glob("*.yml")):
        states = (load_yaml(path).data or {}).get("states") or {}
        for sid, state in states.items():
            lines = [ln.get("text") for ln in state.get("lines") or [] if isinstance(ln, dict)]
            for t in state.get("transitions") or []:
                when = t.get("when") or {}
                if not when or set(when) - {"code", "family"} or not t.get("example"):
                    continue
                named = [c for c in when.get("code") or [] if c in codes]
                named += [c for c in codes if codes[c] in (when.get("family") or [])]
                accept = tuple(dict.fromkeys(named))
                if not accept:
                    continue
                group = f"{path.stem}:{sid}:{t['example']}"
                for line in lines:
                    if len(accept) == 1:
                        rows.append(Row(t["example"], line, accept[0], "content", group))
                    else:
                        rows.append(
                            Row(t["example"], line, accept[0], "content_any", group, accept=accept)
                        )
    return rows


def rule_rows(ruleset: Any) -> list[Row]:
    return [
        Row(ex.text, ex.client, rule.code, "rules", rule.id)
        for rule in ruleset.rules
        for ex in rule.examples.matches()
    ]


# -- the textcat --------------------------------------------------------------------------------


def fit(
    vocab: Vocab,
    data: list[tuple[Any, str]],
    labels: list[str],
    seed: int,
    epochs: int,
    length: int,
    learn_rate: float,
) -> Any:
    """A textcat trained on (processed Doc, code) pairs."""
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch
    from thinc.api import Adam

    from mi_coach.coding.arbiter import COMPONENT, register, textcat_config

    register()
    fix_random_seed(seed)
    nlp = spacy.blank("en", vocab=vocab)
    tc: Any = nlp.add_pipe("textcat", name=COMPONENT, config=textcat_config(length))
    examples = [
        Example.from_dict(doc, {"cats": {lab: float(lab == code) for lab in labels}})
        for doc, code in data
    ]
    tc.initialize(lambda: examples, nlp=nlp, labels=labels)
    optimizer = Adam(learn_rate=learn_rate, L2=1e-6, grad_clip=1.0)
    rng = random.Random(seed)
    order = list(range(len(examples)))
    for _ in range(epochs):
        rng.shuffle(order)
        for batch in minibatch([examples[i] for i in order], size=32):
            tc.update(batch, sgd=optimizer)
    return tc


def predict(tc: Any, docs: list[Any]) -> list[list[float]]:
    if not docs:
        return []
    return [[float(x) for x in row] for row in tc.model.ops.to_numpy(tc.model.predict(docs))]


# -- the combination ----------------------------------------------------------------------------


@dataclass
class Oof:
    row: Row
    rules: str  # the rules' code
    rules_codes: tuple[str, ...]
    probs: dict[str, float]
    fired: tuple[str, ...] = ()  # the codes of every rule that fired, used or not


def decide(
    o: Oof,
    t: float,
    non_adherent: set[str],
    gate: set[tuple[str, str]] | None = None,
    family: dict[str, str] | None = None,
) -> tuple[str, str]:
    """(path, code) as Arbiter.combine decides; `gate`: the (rules family, model family) pairs
    where the model may overrule (None: everywhere)."""
    if o.rules in non_adherent:
        return "rules_non_adherent", o.rules
    top = max(o.probs, key=lambda c: o.probs[c])
    if (
        top not in non_adherent
        and o.probs[top] >= t
        and (
            gate is None
            or top == o.rules
            or (family is not None and (family[o.rules], family[top]) in gate)
        )
    ):
        return ("agree" if top == o.rules else "model"), top
    return "rules", o.rules


# Sources predicted out of fold.
HELD_OUT = ("typed", "content", "content_any", "annomi")
# How much each source's out-of-fold accuracy counts when choosing the threshold and the gate.
WEIGHTS = {"typed": 1.0, "content": 1.0, "annomi": ANNOMI_WEIGHT}


def _weight(o: Oof) -> float:
    return WEIGHTS.get("content" if o.row.source.startswith("content") else o.row.source, 0.0)


def overrule_gate(
    oof: list[Oof],
    t: float,
    non_adherent: set[str],
    annomi_of: dict[str, str],
    family: dict[str, str],
) -> set[tuple[str, str]]:
    """The (rules family, model family) pairs where, at these thresholds, the model overruling
    the rules was right more often than they were (each source weighted as in WEIGHTS, per
    response of it), by at least MIN_NET_GAIN."""
    net: dict[tuple[str, str], float] = defaultdict(float)
    sizes = Counter("content" if o.row.source.startswith("content") else o.row.source for o in oof)
    typed_n = max(1, sizes["typed"])
    for o in oof:
        path, code = decide(o, t, non_adherent)
        if path != "model":
            continue
        src = "content" if o.row.source.startswith("content") else o.row.source
        w = _weight(o) * typed_n / max(1, sizes[src])  # in tuning-half responses
        net[(family[o.rules], family[code])] += w * (
            right(o, code, annomi_of) - right(o, o.rules, annomi_of)
        )
    return {pair for pair, gain in net.items() if gain >= MIN_NET_GAIN}


def right(o: Oof, code: str, annomi_of: dict[str, str]) -> bool:
    r = o.row
    if r.accept:
        return code in r.accept
    if r.source != "annomi":
        return code == r.label
    if annomi_of[code] != r.main:
        return False
    if r.main == "question":
        return (code == "open_question") == (r.sub == "open") or code == "seek_collaboration"
    if r.main == "reflection":
        return (code == "complex_reflection") == (r.sub == "complex")
    return True


def choose_threshold(
    oof: list[Oof],
    non_adherent: set[str],
    annomi_of: dict[str, str],
    gate: set[tuple[str, str]] | None = None,
    family: dict[str, str] | None = None,
) -> tuple[float, dict[str, float]]:
    """The threshold with the best weighted out-of-fold accuracy (WEIGHTS); ties go to the
    higher threshold (the rules keep what the model is not sure of)."""
    parts: dict[str, list[Oof]] = defaultdict(list)
    for o in oof:
        parts["content" if o.row.source.startswith("content") else o.row.source].append(o)
    best: tuple[float, float] | None = None
    figures: dict[str, float] = {}
    for t in [round(0.3 + 0.025 * i, 3) for i in range(29)] + [1.01]:
        accs = {
            src: sum(right(o, decide(o, t, non_adherent, gate, family)[1], annomi_of) for o in rows)
            / len(rows)
            for src, rows in parts.items()
            if rows
        }
        key = (round(sum(WEIGHTS.get(src, 0.0) * a for src, a in accs.items()), 6), t)
        if best is None or key > best:
            best, figures = key, {f"{src}_accuracy": a for src, a in accs.items()}
    assert best is not None
    return best[1], figures


def isotonic(points: list[tuple[float, bool]], prior: float) -> tuple[list[float], list[float]]:
    """Pool-adjacent-violators on (raw, right) sorted by raw; each block's accuracy shrunk towards
    `prior` by SHRINK pseudo-responses. Returns the curve's x (block mean raw) and y."""
    pts = sorted(points)
    blocks: list[list[float]] = []  # [sum raw, sum right, n]
    for raw, ok in pts:
        blocks.append([raw, float(ok), 1.0])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            b = blocks.pop()
            blocks[-1] = [blocks[-1][0] + b[0], blocks[-1][1] + b[1], blocks[-1][2] + b[2]]
    xs = [b[0] / b[2] for b in blocks]
    ys = [(b[1] + SHRINK * prior) / (b[2] + SHRINK) for b in blocks]
    for i in range(1, len(ys)):  # shrinking keeps the order; make sure of it
        ys[i] = max(ys[i], ys[i - 1])
    return [round(x, 5) for x in xs], [round(y, 5) for y in ys]


def calibrate(
    oof: list[Oof],
    t: float,
    non_adherent: set[str],
    annomi_of: dict[str, str],
    gate: set[tuple[str, str]] | None = None,
    family: dict[str, str] | None = None,
) -> dict[str, dict[str, list[float]]]:
    typed = [o for o in oof if o.row.source == "typed"]
    by_path: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for o in typed:
        path, code = decide(o, t, non_adherent, gate, family)
        by_path[path].append((o.probs.get(code, 0.0), right(o, code, annomi_of)))
    everything = [ok for pts in by_path.values() for _, ok in pts]
    overall = sum(everything) / max(1, len(everything))
    curves = {}
    for path in ("rules_non_adherent", "model", "agree", "rules"):
        pts = by_path.get(path, [])
        prior = (sum(ok for _, ok in pts) + SHRINK * overall) / (len(pts) + SHRINK)
        if not pts:
            curves[path] = {"x": [0.0], "y": [round(prior, 5)]}
            continue
        xs, ys = isotonic(pts, prior)
        curves[path] = {"x": xs, "y": ys}
    return curves


def calibration_check(
    oof: list[Oof],
    t: float,
    non_adherent: set[str],
    annomi_of: dict[str, str],
    gate: set[tuple[str, str]] | None,
    family: dict[str, str],
    folds: int,
) -> dict[str, float]:
    """An honest look at the calibration before anything sealed is scored: the tuning halves'
    out-of-fold predictions cut in `folds` parts, each scored with curves fitted on the others
    (accuracy on the 80% most confident, expected calibration error)."""
    from mi_coach.coding.evaluate import confidence_figures

    typed = [o for o in oof if o.row.source == "typed"]
    correct: list[bool] = []
    conf: list[float | None] = []
    for k in range(folds):
        fit_on = [o for i, o in enumerate(typed) if i % folds != k]
        curves = {
            path: Curve(**c)
            for path, c in calibrate(fit_on, t, non_adherent, annomi_of, gate, family).items()
        }
        for o in typed[k::folds]:
            path, code = decide(o, t, non_adherent, gate, family)
            correct.append(right(o, code, annomi_of))
            conf.append(curves[path](o.probs.get(code, 0.0)))
    figures = confidence_figures(correct, conf)
    return {k: float(v) for k, v in figures.items()}


def rules_only_table(
    typed: list[Oof], labels: list[str], annomi_of: dict[str, str]
) -> dict[str, dict[str, Any]]:
    overall = sum(o.rules == o.row.label for o in typed) / max(1, len(typed))
    table = {}
    for code in labels:
        given = [o for o in typed if o.rules == code]
        hits = sum(o.row.label == code for o in given)
        wrong = Counter(o.row.label for o in given if o.row.label != code)
        runner = wrong.most_common(1)[0][0] if wrong else ("other" if code != "other" else "affirm")
        table[code] = {
            "confidence": round((hits + SHRINK * overall) / (len(given) + SHRINK), 4),
            "runner_up": runner,
        }
    return table


# -- the command --------------------------------------------------------------------------------


def fold_of(rows: list[Row], folds: int, seed: int) -> dict[str, int]:
    """Each fold unit (a typed row or content example, stratified by code; an AnnoMI session)
    gets a fold."""
    rng = random.Random(seed)
    out: dict[str, int] = {}
    by_label: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r.source in HELD_OUT and r.source != "annomi":
            by_label[r.label].add(r.group)
    n = 0
    for label in sorted(by_label):
        groups = sorted(by_label[label])
        rng.shuffle(groups)
        for g in groups:
            out[g] = n % folds
            n += 1
    sessions = sorted({r.group for r in rows if r.source == "annomi"})
    rng.shuffle(sessions)
    for i, g in enumerate(sessions):
        out[g] = i % folds
    return out


def train(
    out: Path,
    seed: int = 0,
    folds: int = 5,
    epochs: int = 12,
    length: int = 2**16,
    learn_rate: float = 0.001,
    annomi: str | None = None,
    say: Callable[[str], None] = print,
    dump: Path | None = None,
) -> dict[str, Any]:
    from mi_coach.coding.engine import get_classifier

    started = time.perf_counter()
    clf = get_classifier(arbiter=False)
    if clf.pipeline.degraded:
        raise MiCoachError("training needs a trained English pipeline (en_core_web_sm)")
    labels = list(clf.codes.codes)
    non_adherent = {c for c in labels if clf.codes.family(c) == "mi_non_adherent"}
    annomi_of: dict[str, str] = {c: str(clf.codes.codes[c].annomi) for c in labels}

    rows = rule_rows(clf.ruleset)
    say(f"rule examples: {len(rows)} (every rule's match examples, labelled with its code)")
    content = content_rows({c: clf.codes.family(c) for c in labels})
    rows += content
    say(
        f"built-in practice content: {sum(r.source == 'content' for r in content)} rows "
        "(drill exemplars, and scenario examples, after each client line of their state, whose "
        f"transition names one code), and {sum(r.source == 'content_any' for r in content)} rows "
        "whose transition names several codes or families (right as any of them)"
    )
    typed = typed_rows()
    if typed:
        say(f"check sets, tuning halves (odd ids) of {CHECKS}: {len(typed)} rows")
    else:
        say(f"check sets not found in {CHECKS}: training without them")
    rows += typed
    annomi_path = find_annomi(annomi)
    annomi_counts: dict[str, int] = {}
    if annomi_path is not None and annomi_path.is_file():
        extra, annomi_counts = annomi_rows(annomi_path)
        rows += extra
        say(
            f"AnnoMI {annomi_path}: "
            + ", ".join(f"{k} {v}" for k, v in sorted(annomi_counts.items()))
        )
    else:
        say(
            "AnnoMI not found (looked for ../shared/data/annomi_dev.csv; --annomi FILE): "
            "training without it"
        )

    say(f"reading {len(rows)} rows with the pipeline ...")
    docs: list[Any] = []
    rules: list[Any] = []
    for row, (doc, result) in zip(rows, clf.read_many((r.text, r.client) for r in rows)):
        doc._.mi_spoken = row.source == "annomi"  # its own copy of each feature (arbiter.py)
        docs.append(doc)
        rules.append(result)

    def data(idx: Iterable[int]) -> list[tuple[Any, str]]:
        pairs = []
        for i in idx:
            repeat = TYPED_REPEAT if rows[i].source == "typed" else 1
            # a response right as any of several codes: one row for each (a spread target)
            for code in rows[i].accept or (rows[i].label,):
                pairs += [(docs[i], code)] * repeat
        return pairs

    folds_of = fold_of(rows, folds, seed)
    held = [i for i, r in enumerate(rows) if r.source in HELD_OUT]
    oof: list[Oof] = []
    for k in range(folds):
        test = [i for i in held if folds_of[rows[i].group] == k]
        train_idx = [i for i, r in enumerate(rows) if r.source == "rules" or folds_of[r.group] != k]
        tc = fit(clf._nlp.vocab, data(train_idx), labels, seed, epochs, length, learn_rate)
        # predicted as at run time, where every response is read as typed
        for i in test:
            docs[i]._.mi_spoken = False
        predicted = predict(tc, [docs[i] for i in test])
        for i in test:
            docs[i]._.mi_spoken = rows[i].source == "annomi"
        for i, probs in zip(test, predicted):
            oof.append(Oof(rows[i], rules[i].code, rules[i].codes, dict(zip(tc.labels, probs))))
        say(f"fold {k + 1}/{folds}: trained on {len(train_idx)} rows, predicted {len(test)}")

    if dump is not None:  # the out-of-fold predictions, for studying the combination
        dump.write_text(
            "".join(
                json.dumps(
                    {
                        "row": vars(o.row),
                        "rules": o.rules,
                        "codes": o.rules_codes,
                        "fired": o.fired,
                        "probs": o.probs,
                    }
                )
                + "\n"
                for o in oof
            ),
            encoding="utf-8",
        )
    family = {c: clf.codes.family(c) for c in labels}
    t, _ = choose_threshold(oof, non_adherent, annomi_of)
    gate = overrule_gate(oof, t, non_adherent, annomi_of, family)
    t, figures = choose_threshold(oof, non_adherent, annomi_of, gate, family)
    curves = calibrate(oof, t, non_adherent, annomi_of, gate, family)
    check = calibration_check(oof, t, non_adherent, annomi_of, gate, family, folds)
    typed_oof = [o for o in oof if o.row.source == "typed"]
    table = rules_only_table(typed_oof, labels, annomi_of)
    rules_acc = sum(o.rules == o.row.label for o in typed_oof) / max(1, len(typed_oof))
    say(
        f"the model decides (never an MI-non-adherent code) at {t}; out of fold, "
        f"tuning halves {figures.get('typed_accuracy', 0):.3f} (rules alone {rules_acc:.3f}), "
        f"practice content {figures.get('content_accuracy', 0):.3f}, "
        f"AnnoMI sessions {figures.get('annomi_accuracy', 0):.3f}; it may overrule the rules "
        f"from/to {', '.join(f'{a}>{b}' for a, b in sorted(gate)) or 'nowhere'}"
    )
    say(
        "calibration, tuning halves out of fold: accuracy on the 80% most confident "
        f"{check.get('top_confident_accuracy', 0):.3f}, expected calibration error "
        f"{check.get('calibration_error', 0):.3f}"
    )

    tc = fit(clf._nlp.vocab, data(range(len(rows))), labels, seed, epochs, length, learn_rate)
    out.mkdir(parents=True, exist_ok=True)
    from mi_coach.coding.arbiter import PARAMS_FILE, TEXTCAT_DIR, VIEWS

    tc.to_disk(out / TEXTCAT_DIR, exclude=["vocab"])
    params = {
        "version": 1,
        "labels": list(tc.labels),
        "length": length,
        "views": list(VIEWS),
        "threshold": t,
        "overrule": sorted(gate),
        "calibration": curves,
        "rules_only": table,
        "training": {
            "seed": seed,
            "folds": folds,
            "epochs": epochs,
            "learn_rate": learn_rate,
            "rows": dict(Counter(r.source for r in rows)),
            "annomi": annomi_counts or "not found",
            "out_of_fold": {k: round(v, 4) for k, v in figures.items()},
            "rules_alone_tuning_accuracy": round(rules_acc, 4),
            "calibration_out_of_fold": {k: round(v, 4) for k, v in check.items()},
        },
    }
    (out / PARAMS_FILE).write_text(json.dumps(params, indent=1) + "\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    say(f"wrote {out} ({size / 1e6:.1f} MB) in {time.perf_counter() - started:.0f} s")
    return params


def main(argv: list[str] | None = None) -> int:
    from mi_coach.coding.arbiter import model_dir

    ap = argparse.ArgumentParser(
        prog="python -m mi_coach.coding.train", description=__doc__.splitlines()[0]
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--length", type=int, default=2**16, help="rows of the hashed weight table")
    ap.add_argument("--learn-rate", type=float, default=0.001)
    ap.add_argument("--annomi", metavar="FILE", help="AnnoMI development CSV")
    ap.add_argument("--out", metavar="DIR", default=str(model_dir()))
    ap.add_argument(
        "--dump-oof", metavar="FILE", help="write the out-of-fold predictions (JSON lines)"
    )
    args = ap.parse_args(argv)
    try:
        train(
            Path(args.out),
            seed=args.seed,
            folds=args.folds,
            epochs=args.epochs,
            length=args.length,
            learn_rate=args.learn_rate,
            annomi=args.annomi,
            dump=Path(args.dump_oof) if args.dump_oof else None,
        )
    except MiCoachError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
