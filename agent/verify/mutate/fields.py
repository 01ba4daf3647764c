"""The validation mutant: one constraint of one request field removed.

Bounds: `min` (min_length, ge, gt), `max` (max_length, le, lt), `pattern`, `format`
(EmailStr, HttpUrl, UUID, date… become `str`), `enum` (a Literal or an Enum becomes
`str`), `required` (the field gets a default of None), `any` (the field takes any value:
its type becomes `object`, every constraint and its own validators go). The field is looked
for in the request models of the named endpoints' handlers (and their bases), else (the
handlers name no model that has it) in every model of the service; and among the declared
parameters of every function (`limit: Annotated[int, Query(le=50)]`).
"""

from __future__ import annotations

import ast
import re
from typing import Any

from .source import Function, Module, calls, handlers_of

KEYWORDS = {
    "min": {"min_length", "min_items", "ge", "gt"},
    "max": {"max_length", "max_items", "le", "lt"},
    "pattern": {"pattern", "regex"},
}
EVERY_CONSTRAINT = {
    *KEYWORDS["min"],
    *KEYWORDS["max"],
    *KEYWORDS["pattern"],
    "strict",
    "multiple_of",
    "max_digits",
    "decimal_places",
    "allow_inf_nan",
}
FORMAT_TYPES = {
    "EmailStr",
    "NameEmail",
    "AnyUrl",
    "AnyHttpUrl",
    "HttpUrl",
    "UUID",
    "UUID4",
    "date",
    "datetime",
    "time",
    "IPvAnyAddress",
}
ENUM_BASES = {"Enum", "StrEnum", "IntEnum"}
VALIDATORS = {"field_validator", "validator"}


def _named(name: str) -> set[str]:
    return {name, re.sub(r"\W", "_", name)}


def _alias(node: ast.AST) -> set[str]:
    return {
        str(k.value.value)
        for call in calls(node)
        for k in call.keywords
        if k.arg in {"alias", "validation_alias"} and isinstance(k.value, ast.Constant)
    }


def _strip(node: ast.AST | None, names: set[str]) -> int:
    """Remove keyword arguments `names` from every call under `node`."""
    removed = 0
    for call in calls(node) if node is not None else []:
        kept = [k for k in call.keywords if k.arg not in names]
        removed += len(call.keywords) - len(kept)
        call.keywords = kept
    return removed


class _Retype(ast.NodeTransformer):
    """Names (or Literal[...] subscripts) a bound picks, replaced by `str`."""

    def __init__(self, names: set[str], literal: bool) -> None:
        self.names, self.literal, self.edits = names, literal, 0

    def _str(self, node: ast.expr) -> ast.expr:
        self.edits += 1
        return ast.copy_location(ast.Name(id="str", ctx=ast.Load()), node)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return self._str(node) if node.id in self.names else node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        return self._str(node) if node.attr in self.names else node

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        head = node.value
        name = head.id if isinstance(head, ast.Name) else getattr(head, "attr", "")
        if self.literal and name == "Literal":
            return self._str(node)
        self.generic_visit(node)
        return node


def _retype(node: ast.AnnAssign, names: set[str], literal: bool) -> int:
    change = _Retype(names, literal)
    node.annotation = change.visit(node.annotation)
    return change.edits


def _anything(node: ast.AnnAssign) -> int:
    """The annotation's type becomes `object` (an `Annotated[...]` keeps its metadata)."""
    ann = node.annotation
    obj = ast.Name(id="object", ctx=ast.Load())
    is_annotated = isinstance(ann, ast.Subscript) and "Annotated" in ast.unparse(ann.value)
    if isinstance(ann, ast.Subscript) and is_annotated and isinstance(ann.slice, ast.Tuple):
        ann.slice.elts[0] = obj
        kept = [e for e in ann.slice.elts if not _exact(e)]  # its JSON type goes with it
        ann.slice.elts = kept
        if len(kept) == 1:
            node.annotation = obj
    else:
        node.annotation = obj
    return 1 + _strip(node.annotation, EVERY_CONSTRAINT) + _strip(node.value, EVERY_CONSTRAINT)


def _exact(node: ast.expr) -> bool:
    """`exact_json(int)`: the scaffold's check that a number or boolean is not text."""
    return isinstance(node, ast.Call) and ast.unparse(node.func).endswith("exact_json")


def _optional(node: ast.AnnAssign) -> int:
    """The field may be left out: a default of None where it had none."""
    none = ast.Constant(value=None)
    value = node.value
    if value is None:
        node.value = none
        return 1
    if not isinstance(value, ast.Call):
        return 0
    if value.args and isinstance(value.args[0], ast.Constant) and value.args[0].value is ...:
        value.args[0] = none
        return 1
    if not value.args and not any(k.arg in {"default", "default_factory"} for k in value.keywords):
        value.keywords.append(ast.keyword(arg="default", value=none))
        return 1
    return 0


def _bound(node: ast.AnnAssign, bound: str, enums: set[str]) -> int:
    if bound in KEYWORDS:
        return _strip(node.annotation, KEYWORDS[bound]) + _strip(node.value, KEYWORDS[bound])
    if bound == "format":
        return _retype(node, FORMAT_TYPES, literal=False)
    if bound == "enum":
        return _retype(node, enums, literal=True)
    if bound == "required":
        return _optional(node)
    return _anything(node)


def _classes(modules: list[Module]) -> dict[str, tuple[Module, ast.ClassDef]]:
    return {
        n.name: (m, n) for m in modules for n in ast.walk(m.tree) if isinstance(n, ast.ClassDef)
    }


def _annotation_names(function: Function) -> set[str]:
    args = [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]
    found = set()
    for arg in args:
        for node in ast.walk(arg.annotation) if arg.annotation is not None else []:
            if isinstance(node, ast.Name):
                found.add(node.id)
            elif isinstance(node, ast.Attribute):
                found.add(node.attr)
    return found


def _with_bases(names: set[str], classes: dict[str, tuple[Module, ast.ClassDef]]) -> set[str]:
    todo, seen = [n for n in names if n in classes], set[str]()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        bases = classes[name][1].bases
        todo += [b.id for b in bases if isinstance(b, ast.Name) and b.id in classes]
    return seen


def _matches(node: ast.stmt, field: str | None) -> bool:
    if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
        return False
    if field is None:
        return not node.target.id.startswith("_") and node.target.id != "model_config"
    names = _named(field)
    return (
        node.target.id.rstrip("_") in names
        or node.target.id in names
        or bool(_alias(node) & {field})
    )


def _validators_off(cls: ast.ClassDef, field: str | None) -> int:
    """The class's own validators of `field` return the value they were given."""
    off = 0
    for node in cls.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or len(node.args.args) < 2:
            continue
        for decorator in node.decorator_list:
            if not isinstance(decorator, ast.Call) or _callee(decorator) not in VALIDATORS:
                continue
            named = {a.value for a in decorator.args if isinstance(a, ast.Constant)}
            if field in named or (field is None and named and "*" not in named):
                node.body = [ast.Return(value=ast.Name(id=node.args.args[1].arg, ctx=ast.Load()))]
                off += 1
    return off


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _declared(function: Function, field: str) -> list[tuple[ast.arg, ast.expr | None]]:
    """The parameters named `field`, each with its default."""
    a = function.args
    positional = [*a.posonlyargs, *a.args]
    padded: list[ast.expr | None] = [None] * (len(positional) - len(a.defaults))
    pairs = list(zip(positional, [*padded, *a.defaults], strict=True))
    pairs += list(zip(a.kwonlyargs, a.kw_defaults, strict=True))
    return [(arg, default) for arg, default in pairs if arg.arg in _named(field)]


def _params(function: Function, field: str | None, bound: str) -> int:
    """A declared parameter (`limit: Annotated[int, Query(le=50)]`) loses the bound."""
    if field is None or bound not in KEYWORDS:
        return 0
    names = KEYWORDS[bound]
    pairs = _declared(function, field)
    return sum(_strip(arg.annotation, names) + _strip(default, names) for arg, default in pairs)


def validation(modules: list[Module], mutant: dict[str, Any]) -> None:
    field, bound = mutant.get("field"), str(mutant.get("bound") or "any")
    named = handlers_of(modules, [(str(m), str(p)) for m, p in mutant.get("endpoints") or []])
    classes = _classes(modules)
    enums = {
        name
        for name, (_, cls) in classes.items()
        if any(getattr(b, "id", getattr(b, "attr", "")) in ENUM_BASES for b in cls.bases)
    }
    chosen = _with_bases(set().union(*(_annotation_names(h.function) for h in named)), classes)
    if field is not None and not any(
        _matches(n, field) for c in chosen for n in classes[c][1].body
    ):
        chosen = set(classes)  # the handlers name no model that has it: every model
    for name in chosen:
        module, cls = classes[name]
        for node in cls.body:
            if _matches(node, field) and isinstance(node, ast.AnnAssign):
                module.edits += _bound(node, bound, enums)
        if bound == "any":
            module.edits += _validators_off(cls, field)
    for module in modules:  # a dependency's parameters count as much as a handler's
        for found in ast.walk(module.tree):
            if isinstance(found, ast.FunctionDef | ast.AsyncFunctionDef):
                module.edits += _params(found, field, bound)
