"""The evidence every verdict is computed from: each turn as summaries count it, the session's
summary numbers, and estimates of MITI 4.2.1's four global scores. Pure logic.

A turn as summaries count it (`TurnView`) is the transcript's turn with a supervisor's codes in
place of the machine's where the supervisor annotated it (an override replaces all the codes of a
turn, and the machine's feedback does not follow it), the client's talk (tagged by a scripted
client, else read from the client's words with the cues in patterns/verdict.yml), and whether the
coder is sure of it.

Secondary codes: a turn's secondary ("also") codes count toward the ratio and share summary
scores (R:Q, % complex reflections, % open questions) and the global estimates only when the coder
is sure of the turn — a supervisor's codes, or a `confidence` of at least `sure` (verdict.yml).
A turn without a confidence counts its primary code only there: a lecture with a reflection
tucked inside each sentence is not a reflective session. Questions are the exception
(`always_counted`): MITI 4.2.1 tallies every question, so a turn's every question counts.
Counts of behaviours (adherent, non-adherent, per code) and language cues use every behaviour
found, so a behaviour shown on a turn is never said to be missing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from mi_coach.base.loading import builtin_dir, load_yaml, validate
from mi_coach.base.model import Strict

Talk = Literal["change", "sustain", "neutral", "discord"]
PartId = Literal[
    "cultivating_change_talk",
    "softening_sustain_talk",
    "partnership",
    "empathy",
    "summary_scores",
    "counsellor_input",
    "unasked_information",
    "non_adherent",
]
GLOBALS: tuple[PartId, ...] = (
    "cultivating_change_talk",
    "softening_sustain_talk",
    "partnership",
    "empathy",
)


class Select(Strict):
    """Behaviours chosen by code or by family (either is enough)."""

    code: list[str] = Field(default_factory=list)
    family: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _some(self) -> Select:
        if not (self.code or self.family):
            raise ValueError("name at least one code or family")
        return self

    def has(self, code: str, family_of: dict[str, str]) -> bool:
        return code in self.code or family_of.get(code) in self.family


def check_regexes(items: list[str]) -> list[str]:
    """Each item a valid regular expression (a pydantic validator for YAML pattern lists)."""
    for item in items:
        try:
            re.compile(item)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression {item!r}: {exc}") from None
    return items


def any_of(patterns: Sequence[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)", re.IGNORECASE)


class TalkCues(Strict):
    change: list[str] = Field(min_length=1)
    sustain: list[str] = Field(min_length=1)
    discord: list[str] = Field(min_length=1)
    examples: dict[Talk, list[str]]

    _check = field_validator("change", "sustain", "discord")(check_regexes)


class Answers(Strict):
    well: Select
    poorly: Select


class Part(Strict):
    weight: float = Field(gt=0)
    at: float | None = Field(None, gt=0)


class Band(Strict):
    at_least: float
    verdict: str


class OverallData(Strict):
    parts: dict[PartId, Part]
    bands: list[Band] = Field(min_length=1)
    reasons: dict[PartId, str]
    strengths: dict[PartId, str]


class Tier(Strict):
    id: Literal[
        "judgment",
        "righting_reflex",
        "persuasion",
        "counted_against",
        "rapport_loss",
        "missed_change",
        "missed_discord",
        "unasked_input",
    ]
    why: str


class VerdictData(Strict):
    sure: float = Field(ge=0, le=1)
    always_counted: Select
    sure_of_kind: float = Field(ge=0, le=1)
    input_codes: list[str]
    permission_codes: list[str]
    asked_codes: list[str]
    client_asks: list[str]
    answer_codes: list[str] = Field(default_factory=list)
    client_talk: TalkCues
    answers: dict[Literal["change", "sustain"], Answers]
    best_codes: list[str]
    loss_ignores: list[str]
    missed_tiers: list[Tier]
    best_why: dict[Literal["change_talk", "rapport", "both"], str]
    overall: OverallData

    _check = field_validator("client_asks")(check_regexes)

    def asks(self) -> re.Pattern[str]:
        return _regex(tuple(self.client_asks))

    def talk_regexes(self) -> dict[str, re.Pattern[str]]:
        c = self.client_talk
        return {k: _regex(tuple(getattr(c, k))) for k in ("discord", "sustain", "change")}


@cache
def _regex(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return any_of(patterns)


@cache
def load_verdict_data() -> VerdictData:
    doc = load_yaml(builtin_dir("patterns") / "verdict.yml")
    data = validate(doc, VerdictData)
    for talk, lines in data.client_talk.examples.items():
        for j, line in enumerate(lines):
            got = detect_talk(line, data)
            if got != talk:
                raise doc.error(
                    f"example {line!r} reads as {got} talk, not {talk}",
                    ("client_talk", "examples", talk, j),
                )
    return data


def detect_talk(text: str | None, data: VerdictData | None = None) -> Talk | None:
    """The client's talk in an untagged line: discord if any discord cue, else whichever of change
    and sustain talk has the last cue in the line; neutral when there is none."""
    if text is None:
        return None
    data = data or load_verdict_data()
    rx = data.talk_regexes()
    if rx["discord"].search(text):
        return "discord"
    last: dict[str, int] = {}
    for kind in ("sustain", "change"):
        ends = [m.end() for m in rx[kind].finditer(text)]
        if ends:
            last[kind] = max(ends)
    if not last:
        return "neutral"
    return "change" if last.get("change", -1) > last.get("sustain", -1) else "sustain"


@dataclass(frozen=True)
class TurnView:
    """One turn as every summary counts it."""

    n: int
    response: str
    client_text: str | None
    talk: Talk | None  # tagged by a scripted client, else read from the client's words
    talk_tagged: bool
    code: str  # the primary code (a supervisor's where there is one)
    family: str
    machine_code: str
    codes: tuple[str, ...]  # every behaviour (a supervisor's codes replace the machine's)
    counted: tuple[str, ...]  # the codes the ratio and share summary scores count
    supervisor: Literal["confirmed", "override"] | None
    sure: bool  # the coder (or a supervisor) is sure of the turn's kind of behaviour
    rapport_before: int | None
    rapport_after: int | None
    feedback: str | None
    better: str | None
    missed_note: str | None
    missed: bool  # change talk or discord the response did not answer
    is_input: bool  # information or persuasion (MITI's therapist input)
    unasked: bool  # input nobody asked for
    persuasion: bool  # unasked input right after sustain talk or discord
    comment: str | None = None
    drew_change: bool = False  # the client's next line is change talk: the response drew it out
    confidence: float | None = None  # the coder's (None under a supervisor's codes)
    runner_up: str | None = None  # the coder's likeliest other code (None under a supervisor's)
    losses: tuple[str, ...] = ()  # the recorded reasons the response cost rapport, costliest first

    @property
    def client(self) -> Any:  # the rubric engine's view of a turn's client
        return self

    @property
    def text(self) -> str | None:
        return self.client_text

    @property
    def rapport_gain(self) -> int:
        if self.rapport_before is None or self.rapport_after is None:
            return 0
        return self.rapport_after - self.rapport_before


def views(
    turns: Sequence[Any], family_of: dict[str, str], data: VerdictData | None = None
) -> list[TurnView]:
    """Every turn as summaries count it (already-built views pass through)."""
    if all(isinstance(t, TurnView) for t in turns):
        return list(turns)
    data = data or load_verdict_data()
    asks = data.asks()
    out: list[TurnView] = []
    for t in turns:
        eff = t.effective(family_of) if hasattr(t, "effective") else t
        a = getattr(t, "annotation", None)
        supervisor: Literal["confirmed", "override"] | None = None
        if a is not None and getattr(a, "code", None) is not None:
            same = eff.code == t.code and set(eff.codes) == set(t.codes)
            supervisor = "confirmed" if same else "override"
        confidence = getattr(t, "confidence", None)
        codes = tuple(dict.fromkeys(eff.codes or [eff.code]))
        if supervisor is not None:
            sure_all = True
        else:
            sure_all = confidence is not None and confidence >= data.sure
        counted = (
            codes
            if sure_all
            else tuple(c for c in codes if c == eff.code or data.always_counted.has(c, family_of))
        )
        if supervisor is not None:
            sure = True
        elif confidence is not None:
            runner_up = getattr(t, "runner_up", None)
            within = runner_up is not None and family_of.get(runner_up) == family_of.get(eff.code)
            sure = confidence >= data.sure or (within and confidence >= data.sure_of_kind)
        else:  # no confidence recorded: sure when every behaviour found is of one family
            sure = len({family_of.get(c) for c in codes}) == 1
        client = getattr(t, "client", None)
        client_text = getattr(client, "text", None) if client is not None else None
        tagged = getattr(client, "talk", None) if client is not None else None
        talk = tagged if tagged is not None else detect_talk(client_text, data)
        if tagged is not None and supervisor != "override":
            missed = bool(getattr(t, "missed_chance", False))
        else:
            missed = missed_chance(talk, eff.code, family_of, data, client_text, codes)
        is_input = eff.code in data.input_codes
        prev = out[-1] if out else None
        asked = (
            eff.code in data.asked_codes
            or (prev is not None and any(c in data.permission_codes for c in prev.codes))
            or (client_text is not None and bool(asks.search(client_text)))
        )
        unasked = is_input and not asked
        losses = sorted(
            (r for r in getattr(t, "reasons", None) or [] if r.delta < 0),
            key=lambda r: r.delta,
        )
        out.append(
            TurnView(
                n=t.n,
                response=t.response,
                client_text=client_text,
                talk=talk,
                talk_tagged=tagged is not None,
                code=eff.code,
                family=family_of.get(eff.code, "other"),
                machine_code=t.code,
                codes=codes,
                counted=counted,
                supervisor=supervisor,
                sure=sure,
                rapport_before=getattr(t, "rapport_before", None),
                rapport_after=getattr(t, "rapport_after", None),
                feedback=getattr(eff, "feedback", None),
                better=getattr(eff, "better", None),
                missed_note=getattr(eff, "missed_note", None) if missed else None,
                missed=missed,
                is_input=is_input,
                unasked=unasked,
                persuasion=unasked and talk in ("sustain", "discord"),
                comment=getattr(a, "comment", None) if a is not None else None,
                confidence=None if supervisor is not None else confidence,
                runner_up=None if supervisor is not None else getattr(t, "runner_up", None),
                losses=tuple(r.text for r in losses if r.kind not in data.loss_ignores),
            )
        )
    return [replace(v, drew_change=w.talk == "change") for v, w in zip(out, out[1:])] + out[-1:]


def answers_a_question(client_text: str | None, code: str, data: VerdictData) -> bool:
    """The client's line asks something and the response answers it plainly (answer_codes):
    no missed chance, whatever talk the line also held."""
    return code in data.answer_codes and bool(client_text and data.asks().search(client_text))


def missed_chance(
    talk: str | None,
    code: str,
    family_of: dict[str, str],
    data: VerdictData,
    client_text: str | None = None,
    codes: Sequence[str] = (),
) -> bool:
    """Change talk or discord that none of the response's codes (primary or also) answers well
    (verdict.yml: answers), unless the response plainly answers the client's own question. The
    one definition: practice feedback and the scorecard both use it."""
    if answers_a_question(client_text, code, data):
        return False
    if talk not in ("change", "discord"):
        return False
    well = data.answers["change" if talk == "change" else "sustain"].well
    return not any(well.has(c, family_of) for c in (code, *codes))


def summary_numbers(
    vs: Sequence[TurnView], codes: Any, family_of: dict[str, str]
) -> dict[str, Any]:
    """The session's numbers under stable keys (a public interface: `review --format json`)."""
    counts: dict[str, int] = {c: 0 for c in codes.codes}
    for v in vs:
        for c in v.codes:
            counts[c] = counts.get(c, 0) + 1

    def counted(pred: Any) -> int:
        return sum(1 for v in vs for c in v.counted if pred(c))

    refl = counted(lambda c: family_of.get(c) == "reflection")
    ques = counted(lambda c: family_of.get(c) == "question")
    cx = counted(lambda c: c == "complex_reflection")
    oq = counted(lambda c: c == "open_question")
    by_family: dict[str, int] = {}
    for c, k in counts.items():
        by_family[family_of.get(c, "other")] = by_family.get(family_of.get(c, "other"), 0) + k
    non = by_family.get("mi_non_adherent", 0)
    return {
        "reflections": refl,
        "questions": ques,
        "reflection_to_question_ratio": round(refl / ques, 3) if ques else None,
        "percent_complex_reflections": round(100 * cx / refl, 1) if refl else None,
        "percent_open_questions": round(100 * oq / ques, 1) if ques else None,
        "mi_adherent": by_family.get("mi_adherent", 0),
        "mi_non_adherent": non,
        "mi_non_adherent_per_10_turns": round(10 * non / len(vs), 1) if vs else None,
        "counts": counts,
    }


def estimates(
    vs: Sequence[TurnView], family_of: dict[str, str], data: VerdictData | None = None
) -> dict[str, float | None]:
    """Estimates (1-5) of MITI 4.2.1's global scores from the counted codes and the client's talk.
    None where the session holds nothing to judge by (no change talk for Cultivating Change Talk).

    - Cultivating Change Talk: 1 + 4 x the share of the chances to cultivate change talk that
      were taken. A chance is a turn that answers the client's change talk or draws it out (the
      client's next line is change talk, as the best moment reads it); it is taken when the
      response answers the change talk well, or draws it out, and holds nothing that answers it
      poorly (information, persuasion, MI-non-adherent behaviour). All taken scores 5, none 1;
      below 3 more than half were passed over or met with advice (MITI 4.2.1's anchors: 3
      "often attends ... but misses some", 2 "sporadically attends").
    - Softening Sustain Talk: 3 + 2 x (share of sustain talk and discord answered well - share
      answered poorly): reflected or left to the client's choice scores 5, met with information or
      advice (persuasion) or judgment scores 1, neutral answers 3.
    - Partnership: 3 + 4 x (share of substantive turns that share power: open questions, seeking
      collaboration, emphasising autonomy) - 4 x (share that take the expert role: information or
      persuasion, nobody-asked-for input counted twice).
    - Empathy: 1 + 4 x (simple reflections + 2 x complex reflections) / substantive turns: a
      complex reflection in every other turn scores 5.
    Substantive turns are those whose primary code is not `other` (greetings, backchannels)."""
    data = data or load_verdict_data()
    out: dict[str, float | None] = {g: None for g in GLOBALS}

    def rate(talks: tuple[str, ...], ans: Answers) -> tuple[float, float] | None:
        hit = [v for v in vs if v.talk in talks]
        if not hit:
            return None
        well = sum(ans.well.has(v.code, family_of) for v in hit) / len(hit)
        poor = sum(
            ans.poorly.has(v.code, family_of)
            or any(family_of.get(c) == "mi_non_adherent" for c in v.codes)
            for v in hit
        ) / len(hit)
        return well, poor

    change = data.answers["change"]
    chances = [v for v in vs if v.talk == "change" or v.drew_change]
    if chances:

        def taken(v: TurnView) -> bool:
            poorly = (v.talk == "change" and change.poorly.has(v.code, family_of)) or any(
                family_of.get(c) == "mi_non_adherent" for c in v.codes
            )
            well = v.talk == "change" and change.well.has(v.code, family_of)
            return not poorly and (well or v.drew_change)

        share_taken = sum(taken(v) for v in chances) / len(chances)
        out["cultivating_change_talk"] = _clamp(1 + 4 * share_taken)
    st = rate(("sustain", "discord"), data.answers["sustain"])
    if st is not None:
        out["softening_sustain_talk"] = _clamp(3 + 2 * (st[0] - st[1]))
    subst = [v for v in vs if family_of.get(v.code) != "other"]
    if subst:
        n = len(subst)

        def share(pred: Any) -> float:
            return sum(1 for v in subst for c in v.counted if pred(c)) / n

        sharing = share(
            lambda c: c in ("open_question", "seek_collaboration", "emphasize_autonomy")
        )
        expert = (sum(v.is_input for v in subst) + sum(v.unasked for v in subst)) / n
        out["partnership"] = _clamp(3 + 4 * sharing - 4 * expert)
        simple = share(lambda c: c == "simple_reflection")
        cx = share(lambda c: c == "complex_reflection")
        out["empathy"] = _clamp(1 + 4 * min(1.0, simple + 2 * cx))
    return out


def _clamp(x: float) -> float:
    return round(max(1.0, min(5.0, x)), 2)
