"""Python source fragments for templates: annotations, columns, literals.

Templates stay presentation-only; the choice of a type or a constraint lives here.
"""

from __future__ import annotations

from agent.spec.types import FieldSpec

INT64 = 2**63 - 1
PY_TYPES = {
    "string": "str",
    "text": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "uuid": "uuid.UUID",
    "datetime": "datetime",
    "date": "date",
    "json": "dict[str, Any]",
    "array": "list[Any]",
    "any": "Any",
}
SA_TYPES = {
    "text": "Text()",
    "integer": "BigInteger()",
    "number": "Float()",
    "boolean": "Boolean()",
    "uuid": "Uuid()",
    "datetime": "DateTime(timezone=True)",
    "date": "Date()",
    "json": "JSON()",
    "array": "JSON()",
    "any": "JSON()",
}
MAPPED = {
    "string": "str",
    "text": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "uuid": "uuid.UUID",
    "datetime": "datetime",
    "date": "date",
    "json": "dict[str, Any]",
    "array": "list[Any]",
    "any": "Any",
}


def py_type(field: FieldSpec) -> str:
    """The annotation of a field in a pydantic model."""
    if field.enum:
        return "Literal[" + ", ".join(repr(v) for v in field.enum) + "]"
    if field.format == "email":
        return "EmailStr"
    if field.format == "uri":
        # Validated as a URL, handed to the database as the text it is (asyncpg takes str).
        return "Annotated[AnyHttpUrl, PlainSerializer(str, return_type=str)]"
    if field.type == "any" and field.union:
        return " | ".join(PY_TYPES[t] for t in field.union)  # str | int: exactly those
    return PY_TYPES[field.type]


def ecma_end(pattern: str) -> str:
    """`pattern` for Python's `re` with JSON Schema's (ECMA-262) `$`: the end of the text,
    not also before a final newline (`^[A-Z0-9]+$` must refuse "PROBE1\\n")."""
    out, escaped, in_class = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            out.append("(?!\\n)")
        out.append(char)
    return "".join(out)


def _constraints(field: FieldSpec) -> list[str]:
    args = []
    for key, name in (
        ("min_length", "min_length"),
        ("max_length", "max_length"),
        ("pattern", "pattern"),
    ):
        value = getattr(field, key)
        if key == "pattern" and value is not None:
            value = ecma_end(value)
        if value is not None and not field.enum and field.format not in {"email", "uri"}:
            args.append(f"{name}={value!r}")
    if field.type in {"integer", "number"} and not field.enum:
        low = (
            field.minimum
            if field.minimum is not None
            else (-INT64 if field.type == "integer" else None)
        )
        high = (
            field.maximum
            if field.maximum is not None
            else (INT64 if field.type == "integer" else None)
        )
        cast = int if field.type == "integer" else float
        if low is not None:
            args.append(f"ge={cast(low)!r}")
        if high is not None:
            args.append(f"le={cast(high)!r}")
        if field.type == "number":
            args.append("allow_inf_nan=False")
    return args


def _alias(field: FieldSpec) -> list[str]:
    """`alias=` for a field whose Python name is not its name on the wire."""
    return [f"alias={field.name!r}"] if field.attr != field.name else []


EXACT = {"integer": "int", "number": "float", "boolean": "bool"}  # types JSON writes exactly


def request_field(
    field: FieldSpec, partial: bool = False, extra: str = "", body: bool = True
) -> str:
    """`name: Annotated[T, Field(...)] = default` for a request (or query) model, read from
    the wire under the backlog's name only; `extra`: more metadata for `Annotated`. A
    body's number or boolean is taken only as JSON writes it (`exact_json`); a query
    parameter is text and is converted."""
    annotation = py_type(field)
    if body and field.type in EXACT and not field.enum and not extra:
        extra = f"exact_json({EXACT[field.type]})"
    args = _alias(field) + _constraints(field)
    required = field.required and not partial
    default = "" if required else " = None"
    if not required and field.default is not None and not partial:
        default = f" = {field.default!r}"
    elif not required:
        annotation = f"{annotation} | None"
    meta = ([f"Field({', '.join(args)})"] if args else []) + ([extra] if extra else [])
    inner = f"Annotated[{', '.join([annotation, *meta])}]" if meta else annotation
    return f"{field.attr}: {inner}{default}"


def query_field(field: FieldSpec) -> str:
    """A query model's field: optional, and a non-string enum's text (`?minutes=45`) read as
    its JSON type (`from_query(int)`) before its `Literal[15, 30, 45]` checks it."""
    kind = PY_TYPES[field.type] if field.enum and field.type != "string" else ""
    return request_field(
        field, partial=True, extra=f"from_query({kind})" if kind else "", body=False
    )


def response_field(field: FieldSpec, strict: bool = False) -> str:
    """`name: T | None = None` for a response model (responses are never re-validated);
    `strict`: a required field is `name: T`, so an answer without it is an error (an
    action's response, which no row fills).

    A renamed field is read from the row by its attribute and written under the backlog's
    name (FastAPI serializes responses by alias)."""
    annotation = py_type(field)
    if field.format in {"email", "uri"} or field.enum:
        annotation = "str" if field.type == "string" else PY_TYPES[field.type]
    required = strict and field.required
    typed = annotation if required else f"{annotation} | None"
    default = "" if required else " = None"
    if field.attr == field.name:
        return f"{field.name}: {typed}{default}"
    alias = f"Field(serialization_alias={field.name!r})"
    return f"{field.attr}: Annotated[{typed}, {alias}]{default}"


def sa_type(field: FieldSpec) -> str:
    """The SQLAlchemy type of a column (`String(120)`, `Text()`, `BigInteger()` …)."""
    if field.secret:
        return "String(100)"
    if field.type == "string":
        return f"String({field.max_length})" if field.max_length else "Text()"
    return SA_TYPES[field.type]


def _column_name(field: FieldSpec) -> str:
    return f"{field.name}_hash" if field.secret else field.name


def _attr_name(field: FieldSpec) -> str:
    return field.hash_attr if field.secret else field.attr


def _named(field: FieldSpec) -> str:
    """The column's name as `mapped_column`'s first argument, when the attribute's differs."""
    name = _column_name(field)
    return f"{name!r}, " if _attr_name(field) != name else ""


def column(field: FieldSpec, ref_table: str | None = None) -> str:
    """`attr: Mapped[T | None] = mapped_column(...)` for the ORM model."""
    if ref_table:
        return (
            f"{field.attr}: Mapped[uuid.UUID | None] = mapped_column({_named(field)}"
            f'Uuid(), ForeignKey("{ref_table}.id", ondelete="CASCADE"))'
        )
    if field.secret:  # an optional secret may be left out: its hash column takes null
        mapped = "str" if field.required else "str | None"
        made = f"mapped_column({_named(field)}{sa_type(field)})"
        return f"{_attr_name(field)}: Mapped[{mapped}] = {made}"
    default = f", default={field.default!r}" if field.default is not None else ""
    return (
        f"{field.attr}: Mapped[{MAPPED[field.type]} | None] = "
        f"mapped_column({_named(field)}{sa_type(field)}{default})"
    )


def migration_column(field: FieldSpec, ref_table: str | None = None) -> str:
    """`sa.Column(...)` in an Alembic migration, matching `column`."""
    if ref_table:
        return (
            f'sa.Column("{field.name}", sa.Uuid(), sa.ForeignKey("{ref_table}.id", '
            f'ondelete="CASCADE"), nullable=True)'
        )
    nullable = "False" if field.secret and field.required else "True"
    default = f", server_default={str(field.default)!r}" if field.default is not None else ""
    return f'sa.Column("{_column_name(field)}", sa.{sa_type(field)}, nullable={nullable}{default})'
