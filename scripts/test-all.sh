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

# install, not verify: InstalledArtifactsTest (examples) builds a project outside the checkout
# against the installed artifacts, which the modules before it install in this same run.
mvn -B -ntp install
if [ -d models/tests ]; then
  "$PY" -m pytest -q models/tests
fi
