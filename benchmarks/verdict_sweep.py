"""The verdict on services known to be correct: every gate must pass (no false failure).

Targets, each built without a model:
- the examples (`examples/*.json`) and `tests/data/shapes.json`, scaffolded;
- `tests/data/library.json` with its rules written in (a unique loan per copy, no
  overlapping appointments, limits of 600/minute, 1000/minute and 10/second);
- every built-in eval task that has a reference solution (`evals/suites/builtin`): the
  starter, the scaffold of its backlog, then its `reference/` files (what passes its
  hidden tests).
Each runs the chosen gates with the local sandbox and the machine's PostgreSQL and Redis;
the contract gate's oracle reads the target's backlog as written. One line per target,
then its failures and what was not exercised; a JSON summary at the end.

Usage: .venv/bin/python benchmarks/verdict_sweep.py [--gates lint,tests,...] [--only NAME]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent.backlog import load_backlog
from agent.scaffold.workspace import Manifest
from agent.verify.evidence import Evidence
from agent.verify.gates import GateContext, run_gates
from evals.tasks import NoReference, load_suite, scaffold_backlog
from sandbox.base import Services
from sandbox.image import ensure_wheelhouse
from sandbox.local import LocalSandbox
from sandbox.runtime import ensure_runtime

ROOT = Path(__file__).parents[1]
CACHE = Path.home() / ".cache" / "backend-agent"
HOST = Services("postgresql://postgres@127.0.0.1:5432/postgres", "redis://127.0.0.1:6379/0")
ALL = "lint,tests,migrations,package,contract,security,load"
# (repo, workdir) -> the backlog file it was built from, and whether what the scaffold left
# for a model is done (a reference's rule files) or left (the offline scaffold alone)
Build = Callable[[Path, Path], tuple[Path, bool]]


def _scaffolded(backlog: Path) -> Build:
    def build(repo: Path, workdir: Path) -> tuple[Path, bool]:
        scaffold_backlog(backlog, repo)
        return backlog, False

    return build


def _with_rules(backlog: Path) -> Build:
    """The library backlog with the rules a model would write (one copy per book, no
    overlapping appointments: both refuse with 409), as tests/verify/rules.py writes them."""
    sys.path.insert(0, str(ROOT))  # the rules live beside the tests that use them
    from tests.verify.rules import library_rules

    def build(repo: Path, workdir: Path) -> tuple[Path, bool]:
        scaffold_backlog(backlog, repo)
        library_rules(repo)
        return backlog, True

    return build


def _reference(task: Any) -> Build:
    def build(repo: Path, workdir: Path) -> tuple[Path, bool]:
        task.materialize_reference(repo)
        return Path(task.backlog_path(workdir)), task.reference_dir.is_dir()

    return build


def targets() -> dict[str, Build]:
    found = {
        f"example:{p.stem}": _scaffolded(p) for p in sorted((ROOT / "examples").glob("*.json"))
    }
    found["shapes"] = _scaffolded(ROOT / "tests" / "data" / "shapes.json")
    found["library+rules"] = _with_rules(ROOT / "tests" / "data" / "library.json")
    for task in load_suite(ROOT / "evals" / "suites" / "builtin"):
        if task.has_reference:
            found[f"eval:{task.id}"] = _reference(task)
    return found


def as_written(backlog_file: Path, repo: Path) -> list[dict[str, Any]]:
    built = set(Manifest.load(repo).spec.item_ids())
    items = load_backlog(backlog_file).backlog_items
    return [
        {"index": i, "item": it.model_dump(mode="json")}
        for i, it in enumerate(items)
        if it.id in built
    ]


def verify(build: Build, gates: list[str], python: Path, wheels: Path) -> Evidence:
    with tempfile.TemporaryDirectory(prefix="sweep-") as tmp:
        repo, work = Path(tmp) / "svc", Path(tmp) / "work"
        repo.mkdir()
        backlog, done = build(repo, work)
        spec = Manifest.load(repo).spec
        ctx = GateContext(
            sandbox=LocalSandbox(repo, python, HOST, wheels),
            services=HOST,
            repo=repo,
            db_prefix=f"ba_sweep_{uuid.uuid4().hex[:8]}",
            timeout_s=600,
            spec=spec,
            backlog=as_written(backlog, repo),
            left=[] if done else [f"{g.kind}: {g.text}" for g in spec.gaps],
        )
        return run_gates(ctx, gates, 1)


def show(name: str, evidence: Evidence) -> dict[str, Any]:
    failed = [c.name for c in evidence.checks if not c.passed]
    print(f"{name}: {'PASS' if not failed else 'FAIL ' + ','.join(failed)}", flush=True)
    for check in evidence.checks:
        for f in check.failures:
            print(f"  {check.name} FAIL {f.where}: {f.message}")
            if f.source or f.exchange:
                print(f"      expected {f.expected} ({f.source})")
                if f.exchange:
                    print(f"      {f.exchange.line()[:400]}")
        for n in check.not_exercised:
            print(f"  {check.name} not exercised {n.where}: {n.reason}")
    return {
        "passed": not failed,
        "failed_gates": failed,
        "findings": {c.name: len(c.failures) for c in evidence.checks},
        "not_exercised": {c.name: len(c.not_exercised) for c in evidence.checks},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gates", default=ALL)
    parser.add_argument("--only", action="append", default=[], help="a target name (repeat)")
    args = parser.parse_args()
    python, wheels = ensure_runtime(CACHE), ensure_wheelhouse(CACHE)
    results = {}
    for name, build in targets().items():
        if args.only and name not in args.only:
            continue
        try:
            results[name] = show(name, verify(build, args.gates.split(","), python, wheels))
        except NoReference as exc:
            results[name] = {"passed": None, "why": str(exc)}
    passed = sum(1 for r in results.values() if r.get("passed"))
    print(json.dumps({"targets": len(results), "passed": passed, "results": results}, indent=1))


if __name__ == "__main__":
    main()
