#!/usr/bin/env bash
# Runs every test of the project: the Java modules (Maven) and the Python recipe (pytest).
# Installs the Debian packages the Python side needs when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=/usr/bin/python3
if ! "$PY" -c 'import torch, onnx, numpy, pytest' 2>/dev/null; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    python3-torch python3-onnx python3-numpy python3-pytest libopenblas0-pthread >/dev/null
fi

# Includes unidiff-spark's tests: one local[2] Spark session, about a minute on 2 cores.
mvn -B -ntp verify
if [ -d models/tests ]; then
  "$PY" -m pytest -q models/tests
fi
