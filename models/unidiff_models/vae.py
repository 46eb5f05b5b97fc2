"""Small KL autoencoder: RGB in [-1, 1] -> latent moments (mean, log-variance) -> RGB.

Same interface as Stable Diffusion's KL VAE: the encoder returns 2C channels (mean, then
log-variance), the decoder takes an unscaled latent and returns [-1, 1] (not clamped).
Each downsampling halves the resolution; ``downsamples`` = 2 gives f4 (64 px -> 16 x 16).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn


@dataclass(frozen=True)
class VaeConfig:
    """Sizes of the autoencoder."""

    image_size: int = 64
    latent_channels: int = 4
    base_channels: int = 32
    downsamples: int = 2

    @property
    def latent_size(self) -> int:
        """Side of the latent grid."""
        return self.image_size // (2 ** self.downsamples)

    def to_dict(self) -> dict:
        """The config as plain JSON-serialisable values."""
        return dict(self.__dict__)


def _norm(ch: int) -> nn.GroupNorm:
    return nn.GroupNorm(min(8, ch), ch)


class ResBlock(nn.Module):
    """GroupNorm-SiLU-conv twice, with a residual connection."""

    def __init__(self, ch: int) -> None:
        super().__init__()
        self.norm1 = _norm(ch)
        self.conv1 = nn.Conv2d(ch, ch, 3, padding=1)
        self.norm2 = _norm(ch)
        self.conv2 = nn.Conv2d(ch, ch, 3, padding=1)

    def forward(self, x: Tensor) -> Tensor:
        """x + conv(silu(norm(conv(silu(norm(x))))))."""
        h = self.conv1(F.silu(self.norm1(x)))
        return x + self.conv2(F.silu(self.norm2(h)))


def _channels(config: VaeConfig, level: int) -> int:
    return config.base_channels * (2 if level > 0 else 1)


class Encoder(nn.Module):
    """Image [B, 3, H, W] -> moments [B, 2C, H/f, W/f]."""

    def __init__(self, config: VaeConfig) -> None:
        super().__init__()
        layers = [nn.Conv2d(3, _channels(config, 0), 3, padding=1)]
        for level in range(config.downsamples):
            ch = _channels(config, level)
            layers += [ResBlock(ch), nn.Conv2d(ch, _channels(config, level + 1), 3, stride=2,
                                               padding=1)]
        ch = _channels(config, config.downsamples)
        layers += [ResBlock(ch), _norm(ch), nn.SiLU(),
                   nn.Conv2d(ch, 2 * config.latent_channels, 3, padding=1)]
        self.net = nn.Sequential(*layers)

    def forward(self, image: Tensor) -> Tensor:
        """Latent moments: the first C channels are the mean, the rest the log-variance."""
        return self.net(image)


class Decoder(nn.Module):
    """Latent [B, C, h, w] (unscaled) -> image [B, 3, H, W] in about [-1, 1]."""

    def __init__(self, config: VaeConfig) -> None:
        super().__init__()
        ch = _channels(config, config.downsamples)
        layers = [nn.Conv2d(config.latent_channels, ch, 3, padding=1), ResBlock(ch)]
        for level in reversed(range(config.downsamples)):
            out = _channels(config, level)
            layers += [nn.Upsample(scale_factor=2.0, mode="nearest"),
                       nn.Conv2d(_channels(config, level + 1), out, 3, padding=1), ResBlock(out)]
        layers += [_norm(_channels(config, 0)), nn.SiLU(),
                   nn.Conv2d(_channels(config, 0), 3, 3, padding=1)]
        self.net = nn.Sequential(*layers)

    def forward(self, latent: Tensor) -> Tensor:
        """Decode an unscaled latent."""
        return self.net(latent)


class Vae(nn.Module):
    """Encoder and decoder with the reference's sampling rule and log-variance clamp."""

    def __init__(self, config: VaeConfig) -> None:
        super().__init__()
        self.config = config
        self.encoder = Encoder(config)
        self.decoder = Decoder(config)

    def moments(self, image: Tensor) -> Tensor:
        """Mean and log-variance, concatenated on channels."""
        return self.encoder(image)

    @staticmethod
    def sample(moments: Tensor, noise: Tensor) -> Tensor:
        """``mean + exp(0.5 * clamp(logvar, -30, 20)) * noise`` (unscaled latent)."""
        mean, logvar = moments.chunk(2, dim=1)
        return mean + torch.exp(0.5 * logvar.clamp(-30.0, 20.0)) * noise

    def loss(self, image: Tensor, noise: Tensor, kl_weight: float):
        """Reconstruction (L1 + MSE) plus a weighted KL to N(0, I); returns (loss, rec, kl)."""
        moments = self.moments(image)
        recon = self.decoder(self.sample(moments, noise))
        rec = F.l1_loss(recon, image) + F.mse_loss(recon, image)
        mean, logvar = moments.chunk(2, dim=1)
        logvar = logvar.clamp(-30.0, 20.0)
        kl = 0.5 * torch.mean(mean ** 2 + logvar.exp() - 1.0 - logvar)
        return rec + kl_weight * kl, rec, kl
