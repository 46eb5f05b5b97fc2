#!/usr/bin/env bash
# Speed benchmark: Java API against the Python reference, where the Java time goes, resident memory.
#   scripts/bench-speed.sh [--repeats N] [--threads N] [--leak-generations N] [--out FILE] ...
exec "$(dirname "${BASH_SOURCE[0]}")/../unidiff-bench/bench.sh" speed "$@"
