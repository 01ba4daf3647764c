"""The throughput benchmarks' shared harness: one endpoint of the generated service against its
hand-written twin (FastAPI + asyncpg, one SQL statement, no auth, no middleware), same
machine, same run, same database rows, same load generator (`agent.verify.live.load.hammer`),
one uvicorn worker each, with the same runtime Python (and so the same uvicorn, event loop
and HTTP parser).

The service is `tests/data/vault.json` (register, login, create a memo, read a memo) plus a
list of memos, scaffolded as `backend-agent run` would. Both servers run at once (idle when
not loaded); each is warmed up for `--warmup` seconds, then every round loads one for
`--seconds`, then the other, the order alternating between rounds, so that drift on a
shared machine falls on both sides. What is printed: each round's figures, then the ratio
of rps (generated / hand-written) as median and range over the rounds.

`--profile DIR` samples the generated service with py-spy (`pip install -e ".[dev]"` brings
it) during one extra loaded period and writes `DIR/<benchmark>.collapsed` (collapsed stacks,
which speedscope and flamegraph.pl read) and prints the top frames.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from agent.backlog import load_backlog
from agent.backlog.schema import Backlog
from agent.nodes.building import ruff_formatter
from agent.scaffold.workspace import scaffold_item
from agent.spec.compiler import compile_backlog
from agent.verify.database import service_url
from agent.verify.live import service, tokens
from agent.verify.live.load import Target, figures, hammer
from sandbox.base import Services
from sandbox.local import LocalSandbox
from sandbox.runtime import ensure_runtime

ADMIN = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
BACKLOG = Path(__file__).parents[1] / "tests" / "data" / "vault.json"
LIST_MEMOS = {
    "method": "GET",
    "endpoint": "/memos",
    "response_schema": {"id": "uuid", "title": "string", "body": "string?", "owner_id": "uuid"},
    "auth_required": True,
}
MEMO_COLUMNS = "id, title, body, owner_id, created_at, updated_at"
HAND_WRITTEN = f'''
"""The bare stack: FastAPI + asyncpg, one statement per request, no auth, no middleware."""
import os, uuid
from datetime import datetime, timezone

import asyncpg
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

app = FastAPI()
OWNER = uuid.UUID(os.environ["BENCH_OWNER_ID"])
COLUMNS = "{MEMO_COLUMNS}"


class NewMemo(BaseModel):
    title: str
    body: str | None = None


@app.on_event("startup")
async def start() -> None:
    url = os.environ["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
    app.state.pool = await asyncpg.create_pool(url, min_size=10, max_size=10)


@app.get("/health")
async def health() -> dict:
    return {{"status": "ok"}}


@app.get("/memos/{{memo_id}}")
async def read_memo(memo_id: uuid.UUID) -> dict:
    row = await app.state.pool.fetchrow(
        f"SELECT {{COLUMNS}} FROM memos WHERE id = $1 AND deleted_at IS NULL", memo_id
    )
    if row is None:
        raise HTTPException(404)
    return dict(row)


@app.get("/memos")
async def list_memos(limit: int = 20, offset: int = 0) -> dict:
    rows = await app.state.pool.fetch(
        f"SELECT {{COLUMNS}}, count(*) OVER () AS total FROM memos "
        "WHERE owner_id = $1 AND deleted_at IS NULL ORDER BY created_at DESC, id "
        "LIMIT $2 OFFSET $3", OWNER, limit, offset
    )
    items = [{{k: v for k, v in r.items() if k != "total"}} for r in rows]
    total = rows[0]["total"] if rows else 0
    return {{"items": items, "total": total, "limit": limit, "offset": offset}}


@app.post("/memos", status_code=201)
async def create_memo(memo: NewMemo) -> dict:
    now = datetime.now(timezone.utc)
    row = await app.state.pool.fetchrow(
        "INSERT INTO memos (id, title, body, owner_id, created_at, updated_at) "
        f"VALUES ($1, $2, $3, $4, $5, $5) RETURNING {{COLUMNS}}",
        uuid.uuid4(), memo.title, memo.body, OWNER, now,
    )
    return dict(row)
'''
SIDES = (("generated", "backend.main:app"), ("hand-written", "handwritten:app"))


@dataclass(frozen=True)
class Seeded:
    """What both sides are loaded with: the owner's token and id, and the memos' ids."""

    token: str
    owner: str
    ids: list[str]


@dataclass(frozen=True)
class Case:
    """One benchmark: the endpoint measured and the requests that load it."""

    name: str  # the script's name, e.g. "throughput_read_by_id"
    endpoint: str  # "GET /memos/{memo_id}"
    targets: Callable[[Seeded], list[Target]]


@dataclass(frozen=True)
class Bench:
    root: Path
    python: Path
    env: dict[str, str]


def _backlog(folder: Path) -> Backlog:
    raw = json.loads(BACKLOG.read_text())
    raw["backlog_items"][0]["api_requirements"].append(LIST_MEMOS)
    path = folder / "vault.json"
    path.write_text(json.dumps(raw))
    return load_backlog(path)


async def _drop_database(name: str) -> None:
    conn = await asyncpg.connect(ADMIN)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


async def _fresh_database(name: str) -> None:
    conn = await asyncpg.connect(ADMIN)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()


def prepare(name: str) -> Bench:
    """Scaffold the service and the hand-written twin into a temporary folder; migrate a
    fresh database."""
    python = ensure_runtime(Path.home() / ".cache" / "backend-agent")
    root = Path(tempfile.mkdtemp(prefix="bench-")) / "svc"
    root.mkdir()
    box = LocalSandbox(root, python, Services(ADMIN, REDIS))
    spec = compile_backlog(_backlog(root.parent))
    for item in spec.item_ids():
        scaffold_item(root, spec, item, ruff_formatter(box))
    (root / "handwritten.py").write_text(HAND_WRITTEN)
    db = f"ba_bench_{name}"
    asyncio.run(_fresh_database(db))
    secret = secrets.token_urlsafe(32)
    env = {
        "DATABASE_URL": service_url(ADMIN, db),
        "REDIS_URL": REDIS,
        "JWT_SECRET": secret,
        "RATE_LIMIT_PREFIX": f"bench-{secret[:6]}",
        "PATH": "/usr/bin:/bin",
    }
    migrate = [str(python), "-m", "alembic", "upgrade", "head"]
    subprocess.run(migrate, cwd=root, env=env, check=True, capture_output=True)
    return Bench(root, python, env)


@contextmanager
def serve(bench: Bench, app: str, extra: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """One uvicorn worker of `app`, answering on /health: (base url, pid)."""
    port = service.free_port()
    argv = [str(bench.python), "-m", "uvicorn", app, "--port", str(port), "--log-level", "warning"]
    env = {**bench.env, **(extra or {})}
    proc = subprocess.Popen(
        argv, cwd=bench.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, proc)
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(10)


def _wait(url: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: the server exited at start ({proc.returncode})")
        try:
            if httpx.get(f"{url}/health").status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


def seed(bench: Bench, rows: int) -> Seeded:
    """A user and `rows` memos through the generated API."""
    with serve(bench, "backend.main:app") as (url, _), httpx.Client(base_url=url) as http:
        user = {"email": "bench@example.com", "password": "bench-pass-1", "full_name": "B"}
        uid = http.post("/auth/register", json=user).json()["id"]
        token = tokens.jwt(uid, bench.env["JWT_SECRET"], lifetime_s=24 * 3600)
        auth = {"Authorization": f"Bearer {token}"}
        ids = [
            http.post("/memos", json={"title": f"memo {n}"}, headers=auth).json()["id"]
            for n in range(rows)
        ]
    return Seeded(token, uid, ids)


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) the process has used so far; None where /proc is missing."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return None
    fields = stat.read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(
    server: tuple[str, int],
    targets: list[Target],
    seeded: Seeded,
    args: argparse.Namespace,
    seconds: float,
) -> dict[str, Any]:
    """Load one server; its figures, and the server's CPU time per request (`cpu_ms`), which
    the rest of a shared machine disturbs far less than rps."""
    url, pid = server
    headers = {"Authorization": f"Bearer {seeded.token}"}
    cpu_before = cpu_seconds(pid)
    took = asyncio.run(hammer(url, targets, headers, args.concurrency, seconds))
    cpu_after = cpu_seconds(pid)
    samples = [s for t in targets for s in t.samples]
    fig = figures(samples, sum(t.errors for t in targets), sum(t.limited for t in targets), took)
    if cpu_before is not None and cpu_after is not None and samples:
        fig["cpu_ms"] = round((cpu_after - cpu_before) * 1000 / len(samples), 2)
    return fig


def _rounds(
    bench: Bench, case: Case, seeded: Seeded, args: argparse.Namespace
) -> list[dict[str, dict[str, Any]]]:
    """Both servers up at once; each round loads one, then the other (the order alternates),
    so that what else the machine does falls on both sides alike."""
    extra = {"BENCH_OWNER_ID": seeded.owner}
    with serve(bench, SIDES[0][1], extra) as first, serve(bench, SIDES[1][1], extra) as second:
        servers = {SIDES[0][0]: first, SIDES[1][0]: second}
        for server in servers.values():
            load(server, case.targets(seeded), seeded, args, args.warmup)
        rounds = []
        for n in range(args.rounds):
            order = list(servers) if n % 2 == 0 else list(servers)[::-1]
            rounds.append(
                {
                    side: load(servers[side], case.targets(seeded), seeded, args, args.seconds)
                    for side in order
                }
            )
    return rounds


def _line(side: str, fig: dict[str, Any]) -> str:
    return (
        f"  {side:>12}: {fig['rps']:7.1f} rps  p50 {fig['p50_ms']:6.1f} ms  "
        f"p95 {fig['p95_ms']:6.1f} ms  "
        f"server CPU {fig.get('cpu_ms', float('nan')):5.2f} ms/request  "
        f"errors {fig['error_rate']:.2%}  ({fig['requests']} requests)"
    )


def profile(bench: Bench, case: Case, seeded: Seeded, args: argparse.Namespace) -> None:
    """Sample each server under load with py-spy; print the top frames of each."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    for side, app in SIDES:
        out = Path(args.profile) / f"{case.name}.{side}.collapsed"
        out.parent.mkdir(parents=True, exist_ok=True)
        with serve(bench, app, {"BENCH_OWNER_ID": seeded.owner}) as server:
            load(server, case.targets(seeded), seeded, args, args.warmup)
            argv = [spy, "record", "--pid", str(server[1]), "--format", "raw", "--rate", "200"]
            argv += ["--duration", str(int(args.seconds)), "--nonblocking", "-o", str(out)]
            spying = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            load(server, case.targets(seeded), seeded, args, args.seconds)
            _, err = spying.communicate(timeout=args.seconds + 30)
        if not out.exists():
            raise RuntimeError(f"py-spy wrote no profile: {err.decode()[-500:]}")
        out.write_text(by_function(out.read_text()))
        print(f"profile of the {side} server under load: {out}; frames in most samples:")
        for share, frame in top_frames(out.read_text(), 20):
            print(f"  {share:5.1%}  {frame}")


# The server's loop and the framework's plumbing: in (nearly) every sample, they say nothing.
TRUNK = (
    "runpy",
    "click/",
    "uvicorn/",
    "asyncio/runners.py",
    "asyncio/base_events.py",
    "asyncio/events.py",
    "fastapi/routing.py",
    "fastapi/applications.py",
    "fastapi/_body_limit.py",
    "fastapi/telemetry/",
    "fastapi/middleware/asyncexitstack.py",
    "starlette/routing.py",
    "starlette/applications.py",
    "starlette/_exception_handler.py",
    "starlette/middleware/exceptions.py",
    "starlette/middleware/errors.py",
)


def by_function(collapsed: str) -> str:
    """py-spy's collapsed stacks with the line numbers dropped (`f (file.py:12)` becomes
    `f (file.py)`) and equal stacks merged: a tenth of the size, the same flame graph."""
    merged: Counter[str] = Counter()
    for line in collapsed.splitlines():
        stack, _, n = line.rpartition(" ")
        if stack:
            frames = [re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")]
            merged[";".join(frames)] += int(n)
    return "".join(f"{stack} {n}\n" for stack, n in merged.most_common())


def top_frames(collapsed: str, count: int) -> list[tuple[float, str]]:
    """The frames present in the most samples (inclusive), from py-spy's collapsed stacks."""
    inclusive: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack:
            continue
        samples = int(n)
        total += samples
        for frame in set(stack.split(";")):
            if not any(part in frame for part in TRUNK):
                inclusive[frame] += samples
    return [(n / total, frame) for frame, n in inclusive.most_common(count)] if total else []


def arguments(doc: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="load per side per round")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured load first")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--profile", metavar="DIR", help="then sample each server with py-spy")
    return parser.parse_args()


def run(case: Case, doc: str) -> None:
    """The whole benchmark: prepare, seed, the rounds, the comparison (and a profile)."""
    args = arguments(doc)
    bench = prepare(case.name)
    try:
        _compare(bench, case, args)
    finally:
        shutil.rmtree(bench.root.parent, ignore_errors=True)
        asyncio.run(_drop_database(f"ba_bench_{case.name}"))


def _compare(bench: Bench, case: Case, args: argparse.Namespace) -> None:
    seeded = seed(bench, args.rows)
    print(
        f"{case.endpoint}: generated vs hand-written, {args.concurrency} connections, "
        f"{args.seconds:g} s per side per round after {args.warmup:g} s warm-up, "
        f"{args.rows} rows; {_machine()}"
    )
    ratios, p95s, cpu = [], [], []
    for n, results in enumerate(_rounds(bench, case, seeded, args)):
        gen, hand = results["generated"], results["hand-written"]
        ratio = gen["rps"] / hand["rps"]
        ratios.append(ratio)
        if "cpu_ms" in gen and "cpu_ms" in hand:
            cpu.append(hand["cpu_ms"] / gen["cpu_ms"])
        print(f"round {n + 1} ({', '.join(results)}): ratio {ratio:.2f}")
        for side, _ in SIDES:
            print(_line(side, results[side]))
        p95s.append((results["generated"]["p95_ms"], results["hand-written"]["p95_ms"]))
    print(
        f"ratio generated / hand-written (rps): median {statistics.median(ratios):.2f}, "
        f"range {min(ratios):.2f}-{max(ratios):.2f} over {args.rounds} rounds; "
        f"p95 median {statistics.median(p[0] for p in p95s):.1f} ms generated, "
        f"{statistics.median(p[1] for p in p95s):.1f} ms hand-written"
    )
    if cpu:
        print(
            "server CPU per request, hand-written / generated: "
            f"median {statistics.median(cpu):.2f}, "
            f"range {min(cpu):.2f}-{max(cpu):.2f} (the rps ratio the generated service would "
            f"have with the CPU to itself)"
        )
    if args.profile:
        profile(bench, case, seeded, args)


def _machine() -> str:
    load1 = os.getloadavg()[0]
    python = f"Python {platform.python_version()} ({platform.machine()})"
    return f"{os.cpu_count()} CPUs, load {load1:.1f}, {python}"
