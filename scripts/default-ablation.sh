#!/usr/bin/env bash
# One arm of the default model's U-ViT ablation (issue 26): stage 5 from scratch on top of the
# shared stages 1-4 of models/work/default-base (VAE, CLIP, caption decoder, latent cache: the same
# for every arm), a fixed number of steps, then the arm's bundle exported and scored by the Java
# quality benchmark's text->image rows (fixed prompts and seeds, 25 steps).
#
#   scripts/default-ablation.sh ARM STEPS [train_default.py lever options...]
#   e.g. scripts/default-ablation.sh noise-end 6000 --t-noise-end 0.5
#        scripts/default-ablation.sh x0 6000 --uvit-prediction x0
#        scripts/default-ablation.sh object 6000 --uvit-object-weight 4
#
# The shared stages, once (dataset as in models/README.md "Data"):
#   python models/train_default.py --data models/work/data --work models/work/default-base \
#       --seed 0 --threads 2 --uvit-steps 2 --log-csv models/work/default-base/losses.csv
# Loss log: models/ablations/default-ARM.csv; scores: models/ablations/default-ARM.md; work files
# under models/work/default-ablation/ARM (re-running resumes). THREADS (default 1) sets the
# arm's threads, so two arms can train side by side on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
ARM=$1; STEPS=$2; shift 2
PY=$(scripts/python-env.sh)
BASE=models/work/default-base
WORK=models/work/default-ablation/$ARM
mkdir -p "$WORK" models/ablations
for stage in vae clip caption cache; do
  [ -f "$BASE/$stage.pt" ] || { echo "default-ablation: $BASE/$stage.pt is missing: run the shared stages first (see the top of this script)" >&2; exit 2; }
  [ -e "$WORK/$stage.pt" ] || cp "$BASE/$stage.pt" "$WORK/$stage.pt"
done
start=$(date +%s)
"$PY" models/train_default.py --data models/work/data --work "$WORK" --seed 0 --threads "${THREADS:-1}" \
  --uvit-steps "$STEPS" --log-csv "models/ablations/default-$ARM.csv" --export "$WORK/bundle" "$@"
echo "arm $ARM: trained in $(( ($(date +%s) - start) / 60 )) min (this invocation)"
UNIDIFF_BENCH_SKIP_BUILD=${UNIDIFF_BENCH_SKIP_BUILD:-0} scripts/bench-quality.sh --bundle "$WORK/bundle" \
  --steps 25 --metrics t2i --out "models/ablations/default-$ARM.md"
