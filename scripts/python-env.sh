#!/usr/bin/env bash
# Makes (or reuses) the project's Python environment: a venv at .venv with models/requirements.txt
# (current CPU PyTorch, ONNX, ONNX Runtime, ...), and prints the path of its python.
#
#   scripts/python-env.sh            # prints .venv/bin/python, creating .venv on first use
#   UNIDIFF_PYTHON=/usr/bin/python3 scripts/python-env.sh   # use that interpreter as it is
#
# pip resolves the packages from its configured indexes (PyPI on a user's machine, a local wheel
# store where one is configured); --retries 0 fails fast over an index that cannot be reached
# instead of retrying it for minutes. Progress goes to stderr; only the path goes to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${UNIDIFF_PYTHON:-}" ]; then
  echo "$UNIDIFF_PYTHON"
  exit 0
fi
VENV=.venv
REQ=models/requirements.txt
STAMP="$VENV/.requirements.sha256"
want=$(sha256sum "$REQ" | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$want" ]; then
  echo "$PWD/$VENV/bin/python"
  exit 0
fi
if ! /usr/bin/python3 -m venv --help >/dev/null 2>&1 || ! /usr/bin/python3 -c 'import ensurepip' 2>/dev/null; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >&2
fi
start=$(date +%s)
rm -rf "$VENV"
/usr/bin/python3 -m venv "$VENV" >&2
"$VENV/bin/pip" install -q --retries 0 -r "$REQ" >&2 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
echo "$want" > "$STAMP"
echo "python-env: $VENV made in $(( $(date +%s) - start )) s ($("$VENV/bin/python" -c 'import torch; print("torch", torch.__version__)'))" >&2
echo "$PWD/$VENV/bin/python"
