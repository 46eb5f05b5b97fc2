#!/usr/bin/env python3
"""Quick accuracy check of an in-context model on an evaluation pool (held-out tasks included).

    python models/eval_incontext.py --work models/work/incontext --pool models/work/incontext-eval \
        --per-task 20 --k 2 --guidance 1.5 --out models/work/incontext/eval

For every task of the pool, ``--per-task`` sequences of k example pairs and a query (distinct base
scenes the task changes) are sampled with Euler on the LaVin-DiT grid and guidance as the Java
plan runs them (batched here; the noise is not the Java order, this is a quality check, not a
parity check), decoded with the bundle's ONNX VAE decoder and compared with the rendered truth:
pixel MSE (and the MSE of the "output = query" baseline), and IoU at level 128 for the mask.
``--out`` also gets ``images.npy`` (uint8 outputs) and ``items.jsonl`` (task, query scene) that the
Java analyzer scores (``org.unidiff.shapes.cli.ScoreInContext``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

MODELS = Path(__file__).resolve().parent
sys.path.insert(0, str(MODELS))

from unidiff_models.incontext_data import InContextPool  # noqa: E402
from unidiff_models.incontext_export import GRID_20  # noqa: E402
from unidiff_models.incontext_training import load_ema  # noqa: E402

VAE_BUNDLE = MODELS / "default" / "bundle"


@torch.no_grad()
def generate(model, examples: torch.Tensor, query: torch.Tensor, guidance: float, gen: torch.Generator,
             grid=GRID_20) -> torch.Tensor:
    """Target latents [B, C, h, w] for clean ``examples`` [B, 2k, C, h, w] and ``query`` [B, C, h, w].

    ``examples=None`` is the no-example baseline (k = 0): one example pair of pure noise at t = 1,
    i.e. the unconditional pass alone, the only way the model was trained to see no examples.
    """
    b = query.shape[0]
    dropped = examples is None
    if dropped:
        examples = torch.zeros((b, 2) + tuple(query.shape[1:]))
        guidance = 0.0
    k2 = examples.shape[1]
    x = torch.randn(query.shape, generator=gen)
    for i in range(len(grid) - 1):
        s, t = float(grid[i]), float(grid[i + 1])
        if dropped:
            examples = torch.randn(examples.shape, generator=gen)
        cond = torch.cat([examples, query[:, None], x[:, None]], dim=1)
        times = torch.zeros(b, k2 + 2)
        if dropped:
            times[:, :k2] = 1000.0
        times[:, -1] = 1000.0 * s
        if guidance > 0 and k2 > 0:
            unc = cond.clone()
            unc[:, :k2] = torch.randn(unc[:, :k2].shape, generator=gen)
            ut = times.clone()
            ut[:, :k2] = 1000.0
            out = model(torch.cat([cond, unc]), torch.cat([times, ut]))[:, -1]
            c, u = out[:b], out[b:]
            v = c + guidance * (c - u)
        else:
            v = model(cond, times)[:, -1]
        x = x + (t - s) * v
    return x


def main(argv=None) -> int:
    """Sample, decode, score, write."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--pool", type=Path, required=True)
    ap.add_argument("--latents", type=Path, default=None, help="cached pool latents (default <work>/eval_latents.npy)")
    ap.add_argument("--per-task", type=int, default=20)
    ap.add_argument("--k", type=int, default=2)
    ap.add_argument("--guidance", type=float, default=1.5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--tasks", default=None, help="comma-separated task ids (default: all of the pool)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--baseline-query", action="store_true", help="output = the query itself (no model)")
    args = ap.parse_args(argv)
    import onnxruntime as ort
    torch.set_num_threads(args.threads)
    model, _ = load_ema(args.work)
    pool = InContextPool(args.pool)
    lat = torch.from_numpy(np.load(args.latents or args.work / "eval_latents.npy"))
    manifest = json.loads((VAE_BUNDLE / "unidiff.json").read_text(encoding="utf-8"))
    sf = manifest["latent"]["scaling_factor"]
    dec = ort.InferenceSession(str(VAE_BUNDLE / "vae_decoder/model.onnx"), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    tasks = args.tasks.split(",") if args.tasks else pool.tasks
    held = set(pool.meta["held_out"])
    all_images, items = [], []
    print(f"k={args.k} guidance={args.guidance} per task {args.per_task}")
    print(f"{'task':22s} {'mse':>8s} {'mse(query)':>10s} {'iou':>6s}")
    t0 = time.time()
    for task in tasks:
        j = pool.tasks.index(task)
        cand = np.flatnonzero(pool.changes[:, j])
        idx = np.stack([rng.choice(cand, size=max(1, args.k) + 1, replace=False)[-(args.k + 1):]
                        for _ in range(args.per_task)])
        s = torch.from_numpy(idx)
        examples = None
        if args.k > 0:
            ex_in, ex_out = lat[s[:, :-1], 0], lat[s[:, :-1], 1 + j]
            examples = torch.stack([ex_in, ex_out], dim=2).flatten(1, 2)
        query = lat[s[:, -1], 0]
        if args.baseline_query:
            out = np.stack([pool.image(int(q)) for q in idx[:, -1]])
        else:
            z = generate(model, examples, query, args.guidance, gen)
            img = dec.run(["image"], {"latent": (z.double() / sf).float().numpy()})[0]
            out = np.clip(np.floor((img + 1.0) * 127.5 + 0.5), 0, 255).astype(np.uint8).transpose(0, 2, 3, 1)
        truth = np.stack([pool.image(int(q), j) for q in idx[:, -1]])
        base = np.stack([pool.image(int(q)) for q in idx[:, -1]])
        mse = float(((out.astype(float) - truth) ** 2).mean())
        mse_q = float(((base.astype(float) - truth) ** 2).mean())
        iou = ""
        if task == "mask":
            a, b = out.mean(-1) >= 128, truth.mean(-1) >= 128
            iou = f"{np.mean([(x & y).sum() / max(1, (x | y).sum()) for x, y in zip(a, b)]):.3f}"
        print(f"{task + (' *' if task in held else ''):22s} {mse:8.1f} {mse_q:10.1f} {iou:>6s}", flush=True)
        all_images.append(out)
        items += [{"task": task, "scene": pool.scenes[int(q)], "held_out": task in held} for q in idx[:, -1]]
    print(f"({time.time() - t0:.0f} s; * = held out)")
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        np.save(args.out / "images.npy", np.concatenate(all_images))
        with open(args.out / "items.jsonl", "w", encoding="utf-8") as f:
            for it in items:
                f.write(json.dumps(it) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
