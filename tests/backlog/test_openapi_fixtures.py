"""Real OpenAPI documents, one hand-written fixture per quirk (tests/data/openapi/): each
imports into a valid backlog, and what the import made of each quirk is pinned here. A
document that still cannot be read is one line naming its JSON pointer, exit 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agent.backlog.loader import parse_backlog
from agent.backlog.schema import ApiRequirement, Backlog
from agent.cli import app
from agent.errors import BacklogError
from agent.importer import import_document, import_files
from agent.spec.schemas import object_fields

DATA = Path(__file__).parent.parent / "data" / "openapi"
FIXTURES = sorted(p for p in DATA.iterdir() if p.suffix in {".yaml", ".yml", ".json"})


def _import(name: str, warnings: list[str] | None = None) -> Backlog:
    doc = DATA / name
    spec = doc.with_suffix(".md")
    return import_files(doc, spec if spec.is_file() else None, warnings)


def _req(backlog: Backlog, key: str) -> ApiRequirement:
    return next(r for i in backlog.backlog_items for r in i.api_requirements if r.key == key)


def _field(schema: dict[str, Any], name: str) -> Any:
    return next(f for f in object_fields(schema) if f.name == name)


def test_the_fixture_folder_holds_every_quirk() -> None:
    """The fixtures this file pins are all there (a renamed one would skip its test)."""
    names = {p.name for p in FIXTURES}
    assert names >= {
        "dates.yaml",
        "nullable_30.yaml",
        "nullable_31.yaml",
        "scalar_responses.yaml",
        "unions.yaml",
        "security.yaml",
        "binary.yaml",
        "ranges.yaml",
        "calculator.yaml",
        "shopping_cart.yaml",
        "login_service.yaml",
        "file_converter.yaml",
    }


@pytest.mark.parametrize("doc", FIXTURES, ids=lambda p: p.name)
def test_every_fixture_imports_into_a_valid_backlog(doc: Path) -> None:
    """Each fixture (with its `.md` text spec beside it, when there is one) imports, and
    the backlog written out reads back through the project's own loader unchanged."""
    backlog = _import(doc.name)
    assert isinstance(backlog, Backlog)
    again = parse_backlog(backlog.model_dump_json(exclude_defaults=True))
    assert again == backlog
    for item in backlog.backlog_items:
        for req in item.api_requirements:
            object_fields(req.request_schema)  # the compiler's reading does not refuse it
            object_fields(req.response_schema)


def test_yaml_dates_in_examples_and_defaults_become_iso_text() -> None:
    """`example: 2024-01-01` unquoted is a date to YAML: it is kept as ISO 8601 text, and a
    datetime default likewise, instead of failing to serialise."""
    body = _req(_import("dates.yaml"), "POST /events").request_schema["properties"]
    assert body["day"]["example"] == "2024-01-01"
    assert body["starts_at"]["default"] == "2024-01-01T09:30:00+00:00"


def test_type_lists_and_the_text_union_are_nullable_types() -> None:
    """OpenAPI 3.1's `type: [string, "null"]` stays a type list; `"string | null"`, as
    some documents write it, becomes the same list; the compiler reads both as a string."""
    req = _req(_import("nullable_31.yaml"), "POST /profiles")
    props = req.request_schema["properties"]
    assert props["nickname"] == {"type": ["string", "null"], "maxLength": 30}
    assert props["bio"] == {"type": ["string", "null"]}
    assert props["age"]["type"] == ["integer", "null"]
    assert _field(req.request_schema, "bio").type == "string"
    assert _field(req.request_schema, "age").type == "integer"


def test_openapi_3_0_nullable_becomes_a_type_list() -> None:
    """3.0's `nullable: true` becomes `[type, "null"]`, also on an `allOf`-wrapped `$ref`
    (the usual way to make a referenced object nullable)."""
    props = _req(_import("nullable_30.yaml"), "POST /profiles").request_schema["properties"]
    assert props["nickname"] == {"type": ["string", "null"]}
    assert props["address"]["type"] == ["object", "null"]
    assert props["address"]["properties"] == {"city": {"type": "string"}}


def test_non_object_response_schemas_are_kept_as_json_schema() -> None:
    """A string, an array of strings and a number as the response are kept as written
    (the `example` is no longer read as a field whose type is 'Login successful'), and the
    compiler's reading finds no fields in them."""
    backlog = _import("scalar_responses.yaml")
    login = _req(backlog, "POST /login").response_schema
    assert login == {"type": "string", "example": "Login successful"}
    tags = _req(backlog, "GET /tags").response_schema
    assert tags == {"type": "array", "example": ["red", "blue"], "items": {"type": "string"}}
    total = _req(backlog, "GET /total").response_schema
    assert total == {"type": "number", "format": "double", "example": 12.5}
    assert object_fields(login) == object_fields(tags) == object_fields(total) == []


def test_unions_are_kept_as_written_and_read_as_untyped_fields() -> None:
    """A `oneOf` of two shapes stays a `oneOf` (each branch's `$ref` resolved); a `oneOf`
    with `null` is a nullable type; the compiler reads a union of objects as a `json`
    field, a union of a string and an integer as exactly those two, and a body that is a
    union as no fields."""
    backlog = _import("unions.yaml")
    body = _req(backlog, "POST /payments").request_schema
    method = body["properties"]["method"]
    assert [sorted(b["properties"]) for b in method["oneOf"]] == [["number"], ["iban"]]
    assert body["properties"]["reference"] == {"oneOf": [{"type": "string"}, {"type": "integer"}]}
    assert body["properties"]["note"] == {"type": ["string", "null"], "maxLength": 100}
    assert _field(body, "method").type == "json"
    reference = _field(body, "reference")
    assert (reference.type, reference.union) == ("any", ["string", "integer"])
    assert _field(body, "note").type == "string"
    refunds = _req(backlog, "POST /refunds").request_schema
    assert [b["required"] for b in refunds["anyOf"]] == [["number"], ["iban"]]
    assert object_fields(refunds) == []


def test_ref_chains_and_all_of_are_resolved() -> None:
    """`NewPayment` -> `PaymentBody` -> `PaymentFields` reads as `PaymentFields`; an
    `allOf` of it and an object with `id` merges both, their `required` lists too."""
    backlog = _import("unions.yaml")
    body = _req(backlog, "POST /payments").request_schema
    assert body["required"] == ["amount", "method"]
    response = _req(backlog, "POST /payments").response_schema
    assert set(response["properties"]) == {"amount", "method", "reference", "note", "id"}
    assert response["required"] == ["amount", "method", "id"]


def test_security_and_auth_endpoints() -> None:
    """Global security requires a token, `security: []` lifts it, `[{}]` among the
    alternatives makes it optional (public); an auth endpoint is always public, with a
    warning when the document (globally or on the operation) asked for a token."""
    warnings: list[str] = []
    backlog = _import("security.yaml", warnings)
    auth = {r.key: r.auth_required for i in backlog.backlog_items for r in i.api_requirements}
    assert auth == {
        "POST /auth/register": False,
        "POST /auth/signup": False,
        "POST /auth/token": False,
        "GET /notes": True,
        "GET /notes/public": False,
        "GET /notes/shared": False,
    }
    assert warnings == [
        "POST /auth/register is under the document's global security; an auth endpoint "
        "cannot need its own token: imported as public",
        "POST /auth/signup declares its own security; an auth endpoint cannot need its own "
        "token: imported as public",
    ]


def test_text_and_binary_bodies_make_actions() -> None:
    """`text/plain`, `application/octet-stream`, a multipart upload and a PDF download are
    `action` endpoints; their schemas say what JSON Schema can (a string, binary bytes, the
    multipart object) and the description names the content types."""
    backlog = _import("binary.yaml")
    echo = _req(backlog, "POST /echo")
    assert echo.kind == "action"
    assert echo.request_schema == {"type": "string", "maxLength": 1000}
    assert echo.response_schema == {"type": "string"}
    assert echo.description == "Echo the text sent (request: text/plain; response: text/plain)"
    blobs = _req(backlog, "PUT /blobs")
    assert blobs.kind == "action"
    assert blobs.request_schema == {"type": "string", "format": "binary"}
    assert blobs.description == "Store raw bytes (request: application/octet-stream)"
    upload = _req(backlog, "POST /upload")
    assert upload.kind == "action"
    assert upload.request_schema["properties"]["file"] == {"type": "string", "format": "binary"}
    assert upload.response_schema["properties"] == {"id": {"type": "string"}}
    assert "(request: multipart/form-data; response: application/json)" in upload.description
    report = _req(backlog, "GET /report")
    assert report.kind == "action"
    assert report.response_schema == {"type": "string", "format": "binary"}
    assert report.description == "Download the report (response: application/pdf)"


def test_response_ranges_and_default() -> None:
    """`2XX` stands for 200 when no 2xx code is declared (its JSON body is the response
    schema); `4XX` is left out beside a declared 400; `5XX` stands for 500; `default` is
    left out. A `+json` media type reads as JSON; unquoted YAML codes are text."""
    req = _req(_import("ranges.yaml"), "POST /pings")
    assert req.responses == {"200": "Pinged", "400": "No message", "500": "Something broke"}
    assert req.response_schema["properties"] == {"pong": {"type": "boolean"}}
    assert req.request_schema["properties"] == {"message": {"type": "string"}}
    assert req.kind is None


def test_the_lowest_2xx_with_a_json_body_is_the_response_schema() -> None:
    """A 200 without a body and a 201 with one: the 201's schema is the response's."""
    doc = {
        "openapi": "3.0.3",
        "paths": {
            "/jobs": {
                "post": {
                    "responses": {
                        "202": {
                            "description": "Queued",
                            "content": {"application/json": {"schema": {"type": "integer"}}},
                        },
                        "201": {
                            "description": "Done",
                            "content": {"application/json": {"schema": {"type": "boolean"}}},
                        },
                        "200": {"description": "Nothing to do"},
                    }
                }
            }
        },
    }
    req = import_document(doc).backlog_items[0].api_requirements[0]
    assert req.response_schema == {"type": "boolean"}
    assert list(req.responses) == ["200", "201", "202"]


def test_calculator_responses_become_criteria() -> None:
    """Each described response is a criterion: `returns 200: ...` for a 2xx, `returns 400
    when: ...` otherwise, in the exact phrasing the compiler reads."""
    (item,) = _import("calculator.yaml").backlog_items
    req = item.api_requirements[0]
    assert req.responses == {"200": "The result of the operation", "400": "Invalid input"}
    assert item.acceptance_criteria == [
        "POST /calculator returns 200: The result of the operation",
        "POST /calculator returns 400 when: Invalid input",
    ]


def test_shopping_cart_criteria_per_endpoint() -> None:
    """The cart service's 404s are criteria of the endpoints that declare them."""
    backlog = _import("shopping_cart.yaml")
    criteria = [c for i in backlog.backlog_items for c in i.acceptance_criteria]
    assert "POST /add_to_cart returns 404 when: Cart not found" in criteria
    assert "POST /retrieve_cart returns 404 when: Cart not found" in criteria
    assert "POST /create_cart returns 201: Cart created successfully" in criteria
    retrieve = _req(backlog, "POST /retrieve_cart")
    assert retrieve.response_schema["properties"]["items"]["type"] == "array"


def test_a_text_spec_criterion_for_a_code_keeps_the_response_criterion_out() -> None:
    """The login service's text spec says what a 400 on register is; the document's own
    400 criterion for `/register` is then not added, its other responses' criteria are."""
    backlog = _import("login_service.yaml")
    (item,) = backlog.backlog_items
    assert item.acceptance_criteria[0] == (
        "Registering an email that is already registered returns 400"
    )
    assert not any(c.startswith("POST /register returns 400") for c in item.acceptance_criteria)
    assert "POST /register returns 201: Successful registration" in item.acceptance_criteria
    assert "POST /login returns 401 when: Unauthorized" in item.acceptance_criteria
    assert not _req(backlog, "POST /login").auth_required


BROKEN = [
    (
        "properties_list.yaml",
        "#/paths/~1things/post/requestBody/content/application~1json/schema/properties: "
        "properties must be an object, got list",
    ),
    ("bad_yaml.yaml", "line 7, column 1: while parsing a flow mapping expected ',' or '}'"),
]


@pytest.mark.parametrize(("name", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_the_cli_names_what_it_cannot_read_in_one_line(name: str, expected: str) -> None:
    """`import-openapi` on a document it cannot read: exit 2, one `error:` line naming the
    spot (a JSON pointer, or the YAML line), no traceback, no backlog written."""
    out = Path("/nonexistent-dir-never-written") / "backlog.json"
    result = CliRunner().invoke(
        app, ["import-openapi", str(DATA / "broken" / name), "-o", str(out)]
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    (line,) = result.output.splitlines()
    assert line.startswith("error: ")
    assert expected in line
    assert not out.exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"responses": ["200"]}, "#/paths/~1a/post/responses: responses must be an object"),
        ({"parameters": {"q": 1}}, "#/paths/~1a/post/parameters: must be a list of parameters"),
        ({"requestBody": "json"}, "#/paths/~1a/post/requestBody: requestBody must be an object"),
        (
            {"requestBody": {"content": {"application/json": {"schema": {"allOf": {}}}}}},
            "#/paths/~1a/post/requestBody/content/application~1json/schema/allOf: must be a list",
        ),
        (
            {"requestBody": {"content": {"application/json": {"schema": {"oneOf": [1]}}}}},
            "#/paths/~1a/post/requestBody/content/application~1json/schema/oneOf/0: a branch "
            "must be an object",
        ),
        ({"security": "bearer"}, "#/paths/~1a/post/security: must be a list"),
    ],
)
def test_a_malformed_operation_is_one_problem_at_its_pointer(
    change: dict[str, Any], expected: str
) -> None:
    """Parts of an operation of the wrong shape are a `BacklogError` naming the pointer of
    the part, never a TypeError or AttributeError from inside the importer."""
    op: dict[str, Any] = {"responses": {"200": {"description": "ok"}}, **change}
    with pytest.raises(BacklogError) as raised:
        import_document({"openapi": "3.0.3", "paths": {"/a": {"post": op}}})
    (problem,) = raised.value.problems
    assert problem.startswith(expected)
