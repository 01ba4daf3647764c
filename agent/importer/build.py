"""Assemble the backlog: one item per tag, its endpoints, and the text spec's sections;
checked by the project's own loader, each problem named by a JSON pointer into the
OpenAPI document (or a line of the text spec)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from agent.backlog.loader import parse_backlog
from agent.backlog.schema import Backlog
from agent.errors import BacklogError
from agent.importer.document import check_document, load_document, pointer, resolve
from agent.importer.operations import Endpoint, endpoints
from agent.importer.textspec import Part, parse_text_spec
from agent.spec.schemas import object_fields

LISTS = {"rules", "validations", "calculations"}
DATA = {"relationships", "indexes"}


def import_files(openapi: Path, text_spec: Path | None = None) -> Backlog:
    """The backlog of an OpenAPI file and an optional Markdown text spec."""
    doc = load_document(openapi)
    spec = None
    if text_spec is not None:
        try:
            spec = text_spec.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BacklogError([f"{text_spec}: cannot read: {exc}"]) from None
    return import_document(doc, spec)


def import_document(raw: object, text_spec: str | None = None) -> Backlog:
    """The backlog of an OpenAPI document (already parsed) and an optional text spec."""
    doc = resolve(check_document(raw), raw, "#")
    found = endpoints(doc)
    if not found:
        raise BacklogError([f"{pointer('paths')}: no GET, POST, PUT, PATCH or DELETE operation"])
    _check_fields(found)
    tags = _tag_order(doc, found)
    items = [_item(doc, tag, [e for e in found if e.tag == tag], i) for i, tag in enumerate(tags)]
    if text_spec is not None:
        _apply_text_spec(items, parse_text_spec(text_spec))
    return _validated({"backlog_items": items}, tags, found)


def _tag_order(doc: dict[str, Any], found: list[Endpoint]) -> list[str]:
    declared = [str(t.get("name")) for t in doc.get("tags") or [] if isinstance(t, dict)]
    used = list(dict.fromkeys(e.tag for e in found))
    return [t for t in declared if t in used] + [t for t in used if t not in declared]


def _tag_info(doc: dict[str, Any], tag: str) -> dict[str, Any]:
    infos = [t for t in doc.get("tags") or [] if isinstance(t, dict) and t.get("name") == tag]
    return infos[0] if infos else {}


def item_id(tag: str) -> str:
    """`Book reviews` -> `BOOK-REVIEWS`."""
    return re.sub(r"[^A-Za-z0-9]+", "-", tag).strip("-").upper() or "ITEM"


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
            try:
                object_fields(endpoint.requirement[key])
            except ValueError as exc:
                problems.append(f"{endpoint.where} ({key.replace('_', ' ')}): {exc}")
    if problems:
        raise BacklogError(problems)


def _apply_text_spec(items: list[dict[str, Any]], parts: list[Part]) -> None:
    problems = []
    for part in parts:
        target = _target(items, part)
        if target is None:
            names = ", ".join(i["id"] for i in items)
            problems.append(
                f"text spec line {part.line}: "
                + (
                    f"'{part.name}' names no tag of the document (items: {names})"
                    if part.name
                    else f"sections outside an item heading, but there are {len(items)} items"
                )
            )
            continue
        _merge(target, part)
    if problems:
        raise BacklogError(problems)


def _target(items: list[dict[str, Any]], part: Part) -> dict[str, Any] | None:
    if part.name is None:
        return items[0] if len(items) == 1 else None
    wanted = item_id(part.name)
    return next((i for i in items if i["id"] == wanted or item_id(i["id"]) == wanted), None)


def _merge(item: dict[str, Any], part: Part) -> None:
    for section, entries in part.sections.items():
        if section == "user_story" and entries:
            item["user_story"] = " ".join(entries)
        elif section == "priority" and entries and entries[0].strip().isdigit():
            item["priority"] = int(entries[0].strip())
        elif section in LISTS:
            item["business_logic"][section] += entries
        elif section in DATA:
            item["data_requirements"][section] += entries
        elif section == "acceptance_criteria":
            item["acceptance_criteria"] += entries


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
