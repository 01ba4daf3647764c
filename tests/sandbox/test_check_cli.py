"""`backend-agent sandbox check`: one JSON object of findings, exit 0 only when all hold."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.docker
ROOT = Path(__file__).parents[2]


def test_sandbox_check_proves_isolation() -> None:
    """No network, no host env (a canary set here), non-root, limits enforced: exit 0."""
    env = {**os.environ, "GITHUB_TOKEN": "ghp_canary_from_the_host"}
    done = subprocess.run(
        [sys.executable, "-m", "agent.cli", "sandbox", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    findings = json.loads(done.stdout)
    assert findings["ok"] is True
    probe = findings["probe"]
    assert probe["tcp_outside"] is False and probe["dns"] is False
    assert probe["uid"] != 0 and "GITHUB_TOKEN" not in probe["env_names"]
    assert findings["memory"]["enforced"] and findings["pids"]["enforced"]
    assert findings["timeout"]["enforced"]
