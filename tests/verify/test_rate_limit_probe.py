"""The rate-limit probe reaches any declared limit (600/minute, 1000/minute, 10/second),
finds a missing one with its evidence, and says "not exercised" rather than CWE-770 when it
cannot outpace the limit in time. Against a fake service (`tests.fakes.probed_service`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent.backlog import load_backlog
from agent.spec.compiler import compile_backlog
from agent.verify.live import ratelimit
from agent.verify.live.security import Probe
from agent.verify.live.world import World, seed
from tests.fakes.probed_service import ProbedService

LIBRARY = Path(__file__).parents[1] / "data" / "library.json"
READ = "GET /books/{book_id}"


def _probe(
    limit: tuple[int, int, str],
    enforced: bool,
    deadline_s: float = ratelimit.DEADLINE_S,
    where: str = READ,
    **fake: Any,
) -> tuple[Probe, int]:
    """The probe on `where` declared with `limit`; the fake enforces it or not."""
    spec = compile_backlog(load_backlog(LIBRARY)).model_dump(mode="json")
    op = next(o for o in spec["operations"] if f"{o['method']} {o['path']}" == where)
    count, seconds, text = limit
    op["rate_limit"] = {"count": count, "seconds": seconds, "text": text}
    limits = {where: (count, float(seconds))} if enforced else {}
    service = ProbedService(spec, limits=limits, **fake)
    world = seed(World(service.client(), spec, "s" * 40))
    probe = Probe(world)
    sent = ratelimit.probe(probe, op, world.users[0], deadline_s=deadline_s)
    return probe, sent


@pytest.mark.parametrize(
    "limit", [(600, 60, "600/minute"), (1000, 60, "1000/minute"), (10, 1, "10/second")]
)
def test_a_declared_limit_is_reached(limit: tuple[int, int, str]) -> None:
    """The probe sends past the limit's count and gets its 429: no finding, no skip."""
    probe, sent = _probe(limit, enforced=True)
    assert probe.findings == []
    assert [n for n in probe.world.not_exercised if n["check"] == "rate_limit"] == []
    assert sent > limit[0]


def test_a_missing_limit_is_found_with_its_evidence() -> None:
    """600/minute not enforced: CWE-770 once 2x600+2 requests were answered in one window,
    with the last request, the expectation and the declaration it comes from."""
    probe, sent = _probe((600, 60, "600/minute"), enforced=False)
    [found] = probe.findings
    assert found["cwe"] == "CWE-770" and found["where"] == READ
    assert found["message"].startswith("no 429 past the limit of 600/minute")
    assert found["expected"] == "429 with Retry-After within 2x600+2 requests in 60s"
    assert found["declared"] == "rate_limit"
    assert found["exchange"]["method"] == "GET" and found["exchange"]["status"] == 200
    assert found["exchange"]["path"].startswith("/books/")
    assert 1202 <= sent < 1202 + ratelimit.BATCH


def test_a_429_without_retry_after_is_found() -> None:
    """The limit is enforced but the client is not told when to come back."""
    probe, _ = _probe((10, 1, "10/second"), enforced=True, retry_after=False)
    [found] = probe.findings
    assert found["message"] == "429 without a Retry-After header"
    assert found["exchange"]["status"] == 429


def test_a_limit_out_of_reach_in_time_is_not_exercised() -> None:
    """A slow endpoint, 1000/minute, half a second to probe: not exercised, no CWE-770."""
    probe, sent = _probe((1000, 60, "1000/minute"), False, deadline_s=0.5, delay_s=0.02)
    assert probe.findings == []
    [skipped] = [n for n in probe.world.not_exercised if n["check"] == "rate_limit"]
    assert skipped["where"] == READ and "could not be outpaced in time" in skipped["reason"]
    assert skipped["exchange"]["status"] == 200
    assert sent < 2 * 1000 + 2


def test_a_costly_endpoint_is_reached_with_empty_bodies() -> None:
    """POST /books at 600/minute, each valid create costly (50 ms, like a password hash):
    valid requests cannot get past 1202 in time, empty bodies reach the limiter's 429."""
    probe, sent = _probe((600, 60, "600/minute"), True, 5.0, "POST /books", costly_s=0.05)
    assert probe.findings == []
    assert [n for n in probe.world.not_exercised if n["check"] == "rate_limit"] == []
    assert sent < 1202  # the 429 came (seeding made a few books already)


def test_a_costly_endpoint_without_a_limit_is_not_exercised_not_found() -> None:
    """The same endpoint with no limit: empty bodies get no 429, which proves nothing
    (a limit may count valid requests only): not exercised, with both counts, no finding."""
    probe, _ = _probe((600, 60, "600/minute"), False, 5.0, "POST /books", costly_s=0.05)
    assert probe.findings == []
    [skipped] = [n for n in probe.world.not_exercised if n["check"] == "rate_limit"]
    assert "came back too slowly" in skipped["reason"]
    assert "with an empty body got no 429 either" in skipped["reason"]
