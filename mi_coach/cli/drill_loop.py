"""The drill loop: one client statement at a time, the trainee's answer judged at once, results
saved as JSON. Reads through practice_loop.Reader; prints only through view_authoring."""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from mi_coach.cli import term, view_authoring
from mi_coach.cli.practice_loop import Reader
from mi_coach.coding.inputs import too_long
from mi_coach.practice.drills import Answer, Item, Results, judge, load_skills
from mi_coach.practice.transcript import now, write_private


def run(
    items: list[Item],
    reader: Reader,
    classifier: Any,
    out_dir: Path,
    *,
    trainee: str | None,
    skill: str | None,
    time_limit: float | None,
) -> tuple[Results, Path, bool, bool]:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    results = Results(
        id=f"{stamp}-drill-{secrets.token_hex(2)}",
        trainee=trainee,
        skill=skill,
        time_limit=time_limit,
        started=now(),
    )
    path = out_dir / f"{results.id}.json"
    skills = load_skills().skills
    view_authoring.drill_intro(len(items), skill and skills[skill].label, time_limit, trainee)
    finished = True
    interrupted = False
    try:
        for n, item in enumerate(items, 1):
            sk = skills[item.skill]
            view_authoring.drill_item(n, len(items), sk.label, sk.ask, item.client)
            start = time.monotonic()
            answer = None
            while answer is None:
                text = reader.read("answer> ")
                if text is None:
                    finished = False
                    break
                if text.strip() in ("/quit", "/q"):
                    finished = False
                    break
                answer = text.strip() or None
                problem = too_long(answer)
                if problem is not None:
                    term.note(f"Not sent: {problem}.")
                    answer = None
            if answer is None:
                break
            seconds = round(time.monotonic() - start, 2)
            j = judge(item, answer, classifier)
            late = time_limit is not None and reader.interactive and seconds > time_limit
            a = Answer(
                item=item.id,
                skill=item.skill,
                client=item.client,
                answer=answer,
                code=j.code,
                codes=list(j.codes),
                hit=j.hit and not late,
                reason=("too slow: " if late else "") + j.reason,
                seconds=seconds,
                late=late,
            )
            results.answers.append(a)
            write_private(path, results.to_json())  # journal every answer
            view_authoring.drill_feedback(a, item.exemplars[0], item.tip)
    except KeyboardInterrupt:
        finished = False
        interrupted = True
    results.finished = now()
    write_private(path, results.to_json())
    view_authoring.drill_score(results, {k: v.label for k, v in skills.items()}, path, finished)
    return results, path, finished, interrupted
