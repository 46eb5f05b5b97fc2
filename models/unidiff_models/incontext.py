"""The in-context transformer: a small DiT over frames ``[in_1, out_1, ..., in_k, out_k, query, target]``.

Every frame is a VAE latent (C x h x w, the default model's latent space) cut into p x p patches.
All tokens of all frames attend to each other (full attention). A frame's tokens carry

- a learned patch-position vector (started from a 2-D sine-cosine table),
- for output frames (example outputs and the target), the same patch of their input frame
  (example input, query) through its own linear map (the pair skip),
- and, through adaptive LayerNorm scale, shift and gate, the frame's conditioning vector:
  timestep embedding of the frame's own network time + a learned **role** vector (example input,
  example output, query, target) + a learned **slot** vector (frame index 0..max_frames-1).

With ``rope=True`` queries and keys are also turned by a rotary embedding over three axes (frame,
row, column), as LaVin-DiT does, so attention sees relative offsets between tokens.

Roles follow from the layout alone (G = 2k + 2 frames): frames 0..G-3 alternate example input /
example output, frame G-2 is the query, G-1 the target; so the ONNX graph needs no role input and
G stays dynamic.

Flow matching in the library's convention (``FlowMatchingSchedule``): ``x_t = (1 - t) x_0 + t n``,
t = 0 clean, t = 1 noise, network time ``time_scale * t``. The graph outputs the velocity
``dx_t/dt = n - x_0`` of every frame (only the target's is used), as the bundle contract says.

With ``parameterization="x0"`` (the default) the head predicts the clean frame ``x0_hat`` and the
velocity is derived from it, ``v = (x_t - x0_hat) / max(t, T_FLOOR)``, which is exact for the path
above. Why: every in-context target is a deterministic function of query and examples, and the
first model, which predicted the velocity directly, drew blurred blobs: velocity regression
amplifies an error in x_0 by 1/t near the data end, so most of its loss went to the last few
percent of the path, and Euler's large final step (t = 0.19 -> 0 on LaVin-DiT's grid) carried
the blur into the image. Training on ``|x0_hat - x_0|^2`` weighs every t alike and makes the
final Euler step land exactly on ``x0_hat``. ``parameterization="velocity"`` keeps the first
model's head.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .uvit import sincos_2d, timestep_embedding

ROLE_EXAMPLE_INPUT, ROLE_EXAMPLE_OUTPUT, ROLE_QUERY, ROLE_TARGET = 0, 1, 2, 3
# Smallest t the x0 -> velocity conversion divides by. Clean frames (t = 0) are divided by 1
# instead (their output is never used; this keeps it of the order of the data, so that component
# goldens compare it with an absolute tolerance); every solver evaluates the target at t > 0.
T_FLOOR = 1e-3
PARAMETERIZATIONS = ("x0", "velocity")


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """softmax(q k^T / sqrt(d)) v over the last two axes.

    Written out rather than ``F.scaled_dot_product_attention`` because the Debian torch the tests
    and CI run (1.13) lacks that function; the result is the same attention.
    """
    scores = torch.matmul(q, k.transpose(-2, -1)) * (q.shape[-1] ** -0.5)
    return torch.matmul(scores.softmax(dim=-1), v)


@dataclass(frozen=True)
class InContextConfig:
    """Sizes of the in-context transformer."""

    latent_channels: int = 4
    latent_size: int = 16
    patch: int = 4
    dim: int = 128
    depth: int = 6
    heads: int = 4
    mlp_ratio: float = 4.0
    max_frames: int = 10
    time_scale: float = 1000.0
    parameterization: str = "x0"
    # Rotary position (RoPE) on queries and keys over three axes: frame, row, column (LaVin-DiT's
    # 3-D RoPE). Attention then sees where two tokens are relative to each other, which a move (a
    # near-permutation of tokens) needs; the learned absolute positions stay, so a token still
    # knows where in its frame it is. No parameters: weights of a model without it load unchanged.
    rope: bool = False

    @property
    def patches(self) -> int:
        """Patch tokens per frame."""
        return (self.latent_size // self.patch) ** 2

    def to_dict(self) -> dict:
        """Plain JSON values."""
        return asdict(self)


def rope_angles(g: Tensor, side: int, head_dim: int, base: float = 100.0) -> Tensor:
    """Rotation angles [g * side * side, head_dim // 2] of every token (frame-major, then row, then
    column): a quarter of the rotated pairs turn with the frame index, three eighths each with the
    row and the column, at geometric frequencies from 1 down to about 1/base. ``g`` may be a
    traced size, so the frame count stays dynamic in ONNX."""
    half = head_dim // 2
    n_frame = half // 4
    n_row = (half - n_frame) // 2
    n_col = half - n_frame - n_row

    def freqs(n: int) -> Tensor:
        return base ** (-torch.arange(n, dtype=torch.float32) / max(n, 1))

    frames = torch.arange(g).to(torch.float32)
    cells = torch.arange(side, dtype=torch.float32)
    f = frames[:, None] * freqs(n_frame)[None, :]                       # [g, n_frame]
    r = cells[:, None] * freqs(n_row)[None, :]                          # [side, n_row]
    c = cells[:, None] * freqs(n_col)[None, :]                          # [side, n_col]
    per_frame = f[:, None, None, :].expand(-1, side, side, -1)
    per_row = r[None, :, None, :].expand(per_frame.shape[0], -1, side, -1)
    per_col = c[None, None, :, :].expand(per_frame.shape[0], side, -1, -1)
    return torch.cat([per_frame, per_row, per_col], dim=-1).reshape(-1, half)


def rotate(x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
    """RoPE on the last axis of ``x`` [..., T, head_dim]: dimension i turns with i + head_dim/2."""
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


def frame_roles(g: Tensor) -> Tensor:
    """Role ids [G] for a sequence of ``g`` frames (g may be a traced size, so G stays dynamic)."""
    idx = torch.arange(g)
    roles = idx % 2
    roles = torch.where(idx == g - 2, torch.full_like(idx, ROLE_QUERY), roles)
    return torch.where(idx == g - 1, torch.full_like(idx, ROLE_TARGET), roles)


class Block(nn.Module):
    """Pre-LN transformer block with adaptive LayerNorm (shift, scale, gate) from the frame vector."""

    def __init__(self, dim: int, heads: int, mlp_ratio: float) -> None:
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)
        hidden = int(dim * mlp_ratio)
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)
        self.ada = nn.Linear(dim, 6 * dim)
        # adaLN-Zero: every block starts as the identity, which keeps a deep stack stable early on.
        nn.init.zeros_(self.ada.weight)
        nn.init.zeros_(self.ada.bias)

    def forward(self, x: Tensor, cond: Tensor, rope: Optional[Tuple[Tensor, Tensor]] = None) -> Tensor:
        """``x`` [B, G, P, D], ``cond`` [B, G, D]; ``rope`` (cos, sin of the angles [G * P,
        head_dim / 2], computed once per forward for every block) turns queries and keys when given."""
        b, g, p, d = x.shape
        mods = self.ada(F.silu(cond)).unsqueeze(2).chunk(6, dim=-1)
        shift1, scale1, gate1, shift2, scale2, gate2 = mods
        h = self.norm1(x) * (1 + scale1) + shift1
        qkv = self.qkv(h.reshape(b, g * p, d)).reshape(b, g * p, 3, self.heads, d // self.heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)
        if rope is not None:
            q, k = rotate(q, *rope), rotate(k, *rope)
        a = attention(q, k, v)
        a = self.proj(a.transpose(1, 2).reshape(b, g, p, d))
        x = x + gate1 * a
        h = self.norm2(x) * (1 + scale2) + shift2
        return x + gate2 * self.fc2(F.gelu(self.fc1(h), approximate="tanh"))


class InContextTransformer(nn.Module):
    """``(img [B, G, C, h, w], t_img [B, G]) -> velocity [B, G, C, h, w]``."""

    def __init__(self, config: InContextConfig) -> None:
        super().__init__()
        c = config
        if c.latent_size % c.patch != 0 or c.dim % c.heads != 0 or c.dim % 4 != 0 or (
                c.rope and (c.dim // c.heads) % 8 != 0):
            raise ValueError(f"inconsistent sizes: {c}")
        if c.parameterization not in PARAMETERIZATIONS:
            raise ValueError(f"parameterization must be one of {PARAMETERIZATIONS}, found {c.parameterization!r}")
        self.config = c
        patch_dim = c.latent_channels * c.patch * c.patch
        self.patch_in = nn.Linear(patch_dim, c.dim)
        # Pair skip: every output frame (example output, target) also gets its own input frame
        # (example input, query) at the same patch position. Most tasks keep most of the input,
        # and routing "same patch of the previous frame" through attention alone took the first
        # run hundreds of steps before outputs even had one object. Starts as a copy of patch_in.
        self.pair_in = nn.Linear(patch_dim, c.dim)
        with torch.no_grad():
            self.pair_in.weight.copy_(self.patch_in.weight)
            self.pair_in.bias.zero_()
        side = c.latent_size // c.patch
        self.pos = nn.Parameter(sincos_2d(side, side, c.dim).clone())
        self.role = nn.Embedding(4, c.dim)
        self.slot = nn.Embedding(c.max_frames, c.dim)
        nn.init.normal_(self.role.weight, std=0.02)
        nn.init.normal_(self.slot.weight, std=0.02)
        self.time_mlp = nn.Sequential(nn.Linear(c.dim, c.dim), nn.SiLU(), nn.Linear(c.dim, c.dim))
        self.blocks = nn.ModuleList(Block(c.dim, c.heads, c.mlp_ratio) for _ in range(c.depth))
        self.norm_out = nn.LayerNorm(c.dim, elementwise_affine=False, eps=1e-6)
        self.ada_out = nn.Linear(c.dim, 2 * c.dim)
        self.patch_out = nn.Linear(c.dim, patch_dim)
        for layer in (self.ada_out, self.patch_out):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, img: Tensor, t_img: Tensor) -> Tensor:
        """Velocity for every frame; ``t_img`` is the network time (``time_scale * t``) per frame."""
        head = self.head(img, t_img)
        if self.config.parameterization == "velocity":
            return head
        t = t_img / self.config.time_scale
        t = torch.where(t > 0, t.clamp(min=T_FLOOR), torch.ones_like(t))
        return (img - head) / t[:, :, None, None, None]

    def head(self, img: Tensor, t_img: Tensor) -> Tensor:
        """What the network regresses: ``x0_hat`` (parameterization "x0") or the velocity."""
        c = self.config
        b, g = img.shape[0], img.shape[1]
        p, s = c.patch, c.latent_size // c.patch
        x = img.reshape(b, g, c.latent_channels, s, p, s, p).permute(0, 1, 3, 5, 2, 4, 6)
        patches = x.reshape(b, g, s * s, c.latent_channels * p * p)
        x = self.patch_in(patches) + self.pos
        pairs = patches.reshape(b, -1, 2, s * s, c.latent_channels * p * p)
        skip = self.pair_in(pairs[:, :, 0])
        x = x + torch.stack([torch.zeros_like(skip), skip], dim=2).reshape(b, g, s * s, c.dim)
        # Network time 0..time_scale is mapped to 0..1000 for the sinusoid, whose frequencies were
        # chosen for integer timesteps in the U-ViT.
        temb = timestep_embedding(t_img.reshape(-1) * (1000.0 / c.time_scale), c.dim)
        cond = self.time_mlp(temb).reshape(b, g, c.dim)
        cond = cond + self.role(frame_roles(g)) + self.slot(torch.arange(g))
        angles = rope_angles(g, s, c.dim // c.heads) if c.rope else None
        rope = (angles.cos(), angles.sin()) if angles is not None else None
        for block in self.blocks:
            x = block(x, cond, rope)
        shift, scale = self.ada_out(F.silu(cond)).unsqueeze(2).chunk(2, dim=-1)
        x = self.patch_out(self.norm_out(x) * (1 + scale) + shift)
        x = x.reshape(b, g, s, s, c.latent_channels, p, p).permute(0, 1, 4, 2, 5, 3, 6)
        return x.reshape(b, g, c.latent_channels, c.latent_size, c.latent_size)


def parameter_count(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
