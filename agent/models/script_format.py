"""The file format `scripted:<file>` replays and `--record <file>` writes.

JSON Lines, one step per line (a JSON list of steps, or `{"steps": [...]}`, is read too):

    {"reply": {"content": "...", "tool_calls": [{"id": "c1", "name": "read_file",
               "arguments": {"path": "x.py"}}], "usage": {"input_tokens": 900,
               "output_tokens": 40}, "stop_reason": "tool_use"},
     "expect": {"contains": ["AssertionError"], "tools": ["read_file"]},
     "request": {"tools": ["read_file", "..."], "new_messages": [...]}}

`reply` is what the model answers at that turn (a line with no `reply` key is itself the
reply). `arguments` may be a string: one that is not a JSON object replays as malformed
arguments. Tool call ids may be left out (`call_<turn>_<n>` is used). `expect`, written
by hand, is checked against the request; `request` is what a recording saw, for people.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.errors import ConfigError
from agent.models.base import Message, Reply
from agent.models.tool_args import tool_call

PREVIEW = 2000


class Expectation(BaseModel):
    """Checks a replay makes on the request before answering it."""

    model_config = ConfigDict(extra="forbid")

    contains: list[str] = Field(default_factory=list)
    tools: list[str] | None = None


class Step(BaseModel):
    """One turn of a script: the reply, optional checks, and what a recording saw."""

    reply: Reply
    expect: Expectation = Field(default_factory=Expectation)
    request: dict[str, Any] | None = None


def _reply(raw: dict[str, Any], turn: int) -> Reply:
    given = raw.get("tool_calls") or []
    if not isinstance(given, list) or not all(isinstance(c, dict) for c in given):
        raise ValueError("tool_calls must be a list of objects ({id, name, arguments})")
    calls = [
        tool_call(
            str(c.get("id") or f"call_{turn}_{n}"),
            str(c.get("name", "")),
            c["raw_arguments"] if c.get("raw_arguments") is not None else c.get("arguments"),
        )
        for n, c in enumerate(given, start=1)
    ]
    return Reply.model_validate({**raw, "tool_calls": [c.model_dump() for c in calls]})


def parse_step(raw: object, turn: int) -> Step:
    """One step from its JSON form (bare replies accepted)."""
    if not isinstance(raw, dict):
        raise ValueError("a step must be a JSON object")
    body = raw if "reply" in raw else {"reply": raw}
    if not isinstance(body["reply"], dict):
        raise ValueError("reply must be a JSON object ({content, tool_calls, ...})")
    return Step(
        reply=_reply(dict(body["reply"]), turn),
        expect=Expectation.model_validate(body.get("expect") or {}),
        request=body.get("request"),
    )


def _raw_steps(text: str) -> list[object]:
    try:
        whole = json.loads(text)
    except ValueError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    if isinstance(whole, list):
        return whole
    if isinstance(whole, dict) and isinstance(whole.get("steps"), list):
        return list(whole["steps"])
    return [whole]


def load_script(path: Path) -> list[Step]:
    """Every step of a script file; a broken file is a ConfigError naming the step."""
    try:
        raws = _raw_steps(path.read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"script {path} is unreadable: {exc}") from exc
    steps = []
    for turn, raw in enumerate(raws, start=1):
        try:
            steps.append(parse_step(raw, turn))
        except (ValueError, KeyError, TypeError, AttributeError, ValidationError) as exc:
            raise ConfigError(f"script {path}, step {turn}: {exc}") from exc
    return steps


def recorded_step(new_messages: list[Message], tools: list[str], reply: Reply) -> dict[str, Any]:
    """A step as `--record` writes it: the reply, and a preview of what led to it."""
    seen = [
        {"role": m.role, "content": m.content[:PREVIEW], "tool_call_id": m.tool_call_id}
        for m in new_messages
    ]
    return {
        "reply": reply.model_dump(mode="json"),
        "request": {"tools": tools, "new_messages": seen},
    }
