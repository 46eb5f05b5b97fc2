#!/usr/bin/env bash
# Throughput configuration: text->image images/s for concurrent requests x ONNX Runtime intra-op threads.
# ONNX Runtime fixes its thread pools once per process, so each thread count runs in a JVM of its own.
#   scripts/bench-throughput.sh [--thread-counts "1 2"] [--concurrency 1,2,4] [--out-dir DIR] [bench-speed options]
set -euo pipefail
HERE="$(dirname "${BASH_SOURCE[0]}")"
THREADS="1 2"
CONC="1,2,4"
OUT_DIR="unidiff-bench/target/throughput"
ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --thread-counts) THREADS="$2"; shift 2 ;;
    --concurrency) CONC="$2"; shift 2 ;;
    --out-dir) OUT_DIR="$2"; shift 2 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
mkdir -p "$OUT_DIR"
first=1
for t in $THREADS; do
  # Build once, then reuse the build for the other thread counts.
  if [[ $first == 1 ]]; then first=0; else export UNIDIFF_BENCH_SKIP_BUILD=1; fi
  "$HERE/bench-speed.sh" --threads "$t" --throughput "$CONC" --out "$OUT_DIR/threads-$t.md" "${ARGS[@]}"
done
