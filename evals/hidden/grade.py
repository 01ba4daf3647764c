"""Runs INSIDE the grading sandbox: `python -m grade ROOT OUT` (cwd: the hidden folder,
outside the workspace).

Migrates and starts the generated service at ROOT with the verify probe's own code
(`live.service`, copied beside this file), runs the hidden tests (`tests/`) against it
with the plugin (`evals_hidden_plugin`), writes the JUnit XML to OUT and prints one line,
`GRADE-RESULT {json}`. When the service cannot start, the tests still run, against a port
nobody listens on: a functional test that passes then is a broken test. Imports only the
stdlib and what the sandbox runtime holds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from live import service  # copied beside this file at run time

MARK = "GRADE-RESULT "
PYTEST_TIMEOUT_S = 600
# A grading sandbox shares the machine with the other workers' runs, so a slow start is
# not held against the service: it gets longer than the gates give it.
HEALTHY_WITHIN_S = 120.0


def _pytest(here: Path, out: Path, url: str) -> int:
    env = {**os.environ, "SERVICE_URL": url, "PYTHONPATH": str(here)}
    env.pop("DATABASE_URL", None)  # black-box: the tests talk HTTP only
    argv = [sys.executable, "-m", "pytest", "tests", "-q", "-p", "evals_hidden_plugin"]
    argv += ["-p", "no:cacheprovider", f"--junitxml={out / 'junit.xml'}", f"--rootdir={here}"]
    with (out / "pytest.log").open("wb") as sink:
        done = subprocess.run(
            argv, cwd=here, env=env, stdout=sink, stderr=sink, timeout=PYTEST_TIMEOUT_S
        )
    return done.returncode


def main(root: Path, out: Path) -> dict[str, Any]:
    here = Path.cwd()
    out.mkdir(parents=True, exist_ok=True)
    answer: dict[str, Any] = {"build_ok": False, "error": None}
    with ExitStack() as stack:
        try:
            started = service.running(root, out / "service.log", HEALTHY_WITHIN_S)
            running = stack.enter_context(started)
        except Exception as exc:  # any failure to start is the finding itself
            answer["error"] = str(exc)[-1500:]
            url = f"http://127.0.0.1:{service.free_port()}"
        else:
            url = running.base_url
            answer.update(build_ok=True, upgrade_s=running.upgrade_s, startup_s=running.startup_s)
        answer["pytest_exit"] = _pytest(here, out, url)
    return answer


if __name__ == "__main__":
    print(MARK + json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]))), flush=True)
