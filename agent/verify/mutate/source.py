"""The service's own modules as syntax trees, and what a mutant needs to find in them.

Only `ast`: the code is read, never imported, so a model's own structure (a router with a
prefix, a raise through a module-level exception, a status from `fastapi.status`) is
found the same way the scaffold's is.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

METHODS = {"get", "post", "put", "patch", "delete"}
SKIPPED = {"tests", "__pycache__"}
STATUS_NAME = re.compile(r"HTTP_(\d{3})_")
STATUS_KEYWORDS = {"status_code", "status"}

Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass
class Module:
    """One source file of the service's copy, parsed; `edits` counts what a mutant changed."""

    path: Path
    rel: str
    tree: ast.Module
    edits: int = 0

    def save(self) -> None:
        """Write the mutated tree back (only when something changed)."""
        if self.edits:
            self.path.write_text(ast.unparse(ast.fix_missing_locations(self.tree)) + "\n")


def load(root: Path) -> list[Module]:
    """Every module of the service's code under `root/backend`, its tests left out."""
    modules = []
    for path in sorted((root / "backend").rglob("*.py")):
        rel = path.relative_to(root)
        if SKIPPED & set(rel.parts[:-1]):
            continue
        try:
            tree = ast.parse(path.read_text())
        except (SyntaxError, UnicodeDecodeError):
            continue
        modules.append(Module(path, rel.as_posix(), tree))
    return modules


@dataclass(frozen=True)
class Handler:
    """A route handler: the function FastAPI calls for `method path`."""

    module: Module
    function: Function
    method: str
    path: str


def _route(decorator: ast.expr) -> tuple[str, str] | None:
    """`@router.post("/x", ...)` -> ("POST", "/x")."""
    if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
        return None
    if decorator.func.attr not in METHODS:
        return None
    first = decorator.args[0] if decorator.args else None
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return decorator.func.attr.upper(), first.value
    return None


def handlers(modules: list[Module]) -> list[Handler]:
    found = []
    for module in modules:
        for node in ast.walk(module.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for decorator in node.decorator_list:
                    route = _route(decorator)
                    if route is not None:
                        found.append(Handler(module, node, *route))
    return found


def handlers_of(modules: list[Module], endpoints: list[tuple[str, str]]) -> list[Handler]:
    """The handlers of `endpoints` (method, path as the backlog writes it): the exact path,
    else one a router prefix leaves as its end (`@router.get("/tasks")` under `/api/v1`)."""
    every = handlers(modules)
    chosen = []
    for method, path in endpoints:
        same = [h for h in every if h.method == method]
        exact = [h for h in same if h.path == path]
        chosen += exact or [h for h in same if h.path and path.endswith(h.path)]
    return chosen


@dataclass
class Constants:
    """Module-level names bound to an expression (`UNAUTHORIZED = HTTPException(401, ...)`),
    across every module, so `raise UNAUTHORIZED` has a status wherever it is raised."""

    values: dict[str, ast.expr] = field(default_factory=dict)

    @classmethod
    def of(cls, modules: list[Module]) -> Constants:
        found = cls()
        for module in modules:
            for node in module.tree.body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                    if isinstance(target, ast.Name):
                        found.values[target.id] = node.value
        return found


def _int(node: ast.expr) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    match = STATUS_NAME.match(name)
    return int(match.group(1)) if match else None


def status_of(exc: ast.expr | None, constants: Constants, depth: int = 0) -> int | None:
    """The HTTP status an exception expression carries: `HTTPException(404, ...)`,
    `HTTPException(status_code=status.HTTP_401_UNAUTHORIZED)`, `RuleViolation(m, status=409)`,
    or a module-level name bound to one of these."""
    if exc is None or depth > 3:
        return None
    if isinstance(exc, ast.Name | ast.Attribute):
        name = exc.id if isinstance(exc, ast.Name) else exc.attr
        bound = constants.values.get(name)
        return status_of(bound, constants, depth + 1) if bound is not None else None
    if not isinstance(exc, ast.Call):
        return None
    for keyword in exc.keywords:
        if keyword.arg in STATUS_KEYWORDS:
            return _int(keyword.value)
    return next((code for code in map(_int, exc.args) if code is not None), None)


def raised_name(exc: ast.expr | None) -> str:
    """The class a raise names: `RuleViolation` for `raise RuleViolation(...)`."""
    target = exc.func if isinstance(exc, ast.Call) else exc
    if isinstance(target, ast.Name):
        return target.id
    return target.attr if isinstance(target, ast.Attribute) else ""


RaiseTest = Callable[[ast.Raise, list[Function]], bool]


class RaisesOff(ast.NodeTransformer):
    """Turns each `raise` that `test(raise, enclosing functions)` picks into `pass`."""

    def __init__(self, test: RaiseTest) -> None:
        self.test = test
        self.stack: list[Function] = []
        self.edits = 0

    def _function(self, node: Function) -> Function:
        self.stack.append(node)
        self.generic_visit(node)
        self.stack.pop()
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return self._function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        return self._function(node)

    def visit_Raise(self, node: ast.Raise) -> ast.AST:
        if self.test(node, self.stack):
            self.edits += 1
            return ast.copy_location(ast.Pass(), node)
        return node


def raises_off(modules: list[Module], test: RaiseTest) -> None:
    """Apply `RaisesOff(test)` to every module, counting the edits on each."""
    for module in modules:
        off = RaisesOff(test)
        off.visit(module.tree)
        module.edits += off.edits


def calls(node: ast.AST) -> Iterator[ast.Call]:
    yield from (n for n in ast.walk(node) if isinstance(n, ast.Call))
