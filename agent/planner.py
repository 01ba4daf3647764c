"""Plan with a model what a backlog item leaves unsaid: its endpoints when it declares
none, its acceptance criteria (and the rules its prose states) when it has no criteria:
a story or a prose spec (imported with `--spec`) becomes endpoints, rules and criteria.

What the item does declare is never replaced: the plan only fills what is empty, and the
rules it adds come beside the item's own. The model answers by calling `submit_plan`; its
arguments are validated by the same pydantic models as a backlog file. An invalid plan
goes back once with the errors, each with its path; a second invalid plan stops the run
with a clear error (resumable). Offline, the item stays as written (its prose rules are
reported not implemented).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, ValidationError

import prompts
from agent.backlog.loader import schema_problems
from agent.backlog.schema import ApiRequirement, BacklogItem
from agent.errors import ModelError
from agent.models.base import ChatModel, Message, ToolCall, ToolSpec
from agent.spec.schemas import object_fields

ATTEMPTS = 2


class Plan(BaseModel):
    """What `submit_plan` takes, in the backlog's own format: the item's endpoints (when it
    declares none), its acceptance criteria (when it has none) and rules its text states."""

    api_requirements: list[ApiRequirement] = Field(default_factory=list)
    acceptance_criteria: list[str] = Field(default_factory=list)
    rules: list[str] = Field(default_factory=list)


def needs_plan(item: BacklogItem) -> bool:
    """An item with no endpoints or no acceptance criteria: a model fills them in."""
    return not item.api_requirements or not item.acceptance_criteria


SUBMIT = ToolSpec(
    name="submit_plan",
    description="Submit the endpoints of the backlog item (once).",
    parameters=Plan.model_json_schema(),
)


def _problems(
    call: ToolCall | None, taken: set[str], item: BacklogItem
) -> tuple[Plan | None, list[str]]:
    if call is None or call.name != "submit_plan":
        return None, ["no submit_plan call: answer by calling submit_plan"]
    if call.raw_arguments is not None:
        return None, [f"arguments are not a JSON object: {call.raw_arguments[:200]!r}"]
    try:
        plan = Plan.model_validate(call.arguments)
    except ValidationError as exc:
        return None, schema_problems(exc)
    problems = [
        f"api_requirements[{i}]: {r.key} is already declared by another item"
        for i, r in enumerate(plan.api_requirements)
        if r.key in taken
    ]
    for i, req in enumerate(plan.api_requirements):
        for key in ("request_schema", "response_schema"):
            try:
                object_fields(getattr(req, key))
            except ValueError as exc:
                problems.append(f"api_requirements[{i}].{key}: {exc}")
    if not item.api_requirements and not plan.api_requirements:
        problems.append("api_requirements: the item declares none: plan at least one endpoint")
    if item.api_requirements and plan.api_requirements:
        problems.append("api_requirements: the item declares its endpoints: leave this empty")
    if not item.acceptance_criteria and not plan.acceptance_criteria:
        problems.append("acceptance_criteria: the item has none: write at least one")
    problems += [
        f"acceptance_criteria[{i}]: empty"
        for i, text in enumerate(plan.acceptance_criteria)
        if not text.strip()
    ]
    return (None, problems) if problems else (plan, [])


def plan_item(model: ChatModel, item: BacklogItem, taken: set[str]) -> Plan:
    """What the model plans for `item`; `taken` are routes other items declare."""
    messages = [
        Message(role="system", content=prompts.render("system")),
        Message(role="user", content=prompts.render("plan", item=item, taken=sorted(taken))),
    ]
    problems: list[str] = []
    for _ in range(ATTEMPTS):
        reply = model.complete(messages, [SUBMIT])
        call = reply.tool_calls[0] if reply.tool_calls else None
        plan, problems = _problems(call, taken, item)
        if plan is not None:
            return plan
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


def with_plans(raw: dict[str, Any], planned: dict[str, Plan]) -> dict[str, Any]:
    """The backlog document with what was planned filled in (never replacing what the
    item declares; planned rules beside its own)."""
    for item in raw["backlog_items"]:
        plan = planned.get(item["id"])
        if plan is None:
            continue
        if not item.get("api_requirements"):
            item["api_requirements"] = [
                r.model_dump(exclude_none=True) for r in plan.api_requirements
            ]
        if not item.get("acceptance_criteria"):
            item["acceptance_criteria"] = list(plan.acceptance_criteria)
        if plan.rules:
            logic = item.setdefault("business_logic", {})
            logic["rules"] = [*logic.get("rules", []), *plan.rules]
    return raw
