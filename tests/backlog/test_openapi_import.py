"""The OpenAPI importer: a realistic document with `$ref`s in, a checked backlog out; a
broken one refused with JSON pointers into it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from agent.cli import app
from agent.errors import BacklogError
from agent.importer import import_document, import_files
from agent.spec.compiler import compile_backlog

DOC = """
openapi: 3.0.3
info: {title: Library, version: "1.0"}
servers: [{url: "https://library.example.com/api/v1"}]
security: [{bearer: []}]
tags:
  - {name: Members, description: As a visitor I want an account.}
  - {name: Books, x-priority: 40}
paths:
  /auth/register:
    post:
      tags: [Members]
      security: []
      summary: Create an account
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewMember'}
      responses:
        '201':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Member'}
  /auth/login:
    post:
      tags: [Members]
      security: []
      x-rate-limit: 5/minute
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Credentials'}
      responses:
        '200':
          content:
            application/json:
              schema: {type: object, properties: {access_token: {type: string}}}
  /books:
    post:
      tags: [Books]
      summary: Add a book
      x-rate-limit: {requests: 30, per: minutes}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Book'}
      responses:
        '201':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Book'}
    get:
      tags: [Books]
      parameters:
        - $ref: '#/components/parameters/Genre'
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        '200':
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Book'}}
  /books/{book_id}:
    get:
      tags: [Books]
      responses:
        '200':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Book'}
components:
  parameters:
    Genre: {name: genre, in: query, schema: {$ref: '#/components/schemas/Genre'}}
  schemas:
    Genre: {type: string, enum: [fiction, poetry]}
    Credentials:
      type: object
      required: [email, password]
      properties:
        email: {type: string, format: email}
        password: {type: string, format: password, writeOnly: true}
    NewMember:
      allOf:
        - $ref: '#/components/schemas/Credentials'
        - properties:
            password: {type: string, minLength: 8, writeOnly: true}
            name: {type: string, maxLength: 80}
          required: [name]
    Member:
      type: object
      properties:
        id: {type: string, format: uuid, readOnly: true}
        email: {type: string, format: email}
        password: {type: string, writeOnly: true}
    Book:
      type: object
      required: [isbn, title]
      properties:
        id: {type: string, format: uuid, readOnly: true}
        isbn: {type: string, pattern: '^[0-9-]{10,17}$', x-unique: true}
        title: {type: string, minLength: 1, maxLength: 200}
        genre: {$ref: '#/components/schemas/Genre'}
        subtitle: {type: string, nullable: true}
"""

SPEC = """# Library

## Books

### User story
As a librarian I want to catalogue books
so that members find them.

### Business rules
- A book's ISBN never changes
  once it is catalogued.

### Acceptance criteria
- Adding a book returns 201
- An ISBN that is already catalogued returns 409
"""


def _doc(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(DOC)
    doc.update(changes)
    return doc


def _requirement(backlog: Any, item: int, index: int) -> Any:
    return backlog.backlog_items[item].api_requirements[index]


def test_items_follow_tags_and_endpoints_keep_the_server_path() -> None:
    backlog = import_document(_doc(), SPEC)
    assert [i.id for i in backlog.backlog_items] == ["MEMBERS", "BOOKS"]
    assert [i.priority for i in backlog.backlog_items] == [100, 40]
    keys = [r.key for i in backlog.backlog_items for r in i.api_requirements]
    assert keys == [
        "POST /api/v1/auth/register",
        "POST /api/v1/auth/login",
        "POST /api/v1/books",
        "GET /api/v1/books",
        "GET /api/v1/books/{book_id}",
    ]


def test_refs_all_of_and_read_write_only_are_resolved() -> None:
    backlog = import_document(_doc())
    register = _requirement(backlog, 0, 0)
    assert register.request_schema["required"] == ["email", "password", "name"]
    assert register.request_schema["properties"]["password"]["minLength"] == 8
    assert set(register.response_schema["properties"]) == {"id", "email"}
    add_book = _requirement(backlog, 1, 0)
    assert "id" not in add_book.request_schema["properties"]
    assert add_book.request_schema["properties"]["genre"]["enum"] == ["fiction", "poetry"]
    assert add_book.request_schema["properties"]["subtitle"]["type"] == ["string", "null"]
    assert add_book.request_schema["properties"]["isbn"]["unique"] is True
    assert _requirement(backlog, 1, 1).request_schema["properties"].keys() == {"genre"}


def test_security_and_rate_limits() -> None:
    backlog = import_document(_doc())
    auth = [r.auth_required for i in backlog.backlog_items for r in i.api_requirements]
    assert auth == [False, False, True, True, True]
    assert _requirement(backlog, 0, 1).rate_limit == "5/minute"
    assert _requirement(backlog, 1, 0).rate_limit == "30/minute"


def test_text_spec_fills_the_tags_item() -> None:
    books = import_document(_doc(), SPEC).backlog_items[1]
    assert books.user_story == "As a librarian I want to catalogue books so that members find them."
    assert books.business_logic.rules == ["A book's ISBN never changes once it is catalogued."]
    assert books.acceptance_criteria[1] == "An ISBN that is already catalogued returns 409"


def test_the_backlog_compiles_to_entities_with_a_unique_index() -> None:
    spec = compile_backlog(import_document(_doc(), SPEC))
    book = next(e for e in spec.entities if e.name == "Book")
    assert any(i.unique and i.columns == ["isbn"] for i in book.indexes)
    assert spec.user_entity == "User"


def test_cli_writes_a_valid_backlog(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(DOC)
    (tmp_path / "spec.md").write_text(SPEC)
    out = tmp_path / "backlog.json"
    argv = ["import-openapi", str(tmp_path / "api.yaml"), "--spec", str(tmp_path / "spec.md")]
    result = CliRunner().invoke(app, [*argv, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["backlog_items"][1]["id"] == "BOOKS"
    assert import_files(tmp_path / "api.yaml").backlog_items[0].id == "MEMBERS"


def _problems(doc: Any, spec: str | None = None) -> list[str]:
    with pytest.raises(BacklogError) as raised:
        import_document(doc, spec)
    return raised.value.problems


def test_a_dangling_ref_names_its_pointer() -> None:
    doc = _doc()
    doc["paths"]["/books/{book_id}"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ] = {"$ref": "#/components/schemas/Nope"}
    (problem,) = _problems(doc)
    assert problem == (
        "#/paths/~1books~1{book_id}/get/responses/200/content/application~1json/schema/$ref: "
        "#/components/schemas/Nope points at nothing"
    )


def test_a_bad_rate_limit_names_the_operation() -> None:
    doc = _doc()
    doc["paths"]["/auth/login"]["post"]["x-rate-limit"] = "lots"
    (problem,) = _problems(doc)
    assert problem.startswith("#/paths/~1auth~1login/post (backlog_items[0].api_requirements[1]")
    assert "100/minute" in problem


def test_an_unknown_field_type_names_the_operation() -> None:
    doc = _doc()
    doc["components"]["schemas"]["Book"]["properties"]["cover"] = {"type": "file"}
    problems = _problems(doc)
    assert any(
        p.startswith("#/paths/~1books/post (request schema): properties.cover.type: 'file' is not")
        for p in problems
    ), problems


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"swagger": "2.0", "paths": {"/a": {}}}, "#/openapi: must be an OpenAPI 3.x version"),
        ({"openapi": "3.1.0", "paths": {}}, "#/paths: must be an object with at least one path"),
        ([], "#: an OpenAPI document must be an object"),
    ],
)
def test_not_an_openapi_3_document(doc: Any, expected: str) -> None:
    assert _problems(doc)[0].startswith(expected)


def test_a_text_spec_section_for_an_unknown_tag_becomes_rules_of_the_first_item() -> None:
    """A heading that names no tag is no error: with several items and nothing in the text
    naming one, its entries become rules of the first item, and a warning line says so."""
    warnings: list[str] = []
    spec = "## Loans\n### Acceptance criteria\n- Borrowing returns 201\n"
    members = import_document(_doc(), spec, warnings).backlog_items[0]
    assert "Borrowing returns 201" in members.business_logic.rules
    assert "Borrowing returns 201" not in members.acceptance_criteria
    assert warnings == [
        "text spec line 3 (acceptance criteria), under 'Loans' (no tag of the document): "
        "'Borrowing returns 201' names no endpoint or tag: added to the rules of MEMBERS "
        "(the first of 2 items)"
    ]
