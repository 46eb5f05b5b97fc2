"""Seconds per training step of the in-context recipe under whichever PyTorch runs this script.

Imports only the training code (no onnx, no onnxruntime), so Debian's python3-torch 1.13 can run
it beside the venv's current wheel; the training record compares the two on the same pool,
recipe, seed and thread count:

    .venv/bin/python models/measure_incontext_speed.py --threads 2 --steps 30
    /usr/bin/python3  models/measure_incontext_speed.py --threads 2 --steps 30

Needs the pool (WriteInContextDataset, models/incontext/README.md) and its cached latents
(models/work/ic-latents/latents.npy, written by train_incontext.py). The first 5 steps warm up
and are not counted; prints one line: torch version, threads, steps, median and spread of s/step.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

MODELS = Path(__file__).resolve().parent
sys.path.insert(0, str(MODELS))

from unidiff_models import incontext_training as training  # noqa: E402
from unidiff_models.incontext_data import InContextPool, SequenceSampler  # noqa: E402
from unidiff_models.training import LossLog  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=MODELS / "work" / "incontext-data")
    p.add_argument("--latents", type=Path, default=MODELS / "work" / "ic-latents" / "latents.npy")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=30)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    pool = InContextPool(args.data)
    latents = torch.from_numpy(np.load(args.latents))
    sampler = SequenceSampler(latents, pool.tasks, pool.changes)
    times = []
    warm = 5
    with tempfile.TemporaryDirectory() as work:
        last = [time.perf_counter()]

        def tick(step, loss):
            now = time.perf_counter()
            times.append(now - last[0])
            last[0] = now

        recipe = training.InContextRecipe(steps=warm + args.steps, log_every=1)
        training.train(Path(work), sampler, recipe, 0, LossLog(Path(work) / "losses.csv"), progress=tick)
    counted = times[warm:]
    q = statistics.quantiles(counted, n=4)
    print(f"torch {torch.__version__}, {args.threads} thread(s), {len(counted)} steps: median "
          f"{statistics.median(counted):.3f} s/step (quartiles {q[0]:.3f}-{q[2]:.3f}, min {min(counted):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
