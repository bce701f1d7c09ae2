"""The inline SVG charts of the HTML export: the summary scores against their thresholds, and rapport by turn."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from mi_coach.base.text import html_escape
from mi_coach.practice.transcript import Transcript
from mi_coach.review.export_common import threshold, value


def scales(criteria: Sequence[Any]) -> list[tuple[float, float, str, str]]:
    """(low, high, low label, high label) of each criterion's bar. Counts share one scale (the
    largest count or threshold), so 1 and 12 do not look alike; shares run 0-100%, estimates of
    MITI's 1-5 global scores 1-5, ratios from 0:1 to at least 3:1."""
    counts = [c for c in criteria if c.kind in ("count", "cue")]
    top_count = max([1.0] + [max(c.value or 0.0, c.good, c.fair) for c in counts])
    out = []
    for c in criteria:
        if c.kind == "share":
            out.append((0.0, 1.0, "0%", "100%"))
        elif c.kind in ("talk_response", "estimate"):
            out.append((1.0, 5.0, "1", "5"))
        elif c.kind == "ratio":
            top = float(max(3, math.ceil(max(c.value or 0.0, c.good * 1.5))))
            out.append((0.0, top, "0:1", f"{top:g}:1"))
        else:
            out.append((0.0, top_count, "0", f"{top_count:g}"))
    return out


def summary_chart(criteria: Sequence[Any]) -> str:
    """The MITI summary scores as horizontal bars with the fair (dashed) and good (solid)
    thresholds drawn across; each axis is labelled at both ends, and every count shares one
    scale."""
    if not criteria:
        return ""
    row, left, width = 40, 230, 420
    height = 30 + row * len(criteria)
    parts = [
        f'<svg class="chart summary-chart" role="img" viewBox="0 0 {left + width + 70} '
        f'{height}" width="{left + width + 70}" height="{height}" '
        f'aria-label="MITI summary scores against their fair and good thresholds">',
        "<title>MITI summary scores against their fair and good thresholds</title>",
    ]
    for i, (c, (lo, hi, lo_label, hi_label)) in enumerate(zip(criteria, scales(criteria))):
        y = 10 + i * row
        scale = width / (hi - lo)

        def x(v: float, lo: float = lo, hi: float = hi, scale: float = scale) -> float:
            return left + (max(lo, min(v, hi)) - lo) * scale

        short = c.label.split(" (")[0]  # the full label is in the table and the tooltip
        parts.append(
            f'<text class="label" x="{left - 8}" y="{y + 17}" text-anchor="end">'
            f"{html_escape(short)}<title>{html_escape(c.label)}</title></text>"
        )
        parts.append(
            f'<line class="axis" x1="{left}" y1="{y + 24}" x2="{left + width}" y2="{y + 24}"/>'
            f'<text class="muted scale" x="{left}" y="{y + 35}" font-size="10">'
            f"{html_escape(lo_label)}</text>"
            f'<text class="muted scale" x="{left + width}" y="{y + 35}" font-size="10" '
            f'text-anchor="end">{html_escape(hi_label)}</text>'
        )
        if c.value is not None:
            w = x(c.value) - left
            parts.append(
                f'<rect class="bar-{status_class(c.status)}" x="{left}" y="{y + 6}" '
                f'width="{w:.1f}" height="16" rx="2"><title>{html_escape(c.label)}: '
                f"{html_escape(value(c))} ({html_escape(c.status)})</title></rect>"
            )
        parts.append(
            f'<line class="fair" x1="{x(c.fair):.1f}" y1="{y + 1}" x2="{x(c.fair):.1f}" '
            f'y2="{y + 27}"><title>fair {html_escape(threshold(c, c.fair))}</title></line>'
        )
        parts.append(
            f'<line class="good" x1="{x(c.good):.1f}" y1="{y + 1}" x2="{x(c.good):.1f}" '
            f'y2="{y + 27}"><title>good {html_escape(threshold(c, c.good))}</title></line>'
        )
        parts.append(
            f'<text class="label" x="{left + width + 8}" y="{y + 17}">{html_escape(value(c))}</text>'
        )
    legend_y = height - 8
    parts.append(
        f'<line class="fair" x1="{left}" y1="{legend_y - 4}" x2="{left + 24}" '
        f'y2="{legend_y - 4}"/><text class="muted" x="{left + 30}" y="{legend_y}">fair'
        f'</text><line class="good" x1="{left + 80}" y1="{legend_y - 4}" '
        f'x2="{left + 104}" y2="{legend_y - 4}"/><text class="muted" x="{left + 110}" '
        f'y="{legend_y}">good</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def count_bar(n: int, top: int) -> str:
    """A count as a bar on a scale shared by every count of the table (0 to `top`)."""
    pct = 0.0 if top <= 0 else round(100 * n / top, 1)
    return (
        f'<span class="cbar" role="img" aria-label="{n} of {top}">'
        f'<span style="width:{pct:g}%"></span></span>'
    )


def rapport_points(t: Transcript) -> list[tuple[int, int]]:
    """(turn, rapport) from the start of the session: turn 0 is the rapport before turn 1."""
    pts: list[tuple[int, int]] = []
    for turn in t.turns:
        if turn.rapport_before is None or turn.rapport_after is None:
            continue
        if not pts:
            pts.append((turn.n - 1, turn.rapport_before))
        pts.append((turn.n, turn.rapport_after))
    return pts


def rapport_chart(t: Transcript) -> str:
    """The rapport meter across the turns (0-10); empty when the session has no rapport."""
    pts = rapport_points(t)
    if not pts:
        return ""
    w, hgt, left, right, top, bottom = 640, 220, 40, 20, 15, 35
    lo, hi = min(n for n, _ in pts), max(n for n, _ in pts)
    ymax = max(10, max(v for _, v in pts))
    span = max(hi - lo, 1)

    def x(n: int) -> float:
        return left + (n - lo) / span * (w - left - right)

    def y(v: int) -> float:
        return top + (1 - v / ymax) * (hgt - top - bottom)

    parts = [
        f'<svg class="chart rapport-chart" role="img" viewBox="0 0 {w} {hgt}" width="{w}" '
        f'height="{hgt}" aria-label="Rapport across the turns">',
        "<title>Rapport across the turns</title>",
    ]
    for v in range(0, ymax + 1, 2):
        parts.append(
            f'<line class="axis" x1="{left}" y1="{y(v):.1f}" x2="{w - right}" '
            f'y2="{y(v):.1f}"/><text class="muted" x="{left - 6}" y="{y(v) + 4:.1f}" '
            f'text-anchor="end">{v}</text>'
        )
    step = max(1, span // 12)
    for n in range(lo, hi + 1, step):
        parts.append(
            f'<text class="muted" x="{x(n):.1f}" y="{hgt - bottom + 16}" '
            f'text-anchor="middle">{n}</text>'
        )
    parts.append(
        f'<text class="muted" x="{(left + w - right) / 2:.1f}" y="{hgt - 4}" '
        f'text-anchor="middle">turn</text>'
    )
    path = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v in pts)
    parts.append(f'<polyline class="curve" points="{path}"/>')
    for n, v in pts:
        parts.append(
            f'<circle class="dot" cx="{x(n):.1f}" cy="{y(v):.1f}" r="3.5">'
            f"<title>after turn {n}: rapport {v}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def status_class(status: str) -> str:
    return "na" if status == "n/a" else status
