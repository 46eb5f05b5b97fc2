#!/usr/bin/env bash
# Runs every test of the project: the Java modules (Maven) and the Python recipe (pytest).
# Installs the Debian packages the Python side and the browser test need when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=/usr/bin/python3
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
PACKAGES=()
if ! "$PY" -c 'import torch, onnx, numpy, pytest' 2>/dev/null; then
  PACKAGES+=(python3-torch python3-onnx python3-numpy python3-pytest libopenblas0-pthread)
fi
# The server's browser test drives Debian's headless Chromium through Debian's chromedriver
# (nothing is downloaded at test time).
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  PACKAGES+=(chromium chromium-driver)
fi
if [ "${#PACKAGES[@]}" -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${PACKAGES[@]}" >/dev/null
fi

# install, not verify: InstalledArtifactsTest (examples) builds a project outside the checkout
# against the installed artifacts, which the modules before it install in this same run.
# Includes unidiff-spark's tests: one local[2] Spark session, about a minute on 2 cores.
mvn -B -ntp install
if [ -d models/tests ]; then
  "$PY" -m pytest -q models/tests
fi
