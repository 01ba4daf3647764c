"""Run in the sandbox by the package gate with the clean install's Python (as
`python -c SOURCE UVICORN LIMIT_S LOG`): start `uvicorn backend.main:app` from that install
on a free loopback port, wait for `/health` to answer 200, stop it.

Prints one JSON line (`healthy`, `status`, `base_url`, `startup_s`, `exit_code`, `log`)
and exits 0
only when /health answered 200. The standard library only: the install is all it may use.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

LOG_CHARS = 3000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def health(url: str) -> int | None:
    """The status /health answers with, or None when nothing answers yet."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def wait_healthy(proc: subprocess.Popen[bytes], url: str, limit_s: float) -> int | None:
    """Poll /health until it answers 200, the server exits, or `limit_s` passes."""
    deadline = time.monotonic() + limit_s
    status = None
    while time.monotonic() < deadline and proc.poll() is None:
        status = health(url)
        if status == 200:
            break
        time.sleep(0.2)
    return status


def stop(proc: subprocess.Popen[bytes]) -> int | None:
    """Stop the server if it still runs; its exit code if it had ended by itself."""
    ended = proc.poll()
    if ended is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return ended


def main(uvicorn: str, limit_s: float, log_path: str) -> int:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    argv = [uvicorn, "backend.main:app", "--host", "127.0.0.1", "--port", str(port)]
    started = time.monotonic()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        try:
            status = wait_healthy(proc, f"{base_url}/health", limit_s)
            startup_s = round(time.monotonic() - started, 2)
        finally:
            exit_code = stop(proc)
    with open(log_path, encoding="utf-8", errors="replace") as log:
        text = log.read()[-LOG_CHARS:]
    healthy = status == 200
    answer = {
        "healthy": healthy,
        "status": status,
        "base_url": base_url,
        "startup_s": startup_s,
        "exit_code": exit_code,
        "log": text,
    }
    print(json.dumps(answer))
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2]), sys.argv[3]))
