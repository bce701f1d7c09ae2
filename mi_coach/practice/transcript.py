"""Transcripts: the versioned JSON record of a practice session, and where it is kept.

A transcript is written after every turn with an atomic replace (write a temporary file in the same
folder, flush it to disk, rename it over the old one), readable only by its owner (0600) in a
folder only its owner can enter (0700). A crash or Ctrl-C therefore loses no completed turn.

Where: `--data-dir DIR`, else `MI_COACH_DATA`, else the platform's usual place for user data
($XDG_DATA_HOME/mi-coach or ~/.local/share/mi-coach; ~/Library/Application Support/mi-coach on
macOS; %APPDATA%\\mi-coach on Windows). Transcripts live in its `transcripts/` folder.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mi_coach.base import jsontext
from mi_coach.base.errors import MiCoachError
from mi_coach.base.paths import write_private

SCHEMA: Final = "mi-coach/transcript"
VERSION: Final = 1
Status = Literal["in_progress", "success", "rupture", "turn_limit", "imported"]
# How a session ended, in words (scorecards and exports).
OUTCOMES = {
    "success": "the client named a next step",
    "rupture": "the conversation broke down",
    "turn_limit": "out of turns",
    "in_progress": "unfinished",
    "imported": "imported from a real session",
}


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClientTurn(_Record):
    text: str
    talk: Literal["change", "sustain", "neutral", "discord"] | None = None  # scripted only
    thought: str | None = None  # scripted clients only


class Annotation(_Record):
    """A supervisor's view of a turn, as a second coder: their codes and/or a comment. `code` is
    the supervisor's primary code and `codes` every behaviour they saw (absent: `code` alone).
    Codes equal to the machine's record agreement (confirmed); different ones replace all the
    machine's codes of the turn in every summary. The machine's codes stay in the turn."""

    code: str | None = None
    codes: list[str] | None = None
    comment: str | None = None
    by: str | None = None
    at: str


class Reason(_Record):
    """One part of a turn's rapport change and why (texts from patterns/reactions.yml)."""

    kind: str  # code, mentions, words_at_least, a named reason, repeat, unsure, repair, limit, warning
    delta: int
    text: str


class Turn(_Record):
    n: int = Field(ge=1)
    state: str | None = None  # scripted sessions: the client's state
    client: ClientTurn | None = None  # the client line this response answers
    response: str
    code: str  # the machine's primary code
    family: str
    codes: list[str]  # every behaviour the machine found
    evidence: list[dict[str, Any]]
    feedback: str | None = None
    # How sure the coder was of `code` (0-1, calibrated) and its likeliest other code; absent in
    # transcripts written before the coder had a confidence.
    confidence: float | None = Field(None, ge=0, le=1)
    runner_up: str | None = None
    rapport_before: int | None = None
    rapport_after: int | None = None
    next_state: str | None = None
    missed_chance: bool = False
    missed_note: str | None = None  # what a missed chance was (patterns/reactions.yml)
    better: str | None = None
    annotation: Annotation | None = None
    # scripted sessions: why rapport moved, and how the client took the response
    reasons: list[Reason] = Field(default_factory=list)
    reaction: str | None = None  # the client's unspoken reaction to this response
    strike: bool = False  # a sure MI-non-adherent response (counts toward a rupture)
    warning: bool = False  # a rupture threatened and the client gave a warning sign instead
    repeat_of: int | None = None  # the earlier turn whose response this one repeats

    def effective(self, family_of: dict[str, str]) -> Turn:
        """The turn as summaries count it: a supervisor's codes replace all the machine's codes.
        Under a supervisor's different primary code the machine's feedback, trigger words and
        better response do not follow (they were about the machine's code)."""
        a = self.annotation
        if a is None or a.code is None:
            return self
        codes = list(dict.fromkeys([a.code, *(a.codes or [])]))
        if self.confirmed:
            return self
        update: dict[str, Any] = {
            "code": a.code,
            "family": family_of.get(a.code, "other"),
            "codes": codes,
        }
        if a.code != self.code:
            update.update({"feedback": None, "better": None, "evidence": [], "missed_note": None})
        return self.model_copy(update=update)

    @property
    def confirmed(self) -> bool:
        """A supervisor reviewed this turn and gave the machine's codes (agreement)."""
        a = self.annotation
        if a is None or a.code is None or a.code != self.code:
            return False
        return {a.code, *(a.codes or [])} == {self.code, *self.codes}

    @property
    def reviewed(self) -> bool:
        """A supervisor gave this turn codes (confirming the machine's or their own)."""
        return self.annotation is not None and self.annotation.code is not None


class Transcript(_Record):
    schema_: Literal["mi-coach/transcript"] = Field(SCHEMA, alias="schema")
    version: Literal[1] = VERSION
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")  # also the file name: no paths
    kind: Literal["practice", "imported"] = "practice"
    scenario: str  # the scenario id; for an imported session, "imported"
    scenario_title: str
    scenario_source: str  # the scenario file, or the imported file
    trainee: str | None = None
    rubrics: list[str] = Field(default_factory=lambda: ["mi"])  # what the scorecard scores
    # an imported session: the speaker labels its file used (they can be people's names)
    speakers: list[str] | None = None
    feedback: Literal["turn", "end"] = "turn"
    difficulty: Literal["gentle", "standard", "hard"] | None = None  # scripted sessions
    pronouns: str | None = None  # the trainee's, for the client's thoughts (default they/them)
    seed: int | None = None
    started: str
    updated: str
    finished: str | None = None
    status: Status = "in_progress"
    state: str | None = None
    rapport: int | None = None
    turns: list[Turn] = Field(default_factory=list)
    # an imported session that ends with the client speaking: their words after the last response
    closing: ClientTurn | None = None
    scores: dict[str, Any] | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @classmethod
    def new(
        cls,
        *,
        scenario_id: str,
        scenario_title: str,
        scenario_source: str,
        trainee: str | None,
        feedback: Literal["turn", "end"] = "turn",
        seed: int | None = None,
        state: str | None = None,
        rapport: int | None = None,
        rubrics: list[str] | None = None,
        kind: str = "practice",
        difficulty: Literal["gentle", "standard", "hard"] | None = None,
        pronouns: str | None = None,
    ) -> Transcript:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        return cls(
            id=f"{stamp}-{scenario_id}-{secrets.token_hex(2)}",
            kind=kind,
            scenario=scenario_id,
            scenario_title=scenario_title,
            scenario_source=scenario_source,
            trainee=trainee,
            rubrics=rubrics or ["mi"],
            feedback=feedback,
            difficulty=difficulty,
            pronouns=pronouns,
            seed=seed,
            started=now(),
            updated=now(),
            state=state,
            rapport=rapport,
        )

    def to_json(self) -> str:
        return jsontext.dumps(self.model_dump(by_alias=True), indent=2) + "\n"


def data_dir(explicit: str | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("MI_COACH_DATA")
    if env:
        return Path(env).expanduser()
    home = Path.home()
    if sys.platform == "win32":  # pragma: no cover - platform specific
        return Path(os.environ.get("APPDATA", home / "AppData" / "Roaming")) / "mi-coach"
    if sys.platform == "darwin":  # pragma: no cover - platform specific
        return home / "Library" / "Application Support" / "mi-coach"
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else home / ".local" / "share") / "mi-coach"


def transcripts_dir(explicit: str | None = None, create: bool = True) -> Path:
    folder = data_dir(explicit) / "transcripts"
    if create:
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(folder, 0o700)
        except OSError as exc:
            raise MiCoachError(
                f"cannot create the data folder: {exc.strerror or exc}", path=str(folder)
            ) from None
    return folder


def write_file(path: str | Path, text: str) -> Path:
    """write_private for a file the user named: every way it can fail becomes a MiCoachError."""
    p = Path(path)
    try:
        write_private(p, text)
    except OSError as exc:
        raise MiCoachError(f"cannot write: {exc.strerror or exc}", path=str(p)) from None
    return p


def save(transcript: Transcript, folder: Path, path: Path | None = None) -> Path:
    """Journal the transcript: to `path` when it was loaded from one (a resumed session keeps its
    file, even a renamed one), else to `<id>.json` in the folder."""
    transcript.updated = now()
    path = path or folder / f"{transcript.id}.json"
    try:
        write_private(path, transcript.to_json())
    except OSError as exc:
        raise MiCoachError(
            f"cannot save the transcript: {exc.strerror or exc}", path=str(path)
        ) from None
    return path


def load(path: str | Path) -> Transcript:
    from mi_coach.base.loading import read_text

    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MiCoachError(f"not JSON: {exc.msg}", path=str(path), line=exc.lineno) from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise MiCoachError(f'not a mi-coach transcript (no "schema": "{SCHEMA}")', path=str(path))
    if data.get("version") != VERSION:
        raise MiCoachError(
            f"transcript version {data.get('version')!r} is not supported "
            f"(this mi-coach reads version {VERSION})",
            path=str(path),
        )
    try:
        return Transcript.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise MiCoachError(
            err["msg"], path=str(path), field=".".join(str(p) for p in err["loc"])
        ) from None


def listing(folder: Path) -> list[tuple[Path, Transcript]]:
    """Every readable transcript in the folder, oldest first (unreadable ones are skipped)."""
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            found.append((path, load(path)))
        except MiCoachError:
            continue
    found.sort(key=lambda pt: (pt[1].updated, pt[0].name))
    return found


def last_unfinished(folder: Path) -> tuple[Path, Transcript] | None:
    open_ = [(p, t) for p, t in listing(folder) if t.status == "in_progress"]
    return open_[-1] if open_ else None
