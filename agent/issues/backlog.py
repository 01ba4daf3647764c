"""A GitHub issue -> a validated backlog document (the Input Schema), or every problem.

The body is read, after its HTML comments are removed, in this order:
1. a fenced ```json block holding one backlog item or a whole backlog;
2. our issue form's sections (`### User story`, `### Endpoints`, ...);
3. with a model (`planning=True`), the title and text as the user story of one item with
   no endpoints, which the run's plan node gives to the model to plan.
Without a model every item must declare its endpoints: the offline spec compiler builds
exactly the api_requirements, so an item without any would do nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from agent.backlog.loader import parse_backlog
from agent.errors import BacklogError
from agent.issues.form import DEFAULT_PRIORITY, form_item, is_form
from agent.issues.text import fenced_json, sections, strip_hidden


@dataclass(frozen=True)
class Issue:
    """What the backlog is made from: the issue's number, title and body as GitHub has them."""

    number: int
    title: str
    body: str

    @property
    def default_id(self) -> str:
        return f"issue-{self.number}"


def issue_backlog(issue: Issue, *, planning: bool) -> dict[str, Any]:
    """The backlog the issue asks for, checked by the backlog models; `BacklogError` with one
    `json.path: problem` line each when it cannot be made into a valid one."""
    body = strip_hidden(issue.body)
    document, problems = _document(issue, body, planning)
    try:
        backlog = parse_backlog(json.dumps(document))
    except BacklogError as exc:
        raise BacklogError(problems + exc.problems) from None
    if not planning:
        problems += [
            f"backlog_items[{i}].api_requirements: no endpoints, and no model to plan them "
            "(list them, one `METHOD /path` per line, or run serve with --model)"
            for i, item in enumerate(backlog.backlog_items)
            if not item.api_requirements
        ]
    if problems:
        raise BacklogError(problems)
    return backlog.model_dump(mode="json", exclude_none=True)


def _document(issue: Issue, body: str, planning: bool) -> tuple[Any, list[str]]:
    """The raw backlog document and the problems found while reading it."""
    block = fenced_json(body)
    if block is not None:
        return _from_json(block, issue), []
    found = sections(body)
    if is_form(found):
        item, problems = form_item(found, issue.default_id)
        return {"backlog_items": [item]}, problems
    if planning:
        story = f"{issue.title.strip()}\n\n{body.strip()}".strip()
        item = {"id": issue.default_id, "user_story": story, "priority": DEFAULT_PRIORITY}
        return {"backlog_items": [item]}, []
    raise BacklogError(
        [
            "$: the issue has no ```json block and no issue form sections (### User story, "
            "### Endpoints); free text needs a model to plan it (serve --model)"
        ]
    )


def _from_json(block: str, issue: Issue) -> Any:
    """A whole backlog as it is; one item (it has `user_story`) wrapped, its id defaulted."""
    try:
        value = json.loads(block)
    except json.JSONDecodeError as exc:
        raise BacklogError(
            [f"$: the ```json block is not valid JSON: {exc.msg} (line {exc.lineno}, "
             f"column {exc.colno})"]
        ) from None  # fmt: skip
    if isinstance(value, dict) and "backlog_items" not in value:
        value.setdefault("id", issue.default_id)
        return {"backlog_items": [value]}
    return value
