"""The OpenAPI door: any document (generated, or a fixture with random edits, read from a
YAML file as a user gives it) imports into a backlog `validate` accepts, or is refused with
one line per problem, each naming its JSON pointer (`#/paths/...`). Never a traceback."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import event, example, given

from agent.backlog.loader import parse_backlog
from agent.errors import BacklogError
from agent.importer import import_files
from tests.fuzz.openapi_docs import document

POINTER = re.compile(r"^#(/.*)?: \S", re.DOTALL)


def imported_or_refused(doc: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "api.yaml"
        source.write_text(yaml.safe_dump(doc, allow_unicode=True))
        try:
            backlog = import_files(source)
        except BacklogError as exc:
            event("refused")
            assert exc.problems
            for line in exc.problems:
                assert POINTER.match(line), f"a problem without its pointer: {line!r}"
            return
    event("imported")
    parse_backlog(backlog.model_dump_json(exclude_defaults=True))  # validate takes it


def _doc(paths: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}


ONE_OF_TYPE_LIST = _doc({"/x": {"post": {
    "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
        "v": {"oneOf": [{"type": ["string", "null"]}, {"type": "integer"}]}}}}}},
    "responses": {"201": {"description": "made"}}}}})  # fmt: skip
CONTROL_POINTER = _doc({"/x": {"get": {"responses": {"\x12] Q\x00": 1.5}}}})


@given(document)
@example(ONE_OF_TYPE_LIST)  # found by the long run: TypeError (a type list in a union branch)
@example(CONTROL_POINTER)  # found by the long run: a pointer holding control characters
def test_any_document_imports_or_is_refused_with_pointers(doc: Any) -> None:
    """Imported into a valid backlog, or refused naming a `#/...` pointer per problem."""
    imported_or_refused(doc)


def test_an_unquoted_date_in_an_example_imports(tmp_path: Path) -> None:
    """Issue 16's second input: `example: 2024-01-01` unquoted (a YAML date) used to die
    with `TypeError: Object of type date is not JSON serializable`; now it imports."""
    source = tmp_path / "api.yaml"
    source.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /events:\n    post:\n"
        "      requestBody:\n        content:\n          application/json:\n            schema:\n"
        "              type: object\n              properties:\n                day:\n"
        "                  type: string\n                  format: date\n"
        "                  example: 2024-01-01\n"
        "      responses:\n        '201': {description: created}\n"
    )
    backlog = import_files(source)
    [item] = backlog.backlog_items
    schema = item.api_requirements[0].request_schema
    assert json.dumps(schema)  # JSON can hold it
    assert schema["properties"]["day"]["example"] == "2024-01-01"
