"""Seconds per training step of the default model's U-ViT (stage 5) under whichever PyTorch runs
this script, on random inputs of the stage's shapes (48 single images a step, velocity loss,
AdamW): what a step costs, independent of the data. The training record compares Debian's
torch 1.13 with the venv's current wheel on the same recipe and thread count:

    .venv/bin/python  models/measure_uvit_speed.py --threads 2 --steps 40
    /usr/bin/python3  models/measure_uvit_speed.py --threads 2 --steps 40

``--width`` and ``--in-blocks`` time a larger U-ViT. The first 5 steps warm up and are not
counted; prints one line: torch version, threads, sizes, median s/step and its interquartile range.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

import torch

MODELS = Path(__file__).resolve().parent
sys.path.insert(0, str(MODELS))

from unidiff_models.recipe import RecipeConfig  # noqa: E402
from unidiff_models.uvit import UViT  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=40)
    p.add_argument("--width", type=int, default=None, help="U-ViT width (default: the recipe's)")
    p.add_argument("--in-blocks", type=int, default=None, help="blocks on each side (default: the recipe's)")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    recipe = RecipeConfig()
    changes = {k: v for k, v in (("uvit_width", args.width), ("uvit_in_blocks", args.in_blocks)) if v is not None}
    recipe = dataclasses.replace(recipe, **changes)
    cfg = recipe.uvit_config()
    model = UViT(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.03)
    b = recipe.uvit_stage.batch
    img = torch.randn(b, 1, cfg.latent_channels, cfg.latent_height, cfg.latent_width)
    clip = torch.randn(b, 1, 1, cfg.clip_dim)
    text = torch.randn(b, 1, cfg.text_tokens, cfg.text_dim)
    t_img = torch.randint(1, 1001, (b, 1)).float()
    t_text = torch.randint(0, 1001, (b, 1)).float()
    times = []
    for step in range(args.steps + 5):
        start = time.perf_counter()
        out = model.forward_raw(img, clip, text, t_img, t_text)
        loss = sum(o.float().pow(2).mean() for o in out)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step >= 5:
            times.append(time.perf_counter() - start)
    q = statistics.quantiles(times, n=4)
    params = sum(x.numel() for x in model.parameters())
    print(f"torch {torch.__version__}, {args.threads} threads, width {cfg.width}, in_blocks {cfg.in_blocks}, "
          f"{params:,} parameters, batch {b}: {statistics.median(times):.3f} s/step "
          f"(IQR {q[0]:.3f}-{q[2]:.3f}, {len(times)} steps)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
