#!/usr/bin/env python3
"""Train the default unidiff model on the shapes dataset, stage by stage, resumably.

Full run (about 150 minutes on two CPU cores, far less on a GPU):

    /usr/bin/python3 models/train_default.py --data DATASET_DIR --work models/work/default \
        --seed 0 --threads 2 --budget-minutes 150 --log-csv models/train_default_losses.csv

Re-running the same command resumes from the last checkpoint of the unfinished stage.
``--smoke`` trains tiny models for a few steps; ``--measure N`` times N steps of every stage at
the real sizes and prints a table with the projected total.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import torch

MODELS = Path(__file__).resolve().parent
sys.path.insert(0, str(MODELS))

from unidiff_models.data import ShapesDataset  # noqa: E402
from unidiff_models.recipe import RecipeConfig  # noqa: E402
from unidiff_models import training  # noqa: E402

LOG = logging.getLogger("train_default")


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--data", type=Path, required=True, help="WriteDataset output directory")
    p.add_argument("--work", type=Path, default=None,
                   help="checkpoint directory (default models/work/default, or .../smoke)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2,
                   help="CPU cores to use (transformer stages leave them to the BLAS when it\n"
                        "runs its own threads, see training.set_stage_threads)")
    p.add_argument("--device", default=None, help="cpu, cuda, cuda:1 ... (default: cuda if present)")
    p.add_argument("--budget-minutes", type=float, default=None,
                   help="wall-clock cap; each stage may use its share and then stops early")
    p.add_argument("--log-csv", type=Path, default=None,
                   help="loss CSV (default models/train_default_losses.csv, committed beside\n"
                        "the recipe; <work>/losses.csv for --smoke)")
    p.add_argument("--smoke", action="store_true", help="tiny models, a few steps per stage")
    p.add_argument("--measure", type=int, default=0, metavar="N",
                   help="time N steps of each stage at the recipe's sizes, print a table, exit")
    p.add_argument("--export", type=Path, default=None, help="write a bundle here when done")
    p.add_argument("--t-noise-end", type=float, default=None,
                   help="share of noised image draws from the top tenth of the schedule (lever, default off)")
    p.add_argument("--uvit-object-weight", type=float, default=None,
                   help="extra weight of latent positions under an object in the U-ViT's image loss (lever, default off)")
    p.add_argument("--uvit-prediction", choices=("velocity", "x0", "epsilon"), default=None,
                   help="what the U-ViT's blocks predict in stage 5 (default: the recipe's, velocity)")
    for stage in training.TRAINED_STAGES:
        p.add_argument(f"--{stage}-steps", type=int, default=None)
        p.add_argument(f"--{stage}-share", type=float, default=None,
                       help=argparse.SUPPRESS if stage != "decoder" else
                       "share of --budget-minutes a stage may use (e.g. --decoder-share 0.12 when\n"
                       "--decoder-steps turns on a stage the recipe gives no share); any stage has one")
    args = p.parse_args(argv)
    return args


def make_recipe(args: argparse.Namespace) -> RecipeConfig:
    """The recipe with any step overrides applied."""
    recipe = RecipeConfig.smoke() if args.smoke else RecipeConfig()
    changes = {}
    for stage in training.TRAINED_STAGES:
        config = getattr(recipe, f"{stage}_stage")
        steps = getattr(args, f"{stage}_steps")
        share = getattr(args, f"{stage}_share")
        if steps is not None:
            config = dataclasses.replace(config, steps=steps)
        if share is not None:
            if not 0.0 < share <= 1.0:
                raise SystemExit(f"--{stage}-share must be above 0 and at most 1, got {share}")
            config = dataclasses.replace(config, budget_share=share)
        if steps is not None or share is not None:
            changes[f"{stage}_stage"] = config
        if args.budget_minutes is not None and config.steps > 0 and config.budget_share <= 0:
            # A stage with no share would be stopped at its first step: refuse before training.
            raise SystemExit(f"stage {stage} has {config.steps} steps but no share of --budget-minutes; "
                             f"give it one with --{stage}-share (the shares are a cap, not a plan)")
    if args.t_noise_end is not None:
        if not 0.0 <= args.t_noise_end <= 1.0:
            raise SystemExit(f"--t-noise-end must be from 0 to 1, got {args.t_noise_end}")
        changes["t_noise_end"] = args.t_noise_end
    if args.uvit_object_weight is not None:
        if args.uvit_object_weight < 0:
            raise SystemExit(f"--uvit-object-weight must be >= 0, got {args.uvit_object_weight}")
        changes["uvit_object_weight"] = args.uvit_object_weight
    if args.uvit_prediction is not None:
        changes["uvit_prediction"] = args.uvit_prediction
        # Stage 6 (off in this recipe) would read the weights back as the same prediction.
        changes["refine_prediction"] = args.uvit_prediction
    return dataclasses.replace(recipe, **changes)


def pick_device(name) -> torch.device:
    """The requested device, or CUDA when available, else CPU."""
    if name:
        return torch.device(name)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def measure(args, recipe: RecipeConfig, dataset: ShapesDataset, device: torch.device) -> None:
    """Time ``args.measure`` steps per stage in a scratch directory and print a projection."""
    n = max(2, args.measure)
    short = dataclasses.replace(
        recipe, **{f"{s}_stage": dataclasses.replace(getattr(recipe, f"{s}_stage"), steps=n)
                   for s in training.TRAINED_STAGES
                   if getattr(recipe, f"{s}_stage").steps > 0})
    scratch = Path(tempfile.mkdtemp(prefix="unidiff-measure-"))
    try:
        tok = training.prepare_run(scratch, short, dataset, args.seed)
        ctx = training.RunContext(work=scratch, recipe=short, dataset=dataset, tokenizer=tok,
                                  device=device, seed=args.seed, threads=args.threads,
                                  log=training.LossLog(scratch / "losses.csv"))
        _, facts = training.train_all(ctx)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rows, total = [], 0.0
    for stage in training.TRAINED_STAGES:
        if stage not in facts:  # a stage with no steps in this recipe
            continue
        f = facts[stage]
        # The first step pays for allocation and warm-up; the steady rate excludes it.
        per = (f["seconds"] - f["first_step_s"]) / max(1, f["steps"] - 1)
        planned = getattr(recipe, f"{stage}_stage").steps
        rows.append((stage, per, f.get("cpu_s_per_step", 0.0), planned, per * planned / 60.0))
        total += per * planned
    # The cache pass scales with the dataset, so it is timed on the whole dataset given.
    total += facts["cache"]["seconds"]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"device {device}, {args.threads} cores, {n} steps per stage, "
          f"load average {load:.1f} at the end")
    print(f"{'stage':<8} {'s/step':>8} {'cpu s/step':>10} {'steps':>7} {'minutes':>8}")
    for stage, per, cpu, planned, minutes in rows:
        print(f"{stage:<8} {per:8.3f} {cpu:10.3f} {planned:7d} {minutes:8.1f}")
    print(f"{'cache':<8} {'':>8} {'':>10} {'':>7} {facts['cache']['seconds'] / 60.0:8.1f}")
    print(f"{'total':<8} {'':>8} {'':>10} {'':>7} {total / 60.0:8.1f}")


def main(argv=None) -> int:
    """Entry point."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    torch.set_num_threads(args.threads)
    recipe = make_recipe(args)
    device = pick_device(args.device)
    dataset = ShapesDataset(args.data)
    if args.measure:
        measure(args, recipe, dataset, device)
        return 0
    work = args.work or MODELS / "work" / ("smoke" if args.smoke else "default")
    tokenizer = training.prepare_run(work, recipe, dataset, args.seed)
    default_csv = work / "losses.csv" if args.smoke else MODELS / "train_default_losses.csv"
    ctx = training.RunContext(work=work, recipe=recipe, dataset=dataset, tokenizer=tokenizer,
                              device=device, seed=args.seed,
                              log=training.LossLog(args.log_csv or default_csv),
                              budget_minutes=args.budget_minutes, threads=args.threads)
    start = time.monotonic()
    comp, facts = training.train_all(ctx)
    facts["session_seconds"] = time.monotonic() - start
    (work / "facts.json").write_text(json.dumps(facts, indent=1) + "\n", encoding="utf-8")
    LOG.info("training done: %s", json.dumps(facts))
    if args.export:
        from unidiff_models.export import export_bundle
        export_bundle(comp, args.export, name=comp.name)
        LOG.info("bundle written to %s", args.export)
    return 0


if __name__ == "__main__":
    sys.exit(main())
