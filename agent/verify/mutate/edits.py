"""Mutants that switch one behaviour of the service off, on its syntax trees.

token        the bearer-token check lets a request through: 401 raises outside handlers
credentials  login takes any password: 401 raises inside the named handlers
limit        the rate limiter never refuses: every 429 raise
conflict     no 409: every 409 raise (a rule's too) and the IntegrityError handler
not_found    no 404: every 404 raise
status       no <status>: every raise of that code (a 400 or 403 a criterion names)
endpoint     the named endpoints do nothing: their handlers' bodies raise
rule         one rule module's `raise RuleViolation` statements become `pass`
scope        the named list endpoints list without their scope: `filters[...] = ...` gone
hooks        one rule module's hooks do nothing: `before_*` return what they were given
             (a calculation in a hook, or anything it calls, is taken away)
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from .source import (
    Constants,
    Function,
    Module,
    handlers,
    handlers_of,
    raised_name,
    raises_off,
    status_of,
)

RULES_DIR = "backend/domain/rules/"
RULE_ERROR = "RuleViolation"


def _status_off(modules: list[Module], status: int) -> None:
    constants = Constants.of(modules)
    raises_off(modules, lambda r, _: status_of(r.exc, constants) == status)


def token(modules: list[Module], mutant: dict[str, Any]) -> None:
    constants = Constants.of(modules)
    routed = {id(h.function) for h in handlers(modules)}

    def outside(r: ast.Raise, stack: list[Function]) -> bool:
        in_handler = any(id(f) in routed for f in stack)
        return not in_handler and status_of(r.exc, constants) == 401

    raises_off(modules, outside)


def credentials(modules: list[Module], mutant: dict[str, Any]) -> None:
    constants = Constants.of(modules)
    named = handlers_of(modules, _endpoints(mutant)) or handlers(modules)
    chosen = {id(h.function) for h in named}

    def inside(r: ast.Raise, stack: list[Function]) -> bool:
        return any(id(f) in chosen for f in stack) and status_of(r.exc, constants) == 401

    raises_off(modules, inside)


def limit(modules: list[Module], mutant: dict[str, Any]) -> None:
    _status_off(modules, 429)


def not_found(modules: list[Module], mutant: dict[str, Any]) -> None:
    _status_off(modules, 404)


def status(modules: list[Module], mutant: dict[str, Any]) -> None:
    _status_off(modules, int(mutant["status"]))


def _integrity(node: ast.expr) -> bool:
    return "Integrity" in ast.unparse(node)


class _NoIntegrityHandler(ast.NodeTransformer):
    """`app.add_exception_handler(IntegrityError, ...)` gone, and the decorator
    `@app.exception_handler(IntegrityError)` too: a unique conflict is no longer a 409."""

    def __init__(self) -> None:
        self.edits = 0

    def visit_Expr(self, node: ast.Expr) -> ast.AST:
        call = node.value
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "add_exception_handler"
            and call.args
            and _integrity(call.args[0])
        ):
            self.edits += 1
            return ast.copy_location(ast.Pass(), node)
        return node

    def _function(self, node: Function) -> Function:
        kept = [d for d in node.decorator_list if not (_is_handler_for(d) and _integrity(d))]
        self.edits += len(node.decorator_list) - len(kept)
        node.decorator_list = kept
        self.generic_visit(node)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return self._function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        return self._function(node)


def _is_handler_for(decorator: ast.expr) -> bool:
    func = decorator.func if isinstance(decorator, ast.Call) else None
    return isinstance(func, ast.Attribute) and func.attr == "exception_handler"


def conflict(modules: list[Module], mutant: dict[str, Any]) -> None:
    _status_off(modules, 409)
    for module in modules:
        gone = _NoIntegrityHandler()
        gone.visit(module.tree)
        module.edits += gone.edits


def endpoint(modules: list[Module], mutant: dict[str, Any]) -> None:
    for handler in handlers_of(modules, _endpoints(mutant)):
        stub = ast.parse(f"raise NotImplementedError({'mutant: no ' + handler.path!r})")
        handler.function.body = stub.body
        handler.module.edits += 1


def rule_modules(modules: list[Module]) -> list[str]:
    """The rule modules that raise `RuleViolation` somewhere: one mutant each."""
    return [
        m.rel
        for m in modules
        if m.rel.startswith(RULES_DIR)
        and any(
            isinstance(n, ast.Raise) and raised_name(n.exc) == RULE_ERROR for n in ast.walk(m.tree)
        )
    ]


def rule(modules: list[Module], mutant: dict[str, Any]) -> None:
    chosen = [m for m in modules if m.rel == mutant.get("module")]
    raises_off(chosen, lambda r, _: raised_name(r.exc) == RULE_ERROR)


HOOK = "before_"


def hook_modules(modules: list[Module]) -> list[str]:
    """The rule modules whose hooks do more than hand their input back: one mutant each."""
    return [m.rel for m in modules if m.rel.startswith(RULES_DIR) and _busy_hooks(m)]


def _busy_hooks(module: Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    found = []
    for node in module.tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith(HOOK):
            idle = ast.unparse(_idle(node)[0])
            body = [ast.unparse(s) for s in node.body if not _is_docstring(s)]
            if body not in ([], ["pass"], [idle]):
                found.append(node)
    return found


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)


def _idle(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.stmt]:
    """`return <its last argument>` for a hook that is handed values, else `return None`."""
    args = [a.arg for a in node.args.args]
    given = args[-1] if len(args) >= 2 and args[-1] in {"values", "changes"} else None
    return ast.parse(f"return {given}").body if given else ast.parse("return None").body


def hooks(modules: list[Module], mutant: dict[str, Any]) -> None:
    for module in (m for m in modules if m.rel == mutant.get("module")):
        for node in _busy_hooks(module):
            node.body = _idle(node)
            module.edits += 1


def _scoping(stmt: ast.stmt) -> bool:
    """`filters["warehouse_id"] = warehouse_id`: a list handler narrowing what it lists."""
    return isinstance(stmt, ast.Assign) and any(
        isinstance(t, ast.Subscript) and ast.unparse(t.value) == "filters" for t in stmt.targets
    )


def scope(modules: list[Module], mutant: dict[str, Any]) -> None:
    for handler in handlers_of(modules, _endpoints(mutant)):
        kept = [s for s in handler.function.body if not _scoping(s)]
        if len(kept) < len(handler.function.body):
            handler.module.edits += len(handler.function.body) - len(kept)
            handler.function.body = kept


def _endpoints(mutant: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(m), str(p)) for m, p in mutant.get("endpoints") or []]


Edit = Callable[[list[Module], dict[str, Any]], None]
EDITS: dict[str, Edit] = {
    "token": token,
    "credentials": credentials,
    "limit": limit,
    "conflict": conflict,
    "not_found": not_found,
    "status": status,
    "endpoint": endpoint,
    "rule": rule,
    "hooks": hooks,
    "scope": scope,
}


def touched(modules: list[Module]) -> list[str]:
    """The files a mutant changed, relative to the copy's root."""
    return [m.rel for m in modules if m.edits]
