"""`mi_coach.review.export`, `mi_coach.review.redact` and `nlp.get_ner_pipeline` on transcripts made by driving
real practice sessions on the mini scenario: every format holds every turn and the summary
numbers, CSV is one row per turn and formula-safe, JSON round-trips, redaction leaves no trace of
a name, phone number, e-mail or street address in any format, user text cannot inject markup, the
HTML page makes no external request, and a real headless Chromium renders it with the charts and
the payloads as inert text."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mi_coach.base.errors import MiCoachError
from mi_coach.base.text import csv_cell, md_escape
from mi_coach.cli.app import app
from mi_coach.coding.nlp import get_ner_pipeline
from mi_coach.coding.ruleset import load_codes
from mi_coach.practice.scenarios import load_scenario_file
from mi_coach.practice.session import Session, new_transcript
from mi_coach.practice.transcript import Annotation, Transcript, Turn, now
from mi_coach.review.export import FORMATS, export
from mi_coach.review.export_csv import CSV_COLUMNS
from mi_coach.review.redact import Redactor, redact
from mi_coach.review.review import NUMBER_KEYS, card_for

MINI_DIR = Path(__file__).parent / "data" / "scenarios"
MINI = load_scenario_file(MINI_DIR / "mini.yml").scenario
GOOD_PATH = [
    "You're worried the rent will come before the money does.",
    "Part of you is ready to call them, even though the hold music drives you mad.",
    "Calling before your shift is a plan that fits your day.",
]

# Personal details placed in responses, client lines and comments, and every trace of them.
PII_RESPONSES = [
    "You should have called Maria Lopez weeks ago, ring 555-867-5309.",
    "You're sick of being told what to do.",
    "You're worried the rent will come before the money does, so write to maria.lopez@example.org.",
    "Part of you is ready to call them, even though the hold music drives you mad.",
    "Calling before your shift is a plan that fits your day, from 1200 W 5th Ave Apt 3.",
]
PII_CLIENT = {
    2: "My landlord Tom Baker lives at 42 Elm Street and calls me on (415) 555-0134.",
    4: "Email me at sam.jones@mailbox.net instead.",
}
TRACES = [
    "Maria",
    "Lopez",
    "555-867",
    "867-5309",
    "maria.lopez",
    "example.org",
    "Tom Baker",
    "Baker",
    "Elm Street",
    "42 Elm",
    "415",
    "555-0134",
    "sam.jones",
    "mailbox.net",
    "5th Ave",
    "1200 W",
    "Okafor",
    "Priya",
    "Patel",
]

# Markup payloads; `javascript:` URLs and links are only dangerous inside an attribute, and the
# exports have no attribute holding user text.
XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "javascript:alert(document.cookie)",
    "</style><script>alert(2)</script>",
    "'><iframe src=javascript:alert(3)></iframe>",
    '<a href="http://evil.example/x">click</a>',
]
# Payloads a browser would act on if they were ever parsed as markup.
PWN_IMG = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
PWN_SCRIPT = "<script>document.title='pwned'</script>"


def run_session(clf, responses, trainee="Ana Okafor", seed=2) -> Transcript:
    s = Session(
        MINI,
        clf,
        new_transcript(
            MINI, trainee=trainee, feedback="turn", seed=seed, source=str(MINI_DIR / "mini.yml")
        ),
    )
    for text in responses:
        assert not s.over, "the session ended before every response was given"
        s.respond(text)
    return s.transcript


def edit_turn(t: Transcript, n: int, **update) -> None:
    i = n - 1
    turn = t.turns[i]
    if "client_text" in update:
        client = turn.client.model_copy(update={"text": update.pop("client_text")})
        update["client"] = client
    t.turns[i] = turn.model_copy(update=update)


def pointing_attributes(page: str) -> list[str]:
    """Attributes in the page's tags that fetch, link or run something (src, href, action, on*)."""
    return [
        a
        for tag in re.findall(r"<[a-zA-Z][^>]*>", page)
        for a in re.findall(
            r"\s(src|href|xlink:href|srcset|action|formaction|poster|on[a-z]+)\s*=", tag.lower()
        )
    ]


def shown(piece: str, fmt: str) -> str:
    """How a piece of user text appears in a format."""
    return (
        md_escape(piece)
        if fmt == "md"
        else html.escape(piece, quote=True)
        if fmt == "html"
        else json.dumps(piece, ensure_ascii=False)[1:-1]
        if fmt == "json"
        else piece
    )


# The fixtures are function-scoped on purpose: a wider scope would build them before conftest's
# per-test environment isolation runs (and see content folders another test left set).
@pytest.fixture()
def codes():
    return load_codes()


@pytest.fixture()
def plain(clf):
    """A finished session: a righting reflex (with a better response), reflections, and a
    supervisor's override with a comment."""
    t = run_session(
        clf, ["You should call them today.", "You're sick of being told what to do.", *GOOD_PATH]
    )
    assert t.status == "success" and len(t.turns) == 5
    edit_turn(
        t,
        2,
        annotation=Annotation(
            code="simple_reflection", comment="Close to simple.", by="supervisor", at=now()
        ),
    )
    return t


@pytest.fixture()
def pii(clf):
    t = run_session(clf, PII_RESPONSES)
    # a fixed id: one made from the clock could hold a planted trace's digits ("415" at 14:15)
    t.id = "20260101-000000-mini-benefits-0000"
    assert len(t.turns) == 5
    for n, text in PII_CLIENT.items():
        edit_turn(t, n, client_text=text)
    edit_turn(
        t,
        3,
        annotation=Annotation(
            comment="Ask Priya Patel (priya.patel@clinic.org, 020 7946 0958) to review this.",
            by="Priya Patel",
            at=now(),
        ),
    )
    t.scores = card_for(t, load_codes()).as_dict()  # as `practice` saves it: moments quoted
    assert "Maria Lopez" in json.dumps(t.scores)
    return t


@pytest.fixture()
def hostile(clf):
    """Every XSS payload in responses, client lines, thoughts, comments and the trainee name."""
    responses = [
        f"You should have called them weeks ago. {XSS[0]} {XSS[1]}",
        f"You're sick of being told what to do. {XSS[2]} {PWN_IMG}",
        f"{GOOD_PATH[0]} {PWN_SCRIPT}",
        f"{GOOD_PATH[1]} {XSS[3]}",
        f"{GOOD_PATH[2]} {XSS[4]}",
    ]
    t = run_session(clf, responses, trainee=f"Ana {XSS[2]}")
    assert len(t.turns) == 5
    for turn in t.turns:
        edit_turn(
            t,
            turn.n,
            client=turn.client.model_copy(
                update={"text": f"{turn.client.text} {XSS[5]}", "thought": f"hmm {XSS[6]}"}
            ),
        )
    edit_turn(
        t, 2, annotation=Annotation(code="judgment", comment=" ".join(XSS), by=XSS[4], at=now())
    )
    return t


# -- every format -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_holds_every_turn_and_the_summary(plain, codes, fmt):
    out = export(plain, codes, fmt)
    assert out.redactions == {} and out.format == fmt
    text = out.text.replace("<mark>", "").replace("</mark>", "")  # HTML marks trigger words
    for turn in plain.turns:
        for piece in (turn.response, turn.client.text, turn.client.thought, turn.feedback):
            assert shown(piece, fmt) in text, (fmt, piece)
        for ev in turn.evidence:
            assert shown(ev["match"], fmt) in text  # trigger words
    assert shown("Close to simple.", fmt) in text  # the supervisor's comment
    assert plain.turns[0].better and shown(plain.turns[0].better, fmt) in text
    if fmt in ("md", "html"):
        assert "Reflection-to-question ratio" in text and "MITI summary" in text
        assert "Righting reflex" in text and "Simple reflection" in text  # effective code label
        assert "the machine said Complex reflection" in text  # the override is shown
        assert plain.trainee in text and plain.status in text
        assert "Best moment" in text and "Practise next" in text


def test_unknown_format_is_a_user_error(plain, codes):
    with pytest.raises(MiCoachError, match="unknown export format 'pdf'"):
        export(plain, codes, "pdf")  # type: ignore[arg-type]


def test_csv_is_one_row_per_turn_with_the_effective_code(plain, codes):
    rows = list(csv.DictReader(io.StringIO(export(plain, codes, "csv").text)))
    if plain.closing is not None:  # the client's closing words: a last row with no response
        closing = rows.pop()
        assert closing["n"] == "closing" and closing["client"] == plain.closing.text
        assert not closing["response"] and not closing["code"]
    assert len(rows) == len(plain.turns)
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [int(r["n"]) for r in rows] == [t.n for t in plain.turns]
    assert rows[0]["code"] == rows[0]["machine_code"] == "righting_reflex"
    assert rows[0]["family"] == "mi_non_adherent" and rows[0]["better"]
    assert rows[1]["code"] == "simple_reflection" and rows[1]["override"] == "simple_reflection"
    assert rows[1]["machine_code"] == "complex_reflection" and rows[1]["family"] == "reflection"
    assert rows[1]["comment"] == "Close to simple."
    assert rows[0]["rapport_before"] == "4" and rows[-1]["rapport_after"] == str(plain.rapport)
    assert rows[2]["client"] == plain.turns[2].client.text
    # the trigger words a person is shown (each once, the shorter of two that overlap)
    matches = [e["match"] for e in plain.turns[2].evidence]
    assert rows[2]["trigger_words"] and set(rows[2]["trigger_words"].split("; ")) <= set(matches)
    assert all(r["codes"] for r in rows)


def test_csv_cells_cannot_become_formulas(clf, codes):
    t = run_session(
        clf,
        [
            '=HYPERLINK("http://x.example","hi")',
            "+cmd|' /C calc'!A0",
            "You're sick of being told what to do.",
        ],
    )
    edit_turn(t, 1, client_text="-2+3")
    edit_turn(t, 2, annotation=Annotation(comment="@SUM(A1:A9)", at=now()))
    edit_turn(t, 3, client_text="\t=1+1")
    rows = list(csv.DictReader(io.StringIO(export(t, codes, "csv").text)))
    assert rows[0]["response"] == '\'=HYPERLINK("http://x.example","hi")'
    assert rows[1]["response"] == "'+cmd|' /C calc'!A0"
    assert rows[0]["client"] == "'-2+3" and rows[1]["comment"] == "'@SUM(A1:A9)"
    assert rows[2]["client"] == "'\t=1+1"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert csv_cell(3) == 3 and csv_cell(None) == "" and csv_cell("plain") == "plain"


def test_json_round_trips_and_carries_the_summary(plain, codes):
    data = json.loads(export(plain, codes, "json").text)
    assert data["schema"] == "mi-coach/transcript" and data["version"] == 1
    assert set(NUMBER_KEYS) <= set(data["summary"])  # and the verdict, criteria, moments
    assert data["summary"]["overall"]["score"] is not None
    assert data["summary"]["counts"]["righting_reflex"] == 1
    assert data["summary"]["counts"]["simple_reflection"] == 1  # the override counts
    assert data["summary"]["rubrics"]["mi"] is not None
    summary = data.pop("summary")
    again = Transcript.model_validate(data)
    assert again == plain
    assert json.loads(export(again, codes, "json").text)["summary"] == summary


# -- redaction ----------------------------------------------------------------------------------


def test_ner_pipeline_is_cached_and_finds_people():
    ner = get_ner_pipeline()
    assert ner is not None, "a trained English pipeline is installed in the dev environment"
    assert get_ner_pipeline() is ner
    assert ner.pipe_names == ["ner"]  # nothing the entity recogniser does not need
    doc = ner("I told Maria Lopez that John would call.")
    assert {e.text for e in doc.ents if e.label_ == "PERSON"} >= {"Maria Lopez", "John"}
    assert get_ner_pipeline("no_such_pipeline_xyz") is None


def test_patterns_work_without_a_pipeline():
    texts = [
        "Call me on (555) 123-4567 or 555.867.5309 or +44 20 7946 0958.",
        "Mail jo.smith+x@example.co.uk today.",
        "I live at 42 Elm Street; she moved to 1200 W 5th Ave Apt 3, then PO Box 17.",
        "Ana said 3 kids on the way, 2 jobs, 1999-2004, 2024-01-15, 40 hours.",
        "Maria Lopez was here.",
        "",
    ]
    out, counts = redact(texts, None, names=["Ana"])
    assert out[0] == "Call me on [PHONE] or [PHONE] or [PHONE]."
    assert out[1] == "Mail [EMAIL] today."
    assert out[2] == "I live at [ADDRESS]; she moved to [ADDRESS], then [ADDRESS]."
    assert out[3] == "[NAME] said 3 kids on the way, 2 jobs, 1999-2004, [DATE], 40 hours."
    assert out[4] == "[NAME] was here."  # no pipeline: the list of names still knows them
    assert out[5] == ""
    assert counts == {"phone": 3, "email": 1, "address": 3, "name": 2, "date": 1}


def test_names_found_by_the_pipeline_are_replaced_everywhere():
    ner = get_ner_pipeline()
    out, counts = redact(
        ["I told Maria Lopez to call.", "maria? No, Maria said Lopez's line."], ner
    )
    assert out[0] == "I told [NAME] to call."
    assert "Maria" not in out[1] and "Lopez" not in out[1]
    assert counts["name"] == 3
    found = Redactor(ner).find(["Hi Maria Lopez, you're worried"])[0]
    assert found.text == "Hi [NAME], you're worried"
    assert found.part(3, 8) == "[NAME]" and found.position(16) == len("Hi [NAME], ")
    assert found.part(16, 30) == "you're worried"


def test_redaction_leaves_no_trace_in_any_format(pii, codes):
    ner = get_ner_pipeline()
    totals = None
    for fmt in FORMATS:
        out = export(pii, codes, fmt, redact=True, ner=ner, everything=True)
        for trace in TRACES:
            assert trace.lower() not in out.text.lower(), (fmt, trace)
        for placeholder in ("NAME", "PHONE", "EMAIL", "ADDRESS"):
            assert f"[{placeholder}" in out.text.replace("\\[", "["), (fmt, placeholder)
        assert out.redactions["name"] >= 5  # responses, client line, comment, trainee, supervisor
        assert out.redactions["phone"] == 3 and out.redactions["email"] == 3
        assert out.redactions["address"] == 2
        totals = totals or out.redactions
        assert out.redactions == totals  # the same count whatever the format
        if fmt in ("md", "html"):
            assert "Redacted:" in out.text
    # The unredacted export still has them (the test data really holds the details).
    raw = export(pii, codes, "json").text
    assert all(
        x in raw
        for x in (
            "Maria Lopez",
            "555-867-5309",
            "42 Elm Street",
            "maria.lopez@example.org",
            "1200 W 5th Ave Apt 3",
        )
    )


def test_redacted_json_keeps_evidence_pointing_into_the_response(pii, codes):
    data = json.loads(
        export(pii, codes, "json", redact=True, ner=get_ner_pipeline(), everything=True).text
    )
    assert data["trainee"] == "[NAME]"
    assert data["turns"][0]["response"] == "You should have called [NAME] weeks ago, ring [PHONE]."
    for turn in data["turns"]:
        for ev in turn["evidence"]:
            assert turn["response"][ev["start"] : ev["end"]] == ev["match"]
    Transcript.model_validate({k: v for k, v in data.items() if k != "summary"})


def test_redaction_without_a_pipeline_still_removes_patterns_and_known_names(pii, codes):
    out = export(
        pii,
        codes,
        "html",
        redact=True,
        ner=None,
        names=["Maria Lopez", "Tom Baker"],
        everything=True,
    )
    for trace in (
        "Maria",
        "Lopez",
        "Tom Baker",
        "555-867-5309",
        "sam.jones",
        "42 Elm Street",
        "1200 W 5th Ave",
        "Okafor",
        "Priya Patel",
    ):
        assert trace not in out.text, trace


# -- markup injection ---------------------------------------------------------------------------


def test_html_escapes_everything_users_wrote(hostile, codes):
    text = re.sub(r"</?mark>", "", export(hostile, codes, "html").text)
    for payload in [*XSS, PWN_IMG, PWN_SCRIPT]:
        if any(ch in payload for ch in "<>\"'&"):
            assert payload not in text, payload
        assert html.escape(payload, quote=True) in text, payload
    lowered = text.lower()
    for tag in ("<script", "<img", "<iframe", "<a ", "<link", "<svg onload"):
        assert tag not in lowered, tag
    assert not pointing_attributes(text)
    assert lowered.count("<svg") == 2 and lowered.count("</style>") == 1


def test_markdown_cannot_inject_html(hostile, codes):
    text = export(hostile, codes, "md").text
    for payload in [*XSS, PWN_IMG, PWN_SCRIPT]:
        if any(ch in payload for ch in "<>&"):
            assert payload not in text
    assert "<" not in text and ">" not in text  # no tag can open
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert (
        md_escape("[x](javascript:alert(1)) *b* `c`")
        == "\\[x\\](javascript:alert(1)) \\*b\\* \\`c\\`"
    )


def test_html_is_self_contained(plain, hostile, codes):
    for t, redacted in ((plain, False), (plain, True), (hostile, False)):
        text = export(t, codes, "html", redact=redacted).text
        lowered = text.lower()
        if t is plain:  # (the hostile page shows a user's link as escaped text, never as one)
            assert "http://" not in lowered and "https://" not in lowered
        assert not pointing_attributes(text)
        assert "url(" not in lowered and "@import" not in lowered
        assert "<script" not in lowered and "<link" not in lowered
        assert "@media print" in text and "<style>" in text
        assert "default-src 'none'" in text  # and the browser is told to forbid it anyway


def test_rapport_chart_only_when_rapport_exists(plain, codes):
    with_rapport = export(plain, codes, "html").text
    assert 'class="chart rapport-chart"' in with_rapport and "polyline" in with_rapport
    imported = plain.model_copy(
        update={
            "kind": "imported",
            "status": "imported",
            "rapport": None,
            "state": None,
            "turns": [
                t.model_copy(
                    update={
                        "rapport_before": None,
                        "rapport_after": None,
                        "state": None,
                        "next_state": None,
                    }
                )
                for t in plain.turns
            ],
        }
    )
    text = export(imported, codes, "html").text
    assert 'class="chart summary-chart"' in text and "rapport-chart" not in text
    assert text.lower().count("<svg") == 1


def test_empty_and_imported_sessions_export(codes):
    t = Transcript.new(
        scenario_id="imported",
        scenario_title="maria-lopez-2026.txt",
        scenario_source="/home/worker/maria-lopez-2026.txt",
        trainee=None,
        kind="imported",
    )
    for fmt in FORMATS:  # no turns yet: every format still works
        assert export(t, codes, fmt).text
    t.turns.append(
        Turn(
            n=1,
            response="What brings you in, Maria?",
            code="open_question",
            family="question",
            codes=["open_question"],
            evidence=[],
        )
    )
    t.status = "imported"
    rows = list(csv.DictReader(io.StringIO(export(t, codes, "csv").text)))
    assert len(rows) == 1 and rows[0]["client"] == "" and rows[0]["rapport_before"] == ""
    for fmt in FORMATS:
        out = export(t, codes, fmt, redact=True, ner=get_ner_pipeline())
        assert "maria" not in out.text.lower() and "worker" not in out.text, fmt
        assert out.redactions == {"name": 1}
        if fmt == "html":
            assert "rapport-chart" not in out.text


# -- the command --------------------------------------------------------------------------------


def test_export_command_writes_a_redacted_file(runner, pii, tmp_path):
    src = tmp_path / "t.json"
    src.write_text(pii.to_json())
    out = tmp_path / "report.html"
    r = runner.invoke(app, ["export", str(src), "--to", "html", "-o", str(out), "--redact"])
    assert r.exit_code == 0, r.output
    text = out.read_text()
    assert "Maria" not in text and "555-867-5309" not in text and "<svg" in text
    assert "Redacted" in r.output


# -- a real browser -----------------------------------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def dump_dom(browser: str, page: Path, profile: Path) -> str:
    cmd = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--dump-dom",
        page.as_uri(),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_chromium_renders_the_page_and_payloads_stay_text(hostile, codes, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip(
            "no Chromium/Chrome found (looked for chromium, chromium-browser, "
            "google-chrome); install it with `apt-get install -y chromium`"
        )
    # Control: this browser, run this way, does execute inline script, so a missing effect below
    # means the payload stayed inert, not that scripts never run here.
    control = tmp_path / "control.html"
    control.write_text(
        "<!DOCTYPE html><html><head><title>control</title></head><body><p>x</p>"
        "<script>document.body.setAttribute('data-pwned','1');"
        "document.title='ran'</script></body></html>"
    )
    dom = dump_dom(browser, control, tmp_path / "profile-control")
    assert 'data-pwned="1"' in dom and "<title>ran</title>" in dom

    page = tmp_path / "export.html"
    page.write_text(export(hostile, codes, "html").text, encoding="utf-8")
    dom = dump_dom(browser, page, tmp_path / "profile")
    body = re.search(r"<body[^>]*>", dom)
    assert body is not None and "data-pwned" not in body.group(0)
    assert "data-pwned" not in dom.replace("data-pwned','1')", "")
    title = re.search(r"<title>(.*?)</title>", dom, re.S).group(1)
    assert title.startswith("MI practice session: ") and "pwned" not in title
    text = re.sub(r"</?mark>", "", dom)  # trigger words are marked
    for turn in hostile.turns:
        assert html.escape(turn.response, quote=False) in text, turn.n  # every turn, as text
    assert "&lt;img src=x onerror=" in dom
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom
    lowered = dom.lower()
    assert "<img" not in lowered and "<iframe" not in lowered and "<script" not in lowered
    assert lowered.count("<svg") == 2  # the two charts, and no injected one
    assert 'class="chart summary-chart"' in dom and 'class="chart rapport-chart"' in dom
    assert "<polyline" in dom and "<rect" in dom


def test_the_clients_closing_words_are_in_every_export(plain, codes):
    closing = "Right. Tomorrow, before work, I call them. Thanks."  # mini's success ending
    assert plain.closing is not None and plain.closing.text == closing
    for fmt in ("md", "html", "csv", "json"):
        text = export(plain, codes, fmt).text
        shown = html.unescape(text) if fmt == "html" else text
        assert closing in shown or md_escape(closing) in shown, fmt


def test_undo_takes_the_closing_words_back(clf):
    s = Session(MINI, clf, new_transcript(MINI, trainee=None, feedback="turn", seed=2, source="t"))
    for text in GOOD_PATH:
        s.respond(text)
    assert s.transcript.status == "success" and s.transcript.closing is not None
    s.undo()
    assert s.transcript.closing is None and s.transcript.status == "in_progress"


def test_evidence_shown_only_when_it_says_something():
    from mi_coach.base.text import telling

    shown = telling(["You need to", "?", "the", "You're", "wat", "scared", "You need to", "What"])
    assert shown == ["You need to", "scared", "What"]  # once each, in order
    # of two fragments, one inside the other, one is shown: the longer, unless it is a speech
    speech = "Honestly, you should call them today " + " ".join(["word"] * 30)
    assert telling(["You should call", "Honestly, you should call them today"]) == [
        "Honestly, you should call them today"
    ]
    assert telling(["You should call", speech]) == ["You should call"]
    # a long fragment on its own is cut
    assert telling([speech]) == [" ".join(speech.split()[:12]) + " …"]
