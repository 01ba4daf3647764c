"""Acceptance criteria the scaffold can express as tests, matched by status and endpoint.

A criterion maps to a scenario only when its words name an HTTP outcome the generated
service implements (a status code, or a phrase such as "already exists"); everything
else stays a gap for a model. The report shows which test stands for which criterion.
"""

from __future__ import annotations

import re

from agent.backlog.schema import BacklogItem
from agent.spec.types import CriterionTest, EntitySpec, FieldSpec, Gap, Operation

PHRASES = [
    (re.compile(r"too many|rate[- ]limit|\b429\b", re.I), 429),
    (re.compile(r"already (exists|registered|taken)|duplicate|conflict|\b409\b", re.I), 409),
    (
        re.compile(
            r"without (a |an )?(valid )?token|unauthori[sz]ed|unauthenticated|\b401\b", re.I
        ),
        401,
    ),
    (re.compile(r"not found|does not exist|\b404\b", re.I), 404),
    (re.compile(r"invalid|validation|rejected|\b422\b|\b400\b", re.I), 422),
    (re.compile(r"\b204\b|no content", re.I), 204),
    (re.compile(r"\b201\b|is created|are created|gets created", re.I), 201),
    (re.compile(r"\b200\b|returns? (a |the )?(list|page|token)|paginated", re.I), 200),
]
BUSINESS = re.compile(  # a rule in the criterion: only a model's test can show it
    r"\bcannot\b|\bcan't\b|\bmust not\b|\bonly\b|\bnot allowed\b|\bunless\b|\bback to\b|"
    r"\bbefore\b|\bafter\b|\bmore than\b|\bless than\b|\bexceed|\bfull\b|\bcapacity\b.*"
    r"\b(reached|refuses?|beyond|over)\b|\bsold out\b|\bno more\b|\boverlap",
    re.I,
)
RULE_STATUSES = {200, 201, 204, 409, 422}
INVALID = re.compile(r"invalid|validation|rejected|malformed|bad request|missing|wrong type", re.I)
BOUNDS = [  # the bound a validation criterion names: its test breaks that one, no other
    (
        re.compile(r"shorter than|too short|at least|fewer than|minimum|below|negative", re.I),
        "min",
    ),
    (re.compile(r"longer than|too long|at most|maximum|above", re.I), "max"),
]
OUT_OF_REACH = re.compile(
    r"another user|other user|someone else|total|sum|average|percent|progress|count of|"
    r"cannot exceed|at most \d+ (?!requests|attempts|calls)|email is sent|notif|webhook",
    re.I,
)
SCENARIOS: dict[int, list[tuple[str, tuple[str, ...]]]] = {
    201: [("created", ("create", "register"))],
    200: [("ok", ("list", "read", "update", "replace", "login", "me"))],
    204: [("deleted", ("delete",))],
    404: [
        ("not_found", ("read", "update", "replace", "delete")),
        ("parent_not_found", ("*parent",)),
    ],
    409: [("conflict", ("create", "register", "replace"))],
    422: [("invalid", ("create", "register", "replace", "update", "action"))],
    401: [("bad_credentials", ("login",)), ("unauthorized", ("*auth",))],
    429: [("rate_limited", ("*limited",))],
}
VERBS = {
    "register": "register",
    "sign up": "register",
    "log in": "login",
    "login": "login",
    "list": "list",
    "delete": "delete",
    "remove": "delete",
    "update": "update",
    "create": "create",
    "add": "create",
    "read": "read",
    "fetch": "read",
    "get": "read",
}


def _status(text: str) -> int | None:
    return next((code for pattern, code in PHRASES if pattern.search(text)), None)


def _named(text: str, ops: list[Operation]) -> list[Operation]:
    """Ops the criterion names by `METHOD /path`; else those of the entity it names
    ("Booking a place returns 201": the bookings, not the lessons it books into), narrowed
    by a verb; else by a verb; else all of them."""
    explicit = [o for o in ops if f"{o.method} {o.path}".lower() in text.lower()]
    if explicit:
        return explicit
    words = {kind for verb, kind in VERBS.items() if re.search(rf"\b{verb}\b", text, re.I)}
    verbal = [o for o in ops if o.kind in words]
    spoken = set(re.findall(r"[a-z]+", text.lower()))
    nouns = [o for o in ops if o.entity and _noun_forms(o.entity) & spoken]
    named = [o for o in nouns if o.kind in words] or nouns
    return named or verbal or ops


def _noun_forms(entity: str) -> set[str]:
    """How a text names an entity: `StockLine` as "stock line(s)" or "stockline(s)",
    judged on its last word (`line`, `lines`) joined to the rest."""
    parts = re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", entity)
    last = parts[-1].lower() if parts else entity.lower()
    return {last, f"{last}s", f"{last}es", last.removesuffix("y") + "ies"}


def _fits(  # noqa: PLR0911
    op: Operation, kinds: tuple[str, ...], entities: dict[str, EntitySpec], text: str
) -> bool:
    if "*auth" in kinds:
        return op.auth_required
    if "*limited" in kinds:
        return op.rate_limit is not None
    if "*parent" in kinds:  # a create under a parent that does not exist
        parent = entities.get(op.parent_entity or "")
        return op.kind == "create" and parent is not None and not parent.is_user
    if op.kind not in kinds:
        return False
    if kinds == SCENARIOS[422][0][1]:
        named = {int(c) for c in re.findall(r"\b(400|422)\b", text)}
        return (not named or op.invalid_status in named) and bool(op.body)
    entity = entities.get(op.entity or "")
    if kinds == SCENARIOS[409][0][1]:
        return entity is not None and any(i.unique for i in entity.indexes)
    return True


def match(
    item: BacklogItem, index: int, text: str, ops: list[Operation], entities: dict[str, EntitySpec]
) -> CriterionTest | Gap:
    """The generated test for one criterion, or the gap saying why there is none."""
    status = _status(text)
    business = status in RULE_STATUSES and BUSINESS.search(text) is not None
    bounded = any(pattern.search(text) for pattern, _ in BOUNDS)
    if status == 422 and not (INVALID.search(text) or bounded or re.search(r"\b422\b", text)):
        business = True  # a bare 400 for something no schema says ("dividing by zero")
    if status is None or OUT_OF_REACH.search(text) or business:
        return Gap(
            item_id=item.id,
            kind="criterion",
            text=text,
            reason="needs behaviour beyond the spec's endpoints and schemas",
        )
    candidates = _named(text, ops)
    breaks = next((bound for pattern, bound in BOUNDS if pattern.search(text)), None)
    scenarios = SCENARIOS.get(status, [])
    if status == 404 and _says_create(text):  # "adding a line to an invoice that does not exist"
        scenarios = sorted(scenarios, key=lambda s: s[0] != "parent_not_found")
    for scenario, kinds in scenarios:
        for op in (o for o in candidates if _fits(o, kinds, entities, text)):
            field = _named_field(text, op, breaks) if scenario == "invalid" else None
            if scenario == "invalid" and field is None and _mentions_any_field(text, ops):
                continue
            if field is not None and breaks is None:
                breaks = _bound_of_value(text, next(f for f in op.body if f.name == field))
            return CriterionTest(
                item_id=item.id,
                index=index,
                text=text,
                scenario=scenario,
                handler=op.handler,
                field=field,
                breaks=breaks if field else None,
                test_name=f"test_ac_{_slug(item.id)}_{index + 1}_{scenario}",
            )
    return Gap(
        item_id=item.id,
        kind="criterion",
        text=text,
        reason=f"no endpoint of this item can show a {status} for it",
    )


def _says_create(text: str) -> bool:
    return any(
        kind == "create" and re.search(rf"\b{verb}", text, re.I) for verb, kind in VERBS.items()
    )


def _named_field(text: str, op: Operation, breaks: str | None) -> str | None:
    """The body field a criterion names and the scaffold can break (`isbn`, `email`), in
    the way its words say (`breaks`: a password *shorter than* 8 needs a min_length)."""
    from agent.scaffold.examples import invalid

    for field in op.body:
        spoken = field.name.replace("_", " ")
        if (
            re.search(rf"\b({re.escape(field.name)}|{re.escape(spoken)})s?\b", text, re.I)
            and invalid(field, breaks) is not None
        ):
            return field.name
    return None


def _bound_of_value(text: str, field: FieldSpec) -> str | None:
    """The bound a value the criterion names for `field` breaks: "a capacity of 0" where
    the minimum is 1 is "min"; above the maximum, "max"; None when it names no number."""
    spoken = re.escape(field.name.replace("_", " "))
    found = re.search(
        rf"\b(?:{re.escape(field.name)}|{spoken})s?\s+(?:of|=|is|at)?\s*(-?\d+(?:\.\d+)?)\b",
        text,
        re.I,
    ) or re.search(rf"(-?\d+(?:\.\d+)?)\s+(?:{re.escape(field.name)}|{spoken})s?\b", text, re.I)
    if found is None:
        return None
    value = float(found[1])
    if field.minimum is not None and value < field.minimum:
        return "min"
    if field.maximum is not None and value > field.maximum:
        return "max"
    return None


def _mentions_any_field(text: str, ops: list[Operation]) -> bool:
    names = {f.name for o in ops for f in o.body}
    return any(re.search(rf"\b{re.escape(n.replace('_', ' '))}\b", text, re.I) for n in names)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
