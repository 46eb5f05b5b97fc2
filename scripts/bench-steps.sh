#!/usr/bin/env bash
# Step-count table: text->image quality (200 items by default) and time per image at each step count
# of the default sampler, to choose the manifest's default steps by measurement.
#   scripts/bench-steps.sh [--steps "10 15 20 25 50"] [--samples N] [--out-dir DIR] [--threads N]
# Writes DIR/quality-steps-N.md (scripts/bench-quality.sh --metrics t2i) and DIR/speed-steps-N.md
# (scripts/bench-speed.sh --same-engine-only --peer-tasks t2i-1: Java and the onnxruntime peer).
set -euo pipefail
HERE="$(dirname "${BASH_SOURCE[0]}")"
STEPS="10 15 20 25 50"
SAMPLES=200
THREADS=2
OUT_DIR="unidiff-bench/target/steps"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --steps) STEPS="$2"; shift 2 ;;
    --samples) SAMPLES="$2"; shift 2 ;;
    --out-dir) OUT_DIR="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    *) echo "bench-steps: unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$OUT_DIR"
first=1
for n in $STEPS; do
  # Build once; the later runs reuse that build.
  if [[ $first == 1 ]]; then first=0; else export UNIDIFF_BENCH_SKIP_BUILD=1; fi
  "$HERE/bench-quality.sh" --metrics t2i --samples-per-metric "$SAMPLES" --steps "$n" --threads "$THREADS" \
    --out "$OUT_DIR/quality-steps-$n.md"
  export UNIDIFF_BENCH_SKIP_BUILD=1
  "$HERE/bench-speed.sh" --same-engine-only --peer-tasks t2i-1 --steps "$n" --threads "$THREADS" \
    --repeats 5 --warmup 2 --out "$OUT_DIR/speed-steps-$n.md"
done
