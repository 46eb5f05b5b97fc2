"""Singlestep DPM-Solver with data prediction (unidiffuser-reference.md section 3), in float64.

The original UniDiffuser sampler: order 3 with the "fast" order plan, a time-uniform grid from
t = 1 to t = 0.001, no final denoising. Steps of order k consume k intervals of the grid; the
fractions r1, r2 of a step's lambda interval come from its inner grid points and the
intermediate times from inverting lambda, so the model sees ``1000 * t`` at (to rounding) the
grid points themselves. The same holds for the logSNR-uniform grid (``steps`` intervals uniform
in lambda), which ``solver-check.json`` also pins down.
"""

from __future__ import annotations

import math
from typing import Callable, List, Optional

import numpy as np

from .schedule import ContinuousVpSchedule

EpsFn = Callable[[np.ndarray, float], np.ndarray]
GRIDS = ("time_uniform", "logSNR")


def fast_orders(steps: int, order: int = 3) -> List[int]:
    """The "fast" plan: as many order-``order`` steps as fit, the remainder in lower orders."""
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    if order == 3:
        k = steps // 3 + 1
        rest = steps % 3
        if rest == 0:
            orders = [3] * (k - 2) + [2, 1]
        elif rest == 1:
            orders = [3] * (k - 1) + [1]
        else:
            orders = [3] * (k - 1) + [2]
    elif order == 2:
        orders = [2] * (steps // 2) + [1] * (steps % 2)
    elif order == 1:
        orders = [1] * steps
    else:
        raise ValueError(f"order must be 1, 2 or 3, got {order}")
    if sum(orders) != steps:
        raise AssertionError(f"order plan {orders} does not sum to {steps}")
    return orders


def _time_points(schedule: ContinuousVpSchedule, grid: str, t_start: float, t_end: float,
                 intervals: int) -> np.ndarray:
    if grid == "time_uniform":
        return np.linspace(t_start, t_end, intervals + 1, dtype=np.float64)
    if grid == "logSNR":
        lams = np.linspace(schedule.lam(t_start), schedule.lam(t_end), intervals + 1)
        return np.array([schedule.inverse_lambda(float(v)) for v in lams], dtype=np.float64)
    raise ValueError(f"grid must be one of {GRIDS}, got {grid!r}")


class DpmSolverSinglestep:
    """DPM-Solver (singlestep, data prediction) over a fixed order plan.

    ``sample(eps_fn, x)`` calls ``eps_fn(x, t)`` (the noise prediction at continuous time t)
    once per grid interval and returns the state at ``t_end``.
    """

    def __init__(self, schedule: ContinuousVpSchedule, steps: int, order: int = 3,
                 grid: str = "time_uniform", t_start: float = 1.0, t_end: float = 1e-3) -> None:
        if not 0.0 < t_end < t_start:
            raise ValueError(f"need 0 < t_end < t_start, got t_start={t_start}, t_end={t_end}")
        self.schedule = schedule
        self.steps = steps
        self.orders = fast_orders(steps, order)
        self.grid = grid
        full = _time_points(schedule, grid, t_start, t_end, steps)
        self.outer = full[np.cumsum([0] + self.orders)]
        self.evaluation_times: List[float] = []

    def sample(self, eps_fn: EpsFn, x: np.ndarray,
               on_evaluation: Optional[Callable[[int, float], None]] = None) -> np.ndarray:
        """Solve from ``t_start`` to ``t_end``; ``on_evaluation(i, t)`` hears of every model call."""
        sch = self.schedule
        x = np.asarray(x, dtype=np.float64).copy()
        self.evaluation_times = []

        def data(xv: np.ndarray, t: float) -> np.ndarray:
            if on_evaluation is not None:
                on_evaluation(len(self.evaluation_times), t)
            self.evaluation_times.append(t)
            eps = np.asarray(eps_fn(xv, t), dtype=np.float64)
            return (xv - sch.sigma(t) * eps) / sch.alpha(t)

        for i, k in enumerate(self.orders):
            s, t = float(self.outer[i]), float(self.outer[i + 1])
            inner = _time_points(sch, self.grid, s, t, k)
            lam_inner = [sch.lam(float(v)) for v in inner]
            h = lam_inner[-1] - lam_inner[0]
            r1 = (lam_inner[1] - lam_inner[0]) / h if k >= 2 else None
            r2 = (lam_inner[2] - lam_inner[0]) / h if k >= 3 else None
            x = self._step(data, x, s, t, k, r1, r2)
        return x

    def _step(self, data, x, s, t, order, r1, r2) -> np.ndarray:
        sch = self.schedule
        lam_s, lam_t = sch.lam(s), sch.lam(t)
        h = lam_t - lam_s
        sigma_s, sigma_t, alpha_t = sch.sigma(s), sch.sigma(t), sch.alpha(t)
        phi_1 = math.expm1(-h)
        d_s = data(x, s)
        if order == 1:
            return (sigma_t / sigma_s) * x - alpha_t * phi_1 * d_s
        s1 = sch.inverse_lambda(lam_s + r1 * h)
        sigma_s1, alpha_s1 = sch.sigma(s1), sch.alpha(s1)
        x_s1 = (sigma_s1 / sigma_s) * x - alpha_s1 * math.expm1(-r1 * h) * d_s
        d_s1 = data(x_s1, s1)
        if order == 2:
            return ((sigma_t / sigma_s) * x - alpha_t * phi_1 * d_s
                    - (0.5 / r1) * alpha_t * phi_1 * (d_s1 - d_s))
        s2 = sch.inverse_lambda(lam_s + r2 * h)
        sigma_s2, alpha_s2 = sch.sigma(s2), sch.alpha(s2)
        phi_12 = math.expm1(-r2 * h)
        phi_22 = phi_12 / (r2 * h) + 1.0
        phi_2 = phi_1 / h + 1.0
        x_s2 = ((sigma_s2 / sigma_s) * x - alpha_s2 * phi_12 * d_s
                + (r2 / r1) * alpha_s2 * phi_22 * (d_s1 - d_s))
        d_s2 = data(x_s2, s2)
        return ((sigma_t / sigma_s) * x - alpha_t * phi_1 * d_s
                + (1.0 / r2) * alpha_t * phi_2 * (d_s2 - d_s))
