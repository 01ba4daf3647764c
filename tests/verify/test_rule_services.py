"""No false failures from the live gates on services whose rules refuse duplicates,
overlaps and a full parent with 409; declared rate limits (600/minute, 1000/minute,
10/second) reached; a missing one still found, with its evidence; what a rule refuses
whatever is sent is "not exercised", and the gate passes and says so.

Real PostgreSQL and Redis, the local sandbox, the service running under uvicorn. The load
gate's SLA is loosened to 1 s here: these tests pin what it refuses and skips, not latency
on a machine that other test runs share (tests/verify/test_planted_defects.py pins that).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agent.verify.evidence import CheckResult, Evidence
from sandbox.local import LocalSandbox
from tests.verify.rules import refuse_rooms
from tests.verify.service import GYM, LIBRARY, plant, verify

pytestmark = pytest.mark.slow
Box = Callable[[Path], LocalSandbox]
LIVE = ["security", "load"]
SLA = {"p95_ms": 1000.0}


def _problems(evidence: Evidence) -> list[str]:
    return [f"{c.name}: {f.where}: {f.message}" for c in evidence.checks for f in c.failures]


def _seeding_skips(check: CheckResult) -> list[str]:
    return [n.where for n in check.not_exercised if n.where.endswith("(seed)")]


def test_gym_capacity_rule_passes_security_and_load(gym: Path, local_box: Box) -> None:
    """The gym task's reference rule (a full lesson refuses with 409): nothing to seed is
    refused, both gates pass; creates the rule refuses under load are counted apart."""
    evidence = verify(gym, local_box(gym), LIVE, backlog=GYM, **SLA)
    assert evidence.passed, _problems(evidence)
    security, load = evidence.checks
    assert security.not_exercised == [] and security.figures["not_exercised"] == 0
    assert _seeding_skips(load) == []


def test_library_rules_and_limits_pass(library: Path, local_box: Box) -> None:
    """One copy per book and no overlapping appointments (409), with 600/minute, 1000/minute
    and 10/second limits (the 600/minute register hashes a password per request: reached
    with empty bodies): security and load pass; every limit answered 429."""
    evidence = verify(library, local_box(library), LIVE, backlog=LIBRARY, **SLA)
    assert evidence.passed, _problems(evidence)
    security, load = evidence.checks
    assert security.not_exercised == [], security.not_exercised
    assert security.summary.startswith("passed: 0 findings")
    assert _seeding_skips(load) == []
    assert load.figures["rps"]


def test_a_removed_600_per_minute_limit_is_found_with_its_evidence(
    library: Path, local_box: Box
) -> None:
    """GET /books/{book_id} declares 600/minute; without its limiter: CWE-770, with the
    request that went past it, the expectation and the backlog path it comes from."""
    plant(
        library,
        "backend/api/routers/books.py",
        '    dependencies=[Depends(rate_limit("read_book", 600, 60))],\n',
        "",
    )
    evidence = verify(library, local_box(library), ["security"], backlog=LIBRARY)
    [found] = [f for f in evidence.checks[0].failures if "CWE-770" in f.where]
    assert found.where == "GET /books/{book_id} (CWE-770)"
    assert found.message.startswith("no 429 past the limit of 600/minute: 1202 requests")
    assert found.expected == "429 with Retry-After within 2x600+2 requests in 60s"
    assert found.source == "backlog_items[0].api_requirements[3].rate_limit"
    assert found.exchange and found.exchange.status == 200
    assert found.exchange.path.startswith("/books/") and found.exchange.method == "GET"
    assert "CWE-770 x1" in (evidence.security_status or "")


def test_a_list_showing_other_users_rows_is_found(library: Path, local_box: Box) -> None:
    """GET /books lists the caller's books; planted: everyone's. Another user sees the
    owner's book: CWE-639, with the request, the answer carrying the id, and the source."""
    plant(
        library,
        "backend/api/routers/books.py",
        "page.limit, page.offset, user_id)",
        "page.limit, page.offset, None)",
    )
    evidence = verify(library, local_box(library), ["security"], backlog=LIBRARY)
    [found] = [f for f in evidence.checks[0].failures if "CWE-639" in f.where]
    assert found.where == "GET /books (CWE-639)"
    assert found.expected == "the owner's rows left out"
    assert found.source == "backlog_items[0].api_requirements[4].auth_required"
    assert found.exchange and found.exchange.status == 200 and found.exchange.path == "/books"


def test_a_rule_refusing_every_room_is_not_exercised(library: Path, local_box: Box) -> None:
    """Rooms refused whatever is sent: the seeding says so with the refused request, the
    probes that needed a room are not exercised, and both gates pass and count them."""
    refuse_rooms(library)
    evidence = verify(library, local_box(library), LIVE, backlog=LIBRARY, **SLA)
    assert evidence.passed, _problems(evidence)
    security, load = evidence.checks
    [seed] = [n for n in security.not_exercised if n.where == "POST /rooms (seed)"]
    assert "refused all 4 valid bodies" in seed.reason
    assert seed.exchange and seed.exchange.status == 409 and seed.exchange.path == "/rooms"
    assert "no more rooms" in seed.exchange.response
    needing = {n.where for n in security.not_exercised} - {seed.where}
    assert "GET /rooms/{room_id} (injection)" in needing
    assert "POST /rooms/{room_id}/appointments (injection)" in needing
    assert security.figures["not_exercised"] == len(security.not_exercised)
    assert f"{len(security.not_exercised)} not exercised" in security.summary
    assert "GET /rooms/{room_id}/appointments (load)" in {n.where for n in load.not_exercised}
    assert load.figures["not_exercised"] == len(load.not_exercised)
