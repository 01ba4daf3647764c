"""Runs INSIDE a sandbox container (stdlib only) and prints what it can see and do as JSON.

`sandbox.check` sends this file's text to the container's Python; nothing here is imported
on the host.
"""

from __future__ import annotations

import json
import os
import pwd
import socket
import sys

OUTSIDE = [("1.1.1.1", 53), ("8.8.8.8", 443), ("151.101.0.223", 443)]  # last: pypi.org
CANDIDATES = [
    "/",
    "/etc",
    "/usr",
    "/usr/local",
    "/opt",
    "/opt/runtime",
    "/var",
    "/var/tmp",
    "/var/lib",
    "/home",
    "/root",
    "/run",
    "/srv",
    "/mnt",
    "/wheelhouse",  # the host's wheelhouse: mounted read-only
    "/tmp",
    "/dev/shm",
]


def tcp_reaches_outside() -> bool:
    for host, port in OUTSIDE:
        try:
            with socket.create_connection((host, port), timeout=3):
                return True
        except OSError:
            continue
    return False


def dns_resolves() -> bool:
    try:
        socket.getaddrinfo("pypi.org", 443)
    except OSError:
        return False
    return True


def writable(path: str) -> bool:
    probe = os.path.join(path, f".sandbox-check-{os.getpid()}")
    try:
        with open(probe, "w") as handle:
            handle.write("x")
    except OSError:
        return False
    os.unlink(probe)
    return True


def status_field(name: str) -> str:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(name + ":"):
                return line.split(":", 1)[1].strip()
    return ""


def main(canary: str) -> None:
    env_text = "\n".join(f"{k}={v}" for k, v in os.environ.items())
    findings = {
        "tcp_outside": tcp_reaches_outside(),
        "dns": dns_resolves(),
        "uid": os.getuid(),
        "gid": os.getgid(),
        "user": pwd.getpwuid(os.getuid()).pw_name,
        "env_names": sorted(os.environ),
        "canary_seen": bool(canary) and canary in env_text,
        "writable": [p for p in CANDIDATES if os.path.isdir(p) and writable(p)],
        "cap_eff": status_field("CapEff"),
        "no_new_privs": status_field("NoNewPrivs") == "1",
        "docker_socket": os.path.exists("/var/run/docker.sock"),
    }
    print(json.dumps(findings))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
