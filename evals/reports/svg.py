"""Inline SVG charts, written by hand: grouped bars, a scatter, a histogram. No script, no
fetch: the page that holds them is readable offline and in any browser."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

PALETTE = ("#3b6fd8", "#e0803a", "#3a9d5d", "#b64fc8", "#c8433a", "#6b7a8f")
W, H = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 28, 56


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    series: int = 0
    radius: float = 6.0


def _frame(chart_id: str, title: str, body: list[str]) -> str:
    head = (
        f'<svg id="{chart_id}" class="chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img">'
        f"<title>{escape(title)}</title>"
        f'<text x="{W / 2}" y="18" text-anchor="middle" class="chart-title">{escape(title)}</text>'
    )
    return head + "".join(body) + "</svg>"


def _axes(y_labels: list[tuple[float, str]], x_title: str, y_title: str) -> list[str]:
    """Axis lines, y grid with its labels (value in 0..1 of the plot height), titles."""
    x0, x1, y0, y1 = LEFT, W - RIGHT, H - BOTTOM, TOP
    out = [f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#444"/>']
    out.append(f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="#444"/>')
    for frac, text in y_labels:
        y = y0 - frac * (y0 - y1)
        out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(text)}</text>')
    out.append(
        f'<text x="{(x0 + x1) / 2}" y="{H - 8}" text-anchor="middle">{escape(x_title)}</text>'
    )
    out.append(
        f'<text x="14" y="{(y0 + y1) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 14 {(y0 + y1) / 2})">{escape(y_title)}</text>'
    )
    return out


def _legend(names: list[str]) -> list[str]:
    out = []
    for i, name in enumerate(names):
        x = LEFT + 8 + i * 150
        out.append(f'<rect x="{x}" y="{TOP}" width="10" height="10" fill="{PALETTE[i % 6]}"/>')
        out.append(f'<text x="{x + 14}" y="{TOP + 9}">{escape(name[:22])}</text>')
    return out


def grouped_bars(
    chart_id: str,
    title: str,
    groups: list[str],
    series: list[str],
    values: list[list[float]],
    *,
    top: float = 1.0,
    y_title: str = "rate",
) -> str:
    """Bars: `values[s][g]` is series `s` in group `g`, on a scale from 0 to `top` (1.0:
    drawn as percentages; else as counts)."""

    def text(v: float) -> str:
        return f"{v:.0%}" if top == 1.0 else f"{v * top:.0f}"

    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM - 16
    slot = plot_w / max(1, len(groups))
    bar = min(40.0, slot * 0.8 / max(1, len(series)))
    steps: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
    if top != 1.0:  # counts: whole numbers only
        every = max(1, math.ceil(top / 4))
        steps = tuple(n / top for n in range(0, int(top) + 1, every))
    ticks = [(f * plot_h / (H - TOP - BOTTOM), text(f)) for f in steps]
    body = _axes(ticks, "", y_title)
    for g, group in enumerate(groups):
        start = LEFT + g * slot + (slot - bar * len(series)) / 2
        for s, name in enumerate(series):
            v = max(0.0, min(1.0, values[s][g]))
            h, x = v * plot_h, start + s * bar
            body.append(
                f'<rect class="bar" x="{x:.1f}" y="{H - BOTTOM - h:.1f}" width="{bar - 2:.1f}" '
                f'height="{max(h, 1):.1f}" fill="{PALETTE[s % 6]}">'
                f"<title>{escape(group)} {escape(name)}: {text(v)}</title></rect>"
            )
        x = LEFT + (g + 0.5) * slot
        label = escape(group[:18])
        body.append(f'<text x="{x:.1f}" y="{H - BOTTOM + 16}" text-anchor="middle">{label}</text>')
    return _frame(chart_id, title, body + _legend(series))


def scatter(
    chart_id: str, title: str, points: list[Point], *, axes: tuple[str, str], names: list[str]
) -> str:
    """Points with x scaled to the largest x (at least a tiny span) and y in 0..1."""
    x_max = max([p.x for p in points] + [0.0]) * 1.1 or 1.0
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM - 16
    ticks = [(f * plot_h / (H - TOP - BOTTOM), f"{int(f * 100)}%") for f in (0, 0.5, 1.0)]
    body = _axes(ticks, *axes)
    for frac in (0.0, 0.5, 1.0):
        x, value = LEFT + frac * plot_w, frac * x_max
        anchor = "end" if frac == 1.0 else "middle"
        body.append(
            f'<text x="{x:.1f}" y="{H - BOTTOM + 16}" text-anchor="{anchor}">{value:.4g}</text>'
        )
    for p in points:
        cx = LEFT + (p.x / x_max) * plot_w
        cy = H - BOTTOM - max(0.0, min(1.0, p.y)) * plot_h
        tip = f"{escape(p.label)}: x={p.x:.4g}, y={p.y:.0%}"
        body.append(
            f'<circle class="point" cx="{cx:.1f}" cy="{cy:.1f}" r="{p.radius:g}" '
            f'fill="{PALETTE[p.series % 6]}" fill-opacity="0.8"><title>{tip}</title></circle>'
        )
    return _frame(chart_id, title, body + _legend(names))


def histogram(chart_id: str, title: str, counts: dict[int, list[int]], names: list[str]) -> str:
    """`counts[bin][series]`: how many task-runs took `bin` repair iterations."""
    bins = sorted(counts) or [0]
    top = max([c for row in counts.values() for c in row] + [1])
    groups = [str(b) for b in bins]
    values = [[counts.get(b, [0] * len(names))[s] / top for b in bins] for s in range(len(names))]
    svg = grouped_bars(chart_id, title, groups, names, values, top=float(top), y_title="task-runs")
    return svg.replace('class="bar"', 'class="bar hist-bar"')
