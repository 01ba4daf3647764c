"""The model door, on the wire and at the tools.

Replies: whatever a provider's server answers (a real reply with random edits, any JSON,
a status code), the real SDK through our provider gives a `Reply` or a `ModelError` that
the run turns into a resumable stop; never another exception. Three dialects: Chat
Completions (openai-compatible), Responses (openai), Messages (anthropic).

Tool calls: whatever the model asks (unknown tools, arguments that are not JSON or not an
object, wrong types, huge strings, paths outside the workspace, NUL bytes), `Toolbox.call`
answers with a result the model can act on, and nothing outside the workspace changes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from agent.errors import ModelError
from agent.models.base import Reply
from agent.models.factory import ModelOptions, ProviderKeys, build_model
from agent.models.retry import RetryPolicy
from sandbox.local import LocalSandbox
from tests.conftest import HOST_SERVICES
from tests.fakes import model_servers as wire
from tests.fakes.model_servers import FakeModelServer, serve
from tests.fuzz.backlogs import edited, json_value
from tests.models.conftest import READ_FILE, opening
from tools.toolbox import Toolbox

REPLIES = {
    "openai-compatible:qwen": [
        wire.chat_completion("done"),
        wire.chat_completion(tool_calls=[wire.chat_tool_call("c1", "read_file", '{"path": "a"}')]),
    ],
    "openai:gpt-5": [
        wire.openai_response(wire.openai_message("done")),
        wire.openai_response(wire.openai_function_call("c1", "read_file", '{"path": "a"}')),
    ],
    "anthropic:claude-sonnet-4-6": [
        wire.anthropic_message(wire.anthropic_text("done")),
        wire.anthropic_message(wire.anthropic_tool_use("t1", "read_file", {"path": "a"})),
    ],
}
KEYS = ProviderKeys(anthropic=SecretStr("sk-ant-fuzz"), openai=SecretStr("sk-fuzz"))


@pytest.fixture(scope="module")
def server() -> Iterator[FakeModelServer]:
    with serve() as running:
        yield running


def _model(spec: str, url: str) -> Any:
    options = ModelOptions(retry=RetryPolicy(max_attempts=1), sleep=lambda _s: None)
    base = f"{url}/v1" if spec.startswith("openai") else url
    return build_model(spec, keys=KEYS, base_url=base, options=options)


@given(
    spec=st.sampled_from(sorted(REPLIES)),
    data=st.data(),
    status=st.sampled_from([200, 200, 200, 400, 429, 500, 529]),
)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_reply_is_a_reply_or_a_model_error(
    server: FakeModelServer, spec: str, data: st.DataObject, status: int
) -> None:
    """A drawn body and status from the server: a Reply, or ModelError (a clear stop)."""
    body = data.draw(st.one_of(edited(REPLIES[spec]), json_value), label="body")
    server.queue(body, status=status)
    try:
        reply = _model(spec, server.url).complete(opening(), [READ_FILE])
    except ModelError:
        return
    finally:
        server.answers.clear()
    assert isinstance(reply, Reply)


TOOLS = ["list_files", "read_file", "search", "write_file", "edit_file", "run_lint",
         "show_evidence", "finish", "run_tests"]  # fmt: skip
hostile_path = st.one_of(
    st.sampled_from(["../outside.txt", "/etc/passwd", "../../x", "a/../../b", "~/x", ".git/config",
                     ".verify/evidence.json", "link/escape.txt", "ok.py", "", ".", "a\x00b",
                     "x" * 5000]),
    st.text(max_size=30),
)  # fmt: skip
argument_value = st.one_of(
    hostile_path, json_value, st.integers(), st.integers(1, 3).map(lambda n: "é\n" * (20_000 * n))
)
arguments = st.one_of(
    st.none(),
    st.text(max_size=50),  # not JSON, or JSON that is not an object
    json_value.map(json.dumps),
    st.dictionaries(
        st.sampled_from(["path", "content", "old_text", "new_text", "pattern", "start_line",
                         "end_line", "paths", "fix", "regex", "summary", "index", "folder"]),
        argument_value, max_size=4),
)  # fmt: skip


@given(
    calls=st.lists(
        st.tuples(st.one_of(st.sampled_from(TOOLS), st.text(max_size=12)), arguments),
        min_size=1,
        max_size=8,
    )
)
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_tool_call_gets_a_result_and_the_outside_is_untouched(
    tmp_path_factory: pytest.TempPathFactory, service_python: Path, calls: list[Any]
) -> None:
    """Each call answers a ToolResult (an error the model can read, or output); the files
    beside the workspace, and the one a symlink inside points at, are never written."""
    root = tmp_path_factory.mktemp("door")
    workspace = root / "ws"
    workspace.mkdir()
    (workspace / "ok.py").write_text("x = 1\n")
    outside = root / "outside.txt"
    outside.write_text("untouched")
    (workspace / "link").symlink_to(root)
    box = LocalSandbox(workspace, service_python, HOST_SERVICES)
    toolbox = Toolbox(box, test_timeout_s=60, lint_timeout_s=60)
    for name, args in calls:
        result = toolbox.call(name, args)
        assert isinstance(result.output, str) and len(result.output) <= 12_100
    assert outside.read_text() == "untouched"
    assert sorted(p.name for p in root.iterdir()) == ["outside.txt", "ws"]
