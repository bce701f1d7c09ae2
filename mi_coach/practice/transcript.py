"""Transcripts: the versioned JSON record of a practice session, and where it is kept.

A transcript is written after every turn with an atomic replace (write a temporary file in the same
folder, flush it to disk, rename it over the old one, flush the folder), readable only by its owner
(0600) in a folder mi-coach creates for its owner only (0700; a folder that already exists is left
as it is). A crash or Ctrl-C therefore loses no completed turn.

Two writers never lose each other's work: a session (and `annotate`) holds an advisory lock on
the transcript (`.<file>.lock` beside it) while it writes, so a second one is told the file is
open in another session; and every save is a compare-and-swap on the transcript's `revision`,
so a writer that loaded an older revision (an edit by hand, a system without locks) is refused
rather than overwriting newer turns.

Where: `--data-dir DIR`, else `MI_COACH_DATA`, else the platform's usual place for user data
($XDG_DATA_HOME/mi-coach or ~/.local/share/mi-coach; ~/Library/Application Support/mi-coach on
macOS; %APPDATA%\\mi-coach on Windows). Transcripts live in its `transcripts/` folder.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mi_coach.base import jsontext
from mi_coach.base.errors import MiCoachError
from mi_coach.base.paths import make_private_dirs, user_dir, write_private
from mi_coach.coding.inputs import MAX_RESPONSE_CHARS

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


# Every number and string read from a transcript is bounded to what it can mean: rapport is
# 0-10, a response is at most MAX_RESPONSE_CHARS, a session has at most MAX_TURNS turns. A file
# outside these is refused at load (one line naming the field), before anything loops or draws.
MAX_TURNS = 2_000
SHORT = 200  # ids, codes, names, time stamps
LONG = 10_000  # feedback, notes, comments
Short = Annotated[str, Field(max_length=SHORT)]
Rapport = Annotated[int, Field(ge=0, le=10)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClientTurn(_Record):
    text: str = Field(max_length=MAX_RESPONSE_CHARS)
    talk: Literal["change", "sustain", "neutral", "discord"] | None = None  # scripted only
    thought: str | None = Field(None, max_length=LONG)  # scripted clients only


class Annotation(_Record):
    """A supervisor's view of a turn, as a second coder: their codes and/or a comment. `code` is
    the supervisor's primary code and `codes` every behaviour they saw (absent: `code` alone).
    Codes equal to the machine's record agreement (confirmed); different ones replace all the
    machine's codes of the turn in every summary. The machine's codes stay in the turn."""

    code: Short | None = None
    codes: list[Short] | None = Field(None, max_length=100)
    comment: str | None = Field(None, max_length=LONG)
    by: Short | None = None
    at: Short


_EVIDENCE = {"rule": str, "code": str, "start": int, "end": int, "match": str}


class Reason(_Record):
    """One part of a turn's rapport change and why (texts from patterns/reactions.yml)."""

    kind: str  # code, mentions, words_at_least, a named reason, repeat, unsure, repair, limit, warning
    delta: int
    text: str


class Turn(_Record):
    n: int = Field(ge=1, le=MAX_TURNS)
    state: Short | None = None  # scripted sessions: the client's state
    client: ClientTurn | None = None  # the client line this response answers
    response: str = Field(max_length=MAX_RESPONSE_CHARS)
    code: Short  # the machine's primary code
    family: Short
    codes: list[Short] = Field(max_length=100)  # every behaviour the machine found
    evidence: list[dict[str, Any]] = Field(max_length=1_000)
    feedback: str | None = Field(None, max_length=LONG)
    # How sure the coder was of `code` (0-1, calibrated) and its likeliest other code; absent in
    # transcripts written before the coder had a confidence.
    confidence: float | None = Field(None, ge=0, le=1)
    runner_up: Short | None = None
    rapport_before: Rapport | None = None
    rapport_after: Rapport | None = None
    next_state: Short | None = None
    missed_chance: bool = False
    missed_note: str | None = Field(None, max_length=LONG)  # what a missed chance was
    better: str | None = Field(None, max_length=LONG)
    annotation: Annotation | None = None
    # scripted sessions: why rapport moved, and how the client took the response
    reasons: list[Reason] = Field(default_factory=list)
    reaction: str | None = None  # the client's unspoken reaction to this response
    strike: bool = False  # a sure MI-non-adherent response (counts toward a rupture)
    warning: bool = False  # a rupture threatened and the client gave a warning sign instead
    repeat_of: int | None = None  # the earlier turn whose response this one repeats

    @field_validator("evidence")
    @classmethod
    def _evidence(cls, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each piece of evidence is {rule, code, start, end, match} with offsets in range."""
        for i, ev in enumerate(items):
            if not isinstance(ev, dict) or set(ev) != set(_EVIDENCE):
                raise ValueError(
                    f"evidence {i} must have exactly the fields {', '.join(_EVIDENCE)}"
                )
            for key, kind in _EVIDENCE.items():
                value = ev[key]
                if not isinstance(value, kind) or isinstance(value, bool):
                    raise ValueError(f"evidence {i}: {key} must be a {kind.__name__}")
            if not 0 <= ev["start"] <= ev["end"] <= MAX_RESPONSE_CHARS:
                raise ValueError(f"evidence {i}: start and end must be offsets in the response")
            if len(ev["match"]) > MAX_RESPONSE_CHARS or len(ev["rule"]) > SHORT:
                raise ValueError(f"evidence {i}: too long")
        return items

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
    scenario: Short  # the scenario id; for an imported session, "imported"
    scenario_title: str = Field(max_length=LONG)
    scenario_source: str = Field(max_length=LONG)  # the scenario file, or the imported file
    trainee: Short | None = None
    # what the scorecard scores
    rubrics: list[Short] = Field(default_factory=lambda: ["mi"], max_length=50)
    # an imported session: the speaker labels its file used (they can be people's names)
    speakers: list[Short] | None = Field(None, max_length=50)
    feedback: Literal["turn", "end"] = "turn"
    difficulty: Literal["gentle", "standard", "hard"] | None = None  # scripted sessions
    pronouns: Short | None = None  # the trainee's, for the client's thoughts (default they/them)
    seed: int | None = Field(None, ge=-(2**63), le=2**63)
    started: Short
    updated: Short
    finished: Short | None = None
    status: Status = "in_progress"
    state: Short | None = None
    rapport: Rapport | None = None
    turns: list[Turn] = Field(default_factory=list, max_length=MAX_TURNS)
    # an imported session that ends with the client speaking: their words after the last response
    closing: ClientTurn | None = None
    scores: dict[str, Any] | None = None
    # One more with every save; a save expects the file to hold the revision it loaded.
    revision: int = Field(0, ge=0, le=2**53)

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
    return user_dir("MI_COACH_DATA", "XDG_DATA_HOME", ".local/share")


def transcripts_dir(explicit: str | None = None, create: bool = True) -> Path:
    folder = data_dir(explicit) / "transcripts"
    if create:
        try:
            make_private_dirs(folder)
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
    file, even a renamed one), else to `<id>.json` in the folder. The caller holds its lock
    (`locked`). Compare-and-swap: the file must still hold the revision the transcript was
    loaded at (or not exist yet); then the revision goes up by one."""
    path = path or folder / f"{transcript.id}.json"
    on_disk = disk_revision(path)
    if on_disk is not None and on_disk != transcript.revision:
        raise MiCoachError(
            f"not saved: the file changed since this session read it (revision {on_disk} on "
            f"disk, {transcript.revision} here): another session or an edit wrote to it",
            path=str(path),
        )
    transcript.updated = now()
    transcript.revision += 1
    try:
        write_private(path, transcript.to_json(), stale_after=0)  # under the lock: all stale
    except OSError as exc:
        transcript.revision -= 1
        raise MiCoachError(
            f"cannot save the transcript: {exc.strerror or exc}", path=str(path)
        ) from None
    return path


def disk_revision(path: Path) -> int | None:
    """The revision of the transcript at `path`, or None when there is no file."""
    from mi_coach.base.loading import parse_json, read_text

    if not os.path.lexists(path):
        return None
    data = parse_json(read_text(path), str(path))
    revision = data.get("revision", 0) if isinstance(data, dict) else None
    if not isinstance(revision, int) or isinstance(revision, bool):
        raise MiCoachError("not saved: the file on disk is not a transcript", path=str(path))
    return revision


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the advisory lock of the transcript at `path` (a `.<name>.lock` file beside it)
    while the block runs; if another session holds it, a MiCoachError says so at once. Where
    the platform has no advisory locks, the compare-and-swap in `save` still guards."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    lock = path.with_name(f".{path.name}.lock")
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(lock, flags, 0o600)
    except OSError as exc:
        raise MiCoachError(f"cannot lock: {exc.strerror or exc}", path=str(lock)) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise MiCoachError(
                "open in another session (it holds the file's lock); finish or quit that "
                "session first",
                path=str(path),
            ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def load(path: str | Path) -> Transcript:
    from mi_coach.base.loading import parse_json, read_text

    data = parse_json(read_text(path), str(path))
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise MiCoachError(f'not a mi-coach transcript (no "schema": "{SCHEMA}")', path=str(path))
    if data.get("version") != VERSION:
        raise MiCoachError(
            f"transcript version {data.get('version')!r} is not supported "
            f"(this mi-coach reads version {VERSION})",
            path=str(path),
        )
    try:
        transcript = Transcript.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise MiCoachError(
            err["msg"].removeprefix("Value error, "),
            path=str(path),
            field=".".join(str(p) for p in err["loc"]),
        ) from None
    check_codes(transcript, str(path))
    return transcript


def check_codes(t: Transcript, path: str) -> None:
    """Every code a transcript names (the machine's, and a supervisor's) is one of the codes."""
    from mi_coach.coding.ruleset import load_codes

    known = load_codes().codes
    for i, turn in enumerate(t.turns):
        named = [("code", turn.code)] + [(f"codes.{j}", c) for j, c in enumerate(turn.codes)]
        if turn.annotation is not None and turn.annotation.code is not None:
            named.append(("annotation.code", turn.annotation.code))
        for field, code in named:
            if code not in known:
                raise MiCoachError(
                    f"unknown code {code!r} (codes: {', '.join(known)})",
                    path=path,
                    field=f"turns.{i}.{field}",
                )


def listing(
    folder: Path, failed: list[MiCoachError] | None = None
) -> list[tuple[Path, Transcript]]:
    """Every readable transcript in the folder, oldest first. One that cannot be read is
    skipped, and its error added to `failed` (when given) so the caller can name it."""
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            found.append((path, load(path)))
        except MiCoachError as exc:
            if failed is not None:
                failed.append(exc)
    found.sort(key=lambda pt: (pt[1].updated, pt[0].name))
    return found


def last_unfinished(
    folder: Path, failed: list[MiCoachError] | None = None
) -> tuple[Path, Transcript] | None:
    open_ = [(p, t) for p, t in listing(folder, failed) if t.status == "in_progress"]
    return open_[-1] if open_ else None
