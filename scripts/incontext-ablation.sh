#!/usr/bin/env bash
# One arm of the in-context recipe ablation: trains from scratch on the shared training pool (its
# latents encoded once into models/work/ic-latents), one thread, a fixed number of steps, then
# exports the arm's bundle and scores it with the Java in-context benchmark on fixed seeded items.
#
#   scripts/incontext-ablation.sh ARM STEPS [train_incontext.py lever options...]
#   e.g. scripts/incontext-ablation.sh levers 4000 --t-noise-end 0.5 --object-weight 4
#
# Loss log: models/ablations/incontext-ARM.csv; scores: models/ablations/incontext-ARM.md;
# work files (checkpoint, bundle) under models/work/ablation/ARM (re-running resumes).
# Needs the pool: WriteInContextDataset --out models/work/incontext-data --seed 11 --scenes 3000
# (models/incontext/README.md) and ITEMS items a transform (default 30) for the score.
set -euo pipefail
cd "$(dirname "$0")/.."
ARM=$1; STEPS=$2; shift 2
PY=$(scripts/python-env.sh)
WORK=models/work/ablation/$ARM
mkdir -p "$WORK" models/ablations
if [ ! -e "$WORK/latents.npy" ]; then
  if [ ! -f models/work/ic-latents/latents.npy ]; then
    "$PY" models/train_incontext.py --data models/work/incontext-data --work models/work/ic-latents --measure 5
  fi
  ln -s "$PWD/models/work/ic-latents/latents.npy" "$WORK/latents.npy"
fi
start=$(date +%s)
"$PY" models/train_incontext.py --data models/work/incontext-data --work "$WORK" --seed 0 --threads 1 \
  --steps "$STEPS" --log-csv "models/ablations/incontext-$ARM.csv" --export "$WORK/bundle" "$@"
echo "arm $ARM: trained in $(( ($(date +%s) - start) / 60 )) min (this invocation)"
UNIDIFF_BENCH_SKIP_BUILD=${UNIDIFF_BENCH_SKIP_BUILD:-0} unidiff-bench/bench.sh in-context --bundle "$WORK/bundle" \
  --items-per-transform "${ITEMS:-30}" --sweep-items 0 --out "models/ablations/incontext-$ARM.md"
