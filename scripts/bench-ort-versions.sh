#!/usr/bin/env bash
# ONNX Runtime binding versions against each other and against the Python binding, on one bare
# transformer call of the default bundle (no unidiff code in the path): which Java version to pin.
# Runs the versions in rotation, REPEATS passes, and prints a table of min / p10 / median ms.
#
#   scripts/bench-ort-versions.sh [--versions "1.23.2 1.29.0"] [--rounds 1000] [--threads 1] [--repeats 3]
#       [--model FILE]
# Java versions are fetched from Maven Central once (mvn dependency:get); the Python peer uses the
# speed benchmark's venv (.venv-ort, made by unidiff-bench/src/main/python/ort-venv.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSIONS="1.23.2 1.24.2 1.26.0 1.28.0 1.29.0"
ROUNDS=1000
THREADS=1
REPEATS=3
MODEL="$ROOT/models/default/bundle/transformer/model.onnx"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --versions) VERSIONS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --repeats) REPEATS="$2"; shift 2 ;;
    --model) MODEL="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-ort-versions: unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
[[ "$REPEATS" =~ ^[1-9][0-9]?$ ]] || { echo "bench-ort-versions: --repeats must be 1-99" >&2; exit 2; }
[[ "$ROUNDS" =~ ^[1-9][0-9]{1,4}$ ]] || { echo "bench-ort-versions: --rounds must be 10-99999" >&2; exit 2; }
[[ "$THREADS" =~ ^[0-9]{1,2}$ ]] || { echo "bench-ort-versions: --threads must be 0 (ORT's default) to 99" >&2; exit 2; }
[[ -f "$MODEL" ]] || { echo "bench-ort-versions: --model $MODEL is not a file" >&2; exit 2; }
M2="${M2_REPO:-$HOME/.m2/repository}/com/microsoft/onnxruntime/onnxruntime"
for v in $VERSIONS; do
  if [[ ! -f "$M2/$v/onnxruntime-$v.jar" ]]; then
    mvn -B -q dependency:get -Dartifact="com.microsoft.onnxruntime:onnxruntime:$v" -Dtransitive=false >&2 \
      || { echo "bench-ort-versions: onnxruntime $v does not resolve" >&2; exit 1; }
  fi
done
PY="$("$ROOT/unidiff-bench/src/main/python/ort-venv.sh" "$ROOT/.venv-ort" | tail -1)"
RESULTS="$(mktemp)"
trap 'rm -f "$RESULTS"' EXIT
for ((r = 1; r <= REPEATS; r++)); do
  for v in $VERSIONS; do
    java -cp "$M2/$v/onnxruntime-$v.jar" "$ROOT/scripts/ort-probe/RawTransformerCall.java" \
      "$MODEL" "$ROUNDS" "$THREADS" 2>/dev/null | tail -1 >>"$RESULTS"
  done
  "$PY" "$ROOT/scripts/ort-probe/raw_transformer_call.py" "$MODEL" "$ROUNDS" "$THREADS" >>"$RESULTS"
done
echo "### One guided transformer call (2 rows), bare bindings, $THREADS intra-op thread(s), $ROUNDS calls a pass, $REPEATS passes in rotation"
echo
echo "| binding | version | min ms (best pass) | p10 ms (best pass) | median ms (median of passes) |"
echo "| --- | --- | --- | --- | --- |"
awk '{ key = $1 " " $2; n[key]++; if (!(key in mn) || $3 < mn[key]) mn[key] = $3;
       if (!(key in p) || $4 < p[key]) p[key] = $4; med[key, n[key]] = $5; order[key] = NR }
     END { for (k in n) { m = n[k]; for (i = 1; i <= m; i++) v[i] = med[k, i];
             for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
             split(k, kv, " "); printf "%d| %s | %s | %.3f | %.3f | %.3f |\n", order[k], kv[1], kv[2], mn[k], p[k], v[int((m + 1) / 2)] } }' \
  "$RESULTS" | sort -n | cut -d'|' -f2- | sed 's/^/|/'
