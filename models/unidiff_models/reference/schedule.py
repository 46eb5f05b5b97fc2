"""The discrete VP schedule seen in continuous time (unidiffuser-reference.md section 2), float64."""

from __future__ import annotations

import math

import numpy as np


def _interp_extrapolated(x: float, xs: np.ndarray, ys: np.ndarray) -> float:
    """Piecewise-linear y(x) through increasing ``xs``; the end segments extend linearly."""
    i = int(np.searchsorted(xs, x, side="right")) - 1
    i = min(max(i, 0), len(xs) - 2)
    w = (x - xs[i]) / (xs[i + 1] - xs[i])
    return float(ys[i] + w * (ys[i + 1] - ys[i]))


class ContinuousVpSchedule:
    """``log alpha(t)`` interpolated over ``t_n = (n + 1) / N`` from ``0.5 * cumsum(log(1 - beta))``.

    The network timestep of continuous time t is ``N * t`` (no rounding); 0 means clean data.
    """

    def __init__(self, beta_start: float = 0.00085, beta_end: float = 0.012,
                 train_steps: int = 1000) -> None:
        if train_steps < 2:
            raise ValueError(f"train_steps must be >= 2, got {train_steps}")
        betas = np.linspace(math.sqrt(beta_start), math.sqrt(beta_end), train_steps,
                            dtype=np.float64) ** 2
        self.train_steps = train_steps
        self.alphas_cumprod = np.cumprod(1.0 - betas)
        self.grid_t = np.arange(1, train_steps + 1, dtype=np.float64) / train_steps
        self.grid_log_alpha = 0.5 * np.cumsum(np.log1p(-betas))
        # Reversed copies: log alpha decreases with t, and inversion needs increasing abscissae.
        self._rev_log_alpha = self.grid_log_alpha[::-1].copy()
        self._rev_t = self.grid_t[::-1].copy()

    @staticmethod
    def from_manifest(schedule: dict) -> "ContinuousVpSchedule":
        """The schedule a bundle manifest's ``schedule`` object describes."""
        if schedule.get("type") != "vp-discrete" or schedule.get("beta_schedule") != "scaled_linear":
            raise ValueError(f"only the vp-discrete scaled_linear schedule is supported, "
                             f"got {schedule}")
        if schedule.get("prediction", "epsilon") != "epsilon":
            raise ValueError(f"only epsilon prediction is supported, "
                             f"got {schedule.get('prediction')}")
        return ContinuousVpSchedule(schedule["beta_start"], schedule["beta_end"],
                                    schedule["train_steps"])

    def log_alpha(self, t: float) -> float:
        """``log alpha(t)``."""
        return _interp_extrapolated(t, self.grid_t, self.grid_log_alpha)

    def alpha(self, t: float) -> float:
        """Signal coefficient."""
        return math.exp(self.log_alpha(t))

    def sigma(self, t: float) -> float:
        """Noise coefficient ``sqrt(1 - alpha^2)``."""
        return math.sqrt(-math.expm1(2.0 * self.log_alpha(t)))

    def lam(self, t: float) -> float:
        """Half log-SNR ``log alpha - log sigma``."""
        la = self.log_alpha(t)
        return la - 0.5 * math.log(-math.expm1(2.0 * la))

    def inverse_lambda(self, lam: float) -> float:
        """The t with ``lam(t) == lam``: ``log alpha = -0.5 logaddexp(0, -2 lam)``, then back to t."""
        la = -0.5 * float(np.logaddexp(0.0, -2.0 * lam))
        return _interp_extrapolated(la, self._rev_log_alpha, self._rev_t)

    def network_time(self, t: float) -> float:
        """The timestep the network is fed for continuous time t."""
        return self.train_steps * t

    @property
    def network_time_noise(self) -> float:
        """The timestep of pure noise (an absent modality)."""
        return float(self.train_steps)
