"""The package gate: the example's service installs from its own pyproject in a clean
virtualenv, offline from the wheelhouse, exactly as its README says, then migrates, serves
/health and collects its tests from that install; a defect planted in any of those fails
the gate at that step, with the command and the tool's own error.

Local sandbox with the machine's PostgreSQL and Redis; the Docker sandbox (marked) with the
wheelhouse mounted read-only. The runtime both sandboxes preinstall holds packages the
service does not declare (PyYAML, hypothesis): a service that leans on them passes every
other gate, and fails this one.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.backlog import load_backlog
from agent.nodes.building import ruff_formatter
from agent.scaffold.workspace import scaffold_item
from agent.spec.compiler import compile_backlog
from agent.verify.evidence import CheckResult, Evidence
from agent.verify.gates import GateContext, run_gates
from agent.verify.package_gate import headline
from sandbox.base import Sandbox, Services
from sandbox.image import ensure_wheelhouse
from sandbox.local import LocalSandbox
from sandbox.select import open_sandbox
from tests.conftest import CACHE, HOST_SERVICES
from tests.verify.service import plant

EXAMPLE = Path(__file__).parents[2] / "examples" / "taskboard.json"
INSTALL, MIGRATE, SERVE, COLLECT = (
    'pip install -e ".[dev]"',
    "alembic upgrade head",
    "uvicorn backend.main:app",
    "pytest --collect-only",
)
FIND = '[tool.setuptools.packages.find]\ninclude = ["backend*"]\n'


@pytest.fixture(scope="module")
def clean_taskboard(tmp_path_factory: pytest.TempPathFactory, service_python: Path) -> Path:
    repo = tmp_path_factory.mktemp("taskboard") / "svc"
    repo.mkdir()
    spec = compile_backlog(load_backlog(EXAMPLE))
    box = LocalSandbox(repo, service_python, HOST_SERVICES)
    for item in spec.item_ids():
        scaffold_item(repo, spec, item, ruff_formatter(box))
    return repo


@pytest.fixture
def taskboard(clean_taskboard: Path, tmp_path: Path) -> Path:
    """A fresh copy of the example's generated service, to plant one defect in."""
    return Path(shutil.copytree(clean_taskboard, tmp_path / "svc"))


def _verify(box: Sandbox, services: Services, repo: Path) -> Evidence:
    ctx = GateContext(
        sandbox=box,
        services=services,
        repo=repo,
        db_prefix=f"ba_t_{uuid.uuid4().hex[:8]}",
        timeout_s=600,
    )
    return run_gates(ctx, ["package"], 1)


def _gate(box: Sandbox, services: Services, repo: Path) -> CheckResult:
    return _verify(box, services, repo).checks[0]


def _local_box(repo: Path, service_python: Path) -> LocalSandbox:
    return LocalSandbox(repo, service_python, HOST_SERVICES, ensure_wheelhouse(CACHE))


def _local(repo: Path, service_python: Path) -> CheckResult:
    return _gate(_local_box(repo, service_python), HOST_SERVICES, repo)


def _failed_at(result: CheckResult, command: str) -> str:
    """The one failure's message, after checking it names `command` and carries output."""
    assert not result.passed, result.summary
    [failure] = result.failures
    assert failure.where == command, failure
    assert failure.detail.startswith(f"$ {command}\n"), failure.detail
    assert failure.source == "README.md"
    return failure.message


@pytest.mark.slow
def test_the_example_installs_and_runs_as_its_readme_says(
    taskboard: Path, service_python: Path
) -> None:
    """The README's own commands are the gate's, and they all work from the clean install;
    where it answered is the report's deployment; the editable install's egg-info does not
    stay behind in the repo."""
    readme = (taskboard / "README.md").read_text()
    assert all(command in readme for command in (INSTALL, MIGRATE, SERVE))
    evidence = _verify(_local_box(taskboard, service_python), HOST_SERVICES, taskboard)
    result = evidence.checks[0]
    assert result.passed, [f.detail for f in result.failures]
    assert evidence.service is not None
    assert evidence.service.base_url.startswith("http://127.0.0.1:")
    assert evidence.service.upgrade_s == result.figures["upgrade_s"]
    steps = {k: result.figures[k] for k in ("install", "migrate", "serve", "collect")}
    assert steps == dict.fromkeys(steps, "passed")
    assert isinstance(result.figures["install_s"], float)
    assert isinstance(result.figures["startup_s"], float)
    assert not list(taskboard.glob("*.egg-info"))


@pytest.mark.slow
def test_the_flat_layout_of_old_fails_at_pip_install(taskboard: Path, service_python: Path) -> None:
    """Without an explicit package list setuptools finds `backend` and `alembic` and
    refuses: the layout every service had before the gate existed."""
    plant(taskboard, "pyproject.toml", FIND, "")
    message = _failed_at(_local(taskboard, service_python), INSTALL)
    assert message.startswith("Multiple top-level packages discovered in a flat-layout")


@pytest.mark.slow
def test_a_dependency_that_does_not_exist_fails_at_pip_install(
    taskboard: Path, service_python: Path
) -> None:
    """A misspelt dependency in pyproject.toml: pip's own error, naming it."""
    plant(taskboard, "pyproject.toml", '"fastapi>=0.115"', '"fastapii>=0.115"')
    result = _local(taskboard, service_python)
    assert "fastapii" in _failed_at(result, INSTALL)
    assert result.figures["migrate"] == "not run"


@pytest.mark.slow
def test_alembic_env_importing_what_is_missing_fails_at_migrate(
    taskboard: Path, service_python: Path
) -> None:
    """alembic/env.py importing a module nobody installs: alembic's traceback."""
    plant(taskboard, "alembic/env.py", "import os\n", "import os\n\nimport nosuchmodule\n")
    result = _local(taskboard, service_python)
    assert _failed_at(result, MIGRATE) == "ModuleNotFoundError: No module named 'nosuchmodule'"
    assert "alembic/env.py" in result.failures[0].detail


@pytest.mark.slow
def test_an_undeclared_runtime_import_fails_at_serve(taskboard: Path, service_python: Path) -> None:
    """The app importing PyYAML, which the sandbox's runtime has and pyproject.toml does
    not declare: the clean install cannot start; the evidence is uvicorn's log."""
    plant(taskboard, "backend/main.py", "import pkgutil\n", "import pkgutil\n\nimport yaml\n")
    message = _failed_at(_local(taskboard, service_python), SERVE)
    assert message.startswith("uvicorn exited with code 1 at start")
    assert message.endswith("No module named 'yaml'")


@pytest.mark.slow
def test_a_test_importing_an_undeclared_package_fails_at_collect(
    taskboard: Path, service_python: Path
) -> None:
    """A test importing hypothesis, which the dev extras do not declare."""
    test = "backend/tests/test_health.py"
    plant(taskboard, test, "from fastapi", "import hypothesis\nfrom fastapi")
    message = _failed_at(_local(taskboard, service_python), COLLECT)
    assert message == f"{test}: ModuleNotFoundError: No module named 'hypothesis'"


def test_a_sandbox_without_a_wheelhouse_is_not_exercised(
    tmp_path: Path, service_python: Path
) -> None:
    """With nowhere to install from offline the gate says so, and is no failure."""
    result = _gate(LocalSandbox(tmp_path, service_python, HOST_SERVICES), HOST_SERVICES, tmp_path)
    assert result.passed and not result.failures
    assert [n.reason for n in result.not_exercised] == [
        "the sandbox has no wheelhouse to install from offline"
    ]


PIP_FLAT = """  error: subprocess-exited-with-error

  \u00d7 Getting requirements to build editable did not run successfully.
  │ exit code: 1
  ╰─> [14 lines of output]
      error: Multiple top-level packages discovered in a flat-layout: ['backend', 'alembic'].

      To avoid accidental inclusion of unwanted files or directories,
"""
PIP_MISSING = """ERROR: Could not find a version that satisfies the requirement fastapii>=0.115
ERROR: No matching distribution found for fastapii>=0.115
"""
PYTEST = """==================================== ERRORS ====================================
_________________ ERROR collecting backend/tests/test_health.py _________________
ImportError while importing test module '/w/backend/tests/test_health.py'.
E   ModuleNotFoundError: No module named 'hypothesis'
31 tests collected, 1 error in 0.56s
"""
TRACEBACK = """  File "/w/alembic/env.py", line 6, in <module>
    import nosuchmodule
ModuleNotFoundError: No module named 'nosuchmodule'
"""


@pytest.mark.parametrize(
    ("output", "line"),
    [
        (PIP_FLAT, "Multiple top-level packages discovered in a flat-layout: "),
        (PIP_MISSING, "Could not find a version that satisfies the requirement fastapii"),
        (PYTEST, "backend/tests/test_health.py: ModuleNotFoundError: No module named 'hyp"),
        (TRACEBACK, "ModuleNotFoundError: No module named 'nosuchmodule'"),
        ("", "no output"),
    ],
)
def test_headline_is_the_line_that_says_what_went_wrong(output: str, line: str) -> None:
    """pip's and a build backend's error line (not pip's wrapper), else the last line."""
    assert headline(output).startswith(line)


@pytest.fixture
def docker_box(taskboard: Path) -> Iterator[Sandbox]:
    box = open_sandbox(
        "docker", taskboard, cache_dir=CACHE, host_services=HOST_SERVICES, run_id="pytest-package"
    )
    yield box
    box.close()


@pytest.mark.docker
@pytest.mark.slow
def test_the_docker_sandbox_installs_from_its_read_only_wheelhouse(
    taskboard: Path, docker_box: Sandbox
) -> None:
    """In the Docker sandbox (no network) the example passes from the mounted wheelhouse,
    which the generated code cannot write; the same service with an undeclared import
    fails at serve."""
    write = docker_box.run(["touch", "/wheelhouse/planted"], timeout=30)
    assert write.exit_code != 0 and "Read-only file system" in write.stderr
    services = docker_box.start_services()
    result = _gate(docker_box, services, taskboard)
    assert result.passed, [f.detail for f in result.failures]
    plant(taskboard, "backend/main.py", "import pkgutil\n", "import pkgutil\n\nimport yaml\n")
    assert _gate(docker_box, services, taskboard).failures[0].where == SERVE
