"""A validation criterion's fields and constraints, read from its words and the backlog's
request schemas as written (JSON Schema `properties`, or the shorthand).

Each clause of the criterion ("An unknown category, a capacity below 1 or a missing date")
may name a field and a constraint: one mutant each. A constraint word ("shorter than",
"missing") is taken as said; a bare "invalid" or "malformed" breaks what the backlog
declares for the field (pattern, else format, else enum, else anything), and yields to a
rule's words ("an end date before the start date" is a rule, not the date's format).
"""

from __future__ import annotations

import re
from typing import Any

from agent.backlog.schema import ApiRequirement, BacklogItem
from agent.verify.proof.record import Mutant

BUSINESS = re.compile(
    r"\bcannot\b|\bcan't\b|\bmust not\b|\bmay not\b|\bonly\b|\bnot allowed\b|\bunless\b|"
    r"\bback to\b|\bbefore\b|\bafter\b",
    re.I,
)
GENERIC = re.compile(r"\b422\b|invalid|malformed|validation", re.I)  # a bare 400 may be a rule
LOOSE = re.compile(r"invalid|rejected|refused|malformed|wrong|bad\b|not an? ", re.I)
CLAUSES = re.compile(r",|;|\bor\b|\band\b", re.I)
BOUND_WORDS = [
    ("min", r"shorter than|too short|at least|fewer than|less than|minimum|below|under \d|"
            r"negative|empty|blank"),
    ("max", r"longer than|too long|at most|more than|greater than|exceed|maximum|above|"
            r"over \d"),
    ("required", r"missing|required|omitted|absent|left out"),
    ("enum", r"not one of|allowed values|not a valid (choice|option|value)|unsupported|"
             r"unknown"),
    ("pattern", r"pattern|does not match|doesn't match"),
    ("format", r"format|not an? (valid )?(e-?mail|url|uri|date|uuid)"),
]  # fmt: skip
SHAPES = ("pattern", "format", "enum")
FORMATS = {"email", "uri", "url", "uuid", "date", "datetime", "date-time"}
DECLARED = {
    "pattern": "pattern", "format": "format", "enum": "enum", "minLength": "min",
    "minimum": "min", "exclusiveMinimum": "min", "maxLength": "max", "maximum": "max",
    "exclusiveMaximum": "max",
}  # fmt: skip


def properties(schema: dict[str, Any]) -> dict[str, Any]:
    """A request schema's fields as written: JSON Schema `properties`, else (no `type` of
    object or array) the shorthand, where every key is a field (`title` included)."""
    found = schema.get("properties")
    if isinstance(found, dict):
        return found
    return {} if schema.get("type") in {"object", "array"} else dict(schema)


def declared(value: Any) -> set[str]:
    """What a field's schema constrains: among pattern, format, enum, min, max."""
    if isinstance(value, dict):
        return {shape for key, shape in DECLARED.items() if key in value}
    text = str(value).strip().rstrip("?").lower()
    found = {"enum"} if text.startswith("enum") else set()
    if text.split("(")[0] in FORMATS:
        found.add("format")
    if "(" in text:
        found |= {"min", "max"}
    return found


def _fields(reqs: list[ApiRequirement]) -> dict[str, set[str]]:
    fields: dict[str, set[str]] = {}
    for req in reqs:
        for name, value in properties(req.request_schema).items():
            fields.setdefault(name, set()).update(declared(value))
    return fields


def _field(clause: str, fields: dict[str, set[str]]) -> str | None:
    """The request field a clause names (longest name first, `_` read as a space)."""
    for name in sorted(fields, key=len, reverse=True):
        spoken = name.replace("_", " ")
        if re.search(rf"\b({re.escape(name)}|{re.escape(spoken)})s?\b", clause, re.I):
            return name
    return None


def _said(text: str) -> str | None:
    return next((b for b, words in BOUND_WORDS if re.search(words, text, re.I)), None)


def _bound(clause: str, text: str, field: str, shape: set[str]) -> str | None:
    """The constraint the clause (else the criterion) names; for a bare "invalid" the
    field's declared shape, unless the criterion reads as a rule."""
    spoken = re.escape(field.replace("_", " "))
    if re.search(rf"without (a |an |the )?{spoken}", text, re.I):
        return "required"
    said = _said(clause) or _said(text)
    if said is not None:
        return said
    if LOOSE.search(text) and not BUSINESS.search(text):
        return next((s for s in SHAPES if s in shape), "any")
    return None


def _pairs(reqs: list[ApiRequirement]) -> list[tuple[str, str]]:
    return [(r.method, r.endpoint) for r in reqs]


def _by_clause(
    clauses: list[str], text: str, fields: dict[str, set[str]], pool: list[ApiRequirement]
) -> list[Mutant]:
    found: dict[str, Mutant] = {}
    for clause in clauses:
        name = _field(clause, fields)
        bound = _bound(clause, text, name, fields[name]) if name else None
        if name is None or bound is None:
            continue
        having = [r for r in pool if name in properties(r.request_schema)]
        mutant = Mutant(kind="validation", field=name, bound=bound, endpoints=_pairs(having))
        found.setdefault(mutant.key, mutant)
    return list(found.values())


def validation(text: str, item: BacklogItem, ops: list[ApiRequirement]) -> list[Mutant] | None:
    """One mutant per field a clause names with its constraint; without any, every field
    of the named endpoints when the words say invalid; None when it is not validation."""
    with_body = [r for r in item.api_requirements if properties(r.request_schema)]
    pool = [r for r in ops if r in with_body] or with_body
    fields = _fields(pool)
    found = _by_clause(CLAUSES.split(text), text, fields, pool) or _by_clause(
        [text], text, fields, pool
    )
    if found:
        return found
    if GENERIC.search(text) and not BUSINESS.search(text) and pool:
        return [Mutant(kind="validation", bound="any", endpoints=_pairs(pool))]
    return None
