"""Migrations on a fresh database, in one process so each step's time is its own:
every revision up one by one, then `downgrade base`, then `upgrade head`; then what the
catalogue holds (indexes from `pg_indexes`, foreign keys from `pg_constraint`)."""

from __future__ import annotations

import asyncio
import functools
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

INDEXES = "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public'"
FOREIGN_KEYS = """
SELECT c.conrelid::regclass::text AS tbl, a.attname AS col, c.confrelid::regclass::text AS ref
FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
WHERE c.contype = 'f'
"""


async def catalogue(url: str) -> dict[str, list[list[str]]]:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        indexes = [[r["tablename"], r["indexname"]] for r in await conn.fetch(INDEXES)]
        fks = [[r["tbl"], r["col"], r["ref"]] for r in await conn.fetch(FOREIGN_KEYS)]
    finally:
        await conn.close()
    return {"indexes": indexes, "foreign_keys": fks}


def _step(label: str, action: Callable[[], None], timings: dict[str, float]) -> str | None:
    started = time.perf_counter()
    try:
        action()
    except Exception as exc:  # any failure of a migration is the finding itself
        last = traceback.format_exception_only(exc)[-1].strip()
        return f"{label}: {last}"
    timings[label] = round(time.perf_counter() - started, 3)
    return None


def run(root: Path) -> dict[str, Any]:
    os.chdir(root)
    sys.path.insert(0, str(root))
    config = Config(str(root / "alembic.ini"))
    revisions = [
        s.revision for s in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))
    ]
    timings: dict[str, float] = {}
    steps = [("upgrade", r) for r in revisions] + [("downgrade", "base"), ("upgrade", "head")]
    for verb, target in steps:
        action = command.upgrade if verb == "upgrade" else command.downgrade
        error = _step(f"{verb} {target}", functools.partial(action, config, target), timings)
        if error:
            return {"revisions": revisions, "timings": timings, "error": error}
    found = asyncio.run(catalogue(os.environ["DATABASE_URL"]))
    return {"revisions": revisions, "timings": timings, "error": None, **found}
