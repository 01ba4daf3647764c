"""Each gate catches a defect planted in a generated service, and the report names it.

Real PostgreSQL and Redis, the local sandbox, the service running under uvicorn.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sandbox.local import LocalSandbox
from tests.verify.service import plant, report, verify

pytestmark = pytest.mark.slow
Box = Callable[[Path], LocalSandbox]
MIGRATION = "alembic/versions/0001_vault_1.py"
MEMOS = "backend/api/routers/memos.py"
READ_MEMO = '    """GET /memos/{memo_id}'


def _failures(evidence_check: object) -> list[str]:
    return [f"{f.where}: {f.message}" for f in evidence_check.failures]  # type: ignore[attr-defined]


def test_clean_service_passes_every_gate(vault: Path, local_box: Box) -> None:
    """Without a planted defect every gate passes, and the report carries the live figures."""
    gates = ["lint", "migrations", "contract", "security", "load"]
    evidence = verify(vault, local_box(vault), gates)
    assert [(c.name, c.passed) for c in evidence.checks] == [(g, True) for g in gates], [
        f for c in evidence.checks for f in _failures(c)
    ]
    built, markdown = report(vault, evidence)
    assert built.test_results.load_test_results.requests_per_second
    assert built.test_results.security_scan_status.startswith("passed: 0 findings")
    endpoints = {e.path: e for g in built.implemented_endpoints for e in g.endpoints}
    assert endpoints["/memos/{memo_id}"].response_time_p95.endswith("ms")
    assert built.deployment.health_check_url.endswith("/health")
    assert built.database_changes[0].performance_impact.startswith("upgrade ")
    assert "test_results.load_test_results" not in built.not_measured
    assert "deployment" not in built.not_measured
    assert "p95" in markdown and "sandbox-internal" in markdown


def test_missing_index(vault: Path, local_box: Box) -> None:
    """A migration that forgets a declared index fails the migrations gate, by index name."""
    plant(
        vault,
        MIGRATION,
        '    op.create_index("ix_memos_owner_id_title", "memos", ["owner_id", "title"], '
        "unique=False)\n",
        "",
    )
    plant(
        vault, MIGRATION, '    op.drop_index("ix_memos_owner_id_title", table_name="memos")\n', ""
    )
    evidence = verify(vault, local_box(vault), ["migrations"])
    assert not evidence.passed
    assert _failures(evidence.checks[0])[0].startswith("index ix_memos_owner_id_title on memos")
    assert "ix_memos_owner_id_title" in report(vault, evidence)[1]


def test_downgrade_that_fails(vault: Path, local_box: Box) -> None:
    """A downgrade that cannot run fails the gate at `alembic downgrade base`."""
    plant(
        vault,
        MIGRATION,
        "def downgrade() -> None:\n",
        'def downgrade() -> None:\n    op.drop_table("no_such_table")\n',
    )
    evidence = verify(vault, local_box(vault), ["migrations"])
    assert [f.where for f in evidence.checks[0].failures] == ["alembic downgrade base"]
    assert "no_such_table" in report(vault, evidence)[1]


def test_response_breaking_its_schema(vault: Path, local_box: Box) -> None:
    """A handler answering outside its response schema fails the contract (schemathesis)."""
    plant(
        vault,
        MEMOS,
        READ_MEMO,
        "    from fastapi.responses import JSONResponse\n\n"
        '    return JSONResponse({"id": 1, "title": 5})\n' + READ_MEMO,
    )
    evidence = verify(vault, local_box(vault), ["contract"])
    failures = _failures(evidence.checks[0])
    assert any(f.startswith("GET /memos/{memo_id}: Response violates schema") for f in failures)
    assert "Response violates schema" in report(vault, evidence)[1]


def test_alg_none_token_accepted(vault: Path, local_box: Box) -> None:
    """Trusting an unsigned token is CWE-347 on every auth-required endpoint."""
    plant(
        vault,
        "backend/core/security.py",
        "    try:\n        claims = jwt.decode(",
        '    try:\n        if jwt.get_unverified_header(token).get("alg") == "none":\n'
        '            claims = jwt.decode(token, options={"verify_signature": False})\n'
        '            return Caller(uuid.UUID(str(claims["sub"])), float(claims["exp"]))\n'
        "        claims = jwt.decode(",
    )
    evidence = verify(vault, local_box(vault), ["security"])
    failures = _failures(evidence.checks[0])
    assert "GET /memos/{memo_id} (CWE-347): alg=none token answered 200, not 401" in failures
    assert "CWE-347" in (evidence.security_status or "")
    assert "CWE-347" in report(vault, evidence)[0].test_results.security_scan_status


def test_missing_rate_limit(vault: Path, local_box: Box) -> None:
    """A declared rate limit the endpoint does not enforce is CWE-770 on that endpoint."""
    plant(
        vault,
        "backend/api/routers/auth.py",
        ', dependencies=[Depends(rate_limit("login_user", 3, 60))]',
        "",
    )
    evidence = verify(vault, local_box(vault), ["security"])
    [found] = [f for f in evidence.checks[0].failures if f.where == "POST /auth/login (CWE-770)"]
    assert found.message.startswith("no 429 past the limit of 3/minute: 8 requests answered")
    assert found.expected == "429 with Retry-After within 2x3+2 requests in 60s"
    assert found.source == "backlog_items[0].api_requirements[1].rate_limit"
    assert found.exchange and found.exchange.method == "POST"
    assert found.exchange.path == "/auth/login" and found.exchange.status == 401


def test_sql_built_by_concatenation(vault: Path, local_box: Box) -> None:
    """SQL built from the input: bandit (B608) and the injection probe (a 5xx) both see it."""
    plant(
        vault,
        "backend/repository/memo.py",
        "    params = {COLUMN_OF",
        "    await session.execute(\n"
        "        text(f\"SELECT count(*) FROM memos WHERE title = '{values['title']}'\")  # noqa\n"
        "    )\n    params = {COLUMN_OF",
    )
    plant(
        vault,
        "backend/repository/memo.py",
        "from sqlalchemy import ",
        "from sqlalchemy import text, ",
    )
    evidence = verify(vault, local_box(vault), ["security"])
    failures = _failures(evidence.checks[0])
    assert any("(CWE-89): bandit B608" in f for f in failures), failures
    assert any(f.startswith("POST /memos (CWE-89): title=") for f in failures), failures
    assert "CWE-89" in report(vault, evidence)[0].test_results.security_scan_status


def test_sleep_breaks_p95(vault: Path, local_box: Box) -> None:
    """A handler that sleeps 300 ms breaks the 200 ms p95 SLA on that endpoint."""
    plant(
        vault, MEMOS, READ_MEMO, "    import asyncio\n\n    await asyncio.sleep(0.3)\n" + READ_MEMO
    )
    evidence = verify(vault, local_box(vault), ["load"])
    failures = _failures(evidence.checks[0])
    assert any(f.startswith("GET /memos/{memo_id}: p95 ") for f in failures), failures
    assert not any(f.startswith("POST /memos:") for f in failures)
    built, markdown = report(vault, evidence)
    assert float(built.test_results.load_test_results.p95_latency.removesuffix("ms")) > 200
    assert "over the SLA" in markdown
