#!/usr/bin/env bash
# The suite's stability check: runs the README's test command (scripts/test-all.sh) RUNS times in
# a row while LOAD busy processes run beside it, then once more under nohup, and prints one line a
# run: exit status, wall time, tests run and skipped, and the 1-minute load average seen during it.
#
#   scripts/suite-under-load.sh [RUNS=5] [LOAD=2]
#
# Logs go to target/suite-under-load/run-N.log. Exits non-zero if any run failed.
set -uo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
LOAD=${2:-2}
LOGS=target/suite-under-load
mkdir -p "$LOGS"
busy=()
for _ in $(seq "$LOAD"); do
  ( while :; do :; done ) &
  busy+=($!)
done
trap 'kill "${busy[@]}" 2>/dev/null' EXIT

peak_load() {  # samples /proc/loadavg every 10 s into $1 while $2 (a pid) lives
  while kill -0 "$2" 2>/dev/null; do cut -d' ' -f1 /proc/loadavg >> "$1"; sleep 10; done
}

failed=0
run_one() {  # $1 label, rest: the command
  local label=$1; shift
  local log="$LOGS/$label.log" loads="$LOGS/$label.load"
  : > "$loads"
  local start; start=$(date +%s)
  "$@" > "$log" 2>&1 &
  local pid=$!
  peak_load "$loads" "$pid" &
  wait "$pid"; local rc=$?
  local took=$(( $(date +%s) - start ))
  local counts; counts=$(grep -E '^total ' "$log" | tail -1 | sed -E 's/ +/ /g')
  local mean; mean=$(awk '{s+=$1; n++} END {if (n) printf "%.2f", s/n; else print "-"}' "$loads")
  local min; min=$(sort -n "$loads" | head -1)
  echo "$label: exit $rc, ${took} s, ${counts:-no counts}, load average mean $mean (min ${min:--})"
  [ "$rc" = 0 ] || failed=1
}

for i in $(seq "$RUNS"); do
  run_one "run-$i" scripts/test-all.sh
done
run_one "nohup" nohup scripts/test-all.sh
exit "$failed"
