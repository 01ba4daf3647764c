"""Contract: the served /openapi.json against the backlog, then schemathesis against it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from . import oracle
from .world import Op, World, where

Schema = dict[str, Any]
JSON_TYPES = {
    "string": {"string"},
    "text": {"string"},
    "uuid": {"string"},
    "datetime": {"string"},
    "date": {"string"},
    "integer": {"integer"},
    "number": {"number"},
    "boolean": {"boolean"},
}


def _resolve(doc: Schema, schema: Schema) -> Schema:
    while "$ref" in schema:
        node: Any = doc
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _types(doc: Schema, schema: Schema) -> set[str]:
    schema = _resolve(doc, schema)
    found = {schema["type"]} if isinstance(schema.get("type"), str) else set()
    for option in schema.get("anyOf", []) + schema.get("oneOf", []):
        found |= _types(doc, option)
    return found


def _fields(
    doc: Schema, op: Op, fields: list[dict[str, Any]], schema: Schema, side: str
) -> list[dict[str, str]]:
    schema = _resolve(doc, schema)
    items = _resolve(doc, schema.get("properties", {}).get("items", {}))
    if schema.get("type") == "array" or items.get("type") == "array":
        schema = _resolve(doc, (schema if schema.get("type") == "array" else items)["items"])
    props, required = schema.get("properties", {}), set(schema.get("required", []))
    out = []
    for field in fields:
        prop, name = props.get(field["name"]), field["name"]
        expected = JSON_TYPES.get(field.get("type", "string"))
        if prop is None:
            out.append({"where": where(op), "message": f"{side} field {name!r} is not in the API"})
        elif expected and not expected & _types(doc, prop):
            found = sorted(_types(doc, prop))
            message = f"{side} field {name!r} is {found}, the backlog says {field.get('type')}"
            out.append({"where": where(op), "message": message})
        elif side == "request" and field.get("required") and name not in required:
            message = f"request field {name!r} is required by the backlog, optional in the API"
            out.append({"where": where(op), "message": message})
    return out


def _operation(doc: Schema, op: Op, response: list[dict[str, Any]]) -> list[dict[str, str]]:
    found = doc.get("paths", {}).get(op["path"], {}).get(op["method"].lower())
    if found is None:
        return [{"where": where(op), "message": "not in /openapi.json"}]
    out = []
    if op["body"]:
        content = found.get("requestBody", {}).get("content", {}).get("application/json", {})
        out += _fields(doc, op, op["body"], content.get("schema", {}), "request")
    names = {p["name"] for p in found.get("parameters", []) if p.get("in") == "query"}
    out += [
        {"where": where(op), "message": f"query parameter {q['name']!r} is not in the API"}
        for q in op["query"]
        if q["name"] not in names
    ]
    answer = found.get("responses", {}).get(str(op["status_code"]))
    if answer is None:
        out.append({"where": where(op), "message": f"status {op['status_code']} is not documented"})
    elif response:
        schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
        out += _fields(doc, op, response, schema, "response")
    return out


def compare(
    doc: Schema, world: World, responses: dict[str, list[dict[str, Any]]], skip: list[Op]
) -> list[dict[str, str]]:
    """Every backlog endpoint served, with compatible request and response fields."""
    out = []
    for op in world.ops():
        if op not in skip:
            out += _operation(doc, op, responses.get(op["handler"], []))
    return out


def fuzz(
    world: World, options: dict[str, Any], report: Path, skip: list[Op]
) -> tuple[list[dict[str, str]], int]:
    """Schemathesis (positive data) from the served schema: no 5xx, responses conform."""
    argv = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        str(world.http.base_url).rstrip("/") + "/openapi.json",
    ]
    argv += ["--checks", "not_a_server_error,response_schema_conformance", "--mode", "positive"]
    argv += ["--phases", "examples,fuzzing", "--max-examples", str(options["max_examples"])]
    argv += ["--seed", "1", "--no-shrink", "--generation-database", "none", "--workers", "1"]
    argv += ["--request-timeout", "10", "--report", "json", "--report-json-path", str(report)]
    if world.users:
        argv += ["-H", f"Authorization: Bearer {world.users[0].token}"]
    for op in skip:
        argv += ["--exclude-name", f"{op['method']} {op['path']}"]
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=options["fuzz_time_s"], check=False
        )
    except subprocess.TimeoutExpired:
        return [
            {"where": "schemathesis", "message": f"did not finish within {options['fuzz_time_s']}s"}
        ], 0
    if not report.exists():
        tail = (done.stdout + done.stderr)[-600:]
        return [{"where": "schemathesis", "message": f"wrote no report: {tail}"}], 0
    data = json.loads(report.read_text())
    out = [
        {"where": name, "message": f"{f['title']} ({f.get('code', '')}, x{f.get('count', 1)})"}
        for f in data.get("failures", [])
        for name in f.get("operations", [])
    ]
    out += [
        {"where": "schemathesis", "message": f"{e['title']} (x{e.get('count', 1)})"}
        for e in data.get("errors", [])
    ]
    return out, int(data.get("test_cases", {}).get("generated", 0))


def run(world: World, options: dict[str, Any], out_dir: Path) -> dict[str, Any]:
    doc = world.http.get("/openapi.json").json()
    skip = world.stubs(doc)
    mismatches = compare(doc, world, options["responses"], skip)
    checked = oracle.run(world, options.get("backlog", []), doc, skip)
    failures, cases = fuzz(world, options, out_dir / "schemathesis.json", skip)
    return {
        "oracle": checked,
        "schema_mismatches": mismatches,
        "fuzz_failures": failures,
        "fuzz_cases": cases,
        "not_implemented": [where(op) for op in skip],
    }
