"""Throughput of the generated service's read-by-id endpoint against a minimal hand-written
FastAPI + asyncpg endpoint: same machine, same run, same database rows, same load generator
(`agent.verify.live.load.hammer`), one uvicorn worker each, one after the other.

    .venv/bin/python benchmarks/throughput_read_by_id.py [--seconds 10] [--concurrency 8]

The generated endpoint does what the backlog asks (JWT check with a user lookup, owner
filter, soft-delete filter, response model, metrics and JSON access log); the hand-written
one is a single SELECT by primary key. Needs the machine's PostgreSQL and Redis.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import subprocess
import tempfile
from pathlib import Path

import asyncpg
import httpx

from agent.backlog import load_backlog
from agent.nodes.building import ruff_formatter
from agent.scaffold.workspace import scaffold_item
from agent.spec.compiler import compile_backlog
from agent.verify.database import service_url
from agent.verify.live import service, tokens
from agent.verify.live.load import Target, figures, hammer
from sandbox.base import Services
from sandbox.local import LocalSandbox
from sandbox.runtime import ensure_runtime

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
DB = "ba_bench_read_by_id"
BACKLOG = Path(__file__).parents[1] / "tests" / "data" / "vault.json"
HAND_WRITTEN = """
import os, uuid
import asyncpg
from fastapi import FastAPI, HTTPException

app = FastAPI()


@app.on_event("startup")
async def start() -> None:
    url = os.environ["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
    app.state.pool = await asyncpg.create_pool(url, min_size=10, max_size=10)


@app.get("/health")
async def health() -> dict:
    return {"status": "ok"}


@app.get("/memos/{memo_id}")
async def read_memo(memo_id: uuid.UUID) -> dict:
    row = await app.state.pool.fetchrow(
        "SELECT id, title, body, owner_id FROM memos WHERE id = $1 AND deleted_at IS NULL", memo_id
    )
    if row is None:
        raise HTTPException(404)
    return {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in row.items()}
"""


async def _fresh_database() -> None:
    conn = await asyncpg.connect(ADMIN)
    await conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{DB}"')
    await conn.close()


def _seed(base_url: str, secret: str, rows: int) -> tuple[str, list[str]]:
    """A user and `rows` memos through the generated API: (token, memo ids)."""
    with httpx.Client(base_url=base_url) as http:
        user = {"email": "bench@example.com", "password": "bench-pass-1", "full_name": "B"}
        uid = http.post("/auth/register", json=user).json()["id"]
        token = tokens.jwt(uid, secret, lifetime_s=3600)
        auth = {"Authorization": f"Bearer {token}"}
        ids = [
            http.post("/memos", json={"title": f"memo {n}"}, headers=auth).json()["id"]
            for n in range(rows)
        ]
    return token, ids


def _load(base_url: str, ids: list[str], token: str, args: argparse.Namespace) -> dict[str, float]:
    targets = [Target("GET /memos/{memo_id}", "GET", f"/memos/{i}", {"body": []}, {}) for i in ids]
    headers = {"Authorization": f"Bearer {token}"}
    seconds = asyncio.run(hammer(base_url, targets, headers, args.concurrency, args.seconds))
    samples = [s for t in targets for s in t.samples]
    return figures(samples, sum(t.errors for t in targets), 0, seconds)


def _serve(
    root: Path, python: Path, app: str, env: dict[str, str]
) -> tuple[str, subprocess.Popen[bytes]]:
    port = service.free_port()
    proc = subprocess.Popen(
        [str(python), "-m", "uvicorn", app, "--port", str(port), "--log-level", "warning"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{url}/health").status_code == 200:
                return url, proc
        except httpx.HTTPError:
            asyncio.run(asyncio.sleep(0.1))
    raise RuntimeError(f"{app} did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rows", type=int, default=50)
    args = parser.parse_args()
    python = ensure_runtime(Path.home() / ".cache" / "backend-agent")
    root = Path(tempfile.mkdtemp(prefix="bench-")) / "svc"
    root.mkdir()
    box = LocalSandbox(root, python, Services(ADMIN, "redis://127.0.0.1:6379/0"))
    spec = compile_backlog(load_backlog(BACKLOG))
    for item in spec.item_ids():
        scaffold_item(root, spec, item, ruff_formatter(box))
    (root / "handwritten.py").write_text(HAND_WRITTEN)
    asyncio.run(_fresh_database())
    secret = secrets.token_urlsafe(32)
    env = {
        "DATABASE_URL": service_url(ADMIN, DB),
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "JWT_SECRET": secret,
        "RATE_LIMIT_PREFIX": f"bench-{secret[:6]}",
        "PATH": "/usr/bin:/bin",
    }
    subprocess.run(
        [str(python), "-m", "alembic", "upgrade", "head"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    results = {}
    for name, app in (("generated", "backend.main:app"), ("hand-written", "handwritten:app")):
        url, proc = _serve(root, python, app, env)
        try:
            if name == "generated":
                token, ids = _seed(url, secret, args.rows)
            results[name] = _load(url, ids, token, args)
        finally:
            proc.terminate()
            proc.wait(10)
    for name, fig in results.items():
        print(
            f"{name:>13}: {fig['rps']:8.1f} rps  p50 {fig['p50_ms']} ms  p95 {fig['p95_ms']} ms  "
            f"errors {fig['error_rate']:.2%}  ({fig['requests']} requests)"
        )
    ratio = results["generated"]["rps"] / results["hand-written"]["rps"]
    print(
        f"ratio generated / hand-written: {ratio:.2f} "
        f"({args.concurrency} connections, {args.seconds:g} s each, {args.rows} rows, same machine)"
    )


if __name__ == "__main__":
    main()
