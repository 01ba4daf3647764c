"""What a person sees on a terminal while a run works, read off a real terminal: the run
goes in a tmux pane (rich draws its live panel there, as on a user's screen), and the test
reads the pane with `tmux capture-pane`.

The model is an OpenAI-compatible server on 127.0.0.1 (the real SDK, through
`--base-url`) whose second answer waits until the test has read the screen, and whose
first writes a service test that waits for a file the test creates once it has read the
screen during verify. So the screen is read mid-model-session and mid-gate however slow
the machine is, and nothing sleeps a fixed time: each look polls until a deadline.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e import notes_flow as flow
from tests.e2e.helpers import CLI, REPO_ROOT
from tests.fakes.model_dialects import CHAT
from tests.fakes.model_servers import serve

pytestmark = pytest.mark.slow
HOLD_TEST = "backend/tests/test_hold.py"
HOLD = '''"""Holds the tests gate until the screen was read (tests/e2e/test_live_progress.py)."""

import time
from pathlib import Path

RELEASE = Path("{release}")


def test_held_until_the_screen_was_read() -> None:
    deadline = time.monotonic() + 300
    while not RELEASE.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert RELEASE.exists()
'''


class Pane:
    """A detached tmux session of its own (its own server socket), 160x50."""

    def __init__(self, socket: Path) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-S", str(self.socket), *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def start(self, command: str, env: dict[str, str]) -> None:
        shell = f"{command}; echo EXIT=$?; sleep 600"
        subprocess.run(
            ["tmux", "-S", str(self.socket), "new-session", "-d", "-x", "160", "-y", "50", shell],
            env=env,
            check=True,
        )

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p")

    def wait_for(self, pattern: str, timeout_s: float) -> str:
        """The screen, once `pattern` (a regex) is on it; fails with the last screen."""
        deadline, seen = time.monotonic() + timeout_s, ""
        while time.monotonic() < deadline:
            seen = self.screen()
            if re.search(pattern, seen):
                return seen
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} not on the screen within {timeout_s} s:\n{seen}")


@pytest.fixture
def pane() -> Iterator[Pane]:
    assert shutil.which("tmux"), "tmux is missing: scripts/setup.sh installs it"
    folder = Path(tempfile.mkdtemp(prefix="tmux-"))  # a socket path short enough for tmux
    found = Pane(folder / "s")
    try:
        yield found
    finally:
        subprocess.run(["tmux", "-S", str(found.socket), "kill-server"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def test_the_screen_shows_the_turn_mid_session_and_the_gate_mid_verify(
    tmp_path: Path, pane: Pane
) -> None:
    """Mid model session the live panel shows the item, the node, `turn 2/40`, the last
    tool called (`write_file backend/tests/test_hold.py`) and the tokens against the
    budget; mid verify it shows the gate in progress (`gate tests`) beside the gate that
    ended (`lint ok`); at the end the panel is gone and the summary is there."""
    release = tmp_path / "release"
    first = flow.turn(
        "A test that waits.",
        flow.call("w1", "write_file", path=HOLD_TEST, content=HOLD.format(release=release)),
    )
    thinking = threading.Event()
    with serve() as server:
        server.queue(CHAT.answer(first))
        server.queue(CHAT.answer(flow.finish("f1")), hold=thinking)
        args = [
            *CLI, "run", str(flow.BACKLOG), "--repo", str(tmp_path / "svc"),
            "--sandbox", "local", "--gates", "lint,tests", "--max-repairs", "0",
            "--model", "openai-compatible:qwen2.5-coder", "--base-url", f"{server.url}/v1",
            "--budget-run-tokens", "100000",
        ]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if k != "OPENAI_BASE_URL"}
        pane.start(f"cd {shlex.quote(str(REPO_ROOT))} && {shlex.join(args)}", env)
        try:
            session = pane.wait_for(r"implement \d+:\d\d · turn 2/40 \d+:\d\d", 300)
        finally:
            thinking.set()
        assert "item NOTE-1" in session
        assert f"last tool: write_file {HOLD_TEST}" in session
        assert "1,500 tokens of 100,000" in session
        try:
            verify = pane.wait_for(r"verify \d+:\d\d · gate tests \d+:\d\d", 300)
        finally:
            release.touch()
        assert "done: lint ok" in verify
        assert "turn 2/40" not in verify  # the panel follows the run: the session is over
        end = pane.wait_for(r"EXIT=\d+", 300)
    assert len(server.received) == 2 and all(r.path == CHAT.path for r in server.received)
    assert "EXIT=4" in end, end  # the gates passed; the rule is left (incomplete)
    assert "run " in end and "gate tests ok" in end
    assert not re.search(r"verify \d+:\d\d · gate", end)  # the live panel went away
    assert "max repair iterations (0) reached" in end  # the item's stop reason, in its row
