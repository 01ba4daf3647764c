"""Which behaviour a criterion names, read from its own words and the backlog as written.

A second reading, apart from the spec compiler's (which chose the scaffold's tests): the
mutant is chosen from the criterion's status code, the field it names and its constraint
word, never from the value a test happens to send, so a test that shows something else
than its criterion is not proven by it. Endpoints come from the backlog item: named by
`METHOD /path`, else by the nouns of their paths and the verbs of the criterion.
"""

from __future__ import annotations

import re
from typing import Any

from agent.backlog.schema import ApiRequirement, BacklogItem
from agent.verify.proof.record import Mutant

LIMIT = re.compile(r"\b429\b|too many|rate[- ]limit", re.I)
CREDENTIALS = re.compile(
    r"(wrong|incorrect|bad|invalid|unknown) (password|credentials|e-?mail)|credentials", re.I
)
TOKEN = re.compile(
    r"without (a |an |the )?(valid |bearer )?(token|credentials|auth)|"
    r"(no|missing|expired|invalid|malformed) token|unauthenticated|not (logged|signed) in|"
    r"anonymous",
    re.I,
)
UNAUTHORIZED = re.compile(r"\b401\b|unauthori[sz]ed", re.I)
CONFLICT = re.compile(
    r"\b409\b|already (exists|registered|taken|in use)|duplicate|conflict|twice", re.I
)
NOT_FOUND = re.compile(r"\b404\b|not found|does not exist|doesn't exist|no such", re.I)
INVALID = re.compile(
    r"\b(422|400)\b|invalid|rejected|refused|validation|malformed|must be|not an? ", re.I
)
SUCCESS = re.compile(
    r"\b(200|201|204)\b|(is|are|gets) created|returns? (a |the )?(list|page|token)|no content|"
    r"paginated",
    re.I,
)
BUSINESS = re.compile(
    r"\bcannot\b|\bcan't\b|\bmust not\b|\bmay not\b|\bonly\b|\bnot allowed\b|\bunless\b|"
    r"\bback to\b|\bbefore\b|\bafter\b",
    re.I,
)
BOUND_WORDS = [
    ("min", r"shorter than|too short|at least|fewer than|less than|minimum|below|under \d|"
            r"negative|empty|blank"),
    ("max", r"longer than|too long|at most|more than|greater than|exceed|maximum|above|"
            r"over \d"),
    ("required", r"missing|required|omitted|absent|left out"),
    ("enum", r"not one of|allowed values|not a valid (choice|option|value)|unsupported"),
    ("pattern", r"pattern|does not match|doesn't match"),
    ("format", r"format|not an? (valid )?(e-?mail|url|uri|date|uuid)"),
]  # fmt: skip
SHAPES = ("pattern", "format", "enum")  # what "invalid" or "malformed" breaks, first declared
FORMATS = {"email", "uri", "url", "uuid", "date", "datetime", "date-time"}
VERBS = {
    "POST": r"creat|add|regist|sign(s|ing)? ?up|submit|log(s|ging)? ?in|login|new\b",
    "GET:list": r"\blist",
    "GET:read": r"\bread|fetch|\bview|\bshow|retriev|\bget",
    "PUT": r"replac|updat|edit|chang|modif|\bmov|mark",
    "PATCH": r"updat|edit|chang|modif|\bmov|mark",
    "DELETE": r"delet|remov|archiv",
}
LOGIN = re.compile(r"login|log-in|signin|sign-in|token|session", re.I)


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
        keys = {
            "pattern": "pattern", "format": "format", "enum": "enum", "minLength": "min",
            "minimum": "min", "exclusiveMinimum": "min", "maxLength": "max",
            "maximum": "max", "exclusiveMaximum": "max",
        }  # fmt: skip
        return {shape for key, shape in keys.items() if key in value}
    text = str(value).strip().rstrip("?").lower()
    found = {"enum"} if text.startswith("enum") else set()
    if text.split("(")[0] in FORMATS:
        found.add("format")
    if "(" in text:
        found |= {"min", "max"}
    return found


def _segment(path: str) -> str:
    literal = [p for p in path.strip("/").split("/") if p and not p.startswith("{")]
    return literal[-1].lower() if literal else ""


def _mentions(text: str, noun: str) -> bool:
    singular = noun[:-1] if noun.endswith("s") else noun
    found = re.search(rf"\b({re.escape(noun)}|{re.escape(singular)})", text, re.I)
    return bool(noun) and found is not None


def _verbs(text: str, reqs: list[ApiRequirement]) -> list[ApiRequirement]:
    said = {kind for kind, pattern in VERBS.items() if re.search(pattern, text, re.I)}
    return [
        r
        for r in reqs
        if r.method in said
        or ("GET:list" in said and r.method == "GET" and not r.endpoint.endswith("}"))
        or ("GET:read" in said and r.method == "GET" and r.endpoint.endswith("}"))
    ]


def named(text: str, item: BacklogItem) -> list[ApiRequirement]:
    """The endpoints a criterion names: `METHOD /path`, else the smallest group its nouns
    pick (`discount` over `books`), narrowed by its verbs; none when it names none."""
    reqs = item.api_requirements
    explicit = [r for r in reqs if r.key.lower() in text.lower()]
    if explicit:
        return explicit
    groups = [
        [r for r in reqs if _segment(r.endpoint) == noun]
        for noun in {_segment(r.endpoint) for r in reqs}
        if _mentions(text, noun)
    ]
    chosen = min(groups, key=len) if groups else reqs
    narrowed = _verbs(text, chosen)
    if narrowed or groups:
        return narrowed or chosen
    return []


def _field(text: str, reqs: list[ApiRequirement]) -> tuple[str, set[str]] | None:
    """The request field the criterion names (longest name first), with what it declares."""
    fields: dict[str, set[str]] = {}
    for req in reqs:
        for name, value in properties(req.request_schema).items():
            fields.setdefault(name, set()).update(declared(value))
    for name in sorted(fields, key=len, reverse=True):
        spoken = name.replace("_", " ")
        if re.search(rf"\b({re.escape(name)}|{re.escape(spoken)})s?\b", text, re.I):
            return name, fields[name]
    return None


def _bound(text: str, field: str, shape: set[str]) -> str | None:
    """The constraint the words name; for a bare "invalid" the field's declared shape."""
    if re.search(rf"without (a |an |the )?{re.escape(field.replace('_', ' '))}", text, re.I):
        return "required"
    said = next((b for b, words in BOUND_WORDS if re.search(words, text, re.I)), None)
    if said is not None:
        return said
    if INVALID.search(text) or re.search(r"malformed|wrong|bad", text, re.I):
        return next((s for s in SHAPES if s in shape), "any")
    return None


def _pairs(reqs: list[ApiRequirement]) -> list[tuple[str, str]]:
    return [(r.method, r.endpoint) for r in reqs]


def _auth(text: str, item: BacklogItem, ops: list[ApiRequirement]) -> list[Mutant] | None:
    unauthorized = UNAUTHORIZED.search(text) is not None
    if TOKEN.search(text):
        return [Mutant(kind="token")]
    logins = [r for r in ops if LOGIN.search(r.endpoint)]
    if (unauthorized or logins) and (CREDENTIALS.search(text) or logins):
        fallback = [r for r in item.api_requirements if LOGIN.search(r.endpoint)]
        return [Mutant(kind="credentials", endpoints=_pairs(logins or fallback or ops))]
    return [Mutant(kind="token")] if unauthorized else None


def _validation(text: str, item: BacklogItem, ops: list[ApiRequirement]) -> list[Mutant] | None:
    with_body = [r for r in item.api_requirements if properties(r.request_schema)]
    found = _field(text, [r for r in ops if r in with_body] or with_body)
    if found is not None:
        name, shape = found
        bound = _bound(text, name, shape)
        if bound is not None and (bound != "any" or not BUSINESS.search(text)):
            having = [r for r in ops or with_body if name in properties(r.request_schema)]
            return [Mutant(kind="validation", field=name, bound=bound, endpoints=_pairs(having))]
    if INVALID.search(text) and not BUSINESS.search(text) and (ops or with_body):
        chosen = [r for r in ops if r in with_body] or with_body
        return [Mutant(kind="validation", bound="any", endpoints=_pairs(chosen))]
    return None


def _success(ops: list[ApiRequirement], item: BacklogItem, text: str) -> list[Mutant]:
    code = re.search(r"\b(200|201|204)\b", text)
    methods = {"201": {"POST"}, "204": {"DELETE"}}.get(code.group(1) if code else "", set())
    fits = [r for r in item.api_requirements if r.method in methods]
    return [Mutant(kind="endpoint", endpoints=_pairs(ops or fits or item.api_requirements))]


def _by_status(text: str, item: BacklogItem, ops: list[ApiRequirement]) -> list[Mutant] | None:
    """The mutant a status the criterion names calls for: 429, 401, 409, 404."""
    if LIMIT.search(text):
        return [Mutant(kind="limit")]
    auth = _auth(text, item, ops)
    if auth is not None:
        return auth
    if CONFLICT.search(text):
        return [Mutant(kind="conflict")]
    if NOT_FOUND.search(text):
        return [Mutant(kind="not_found")]
    return None


def mutants(text: str, item: BacklogItem) -> list[Mutant]:
    """The mutants a criterion's tests must fail on (one is enough), in the order tried:
    by the status it names, else the field and constraint, else a rule, else the endpoint
    it names (a success), else a rule module or the endpoint."""
    ops = named(text, item)
    found = _by_status(text, item, ops) or _validation(text, item, ops)
    if found is not None:
        return found
    if BUSINESS.search(text):
        return [Mutant(kind="rule")]
    if SUCCESS.search(text):
        return _success(ops, item, text)
    stub = [Mutant(kind="endpoint", endpoints=_pairs(ops))] if ops else []
    return [Mutant(kind="rule"), *stub]
