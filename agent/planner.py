"""Plan endpoints with a model, for backlog items that declare none.

The model answers by calling `submit_plan`; its arguments are validated by the same
pydantic models as a backlog file. An invalid plan goes back once with the errors, each
with its path; a second invalid plan stops the run with a clear error (resumable).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, ValidationError

import prompts
from agent.backlog.loader import schema_problems
from agent.backlog.schema import ApiRequirement, BacklogItem
from agent.errors import ModelError
from agent.models.base import ChatModel, Message, ToolCall, ToolSpec

ATTEMPTS = 2


class Plan(BaseModel):
    """What `submit_plan` takes: the item's endpoints, in the backlog's own format."""

    api_requirements: list[ApiRequirement] = Field(min_length=1)


SUBMIT = ToolSpec(
    name="submit_plan",
    description="Submit the endpoints of the backlog item (once).",
    parameters=Plan.model_json_schema(),
)


def _problems(call: ToolCall | None, taken: set[str]) -> tuple[Plan | None, list[str]]:
    if call is None or call.name != "submit_plan":
        return None, ["no submit_plan call: answer by calling submit_plan"]
    if call.raw_arguments is not None:
        return None, [f"arguments are not a JSON object: {call.raw_arguments[:200]!r}"]
    try:
        plan = Plan.model_validate(call.arguments)
    except ValidationError as exc:
        return None, schema_problems(exc)
    clashes = [
        f"api_requirements[{i}]: {r.key} is already declared by another item"
        for i, r in enumerate(plan.api_requirements)
        if r.key in taken
    ]
    return (None, clashes) if clashes else (plan, [])


def plan_item(model: ChatModel, item: BacklogItem, taken: set[str]) -> list[ApiRequirement]:
    """The endpoints the model plans for `item`; `taken` are routes other items declare."""
    messages = [
        Message(role="system", content=prompts.render("system")),
        Message(role="user", content=prompts.render("plan", item=item, taken=sorted(taken))),
    ]
    problems: list[str] = []
    for _ in range(ATTEMPTS):
        reply = model.complete(messages, [SUBMIT])
        call = reply.tool_calls[0] if reply.tool_calls else None
        plan, problems = _problems(call, taken)
        if plan is not None:
            return plan.api_requirements
        messages.append(
            Message(role="assistant", content=reply.content, tool_calls=reply.tool_calls)
        )
        feedback = "The plan is invalid:\n" + "\n".join(f"- {p}" for p in problems)
        messages += _answers(reply.tool_calls, feedback)
    raise ModelError(
        f"the model's plan for item {item.id} is invalid after {ATTEMPTS} "
        "attempts:\n" + "\n".join(problems)
    )


def _answers(calls: list[ToolCall], feedback: str) -> list[Message]:
    if not calls:
        return [Message(role="user", content=feedback)]
    return [Message(role="tool", tool_call_id=c.id, content=feedback, is_error=True) for c in calls]


def with_plans(raw: dict[str, Any], planned: dict[str, list[ApiRequirement]]) -> dict[str, Any]:
    """The backlog document with the planned endpoints filled in."""
    for item in raw["backlog_items"]:
        if item["id"] in planned:
            item["api_requirements"] = [
                r.model_dump(exclude_none=True) for r in planned[item["id"]]
            ]
    return raw
