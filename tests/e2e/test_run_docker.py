"""The example run with the default sandbox, Docker: verify evidence comes from inside."""

from __future__ import annotations

import re
from pathlib import Path

import docker
import pytest

from agent.config import ALL_GATES
from agent.report.schema import Report
from sandbox.docker.reaper import LABEL
from tests.e2e.helpers import cli, run_dir, trajectory

pytestmark = [pytest.mark.slow, pytest.mark.docker]


def test_example_passes_in_the_docker_sandbox(tmp_path: Path) -> None:
    """`run` without --sandbox picks Docker; every gate passes in the container, and the
    scaffold's criterion tests are proven on mutants there; the rules are left (exit 4)."""
    repo = tmp_path / "svc"
    done = cli("run", "examples/taskboard.json", "--repo", str(repo))
    assert done.returncode == 4, done.stderr[-3000:]
    report = Report.model_validate_json((run_dir(repo) / "report.json").read_text())
    assert report.run.sandbox == "docker"
    assert report.test_results.integration_tests_passed == 35  # 404 under a missing parent: 1
    assert all(item.status == "incomplete" for item in report.items)
    tested = [c for i in report.items for c in i.acceptance_criteria if c.tests]
    assert len(tested) == 13 and all(c.status == "met" for c in tested), tested
    verified = [e for e in trajectory(repo) if e["node"] == "verify"]
    assert all(e.get("passed") for e in verified)
    assert all([g.name for g in item.gates] == list(ALL_GATES) for item in report.items)
    # The report's figures are what the gates printed in the run's last verify.
    printed = verified[-1]["message"]
    results = report.test_results
    assert f"tests ok ({results.integration_tests_passed}/35 passed" in printed
    assert f"security ok ({results.security_scan_status})" in printed
    load = results.load_test_results
    rps, p95 = re.search(r"load ok \(([\d.]+) rps, p95 ([\d.]+) ms", printed).groups()  # type: ignore[union-attr]
    assert (load.requests_per_second, load.p95_latency) == (float(rps), f"{p95}ms")
    # Every endpoint has a measured p95, and says how (issue 18).
    endpoints = [e for group in report.implemented_endpoints for e in group.endpoints]
    assert all(e.response_time_p95 and e.response_time_measured for e in endpoints), endpoints
    client = docker.DockerClient(base_url="unix:///var/run/docker.sock")
    left = client.containers.list(all=True, filters={"label": f"{LABEL}=1"})
    assert [c.name for c in left if report.run.run_id in c.name] == []
