"""`sandbox check`: prove, in a fresh container, that every isolation property holds.

Returns one JSON-able dict of findings; `ok` is true only when all of them hold. The host
side puts a canary variable into this process's environment while the container starts
(the one place a host variable could leak from) and asserts it never shows inside.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker

from sandbox.docker import DockerSandbox, Limits
from sandbox.docker.limits import parse_bytes
from sandbox.image import ensure_wheelhouse

ALLOWED_WRITABLE = frozenset({"/tmp", "/dev/shm"})
PROBE = Path(__file__).with_name("check_probe.py")


@contextlib.contextmanager
def _host_canary() -> Iterator[str]:
    name, value = "BACKEND_AGENT_CANARY_SECRET", f"canary-{secrets.token_hex(8)}"
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield value
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def _memory(sandbox: DockerSandbox, limits: Limits) -> dict[str, Any]:
    """Allocate (and touch) the limit plus 256 MiB; the kernel must kill it, we must say so."""
    want = parse_bytes(limits.memory) + (256 << 20)
    code = f"chunks = [b'x' * (32 << 20) for _ in range({want} // (32 << 20) + 1)]"
    result = sandbox.run([sandbox.python, "-c", code], timeout=60)
    return {
        "limit": limits.memory,
        "allocated_bytes": want,
        "exit_code": result.exit_code,
        "oom_killed": result.oom_killed,
        "enforced": result.oom_killed,
    }


def _pids(sandbox: DockerSandbox, limits: Limits) -> dict[str, Any]:
    """Fork sleepers until refused; refused below the limit means it holds."""
    code = (
        "import os, time, json\npids = []\nrefused = False\n"
        f"for _ in range({limits.pids * 2}):\n"
        "    try:\n        pid = os.fork()\n    except OSError:\n        refused = True\n"
        "        break\n    if pid == 0:\n        time.sleep(60)\n        os._exit(0)\n"
        "    pids.append(pid)\nfor pid in pids:\n    os.kill(pid, 9)\n"
        "print(json.dumps({'forked': len(pids), 'refused': refused}))\n"
    )
    result = sandbox.run([sandbox.python, "-c", code], timeout=60)
    seen = json.loads(result.stdout or "{}")
    held = bool(seen.get("refused")) and int(seen.get("forked", 0)) < limits.pids
    return {"limit": limits.pids, **seen, "enforced": held}


def _timeout(sandbox: DockerSandbox) -> dict[str, Any]:
    result = sandbox.run(["sleep", "60"], timeout=2)
    cut = result.timed_out and result.duration_s < 10
    return {
        "asked_s": 2,
        "took_s": round(result.duration_s, 2),
        "timed_out": result.timed_out,
        "enforced": cut,
    }


def _probe(sandbox: DockerSandbox, canary: str) -> dict[str, Any]:
    result = sandbox.run([sandbox.python, "-c", PROBE.read_text(), canary], timeout=60)
    if not result.ok:
        return {"error": result.stderr[-2000:]}
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def _workspace_roundtrip(sandbox: DockerSandbox) -> bool:
    """A file written inside is on the host after run(); a host edit is seen by the next."""
    sandbox.run(["sh", "-c", "echo inside > from-inside.txt"], timeout=10)
    (sandbox.workspace / "from-host.txt").write_text("host")
    seen = sandbox.run(["cat", "from-host.txt"], timeout=10).stdout
    return (sandbox.workspace / "from-inside.txt").read_text() == "inside\n" and seen == "host"


def _verdict(findings: dict[str, Any]) -> bool:
    probe = findings["probe"]
    return bool(
        "error" not in probe
        and not probe["tcp_outside"]
        and not probe["dns"]
        and probe["uid"] != 0
        and not probe["canary_seen"]
        and set(probe["writable"]) <= ALLOWED_WRITABLE
        and probe["cap_eff"].strip("0") == ""
        and not probe["docker_socket"]
        and findings["memory"]["enforced"]
        and findings["pids"]["enforced"]
        and findings["timeout"]["enforced"]
        and findings["workspace_roundtrip"]
    )


def run_check(
    client: docker.DockerClient, image: str, *, cache_dir: Path, limits: Limits | None = None
) -> dict[str, Any]:
    """Run every isolation probe in a fresh container of `image`; return the findings."""
    limits = limits or Limits()
    with tempfile.TemporaryDirectory(prefix="sandbox-check-") as tmp, _host_canary() as canary:
        sandbox = DockerSandbox.open(
            client,
            image,
            Path(tmp),
            mirror_root=cache_dir / "mirrors",
            run_id="sandbox-check",
            limits=limits,
            wheelhouse=ensure_wheelhouse(cache_dir),
        )
        try:
            findings: dict[str, Any] = {
                "image": image,
                "probe": _probe(sandbox, canary),
                "memory": _memory(sandbox, limits),
                "pids": _pids(sandbox, limits),
                "timeout": _timeout(sandbox),
                "workspace_roundtrip": _workspace_roundtrip(sandbox),
            }
        finally:
            sandbox.close()
    findings["ok"] = _verdict(findings)
    return findings
