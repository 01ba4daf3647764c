"""Fresh PostgreSQL databases inside the sandbox, for tests and migrations."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from sandbox.base import Sandbox, SandboxError

SCRIPT = """
import asyncio, sys
import asyncpg

async def main(url, action, name):
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if action == "create":
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()

asyncio.run(main(*sys.argv[1:4]))
"""


def service_url(admin_url: str, database: str) -> str:
    """`postgresql://u@h:p/postgres` -> `postgresql+asyncpg://u@h:p/<database>`."""
    parts = urlsplit(admin_url)
    return urlunsplit(("postgresql+asyncpg", parts.netloc, f"/{database}", "", ""))


def _run(sandbox: Sandbox, admin_url: str, action: str, name: str) -> None:
    done = sandbox.run([sandbox.python, "-c", SCRIPT, admin_url, action, name], timeout=60)
    if not done.ok:
        raise SandboxError(f"cannot {action} database {name}: {done.stderr[-800:]}")


def create(sandbox: Sandbox, admin_url: str, name: str) -> str:
    """Create (or re-create) database `name`; return its URL for the generated service."""
    _run(sandbox, admin_url, "create", name)
    return service_url(admin_url, name)


def drop(sandbox: Sandbox, admin_url: str, name: str) -> None:
    _run(sandbox, admin_url, "drop", name)
