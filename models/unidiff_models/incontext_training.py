"""Training of the in-context transformer: flow matching on sequences of example pairs.

One step draws k uniformly from 1..k_max, then ``frames_per_step // (2k + 2)`` sequences (so a
step costs about the same whatever k). Each sequence's target frame is noised at its own time t
(``x_t = (1 - t) x_0 + t n``, half the draws uniform on [0, 1], half logit-normal, which puts
more weight near the middle where a one-frame decision is made), the other frames are fed clean
at t = 0, and the loss is on the target frame only: ``|x0_hat - x_0|^2`` for the default x0
parameterization (see ``incontext.py``), the velocity MSE ``|v_pred - (n - x_0)|^2`` otherwise.

Two conditions are trained besides the clean examples, each drawn per sequence:

- with probability ``p_uncond`` the 2k example frames are pure N(0, 1) noise at t = 1: this is
  exactly what the Java ``TaskPlan.inContext`` unconditional pass feeds (role MARGINALIZE:
  fresh noise at ``networkTimeNoise()``), so guidance drops the examples as LaVin-DiT does;
- with probability ``p_renoise`` the examples and the query are re-noised to the target's t with
  fresh noise (role RENOISE), so the re-noised-references mode works too.

Resumable like the default recipe: model, EMA, optimiser, step, elapsed seconds and both random
generators go to ``<work>/incontext.pt`` every ``checkpoint_every_s`` seconds and at the end.
"""

from __future__ import annotations

import copy
import json
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from .incontext import InContextConfig, InContextTransformer
from .incontext_data import SequenceSampler
from .training import LossLog, load_checkpoint

STAGE = "incontext"


@dataclass(frozen=True)
class InContextRecipe:
    """Every size and hyperparameter of the in-context run."""

    model: InContextConfig = field(default_factory=InContextConfig)
    steps: int = 24000
    lr: float = 1e-3
    warmup: int = 200
    weight_decay: float = 0.03
    ema: float = 0.999
    frames_per_step: int = 128
    k_max: int = 4
    p_uncond: float = 0.12
    p_renoise: float = 0.1
    log_every: int = 25
    # Share of target-time draws moved to U[0.9, 1], the noise end where LaVin-DiT's grid spends
    # half its steps and the x0 head decides an object's place and outline (0: the first mix only).
    t_noise_end: float = 0.0
    # Loss weight of latent cells covered by the object of the query or the target (1: plain MSE);
    # an object is a few percent of the frame, so its shape barely moves a plain MSE.
    object_weight: float = 1.0

    def to_dict(self) -> dict:
        """Plain JSON values."""
        d = asdict(self)
        d["model"] = self.model.to_dict()
        return d

    @staticmethod
    def from_dict(d: dict) -> "InContextRecipe":
        """Inverse of ``to_dict``."""
        d = dict(d)
        d["model"] = InContextConfig(**d["model"])
        return InContextRecipe(**d)


def lr_at(step: int, recipe: InContextRecipe, time_fraction: float = 0.0) -> float:
    """Linear warm-up, then cosine decay to a tenth of the peak.

    The decay follows the larger of step progress and ``time_fraction`` (elapsed / budget), so a
    run on a machine slower than planned (other builds share the two cores) still ends its
    schedule at the low rate instead of being cut mid-way.
    """
    if step < recipe.warmup:
        return recipe.lr * (step + 1) / recipe.warmup
    progress = (step - recipe.warmup) / max(1, recipe.steps - recipe.warmup)
    progress = max(progress, time_fraction)
    return recipe.lr * (0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress))))


def sample_times(rng: np.random.Generator, n: int, noise_end: float = 0.0) -> np.ndarray:
    """Target times in [0, 1]: half uniform, half logit-normal(0, 1); then a share
    ``noise_end`` of them replaced by U[0.9, 1] (no extra draws when it is 0, so the first
    recipe's stream of random numbers is unchanged)."""
    uniform = rng.random(n)
    logit = 1.0 / (1.0 + np.exp(-rng.standard_normal(n)))
    t = np.where(rng.random(n) < 0.5, uniform, logit)
    if noise_end > 0:
        end = 0.9 + 0.1 * rng.random(n)
        t = np.where(rng.random(n) < noise_end, end, t)
    return t


def weighted_mse(pred: Tensor, want: Tensor, objects: Optional[Tensor], object_weight: float) -> Tensor:
    """MSE with latent cells of ``objects`` [B, h, w] weighted ``object_weight`` (normalised by
    the mean weight, so the loss keeps the plain MSE's scale); plain MSE when the weight is 1."""
    if objects is None or object_weight == 1.0:
        return F.mse_loss(pred, want)
    w = 1.0 + (object_weight - 1.0) * objects.to(pred.dtype).unsqueeze(1)   # [B, 1, h, w]
    w = w.expand_as(pred)
    return (w * (pred - want) ** 2).sum() / w.sum()


def build_batch(frames: Tensor, t: np.ndarray, uncond: np.ndarray, renoise: np.ndarray,
                gen: torch.Generator, time_scale: float):
    """Model inputs and velocity target for clean ``frames`` [B, G, C, h, w].

    Returns ``(img, t_img, v)``: the fed frames, their network times [B, G] and the target
    frame's velocity [B, C, h, w].
    """
    b, g = frames.shape[:2]
    tt = torch.from_numpy(t).float()
    noise = torch.randn(frames.shape, generator=gen)
    x0 = frames[:, -1]
    w = tt.view(b, 1, 1, 1)
    img = frames.clone()
    img[:, -1] = (1 - w) * x0 + w * noise[:, -1]
    times = torch.zeros(b, g)
    times[:, -1] = tt
    ren = torch.from_numpy(renoise)
    if ren.any():
        # Re-noised references: examples and query at the target's own t, fresh noise each.
        wr = w.unsqueeze(1)
        mixed = (1 - wr) * frames[:, :-1] + wr * noise[:, :-1]
        img[ren, :-1] = mixed[ren]
        times[ren, :-1] = tt[ren, None]
    unc = torch.from_numpy(uncond)
    if unc.any():
        # Dropped examples: pure noise at t = 1 (the query keeps its clean or re-noised value).
        pure = torch.randn((b, g - 2) + tuple(frames.shape[2:]), generator=gen)
        img[unc, :-2] = pure[unc]
        times[unc, :-2] = 1.0
    v = noise[:, -1] - x0
    return img, times * time_scale, v


def _save(path: Path, state: dict) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)


def train(work: Path, sampler: SequenceSampler, recipe: InContextRecipe, seed: int, log: LossLog,
          budget_minutes: Optional[float] = None, checkpoint_every_s: float = 240.0,
          progress=None) -> dict:
    """Run (or resume) the stage; returns a summary. ``progress(step, loss)`` is called on logs.

    ``budget_minutes`` caps the run's whole wall time, earlier sessions included; a run stopped by
    it stays resumable (with a larger budget), only one that reached ``recipe.steps`` is finished.
    """
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    ckpt_path = work / f"{STAGE}.pt"
    torch.manual_seed(seed)
    model = InContextTransformer(recipe.model)
    ema = copy.deepcopy(model).requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=recipe.lr, weight_decay=recipe.weight_decay,
                            betas=(0.9, 0.99))
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed + 1)
    step, elapsed, finished = 0, 0.0, False
    if ckpt_path.exists():
        ck = load_checkpoint(ckpt_path)
        if ck["recipe"] != recipe.to_dict() or ck["seed"] != seed:
            raise ValueError(f"{ckpt_path} was made with another recipe or seed; use a fresh --work")
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        rng.bit_generator.state = ck["rng"]
        gen.set_state(ck["gen"])
        step, elapsed, finished = ck["step"], ck["elapsed"], ck["finished"]
        log.truncate(STAGE, step)

    def state() -> dict:
        return {"recipe": recipe.to_dict(), "seed": seed, "model": model.state_dict(),
                "ema": ema.state_dict(), "opt": opt.state_dict(), "rng": rng.bit_generator.state,
                "gen": gen.get_state(), "step": step, "elapsed": elapsed, "finished": finished}

    budget_s = None if budget_minutes is None else budget_minutes * 60.0
    model.train()
    start = time.time() - elapsed
    last_ckpt = time.time()
    window, window_k = [], []
    while not finished and step < recipe.steps:
        if budget_s is not None and elapsed >= budget_s:
            # Out of budget, not finished: the same command with a larger (cumulative) budget
            # carries on from here.
            break
        k = int(rng.integers(1, recipe.k_max + 1))
        batch = max(1, recipe.frames_per_step // (2 * k + 2))
        if recipe.object_weight != 1.0:
            frames, _, objects = sampler.sample_with_objects(rng, batch, k)
        else:
            frames, _ = sampler.sample(rng, batch, k)
            objects = None
        t = sample_times(rng, batch, recipe.t_noise_end)
        uncond = rng.random(batch) < recipe.p_uncond
        renoise = rng.random(batch) < recipe.p_renoise
        img, t_img, v = build_batch(frames, t, uncond, renoise, gen, recipe.model.time_scale)
        lr = lr_at(step, recipe, 0.0 if budget_s is None else elapsed / budget_s)
        for group in opt.param_groups:
            group["lr"] = lr
        pred = model.head(img, t_img)[:, -1]
        want = v if recipe.model.parameterization == "velocity" else frames[:, -1]  # x0: the clean target
        loss = weighted_mse(pred, want, objects, recipe.object_weight)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        decay = min(recipe.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(decay).add_(pm.detach(), alpha=1 - decay)
        step += 1
        elapsed = time.time() - start
        window.append(loss.item())
        window_k.append(k)
        if step % recipe.log_every == 0 or step == recipe.steps:
            mean = float(np.mean(window))
            per_k = {f"k{kk}": float(np.mean([l for l, q in zip(window, window_k) if q == kk]))
                     for kk in sorted(set(window_k))}
            log.write(STAGE, step, elapsed, lr, mean, per_k)
            if progress is not None:
                progress(step, mean)
            window, window_k = [], []
        if time.time() - last_ckpt >= checkpoint_every_s:
            _save(ckpt_path, state())
            last_ckpt = time.time()
    finished = step >= recipe.steps
    _save(ckpt_path, state())
    return {"steps": step, "elapsed_s": elapsed, "finished": finished}


def load_ema(work: Path) -> tuple:
    """(EMA model in eval mode, recipe) of a run's checkpoint."""
    ck = load_checkpoint(Path(work) / f"{STAGE}.pt")
    recipe = InContextRecipe.from_dict(ck["recipe"])
    model = InContextTransformer(recipe.model)
    model.load_state_dict(ck["ema"])
    return model.eval(), recipe


def write_run_json(work: Path, recipe: InContextRecipe, seed: int, pool_meta: dict) -> None:
    """Pin recipe, seed and pool so that a resume with other inputs is noticed by a reader."""
    Path(work).mkdir(parents=True, exist_ok=True)
    (Path(work) / "run.json").write_text(json.dumps(
        {"recipe": recipe.to_dict(), "seed": seed, "pool": pool_meta}, indent=2), encoding="utf-8")
