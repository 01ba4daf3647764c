#!/bin/sh
# Runs as root inside the image being built (Dockerfile RUN, or chroot for the offline
# route): the service runtime venv from the wheelhouse only, and the sandbox user.
# Usage: setup-runtime.sh WHEELHOUSE REQUIREMENTS PYTHON
set -eu
WHEELHOUSE=$1
REQUIREMENTS=$2
PYTHON=$3

"$PYTHON" -m venv /opt/runtime
/opt/runtime/bin/pip install -q --no-index --no-cache-dir --find-links "$WHEELHOUSE" \
  -r "$REQUIREMENTS"
find /opt/runtime -name '__pycache__' -prune -exec rm -rf {} +

# uid 1000 with a passwd entry: initdb refuses root and needs getpwuid() to answer.
if ! grep -q '^sandbox:' /etc/passwd; then
  echo 'sandbox:x:1000:1000:sandbox:/tmp:/bin/sh' >> /etc/passwd
  echo 'sandbox:x:1000:' >> /etc/group
fi
mkdir -p /workspace
chown 1000:1000 /workspace
# The cluster the postgresql package creates is never used (the sandbox runs initdb in tmpfs).
rm -rf /var/lib/postgresql/*/main /etc/postgresql/*/main
