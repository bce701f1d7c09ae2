"""Writes the hostile corpus of tests/data/bad/ from transcripts/ok-practice.json (a real paused
practice session). Run from the repository root after changing it: python tests/data/bad/generate.py

Special files git cannot hold (a FIFO, a symlink to /dev/zero) and very large ones (an
8,000-state scenario) are made by tests/test_corpus.py at run time instead.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE = json.loads((HERE / "transcripts" / "ok-practice.json").read_text(encoding="utf-8"))
N = 5000


def fill(unit: str, n: int = N) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def transcript(change) -> str:
    t = copy.deepcopy(BASE)
    change(t)
    return json.dumps(t, indent=2, ensure_ascii=False) + "\n"


def setting(*path, value):
    def change(t):
        target = t
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def write(name: str, content: str | bytes) -> None:
    path = HERE / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def main() -> None:
    # -- transcripts (review, export, annotate, progress, resume, workshop) --------------------
    surrogate = transcript(setting("turns", 0, "response", value="SURROGATE"))
    write(
        "transcripts/ok-lone-surrogate.json", surrogate.replace("SURROGATE", "You\\ud800 feel it")
    )

    def long_responses(t):
        for turn, unit in zip(t["turns"], ("'", "you know ", "you should ")):
            turn["response"] = fill(unit)
            turn["evidence"] = []

    write("transcripts/ok-long-responses.json", transcript(long_responses))
    write(
        "transcripts/over-long-response.json",
        transcript(setting("turns", 0, "response", value=fill("x", N + 1))),
    )
    write(
        "transcripts/deep-nesting.json",
        '{"schema": "mi-coach/transcript", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
    )
    write(
        "transcripts/huge-integer.json",
        transcript(setting("seed", value=0)).replace('"seed": 0', '"seed": ' + "9" * 5000),
    )
    write(
        "transcripts/rapport-1e9.json",
        transcript(setting("turns", 1, "rapport_after", value=10**9)),
    )
    write(
        "transcripts/rapport-float-1e9.json",
        transcript(setting("rapport", value=0)).replace('"rapport": 0', '"rapport": 1e9'),
    )
    write(
        "transcripts/rapport-nan.json",
        transcript(setting("rapport", value=0)).replace('"rapport": 0', '"rapport": NaN'),
    )
    write("transcripts/turn-number-huge.json", transcript(setting("turns", 2, "n", value=10**12)))
    write(
        "transcripts/annotation-unknown-code.json",
        transcript(setting("turns", 0, "annotation", value={"code": "nonsense", "at": "2026"})),
    )
    write(
        "transcripts/evidence-match-null.json",
        transcript(
            setting(
                "turns",
                0,
                "evidence",
                value=[{"rule": "x.y", "code": "affirm", "start": 0, "end": 3, "match": None}],
            )
        ),
    )
    write(
        "transcripts/evidence-offsets-huge.json",
        transcript(
            setting(
                "turns",
                0,
                "evidence",
                value=[{"rule": "x.y", "code": "affirm", "start": 0, "end": 10**9, "match": "x"}],
            )
        ),
    )
    write(
        "transcripts/machine-code-unknown.json",
        transcript(setting("turns", 1, "code", value="hypnosis")),
    )
    write("transcripts/truncated.json", transcript(lambda t: None)[:700])
    write(
        "transcripts/not-utf8.json",
        transcript(lambda t: None).encode("latin-1", "replace").replace(b"Pat", b"P\xe4t"),
    )
    write(
        "transcripts/nul-bytes.json",
        transcript(lambda t: None).encode("utf-8").replace(b"Sam", b"S\x00m"),
    )
    write(
        "transcripts/key-with-surrogate.json",
        '{"schema": "mi-coach/transcript", "version": 1, "\\udc80": 1}',
    )
    write(
        "transcripts/scores-nested-deep.json",
        transcript(setting("scores", value="DEEP")).replace('"DEEP"', "[" * 200 + "]" * 200),
    )

    # -- typed input (practice --responses, drill --answers, classify --input) -----------------
    write(
        "typed/ok-controls.txt", "you're \x1b[2J\x1b]0;title\x07 worried \x9b31m and \u202etired\n"
    )
    write("typed/ok-adversarial.txt", fill("'") + "\n" + fill("you know ") + "\n")
    write(
        "typed/ok-over-long-line.txt",
        "You're worried.\n" + fill("really ", N + 1) + "\nYou feel stuck.\n",
    )
    write(
        "typed/ok-json-surrogate.txt", '{"text": "you\\ud800 feel stuck", "client": "x\\udfff"}\n'
    )
    write("typed/ok-json-deep.txt", "{" + '"a":' * 100 + "1" + "}" * 100 + "\n")
    write("typed/invalid-utf8.txt", b"You're \xff\xfe worried.\n")
    write("typed/nul.txt", b"You feel\x00 stuck.\n")

    # -- sessions to import ------------------------------------------------------------------
    write(
        "imports/too-many-turns.txt",
        "".join(f"Client: line {i}\nCounselor: Okay {i}.\n" for i in range(2001)),
    )
    write("imports/over-long-turn.txt", "Client: Hi.\nCounselor: " + fill("really ", N + 1) + "\n")
    write("imports/not-utf8.txt", b"Client: caf\xe9\nCounselor: Okay.\n")
    write("imports/no-speaker.txt", "Hello there.\nCounselor: Okay.\n")
    write("imports/ok-surrogate-free.txt", "Client: I am stuck.\nCounselor: You feel stuck.\n")

    # -- content folders (--content DIR) -----------------------------------------------------
    bomb = "id: bomb\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
    )
    write("content/alias-bomb/scenarios/bomb.yml", bomb)
    deep = (
        "id: deep\nstates:\n"
        + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(300))
        + "  " * 301
        + "v: 1\n"
    )
    write("content/deep-mapping/scenarios/deep.yml", deep)
    mini = (HERE.parent / "scenarios" / "mini.yml").read_text(encoding="utf-8")
    write(
        "content/huge-numbers/scenarios/huge.yml",
        mini.replace("id: mini-benefits", "id: huge-numbers").replace(
            "max_turns: 8", "max_turns: 1000000000"
        ),
    )
    rubric = (
        "id: cues\ntitle: Cues\ndescription: d\nsource: s\ncriteria:\n"
        "  words:\n    kind: cue\n    label: Words\n    fair: 1\n    good: 2\n"
        "    feedback: {good: g, fair: f, below: b}\n    practise: p\n"
        "    patterns:\n      - 'you'\n      - 'PATTERN'\n"
        "    examples: {match: [you are], no_match: [nothing]}\n"
    )
    write("content/catastrophic-cue/rubrics/cues.yml", rubric.replace("PATTERN", r"^(\w+\s?)+$"))
    write("content/lookbehind-cue/rubrics/cues.yml", rubric.replace("PATTERN", r"(?<=x)y"))
    write(
        "content/rubric-weight-huge/rubrics/cues.yml",
        rubric.replace("PATTERN", "me").replace(
            "    good: 2\n", "    good: 2\n    weight: 1e300\n"
        ),
    )


if __name__ == "__main__":
    main()
