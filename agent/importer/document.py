"""Read an OpenAPI document and resolve its local `$ref`s, naming JSON pointers in errors.

Only local references (`#/components/...`) are followed; a reference cycle (a tree schema)
is cut at its second visit and read as a plain object.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml

from agent.errors import BacklogError


def pointer(*parts: str | int) -> str:
    """`("paths", "/books", "post")` -> `#/paths/~1books/post` (RFC 6901 escaping)."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "#/" + "/".join(escaped)


def load_document(path: Path) -> dict[str, Any]:
    """The document at `path` (YAML or JSON), checked to be OpenAPI 3.x with paths."""
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise BacklogError([f"#: cannot read {path}: {exc}"]) from None
    except json.JSONDecodeError as exc:
        raise BacklogError(
            [f"#: {path} line {exc.lineno}, column {exc.colno}: {exc.msg}"]
        ) from None
    except yaml.YAMLError as exc:
        raise BacklogError([f"#: {path}{_yaml_where(exc)}: {_one_line(exc)}"]) from None
    return check_document(plain(raw))


def _yaml_where(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    return f" line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


def _one_line(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    text = " ".join(str(p) for p in (context, problem) if p) or str(exc)
    return " ".join(text.split())


def plain(node: Any) -> Any:
    """The document as JSON can hold it: YAML dates and datetimes as ISO 8601 text
    (`example: 2024-01-01` unquoted), keys as text (`200:` unquoted)."""
    if isinstance(node, dict):
        return {_key(k): plain(v) for k, v in node.items()}
    if isinstance(node, list | tuple | set):
        return [plain(v) for v in node]
    if isinstance(node, dt.date | dt.time):
        return node.isoformat()
    if isinstance(node, bytes):
        return node.decode("utf-8", errors="replace")
    return node


def _key(key: Any) -> str:
    if isinstance(key, bool) or key is None:
        return json.dumps(key)
    return plain(key) if isinstance(key, dt.date | dt.time) else str(key)


def check_document(raw: object) -> dict[str, Any]:
    """The document itself, when it is an OpenAPI 3.x object with a `paths` object."""
    if not isinstance(raw, dict):
        raise BacklogError(["#: an OpenAPI document must be an object"])
    version = str(raw.get("openapi", ""))
    if not version.startswith("3."):
        raise BacklogError([f"#/openapi: must be an OpenAPI 3.x version, got {version!r}"])
    if not isinstance(raw.get("paths"), dict) or not raw["paths"]:
        raise BacklogError(["#/paths: must be an object with at least one path"])
    return raw


def _target(doc: dict[str, Any], ref: str, where: str) -> Any:
    if not ref.startswith("#/"):
        raise BacklogError([f"{where}/$ref: only local references are supported, got {ref!r}"])
    node: Any = doc
    for part in ref[2:].split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or key not in node:
            raise BacklogError([f"{where}/$ref: {ref} points at nothing"])
        node = node[key]
    return node


def resolve(doc: dict[str, Any], node: Any, where: str, seen: tuple[str, ...] = ()) -> Any:
    """`node` with every `$ref` inside it replaced by its target (siblings of a `$ref`
    override the target's keys, as OpenAPI 3.1 allows)."""
    if isinstance(node, list):
        return [resolve(doc, v, f"{where}/{i}", seen) for i, v in enumerate(node)]
    if not isinstance(node, dict):
        return node
    if isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen:
            return {"type": "object"}
        target = resolve(doc, _target(doc, ref, where), ref, (*seen, ref))
        rest = {k: v for k, v in node.items() if k != "$ref"}
        merged = (
            {**target, **resolve(doc, rest, where, seen)} if isinstance(target, dict) else target
        )
        return merged
    return {
        k: resolve(doc, v, f"{where}/{k.replace('~', '~0').replace('/', '~1')}", seen)
        for k, v in node.items()
    }
