"""The dispatcher turns every broken call into an error result the model can fix."""

from __future__ import annotations

import json

import pytest

from tools.toolbox import Toolbox
from tools.trim import trim


@pytest.mark.parametrize(
    ("name", "arguments", "expected"),
    [
        ("read_file", '{"path": "app/pricing.py"', "not valid JSON"),
        ("read_file", '["app/pricing.py"]', "must be a JSON object, not list"),
        ("read_file", {}, "- path: Field required"),
        ("read_file", {"path": "app/pricing.py", "start_line": "two"}, "- start_line:"),
        ("read_file", {"path": "x", "lines": 3}, "- lines: Extra inputs are not permitted"),
        ("delete_everything", {}, "unknown tool 'delete_everything'"),
    ],
)
def test_broken_calls_become_error_results(toolbox, name, arguments, expected):
    """Unparseable JSON, non-objects, missing or mistyped or unknown fields, unknown tools."""
    result = toolbox.call(name, arguments)
    assert result.is_error
    assert expected in result.output


def test_raw_json_strings_are_accepted(toolbox):
    """Arguments given as a JSON string (what providers hand over) work like a dict."""
    result = toolbox.call("read_file", json.dumps({"path": "app/__init__.py"}))
    assert not result.is_error and "empty file" in result.output


def test_definitions_offer_compact_schemas(toolbox):
    """Each tool has a description and an object schema without pydantic's titles."""
    definitions = {d.name: d for d in toolbox.definitions()}
    assert list(definitions) == [
        "list_files",
        "read_file",
        "search",
        "write_file",
        "edit_file",
        "run_tests",
        "run_lint",
        "show_evidence",
        "finish",
    ]  # http_request and make_migration only where the service has a database
    edit = definitions["edit_file"].parameters
    assert edit["type"] == "object" and edit["additionalProperties"] is False
    assert edit["required"] == ["path", "old_text", "new_text"]
    assert "title" not in json.dumps(edit)


def test_only_offers_a_subset(sandbox):
    """A toolbox limited to read tools neither offers nor runs the others."""
    box = Toolbox(sandbox, only=["read_file", "search"])
    assert [d.name for d in box.definitions()] == ["read_file", "search"]
    assert box.call("write_file", {"path": "a", "content": ""}).is_error


def test_finish_records_the_claims(toolbox):
    """finish stores the summary and the rules claimed done and not done."""
    result = toolbox.call(
        "finish",
        {"summary": "Added the discount.", "implemented": ["AC-1"], "not_implemented": ["AC-2"]},
    )
    assert result.output == "finish recorded: 1 implemented, 1 not implemented"
    assert toolbox.finished is not None and toolbox.finished.not_implemented == ["AC-2"]


def test_trim_keeps_short_text_and_cuts_long_text():
    """Under the limit nothing changes; over it, the marker says how much was cut."""
    assert trim("short", 10) == "short"
    cut = trim("a" * 500 + "b" * 500, 200)
    assert len(cut) <= 200 and cut.startswith("a") and cut.endswith("b")
    assert "characters cut" in cut
