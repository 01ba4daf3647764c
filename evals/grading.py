"""Grade a tree with a task's hidden tests, in a fresh sandbox the agent never touched.

The tree is copied to a grading folder (no `.git`, no agent state); the hidden tests, the
plugin, the in-sandbox driver (`hidden/grade.py`) and the verify probe's service starter
(`agent/verify/live`) are staged beside it, then moved inside the container to a folder
outside the workspace before anything runs. The service gets a fresh PostgreSQL database,
Redis, a JWT secret of its own, `alembic upgrade head`, and is started as verify starts it.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from agent.verify import database
from agent.verify.probe import LIVE
from evals.junit import HiddenOutcome, read_junit
from sandbox.base import Sandbox, SandboxError

HIDDEN = Path(__file__).with_name("hidden")
STAGE = ".eval-grade"
OUT = ".eval-out"
MARK = "GRADE-RESULT "
IGNORED = shutil.ignore_patterns(".git", ".backend-agent", ".verify", "__pycache__", ".venv")
# Move the staged folder out of the workspace, then run the driver from there.
SCRIPT = (
    f'set -e; ROOT="$(pwd)"; H="/tmp/hidden-$TOKEN"; rm -rf "$H"; cp -r {STAGE} "$H"; '
    f'rm -rf {STAGE}; cd "$H"; exec "$PY" -m grade "$ROOT" "$ROOT/{OUT}"'
)

SandboxOpener = Callable[[Path, str], Sandbox]
"""Opens a sandbox on a workspace folder, labelled with a run id."""


class Grade(BaseModel):
    """What the hidden tests said about one tree."""

    build_ok: bool
    error: str | None = None
    hidden: HiddenOutcome
    duration_s: float = 0.0


def stage(tree: Path, hidden: Path, dest: Path) -> None:
    """Copy `tree` to `dest` with the hidden tests and their driver staged inside."""
    shutil.rmtree(dest, ignore_errors=True)
    if tree.is_dir():
        shutil.copytree(tree, dest, ignore=IGNORED, symlinks=True)
    dest.mkdir(parents=True, exist_ok=True)
    folder = dest / STAGE
    shutil.copytree(hidden, folder / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(LIVE, folder / "live", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(HIDDEN / "plugin.py", folder / "evals_hidden_plugin.py")
    shutil.copyfile(HIDDEN / "grade.py", folder / "grade.py")
    (folder / "pytest.ini").write_text("[pytest]\n")


def _answer(stdout: str) -> dict[str, object] | None:
    line = next((ln for ln in reversed(stdout.splitlines()) if ln.startswith(MARK)), None)
    return None if line is None else dict(json.loads(line.removeprefix(MARK)))


def _run_driver(box: Sandbox, timeout: float) -> tuple[dict[str, object] | None, str]:
    services = box.start_services()
    name = f"eval_{secrets.token_hex(6)}"
    env = {
        "DATABASE_URL": database.create(box, services.postgres_url, name),
        "REDIS_URL": services.redis_url,
        "JWT_SECRET": secrets.token_urlsafe(32),
        "RATE_LIMIT_PREFIX": name,
        "TOKEN": secrets.token_hex(6),
        "PY": box.python,
    }
    try:
        done = box.run(["sh", "-c", SCRIPT], timeout=timeout, env=env)
    finally:
        with contextlib.suppress(SandboxError):
            database.drop(box, services.postgres_url, name)
    tail = (done.stdout[-1500:] + "\n" + done.stderr[-1500:]).strip()
    return _answer(done.stdout), "timed out" if done.timed_out else tail


def grade(
    tree: Path, hidden: Path, workdir: Path, open_box: SandboxOpener, *, timeout: float = 900
) -> Grade:
    """Run the hidden tests of `hidden` against the service of `tree`; `workdir` keeps the
    grading copy, its JUnit XML and the service log."""
    stage(tree, hidden, workdir)
    box = open_box(workdir, f"grade-{workdir.parent.name}-{workdir.name}")
    try:
        answer, tail = _run_driver(box, timeout)
    finally:
        box.close()
    outcome = read_junit(workdir / OUT / "junit.xml")
    if answer is None:
        return Grade(
            build_ok=False, error=f"the grading driver gave no answer: {tail}", hidden=outcome
        )
    error = answer.get("error")
    return Grade(
        build_ok=bool(answer.get("build_ok")),
        error=str(error) if error else None,
        hidden=outcome,
    )
