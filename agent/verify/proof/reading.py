"""Which behaviour a criterion names, read from its own words and the backlog as written.

A second reading, apart from the spec compiler's (which chose the scaffold's tests): the
mutant is chosen from the criterion's status code, the field it names and its constraint
word, never from the value a test happens to send, so a test that shows something else
than its criterion is not proven by it. Endpoints come from the backlog item: named by
`METHOD /path`, else by the nouns of their paths and the verbs of the criterion.
"""

from __future__ import annotations

import re

from agent.backlog.schema import ApiRequirement, BacklogItem
from agent.verify.proof.fields import BUSINESS, validation
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
SCOPE = re.compile(
    r"only (its|their|his|her|the caller's|my) own|\bits own\b|\btheir own\b|"
    r"belong(s|ing)? to (it|them)|scoped to|not (another|other)",
    re.I,
)
CALCULATION = re.compile(
    r"\btotals?\b|\bsubtotal|\bsum\b|\btax\b|recalculat|recomput|\bcomputed?\b|"
    r"\bround(ed|s|ing)?\b|\baverage\b|\bcount\b",
    re.I,
)
OTHER_REFUSAL = re.compile(r"\b(400|403|410|412|423)\b")  # a code no other mutant takes away
NOT_FOUND = re.compile(r"\b404\b|not found|does not exist|doesn't exist|no such", re.I)
SUCCESS = re.compile(
    r"\b(200|201|204)\b|(is|are|gets) created|returns? (a |the )?(list|page|token)|no content|"
    r"paginated",
    re.I,
)
VERBS = {
    "POST": r"creat|add|regist|sign(s|ing)? ?up|submit|log(s|ging)? ?in|login|new\b",
    "GET:list": r"\blist",
    "GET:read": r"\bread|fetch|\bview|\bshow|retriev|\bget",
    "PUT": r"replac|updat|edit|chang|modif|\bmov|mark",
    "PATCH": r"updat|edit|chang|modif|\bmov|mark",
    "DELETE": r"delet|remov|archiv|cancel",
}
LOGIN = re.compile(r"login|log-in|signin|sign-in|token|session", re.I)


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


def _groups(text: str, reqs: list[ApiRequirement]) -> list[list[ApiRequirement]]:
    """The endpoints of each path noun the criterion mentions (`tasks`, `discount`)."""
    return [
        [r for r in reqs if _segment(r.endpoint) == noun]
        for noun in sorted({_segment(r.endpoint) for r in reqs})
        if _mentions(text, noun)
    ]


def named(text: str, item: BacklogItem) -> list[ApiRequirement]:
    """The endpoints a criterion names: `METHOD /path`, else those of the nouns it
    mentions, narrowed by its verbs; none when it names none."""
    reqs = item.api_requirements
    explicit = [r for r in reqs if r.key.lower() in text.lower()]
    if explicit:
        return explicit
    groups = _groups(text, reqs)
    pool = [r for r in reqs if any(r in g for g in groups)] or reqs
    return _verbs(text, pool) or (pool if groups else [])


def _narrowest(text: str, ops: list[ApiRequirement]) -> list[ApiRequirement]:
    """Of the named endpoints, those of the rarest noun (`discount` over `books`)."""
    groups = [g for g in _groups(text, ops) if g]
    return min(groups, key=len) if groups else ops


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


def _success(ops: list[ApiRequirement], item: BacklogItem, text: str) -> list[Mutant]:
    """The endpoints that answer the success: named ones of the code's method (201 POST,
    204 DELETE) where there are some."""
    code = re.search(r"\b(200|201|204)\b", text)
    methods = {"201": {"POST"}, "204": {"DELETE"}}.get(code.group(1) if code else "", set())
    fit = [r for r in ops if r.method in methods]
    fits = [r for r in item.api_requirements if r.method in methods]
    chosen = fit or ops or fits or item.api_requirements
    return [Mutant(kind="endpoint", endpoints=_pairs(chosen))]


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


def mutants(text: str, item: BacklogItem) -> list[Mutant]:  # noqa: PLR0911
    """The mutants a criterion's tests must fail on (one is enough), in the order tried:
    by the status it names, else the field and constraint, else a rule, else the endpoint
    it names (a success), else a rule module or the endpoint."""
    ops = named(text, item)
    found = _by_status(text, item, ops) or validation(text, item, ops)
    if found is not None:
        return found
    code = OTHER_REFUSAL.search(text)
    refusal = [Mutant(kind="status", status=int(code[1]))] if code else []
    lists = [r for r in ops if r.method == "GET" and not r.endpoint.rstrip("/").endswith("}")]
    if SCOPE.search(text) and lists:  # "a warehouse's list shows only its own lines"
        return [Mutant(kind="scope", endpoints=_pairs(lists)), Mutant(kind="rule")]
    if CALCULATION.search(text):  # a computed value: its hooks take it away
        return [Mutant(kind="hooks"), Mutant(kind="rule"), *refusal]
    if BUSINESS.search(text):
        return [Mutant(kind="rule"), Mutant(kind="hooks"), *refusal]
    if refusal:
        return refusal  # "dividing by zero returns 400": whatever raises it, taken away
    if SUCCESS.search(text):
        return _success(ops, item, text)
    stub = [Mutant(kind="endpoint", endpoints=_pairs(_narrowest(text, ops)))] if ops else []
    return [Mutant(kind="rule"), Mutant(kind="hooks"), *stub]
