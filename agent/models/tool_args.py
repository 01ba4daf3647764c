"""Turning what a model sent as tool arguments into a `ToolCall`, whatever it sent.

Models sometimes send arguments that are not JSON, or JSON that is not an object. That is
the model's mistake to fix, so it never raises: the call keeps `arguments={}` and the raw
text, and the tool layer answers with an error the model can read.
"""

from __future__ import annotations

import json
from typing import Any

from agent.models.base import ToolCall


def parse_arguments(raw: str | None) -> tuple[dict[str, Any], str | None]:
    """Parsed object and None, or `{}` and the raw text when it is not a JSON object."""
    if raw is None or raw.strip() == "":
        return {}, None
    try:
        value = json.loads(raw)
    except ValueError:
        return {}, raw
    if not isinstance(value, dict):
        return {}, raw
    return value, None


def tool_call(call_id: str, name: str, arguments: object) -> ToolCall:
    """A ToolCall from arguments given as a JSON string, an object, or anything else."""
    if isinstance(arguments, str) or arguments is None:
        parsed, raw = parse_arguments(arguments)
        return ToolCall(id=call_id, name=name, arguments=parsed, raw_arguments=raw)
    if isinstance(arguments, dict):
        return ToolCall(id=call_id, name=name, arguments=arguments)
    return ToolCall(id=call_id, name=name, raw_arguments=json.dumps(arguments, default=str))


def arguments_text(call: ToolCall) -> str:
    """The arguments as the model sent them: raw text when unparseable, else JSON."""
    if call.raw_arguments is not None:
        return call.raw_arguments
    return json.dumps(call.arguments)
