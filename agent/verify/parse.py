"""Read what the tools wrote: JUnit XML, coverage JSON, ruff JSON."""

from __future__ import annotations

import ast
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from agent.verify.evidence import Coverage, Failure, TestOutcome

DETAIL_CHARS = 1500


def junit(path: Path) -> list[TestOutcome]:
    """Test cases of a pytest JUnit XML file."""
    if not path.exists():
        return []
    outcomes = []
    for case in ET.parse(path).getroot().iter("testcase"):
        module = case.get("classname", "").replace(".", "/")
        name = case.get("name", "")
        outcome, message = "passed", ""
        for tag in ("failure", "error", "skipped"):
            node = case.find(tag)
            if node is not None:
                outcome = {"failure": "failed"}.get(tag, tag)
                message = (node.get("message") or "") + "\n" + (node.text or "")
                break
        criteria = [
            p.get("value", "") for p in case.iter("property") if p.get("name") == "criterion"
        ]
        outcomes.append(
            TestOutcome(
                id=f"{module}.py::{name}",
                name=name,
                outcome=outcome,
                message=message.strip()[:DETAIL_CHARS],
                duration_s=float(case.get("time") or 0),
                criteria=criteria,
            )
        )
    return outcomes


def test_failures(outcomes: list[TestOutcome]) -> list[Failure]:
    return [
        Failure(
            check="tests", where=o.id, message=o.message.split("\n", 1)[0][:300], detail=o.message
        )
        for o in outcomes
        if o.outcome in {"failed", "error"}
    ]


def ruff_findings(text: str) -> list[Failure]:
    """Findings of `ruff check --output-format json`."""
    try:
        items: list[dict[str, Any]] = json.loads(text or "[]")
    except json.JSONDecodeError:
        return [
            Failure(
                check="lint",
                where="ruff",
                message="unreadable ruff output",
                detail=text[:DETAIL_CHARS],
            )
        ]
    return [
        Failure(
            check="lint",
            where=f"{i.get('filename', '?')}:{(i.get('location') or {}).get('row', '?')}",
            message=f"{i.get('code')}: {i.get('message')}",
        )
        for i in items
    ]


def _handler_lines(source: str) -> dict[str, range]:
    tree = ast.parse(source)
    return {
        node.name: range(node.lineno, (node.end_lineno or node.lineno) + 1)
        for node in ast.walk(tree)
        if isinstance(node, ast.AsyncFunctionDef)
    }


def coverage(path: Path, repo: Path) -> Coverage | None:
    """Total and per-file line coverage, and per-handler coverage of the routers."""
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    files: dict[str, float] = {}
    handlers: dict[str, float] = {}
    for name, info in data.get("files", {}).items():
        files[name] = round(float(info["summary"]["percent_covered"]), 2)
        if "/api/routers/" not in name or not (repo / name).exists():
            continue
        executed, missing = set(info["executed_lines"]), set(info["missing_lines"])
        for handler, lines in _handler_lines((repo / name).read_text()).items():
            hit = len(executed & set(lines))
            total = hit + len(missing & set(lines))
            if total:
                handlers[handler] = round(100.0 * hit / total, 2)
    return Coverage(
        percent=round(float(data["totals"]["percent_covered"]), 2), files=files, handlers=handlers
    )
