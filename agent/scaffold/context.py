"""What each template sees: the spec, plus the lookups templates must not compute."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agent.scaffold import examples
from agent.scaffold.pyexpr import column
from agent.scaffold.unique import FactoryValue, unique_number, unique_text
from agent.spec.types import CriterionTest, EntitySpec, FieldSpec, Operation, ServiceSpec

SA_NAMES = (
    "JSON",
    "BigInteger",
    "Boolean",
    "Date",
    "DateTime",
    "Float",
    "ForeignKey",
    "String",
    "Text",
    "Uuid",
)
SCENARIOS: dict[str, list[str]] = {
    "create": [
        "created",
        "conflict",
        "invalid",
        "parent_not_found",
        "unauthorized",
        "rate_limited",
    ],
    "register": ["created", "conflict", "invalid", "rate_limited"],
    "list": ["ok", "unauthorized", "rate_limited"],
    "read": ["ok", "not_found", "other_owner", "unauthorized", "rate_limited"],
    "update": ["ok", "not_found", "invalid", "other_owner", "unauthorized"],
    "replace": ["ok", "not_found", "invalid", "other_owner", "unauthorized"],
    "delete": ["deleted", "not_found", "other_owner", "unauthorized"],
    "login": ["ok", "bad_credentials", "rate_limited"],
    "me": ["ok", "unauthorized"],
    "action": ["not_implemented", "invalid", "unauthorized"],
}
MAX_RATE_TEST = 100  # limits above this are not exercised by a generated test
PAGING_NAMES = ("limit", "offset")  # query parameters of the page, not filters
PAGING: dict[str, int] = {  # `core/pagination.py`'s defaults, for a list that declares none
    "limit_min": 1,
    "limit_max": 100,
    "limit_default": 20,
    "offset_min": 0,
    "offset_max": 1_000_000,
    "offset_default": 0,
}


@dataclass
class TestCase:
    name: str
    op: Operation
    scenario: str
    doc: str
    criterion: CriterionTest | None = None
    broken: tuple[str, Any, str] | None = None  # for `invalid`: field, bad value, why


def group_of(op: Operation, spec: ServiceSpec) -> str:
    """The router module an operation lives in."""
    if op.kind in {"register", "login", "me"}:
        return "auth"
    entity = spec.entity(op.entity)
    return entity.table if entity else "actions"


def _has_parent_row(op: Operation, spec: ServiceSpec) -> bool:
    """A create under a parent that is a row of ours (not the user): its parent can be missing."""
    parent = spec.entity(op.parent_entity)
    return parent is not None and not parent.is_user


def _applies(op: Operation, scenario: str, spec: ServiceSpec) -> bool:  # noqa: PLR0911
    entity = spec.entity(op.entity)
    if scenario == "unauthorized":
        return op.auth_required
    if scenario == "rate_limited":
        return op.rate_limit is not None and op.rate_limit.count <= MAX_RATE_TEST
    if scenario == "conflict":
        return entity is not None and any(i.unique for i in entity.indexes)
    if scenario == "invalid":
        return examples.breaking(op.body) is not None
    if scenario == "parent_not_found":
        return _has_parent_row(op, spec)
    if scenario == "other_owner":
        return op.auth_required and entity is not None and bool(entity.owner_chain)
    return True


def test_cases(ops: list[Operation], spec: ServiceSpec) -> list[TestCase]:
    """One test per operation and applicable scenario; a criterion's test replaces the
    plain one for the same operation and scenario."""
    by_pair: dict[tuple[str, str], list[CriterionTest]] = {}
    for ct in spec.criteria_tests:
        by_pair.setdefault((ct.handler, ct.scenario), []).append(ct)
    cases = []
    for op in ops:
        for scenario in SCENARIOS[op.kind]:
            if not _applies(op, scenario, spec):
                continue
            doc = f"{op.method} {op.path}: {scenario.replace('_', ' ')}."
            criteria = by_pair.get((op.handler, scenario), [])
            if not criteria:
                cases.append(TestCase(f"test_{op.handler}_{scenario}", op, scenario, doc))
            for ct in criteria:
                field = [f for f in op.body if f.name == ct.field]
                cases.append(
                    TestCase(
                        ct.test_name,
                        op,
                        scenario,
                        f"[{ct.item_id} #{ct.index + 1}] {ct.text}",
                        ct,
                        examples.breaking(field, ct.breaks) if field else None,
                    )
                )
    return cases


def _bounds(field: FieldSpec | None, low: int, high: int, default: int) -> tuple[int, int, int]:
    """(minimum, maximum, default) a declared `limit` or `offset` sets; what it leaves open
    keeps the default (the maximum at least the minimum, the default within both)."""
    if field is None:
        return low, high, default
    low = int(field.minimum) if field.minimum is not None else low
    high = int(field.maximum) if field.maximum is not None else max(high, low)
    if isinstance(field.default, int) and not isinstance(field.default, bool):
        default = field.default
    return low, high, min(max(default, low), high)


def paging(op: Operation) -> dict[str, int]:
    """The page bounds of a list endpoint: the backlog's, where its query schema declares
    `limit` or `offset`, else `PAGING`."""
    declared = {f.name: f for f in op.query if f.name in PAGING_NAMES}
    out: dict[str, int] = {}
    for name in PAGING_NAMES:
        low, high, default = _bounds(
            declared.get(name), *(PAGING[f"{name}_{k}"] for k in ("min", "max", "default"))
        )
        out |= {f"{name}_min": low, f"{name}_max": high, f"{name}_default": default}
    return out


def paging_call(op: Operation) -> str:
    """The page dependency of a list endpoint: `page_params`, or `paging(...)` with the
    bounds its backlog declares."""
    changed = {k: v for k, v in paging(op).items() if PAGING[k] != v}
    if not changed:
        return "page_params"
    return "paging(" + ", ".join(f"{k}={v!r}" for k, v in changed.items()) + ")"


def op_examples(op: Operation) -> dict[str, Any]:
    return {
        "required": examples.payload(op.body, required_only=True),
        "full": examples.payload(op.body),
        "broken": examples.breaking(op.body),
        "paging": paging(op) if op.kind == "list" else {},
        "query": examples.payload(op.query, required_only=True),
    }


def factory_values(entity: EntitySpec) -> dict[str, FactoryValue]:
    """Python expressions of a factory row's values (unique ones vary per row and still fit
    their field: `unique.py`)."""
    out = {}
    unique = {c for i in entity.indexes if i.unique for c in i.columns}
    for field in entity.fields:
        value = examples.valid(field)
        if field.name in unique and isinstance(value, str) and not field.enum:
            out[field.name] = unique_text(field, value)
        elif field.name in unique and field.type in {"integer", "number"} and not field.enum:
            out[field.name] = unique_number(field, value)
        elif field.type == "date":
            out[field.name] = FactoryValue(f"date.fromisoformat({value!r})")
        elif field.type == "datetime":
            out[field.name] = FactoryValue(f"datetime.fromisoformat({value!r})")
        elif field.type == "uuid":
            out[field.name] = FactoryValue(f"uuid.UUID({value!r})")
        else:
            out[field.name] = FactoryValue(repr(value))
    return out


def entity_imports(entity: EntitySpec, fk_tables: dict[str, str]) -> tuple[list[str], list[str]]:
    """(python import lines, sqlalchemy names) the entity module needs."""
    body = "\n".join(column(f, fk_tables.get(f.name)) for f in entity.fields)
    names = [n for n in SA_NAMES if f"{n}(" in body]
    names = sorted({*names, "Index", "text"})
    lines = []
    if "uuid." in body:
        lines.append("import uuid")
    dates = [n for n in ("date", "datetime") if f"[{n}" in body]
    if dates:
        lines.append(f"from datetime import {', '.join(dates)}")
    if re.search(r"\bAny\b", body):
        lines.append("from typing import Any")
    return lines, names
