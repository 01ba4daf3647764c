"""A git host over HTTP for push tests: `git http-backend` behind HTTP Basic auth.

It serves the bare repositories under `root` at `http://127.0.0.1:PORT/<name>.git` and
answers 401 (with `WWW-Authenticate`, as GitHub does) unless the request carries
`username:token` (or a pair `accepts` lets in, for tokens issued while the test runs), so
a push succeeds only when the token reached git by some route. `authorizations` records
every Authorization header it was sent.
"""

from __future__ import annotations

import base64
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


@dataclass
class GitHttpHost:
    """Which repositories, which credentials, and what was sent."""

    root: Path
    username: str
    token: str
    url: str = ""
    authorizations: list[str] = field(default_factory=list)
    accepts: Callable[[str, str], bool] | None = None  # (username, token) -> let in

    def expected(self) -> str:
        pair = f"{self.username}:{self.token}".encode()
        return "Basic " + base64.b64encode(pair).decode()

    def allows(self, given: str | None) -> bool:
        if self.accepts is None or not given or not given.startswith("Basic "):
            return given == self.expected()
        username, _, token = base64.b64decode(given.removeprefix("Basic ")).decode().partition(":")
        return self.accepts(username, token)


def _handler(host: GitHttpHost) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def log_message(self, format: str, *args: object) -> None:
            return

        def _serve(self) -> None:
            given = self.headers.get("Authorization")
            if given:
                host.authorizations.append(given)
            if not host.allows(given):
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="GitHub"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status, headers, body = _backend(host, self.command, self.path, self._body(), self)
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while size := int(self.rfile.readline().strip(), 16):
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                self.rfile.readline()
                return b"".join(chunks)
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    return Handler


def _backend(
    host: GitHttpHost, method: str, path: str, body: bytes, request: BaseHTTPRequestHandler
) -> tuple[int, list[tuple[str, str]], bytes]:
    """Run one CGI request through `git http-backend`."""
    parts = urlsplit(path)
    env = {
        "GIT_PROJECT_ROOT": str(host.root),
        "GIT_HTTP_EXPORT_ALL": "1",
        "PATH_INFO": parts.path,
        "QUERY_STRING": parts.query,
        "REQUEST_METHOD": method,
        "CONTENT_TYPE": request.headers.get("Content-Type", ""),
        "CONTENT_LENGTH": str(len(body)),
        "REMOTE_USER": host.username,
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_CONTENT_ENCODING": request.headers.get("Content-Encoding", ""),
        "HTTP_GIT_PROTOCOL": request.headers.get("Git-Protocol", ""),
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    out = subprocess.run(
        ["git", "http-backend"], input=body, env=env, capture_output=True, check=False
    ).stdout
    head, _, payload = out.partition(b"\r\n\r\n")
    status, headers = 200, []
    for line in head.decode().split("\r\n"):
        name, _, value = line.partition(":")
        if name.lower() == "status":
            status = int(value.split()[0])
        elif name:
            headers.append((name, value.strip()))
    return status, headers, payload


@contextmanager
def serve_git(host: GitHttpHost) -> Iterator[GitHttpHost]:
    """Serve `host` on 127.0.0.1 (random port) in a thread while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(host))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield host
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
