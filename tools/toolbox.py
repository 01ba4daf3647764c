"""The dispatcher: a tool name and arguments in, a trimmed result string and an error flag out.

Whatever the model sends (an unknown tool, arguments that are not JSON, a wrong type, a
missing field, a path outside the workspace), `Toolbox.call` answers with an error result
the model can act on; it never raises for the model's mistakes. A broken sandbox
(`SandboxError`) is not the model's to fix, and propagates.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import Any

from pydantic import BaseModel, ValidationError

from sandbox.base import Sandbox
from tools import checks, edit, files, search, service
from tools.base import Tool, ToolDefinition, ToolError, ToolResult
from tools.evidence import ShowEvidenceArgs, show_evidence
from tools.finish import FinishArgs, finish_message
from tools.trim import trim
from tools.workspace import Workspace

RESULT_CHARS = 12_000

DESCRIPTIONS = {
    "list_files": "List the files under a folder of the workspace (caches and .git skipped).",
    "read_file": "Read a text file with numbered lines; pass start_line/end_line for a range.",
    "search": "Find a substring (or a regex) in the workspace's files; answers path:line: text.",
    "write_file": "Create a file, or replace one entirely, with the given content.",
    "edit_file": "Replace old_text (exact, whitespace included, must match once) by new_text.",
    "run_tests": "Run pytest in the sandbox, on everything or on chosen files / node ids.",
    "run_lint": "Run ruff check and ruff format --check in the sandbox (fix=true applies fixes).",
    "finish": "Say you are done: a summary and the rules you implemented and did not.",
    "http_request": "Send one request to the service on the current code (in the sandbox, "
    "its own database kept for this session): the status, headers and body, and the "
    "service's log on a 5xx.",
    "make_migration": "Make a new Alembic migration from the ORM models (autogenerate, "
    "against a database at head) and show it for review.",
    "show_evidence": "Show one failure of the last verify whole: its gate, the expectation "
    "and its source in the backlog, the request and the response.",
}


def _problems(error: ValidationError) -> str:
    lines = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "arguments"
        lines.append(f"- {where}: {problem['msg']}")
    return "\n".join(lines)


def _arguments(raw: Mapping[str, Any] | str | None) -> dict[str, Any]:
    if raw is None:
        return {}
    if isinstance(raw, str):
        if not raw.strip():
            return {}
        try:
            value = json.loads(raw)
        except ValueError as exc:
            raise ToolError(f"the arguments are not valid JSON ({exc}): {raw[:200]!r}") from exc
        raw = value
    if not isinstance(raw, Mapping):
        raise ToolError(f"the arguments must be a JSON object, not {type(raw).__name__}")
    return dict(raw)


class Toolbox:
    """The tools bound to one sandbox's workspace. `finished` holds the model's finish call."""

    def __init__(
        self,
        sandbox: Sandbox,
        *,
        result_chars: int = RESULT_CHARS,
        test_timeout_s: float = 600.0,
        lint_timeout_s: float = 120.0,
        only: Iterable[str] | None = None,
        test_env: Mapping[str, str] | None = None,
        service_db: service.Database | None = None,
        evidence: Sequence[str] | None = None,
    ) -> None:
        ws = Workspace(sandbox.workspace)
        self.result_chars = result_chars
        self.finished: FinishArgs | None = None
        every: list[Tool[Any]] = [
            self._tool("list_files", files.ListFilesArgs, partial(files.list_files, ws)),
            self._tool("read_file", files.ReadFileArgs, partial(files.read_file, ws)),
            self._tool("search", search.SearchArgs, partial(search.search, ws)),
            self._tool("write_file", files.WriteFileArgs, partial(files.write_file, ws)),
            self._tool("edit_file", edit.EditFileArgs, partial(edit.edit_file, ws)),
            self._tool(
                "run_tests",
                checks.RunTestsArgs,
                partial(checks.run_tests, ws, sandbox, test_timeout_s, env=test_env),
            ),
            self._tool(
                "run_lint",
                checks.RunLintArgs,
                partial(checks.run_lint, ws, sandbox, lint_timeout_s),
            ),
            self._tool("show_evidence", ShowEvidenceArgs, partial(show_evidence, evidence)),
            self._tool("finish", FinishArgs, self._finish),
        ]
        if service_db is not None:  # the service can run: a database is there for it
            every[-1:-1] = [
                self._tool(
                    "http_request",
                    service.HttpRequestArgs,
                    partial(service.http_request, sandbox, lint_timeout_s, service_db, {}),
                ),
                self._tool(
                    "make_migration",
                    service.MakeMigrationArgs,
                    partial(service.make_migration, ws, sandbox, lint_timeout_s, service_db),
                ),
            ]
        wanted = set(only) if only is not None else None
        self._tools = {t.name: t for t in every if wanted is None or t.name in wanted}

    @staticmethod
    def _tool(name: str, args: type[BaseModel], run: Callable[[Any], str]) -> Tool[Any]:
        return Tool(name=name, description=DESCRIPTIONS[name], args=args, run=run)

    def _finish(self, args: FinishArgs) -> str:
        self.finished = args
        return finish_message(args)

    def definitions(self) -> list[ToolDefinition]:
        """What the model is offered: name, description and JSON schema of each tool."""
        return [tool.definition() for tool in self._tools.values()]

    def call(self, name: str, arguments: Mapping[str, Any] | str | None) -> ToolResult:
        """Run one tool call; every mistake of the model comes back as an error result."""
        tool = self._tools.get(name)
        if tool is None:
            offered = ", ".join(self._tools)
            return ToolResult(f"unknown tool {name!r}; the tools are: {offered}", is_error=True)
        try:
            args = tool.args.model_validate(_arguments(arguments))
            output = tool.run(args)
        except ValidationError as exc:
            schema = json.dumps(tool.definition().parameters)
            message = f"{name}: the arguments do not fit its schema:\n{_problems(exc)}\n{schema}"
            return self._result(message, is_error=True)
        except ToolError as exc:
            return self._result(f"{name}: {exc}", is_error=True)
        except (OSError, UnicodeError) as exc:
            return self._result(f"{name} failed: {type(exc).__name__}: {exc}", is_error=True)
        return self._result(output, is_error=False)

    def _result(self, text: str, *, is_error: bool) -> ToolResult:
        return ToolResult(trim(text, self.result_chars), is_error=is_error)
