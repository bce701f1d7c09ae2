"""What `classify`, `rules --explain` and `eval` print: a response's codes, the words that decided
them, and the classifier's accuracy report."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.panel import Panel
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from mi_coach.coding.evaluate import Report
    from mi_coach.coding.models import Classification
    from mi_coach.coding.ruleset import RuleSet

from mi_coach.base.text import telling
from mi_coach.cli.term import FAMILY_STYLE, code_text, console, safe


def classification_panel(c: Classification, rules: RuleSet, explain: bool = False) -> None:
    codes = rules.codes
    info = codes.codes[c.code]
    body = Table.grid(padding=(0, 2))
    body.add_column(style="bold", no_wrap=True)
    body.add_column()
    if c.client:
        body.add_row("Client", Text(safe(c.client), style="italic"))
    body.add_row("You said", Text(safe(c.text) or "(empty)"))
    body.add_row(
        "Code",
        Text.assemble(
            code_text(c.code, info.family, info.label),
            f"  ({c.code}, {info.family.replace('_', '-')})",
            _sure(c.confidence),
        ),
    )
    unsure_row(body, c.code, c.runner_up, c.confidence)
    if len(c.codes) > 1:
        body.add_row("Also found", ", ".join(x for x in c.codes if x != c.code))
    triggers = telling(t.match for t in c.evidence)
    if triggers:
        body.add_row("Because of", ", ".join(f"\u201c{safe(m)}\u201d" for m in triggers))
    rule = rules.primary_rule(c)
    if rule is not None:
        body.add_row("Feedback", safe(rule.feedback))
        if explain:
            source = f" — {rule.why}" if rule.why else ""
            body.add_row("Provenance", safe(f"{rule.provenance}{source}"))
        if rule.alternative:
            label = "Try instead" if info.family == "mi_non_adherent" else "Next step"
            body.add_row(label, Text(safe(rule.alternative), style="green"))
    elif c.decided_by == "model":
        body.add_row("Feedback", safe(rules.feedback(c) or ""))
    else:
        body.add_row(
            "Feedback", safe(f"No rule matched: coded {info.label.lower()} ({info.summary}).")
        )
    style = FAMILY_STYLE.get(info.family, "")
    console.print(Panel(body, title="mi-coach", title_align="left", border_style=style or "none"))
    if explain:
        fired_table(c)


def _sure(confidence: float | None) -> Text:
    return Text(f"  confidence {confidence:.2f}", style="dim") if confidence is not None else Text()


def unsure_row(body: Table, code: str, runner_up: str | None, confidence: float | None) -> None:
    """ "Not sure: this reads as … or …" when the coder is unsure (patterns/confidence.yml)."""
    from mi_coach.coding.ruleset import load_wording

    note = load_wording().unsure_note(code, runner_up, confidence)
    if note:
        body.add_row("Unsure", Text(safe(note), style="yellow"))


def fired_table(c: Classification) -> None:
    table = Table(title="Every rule that fired", title_justify="left")
    table.add_column("rule", overflow="fold")
    table.add_column("code")
    table.add_column("chars", justify="right")
    table.add_column("match")
    table.add_column("used", justify="center")
    used = set(c.evidence)
    for t in c.fired:
        table.add_row(
            t.rule, t.code, f"{t.start}-{t.end}", safe(t.match), "yes" if t in used else ""
        )
    if not c.fired:
        table.add_row("(none)", c.code, "", "", "")
    console.print(table)


def classification_table(results: Iterable[Classification], rules: RuleSet) -> None:
    table = Table(show_lines=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("response", overflow="fold", ratio=3)
    table.add_column("code", no_wrap=True)
    table.add_column("also", ratio=1)
    table.add_column("because of", ratio=2, overflow="fold")
    for n, c in enumerate(results, 1):
        fam = rules.codes.family(c.code)
        text = c.text if len(c.text) <= 300 else c.text[:297] + "..."
        table.add_row(
            str(n),
            safe(text),
            code_text(c.code, fam),
            ", ".join(x for x in c.codes if x != c.code),
            ", ".join(f"\u201c{safe(t.match[:60])}\u201d" for t in c.evidence),
        )
    console.print(table)


def eval_report(report: Report) -> None:
    console.print(
        f"[bold]{safe(report.source)}[/] — {report.n} labelled responses, "
        f"scored at {report.level} level"
    )
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column(justify="right")
    summary.add_row("accuracy", f"{report.accuracy:.3f}")
    summary.add_row("macro-F1", f"{report.macro_f1:.3f}")
    for key, value in report.extra.items():
        summary.add_row(
            key.replace("_", " "), f"{value:.3f}" if isinstance(value, float) else str(value)
        )
    console.print(summary)
    table = Table(title="Per label", title_justify="left")
    for col in ("label", "precision", "recall", "F1", "support"):
        table.add_column(col, justify="left" if col == "label" else "right")
    for s in report.per_label:
        table.add_row(
            s.label, f"{s.precision:.2f}", f"{s.recall:.2f}", f"{s.f1:.2f}", str(s.support)
        )
    console.print(table)
    conf = Table(title="Confusion (rows: gold, columns: predicted)", title_justify="left")
    conf.add_column("gold \\ predicted")
    short = {lab: _abbrev(lab) for lab in report.labels}
    for lab in report.labels:
        conf.add_column(short[lab], justify="right")
    for g in report.labels:
        conf.add_row(short[g], *[(str(v) if v else ".") for v in report.confusion[g].values()])
    console.print(conf)
    console.print("[dim]abbreviations: " + ", ".join(f"{v}={k}" for k, v in short.items()) + "[/]")


def _abbrev(label: str) -> str:
    parts = label.split("_")
    return "".join(p[0] for p in parts).upper() if len(parts) > 1 else label[:5].upper()
