"""Assemble the backlog: one item per tag, its endpoints, the text spec's sections and
prose, and a criterion per described response; checked by the project's own loader, each
problem named by a JSON pointer into the OpenAPI document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agent.backlog.loader import parse_backlog
from agent.backlog.schema import Backlog
from agent.errors import BacklogError
from agent.importer.document import check_document, load_document, plain, pointer, resolve
from agent.importer.operations import Endpoint, base_path, endpoints
from agent.importer.prose import Slot, add_response_criteria, apply_text_spec, item_id
from agent.importer.textspec import parse_text_spec
from agent.spec.schema_check import schema_problems
from agent.spec.schemas import object_fields


def import_files(
    openapi: Path, text_spec: Path | None = None, warnings: list[str] | None = None
) -> Backlog:
    """The backlog of an OpenAPI file and an optional Markdown text spec. What the import
    had to decide on its own (where prose went, an auth endpoint made public) is appended
    to `warnings`, one line each."""
    doc = load_document(openapi)
    spec = None
    if text_spec is not None:
        try:
            spec = text_spec.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BacklogError([f"{text_spec}: cannot read: {exc}"]) from None
    return import_document(doc, spec, warnings)


def import_document(
    raw: object, text_spec: str | None = None, warnings: list[str] | None = None
) -> Backlog:
    """The backlog of an OpenAPI document (already parsed) and an optional text spec."""
    notes: list[str] = [] if warnings is None else warnings
    raw = plain(raw)
    try:
        doc = resolve(check_document(raw), raw, "#")
    except RecursionError:
        raise BacklogError(["#: the document's $refs nest too deep to read"]) from None
    found = endpoints(doc)
    if not found:
        raise BacklogError([f"{pointer('paths')}: no GET, POST, PUT, PATCH or DELETE operation"])
    _check_fields(found)
    for endpoint in found:
        notes.extend(endpoint.warnings)
    tags = _tag_order(doc, found)
    slots = [
        Slot(tag, _item(doc, tag, [e for e in found if e.tag == tag], i), base_path(doc))
        for i, tag in enumerate(tags)
    ]
    if text_spec is not None:
        apply_text_spec(slots, parse_text_spec(text_spec), notes)
    add_response_criteria(slots)
    return _validated({"backlog_items": [s.item for s in slots]}, tags, found)


def _tag_order(doc: dict[str, Any], found: list[Endpoint]) -> list[str]:
    declared = [str(t.get("name")) for t in doc.get("tags") or [] if isinstance(t, dict)]
    used = list(dict.fromkeys(e.tag for e in found))
    return [t for t in declared if t in used] + [t for t in used if t not in declared]


def _tag_info(doc: dict[str, Any], tag: str) -> dict[str, Any]:
    infos = [t for t in doc.get("tags") or [] if isinstance(t, dict) and t.get("name") == tag]
    return infos[0] if infos else {}


def _item(doc: dict[str, Any], tag: str, mine: list[Endpoint], index: int) -> dict[str, Any]:
    info = _tag_info(doc, tag)
    story = str(info.get("description") or f"As an API client I want the {tag} endpoints.")
    return {
        "id": str(info.get("x-id") or item_id(tag)),
        "user_story": story.strip(),
        "api_requirements": [e.requirement for e in mine],
        "business_logic": {"rules": [], "validations": [], "calculations": []},
        "data_requirements": {"entities": [], "relationships": [], "indexes": []},
        "acceptance_criteria": [],
        "priority": int(info.get("x-priority") or max(1, 100 - 10 * index)),
    }


def _check_fields(found: list[Endpoint]) -> None:
    problems = []
    for endpoint in found:
        for key in ("request_schema", "response_schema"):
            where = f"{endpoint.where} ({key.replace('_', ' ')})"
            checked = schema_problems(endpoint.requirement[key], "")
            problems += [f"{where}: {p.lstrip('.').removeprefix(': ')}" for p in checked]
            if checked:
                continue
            try:
                object_fields(endpoint.requirement[key])
            except ValueError as exc:
                problems.append(f"{where}: {exc}")
    if problems:
        raise BacklogError(problems)


def _validated(raw: dict[str, Any], tags: list[str], found: list[Endpoint]) -> Backlog:
    where: dict[str, str] = {}
    for i, tag in enumerate(tags):
        for j, endpoint in enumerate(e for e in found if e.tag == tag):
            where[f"backlog_items[{i}].api_requirements[{j}]"] = endpoint.where
    try:
        return parse_backlog(json.dumps(raw))
    except BacklogError as exc:
        raise BacklogError([_located(p, where) for p in exc.problems]) from None


def _located(problem: str, where: dict[str, str]) -> str:
    """`backlog_items[0].api_requirements[1].rate_limit: ...` with the operation's pointer."""
    for prefix, source in sorted(where.items(), key=lambda p: -len(p[0])):
        if problem.startswith(prefix):
            return f"{source} ({problem.split(':', 1)[0]}):{problem.split(':', 1)[1]}"
    return problem
