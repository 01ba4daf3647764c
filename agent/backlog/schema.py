"""The Input Schema of the seed (`backend-engineer-agent.md`), as pydantic models.

Every model forbids unknown keys, so a typo in a backlog is an error with its path rather
than a silently ignored field. `entities` accept plain names or objects with fields.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

HttpMethod = Literal["GET", "POST", "PUT", "DELETE", "PATCH"]
# `100/minute`, `100 per minute`, `10/s`, `1000/hours`: a count, then a unit (its first
# letter is what counts: second, minute, hour, day).
RATE_LIMIT = re.compile(
    r"^\s*(\d+)\s*(?:/|per\b)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\s*$",
    re.IGNORECASE,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


EndpointKind = Literal[
    "create", "list", "read", "update", "replace", "delete", "register", "login", "me", "action"
]


class ApiRequirement(_Strict):
    """One endpoint, exactly as the backlog writes it.

    `request_schema` is a JSON Schema object, or a shorthand `{"field": "type"}`; for GET
    and DELETE it describes the query parameters. `rate_limit` reads like `100/minute`
    (empty: no limit).

    Two optional keys beyond the seed's Input Schema: `kind` says outright what the
    endpoint is (a CRUD operation, an auth endpoint, or an `action` that computes or acts
    and stores nothing of its own), where the path alone would be read otherwise;
    `responses` maps each status code the endpoint answers to when it does
    (`{"200": "The sum", "400": "Invalid input", "404": "Cart not found"}`), as an OpenAPI
    document's `responses` do.
    """

    method: HttpMethod
    endpoint: str = Field(pattern=r"^/[A-Za-z0-9_\-./{}]*$")
    description: str = ""
    request_schema: dict[str, Any] = Field(default_factory=dict)
    response_schema: dict[str, Any] = Field(default_factory=dict)
    auth_required: bool = False
    rate_limit: str | None = None
    kind: EndpointKind | None = None
    responses: dict[str, str] = Field(default_factory=dict)

    @field_validator("method", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("kind", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("responses", mode="before")
    @classmethod
    def _codes(cls, value: object) -> object:
        """Keys are status codes (`200`, `"404"`); a value may be null (no description)."""
        if not isinstance(value, dict):
            return value
        out: dict[str, object] = {}
        for code, text in value.items():
            key = str(code).strip()
            if not re.fullmatch(r"[1-5]\d\d", key):
                raise ValueError(f"{key!r} is not a status code (100-599)")
            out[key] = "" if text is None else text
        return out

    @field_validator("rate_limit", mode="before")
    @classmethod
    def _no_limit(cls, value: object) -> object:
        """An empty rate limit means none."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("rate_limit")
    @classmethod
    def _rate(cls, value: str | None) -> str | None:
        if value is not None and not RATE_LIMIT.match(value):
            raise ValueError(
                "must read like '100/minute' or '100 per minute' (second, minute, hour or day)"
            )
        return value

    @property
    def key(self) -> str:
        return f"{self.method} {self.endpoint}"


class BusinessLogic(_Strict):
    """Free-text rules, validations and calculations: what a model implements."""

    rules: list[str] = Field(default_factory=list)
    validations: list[str] = Field(default_factory=list)
    calculations: list[str] = Field(default_factory=list)


class EntitySpec(_Strict):
    """An entity given as an object: a name and its fields (`{"email": "email"}` or schemas)."""

    name: str = Field(min_length=1)
    fields: dict[str, Any] = Field(default_factory=dict)
    description: str = ""


class DataRequirements(_Strict):
    """Entities, relationships and indexes the item needs."""

    entities: list[str | EntitySpec] = Field(default_factory=list)
    relationships: list[str | dict[str, Any]] = Field(default_factory=list)
    indexes: list[str | dict[str, Any]] = Field(default_factory=list)


class BacklogItem(_Strict):
    """One user story with its endpoints, rules, data and acceptance criteria."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    user_story: str = Field(min_length=1)
    api_requirements: list[ApiRequirement] = Field(default_factory=list)
    business_logic: BusinessLogic = Field(default_factory=BusinessLogic)
    data_requirements: DataRequirements = Field(default_factory=DataRequirements)
    acceptance_criteria: list[str] = Field(default_factory=list)
    priority: int = Field(ge=1, le=100)
    depends_on: list[str] = Field(default_factory=list)


class PerformanceRequirements(_Strict):
    response_time_p95: str | None = None
    requests_per_second: str | None = None
    concurrent_users: str | None = None


class SecurityRequirements(_Strict):
    authentication: str | None = None
    encryption: str | None = None
    compliance: list[str] = Field(default_factory=list)


class TechnicalConstraints(_Strict):
    stack: list[str] = Field(default_factory=list)
    performance_requirements: PerformanceRequirements = Field(
        default_factory=PerformanceRequirements
    )
    security_requirements: SecurityRequirements = Field(default_factory=SecurityRequirements)


class IntegrationPoint(_Strict):
    """Another service the backlog names. `credentials` is kept opaque and never logged."""

    service: str
    type: Literal["REST", "GraphQL", "gRPC", "Message Queue"]
    credentials: str | None = Field(default=None, repr=False)


class Backlog(_Strict):
    """A whole backlog file."""

    backlog_items: list[BacklogItem] = Field(min_length=1)
    technical_constraints: TechnicalConstraints = Field(default_factory=TechnicalConstraints)
    integration_points: list[IntegrationPoint] = Field(default_factory=list)
    deployment_target: Literal["dev", "staging", "production"] = "dev"

    def by_priority(self) -> list[BacklogItem]:
        """Items in the order they run: highest priority first, then as written."""
        order = sorted(enumerate(self.backlog_items), key=lambda p: (-p[1].priority, p[0]))
        return [item for _, item in order]
