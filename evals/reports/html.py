"""The self-contained HTML page of one or more result sets: inline CSS and SVG, no script,
nothing fetched. Charts: pass rates per model, cost vs pass rate (per model and per task),
a histogram of repair iterations; then the per-task table of each result set."""

from __future__ import annotations

from collections import Counter
from html import escape

from evals.metrics import overall, per_task
from evals.records import ResultSet
from evals.reports.markdown import COLUMNS, cell
from evals.reports.svg import Point, grouped_bars, histogram, scatter

STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
.charts{display:flex;flex-wrap:wrap;gap:16px}
.chart{border:1px solid #ccc;border-radius:6px;background:#fafafa;font-size:11px}
.chart-title{font-size:13px;font-weight:600}
table{border-collapse:collapse;margin-top:8px}td,th{border:1px solid #ccc;padding:3px 8px}
th{background:#eee}td{text-align:right}td:first-child{text-align:left}
"""
RATE_SERIES = (("resolved", "resolved"), ("secure_resolved", "secure"), ("partial", "partial"))


def _label(result: ResultSet) -> str:
    return result.model.rsplit("/", 1)[-1]


def pass_rates(sets: list[ResultSet]) -> str:
    figures = [overall(s.records) for s in sets]
    values = [[f[name].mean or 0.0 for f in figures] for name, _ in RATE_SERIES]
    return grouped_bars(
        "pass-rates",
        "Pass rates per model",
        [_label(s) for s in sets],
        [title for _, title in RATE_SERIES],
        values,
    )


def cost_vs_pass(sets: list[ResultSet]) -> str:
    """A point per model (mean cost of a task-run, resolved rate) and one per task."""
    points: list[Point] = []
    for index, result in enumerate(sets):
        whole = overall(result.records)
        cost = whole["cost_usd"].mean or 0.0
        points.append(Point(cost, whole["resolved"].mean or 0.0, _label(result), index, 9.0))
        for task, figures in per_task(result.records).items():
            x, y = figures["cost_usd"].mean or 0.0, figures["resolved"].mean or 0.0
            points.append(Point(x, y, f"{_label(result)} {task}", index, 4.0))
    return scatter(
        "cost-vs-pass",
        "Cost vs pass rate (large: model; small: its tasks)",
        points,
        axes=("mean cost of a task-run (USD)", "resolved"),
        names=[_label(s) for s in sets],
    )


def iterations(sets: list[ResultSet]) -> str:
    counters = [Counter(r.repair_iterations or 0 for r in s.records) for s in sets]
    bins = sorted({b for c in counters for b in c}) or [0]
    counts = {b: [c.get(b, 0) for c in counters] for b in bins}
    return histogram(
        "iterations", "Repair iterations per task-run", counts, [_label(s) for s in sets]
    )


def _table(result: ResultSet) -> str:
    head = "".join(f"<th>{escape(t)}</th>" for t in ["task", *(t for _, t in COLUMNS)])
    rows = [("overall", overall(result.records)), *per_task(result.records).items()]
    body = "".join(
        "<tr>"
        + f"<td>{escape(name)}</td>"
        + "".join(f"<td>{escape(cell(n, figures[n]))}</td>" for n, _ in COLUMNS)
        + "</tr>"
        for name, figures in rows
    )
    caption = f"{escape(result.model)} on {escape(result.suite)} ({len(result.records)} task-runs)"
    return f"<h2>{caption}</h2><table><tr>{head}</tr>{body}</table>"


def page(sets: list[ResultSet]) -> str:
    """The whole page; every chart is an inline `<svg class="chart">`."""
    title = "Eval: " + " vs ".join(f"{_label(s)} on {s.suite}" for s in sets)
    charts = pass_rates(sets) + cost_vs_pass(sets) + iterations(sets)
    tables = "".join(_table(s) for s in sets)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        "<p>Mean ± standard error over runs; resolved = every hidden functional test "
        "passed; secure = resolved and no exploit worked.</p>"
        f'<div class="charts">{charts}</div>{tables}</body></html>\n'
    )
