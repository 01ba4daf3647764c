"""The environment door: any value in any of backend-agent's settings gives the settings,
or a ConfigError naming the variable (exit 2 at the CLI, one line); never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from typer.testing import CliRunner

from agent.cli import app
from agent.config import Settings
from agent.errors import ConfigError

NAMES = sorted((field.alias or name).upper() for name, field in Settings.model_fields.items())
value = st.one_of(
    st.sampled_from(["", "0", "-1", "abc", "1e309", "true", "auto", "docker", "none", "{}", "[]"]),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
            max_size=30),
)  # fmt: skip


@given(st.dictionaries(st.sampled_from(NAMES), value, min_size=1, max_size=4))
def test_any_setting_value_is_read_or_refused_naming_it(env: dict[str, str]) -> None:
    """Settings, or a ConfigError whose text names a variable that was set."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        Settings.from_environ()
        event("read")
    except ConfigError as exc:
        event("refused")
        assert any(name in str(exc) for name in env), str(exc)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_a_bad_setting_stops_run_with_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run` with BACKEND_AGENT_SANDBOX_TIMEOUT_S=abc-like garbage: exit 2, the variable
    named, no traceback, nothing written."""
    name = next(n for n in NAMES if n.endswith("_S") or n.endswith("_TTL_S"))
    monkeypatch.setenv(name, "not-a-number")
    repo = tmp_path / "svc"
    backlog = Path(__file__).parents[2] / "examples" / "taskboard.json"
    result = CliRunner().invoke(app, ["run", str(backlog), "--repo", str(repo)])
    assert result.exit_code == 2, result.output
    assert name in result.output and "Traceback" not in result.output
    assert not repo.exists()
