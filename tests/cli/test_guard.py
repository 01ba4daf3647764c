"""The CLI's last edge: an exception no command foresaw ends as one line naming where the
traceback went, exit 70; never a traceback on the terminal unless --debug asks for it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from agent import crash
from agent.cli import app
from agent.cli_guard import GuardedGroup
from agent.errors import ConfigError

TRACEBACK = "Traceback (most recent call last)"


def _toy() -> typer.Typer:
    toy = typer.Typer(cls=GuardedGroup)

    @toy.callback()
    def _options(ctx: typer.Context, debug: bool = typer.Option(False, "--debug")) -> None:
        ctx.meta["debug"] = debug

    @toy.command()
    def boom() -> None:
        raise KeyError("planted bug with ghp_secrettoken123 inside")

    @toy.command()
    def refuse() -> None:
        raise ConfigError("set FOO to a path")

    return toy


@pytest.fixture(autouse=True)
def _state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("BACKEND_AGENT_DEBUG", raising=False)
    return tmp_path / "state"


def test_an_unexpected_exception_ends_in_one_line_and_exit_70(tmp_path: Path) -> None:
    """The line names the error and the traceback file; the file holds the traceback; the
    terminal holds no traceback."""
    result = CliRunner().invoke(_toy(), ["boom"])

    assert result.exit_code == crash.EXIT_CRASH
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "internal error" in lines[0] and "KeyError" in lines[0]
    assert TRACEBACK not in result.output
    written = re.search(r"traceback: (\S+crash-\S+\.txt)", result.output)
    assert written, result.output
    text = Path(written.group(1)).read_text()
    assert TRACEBACK in text and "planted bug" in text
    assert Path(written.group(1)).is_relative_to(tmp_path / "state" / "backend-agent")


def test_a_token_in_the_error_is_blanked_in_the_line_and_the_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A secret from the environment that reached an exception message never reaches the
    terminal or the traceback file."""
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secrettoken123")
    result = CliRunner().invoke(_toy(), ["boom"])

    assert "ghp_secrettoken123" not in result.output
    written = re.search(r"traceback: (\S+\.txt)", result.output)
    assert written
    assert "ghp_secrettoken123" not in Path(written.group(1)).read_text()


def test_debug_prints_the_traceback_too() -> None:
    """`--debug` is the way to see the traceback on the terminal."""
    result = CliRunner().invoke(_toy(), ["--debug", "boom"])

    assert result.exit_code == crash.EXIT_CRASH
    assert TRACEBACK in result.output


def test_a_foreseen_error_that_escaped_its_command_keeps_its_exit_code() -> None:
    """A BackendAgentError is not a crash: its message and its own exit code (2 here)."""
    result = CliRunner().invoke(_toy(), ["refuse"])

    assert result.exit_code == 2
    assert "set FOO to a path" in result.output
    assert "internal error" not in result.output


def test_the_real_cli_is_guarded_and_has_debug() -> None:
    """`backend-agent` itself runs its commands under the guard and takes --debug."""
    assert isinstance(typer.main.get_command(app), GuardedGroup)
    result = CliRunner().invoke(app, ["--debug", "validate", "/nonexistent/backlog.json"])
    assert result.exit_code == 2
    assert "cannot read" in result.output
