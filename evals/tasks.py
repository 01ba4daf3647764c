"""Eval tasks: what a suite folder holds, loaded and checked, and the trees a task starts
from and is checked against.

A suite is `suite.toml` (`name`, `description`) plus one folder per task. A task folder:

- `task.toml`: `id`, `title`, `domain`, `kind` ("greenfield" | "feature"), `offline`
  (true when the offline model, the scaffold alone, should resolve it), `needs_model`
  (why a model is needed; required when `offline = false`), `p95_ms` (default 200).
- `backlog.json`, or `openapi.yaml` (+ optional `spec.md`) turned into a backlog by the
  OpenAPI importer (`backend-agent import-openapi`).
- `hidden/`: black-box pytest HTTP tests the agent never sees.
- `starter/` (feature tasks): the repo the agent extends.
- `reference/` (optional): hand-written files of a solution.

Generated trees are not committed; they are rendered by the project's own scaffold,
deterministically and without a model:

- **starter** = the scaffold of `starter/backlog.json` (when present), then every other
  file under `starter/` copied on top; committed as the first commit of a git repo (the
  agent refuses a dirty repo). A `starter/` without `backlog.json` is a plain tree.
  Greenfield tasks start from an empty directory.
- **reference** = the starter, then the scaffold of the task's backlog on top of it (as the
  agent extends a repo), then every file under `reference/` copied over it. A task has a
  reference when it is offline-resolvable (the scaffold alone is the reference) or has a
  `reference/` folder; otherwise `materialize_reference` raises `NoReference`.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from agent.backlog import load_backlog
from agent.backlog.loader import schema_problems
from agent.errors import BackendAgentError, BacklogError
from agent.importer import import_files
from agent.scaffold.workspace import Formatter, Manifest, scaffold_item
from agent.spec.compiler import compile_backlog

SCAFFOLD_FILE = "backlog.json"


class TaskError(BackendAgentError):
    """A suite or task folder is malformed; the message names the file and field."""

    exit_code = 2


class NoReference(BackendAgentError):
    """The task has no reference solution (it needs a model and none was written)."""


class TaskConfig(BaseModel):
    """`task.toml`, field by field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_\-]*$")
    title: str = Field(min_length=1)
    domain: str = Field(min_length=1)
    kind: Literal["greenfield", "feature"]
    offline: bool
    needs_model: str | None = None
    p95_ms: int = Field(default=200, gt=0)

    @model_validator(mode="after")
    def _why_model(self) -> TaskConfig:
        if not self.offline and not self.needs_model:
            raise ValueError("needs_model: required when offline = false (say why)")
        return self


class SuiteConfig(BaseModel):
    """`suite.toml`."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    description: str = ""


class Task(BaseModel):
    """One task of a suite, with the folder it lives in."""

    id: str
    path: Path
    title: str
    domain: str
    kind: Literal["greenfield", "feature"]
    offline: bool
    needs_model: str | None
    p95_ms: int

    @property
    def hidden_dir(self) -> Path:
        return self.path / "hidden"

    @property
    def starter_dir(self) -> Path:
        return self.path / "starter"

    @property
    def reference_dir(self) -> Path:
        return self.path / "reference"

    @property
    def has_reference(self) -> bool:
        return self.offline or self.reference_dir.is_dir()

    def backlog_path(self, workdir: Path) -> Path:
        """The task's backlog as a file in `workdir` (imported from OpenAPI when needed)."""
        workdir.mkdir(parents=True, exist_ok=True)
        out = workdir / "backlog.json"
        source = self.path / "backlog.json"
        if source.is_file():
            shutil.copyfile(source, out)
            return out
        from agent.importer import import_files

        spec = self.path / "spec.md"
        backlog = import_files(self.path / "openapi.yaml", spec if spec.is_file() else None)
        out.write_text(backlog.model_dump_json(indent=1, exclude_defaults=True) + "\n")
        return out

    def materialize_starter(self, dest: Path) -> None:
        """Write the repo the agent starts from into `dest` (empty for greenfield tasks)."""
        dest.mkdir(parents=True, exist_ok=True)
        if self.kind == "greenfield" or not self.starter_dir.is_dir():
            return
        _build_starter(self.starter_dir, dest)
        _commit_tree(dest, f"Starter of eval task {self.id}")

    def materialize_reference(self, dest: Path) -> None:
        """Write a tree that should pass the hidden tests into `dest`, or raise NoReference."""
        if not self.has_reference:
            raise NoReference(f"task {self.id} has no reference/ and needs a model")
        dest.mkdir(parents=True, exist_ok=True)
        if self.kind == "feature" and self.starter_dir.is_dir():
            _build_starter(self.starter_dir, dest)
        with tempfile.TemporaryDirectory(prefix="eval-backlog-") as tmp:
            scaffold_backlog(self.backlog_path(Path(tmp)), dest)
        if self.reference_dir.is_dir():
            _overlay(self.reference_dir, dest)


def scaffold_backlog(backlog_file: Path, repo: Path, fmt: Formatter | None = None) -> None:
    """What the offline agent writes for `backlog_file` on `repo`: the spec compiled onto
    the repo's manifest, then every item scaffolded in priority order. No model, no gates."""
    backlog = load_backlog(backlog_file)
    spec = compile_backlog(backlog, base=Manifest.load(repo).spec)
    for item in backlog.by_priority():
        scaffold_item(repo, spec, item.id, fmt or host_ruff(repo))


def host_ruff(repo: Path) -> Formatter:
    """Tidy generated files with this interpreter's ruff, as the sandbox would (no-op
    when ruff is not installed: formatting changes no behaviour)."""

    def fmt(files: list[str]) -> None:
        if importlib.util.find_spec("ruff") is None:
            return
        ruff = [sys.executable, "-m", "ruff"]
        fix = [*ruff, "check", "--fix", "--select", "F401,F841,I", "--quiet", "--no-cache", *files]
        subprocess.run(fix, cwd=repo, check=False, capture_output=True, timeout=120)
        subprocess.run(
            [*ruff, "format", "--quiet", "--no-cache", *files],
            cwd=repo,
            check=False,
            capture_output=True,
            timeout=120,
        )

    return fmt


def _build_starter(starter: Path, dest: Path) -> None:
    backlog = starter / SCAFFOLD_FILE
    if backlog.is_file():
        scaffold_backlog(backlog, dest)
    _overlay(starter, dest, skip={SCAFFOLD_FILE})


def _overlay(source: Path, dest: Path, skip: set[str] | None = None) -> None:
    """Copy every file under `source` onto `dest` (relative paths kept); Python files are
    then formatted by the service's own ruff settings (its lines are 120 wide, this
    project's 100), as a model's edits would be before its lint gate."""
    copied = []
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if path.is_dir() or str(rel) in (skip or set()) or "__pycache__" in rel.parts:
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest / rel)
        copied.append(str(rel))
    if any(c.endswith(".py") for c in copied):
        host_ruff(dest)([c for c in copied if c.endswith(".py")])


def _commit_tree(repo: Path, message: str) -> None:
    from git import Actor, Repo

    from agent.delivery.git import STATE_IGNORE

    ignore = repo / ".backend-agent" / ".gitignore"
    ignore.parent.mkdir(parents=True, exist_ok=True)
    if not ignore.exists():
        ignore.write_text(STATE_IGNORE)
    git = Repo.init(repo, initial_branch="main")
    git.git.add("-A")
    author = Actor("backend-agent evals", "evals@backend-agent.invalid")
    git.index.commit(message, author=author, committer=author)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TaskError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise TaskError(f"{path}: not valid TOML: {exc}") from None


def _validated(model: type[BaseModel], path: Path) -> Any:
    try:
        return model.model_validate(_read_toml(path))
    except ValidationError as exc:
        raise TaskError("\n".join(f"{path}: {p}" for p in schema_problems(exc))) from None


def load_task(folder: Path) -> Task:
    """One task folder, checked: its `task.toml`, a backlog source and `hidden/` tests."""
    config: TaskConfig = _validated(TaskConfig, folder / "task.toml")
    if not (folder / "backlog.json").is_file() and not (folder / "openapi.yaml").is_file():
        raise TaskError(f"{folder}: needs backlog.json or openapi.yaml")
    _check_backlog(folder)
    if not any((folder / "hidden").glob("test_*.py")):
        raise TaskError(f"{folder / 'hidden'}: no test_*.py files")
    if config.kind == "feature" and not (folder / "starter").is_dir():
        raise TaskError(f"{folder / 'task.toml'}: kind: 'feature' needs a starter/ folder")
    return Task(path=folder.resolve(), **config.model_dump())


def _check_backlog(folder: Path) -> None:
    """The task's backlog (or OpenAPI document) read as the agent will read it: a task the
    agent would refuse is refused here, each problem after the file's path."""
    source = folder / "backlog.json"
    try:
        if source.is_file():
            load_backlog(source)
        else:
            source = folder / "openapi.yaml"
            import_files(source)
    except BacklogError as exc:
        raise TaskError("\n".join(f"{source}: {p}" for p in exc.problems)) from None


def load_suite_config(path: Path) -> SuiteConfig:
    """The suite's `suite.toml`."""
    config: SuiteConfig = _validated(SuiteConfig, path / "suite.toml")
    return config


def load_suite(path: Path) -> list[Task]:
    """Every task of the suite at `path`, sorted by id; ids must be unique."""
    load_suite_config(path)
    tasks = [load_task(d) for d in sorted(path.iterdir()) if (d / "task.toml").is_file()]
    seen: dict[str, Path] = {}
    for task in tasks:
        if task.id in seen:
            raise TaskError(f"{task.path / 'task.toml'}: id: {task.id!r} also in {seen[task.id]}")
        seen[task.id] = task.path
    if not tasks:
        raise TaskError(f"{path}: no task folders (a folder with task.toml)")
    return sorted(tasks, key=lambda t: t.id)
