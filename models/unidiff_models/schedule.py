"""The UniDiffuser training schedule: scaled-linear betas over 1000 discrete steps."""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

BETA_START = 0.00085
BETA_END = 0.012
TRAIN_STEPS = 1000


def alphas_cumprod(beta_start: float = BETA_START, beta_end: float = BETA_END,
                   steps: int = TRAIN_STEPS) -> np.ndarray:
    """``prod(1 - beta)`` for betas ``linspace(sqrt(start), sqrt(end), steps) ** 2`` (float64)."""
    betas = np.linspace(np.sqrt(beta_start), np.sqrt(beta_end), steps, dtype=np.float64) ** 2
    return np.cumprod(1.0 - betas)


class NoiseSchedule:
    """Forward diffusion at network timesteps n in {0..1000}; n = 0 is clean data.

    Timestep n >= 1 uses ``alphas_cumprod[n - 1]``, as the reference does.
    """

    def __init__(self, steps: int = TRAIN_STEPS) -> None:
        ac = alphas_cumprod(steps=steps)
        self.steps = steps
        # Index 0 is the clean level: alpha = 1, sigma = 0.
        padded = np.concatenate([[1.0], ac])
        self.sqrt_ac = torch.tensor(np.sqrt(padded), dtype=torch.float32)
        self.sqrt_1m_ac = torch.tensor(np.sqrt(1.0 - padded), dtype=torch.float32)

    def add_noise(self, x0: Tensor, noise: Tensor, n: Tensor) -> Tensor:
        """``sqrt(ac) x0 + sqrt(1 - ac) noise`` with integer timesteps ``n`` broadcast from the left.

        ``n`` has the leading shape of ``x0`` (e.g. [B, G]); its entries lie in 0..steps.
        """
        a, s = self._coefficients(n, x0)
        return a * x0 + s * noise

    def velocity(self, x0: Tensor, noise: Tensor, n: Tensor) -> Tensor:
        """The velocity target ``sqrt(ac) noise - sqrt(1 - ac) x0`` (same conventions as add_noise)."""
        a, s = self._coefficients(n, x0)
        return a * noise - s * x0

    def _coefficients(self, n: Tensor, like: Tensor):
        """``sqrt(ac)`` and ``sqrt(1 - ac)`` at ``n``, shaped to broadcast over ``like``."""
        if n.dtype not in (torch.int64, torch.int32):
            raise ValueError(f"timesteps must be integers, got {n.dtype}")
        if int(n.min()) < 0 or int(n.max()) > self.steps:
            raise ValueError(f"timesteps must lie in 0..{self.steps}, got {int(n.min())}..{int(n.max())}")
        shape = tuple(n.shape) + (1,) * (like.dim() - n.dim())
        return (self.sqrt_ac.to(like.device)[n].reshape(shape),
                self.sqrt_1m_ac.to(like.device)[n].reshape(shape))
