"""Entry point inside the sandbox: `python -m mutate.main` (cwd: the workspace's .verify).

Reads `proof_plan.json` (mutants, each with the tests to run on it) and prints one line:
`PROOF-RESULT {json}`, per mutant its key, the files it changed and each test's outcome.
A rule mutant is expanded here, one per rule module that raises `RuleViolation`.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from . import edits, fields, runs, source

MARK = "PROOF-RESULT "


def _build(base: Path, copy: Path, mutant: dict[str, Any]) -> list[str]:
    """Copy the service and apply the mutant to the copy; the files it changed."""
    shutil.copytree(base, copy)
    modules = source.load(copy)
    edit = fields.validation if mutant["kind"] == "validation" else edits.EDITS[mutant["kind"]]
    edit(modules, mutant)
    for module in modules:
        module.save()
    return edits.touched(modules)


def _run(
    base: Path, work: Path, n: int, mutant: dict[str, Any], timeout_s: float
) -> dict[str, Any]:
    started = time.monotonic()
    copy = work / f"mutant{n}"
    answer: dict[str, Any] = {"key": mutant["key"], "module": mutant.get("module"), "files": []}
    try:
        answer["files"] = _build(base, copy, mutant)
    except Exception as exc:  # a mutant that cannot be built proves nothing; say why
        answer["error"] = f"the mutant could not be built: {exc!r}"[:500]
    if answer["files"]:
        code, tail = runs.session(copy, mutant["tests"], work / f"junit{n}.xml", timeout_s)
        answer["outcomes"] = runs.outcomes(work / f"junit{n}.xml")
        if code is None:
            answer["error"] = f"its tests timed out after {timeout_s:g}s"
        elif not answer["outcomes"]:
            answer["error"] = f"pytest exited {code} without a report: {tail}"
    shutil.rmtree(copy, ignore_errors=True)
    answer["duration_s"] = round(time.monotonic() - started, 2)
    return answer


def expand(mutants: list[dict[str, Any]], base: Path) -> list[dict[str, Any]]:
    """A rule mutant becomes one mutant per rule module that raises, a hooks mutant one per
    rule module whose hooks do something; with none, it stays one that changes nothing."""
    loaded = source.load(base)
    per_module = {"rule": edits.rule_modules(loaded), "hooks": edits.hook_modules(loaded)}
    out = []
    for mutant in mutants:
        modules = per_module.get(mutant["kind"])
        if modules:
            out += [{**mutant, "module": m} for m in modules]
        else:
            out.append(mutant)
    return out


def main() -> dict[str, Any]:
    plan = json.loads(Path("proof_plan.json").read_text())
    work = Path(tempfile.mkdtemp(prefix="proof-"))
    try:
        base = runs.pristine(Path.cwd().parent, work / "base")
        runs.warm(base)
        mutants = expand(plan["mutants"], base)
        timeout_s = float(plan.get("timeout_s", 180))
        return {"mutants": [_run(base, work, n, m, timeout_s) for n, m in enumerate(mutants)]}
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    try:
        answer = main()
    except Exception as exc:  # the step turns any crash into "not proven" with this text
        answer = {"crash": "".join(traceback.format_exception_only(exc)).strip()[-1500:]}
    print(MARK + json.dumps(answer))
    sys.stdout.flush()
