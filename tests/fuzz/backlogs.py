"""Backlogs as people write them, right and wrong: hypothesis strategies.

Two sources: backlogs built from the Input Schema's parts (names people choose, the two
schema spellings, type words with and without constraints, paths, criteria and rules in
prose), most of them valid; and the repo's own example backlogs with a few random edits
(a value replaced by any JSON, a key dropped or added, a list emptied), most of them not.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

ROOT = Path(__file__).parents[2]
EXAMPLES = [
    json.loads(p.read_text())
    for p in [
        *sorted((ROOT / "examples").glob("*.json")),
        *sorted((ROOT / "tests" / "data").glob("*.json")),
    ]
]

# Names that have broken generators elsewhere: Python keywords and builtins, SQL reserved
# words, names of the service's own modules, dashes, digits first, unicode, one letter.
AWKWARD = [
    "class",
    "from",
    "import",
    "def",
    "id",
    "type",
    "list",
    "dict",
    "order",
    "select",
    "user",
    "group",
    "limit",
    "offset",
    "status",
    "key",
    "value",
    "date",
    "time",
    "json",
    "self",
    "owner_id",
    "created_at",
    "password",
    "email",
    "metadata",
    "query",
    "model",
    "due-date",
    "2fa",
    "naïve",
    "x",
    "_private",
    "Name",
    "camelCase",
    "items",
    "page",
]
name = st.one_of(
    st.sampled_from(AWKWARD),
    st.from_regex(r"[a-z][a-z0-9_]{0,14}", fullmatch=True),
    st.text(max_size=12),
)
entity_name = st.one_of(
    st.sampled_from(["Task", "Project", "User", "Order", "Class", "Item", "Status", "Data"]),
    st.from_regex(r"[A-Z][a-z]{1,10}", fullmatch=True),
    st.text(max_size=10),
)
WORDS = [
    "string",
    "str",
    "text",
    "integer",
    "int",
    "number",
    "float",
    "decimal",
    "boolean",
    "bool",
    "uuid",
    "datetime",
    "date",
    "email",
    "url",
    "password",
    "object",
    "json",
    "array",
]
word = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(WORDS).map(lambda w: w + "?"),
    st.tuples(
        st.sampled_from(["string", "integer", "number", "text"]),
        st.integers(-5, 300),
        st.integers(-5, 300),
    ).map(lambda t: f"{t[0]}({t[1]}-{t[2]})"),
    st.lists(
        st.one_of(st.from_regex(r"[a-z]{1,6}", fullmatch=True), st.integers(-3, 9).map(str)),
        min_size=1,
        max_size=4,
    ).map(lambda vs: f"enum[{'|'.join(vs)}]"),
    st.text(max_size=15),
)
scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.text(max_size=20),
    st.floats(allow_nan=False, allow_infinity=False),
)
json_value = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
JSON_TYPES = ["string", "integer", "number", "boolean", "array", "object", "null"]
fragment = st.fixed_dictionaries(
    {
        "type": st.one_of(
            st.sampled_from(JSON_TYPES), st.lists(st.sampled_from(JSON_TYPES), max_size=2)
        )
    },
    optional={
        "format": st.sampled_from(
            ["email", "uuid", "date-time", "date", "uri", "password", "nope"]
        ),
        "minLength": st.integers(-2, 50),
        "maxLength": st.integers(-2, 500),
        "minimum": st.integers(-100, 100),
        "maximum": st.one_of(st.integers(-100, 1000), st.floats(0, 10)),
        "enum": st.lists(scalar, max_size=4),
        "pattern": st.sampled_from(["^[a-z]+$", "[", "^\\d{3}$", "(?=x)"]),
        "description": st.text(max_size=20),
        "default": scalar,
        "nullable": st.booleans(),
        "items": st.just({"type": "string"}),
        "x-note": st.text(max_size=5),
    },
)
fields = st.dictionaries(name, st.one_of(word, fragment), max_size=5)
json_schema = st.builds(
    lambda props, required, extra: {
        "type": "object",
        "properties": props,
        "required": [k for k in props if k in required],
        **extra,
    },
    fields,
    st.lists(name, max_size=3),
    st.dictionaries(
        st.sampled_from(["description", "title", "content_type", "additionalProperties"]),
        scalar,
        max_size=1,
    ),
)
schema = st.one_of(
    st.just({}),
    fields,
    json_schema,
    json_schema.map(lambda s: {"type": "array", "items": s}),
    fragment,
    st.dictionaries(st.text(max_size=8), json_value, max_size=3),
)
segment = st.one_of(
    st.sampled_from(["api", "v1", "tasks", "projects", "add_to_cart", "search", "me", "cancel"]),
    name.map(lambda n: "{" + n + "}"),
    st.from_regex(r"[a-z_]{1,8}", fullmatch=True),
)
path = st.lists(segment, min_size=0, max_size=4).map(lambda s: "/" + "/".join(s))
sentence = st.one_of(
    st.sampled_from(
        [
            "returns 400 when: the amount is negative",
            "Creating a duplicate returns 409",
            "A project's name is at most 120 characters",
            "Only the owner can delete it (403)",
            "GET /api/v1/tasks returns 200 with the caller's tasks",
            "capacity of 0 is rejected",
            "An order total is the sum of its lines",
            "returns 404 when the cart does not exist",
        ]
    ),
    st.text(max_size=40),
)
endpoint = st.fixed_dictionaries(
    {
        "method": st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "get", "FETCH"]),
        "endpoint": path,
    },
    optional={
        "description": st.text(max_size=30),
        "request_schema": schema,
        "response_schema": schema,
        "auth_required": st.booleans(),
        "rate_limit": st.sampled_from(["100/minute", "5 per second", "", "fast", "0/minute"]),
        "kind": st.sampled_from(
            ["create", "list", "read", "update", "delete", "action", "login", "x"]
        ),
        "responses": st.dictionaries(
            st.sampled_from(["200", "201", "204", "400", "404", "409", "422", "700"]),
            st.text(max_size=15),
            max_size=3,
        ),
    },
)
entity = st.one_of(
    entity_name,
    st.fixed_dictionaries(
        {"name": entity_name}, optional={"fields": fields, "description": st.text(max_size=10)}
    ),
)
relationship = st.one_of(
    st.tuples(
        entity_name, st.sampled_from(["has many", "belongs to", "has one", "owns"]), entity_name
    ).map(" ".join),
    st.text(max_size=30),
)
item = st.fixed_dictionaries(
    {
        "id": st.from_regex(r"[A-Z]{2,5}-[0-9]{1,3}", fullmatch=True)
        | st.sampled_from(["", "a b", "-1"]),
        "user_story": st.text(min_size=1, max_size=40) | st.just(""),
        "priority": st.integers(1, 100) | st.sampled_from([0, 101, -1]),
    },
    optional={
        "api_requirements": st.lists(endpoint, max_size=4),
        "business_logic": st.fixed_dictionaries(
            {},
            optional={
                "rules": st.lists(sentence, max_size=3),
                "validations": st.lists(sentence, max_size=2),
                "calculations": st.lists(sentence, max_size=2),
            },
        ),
        "data_requirements": st.fixed_dictionaries(
            {},
            optional={
                "entities": st.lists(entity, max_size=3),
                "relationships": st.lists(relationship, max_size=2),
                "indexes": st.lists(
                    st.one_of(st.text(max_size=20), st.just("unique index on tasks.title")),
                    max_size=2,
                ),
            },
        ),
        "acceptance_criteria": st.lists(sentence, max_size=4),
        "depends_on": st.lists(st.text(max_size=6), max_size=1),
    },
)
built = st.fixed_dictionaries(
    {"backlog_items": st.lists(item, min_size=1, max_size=3)},
    optional={"deployment_target": st.sampled_from(["dev", "production", "moon"])},
)


def _nodes(doc: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every node of a JSON document."""
    out = [at]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _nodes(v, (*at, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _nodes(v, (*at, i))
    return out


@st.composite
def edited(draw: st.DrawFn, sources: list[Any] | None = None) -> Any:
    """One of the example backlogs with one to three random edits."""
    doc = copy.deepcopy(draw(st.sampled_from(sources or EXAMPLES)))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.sampled_from(_nodes(doc)))
        if not at:
            continue
        parent = doc
        for part in at[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "drop", "add", "empty"]))
        if action == "replace":
            parent[at[-1]] = draw(json_value)
        elif action == "drop":
            del parent[at[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(name)] = draw(json_value)
        elif action == "empty" and isinstance(parent[at[-1]], list | dict | str):
            parent[at[-1]] = type(parent[at[-1]])()
    return doc


backlog = st.one_of(built, edited())


# Backlogs a careful author could write: the same parts, drawn only from what the Input
# Schema allows, so most are accepted and reach the plan and the scaffold.
sane_name = st.one_of(
    st.sampled_from(AWKWARD), st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
)
sane_word = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(WORDS).map(lambda w: w + "?"),
    st.tuples(
        st.sampled_from(["string", "integer", "number"]), st.integers(0, 50), st.integers(50, 300)
    ).map(lambda t: f"{t[0]}({t[1]}-{t[2]})"),
    st.lists(st.from_regex(r"[a-z]{1,6}", fullmatch=True), min_size=1, max_size=4, unique=True).map(
        lambda vs: f"enum[{'|'.join(vs)}]"
    ),
)
sane_fragment = st.fixed_dictionaries(
    {"type": st.sampled_from(["string", "integer", "number", "boolean"])},
    optional={
        "description": st.text(max_size=10),
        "maxLength": st.integers(1, 300),
        "minimum": st.integers(0, 10),
        "format": st.sampled_from(["email", "uuid", "date-time", "date"]),
    },
)
sane_fields = st.dictionaries(
    sane_name, st.one_of(sane_word, sane_fragment), min_size=1, max_size=4
)
sane_schema = st.one_of(
    sane_fields,
    sane_fields.map(
        lambda f: {
            "type": "object",
            "properties": {
                k: (v if isinstance(v, dict) else {"type": "string"}) for k, v in f.items()
            },
        }
    ),
)
collection = st.from_regex(r"[a-z]{3,10}", fullmatch=True)


@st.composite
def sane_item(draw: st.DrawFn, n: int) -> dict[str, Any]:
    base = "/api/v1/" + draw(collection)
    one = base + "/{" + draw(st.sampled_from(["id", "item_id", "class", "key"])) + "}"
    body = draw(sane_schema)
    endpoints = [
        {"method": "POST", "endpoint": base, "request_schema": body, "response_schema": body},
        {"method": "GET", "endpoint": base, "request_schema": draw(st.just({}) | sane_fields)},
        {"method": "GET", "endpoint": one, "response_schema": body},
        {"method": "PATCH", "endpoint": one, "request_schema": body},
        {"method": "DELETE", "endpoint": one},
        {"method": "POST", "endpoint": one + "/" + draw(st.sampled_from(["cancel", "archive"]))},
    ]
    chosen = draw(
        st.lists(st.sampled_from(range(len(endpoints))), min_size=1, max_size=4, unique=True)
    )
    for i in chosen:
        endpoints[i]["auth_required"] = draw(st.booleans())
        if draw(st.booleans()):
            endpoints[i]["rate_limit"] = draw(st.sampled_from(["100/minute", "5 per second"]))
    return {
        "id": f"IT-{n}",
        "user_story": draw(st.text(min_size=1, max_size=30)),
        "priority": draw(st.integers(1, 100)),
        "api_requirements": [endpoints[i] for i in sorted(chosen)],
        "business_logic": {"rules": draw(st.lists(sentence, max_size=2))},
        "acceptance_criteria": draw(st.lists(sentence, max_size=3)),
    }


@st.composite
def sane_backlog(draw: st.DrawFn) -> dict[str, Any]:
    items = [draw(sane_item(n)) for n in range(draw(st.integers(1, 2)))]
    paths = [r["endpoint"] for it in items for r in it["api_requirements"]]
    if len(set(paths)) != len(paths):  # two items on one collection: keep the first
        items = items[:1]
    return {"backlog_items": items}
