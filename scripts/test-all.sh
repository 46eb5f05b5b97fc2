#!/usr/bin/env bash
# Runs every test of the project: the Java modules (Maven) and the Python side (pytest), then
# prints how many tests ran and were skipped, with each skip's reason.
# Then runs the Spark jobs on a real standalone cluster (scripts/spark-cluster-test.sh).
# Makes what it needs on first use: Debian's Chromium and chromedriver (the server's browser test)
# and the Python venv of models/requirements.txt (scripts/python-env.sh), so that no test skips
# for a missing package; only tests that need hardware absent here (CUDA) may skip.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
# Counts come from this run's reports only.
rm -rf ./*/target/surefire-reports target/pytest-report.xml

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
# The server's browser test drives Debian's headless Chromium through Debian's chromedriver
# (nothing is downloaded at test time).
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi
PY=$(scripts/python-env.sh)

# install, not verify: InstalledArtifactsTest (unidiff-cli) builds a project outside the checkout
# against the installed artifacts, which the modules before it install in this same run.
# Includes unidiff-spark's tests: one local[2] Spark session, about a minute on 2 cores.
# Both halves run even when the first fails, and the counts are printed either way.
status=0
mvn -B -ntp install || status=$?
# The Spark jobs on a real standalone cluster (master, two workers, an executor killed mid-job):
# exactly-once outputs equal to local[2]'s; about 4 minutes.
if [ "$status" = 0 ]; then scripts/spark-cluster-test.sh || status=$?; fi
mkdir -p target
"$PY" -m pytest -q -rs --junitxml=target/pytest-report.xml models/tests || status=$?
"$PY" scripts/test_counts.py --seconds $(( $(date +%s) - started )) || status=$?
if [ "$status" != 0 ]; then echo "test-all: FAILED (exit $status)" >&2; fi
exit "$status"
