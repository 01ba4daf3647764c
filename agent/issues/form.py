"""An issue form's sections -> one backlog item (Input Schema shape), and what was unreadable.

The headings are those of `.github/ISSUE_TEMPLATE/backend-agent.yml`; they are matched by
`text.heading_key` (case and punctuation do not matter). Unknown sections are ignored.
"""

from __future__ import annotations

import re
from typing import Any

from agent.issues.text import list_lines

ITEM = "backlog_items[0]"
FORM_KEYS = frozenset({"user story", "endpoints"})  # either makes a body a form
DEFAULT_PRIORITY = 50
# `METHOD /path`, maybe in a list item or backticks, maybe a description after -, :, or a dash.
_ENDPOINT = re.compile(
    r"^\s*(?:[-*+]\s+)?`?([A-Za-z]+)\s+(/\S*?)`?(?:\s+(?:[-:\u2013\u2014]\s*)?(.*))?$"
)


def is_form(found: dict[str, str]) -> bool:
    """Whether the sections are (at least partly) our issue form."""
    return bool(FORM_KEYS & found.keys())


def form_item(found: dict[str, str], default_id: str) -> tuple[dict[str, Any], list[str]]:
    """The item the form describes, and one `path: problem` line per unreadable value."""
    endpoints, problems = _endpoints(found.get("endpoints", ""))
    if _auth(found.get("authentication", "")):
        for endpoint in endpoints:
            endpoint["auth_required"] = True
    item: dict[str, Any] = {
        "id": found.get("item id") or default_id,
        "user_story": found.get("user story", ""),
        "api_requirements": endpoints,
        "business_logic": {"rules": list_lines(found.get("business logic", ""))},
        "data_requirements": {"entities": list_lines(found.get("entities", ""))},
        "acceptance_criteria": list_lines(found.get("acceptance criteria", "")),
    }
    priority, problem = _priority(found.get("priority", ""))
    item["priority"] = priority
    return item, problems + ([problem] if problem else [])


def _endpoints(value: str) -> tuple[list[dict[str, Any]], list[str]]:
    """`METHOD /path` lines (a description may follow after ` - `)."""
    endpoints: list[dict[str, Any]] = []
    problems = []
    lines = [line for line in value.splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        match = _ENDPOINT.match(line)
        if match is None:
            problems.append(
                f"{ITEM}.api_requirements[{number - 1}]: line {number} of Endpoints "
                f"({line.strip()!r}) does not read `METHOD /path`"
            )
            continue
        method, path, description = match.groups()
        endpoint = {"method": method.upper(), "endpoint": path}
        endpoints.append(endpoint | ({"description": description} if description else {}))
    return endpoints, problems


def _auth(value: str) -> bool:
    """The Authentication dropdown: anything naming JWT or `required` means every endpoint."""
    lowered = value.lower()
    return "jwt" in lowered or "required" in lowered


def _priority(value: str) -> tuple[int, str | None]:
    text = value.strip()
    if not text:
        return DEFAULT_PRIORITY, None
    if text.isdigit():
        return int(text), None
    return DEFAULT_PRIORITY, f"{ITEM}.priority: {text!r} is not a whole number from 1 to 100"
