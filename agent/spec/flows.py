"""Flows between endpoints: a value one endpoint needs that another one answers.

`POST /add_to_cart` takes a `cart_id`; `POST /create_cart` answers `{"cart_id": …}`: the
plan records that the first obtains it from the second. An identifier-like name (`…_id`,
`id`, `…_token`, `…_key`, `…_code`) flows from a producer whose declared response has the
same field, or an `id` when the producer's path names the thing (`cart_id` from the `id`
of `POST /carts` or `POST /create_cart`). CRUD path parameters of a collection the scaffold
seeds itself (`/tasks/{task_id}`) are left to the rows, as before.
"""

from __future__ import annotations

import re

from agent.spec.names import singular, snake
from agent.spec.types import Flow, Operation

IDENTIFIER = re.compile(r"(^|_)(id|token|key|code)$|Id$", re.I)


def _noun_of(name: str) -> str:
    """`cart_id` -> `cart`, `cartId` -> `cart`."""
    return re.sub(r"_?(id|Id)$", "", snake(name)).strip("_")


def _answers(producer: Operation) -> set[str]:
    return {f.name for f in producer.response or []}


def _field_from(producer: Operation, name: str) -> str | None:
    if producer.method not in {"POST", "PUT"}:
        return None
    fields = _answers(producer)
    if name in fields:
        return name
    noun = _noun_of(name)
    words = {singular(w) for w in re.split(r"[/_\-{}]+", producer.path.lower()) if w}
    if noun and noun in words and "id" in fields:
        return "id"
    if noun and noun in words and producer.response is None and producer.entity:
        return "id"  # a CRUD create answers its row, id included
    return None


def _consumed(op: Operation) -> list[tuple[str, str]]:
    seeded = {op.item_param, op.parent_param}  # rows the world seeds itself
    names = [(p, "path") for p in op.path_params if p not in seeded]
    names += [(f.name, "body") for f in op.body]
    names += [(f.name, "query") for f in op.query]
    return [(n, where) for n, where in names if IDENTIFIER.search(n)]


def find_flows(ops: list[Operation]) -> None:
    """Fill each operation's `flows` from the others' declared responses."""
    for op in ops:
        op.flows = []
        for name, where in _consumed(op):
            for producer in ops:
                if producer is op:
                    continue
                field = _field_from(producer, name)
                if field is not None:
                    op.flows.append(
                        Flow(
                            name=name,
                            location=where,  # type: ignore[arg-type]
                            producer=producer.handler,
                            method=producer.method,
                            path=producer.path,
                            field=field,
                        )
                    )
                    break
