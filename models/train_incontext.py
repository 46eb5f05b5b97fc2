#!/usr/bin/env python3
"""Train the in-context transformer (LaVin-DiT style) on the shapes world, resumably.

The scene pool comes from the Java writer (see models/incontext/README.md):

    java ... org.unidiff.shapes.cli.WriteInContextDataset --out models/work/incontext-data --seed 11 --scenes 3000

then (latents are encoded once with the default bundle's VAE encoder and cached in --work):

    python models/train_incontext.py --data models/work/incontext-data --work models/work/incontext \
        --seed 0 --threads 2 --budget-minutes 80 --export models/incontext/bundle

Re-running the same command resumes from ``<work>/incontext.pt``. ``--measure N`` times N steps
and exits; ``--smoke`` runs a tiny model for a few steps into ``<work>/smoke``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

MODELS = Path(__file__).resolve().parent
REPO = MODELS.parent
sys.path.insert(0, str(MODELS))

from unidiff_models.incontext import InContextConfig, InContextTransformer, parameter_count  # noqa: E402
from unidiff_models.incontext_data import (HELD_OUT, InContextPool, SequenceSampler, encode_pool,  # noqa: E402
                                           object_masks)
from unidiff_models import incontext_training as training  # noqa: E402
from unidiff_models.incontext_export import export_bundle  # noqa: E402
from unidiff_models.training import LossLog  # noqa: E402

VAE_BUNDLE = REPO / "models" / "default" / "bundle"


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--data", type=Path, required=True, help="WriteInContextDataset pool directory")
    p.add_argument("--work", type=Path, default=REPO / "models" / "work" / "incontext")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--budget-minutes", type=float, default=None, help="wall-clock cap of the training loop")
    p.add_argument("--steps", type=int, default=None, help="planned steps (sets the LR schedule)")
    p.add_argument("--dim", type=int, default=None)
    p.add_argument("--depth", type=int, default=None)
    p.add_argument("--heads", type=int, default=None)
    p.add_argument("--frames-per-step", type=int, default=None)
    p.add_argument("--t-noise-end", type=float, default=None,
                   help="share of target times drawn from U[0.9, 1] (recipe default 0)")
    p.add_argument("--object-weight", type=float, default=None,
                   help="loss weight of latent cells under the query's or target's object (recipe default 1)")
    p.add_argument("--rope", action="store_true",
                   help="rotary position over frame, row and column on queries and keys (LaVin-DiT's 3-D RoPE)")
    p.add_argument("--log-csv", type=Path, default=None,
                   help="loss CSV (default models/train_incontext_losses.csv; <work>/losses.csv for --smoke)")
    p.add_argument("--measure", type=int, default=0, metavar="N", help="time N steps, print s/step, exit")
    p.add_argument("--smoke", action="store_true", help="tiny model, a few steps")
    p.add_argument("--export", type=Path, default=None, help="write the bundle here when done")
    return p.parse_args(argv)


def recipe_from(args) -> training.InContextRecipe:
    """The default recipe with the command line's overrides."""
    r = training.InContextRecipe()
    m = r.model
    over = {k: v for k, v in (("dim", args.dim), ("depth", args.depth), ("heads", args.heads)) if v is not None}
    if args.rope:
        over["rope"] = True
    if args.smoke:
        over = {"dim": 32, "depth": 2, "heads": 2, **({"rope": True} if args.rope else {})}
    m = dataclasses.replace(m, **over)
    ro = {"model": m}
    if args.steps is not None:
        ro["steps"] = args.steps
    if args.frames_per_step is not None:
        ro["frames_per_step"] = args.frames_per_step
    if args.t_noise_end is not None:
        ro["t_noise_end"] = args.t_noise_end
    if args.object_weight is not None:
        ro["object_weight"] = args.object_weight
    if args.smoke:
        ro.update(steps=args.steps or 40, warmup=5, log_every=5, frames_per_step=48)
    return dataclasses.replace(r, **ro)


def load_latents(pool: InContextPool, work: Path) -> torch.Tensor:
    """Latents of the pool, encoded once with the default VAE and cached beside the checkpoints."""
    cache = work / "latents.npy"
    if not cache.exists():
        sf = json.loads((VAE_BUNDLE / "unidiff.json").read_text(encoding="utf-8"))["latent"]["scaling_factor"]
        t0 = time.time()
        lat = encode_pool(pool, VAE_BUNDLE / "vae_encoder" / "model.onnx", sf)
        work.mkdir(parents=True, exist_ok=True)
        np.save(cache, lat)
        print(f"encoded {lat.shape[0] * lat.shape[1]} images in {time.time() - t0:.0f} s -> {cache}", flush=True)
    lat = np.load(cache)
    if lat.shape[:2] != (len(pool.scenes), pool.per_scene):
        raise ValueError(f"{cache} has shape {lat.shape}, not the pool's ({len(pool.scenes)}, {pool.per_scene}, ...)")
    return torch.from_numpy(lat)


def main(argv=None) -> int:
    """Train (or measure), then optionally export."""
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    pool = InContextPool(args.data)
    leaked = sorted(set(pool.tasks) & set(HELD_OUT))
    if leaked:
        raise SystemExit(f"{args.data} holds held-out tasks {leaked}: write training pools without --include-held-out")
    latents = load_latents(pool, args.work)
    recipe = recipe_from(args)
    objects = None
    if recipe.object_weight != 1.0:
        cell = pool.images.shape[1] // latents.shape[-1]
        objects = torch.from_numpy(object_masks(pool.images, cell)).reshape(
            len(pool.scenes), pool.per_scene, *latents.shape[-2:])
    sampler = SequenceSampler(latents, pool.tasks, pool.changes, objects=objects)
    work = args.work / "smoke" if args.smoke else args.work
    if args.measure:
        work = args.work / "measure"
        if (work / f"{training.STAGE}.pt").exists():
            (work / f"{training.STAGE}.pt").unlink()
        recipe = dataclasses.replace(recipe, steps=args.measure + 3, log_every=10 ** 9)
        log = LossLog(work / "losses.csv")
        start = time.time()
        training.train(work, sampler, recipe, args.seed, log)
        total = time.time() - start
        n = parameter_count(InContextTransformer(recipe.model))
        print(f"{n} parameters; {recipe.steps} steps in {total:.1f} s: {total / recipe.steps:.3f} s/step")
        return 0
    log_csv = args.log_csv or (work / "losses.csv" if args.smoke else MODELS / "train_incontext_losses.csv")
    log = LossLog(log_csv)
    training.write_run_json(work, recipe, args.seed, pool.meta)
    n = parameter_count(InContextTransformer(recipe.model))
    print(f"training {n} parameters, {recipe.steps} steps planned, budget {args.budget_minutes} min", flush=True)
    summary = training.train(work, sampler, recipe, args.seed, log, budget_minutes=args.budget_minutes,
                             progress=lambda s, l: print(f"step {s} loss {l:.4f}", flush=True))
    print(f"done: {summary}", flush=True)
    if args.export is not None:
        model, _ = training.load_ema(work)
        m = export_bundle(model, VAE_BUNDLE, args.export)
        print(f"bundle -> {args.export} ({m['name']})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
