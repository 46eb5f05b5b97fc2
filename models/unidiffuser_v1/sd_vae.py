"""Stable Diffusion's KL-f8 autoencoder in the key layout of the original ``autoencoder_kl.pth``.

Keys: ``encoder.*``, ``decoder.*``, ``quant_conv.*``, ``post_quant_conv.*``. The published sizes
are base width 128, multipliers (1, 2, 4, 4), two residual blocks per level, one self-attention
block in the middle, 4 latent channels, GroupNorm of 32 groups with eps 1e-6 and SiLU.
The encoder's moments are ``quant_conv(encoder(x))`` (mean, then log-variance); decoding is
``decoder(post_quant_conv(z))`` on an unscaled latent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

import torch.nn.functional as F
from torch import Tensor, nn

from .common import attention_fp32


@dataclass(frozen=True)
class SdVaeConfig:
    """Sizes of the autoencoder; the defaults are the published KL-f8 ones."""

    base_channels: int = 128
    channel_mult: Tuple[int, ...] = (1, 2, 4, 4)
    res_blocks: int = 2
    latent_channels: int = 4
    norm_groups: int = 32
    image_channels: int = 3

    @property
    def factor(self) -> int:
        """Downsampling factor (8 for the published model)."""
        return 2 ** (len(self.channel_mult) - 1)


def _norm(config: SdVaeConfig, ch: int, device=None) -> nn.GroupNorm:
    return nn.GroupNorm(config.norm_groups, ch, eps=1e-6, device=device)


class ResnetBlock(nn.Module):
    """norm-SiLU-conv twice plus a shortcut (1x1 ``nin_shortcut`` when the width changes)."""

    def __init__(self, config: SdVaeConfig, c_in: int, c_out: int, device=None) -> None:
        super().__init__()
        self.norm1 = _norm(config, c_in, device)
        self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1, device=device)
        self.norm2 = _norm(config, c_out, device)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1, device=device)
        self.nin_shortcut = nn.Conv2d(c_in, c_out, 1, device=device) if c_in != c_out else None

    def forward(self, x: Tensor) -> Tensor:
        """Residual block."""
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))
        return (x if self.nin_shortcut is None else self.nin_shortcut(x)) + h


class AttnBlock(nn.Module):
    """Single-head self-attention over the pixels with 1x1-conv q, k, v and ``proj_out``."""

    def __init__(self, config: SdVaeConfig, ch: int, device=None) -> None:
        super().__init__()
        self.norm = _norm(config, ch, device)
        self.q = nn.Conv2d(ch, ch, 1, device=device)
        self.k = nn.Conv2d(ch, ch, 1, device=device)
        self.v = nn.Conv2d(ch, ch, 1, device=device)
        self.proj_out = nn.Conv2d(ch, ch, 1, device=device)

    def forward(self, x: Tensor) -> Tensor:
        """x + proj_out(attention(norm(x)))."""
        b, c, hgt, wid = x.shape
        h = self.norm(x)
        q, k, v = (conv(h).flatten(2).transpose(1, 2) for conv in (self.q, self.k, self.v))
        out = attention_fp32(q, k, v).transpose(1, 2).reshape(b, c, hgt, wid)
        return x + self.proj_out(out)


class Downsample(nn.Module):
    """Stride-2 3x3 conv after padding one row and column at the bottom and right only."""

    def __init__(self, ch: int, device=None) -> None:
        super().__init__()
        self.conv = nn.Conv2d(ch, ch, 3, stride=2, padding=0, device=device)

    def forward(self, x: Tensor) -> Tensor:
        """Halve the resolution."""
        return self.conv(F.pad(x, (0, 1, 0, 1)))


class Upsample(nn.Module):
    """Nearest-neighbour x2 then a 3x3 conv."""

    def __init__(self, ch: int, device=None) -> None:
        super().__init__()
        self.conv = nn.Conv2d(ch, ch, 3, padding=1, device=device)

    def forward(self, x: Tensor) -> Tensor:
        """Double the resolution."""
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class _Mid(nn.Module):
    def __init__(self, config: SdVaeConfig, ch: int, device=None) -> None:
        super().__init__()
        self.block_1 = ResnetBlock(config, ch, ch, device)
        self.attn_1 = AttnBlock(config, ch, device)
        self.block_2 = ResnetBlock(config, ch, ch, device)

    def forward(self, x: Tensor) -> Tensor:
        return self.block_2(self.attn_1(self.block_1(x)))


class _Level(nn.Module):
    """One resolution level: ``block.{j}`` plus an optional ``downsample``/``upsample``."""

    def __init__(self, blocks, resample: nn.Module = None, name: str = "") -> None:
        super().__init__()
        self.block = nn.ModuleList(blocks)
        if resample is not None:
            setattr(self, name, resample)


class Encoder(nn.Module):
    """Image [B, 3, H, W] in [-1, 1] -> 2C channels at H/f x W/f (before ``quant_conv``)."""

    def __init__(self, config: SdVaeConfig, device=None) -> None:
        super().__init__()
        ch = config.base_channels
        mult = (1,) + tuple(config.channel_mult)
        self.conv_in = nn.Conv2d(config.image_channels, ch, 3, padding=1, device=device)
        levels = []
        last = len(config.channel_mult) - 1
        for i, m in enumerate(config.channel_mult):
            c_in, c_out = ch * mult[i], ch * m
            blocks = [ResnetBlock(config, c_in if j == 0 else c_out, c_out, device)
                      for j in range(config.res_blocks)]
            levels.append(_Level(blocks, Downsample(c_out, device) if i != last else None,
                                 "downsample"))
        self.down = nn.ModuleList(levels)
        top = ch * config.channel_mult[-1]
        self.mid = _Mid(config, top, device)
        self.norm_out = _norm(config, top, device)
        self.conv_out = nn.Conv2d(top, 2 * config.latent_channels, 3, padding=1, device=device)

    def forward(self, x: Tensor) -> Tensor:
        """Encode to raw moments."""
        h = self.conv_in(x)
        for level in self.down:
            for block in level.block:
                h = block(h)
            if hasattr(level, "downsample"):
                h = level.downsample(h)
        h = self.mid(h)
        return self.conv_out(F.silu(self.norm_out(h)))


class Decoder(nn.Module):
    """Latent [B, C, h, w] (after ``post_quant_conv``) -> image [B, 3, H, W]."""

    def __init__(self, config: SdVaeConfig, device=None) -> None:
        super().__init__()
        ch = config.base_channels
        top = ch * config.channel_mult[-1]
        self.conv_in = nn.Conv2d(config.latent_channels, top, 3, padding=1, device=device)
        self.mid = _Mid(config, top, device)
        levels = [None] * len(config.channel_mult)
        c_in = top
        # Levels are built from the lowest resolution up but stored by level index, as in the
        # original layout, so ``up.0`` is the full-resolution level.
        for i in reversed(range(len(config.channel_mult))):
            c_out = ch * config.channel_mult[i]
            blocks = [ResnetBlock(config, c_in if j == 0 else c_out, c_out, device)
                      for j in range(config.res_blocks + 1)]
            levels[i] = _Level(blocks, Upsample(c_out, device) if i != 0 else None, "upsample")
            c_in = c_out
        self.up = nn.ModuleList(levels)
        self.norm_out = _norm(config, ch * config.channel_mult[0], device)
        self.conv_out = nn.Conv2d(ch * config.channel_mult[0], config.image_channels, 3, padding=1,
                                  device=device)

    def forward(self, z: Tensor) -> Tensor:
        """Decode to pixels in about [-1, 1] (not clamped)."""
        h = self.mid(self.conv_in(z))
        for level in reversed(self.up):
            for block in level.block:
                h = block(h)
            if hasattr(level, "upsample"):
                h = level.upsample(h)
        return self.conv_out(F.silu(self.norm_out(h)))


class AutoencoderKL(nn.Module):
    """Encoder, decoder and the two 1x1 ``quant_conv``/``post_quant_conv`` layers."""

    def __init__(self, config: SdVaeConfig = SdVaeConfig(), device=None) -> None:
        super().__init__()
        self.config = config
        c = config.latent_channels
        self.encoder = Encoder(config, device)
        self.decoder = Decoder(config, device)
        self.quant_conv = nn.Conv2d(2 * c, 2 * c, 1, device=device)
        self.post_quant_conv = nn.Conv2d(c, c, 1, device=device)

    def moments(self, image: Tensor) -> Tensor:
        """Mean and log-variance [B, 2C, H/f, W/f] of an image in [-1, 1]."""
        return self.quant_conv(self.encoder(image))

    def decode(self, latent: Tensor) -> Tensor:
        """Image of an unscaled latent (already divided by the scaling factor)."""
        return self.decoder(self.post_quant_conv(latent))


class VaeEncoderOnnx(nn.Module):
    """Bundle component ``vae_encoder``: ``image`` -> ``moments``."""

    def __init__(self, vae: AutoencoderKL) -> None:
        super().__init__()
        self.vae = vae

    def forward(self, image: Tensor) -> Tensor:
        """Moments of the image."""
        return self.vae.moments(image)


class VaeDecoderOnnx(nn.Module):
    """Bundle component ``vae_decoder``: ``latent`` -> ``image``."""

    def __init__(self, vae: AutoencoderKL) -> None:
        super().__init__()
        self.vae = vae

    def forward(self, latent: Tensor) -> Tensor:
        """Image of the latent."""
        return self.vae.decode(latent)
