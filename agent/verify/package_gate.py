"""The package gate: the service installs and runs exactly as its own README says, from a
clean virtualenv (not the sandbox's preinstalled runtime), offline from the sandbox's
wheelhouse.

install  `pip install -e ".[dev]"` from the repository root, `--no-index --find-links
         <wheelhouse>`, into a new virtualenv (`python -m venv`, its own pip) outside the
         workspace; `--no-compile`: bytecode is a cache, writing it costs seconds and proves
         nothing
migrate  `alembic upgrade head` from that install, on a fresh database
serve    `uvicorn backend.main:app` from that install; /health must answer 200; stopped
collect  `pytest --collect-only` from that install: the dev extras import every test

The first step that fails ends the gate; its failure names the step, the command and the
trimmed output (pip's error, alembic's traceback, uvicorn's log, pytest's error). A sandbox
with no wheelhouse cannot install offline: the gate says so (not exercised), no failure.
"""

from __future__ import annotations

import json
import posixpath
import re
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.verify import database
from agent.verify.context import GateContext
from agent.verify.evidence import CheckResult, Evidence, Failure, NotExercised, ServiceFigures
from sandbox.base import CommandResult, SandboxError

SERVE = Path(__file__).with_name("package_serve.py")
HEALTHY_WITHIN_S = 60.0
STEPS = ("install", "migrate", "serve", "collect")
DETAIL_CHARS = 1500
ERROR_LINE = re.compile(r"^[\s│|]*(?:error|ERROR):\s+(?!subprocess-exited-with-error)(\S.*)$", re.M)
PYTEST_E = re.compile(r"^E\s+(\S.*)$", re.M)
COLLECTING = re.compile(r"ERROR collecting (\S+)")
MKDTEMP = "import tempfile; print(tempfile.mkdtemp(prefix='package-'))"
RMTREE = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"


@dataclass(frozen=True)
class Step:
    """One command of the README, as run in the sandbox: `command` is how a person types
    it, `argv` what runs (the venv's own tools, offline flags)."""

    name: str
    command: str
    argv: list[str]
    env: dict[str, str]
    timeout: float


@dataclass
class Outcome:
    """How far the steps got: each step's status and seconds, the failure that ended them."""

    status: dict[str, str] = field(default_factory=lambda: dict.fromkeys(STEPS, "not run"))
    seconds: dict[str, float] = field(default_factory=dict)
    failure: Failure | None = None
    base_url: str | None = None  # where the install answered /health with 200


def headline(output: str) -> str:
    """The line of a tool's output that says what went wrong: pip's or a build backend's
    `ERROR:` / `error:` line, pytest's first `E ` line (with the module it was collecting),
    else the last line (a traceback's exception)."""
    found = ERROR_LINE.search(output)
    if found:
        return found.group(1).strip()[:300]
    raised = PYTEST_E.search(output)
    if raised:
        module = COLLECTING.search(output)
        return ((f"{module.group(1)}: " if module else "") + raised.group(1).strip())[:300]
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no output"


def _output(result: CommandResult) -> str:
    return (result.stdout[-DETAIL_CHARS:] + "\n" + result.stderr[-DETAIL_CHARS:]).strip()


def _failure(step: Step, message: str, output: str) -> Failure:
    return Failure(
        check="package",
        where=step.command,
        message=message,
        detail=f"$ {step.command}\n{output[-DETAIL_CHARS:]}",
        expected="the service installs and runs from its own pyproject.toml as its README says",
        source="README.md",
    )


def serve_answer(result: CommandResult) -> dict[str, Any]:
    """The start check's JSON line (`package_serve.py`), or {} when it gave none."""
    lines = result.stdout.strip().splitlines()
    try:
        answer: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError:
        return {}
    return answer


def _serve_failure(step: Step, result: CommandResult, answer: dict[str, Any]) -> Failure:
    if not answer:
        why = "timed out" if result.timed_out else "the start check gave no answer"
        return _failure(step, why, _output(result))
    log = str(answer.get("log", ""))
    if answer.get("exit_code") is not None:
        why = f"uvicorn exited with code {answer['exit_code']} at start: {headline(log)}"
    elif answer.get("status") is None:
        why = f"/health did not answer within {HEALTHY_WITHIN_S:g}s"
    else:
        why = f"/health answered {answer['status']}, not 200"
    return _failure(step, why, log)


def _steps(ctx: GateContext, venv: str, database_url: str, wheelhouse: str) -> list[Step]:
    bin_ = posixpath.join(venv, "bin")
    base = {
        "PATH": f"{bin_}:/usr/local/bin:/usr/bin:/bin",
        "VIRTUAL_ENV": venv,
        "PIP_CONFIG_FILE": "/dev/null",  # no pip.conf of the machine: the wheelhouse alone
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_CACHE_DIR": posixpath.join(posixpath.dirname(venv), "pip-cache"),
    }
    service = base | {
        "DATABASE_URL": database_url,
        "REDIS_URL": ctx.services.redis_url,
        "JWT_SECRET": secrets.token_urlsafe(32),
    }
    pip = [f"{bin_}/pip", "install", "--no-compile", "--no-index", "--find-links", wheelhouse]
    log = posixpath.join(posixpath.dirname(venv), "uvicorn.log")
    serve = [f"{bin_}/python", "-c", SERVE.read_text(), f"{bin_}/uvicorn"]
    collect = [f"{bin_}/pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    return [
        Step("install", 'pip install -e ".[dev]"', [*pip, "-e", ".[dev]"], base, ctx.timeout_s),
        Step(
            "migrate", "alembic upgrade head", [f"{bin_}/alembic", "upgrade", "head"], service, 300
        ),
        Step(
            "serve",
            "uvicorn backend.main:app",
            [*serve, str(HEALTHY_WITHIN_S), log],
            service,
            HEALTHY_WITHIN_S + 60,
        ),
        Step("collect", "pytest --collect-only", collect, service, 300),
    ]


def _run_steps(ctx: GateContext, steps: list[Step], outcome: Outcome) -> None:
    for step in steps:
        started = time.monotonic()
        result = ctx.sandbox.run(step.argv, timeout=step.timeout, env=step.env)
        outcome.seconds[step.name] = round(time.monotonic() - started, 2)
        answer = serve_answer(result) if step.name == "serve" else {}
        if answer.get("startup_s") is not None:
            outcome.seconds["startup"] = float(answer["startup_s"])
        if result.ok and answer.get("healthy"):
            outcome.base_url = str(answer["base_url"])
        if result.ok:
            outcome.status[step.name] = "passed"
            continue
        outcome.status[step.name] = "failed"
        if step.name == "serve":
            outcome.failure = _serve_failure(step, result, answer)
        else:
            why = "timed out" if result.timed_out else headline(result.stderr or result.stdout)
            outcome.failure = _failure(step, why, _output(result))
        return


def _sandbox_python(ctx: GateContext, code: str, *args: str) -> CommandResult:
    return ctx.sandbox.run([ctx.sandbox.python, "-c", code, *args], timeout=120)


def _scratch(ctx: GateContext) -> str:
    """A scratch folder in the sandbox, outside the workspace (its /tmp)."""
    made = _sandbox_python(ctx, MKDTEMP)
    if not made.ok:
        raise SandboxError(f"no scratch folder in the sandbox: {made.stderr[-800:]}")
    return made.stdout.strip()


def _new_venv(ctx: GateContext, venv: str, outcome: Outcome) -> None:
    """A new, empty virtualenv: the sandbox's Python, none of its runtime's packages."""
    started = time.monotonic()
    created = ctx.sandbox.run([ctx.sandbox.python, "-m", "venv", venv], timeout=120)
    if not created.ok:
        raise SandboxError(f"python -m venv failed in the sandbox: {created.stderr[-800:]}")
    outcome.seconds["venv"] = round(time.monotonic() - started, 2)


def _tidy(ctx: GateContext, scratch: str, before: set[Path]) -> None:
    """Remove the scratch folder, and the egg-info the editable install left in the repo."""
    _sandbox_python(ctx, RMTREE, scratch)
    for made in set(ctx.repo.glob("*.egg-info")) - before:
        shutil.rmtree(made, ignore_errors=True)


def _summary(outcome: Outcome) -> str:
    if outcome.failure is not None:
        return f"failed at {outcome.failure.where}: {outcome.failure.message}"
    return (
        f"installed from its pyproject in {outcome.seconds['install']:.1f}s (offline, clean "
        "virtualenv); alembic upgrade head, /health 200 and test collection from the install"
    )


def _result(outcome: Outcome) -> CheckResult:
    return CheckResult(
        name="package",
        passed=outcome.failure is None,
        summary=_summary(outcome),
        failures=[outcome.failure] if outcome.failure else [],
        figures={
            **outcome.status,
            "venv_s": outcome.seconds.get("venv"),
            "install_s": outcome.seconds.get("install"),
            "upgrade_s": outcome.seconds.get("migrate"),
            "startup_s": outcome.seconds.get("startup"),
            "collect_s": outcome.seconds.get("collect"),
        },
    )


def package(ctx: GateContext, evidence: Evidence) -> CheckResult:
    """Install the service from its own pyproject into a clean virtualenv, offline; then
    migrate, serve and collect its tests from that install. Fails at the first step."""
    wheelhouse = ctx.sandbox.wheelhouse
    if wheelhouse is None:
        reason = "the sandbox has no wheelhouse to install from offline"
        return CheckResult(
            name="package",
            passed=True,
            summary=f"not exercised: {reason}",
            not_exercised=[NotExercised(check="package", where="pip install", reason=reason)],
        )
    before = set(ctx.repo.glob("*.egg-info"))
    name = f"{ctx.db_prefix}_package"
    scratch = _scratch(ctx)
    venv = posixpath.join(scratch, "venv")
    outcome = Outcome()
    try:
        _new_venv(ctx, venv, outcome)
        url = database.create(ctx.sandbox, ctx.services.postgres_url, name)
        _run_steps(ctx, _steps(ctx, venv, url, wheelhouse), outcome)
    finally:
        database.drop(ctx.sandbox, ctx.services.postgres_url, name)
        _tidy(ctx, scratch, before)
    if outcome.base_url and evidence.service is None:  # the report's deployment URLs
        evidence.service = ServiceFigures(
            base_url=outcome.base_url, upgrade_s=outcome.seconds.get("migrate")
        )
    return _result(outcome)
