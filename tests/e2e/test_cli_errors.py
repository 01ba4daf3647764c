"""`backend-agent run` refuses a model it cannot use at once: exit 2, a message naming what
to set, and nothing written (not even the repo folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.helpers import REPO_ROOT, cli

pytestmark = pytest.mark.slow
MODEL_SETTINGS = ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL")


@pytest.mark.parametrize(
    ("model", "named"),
    [
        ("anthropic:claude-sonnet-4-5", "ANTHROPIC_API_KEY"),
        ("openai:gpt-5", "OPENAI_API_KEY"),
        ("openai-compatible:qwen2.5-coder", "--base-url"),
    ],
)
def test_a_model_without_its_key_fails_before_anything_is_written(
    tmp_path: Path, model: str, named: str
) -> None:
    """With the provider's key (or base URL) absent from the child's environment, `run`
    exits 2 naming the missing setting, and the repo it was given is never created."""
    repo = tmp_path / "svc"
    env = {k: v for k, v in os.environ.items() if k not in MODEL_SETTINGS}
    done = cli(
        "run",
        str(REPO_ROOT / "examples" / "taskboard.json"),
        "--repo",
        str(repo),
        "--model",
        model,
        env=env,
        timeout=60,
    )

    assert done.returncode == 2, done.stderr
    assert named in " ".join(done.stderr.split())
    assert not repo.exists()
