#!/usr/bin/env bash
# Install everything backend-agent and its tests need on a fresh machine of this kind.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if ! .venv/bin/python -c "import agent, langgraph, docker" 2>/dev/null \
   || [ pyproject.toml -nt .venv/.installed ]; then
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".[dev]"
  touch .venv/.installed
fi
bash scripts/services.sh
# tmux: a test reads the live progress panel off a real terminal (a tmux pane).
if ! command -v tmux >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tmux >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends tmux >/dev/null; }
fi
# Headless Chromium: the eval tests open the HTML report in it and take a screenshot.
if ! command -v chromium >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends chromium >/dev/null; }
fi
# The service runtime (the generated code's dependencies) for the local sandbox.
.venv/bin/python -c "from pathlib import Path; from sandbox.runtime import ensure_runtime; \
print('service runtime:', ensure_runtime(Path.home() / '.cache' / 'backend-agent'))"
# The Docker engine (installed and started when missing) and the sandbox image (built when missing).
bash scripts/ensure-docker.sh
.venv/bin/python -m agent.cli_sandbox build
