"""What every tool shares: the definition the model sees, the result it gets back, the error.

`tools` depends on `sandbox` and the standard library (plus pydantic) only; the agent
adapts `ToolDefinition` to its own `ToolSpec` (same three fields).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

Args = TypeVar("Args", bound=BaseModel)


class ToolError(Exception):
    """A tool refused, or failed in a way the model can fix; it becomes an error result."""


class ToolDefinition(BaseModel):
    """A tool as the model sees it: name, what it is for, JSON schema of its arguments."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class ToolResult:
    """What the model reads back; `is_error` marks a refusal or broken arguments."""

    output: str
    is_error: bool = False


def _without_titles(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _without_titles(v) for k, v in schema.items() if k != "title"}
    if isinstance(schema, list):
        return [_without_titles(v) for v in schema]
    return schema


@dataclass(frozen=True)
class Tool(Generic[Args]):
    """One tool: its arguments model (validated before `run`) and what it does."""

    name: str
    description: str
    args: type[Args]
    run: Callable[[Args], str]

    def definition(self) -> ToolDefinition:
        """The definition with a compact schema (pydantic's titles dropped)."""
        schema = _without_titles(self.args.model_json_schema())
        return ToolDefinition(name=self.name, description=self.description, parameters=schema)
