#!/usr/bin/env bash
# The whole test suite, after installing and starting what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/pytest "$@"
