"""Local HTTP servers that speak the model APIs' wire formats, for the real SDKs to talk to.

`FakeModelServer` is `http.server` in a thread on 127.0.0.1 (a random port). Tests queue
the responses it gives, in order (`queue(...)`), and read what it received (`received`):
the path, the headers and the JSON body each SDK sent. The builders below write the JSON
each API answers with: anthropic Messages, OpenAI Responses, Chat Completions, and their
error bodies. With nothing queued it answers 500, so a test that under-queues fails loud.
An answer queued with `hold=` waits until the test sets that event (a model "thinking"
for exactly as long as the test needs to look at the agent in the meantime).
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Canned:
    """One queued answer: status, JSON body (or raw text), extra headers."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    hold: threading.Event | None = None  # answered only once it is set (at most 10 min)


@dataclass(frozen=True)
class Received:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    json: Any


class FakeModelServer:
    """The server state: the answers still queued and the requests received."""

    def __init__(self) -> None:
        self.answers: deque[Canned] = deque()
        self.received: list[Received] = []
        self.url = ""
        self._lock = threading.Lock()

    def queue(
        self,
        body: Any,
        status: int = 200,
        headers: dict[str, str] | None = None,
        hold: threading.Event | None = None,
    ) -> None:
        """Answer the next unanswered request with this (once `hold` is set, if given)."""
        self.answers.append(Canned(status, body, headers or {}, hold))

    def take(self, received: Received) -> Canned:
        with self._lock:
            self.received.append(received)
            if self.answers:
                return self.answers.popleft()
        return Canned(500, {"error": {"type": "api_error", "message": "fake: nothing queued"}})

    @property
    def bodies(self) -> list[Any]:
        return [r.json for r in self.received]


def _handler(server: FakeModelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            headers = {k.lower(): v for k, v in self.headers.items()}
            canned = server.take(Received("POST", self.path, headers, body))
            if canned.hold is not None:
                canned.hold.wait(timeout=600)
            payload = canned.body if isinstance(canned.body, str) else json.dumps(canned.body)
            data = payload.encode()
            self.send_response(canned.status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for name, value in canned.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


@contextmanager
def serve() -> Iterator[FakeModelServer]:
    """A running fake server on a free port of 127.0.0.1, stopped on exit."""
    state = FakeModelServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


# --- anthropic Messages API -------------------------------------------------------------


def anthropic_text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def anthropic_tool_use(call_id: str, name: str, arguments: Any) -> dict[str, Any]:
    return {"type": "tool_use", "id": call_id, "name": name, "input": arguments}


def anthropic_message(
    *blocks: dict[str, Any],
    stop_reason: str | None = None,
    input_tokens: int = 100,
    output_tokens: int = 20,
    cache_read: int = 0,
    cache_write: int = 0,
    model: str = "claude-sonnet-4-6",
) -> dict[str, Any]:
    has_tool = any(b["type"] == "tool_use" for b in blocks)
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": list(blocks),
        "stop_reason": stop_reason or ("tool_use" if has_tool else "end_turn"),
        "stop_sequence": None,
        "usage": {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cache_read_input_tokens": cache_read,
            "cache_creation_input_tokens": cache_write,
        },
    }


def anthropic_error(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}


# --- OpenAI Responses API ---------------------------------------------------------------


def openai_function_call(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    return {
        "type": "function_call",
        "id": f"fc_{call_id}",
        "call_id": call_id,
        "name": name,
        "arguments": arguments,
        "status": "completed",
    }


def openai_message(text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "id": "msg_fake",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }


def openai_response(
    *output: dict[str, Any],
    input_tokens: int = 100,
    output_tokens: int = 20,
    cached: int = 0,
    model: str = "gpt-5",
    status: str = "completed",
) -> dict[str, Any]:
    return {
        "id": "resp_fake",
        "object": "response",
        "created_at": 1_700_000_000,
        "model": model,
        "status": status,
        "output": list(output),
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": input_tokens,
            "input_tokens_details": {"cached_tokens": cached, "cache_write_tokens": 0},
            "output_tokens": output_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": input_tokens + output_tokens,
        },
    }


def openai_error(message: str, kind: str = "server_error") -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


# --- Chat Completions (vLLM, Ollama, LM Studio) -----------------------------------------


def chat_tool_call(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def chat_completion(
    content: str | None = None,
    tool_calls: list[dict[str, Any]] | None = None,
    *,
    usage: dict[str, Any] | None = None,
    finish_reason: str | None = None,
    model: str = "qwen2.5-coder",
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = tool_calls
    body: dict[str, Any] = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": finish_reason or ("tool_calls" if tool_calls else "stop"),
            }
        ],
    }
    if usage is not None:
        body["usage"] = usage
    return body
