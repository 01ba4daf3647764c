"""Write an eval's reports beside its `results.json`."""

from __future__ import annotations

from pathlib import Path

from evals.records import ResultSet
from evals.reports.html import page
from evals.reports.markdown import summary

SUMMARY = "summary.md"
PAGE = "report.html"


def write_reports(results: ResultSet, out: Path) -> tuple[Path, Path]:
    """`summary.md` and `report.html` in `out`; their paths."""
    out.mkdir(parents=True, exist_ok=True)
    md, html = out / SUMMARY, out / PAGE
    md.write_text(summary(results))
    html.write_text(page([results]))
    return md, html
