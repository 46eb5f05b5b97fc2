#!/usr/bin/env bash
# Quality benchmark: every metric of docs/BENCHMARKS.md on the default model (or --bundle DIR).
#   scripts/bench-quality.sh [--samples-per-metric N] [--metrics t2i,caption,...] [--out FILE] ...
exec "$(dirname "${BASH_SOURCE[0]}")/../unidiff-bench/bench.sh" quality "$@"
