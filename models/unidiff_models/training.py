"""The training stages of the default model: VAE, CLIP, caption decoder, latent cache, U-ViT.

Every stage is resumable: it checkpoints model, optimiser, step, elapsed time and both random
generators (numpy for data sampling, a CPU torch generator for noise) into ``<work>/<stage>.pt``,
so a resumed run draws exactly what an uninterrupted one would have drawn. All randomness comes
from the run seed. Losses go to a CSV (``stage,step,wall_s,lr,loss,detail``).
"""

from __future__ import annotations

import copy
import csv
import json
import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np
import torch
from torch import Tensor, nn

from .data import ShapesDataset
from .recipe import Components, RecipeConfig, StageConfig, build_components
from .uvit import UViT
from .schedule import NoiseSchedule
from .tokenizer import WordTokenizer

LOG = logging.getLogger(__name__)
STAGES = ("vae", "clip", "caption", "cache", "uvit", "refine", "decoder")
# The stages with optimiser steps, each configured by ``RecipeConfig.<name>_stage``.
TRAINED_STAGES = tuple(s for s in STAGES if s != "cache")
_STAGE_SEED_OFFSET = {name: 1000 * (i + 1) for i, name in enumerate(STAGES)}


class LossLog:
    """Append-only CSV of losses; rows past a resumed checkpoint are dropped first."""

    HEADER = ["stage", "step", "wall_s", "lr", "loss", "detail"]

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            with open(self.path, "w", newline="", encoding="utf-8") as f:
                csv.writer(f, lineterminator="\n").writerow(self.HEADER)

    def truncate(self, stage: str, last_step: int) -> None:
        """Drop rows of ``stage`` logged after ``last_step`` (written before a crash)."""
        with open(self.path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        kept = [r for r in rows[1:] if not (r[0] == stage and int(r[1]) > last_step)]
        with open(self.path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerows([self.HEADER] + kept)

    def write(self, stage: str, step: int, wall_s: float, lr: float, loss: float,
              detail: Dict[str, float]) -> None:
        """Append one row; ``detail`` becomes ``key=value;...``."""
        text = ";".join(f"{k}={v:.6g}" for k, v in detail.items())
        with open(self.path, "a", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerow([stage, step, f"{wall_s:.1f}", f"{lr:.3g}", f"{loss:.6g}", text])


def blas_runs_own_threads() -> bool:
    """True when torch hands matrix products to a system BLAS (Debian's build: OpenBLAS).

    That BLAS runs its own pthreads on every core; torch's OpenMP threads on top of it
    oversubscribe the machine (measured on two cores: a U-ViT step took 1.40 s with two OpenMP
    threads, 0.57 s with one).
    """
    return "BLAS_INFO=generic" in torch.__config__.show()


def set_stage_threads(threads: int, convolutional: bool) -> None:
    """OpenMP threads for a stage: all cores for convolutions (oneDNN uses OpenMP); one for
    transformer stages when the BLAS already parallelises the matrix products."""
    torch.set_num_threads(threads if convolutional or not blas_runs_own_threads() else 1)


@dataclass
class RunContext:
    """What every stage needs: where to write, on what device, with which seed and budget."""

    work: Path
    recipe: RecipeConfig
    dataset: ShapesDataset
    tokenizer: WordTokenizer
    device: torch.device
    seed: int
    log: LossLog
    budget_minutes: Optional[float] = None
    checkpoint_every_s: float = 300.0
    threads: int = 2

    def stage_budget_s(self, stage: StageConfig) -> Optional[float]:
        """Wall-clock cap of a stage, or None without a budget."""
        if self.budget_minutes is None:
            return None
        return self.budget_minutes * 60.0 * stage.budget_share

    def checkpoint(self, stage: str) -> Path:
        """Checkpoint path of a stage."""
        return self.work / f"{stage}.pt"


def load_checkpoint(path: Path) -> dict:
    """Load one of the recipe's own checkpoints on the CPU.

    They hold random-generator states besides tensors; PyTorch 2.6+ would refuse those under its
    ``weights_only`` default, and these files are the run's own.
    """
    return torch.load(path, map_location="cpu", weights_only=False)


def lr_at(step: int, stage: StageConfig) -> float:
    """Linear warm-up, then cosine decay to a tenth of the peak."""
    if step < stage.warmup:
        return stage.lr * (step + 1) / stage.warmup
    progress = (step - stage.warmup) / max(1, stage.steps - stage.warmup)
    return stage.lr * (0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress))))


def _rngs(seed: int, stage: str) -> Tuple[np.random.Generator, torch.Generator]:
    s = seed + _STAGE_SEED_OFFSET[stage]
    gen = torch.Generator()
    gen.manual_seed(s)
    return np.random.default_rng(s), gen


def _randn(gen: torch.Generator, shape, device) -> Tensor:
    # Drawn on the CPU generator so that CPU and GPU runs see the same noise.
    return torch.randn(*shape, generator=gen).to(device)


StepFn = Callable[[int, np.random.Generator, torch.Generator], Tuple[Tensor, Dict[str, float]]]


def run_stage(ctx: RunContext, name: str, stage: StageConfig, modules: Dict[str, nn.Module],
              params: List[nn.Parameter], step_fn: StepFn,
              ema: Optional[Tuple[nn.Module, nn.Module]] = None,
              log_every: int = 10) -> Dict[str, float]:
    """Optimise ``params`` with AdamW for ``stage.steps`` steps of ``step_fn``, resumably.

    ``modules`` are saved and restored by name; ``ema`` is (live, average) when the stage keeps
    an exponential moving average. Returns timing facts of the stage.
    """
    opt = torch.optim.AdamW(params, lr=stage.lr, weight_decay=ctx.recipe.weight_decay,
                            betas=(0.9, 0.99))
    np_rng, gen = _rngs(ctx.seed, name)
    step, elapsed = 0, 0.0
    path = ctx.checkpoint(name)
    if path.exists():
        state = load_checkpoint(path)
        for key, module in modules.items():
            module.load_state_dict(state["modules"][key])
        if state.get("done"):
            LOG.info("stage %s already done (%d steps)", name, state["step"])
            return {"steps": state["step"], "seconds": state["elapsed"]}
        opt.load_state_dict(state["opt"])
        np_rng.bit_generator.state = state["np_rng"]
        gen.set_state(state["torch_rng"])
        step, elapsed = state["step"], state["elapsed"]
        ctx.log.truncate(name, step)
        LOG.info("stage %s resumed at step %d", name, step)

    def save(done: bool) -> None:
        torch.save({"modules": {k: m.state_dict() for k, m in modules.items()},
                    "opt": opt.state_dict(), "np_rng": np_rng.bit_generator.state,
                    "torch_rng": gen.get_state(), "step": step, "elapsed": elapsed,
                    "done": done}, path.with_suffix(".tmp"))
        path.with_suffix(".tmp").replace(path)

    budget = ctx.stage_budget_s(stage)
    for m in modules.values():
        m.train()
    sums: Dict[str, float] = {}
    count, last_save, first_step_s = 0, time.monotonic(), None
    steps_this_session = 0
    session_start, cpu_start = time.monotonic(), time.process_time()
    while step < stage.steps:
        if budget is not None and elapsed >= budget:
            LOG.warning("stage %s hit its %.0f s budget at step %d of %d; stopping early",
                        name, budget, step, stage.steps)
            break
        t0 = time.monotonic()
        lr = lr_at(step, stage)
        for group in opt.param_groups:
            group["lr"] = lr
        loss, detail = step_fn(step, np_rng, gen)
        if not torch.isfinite(loss):
            raise FloatingPointError(f"stage {name}: loss became {loss.item()} at step {step}")
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if ema is not None:
            live, avg = ema
            decay = min(ctx.recipe.ema_decay, (1.0 + step) / (10.0 + step))
            with torch.no_grad():
                for p_avg, p in zip(avg.parameters(), live.parameters()):
                    p_avg.mul_(decay).add_(p.detach(), alpha=1.0 - decay)
        step += 1
        steps_this_session += 1
        dt = time.monotonic() - t0
        elapsed += dt
        if first_step_s is None:
            first_step_s = dt
        sums["loss"] = sums.get("loss", 0.0) + loss.item()
        for k, v in detail.items():
            sums[k] = sums.get(k, 0.0) + v
        count += 1
        if step % log_every == 0 or step == stage.steps:
            mean = {k: v / count for k, v in sums.items()}
            ctx.log.write(name, step, elapsed, lr, mean.pop("loss"), mean)
            LOG.info("%s step %d/%d loss %.4f (%.2f s/step)", name, step, stage.steps,
                     sums["loss"] / count, dt)
            sums, count = {}, 0
        if time.monotonic() - last_save > ctx.checkpoint_every_s:
            save(False)
            last_save = time.monotonic()
    save(True)
    session = time.monotonic() - session_start
    done = max(1, steps_this_session)
    return {"steps": step, "seconds": elapsed, "s_per_step": session / done,
            "cpu_s_per_step": (time.process_time() - cpu_start) / done,
            "first_step_s": first_step_s or 0.0}


# ----------------------------------------------------------------------------------- stages


def train_vae(ctx: RunContext, comp: Components) -> Dict[str, float]:
    """Stage 1: the autoencoder, then its latent scaling factor (1 / std of sampled latents)."""
    st, ds, dev = ctx.recipe.vae_stage, ctx.dataset, ctx.device
    set_stage_threads(ctx.threads, convolutional=True)
    vae = comp.vae.to(dev)
    c, h = comp.vae.config.latent_channels, comp.vae.config.latent_size

    def step_fn(step, rng, gen):
        idx = rng.integers(0, len(ds.images), st.batch)
        x = ds.pixels(idx).to(dev)
        loss, rec, kl = vae.loss(x, _randn(gen, (len(idx), c, h, h), dev), ctx.recipe.kl_weight)
        return loss, {"rec": rec.item(), "kl": kl.item()}

    facts = run_stage(ctx, "vae", st, {"vae": vae}, list(vae.parameters()), step_fn)
    vae.eval()
    rng, gen = _rngs(ctx.seed + 1, "vae")
    idx = rng.choice(len(ds.images), min(1024, len(ds.images)), replace=False)
    with torch.no_grad():
        z = torch.cat([sample_latents(vae, ds.pixels(idx[i:i + 128]).to(dev), gen)
                       for i in range(0, len(idx), 128)])
    comp.scaling_factor = float(1.0 / z.std())
    facts["scaling_factor"] = comp.scaling_factor
    LOG.info("VAE latent scaling factor %.5f", comp.scaling_factor)
    return facts


def sample_latents(vae, x: Tensor, gen: torch.Generator) -> Tensor:  # noqa: N802 - helper
    """Sampled unscaled latents of pixels ``x``."""
    return sample_moments(vae, vae.moments(x), gen)


def sample_moments(vae, moments: Tensor, gen: torch.Generator) -> Tensor:
    """Unscaled latents sampled from encoder ``moments`` [N, 2C, h, w], noise drawn from ``gen``
    on the moments' device."""
    c = moments.shape[1] // 2
    return vae.sample(moments, _randn(gen, (moments.shape[0], c, *moments.shape[2:]), moments.device))


def _caption_draws(ds: ShapesDataset, rng: np.random.Generator, n: int):
    """``n`` (image index, caption) pairs drawn like the data: item, then variant, then image."""
    out = []
    for i in rng.integers(0, len(ds.items), n):
        item = ds.items[int(i)]
        variant = item.captions[int(rng.integers(0, len(item.captions)))]
        k = int(rng.integers(0, len(item.images)))
        out.append((item.images[k], variant[k]))
    return out


def _encoder_ids(tok: WordTokenizer, captions, length: int, dev) -> Tensor:
    return torch.tensor([tok.encode_padded(c, length) for c in captions], device=dev)


def train_clip(ctx: RunContext, comp: Components) -> Dict[str, float]:
    """Stage 2: image and text encoders, contrastively, on (image, its caption) pairs."""
    st, ds, dev, tok = ctx.recipe.clip_stage, ctx.dataset, ctx.device, ctx.tokenizer
    set_stage_threads(ctx.threads, convolutional=False)
    clip = comp.clip.to(dev)

    def step_fn(step, rng, gen):
        pairs = _caption_draws(ds, rng, st.batch)
        pixels = ds.pixels([p[0] for p in pairs]).to(dev)
        caps = [p[1] for p in pairs]
        ids = _encoder_ids(tok, caps, ctx.recipe.text_tokens, dev)
        same = torch.tensor([[a == b for b in caps] for a in caps], device=dev)
        loss = clip.loss(pixels, ids, same)
        return loss, {"temperature": float(clip.logit_scale.exp())}

    return run_stage(ctx, "clip", st, {"clip": clip}, list(clip.parameters()), step_fn)


def decoder_tokens(tok: WordTokenizer, captions, max_new_tokens: int, dev) -> Tensor:
    """Caption decoder targets: ``words [EOS]`` truncated to fit and padded to max_new_tokens."""
    rows = []
    for c in captions:
        ids = tok.ids_of(c)[:max_new_tokens - 1] + [tok.eos_id]
        rows.append(ids + [tok.pad_id] * (max_new_tokens - len(ids)))
    return torch.tensor(rows, device=dev)


def train_caption(ctx: RunContext, comp: Components) -> Dict[str, float]:
    """Stage 3: reduction and caption decoder on the frozen text encoder's hidden states.

    The latent gets Gaussian noise during training so the decoder tolerates the imperfect text
    latents that diffusion produces.
    """
    st, ds, dev, tok, r = (ctx.recipe.caption_stage, ctx.dataset, ctx.device, ctx.tokenizer,
                           ctx.recipe)
    set_stage_threads(ctx.threads, convolutional=False)
    text_encoder = comp.clip.text_encoder.to(dev).eval()
    reduction, decoder = comp.reduction.to(dev), comp.caption_decoder.to(dev)
    for p in text_encoder.parameters():
        p.requires_grad_(False)

    def step_fn(step, rng, gen):
        caps = [c for _, c in _caption_draws(ds, rng, st.batch)]
        with torch.no_grad():
            hidden = text_encoder(_encoder_ids(tok, caps, r.text_tokens, dev))
        latent = reduction(hidden)
        latent = latent + r.caption_latent_noise * _randn(gen, latent.shape, dev)
        ids = decoder_tokens(tok, caps, r.max_new_tokens, dev)
        loss = decoder.loss(latent, ids, ignore_index=tok.pad_id)
        return loss, {}

    params = list(reduction.parameters()) + list(decoder.parameters())
    facts = run_stage(ctx, "caption", st, {"reduction": reduction, "decoder": decoder}, params,
                      step_fn)
    for p in text_encoder.parameters():
        p.requires_grad_(True)
    return facts


@torch.no_grad()
def text_latents(comp: Components, captions: List[str], length: int, dev,
                 batch: int = 512) -> Tensor:
    """Text latents [n, L, Dt] of captions through the text encoder and reduction."""
    out = []
    for i in range(0, len(captions), batch):
        ids = _encoder_ids(comp.tokenizer, captions[i:i + batch], length, dev)
        out.append(comp.reduction(comp.clip.text_encoder(ids)).cpu())
    return torch.cat(out)


def build_cache(ctx: RunContext, comp: Components) -> Dict[str, Tensor]:
    """Stage 4: VAE moments and CLIP embeddings of every image, text latents of every caption.

    Also fixes the image encoder's ``output_scale`` so CLIP embeddings have unit variance.
    """
    path = ctx.checkpoint("cache")
    if path.exists():
        cache = load_checkpoint(path)
        comp.clip.image_encoder.output_scale.fill_(float(cache["clip_scale"]))
        comp.scaling_factor = float(cache["scaling_factor"])
        return cache
    ds, dev = ctx.dataset, ctx.device
    set_stage_threads(ctx.threads, convolutional=True)
    comp.eval()
    for m in comp.modules().values():
        m.to(dev)
    t0 = time.monotonic()
    moments, embeds = [], []
    comp.clip.image_encoder.output_scale.fill_(1.0)
    with torch.no_grad():
        for i in range(0, len(ds.images), 256):
            x = ds.pixels(np.arange(i, min(i + 256, len(ds.images)))).to(dev)
            moments.append(comp.vae.moments(x).cpu())
            embeds.append(comp.clip.image_encoder(x).cpu())
    embeds_t = torch.cat(embeds)
    clip_scale = float(1.0 / embeds_t.std())
    comp.clip.image_encoder.output_scale.fill_(clip_scale)
    captions = ds.all_captions()
    cache = {"moments": torch.cat(moments), "clip": embeds_t * clip_scale,
             "captions": captions,
             "text": text_latents(comp, captions, ctx.recipe.text_tokens, dev),
             "clip_scale": clip_scale, "scaling_factor": comp.scaling_factor,
             "seconds": time.monotonic() - t0}
    torch.save(cache, path)
    LOG.info("cache: %d images, %d captions in %.1f s", len(ds.images), len(captions),
             cache["seconds"])
    return cache


def sample_timesteps(rng: np.random.Generator, shape, recipe: RecipeConfig,
                     steps: int = 1000, p_clean: Optional[float] = None) -> Tuple[np.ndarray, np.ndarray]:
    """Independent (t_img, t_text) per image.

    Uniform on 1..steps as UniDiffuser, plus explicit t = 0 (clean, the conditioning level used
    at inference) with probability ``p_clean`` and t = steps (the "absent modality" level) with
    ``p_pure_noise``, so a small model sees the exact levels its tasks feed. Both clean at once
    would leave nothing to predict, so then the text gets a uniform step. With
    ``recipe.t_noise_end`` > 0 that share of the noised image draws moves to the top tenth of the
    schedule.
    """
    clean = recipe.p_clean if p_clean is None else p_clean

    def one():
        t = rng.integers(1, steps + 1, shape)
        u = rng.random(shape)
        t = np.where(u < clean, 0, t)
        return np.where(u > 1.0 - recipe.p_pure_noise, steps, t)

    t_img, t_text = one(), one()
    both = (t_img == 0) & (t_text == 0)
    t_text = np.where(both, rng.integers(1, steps + 1, shape), t_text)
    if recipe.t_noise_end > 0:
        # Drawn only when the lever is on, so the recipe without it keeps its random stream.
        top = rng.integers(steps - steps // 10 + 1, steps + 1, shape)
        noised = (t_img > 0) & (t_img < steps)
        t_img = np.where(noised & (rng.random(shape) < recipe.t_noise_end), top, t_img)
    return t_img, t_text


def add_references(rng: np.random.Generator, t_img: np.ndarray, p_reference: float) -> np.ndarray:
    """With probability ``p_reference`` per group, 1..G-1 random images become clean references."""
    t_img = t_img.copy()
    b, g = t_img.shape
    if g < 2:
        return t_img
    for row in range(b):
        if rng.random() < p_reference:
            refs = rng.choice(g, int(rng.integers(1, g)), replace=False)
            t_img[row, refs] = 0
    return t_img


def _masked_mse(pred: Tensor, target: Tensor, weight: Tensor) -> Tensor:
    per_image = ((pred.float() - target) ** 2).flatten(2).mean(dim=2)
    return (per_image * weight).sum() / weight.sum().clamp(min=1.0)


def _position_weighted_mse(pred: Tensor, target: Tensor, weight: Tensor, positions: Tensor) -> Tensor:
    """:func:`_masked_mse` with each image's squared errors weighted by ``positions`` (broadcast
    over channels) and renormalised per image, so the weights move the loss between positions
    without changing its scale."""
    p = positions.expand_as(pred).float()
    per_image = (((pred.float() - target) ** 2) * p).flatten(2).sum(dim=2) / p.flatten(2).sum(dim=2)
    return (per_image * weight).sum() / weight.sum().clamp(min=1.0)


def latent_object_weights(pixels: Tensor, weight: float, latent_size: int) -> Tensor:
    """Per-position weights [N, 1, h, h] on the latent grid: :func:`object_weights` of the images
    averaged over each latent cell's pixels (a cell half covered by the object weighs 1 + w / 2)."""
    factor = pixels.shape[-1] // latent_size
    return torch.nn.functional.avg_pool2d(object_weights(pixels, weight), factor)


def velocity_from_x0(uvit, pred: Tensor, x0: Tensor, xt: Tensor, n: Tensor, min_sigma: float = 0.05):
    """The velocity ``(alpha x_t - x0) / sigma`` of a predicted clean stream and of the true one,
    at integer timesteps ``n`` ([B, G]), sigma floored at ``min_sigma`` in both (the floor only
    matters for the first few timesteps, where the velocity loss would otherwise blow up)."""
    alpha, sigma = uvit.alpha_sigma(n)
    shape = tuple(alpha.shape) + (1,) * (x0.dim() - alpha.dim())
    alpha = alpha.reshape(shape)
    sigma = sigma.clamp(min=min_sigma).reshape(shape)
    return (alpha * xt - pred.float()) / sigma, (alpha * xt - x0) / sigma


def noise_weights(schedule: NoiseSchedule, n: Tensor, cap: float) -> Tensor:
    """Per-image loss weights ``min(1 / alpha_bar(n), cap)``; 0 where ``n`` = 0 (clean, no loss).

    The noise-prediction loss weighs an error in the predicted clean latent by SNR, so at high
    noise (alpha_bar 0.005 at n = 1000) it hardly trains the decisions that sampling makes first:
    colour, background, position. ``1 / alpha_bar`` = 1 + 1 / SNR is the weight that turns the
    noise loss into the velocity loss; the cap keeps the low-noise steps from being starved.
    """
    if cap < 1.0:
        raise ValueError(f"weight cap must be >= 1, got {cap}")
    inv = 1.0 / schedule.sqrt_ac.to(n.device)[n] ** 2
    return torch.where(n > 0, inv.clamp(max=cap), torch.zeros_like(inv))


def train_uvit(ctx: RunContext, comp: Components, cache: Dict[str, Tensor],
               name: str = "uvit", weight_cap: float = 1.0) -> Dict[str, float]:
    """Stage 5 (and 6): the joint noise predictor with the UniDiffuser objective.

    Each step takes one group size (singles with probability ``p_single``, else a uniform group
    size present in the data) and ``batch // G`` items, so every step costs about the same.
    Streams fed clean (t = 0) are excluded from the loss: there is no noise to predict.
    ``weight_cap`` 1 is the plain noise loss (stage ``uvit``); above 1 each image's loss is
    weighted by :func:`noise_weights` (stage ``refine``, which starts from the weights in
    ``comp.uvit``, i.e. the previous stage's average).
    """
    r, ds, dev = ctx.recipe, ctx.dataset, ctx.device
    st = r.uvit_stage if name == "uvit" else r.refine_stage
    p_clean = r.p_clean if name == "uvit" else r.refine_p_clean
    set_stage_threads(ctx.threads, convolutional=False)
    if name == "refine":
        # Same weights, new reading of the outputs: the blocks now learn the refine target.
        comp.uvit = comp.uvit.with_prediction(r.refine_prediction)
    uvit = comp.uvit.to(dev).requires_grad_(True)
    ema = copy.deepcopy(uvit).requires_grad_(False)
    schedule = NoiseSchedule()
    sizes = sorted(ds.by_size)
    groups = [s for s in sizes if 1 < s <= r.group_max_size]
    caption_index = {c: i for i, c in enumerate(cache["captions"])}
    moments, clip_all, text_all = cache["moments"], cache["clip"], cache["text"]
    c = comp.vae.config.latent_channels

    def pick_size(rng) -> int:
        if 1 in ds.by_size and (not groups or rng.random() < r.p_single):
            return 1
        return int(groups[int(rng.integers(0, len(groups)))])

    def step_fn(step, rng, gen):
        g = pick_size(rng)
        b = max(1, st.batch // g)
        pool = ds.by_size[g]
        items = [ds.items[pool[int(i)]] for i in rng.integers(0, len(pool), b)]
        img_idx = torch.tensor([it.images for it in items])  # [b, g]
        caps = [it.captions[int(rng.integers(0, len(it.captions)))] for it in items]
        txt_idx = torch.tensor([[caption_index[x] for x in v] for v in caps])
        t_img, t_text = sample_timesteps(rng, (b, g), r, p_clean=p_clean)
        t_img = add_references(rng, t_img, r.p_reference)
        mom = moments[img_idx.flatten()]
        z0 = (comp.scaling_factor * sample_moments(comp.vae, mom, gen)).reshape(b, g, c, *mom.shape[2:])
        x0 = [z0.to(dev), clip_all[img_idx].unsqueeze(2).to(dev), text_all[txt_idx].to(dev)]
        eps = [_randn(gen, x.shape, dev) for x in x0]
        ti = torch.from_numpy(t_img).to(dev)
        tt = torch.from_numpy(t_text).to(dev)
        xt = [schedule.add_noise(x0[0], eps[0], ti), schedule.add_noise(x0[1], eps[1], ti),
              schedule.add_noise(x0[2], eps[2], tt)]
        # A recipe with a data_type token has one data source: type 0 (the manifest's default).
        data_type = torch.zeros(b, dtype=torch.long, device=dev) if uvit.config.use_data_type else None
        if uvit.config.prediction == "velocity":
            # Velocity loss: the noise loss weighted by 1 / alpha^2 (see noise_weights).
            out = uvit.forward_raw(xt[0], xt[1], xt[2], ti.float(), tt.float(), data_type)
            eps = [schedule.velocity(x, e, n) for x, e, n in zip(x0, eps, (ti, ti, tt))]
        elif uvit.config.prediction == "x0":
            # The clean stream predicted, the velocity loss kept (JiT): v = (alpha x_t - x0) / sigma
            # of the prediction against that of the truth, sigma floored as JiT floors 1 - t.
            raw = uvit.forward_raw(xt[0], xt[1], xt[2], ti.float(), tt.float(), data_type)
            out, eps = [], []
            for pred, x, xn, n in zip(raw, x0, xt, (ti, ti, tt)):
                v_pred, v_true = velocity_from_x0(uvit, pred, x, xn, n)
                out.append(v_pred)
                eps.append(v_true)
        else:
            out = uvit(xt[0], xt[1], xt[2], ti.float(), tt.float(), data_type)
        # The velocity loss already weighs high noise (it is the noise loss times 1 / alpha^2).
        cap = 1.0 if uvit.config.prediction == "velocity" else weight_cap
        w_img, w_text = noise_weights(schedule, ti, cap), noise_weights(schedule, tt, cap)
        if r.uvit_object_weight > 0:
            pixels = ds.pixels(img_idx.flatten().numpy()).to(dev)
            l_img = _position_weighted_mse(out[0], eps[0], w_img,
                                           latent_object_weights(pixels, r.uvit_object_weight,
                                                                 out[0].shape[-1]).reshape(b, g, 1, *out[0].shape[-2:]))
        else:
            l_img = _masked_mse(out[0], eps[0], w_img)
        l_clip = _masked_mse(out[1], eps[1], w_img)
        l_text = _masked_mse(out[2], eps[2], w_text)
        return l_img + l_clip + l_text, {"img": l_img.item(), "clip": l_clip.item(),
                                         "text": l_text.item(), "G": float(g)}

    facts = run_stage(ctx, name, st, {"uvit": uvit, "ema": ema}, list(uvit.parameters()),
                      step_fn, ema=(uvit, ema))
    comp.uvit = ema.eval()
    return facts


def object_weights(x: Tensor, weight: float) -> Tensor:
    """Per-pixel loss weights [B, 1, H, W] of images ``x`` in [-1, 1]: 1 where a pixel has the
    background colour (the top-left pixel's; shapes-world objects never touch the corner), else
    ``1 + weight``."""
    background = x[:, :, :1, :1]
    differs = (x - background).abs().sum(dim=1, keepdim=True) > 0.1
    return 1.0 + weight * differs.to(x.dtype)


def train_decoder(ctx: RunContext, comp: Components, cache: Dict[str, Tensor]) -> Dict[str, float]:
    """Stage 7: the VAE decoder alone, on latents sampled from the cached encoder moments.

    The encoder (and so the latent space the U-ViT learned) is untouched. The reconstruction
    loss (L1 + MSE) weighs object pixels by :func:`object_weights`: in a plain mean over the
    image a 14 px shape is 5% of the pixels, and the stage-1 decoder rounds its corners off.
    """
    r, st, ds, dev = ctx.recipe, ctx.recipe.decoder_stage, ctx.dataset, ctx.device
    set_stage_threads(ctx.threads, convolutional=True)
    decoder = comp.vae.decoder.to(dev)
    moments = cache["moments"]

    def step_fn(step, rng, gen):
        idx = rng.integers(0, len(ds.images), st.batch)
        x = ds.pixels(idx).to(dev)
        y = decoder(sample_moments(comp.vae, moments[idx].to(dev), gen))
        w = object_weights(x, r.decoder_object_weight)
        l1 = ((y - x).abs() * w).mean()
        mse = ((y - x) ** 2 * w).mean()
        return l1 + mse, {"l1": l1.item(), "mse": mse.item()}

    facts = run_stage(ctx, "decoder", st, {"decoder": decoder}, list(decoder.parameters()), step_fn)
    decoder.eval()
    return facts


# ------------------------------------------------------------------------------ whole recipe


def prepare_run(work: Path, recipe: RecipeConfig, dataset: ShapesDataset, seed: int) -> WordTokenizer:
    """Write (or check, on resume) ``<work>/run.json`` and return the run's tokenizer."""
    work.mkdir(parents=True, exist_ok=True)
    run = {"recipe": recipe.to_dict(), "seed": seed, "vocabulary": sorted(dataset.vocabulary),
           "dataset": str(dataset.root), "images": int(len(dataset.images)),
           "items": len(dataset.items)}
    path = work / "run.json"
    if path.exists():
        old = json.loads(path.read_text(encoding="utf-8"))
        for key in ("recipe", "seed", "vocabulary", "images", "items"):
            if old[key] != json.loads(json.dumps(run[key])):
                raise ValueError(f"{work} was started with a different {key}; use a fresh --work "
                                 f"directory or the original settings")
    else:
        path.write_text(json.dumps(run, indent=1) + "\n", encoding="utf-8")
    return WordTokenizer(dataset.vocabulary)


def train_all(ctx: RunContext) -> Tuple[Components, Dict[str, Dict[str, float]]]:
    """Run (or resume) every stage in order and return the trained components and timings."""
    torch.manual_seed(ctx.seed)
    comp = build_components(ctx.recipe, ctx.tokenizer)
    facts = {"vae": train_vae(ctx, comp), "clip": train_clip(ctx, comp),
             "caption": train_caption(ctx, comp)}
    cache = build_cache(ctx, comp)
    facts["cache"] = {"seconds": float(cache["seconds"])}
    facts["uvit"] = train_uvit(ctx, comp, cache)
    if ctx.recipe.refine_stage.steps > 0:
        facts["refine"] = train_uvit(ctx, comp, cache, name="refine",
                                     weight_cap=ctx.recipe.refine_weight_cap)
    if ctx.recipe.decoder_stage.steps > 0:
        facts["decoder"] = train_decoder(ctx, comp, cache)
    return comp.eval(), facts


def load_components(work: Path, device: torch.device = torch.device("cpu")) -> Components:
    """Rebuild the trained components from a finished run directory (EMA U-ViT weights)."""
    run = json.loads((work / "run.json").read_text(encoding="utf-8"))
    recipe = recipe_from_dict(run["recipe"])
    comp = build_components(recipe, WordTokenizer(run["vocabulary"]))
    for stage in ("vae", "clip", "caption", "uvit"):
        if not (work / f"{stage}.pt").exists():
            raise FileNotFoundError(f"{work} lacks {stage}.pt: the {stage} stage has not run")
    vae = load_checkpoint(work / "vae.pt")
    comp.vae.load_state_dict(vae["modules"]["vae"])
    if recipe.decoder_stage.steps > 0:
        if not (work / "decoder.pt").exists():
            raise FileNotFoundError(f"{work} lacks decoder.pt: the decoder stage has not run")
        comp.vae.decoder.load_state_dict(load_checkpoint(work / "decoder.pt")["modules"]["decoder"])
    comp.clip.load_state_dict(load_checkpoint(work / "clip.pt")["modules"]["clip"])
    cap = load_checkpoint(work / "caption.pt")["modules"]
    comp.reduction.load_state_dict(cap["reduction"])
    comp.caption_decoder.load_state_dict(cap["decoder"])
    last = "refine" if recipe.refine_stage.steps > 0 else "uvit"
    if not (work / f"{last}.pt").exists():
        raise FileNotFoundError(f"{work} lacks {last}.pt: the {last} stage has not run")
    comp.uvit = UViT(recipe.uvit_config(recipe.shipped_prediction))
    comp.uvit.load_state_dict(load_checkpoint(work / f"{last}.pt")["modules"]["ema"])
    cache = load_checkpoint(work / "cache.pt")
    comp.clip.image_encoder.output_scale.fill_(float(cache["clip_scale"]))
    comp.scaling_factor = float(cache["scaling_factor"])
    for m in comp.modules().values():
        m.to(device)
    return comp.eval()


def recipe_from_dict(d: dict) -> RecipeConfig:
    """Inverse of ``RecipeConfig.to_dict``."""
    from .vae import VaeConfig
    d = dict(d)
    d["vae"] = VaeConfig(**d["vae"])
    for key in (f"{s}_stage" for s in TRAINED_STAGES):
        if key in d:
            d[key] = StageConfig(**d[key])
    # Runs recorded before the refine stage and velocity prediction existed lack these keys.
    if "refine_stage" not in d:
        d["refine_stage"] = StageConfig(steps=0, batch=48, lr=3e-4, budget_share=0.0)
    d.setdefault("uvit_prediction", "epsilon")
    d.setdefault("refine_prediction", "epsilon")
    # ... and these predate the patch-4, sine-cosine U-ViT.
    d.setdefault("uvit_patch_size", 2)
    d.setdefault("uvit_pos_init", "random")
    # ... and these the decoder stage.
    if "decoder_stage" not in d:
        d["decoder_stage"] = StageConfig(steps=0, batch=32, lr=2e-4, budget_share=0.0)
    d.setdefault("decoder_object_weight", 10.0)
    return RecipeConfig(**d)
