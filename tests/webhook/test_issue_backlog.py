"""The issue parser shared by the webhook service and the Actions workflow: a ```json block,
the issue form, free text with a model; HTML comments removed first; every problem with
its JSON path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from agent.errors import BacklogError
from agent.issues import Issue, issue_backlog, strip_hidden
from agent.issues.text import heading_key, sections
from tests.webhook.conftest import FORM_BODY

ROOT = Path(__file__).parents[2]
TEMPLATE = ROOT / ".github" / "ISSUE_TEMPLATE" / "backend-agent.yml"


def _problems(body: str, *, planning: bool = False) -> list[str]:
    with pytest.raises(BacklogError) as caught:
        issue_backlog(Issue(7, "Title", body), planning=planning)
    return caught.value.problems


def test_form_becomes_one_item() -> None:
    """Our form's sections fill the item: endpoints with descriptions, criteria, rules,
    entities and priority; the id defaults to issue-<number>."""
    backlog = issue_backlog(Issue(7, "Task list", FORM_BODY), planning=False)
    [item] = backlog["backlog_items"]
    assert item["id"] == "issue-7"
    assert item["priority"] == 10
    assert item["api_requirements"][0] | {} == {
        "method": "POST",
        "endpoint": "/tasks",
        "description": "Create a task",
        "request_schema": {},
        "response_schema": {},
        "auth_required": False,
        "responses": {},
    }
    assert item["acceptance_criteria"] == [
        "Creating a task returns 201 with its id",
        "Reading a missing task returns 404",
    ]
    assert item["business_logic"]["rules"] == ["A task title is at most 200 characters"]
    assert item["data_requirements"]["entities"] == ["Task"]


def test_form_as_github_renders_it() -> None:
    """GitHub's rendering: `_No response_` for empty fields, a `render: text` field in a
    fence, the dropdown's option, checkbox-style criteria; JWT applies to every endpoint."""
    body = (
        "### Item id\n\nTASKS-1\n\n### User story\n\nAs a lead I want tasks.\n\n"
        "### Endpoints\n\n```text\nPOST /tasks\nDELETE /tasks/{id} - Remove one\n```\n\n"
        "### Authentication\n\nJWT required on every endpoint\n\n"
        "### Acceptance criteria\n\n- [ ] Deleting twice returns 404\n\n"
        "### Business logic\n\n_No response_\n\n### Priority\n\n_No response_\n"
    )
    [item] = issue_backlog(Issue(3, "t", body), planning=False)["backlog_items"]
    assert item["id"] == "TASKS-1"
    assert [(r["method"], r["auth_required"]) for r in item["api_requirements"]] == [
        ("POST", True),
        ("DELETE", True),
    ]
    assert item["acceptance_criteria"] == ["Deleting twice returns 404"]
    assert item["business_logic"]["rules"] == []
    assert item["priority"] == 50


def test_form_problems_carry_json_paths() -> None:
    """An unreadable endpoint line, a bad method and a priority out of range: each named
    with its path in the backlog built from the issue."""
    body = (
        "### User story\n\nTasks\n\n### Endpoints\n\nPOST /tasks\nlist all tasks\n"
        "FETCH /tasks/{id}\n\n### Priority\n\nurgent\n"
    )
    problems = _problems(body)
    assert problems[0].startswith("backlog_items[0].api_requirements[1]: line 2 of Endpoints")
    assert "backlog_items[0].priority: 'urgent' is not a whole number" in problems[1]
    assert any(p.startswith("backlog_items[0].api_requirements[1].method") for p in problems)


def test_json_item_and_whole_backlog() -> None:
    """A ```json block holding an item (id defaulted) or a whole backlog (kept as written)."""
    item = {"user_story": "Books", "priority": 5, "api_requirements": [
        {"method": "get", "endpoint": "/books"}]}  # fmt: skip
    one = issue_backlog(Issue(9, "t", f"Please:\n```json\n{json.dumps(item)}\n```"), planning=False)
    assert one["backlog_items"][0]["id"] == "issue-9"
    assert one["backlog_items"][0]["api_requirements"][0]["method"] == "GET"
    whole = {"backlog_items": [item | {"id": "B-1"}], "deployment_target": "staging"}
    many = issue_backlog(Issue(9, "t", f"```json\n{json.dumps(whole)}\n```"), planning=False)
    assert many["deployment_target"] == "staging"
    assert many["backlog_items"][0]["id"] == "B-1"


def test_json_problems() -> None:
    """Invalid JSON, and a schema violation (unknown field), each with a path."""
    assert _problems('```json\n{"user_story": \n```')[0].startswith(
        "$: the ```json block is not valid JSON"
    )
    problems = _problems('```json\n{"user_story": "x", "priority": 1, "colour": "red"}\n```')
    assert "backlog_items[0].colour: unknown field" in problems


def test_free_text_needs_a_model() -> None:
    """Free text is one item with no endpoints when a model will plan it; offline it is
    refused with what to do instead. Endpoints missing offline are refused in forms too."""
    [item] = issue_backlog(Issue(4, "Bookshop", "Books and authors."), planning=True)[
        "backlog_items"
    ]
    assert item["api_requirements"] == []
    assert item["user_story"] == "Bookshop\n\nBooks and authors."
    assert "free text needs a model" in _problems("Books and authors.")[0]
    assert "no endpoints, and no model" in _problems("### User story\n\nBooks\n")[0]


def test_html_comments_are_removed_before_reading() -> None:
    """Comments vanish wherever they are, an unclosed one hides the rest (as GitHub shows
    it), and a ```json block inside a comment is never read."""
    assert strip_hidden("a<!-- x -->b<!--\nmulti\nline-->c<!-- open") == "abc"
    body = '<!--\n```json\n{"user_story": "hidden", "priority": 1}\n```\n-->\n' + FORM_BODY
    [item] = issue_backlog(Issue(7, "t", body), planning=False)["backlog_items"]
    assert "hidden" not in json.dumps(item)


def test_issue_template_labels_are_the_parsers_headings() -> None:
    """Every field of the shipped issue form is a section the parser reads, and a body
    rendered from the form's placeholders is a valid item."""
    form = yaml.safe_load(TEMPLATE.read_text())
    fields = [f for f in form["body"] if f["type"] != "markdown"]
    known = {"item id", "user story", "endpoints", "authentication", "acceptance criteria",
             "business logic", "entities", "priority"}  # fmt: skip
    assert {heading_key(f["attributes"]["label"]) for f in fields} == known
    rendered = "\n\n".join(
        f"### {f['attributes']['label']}\n\n"
        + str(f["attributes"].get("placeholder") or f["attributes"].get("options", ["x"])[0])
        for f in fields
    )
    assert set(sections(rendered)) == known
    [item] = issue_backlog(Issue(1, "t", rendered), planning=False)["backlog_items"]
    assert item["id"] == "TASKS-1"
    assert len(item["api_requirements"]) == 2
