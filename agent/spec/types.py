"""The service spec: what the spec compiler understood of a backlog, before any code.

Plain pydantic models, so the spec can be saved in the repo's manifest, diffed against
the next backlog's, and rendered by templates without any logic of their own.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from agent.spec.names import identifier, snake

FieldType = Literal[
    "string",
    "text",
    "integer",
    "number",
    "boolean",
    "uuid",
    "datetime",
    "date",
    "json",
    "array",
    "any",  # a union of shapes (`oneOf: [string, integer]`): any JSON value
]
EnumValue = str | int | float | bool  # as the backlog's JSON writes it
OpKind = Literal[
    "create", "list", "read", "update", "replace", "delete", "register", "login", "me", "action"
]


class FieldSpec(BaseModel):
    """One field of an entity or of a request/response body, with its constraints.

    `name` is the field as the backlog writes it: its JSON key, query parameter and column.
    `attr` is its name in the generated Python (models, schemas, rules, factories): `name`
    when that is a safe identifier, else a safe one (`from_`) that the compiler keeps
    distinct from its neighbours' (`agent.spec.identifiers`).
    """

    name: str
    attr: str = ""
    type: FieldType = "string"
    format: str | None = None  # email, uri, date-time, uuid …
    required: bool = False
    nullable: bool = True
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    enum: list[EnumValue] | None = None  # of the field's own JSON type (`[15, 30]`, `["a"]`)
    default: Any = None
    example: Any = None
    union: list[FieldType] | None = None  # for `any`: the branches' types, where they say
    secret: bool = False  # a password: stored as a bcrypt hash, never returned
    unique: bool = False

    @model_validator(mode="after")
    def _default_attr(self) -> FieldSpec:
        self.attr = self.attr or identifier(self.name)
        return self

    @property
    def hash_attr(self) -> str:
        """The attribute that holds a secret's bcrypt hash (`password_hash`, `pass_hash`)."""
        return f"{self.attr.rstrip('_')}_hash"


class IndexSpec(BaseModel):
    """A database index on one table."""

    name: str
    table: str
    columns: list[str]
    unique: bool = False


class ForeignKey(BaseModel):
    """`table.column` references `ref_table.id` (a many-to-one relationship)."""

    table: str
    column: str
    ref_entity: str
    ref_table: str


class EntitySpec(BaseModel):
    """A table: its columns (beyond id, created_at, updated_at, deleted_at) and keys."""

    name: str  # PascalCase, singular
    table: str  # snake_case, plural
    module: str  # snake_case, singular, safe to import (`class_` for `Class`)
    item_id: str  # the first item (by priority) that needs it
    fields: list[FieldSpec] = Field(default_factory=list)
    foreign_keys: list[ForeignKey] = Field(default_factory=list)
    indexes: list[IndexSpec] = Field(default_factory=list)
    owner_column: str | None = None  # FK to the user entity, set from the token
    owner_chain: list[ForeignKey] = Field(default_factory=list)  # FK hops to the user
    is_user: bool = False

    @property
    def noun(self) -> str:
        """The snake_case name (`order_item`, `class`) its table, foreign keys, handlers and
        factories are named from; `module` is the same made safe to import."""
        return snake(self.name)

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    def attr_of(self, column: str) -> str:
        """The Python attribute of a column (a foreign key, the login field)."""
        found = self.field(column)
        return found.attr if found else identifier(column)


class RateLimit(BaseModel):
    count: int
    seconds: int
    text: str


class Flow(BaseModel):
    """A value one endpoint takes from another's answer: `cart_id` in the body of
    `POST /add_to_cart` is the `cart_id` that `POST /create_cart` answers. Generated tests
    and probes obtain it from the producer instead of inventing one."""

    name: str  # the consumer's path parameter, body field or query parameter
    location: Literal["path", "body", "query"]
    producer: str  # the producing operation's handler
    method: str
    path: str
    field: str  # the producer's response field that holds the value


class Operation(BaseModel):
    """One endpoint as written in the backlog, and how the scaffold implements it."""

    item_id: str
    method: str
    path: str
    kind: OpKind
    entity: str | None
    handler: str
    description: str = ""
    auth_required: bool = False
    rate_limit: RateLimit | None = None
    path_params: list[str] = Field(default_factory=list)
    item_param: str | None = None  # the path parameter naming this entity's id
    parent_param: str | None = None  # e.g. project_id in /projects/{project_id}/tasks
    parent_entity: str | None = None
    parent_column: str | None = None
    body: list[FieldSpec] = Field(default_factory=list)
    query: list[FieldSpec] = Field(default_factory=list)
    response: list[FieldSpec] | None = None  # None: the entity's public fields
    status_code: int = 200  # of a success: as the backlog declares it, else the convention
    kind_reason: str = ""  # why the plan read the endpoint as this kind
    status_reason: str = ""  # where the success code came from
    invalid_status: int = 422  # for a request its schema refuses (400 where declared)
    responses: dict[int, str] = Field(default_factory=dict)  # every code the backlog gives
    flows: list[Flow] = Field(default_factory=list)


GapKind = Literal[
    "rule", "validation", "calculation", "endpoint", "relationship", "index", "criterion"
]


class Gap(BaseModel):
    """Something in the backlog the scaffold did not implement, with why."""

    item_id: str
    kind: GapKind
    text: str
    reason: str


class CriterionTest(BaseModel):
    """An acceptance criterion the scaffold can express as a generated test."""

    item_id: str
    index: int
    text: str
    scenario: str  # e.g. create_created, read_not_found, auth_missing_token
    handler: str  # the operation's handler the scenario drives
    test_name: str
    field: str | None = None  # the body field the criterion names (for `invalid`)
    breaks: str | None = None  # the bound its words name: "min" (shorter than) or "max"


class ServiceSpec(BaseModel):
    """Everything the templates need, for the whole backlog."""

    title: str = "Generated service"
    entities: list[EntitySpec] = Field(default_factory=list)
    operations: list[Operation] = Field(default_factory=list)
    criteria_tests: list[CriterionTest] = Field(default_factory=list)
    gaps: list[Gap] = Field(default_factory=list)
    user_entity: str | None = None
    login_field: str | None = None

    def entity(self, name: str | None) -> EntitySpec | None:
        return next((e for e in self.entities if e.name == name), None)

    def op(self, handler: str) -> Operation:
        return next(o for o in self.operations if o.handler == handler)

    def item_ids(self) -> list[str]:
        seen: list[str] = []
        for o in self.operations:
            if o.item_id not in seen:
                seen.append(o.item_id)
        return seen

    def slice(self, item_ids: set[str]) -> ServiceSpec:
        """The part of the spec that items `item_ids` bring (entities, endpoints, tests)."""
        return self.model_copy(
            update={
                "entities": [e for e in self.entities if e.item_id in item_ids],
                "operations": [o for o in self.operations if o.item_id in item_ids],
                "criteria_tests": [t for t in self.criteria_tests if t.item_id in item_ids],
                "gaps": [g for g in self.gaps if g.item_id in item_ids],
            },
            deep=True,
        )
