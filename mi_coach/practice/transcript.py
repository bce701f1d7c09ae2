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
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mi_coach.base import jsontext
from mi_coach.base.errors import MiCoachError
from mi_coach.base.paths import write_private

SCHEMA = "mi-coach/transcript"
VERSION = 1
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
    """A supervisor's view of a turn: an override of the code and/or a comment. The machine's code
    stays in the turn; summaries use the override."""

    code: str | None = None
    comment: str | None = None
    by: str | None = None
    at: str


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

    def effective(self, family_of: dict[str, str]) -> Turn:
        """The turn as summaries count it: a supervisor's code replaces the machine's primary."""
        a = self.annotation
        if a is None or a.code is None or a.code == self.code:
            return self
        codes = [a.code if c == self.code else c for c in self.codes]
        return self.model_copy(
            update={
                "code": a.code,
                "family": family_of.get(a.code, "other"),
                "codes": list(dict.fromkeys(codes)),
            }
        )


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
    feedback: Literal["turn", "end"] = "turn"
    seed: int | None = None
    started: str
    updated: str
    finished: str | None = None
    status: Status = "in_progress"
    state: str | None = None
    rapport: int | None = None
    turns: list[Turn] = Field(default_factory=list)
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
