"""U-ViT joint noise predictor in UniDiffuser's post-LayerNorm "v1" layout, with group attention.

One class serves both the small default model and the published UniDiffuser weights: every size
comes from :class:`UViTConfig` and the state-dict keys are exactly the reference checkpoint's, so a
published ``uvit_v1.pth`` loads with ``load_state_dict(strict=True)``.

Every input carries a group axis G (bundle-contract.md). Images of a group keep their own token
sequences; inside attention the sequences are joined and a query of image i may see a key of image
j only when i == j or both tokens belong to the image stream (patches and the CLIP token). With
G = 1 nothing is masked, so the computation is exactly plain UniDiffuser.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Optional

import numpy as np
import torch
from torch import Tensor, nn


@dataclass(frozen=True)
class UViTConfig:
    """Sizes of a U-ViT.

    ``in_blocks`` counts the in-blocks; the model has ``2 * in_blocks + 1`` blocks in all.
    ``slots`` > 0 adds a learned per-slot embedding (key ``slot_embed``) for in-context models;
    the reference has none, so it is off by default.
    """

    latent_channels: int = 4
    latent_height: int = 16
    latent_width: int = 16
    patch_size: int = 2
    width: int = 192
    in_blocks: int = 3
    heads: int = 4
    mlp_ratio: float = 4.0
    clip_dim: int = 64
    text_tokens: int = 16
    text_dim: int = 32
    use_data_type: bool = False
    data_types: int = 2
    slots: int = 0
    # "epsilon": the blocks predict the noise (the reference). "velocity": they predict
    # v = alpha * eps - sigma * x0 and forward() returns eps = alpha * v + sigma * x_t, so the
    # outputs are noise predictions either way (bundle-contract.md) but the identity part of the
    # noise at high noise levels is exact instead of learned (see ``_eps_from_velocity``).
    # "x0": they predict the clean stream (JiT's x-prediction, arXiv 2511.13720) and forward()
    # returns eps = (x_t - alpha * x0) / sigma; trained with the velocity loss (see training).
    prediction: str = "epsilon"
    # Initial patch positions: "random" (trunc normal 0.02, the reference) or "sincos" (2-D
    # sine-cosine table over the patch grid, as in MAE), so a small model trained briefly knows
    # where each patch is from the first step instead of learning it from noise. Only the
    # initial values differ; the state-dict keys are the same.
    pos_init: str = "random"

    def __post_init__(self) -> None:
        if self.width % self.heads != 0:
            raise ValueError(f"width {self.width} must be divisible by heads {self.heads}")
        if self.width % 2 != 0:
            raise ValueError(f"width {self.width} must be even for the sinusoidal time embedding")
        for name in ("latent_height", "latent_width"):
            if getattr(self, name) % self.patch_size != 0:
                raise ValueError(
                    f"{name} {getattr(self, name)} must be a multiple of patch_size {self.patch_size}")
        if self.in_blocks < 0:
            raise ValueError(f"in_blocks must be >= 0, got {self.in_blocks}")
        if self.prediction not in ("epsilon", "velocity", "x0"):
            raise ValueError(f"prediction must be 'epsilon', 'velocity' or 'x0', got {self.prediction!r}")
        if self.pos_init not in ("random", "sincos"):
            raise ValueError(f"pos_init must be 'random' or 'sincos', got {self.pos_init!r}")
        if self.pos_init == "sincos" and self.width % 4 != 0:
            raise ValueError(f"width {self.width} must be divisible by 4 for pos_init 'sincos'")

    @staticmethod
    def unidiffuser_v1() -> "UViTConfig":
        """The published UniDiffuser v1 sizes (952,509,520 parameters)."""
        return UViTConfig(latent_channels=4, latent_height=64, latent_width=64, patch_size=2,
                          width=1536, in_blocks=15, heads=24, mlp_ratio=4.0, clip_dim=512,
                          text_tokens=77, text_dim=64, use_data_type=True, data_types=2)

    @property
    def patches(self) -> int:
        """Number of patch tokens per image."""
        return (self.latent_height // self.patch_size) * (self.latent_width // self.patch_size)

    @property
    def tokens(self) -> int:
        """Sequence length of one image: time tokens, data_type, text, clip and patches."""
        return 2 + int(self.use_data_type) + self.text_tokens + 1 + self.patches

    @property
    def text_start(self) -> int:
        """Index of the first text token in one image's sequence."""
        return 2 + int(self.use_data_type)

    def to_dict(self) -> dict:
        """The config as plain JSON-serialisable values."""
        return dict(self.__dict__)


def sincos_2d(rows: int, cols: int, dim: int) -> Tensor:
    """2-D sine-cosine positions [rows * cols, dim], row-major like the patch tokens.

    The first half of the channels encodes the row, the second half the column, each as
    ``sin(p * f_k)`` then ``cos(p * f_k)`` with ``f_k = 10000^(-k / (dim / 4))``.
    """
    if dim % 4 != 0:
        raise ValueError(f"dim {dim} must be divisible by 4")
    quarter = dim // 4
    freqs = 10000.0 ** (-torch.arange(quarter, dtype=torch.float64) / quarter)

    def encode(pos: Tensor) -> Tensor:
        angles = pos.to(torch.float64)[:, None] * freqs[None, :]
        return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)

    r, c = torch.meshgrid(torch.arange(rows), torch.arange(cols), indexing="ij")
    return torch.cat([encode(r.flatten()), encode(c.flatten())], dim=1).to(torch.float32)


def timestep_embedding(t: Tensor, dim: int) -> Tensor:
    """Raw sinusoidal embedding of (possibly fractional) network timesteps, cosine half first.

    ``freqs_i = exp(-ln(10000) * i / (dim / 2))``; the result is ``[cos(t f), sin(t f)]``.
    """
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0)
                      * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.to(torch.float32)[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


def group_attention_allowed(group_size, image_stream: Tensor) -> Tensor:
    """Boolean [G*N, G*N] matrix: may the query (row) attend to the key (column)?

    ``image_stream`` is a boolean [N] marking one image's patch and CLIP tokens. Tokens of the
    same image always see each other; across images only image-stream tokens see each other.
    ``group_size`` may be a traced size so that G stays dynamic in ONNX.
    """
    idx = torch.arange(group_size, device=image_stream.device)
    same = idx[:, None, None, None] == idx[None, None, :, None]
    both = image_stream[None, :, None, None] & image_stream[None, None, None, :]
    return (same | both).flatten(0, 1).flatten(1, 2)


class Attention(nn.Module):
    """Multi-head self-attention; qkv without bias, laid out [q | k | v] of heads x head_dim.

    Scores, softmax and the weighted sum run in fp32 whatever the input precision, because fp16
    attention overflows in the reference model.
    """

    def __init__(self, dim: int, heads: int, device=None) -> None:
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=False, device=device)
        self.proj = nn.Linear(dim, dim, device=device)

    def forward(self, x: Tensor, allowed: Optional[Tensor] = None) -> Tensor:
        """Attend over [B, S, dim]; ``allowed`` is an optional boolean [S, S] mask."""
        b, s, d = x.shape
        qkv = self.qkv(x).reshape(b, s, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0].float(), qkv[1].float(), qkv[2].float()
        scores = (q @ k.transpose(-2, -1)) * self.scale
        if allowed is not None:
            scores = scores.masked_fill(~allowed, float("-inf"))
        out = (scores.softmax(dim=-1) @ v).to(x.dtype)
        return self.proj(out.transpose(1, 2).reshape(b, s, d))


class Mlp(nn.Module):
    """Two-layer MLP with exact (erf) GELU."""

    def __init__(self, dim: int, hidden: int, device=None) -> None:
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden, device=device)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim, device=device)

    def forward(self, x: Tensor) -> Tensor:
        """Apply fc2(gelu(fc1(x)))."""
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    """Post-LN transformer block; out-blocks first fuse the long skip with ``skip_linear``."""

    def __init__(self, dim: int, heads: int, mlp_ratio: float, skip: bool, device=None) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, device=device) if skip else None
        self.skip_linear = nn.Linear(2 * dim, dim, device=device) if skip else None
        self.attn = Attention(dim, heads, device=device)
        self.norm2 = nn.LayerNorm(dim, device=device)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), device=device)
        self.norm3 = nn.LayerNorm(dim, device=device)

    def forward(self, x: Tensor, allowed: Optional[Tensor], skip: Optional[Tensor] = None) -> Tensor:
        """One block over [B, S, dim]."""
        if self.skip_linear is not None:
            x = self.norm1(self.skip_linear(torch.cat([x, skip], dim=-1)))
        x = self.norm2(x + self.attn(x, allowed))
        return self.norm3(x + self.mlp(x))


class PatchEmbed(nn.Module):
    """Conv patchifier; tokens are flattened row-major over the patch grid."""

    def __init__(self, channels: int, dim: int, patch: int, device=None) -> None:
        super().__init__()
        self.proj = nn.Conv2d(channels, dim, kernel_size=patch, stride=patch, device=device)

    def forward(self, x: Tensor) -> Tensor:
        """[N, C, h, w] -> [N, patches, dim]."""
        return self.proj(x).flatten(2).transpose(1, 2)


class UViT(nn.Module):
    """Joint noise predictor over (image latent, CLIP image token, text latent) with groups.

    Token order per image: ``[t_img, t_text, (data_type), text x L, clip_img, patches]``.
    """

    def __init__(self, config: UViTConfig, device=None) -> None:
        super().__init__()
        c = config
        self.config = c
        w = c.width
        self.patch_embed = PatchEmbed(c.latent_channels, w, c.patch_size, device=device)
        self.text_embed = nn.Linear(c.text_dim, w, device=device)
        self.text_out = nn.Linear(w, c.text_dim, device=device)
        self.clip_img_embed = nn.Linear(c.clip_dim, w, device=device)
        self.clip_img_out = nn.Linear(w, c.clip_dim, device=device)
        # The data_type token has its own positional row so that a v0 table (without it) is
        # the same tensor as v1's: this is how the reference lays out its checkpoint.
        self.pos_embed = nn.Parameter(
            torch.zeros(1, c.tokens - int(c.use_data_type), w, device=device))
        if c.use_data_type:
            self.token_embedding = nn.Embedding(c.data_types, w, device=device)
            self.pos_embed_token = nn.Parameter(torch.zeros(1, 1, w, device=device))
        else:
            self.token_embedding = None
            self.pos_embed_token = None
        if c.slots > 0:
            self.slot_embed = nn.Parameter(torch.zeros(c.slots, w, device=device))
        else:
            self.slot_embed = None
        self.in_blocks = nn.ModuleList(
            [Block(w, c.heads, c.mlp_ratio, skip=False, device=device) for _ in range(c.in_blocks)])
        self.mid_block = Block(w, c.heads, c.mlp_ratio, skip=False, device=device)
        self.out_blocks = nn.ModuleList(
            [Block(w, c.heads, c.mlp_ratio, skip=True, device=device) for _ in range(c.in_blocks)])
        self.norm = nn.LayerNorm(w, device=device)
        self.decoder_pred = nn.Linear(w, c.patch_size ** 2 * c.latent_channels, device=device)
        stream = torch.zeros(c.tokens, dtype=torch.bool, device=device)
        stream[c.text_start + c.text_tokens:] = True
        # Not persistent: the state dict must hold exactly the reference's keys.
        self.register_buffer("image_stream", stream, persistent=False)
        if c.prediction in ("velocity", "x0"):
            # log alpha of the training schedule at network timesteps 1..1000 (float64 first).
            from .schedule import alphas_cumprod
            table = torch.tensor(0.5 * np.log(alphas_cumprod()), dtype=torch.float32)
            self.register_buffer("log_alpha", table.to(device) if device is not None
                                 and torch.device(device).type != "meta" else table,
                                 persistent=False)
        if device is None or torch.device(device).type != "meta":
            self._init_weights()

    def _init_weights(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        if self.config.pos_init == "sincos":
            c = self.config
            table = sincos_2d(c.latent_height // c.patch_size, c.latent_width // c.patch_size,
                              c.width)
            with torch.no_grad():
                self.pos_embed[0, -c.patches:] = table.to(self.pos_embed.device)
        if self.pos_embed_token is not None:
            nn.init.trunc_normal_(self.pos_embed_token, std=0.02)
        if self.slot_embed is not None:
            nn.init.trunc_normal_(self.slot_embed, std=0.02)

    def _positions(self) -> Tensor:
        if self.pos_embed_token is None:
            return self.pos_embed
        return torch.cat([self.pos_embed[:, :2], self.pos_embed_token, self.pos_embed[:, 2:]], 1)

    def _unpatchify(self, x: Tensor) -> Tensor:
        c = self.config
        p = c.patch_size
        hp, wp = c.latent_height // p, c.latent_width // p
        x = x.reshape(x.shape[0], hp, wp, p, p, c.latent_channels)
        return x.permute(0, 5, 1, 3, 2, 4).reshape(
            x.shape[0], c.latent_channels, c.latent_height, c.latent_width)

    def forward(self, img: Tensor, clip_img: Tensor, text: Tensor, t_img: Tensor, t_text: Tensor,
                data_type: Optional[Tensor] = None):
        """Predict the noise of every stream.

        Shapes: ``img`` [B,G,C,h,w], ``clip_img`` [B,G,1,Dc], ``text`` [B,G,L,Dt], ``t_img`` and
        ``t_text`` [B,G] network timesteps (0 = clean), ``data_type`` int [B] when configured.
        Returns ``(img_out, clip_img_out, text_out)`` with the shapes of the inputs.
        """
        raw = self.forward_raw(img, clip_img, text, t_img, t_text, data_type)
        if self.config.prediction == "epsilon":
            return raw
        image_level = self.alpha_sigma(t_img)  # shared by the latent and the CLIP token
        convert = self._eps_from_velocity if self.config.prediction == "velocity" else self._eps_from_x0
        return (convert(raw[0], img, image_level),
                convert(raw[1], clip_img, image_level),
                convert(raw[2], text, self.alpha_sigma(t_text)))

    def with_prediction(self, prediction: str) -> "UViT":
        """This model with its outputs read as ``prediction``: itself if it already is, else a
        copy with the same weights (the two readings share every state-dict key)."""
        if prediction == self.config.prediction:
            return self
        other = UViT(dataclasses.replace(self.config, prediction=prediction))
        other.load_state_dict(self.state_dict())
        return other.to(next(self.parameters()).device)

    def alpha_sigma(self, t: Tensor):
        """(alpha, sigma) of the training schedule at network timesteps ``t`` (any shape, float).

        Log alpha is interpolated linearly between integer timesteps, as the samplers'
        discrete VP schedule does, and extrapolated below 1 with alpha capped at 1 (t = 0 is
        clean: alpha 1, sigma 0). Only for ``prediction`` 'velocity' and 'x0'.
        """
        table = self.log_alpha
        t = t.to(torch.float32)
        lower = t.floor().clamp(1.0, float(table.shape[0] - 1))
        frac = t - lower
        i = lower.to(torch.int64) - 1
        lo = table[i]
        log_alpha = (lo + frac * (table[i + 1] - lo)).clamp(max=0.0)
        alpha = log_alpha.exp()
        return alpha, (1.0 - alpha * alpha).clamp(min=0.0).sqrt()

    @staticmethod
    def _eps_from_velocity(v: Tensor, x: Tensor, level) -> Tensor:
        # eps = alpha v + sigma x_t holds exactly for v = alpha eps - sigma x0; at t = 1000 the
        # network's error enters eps scaled by alpha (0.07) instead of in full.
        alpha, sigma = level
        shape = tuple(alpha.shape) + (1,) * (x.dim() - alpha.dim())
        return (alpha.reshape(shape) * v.float() + sigma.reshape(shape) * x.float()).to(x.dtype)

    # Below this sigma (network timestep 0, a clean stream, whose output no sampler reads) the
    # division by sigma is capped, so no output is infinite.
    X0_MIN_SIGMA = 1e-3

    @staticmethod
    def _eps_from_x0(x0: Tensor, x: Tensor, level) -> Tensor:
        # x_t = alpha x0 + sigma eps, so eps = (x_t - alpha x0) / sigma.
        alpha, sigma = level
        shape = tuple(alpha.shape) + (1,) * (x.dim() - alpha.dim())
        sigma = sigma.clamp(min=UViT.X0_MIN_SIGMA).reshape(shape)
        return ((x.float() - alpha.reshape(shape) * x0.float()) / sigma).to(x.dtype)

    def forward_raw(self, img: Tensor, clip_img: Tensor, text: Tensor, t_img: Tensor,
                    t_text: Tensor, data_type: Optional[Tensor] = None):
        """What the blocks predict: noise, velocity or the clean stream, by ``prediction`` (training)."""
        c = self.config
        self._check_inputs(img, clip_img, text, t_img, t_text, data_type)
        b, g = img.shape[0], img.shape[1]
        w = c.width
        patches = self.patch_embed(img.flatten(0, 1))
        clip_tok = self.clip_img_embed(clip_img.flatten(0, 1))
        text_tok = self.text_embed(text.flatten(0, 1))
        t_img_tok = timestep_embedding(t_img.flatten(0, 1), w).unsqueeze(1).to(patches.dtype)
        t_text_tok = timestep_embedding(t_text.flatten(0, 1), w).unsqueeze(1).to(patches.dtype)
        parts = [t_img_tok, t_text_tok]
        if self.token_embedding is not None:
            dt = self.token_embedding(data_type)  # [B, w], shared by the images of a group
            parts.append(dt[:, None, None, :].expand(-1, g, -1, -1).flatten(0, 1))
        parts += [text_tok, clip_tok, patches]
        x = torch.cat(parts, dim=1) + self._positions()
        x = x.reshape(b, g, c.tokens, w)
        if self.slot_embed is not None:
            x = x + self.slot_embed[:g][None, :, None, :]
        x = x.reshape(b, -1, w)

        allowed = group_attention_allowed(g, self.image_stream)
        skips = []
        for blk in self.in_blocks:
            x = blk(x, allowed)
            skips.append(x)
        x = self.mid_block(x, allowed)
        for blk in self.out_blocks:
            x = blk(x, allowed, skips.pop())
        x = self.norm(x).reshape(-1, c.tokens, w)

        s = c.text_start
        text_out = self.text_out(x[:, s:s + c.text_tokens])
        clip_out = self.clip_img_out(x[:, s + c.text_tokens:s + c.text_tokens + 1])
        img_out = self._unpatchify(self.decoder_pred(x[:, s + c.text_tokens + 1:]))
        return (img_out.reshape(img.shape), clip_out.reshape(clip_img.shape),
                text_out.reshape(text.shape))

    def _check_inputs(self, img, clip_img, text, t_img, t_text, data_type) -> None:
        if torch.jit.is_tracing():
            return
        c = self.config
        if img.dim() != 5 or tuple(img.shape[2:]) != (
                c.latent_channels, c.latent_height, c.latent_width):
            raise ValueError(f"img must be [B,G,{c.latent_channels},{c.latent_height},"
                             f"{c.latent_width}], got {list(img.shape)}")
        bg = tuple(img.shape[:2])
        expected = {"clip_img": (clip_img, (*bg, 1, c.clip_dim)),
                    "text": (text, (*bg, c.text_tokens, c.text_dim)),
                    "t_img": (t_img, bg), "t_text": (t_text, bg)}
        for name, (tensor, shape) in expected.items():
            if tuple(tensor.shape) != shape:
                raise ValueError(f"{name} must have shape {list(shape)}, got {list(tensor.shape)}")
        if c.use_data_type:
            if data_type is None or tuple(data_type.shape) != bg[:1]:
                raise ValueError(f"data_type must be an int tensor of shape [{bg[0]}], "
                                 f"got {None if data_type is None else list(data_type.shape)}")
        elif data_type is not None:
            raise ValueError("this U-ViT was configured without data_type; pass data_type=None")
        if c.slots > 0 and bg[1] > c.slots:
            raise ValueError(f"group size {bg[1]} exceeds the {c.slots} learned slots")
