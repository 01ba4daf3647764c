"""Read and check a backlog file; every problem becomes one `json.path: message` line."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from agent.backlog.schema import Backlog
from agent.errors import BacklogError


def json_path(loc: Sequence[int | str]) -> str:
    """`("backlog_items", 0, "method")` -> `backlog_items[0].method`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not re.fullmatch(r"[A-Za-z_$][\w$\-]*", str(part)):  # `['']`, `['a b']`
            out += f"[{str(part)!r}]" if out else f"$[{str(part)!r}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "$"


def _message(error: dict[str, object]) -> str:
    kind = error.get("type")
    ctx = error.get("ctx")
    if kind == "literal_error" and isinstance(ctx, dict):
        expected = str(ctx.get("expected", "")).replace("'", "")
        return f"must be one of {expected.replace(' or ', ', ')}"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind in {"less_than_equal", "greater_than_equal"} and isinstance(ctx, dict):
        return (
            f"must be {'at most' if kind == 'less_than_equal' else 'at least'} "
            f"{ctx.get('le', ctx.get('ge'))}"
        )
    return str(error.get("msg", "invalid")).removeprefix("Value error, ")


UNION_TAGS = {"str", "constrained-str", "EntitySpec", "dict[str,any]", "dict[constrained-str,any]"}
STRING_TAGS = {"str", "constrained-str"}


def schema_problems(err: ValidationError) -> list[str]:
    """One line per error; of a `str | object` union, only the object branch's errors."""
    errors = err.errors()
    object_branches = {
        tuple(e["loc"][:i])
        for e in errors
        for i, part in enumerate(e["loc"])
        if part in UNION_TAGS - STRING_TAGS
    }
    problems = []
    for error in errors:
        loc = list(error["loc"])
        tag_at = next((i for i, p in enumerate(loc) if p in STRING_TAGS), None)
        if tag_at is not None and tuple(loc[:tag_at]) in object_branches:
            continue
        loc = [p for p in loc if p not in UNION_TAGS]
        problems.append(f"{json_path(loc)}: {_message(dict(error))}")
    return problems


def _schema_readings(backlog: Backlog) -> list[str]:
    """Every request and response schema and entity's fields, checked by the README's rule
    (JSON Schema or shorthand), then read as the compiler will read them: what it cannot
    read is refused here, with its path, not later in the middle of a run."""
    from agent.spec.schema_check import fields_problems, schema_problems
    from agent.spec.schemas import object_fields

    problems = []
    for i, item in enumerate(backlog.backlog_items):
        for j, req in enumerate(item.api_requirements):
            for key in ("request_schema", "response_schema"):
                where = f"backlog_items[{i}].api_requirements[{j}].{key}"
                found = schema_problems(getattr(req, key), where)
                if not found:
                    try:
                        object_fields(getattr(req, key))
                    except ValueError as exc:
                        found = [f"{where}: {exc}"]
                problems += found
        for k, entity in enumerate(item.data_requirements.entities):
            if not isinstance(entity, str):
                where = f"backlog_items[{i}].data_requirements.entities[{k}].fields"
                problems += fields_problems(entity.fields, where)
    return problems


def _semantic_problems(backlog: Backlog) -> list[str]:
    problems: list[str] = []
    seen_ids: dict[str, int] = {}
    seen_routes: dict[str, str] = {}
    for i, item in enumerate(backlog.backlog_items):
        if item.id in seen_ids:
            problems.append(
                f"backlog_items[{i}].id: duplicate id {item.id!r} "
                f"(also backlog_items[{seen_ids[item.id]}].id)"
            )
        seen_ids.setdefault(item.id, i)
        for j, req in enumerate(item.api_requirements):
            where = f"backlog_items[{i}].api_requirements[{j}]"
            if req.key in seen_routes:
                problems.append(f"{where}: {req.key} is already declared at {seen_routes[req.key]}")
            seen_routes.setdefault(req.key, where)
    problems += _schema_readings(backlog)
    for i, item in enumerate(backlog.backlog_items):
        for dep in item.depends_on:
            if dep not in seen_ids:
                problems.append(f"backlog_items[{i}].depends_on: no item has id {dep!r}")
    return problems


def parse_backlog(text: str) -> Backlog:
    """Parse backlog JSON text, raising `BacklogError` with every problem found."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BacklogError(
            [f"$: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"]
        ) from None
    try:
        backlog = Backlog.model_validate(raw)
    except ValidationError as exc:
        raise BacklogError(schema_problems(exc)) from None
    problems = _semantic_problems(backlog)
    if problems:
        raise BacklogError(problems)
    return backlog


def load_backlog(path: Path) -> Backlog:
    """Read and check the backlog file at `path`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BacklogError([f"$: cannot read {path}: {exc}"]) from None
    return parse_backlog(text)
