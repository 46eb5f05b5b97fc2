#!/usr/bin/env bash
# Makes (once) the Python environment of the same-engine speed peer (ort_peer.py): a virtual
# environment in DIR that sees the system's packages and has onnxruntime, numpy and onnx installed
# through pip's own configuration (on a machine without network, its local wheel store or index).
# Prints the environment's interpreter on the last line; exits non-zero, with pip's complaint on
# standard error, when the packages cannot be installed.
#
#   unidiff-bench/src/main/python/ort-venv.sh DIR
# Environment: PYTHON (the interpreter that makes the environment, default python3),
# UNIDIFF_PIP_ARGS (extra pip install options).
set -euo pipefail
DIR="${1:?usage: ort-venv.sh DIR}"
PY="${PYTHON:-python3}"
if [[ -x "$DIR/bin/python" ]] && "$DIR/bin/python" -c "import onnxruntime, numpy, onnx" 2>/dev/null; then
  echo "$DIR/bin/python"
  exit 0
fi
command -v "$PY" >/dev/null || { echo "ort-venv: no Python interpreter '$PY'" >&2; exit 1; }
"$PY" -m venv --system-site-packages "$DIR" >&2
# shellcheck disable=SC2086
"$DIR/bin/pip" install --no-input --disable-pip-version-check -q ${UNIDIFF_PIP_ARGS:-} onnxruntime numpy onnx >&2
"$DIR/bin/python" -c "import onnxruntime, numpy, onnx" >&2
echo "$DIR/bin/python"
