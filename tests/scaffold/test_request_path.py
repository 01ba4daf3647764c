"""The generated service's request path, made fast (issue 18), keeps what it did: every
request's session is given back, a deleted user's token is refused, each request is
counted, logged and answered with its correlation id.

`tests/data/vault.json` scaffolded, served by uvicorn on the machine's PostgreSQL.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from agent.verify import database
from agent.verify.live import tokens
from sandbox.local import LocalSandbox
from tests.conftest import HOST_SERVICES
from tests.e2e.helpers import serving
from tests.verify.service import scaffold

pytestmark = pytest.mark.slow
SECRET = "s" * 32
USER = {"email": "path@example.com", "password": "path-pass-1", "full_name": "P"}


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory, service_python: Path) -> Path:
    repo = tmp_path_factory.mktemp("vault") / "svc"
    repo.mkdir()
    scaffold(repo, LocalSandbox(repo, service_python, HOST_SERVICES))
    return repo


@contextmanager
def _served(repo: Path, python: Path, **settings: str) -> Iterator[tuple[httpx.Client, str]]:
    name = f"ba_path_{uuid.uuid4().hex[:8]}"
    box = LocalSandbox(repo, python, HOST_SERVICES)
    database.create(box, HOST_SERVICES.postgres_url, name)
    env = {
        "DATABASE_URL": database.service_url(HOST_SERVICES.postgres_url, name),
        "JWT_SECRET": SECRET,
        "RATE_LIMIT_PREFIX": f"path-{uuid.uuid4().hex}",
        **settings,
    }
    try:
        with serving(repo, python, env) as http:
            yield http, name
    finally:
        database.drop(box, HOST_SERVICES.postgres_url, name)


def _psql(db: str, sql: str) -> str:
    done = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-tAc", sql],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def _caller(http: httpx.Client) -> tuple[str, dict[str, str]]:
    uid = http.post("/auth/register", json=USER).json()["id"]
    return uid, {"Authorization": f"Bearer {tokens.jwt(uid, SECRET)}"}


def test_every_request_gives_its_session_back(vault: Path, service_python: Path) -> None:
    """50 requests of every outcome (201, 200, 404, 422, 401): the middleware closes each
    request's session, whatever the handler did, and its connection goes back to the pool.
    A session left open would still be collected, its connection dropped and a new one
    opened: the database would see many sessions opened, not the pool's two."""
    with _served(vault, service_python, DB_POOL_SIZE="2") as (http, db):
        _, auth = _caller(http)
        sessions = f"SELECT sessions FROM pg_stat_database WHERE datname = '{db}'"
        before = int(_psql(db, sessions))
        for n in range(10):
            made = http.post("/memos", json={"title": f"m{n}"}, headers=auth)
            assert made.status_code == 201, made.text
            memo = made.json()["id"]
            assert http.get(f"/memos/{memo}", headers=auth).json()["title"] == f"m{n}"
            assert http.get(f"/memos/{uuid.uuid4()}", headers=auth).status_code == 404
            assert http.post("/memos", json={"title": ""}, headers=auth).status_code == 422
            assert http.get(f"/memos/{memo}").status_code == 401
        opened = int(_psql(db, sessions)) - before - 1  # less the psql that asks
        assert opened <= 2, opened  # the pool keeps its 2 connections (requests one by one)


def test_a_deleted_users_token_is_refused_when_not_remembered(
    vault: Path, service_python: Path
) -> None:
    """With `CALLER_CACHE_S=0` every request looks its user up: once the user is deleted
    (soft, in the database) its still-valid token gets 401."""
    with _served(vault, service_python, CALLER_CACHE_S="0") as (http, db):
        uid, auth = _caller(http)
        memo = http.post("/memos", json={"title": "kept"}, headers=auth).json()["id"]
        assert http.get(f"/memos/{memo}", headers=auth).status_code == 200
        _psql(db, f"UPDATE users SET deleted_at = now() WHERE id = '{uid}'")
        assert http.get(f"/memos/{memo}", headers=auth).status_code == 401


def test_each_request_is_counted_and_answered_with_its_correlation_id(
    vault: Path, service_python: Path
) -> None:
    """A read and a body over `MAX_BODY_BYTES` (413, refused before anything reads it) both
    answer the caller's `X-Correlation-ID`; the metrics count each by route and status."""
    with _served(vault, service_python, MAX_BODY_BYTES="100") as (http, _):
        _, auth = _caller(http)
        memo = http.post("/memos", json={"title": "t"}, headers=auth).json()["id"]
        read = http.get(f"/memos/{memo}", headers={**auth, "X-Correlation-ID": "read-1"})
        assert (read.status_code, read.headers["X-Correlation-ID"]) == (200, "read-1")
        big = http.post(
            "/memos", json={"title": "x" * 200}, headers={**auth, "X-Correlation-ID": "big-1"}
        )
        assert (big.status_code, big.headers["X-Correlation-ID"]) == (413, "big-1")
        assert big.json()["error"]["correlation_id"] == "big-1"
        metrics = http.get("/metrics").text
        assert 'route="/memos/{memo_id}",status="200"' in metrics
        assert 'method="POST",route="unmatched",status="413"' in metrics
