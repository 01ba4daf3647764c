"""OpenAPI 3.x documents: generated valid ones (paths, operations, bodies, responses,
components and `$ref`s, tags, security), and the repo's fixtures, then randomly edited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from tests.fuzz.backlogs import edited, json_value

FIXTURES = Path(__file__).parents[1] / "data" / "openapi"
DOCS = [yaml.safe_load(p.read_text()) for p in sorted(FIXTURES.glob("*.yaml"))]

prop_name = st.one_of(
    st.sampled_from(["id", "name", "class", "type", "total", "items", "email", "created_at"]),
    st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True),
)
leaf = st.one_of(
    st.fixed_dictionaries(
        {"type": st.sampled_from(["string", "integer", "number", "boolean"])},
        optional={
            "format": st.sampled_from(["uuid", "date", "date-time", "email", "int64", "binary"]),
            "maxLength": st.integers(1, 200),
            "minimum": st.integers(0, 5),
            "nullable": st.booleans(),
            "example": json_value,
            "enum": st.lists(st.integers(0, 3), min_size=1, max_size=3, unique=True),
            "readOnly": st.booleans(),
            "writeOnly": st.booleans(),
            "x-unique": st.booleans(),
        },
    ),
    st.just({"$ref": "#/components/schemas/Thing"}),
    st.just({"type": ["string", "null"]}),
    st.just({"oneOf": [{"type": "string"}, {"type": "integer"}]}),
)
obj = st.builds(
    lambda props, req: {"type": "object", "properties": props, "required": req[: len(props)]},
    st.dictionaries(prop_name, leaf, max_size=4),
    st.lists(prop_name, max_size=2),
)
body_schema = st.one_of(
    obj,
    st.just({"$ref": "#/components/schemas/Thing"}),
    obj.map(lambda o: {"type": "array", "items": o}),
    st.just(
        {
            "allOf": [
                {"$ref": "#/components/schemas/Thing"},
                {"type": "object", "properties": {"extra": {"type": "string"}}},
            ]
        }
    ),
)


def _content(schema: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    return {media: {"schema": schema}}


operation = st.fixed_dictionaries(
    {
        "responses": st.dictionaries(
            st.sampled_from(["200", "201", "204", "400", "404", "409", "422", "4XX", "default"]),
            st.fixed_dictionaries(
                {"description": st.text(max_size=20)},
                optional={"content": body_schema.map(_content)},
            ),
            min_size=1,
            max_size=3,
        )
    },
    optional={
        "summary": st.text(max_size=30),
        "description": st.text(max_size=60),
        "operationId": st.from_regex(r"[a-z][A-Za-z]{2,10}", fullmatch=True),
        "tags": st.lists(st.sampled_from(["carts", "items", "auth", "misc"]), max_size=1),
        "requestBody": st.fixed_dictionaries(
            {
                "content": st.one_of(
                    body_schema.map(_content),
                    st.just(
                        _content({"type": "string", "format": "binary"}, "application/octet-stream")
                    ),
                )
            },
            optional={"required": st.booleans()},
        ),
        "parameters": st.lists(
            st.fixed_dictionaries(
                {"name": prop_name, "in": st.sampled_from(["query", "header"]), "schema": leaf},
                optional={"required": st.booleans()},
            ),
            max_size=2,
        ),
        "security": st.sampled_from([[], [{"bearer": []}]]),
    },
)
path = st.lists(
    st.one_of(
        st.sampled_from(["carts", "items", "login", "add_to_cart", "v1"]),
        st.just("{id}"),
        st.from_regex(r"[a-z]{2,8}", fullmatch=True),
    ),
    min_size=1,
    max_size=3,
).map(lambda parts: "/" + "/".join(parts))
path_item = st.dictionaries(
    st.sampled_from(["get", "post", "put", "patch", "delete"]), operation, min_size=1, max_size=3
)


@st.composite
def generated(draw: st.DrawFn) -> dict[str, Any]:
    paths = draw(st.dictionaries(path, path_item, min_size=1, max_size=4))
    for where, ops in paths.items():  # a `{id}` in the path is a declared path parameter
        if "{id}" in where:
            for op in ops.values():
                op.setdefault("parameters", []).append(
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                )
    return {
        "openapi": draw(st.sampled_from(["3.0.3", "3.1.0"])),
        "info": {"title": draw(st.text(max_size=20)), "version": "1.0.0"},
        "paths": paths,
        "components": {
            "schemas": {"Thing": draw(obj)},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


document = st.one_of(generated(), edited(DOCS), generated().flatmap(lambda d: edited([d])))
