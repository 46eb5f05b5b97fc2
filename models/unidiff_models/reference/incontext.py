"""Python reference of the in-context family: the Java ``TaskPlan.inContext`` plan, Euler on the
manifest's grid, guidance and recorded noise, all as the Java side runs them.

* Plan (``TaskPlan.inContext(pairs, role)``): G = 2k + 2 slots; pass 0 (conditional) feeds the
  2k example frames and the query with ``role`` (CONDITION: clean latent at network time 0;
  RENOISE: ``(1 - t) ref + t n`` with fresh noise at ``1000 t``) and the target GENERATE; pass 1
  (unconditional, "examples dropped") turns the 2k example frames into MARGINALIZE (fresh N(0,1)
  at network time 1000) and keeps the query's role. Text is MARGINALIZE everywhere but this
  family has no text or CLIP parts (size 0), so it draws nothing.
* Schedule (``FlowMatchingSchedule(1000)``): ``x_t = (1 - t) x_0 + t n``, alpha = 1 - t,
  sigma = t, network time ``1000 t``; the network returns velocity.
* Euler (``EulerSolver``, velocity model): ``x <- x + (t_{i+1} - t_i) v(x, t_i)`` over the grid,
  noisy (1.0) to clean (0.0).
* Guidance (``GuidedJointModel``): ``v = c + s (c - u)``; s = 0 runs only pass 0.
* Noise per sample (``GuidedJointModel`` order): the initial target latent (C*h*w numbers), then
  at every evaluation, pass 0 then pass 1, slot by slot, C*h*w numbers for every RENOISE or
  MARGINALIZE frame.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .joint import GuidedJoint, JointSizes
from .plans import IMAGE, Plan, Role, _plan

# (img [R, G, C, h, w] float32, t_img [R, G] float32) -> velocity [R, G, C, h, w].
InContextNet = Callable[[np.ndarray, np.ndarray], np.ndarray]


class FlowSchedule:
    """The rectified-flow path of the Java ``FlowMatchingSchedule``."""

    def __init__(self, time_scale: float = 1000.0) -> None:
        self.time_scale = float(time_scale)

    def alpha(self, t: float) -> float:
        """1 - t."""
        return 1.0 - t

    def sigma(self, t: float) -> float:
        """t."""
        return t

    def network_time(self, t: float) -> float:
        """time_scale * t."""
        return self.time_scale * t

    @property
    def network_time_noise(self) -> float:
        """Network time of pure noise."""
        return self.time_scale


def in_context_plan(pairs: int, reference_role: Role = Role.CONDITION) -> Plan:
    """The Java ``TaskPlan.inContext(pairs, referenceRole)``."""
    if pairs < 1:
        raise ValueError(f"an in-context task needs at least 1 example pair, got {pairs}")
    if reference_role not in (Role.CONDITION, Role.RENOISE):
        raise ValueError(f"references are CONDITION or RENOISE, got {reference_role}")
    n = 2 * pairs + 2
    cond = [(reference_role, Role.MARGINALIZE)] * (n - 1) + [(Role.GENERATE, Role.MARGINALIZE)]
    unc = [(Role.MARGINALIZE, Role.MARGINALIZE)] * (2 * pairs) + cond[2 * pairs:]
    return _plan("in-context", [cond, unc], {(n - 1, IMAGE): 1})


def euler(fn: Callable[[np.ndarray, float], np.ndarray], x: np.ndarray, grid: Sequence[float]) -> np.ndarray:
    """Explicit Euler on ``grid`` (noisy to clean) for a velocity function, in float64."""
    x = np.asarray(x, dtype=np.float64).copy()
    for i in range(len(grid) - 1):
        s, t = float(grid[i]), float(grid[i + 1])
        v = fn(x, s)
        x = x + (t - s) * v
    return x


def _adapt(net: InContextNet):
    def joint_net(img, clip, text, t_img, t_text, data_type):
        out = np.asarray(net(img, t_img), dtype=np.float32)
        return out, clip, text
    return joint_net


def sample_in_context(net: InContextNet, examples: Sequence[tuple], query: np.ndarray, streams: Sequence,
                      grid: Sequence[float], guidance: float,
                      reference_role: Role = Role.CONDITION, latent_shape=(4, 16, 16)) -> np.ndarray:
    """Generate the target latent for every noise stream (one per sample).

    ``examples`` are (input latent, output latent) pairs and ``query`` a latent, all [C, h, w]
    (already scaled by the VAE's scaling factor); returns float64 [N, C, h, w].
    """
    k = len(examples)
    plan = in_context_plan(k, reference_role)
    c, h, w = latent_shape
    sizes = JointSizes(channels=c, height=h, width=w, clip_dim=0, text_tokens=0, text_dim=0)
    givens = {}
    for i, (a, b) in enumerate(examples):
        givens[(2 * i, IMAGE)] = np.asarray(a, np.float64).reshape(-1)
        givens[(2 * i + 1, IMAGE)] = np.asarray(b, np.float64).reshape(-1)
    givens[(2 * k, IMAGE)] = np.asarray(query, np.float64).reshape(-1)
    model = GuidedJoint(plan, sizes, FlowSchedule(), _adapt(net), guidance, streams, givens)
    x = euler(model, model.initial_state(), grid)
    return x.reshape(len(streams), c, h, w)


def torch_net(module) -> InContextNet:
    """Wrap a PyTorch ``InContextTransformer`` as an :data:`InContextNet` (no grad, float32)."""
    import torch

    def run(img: np.ndarray, t_img: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return module(torch.from_numpy(np.ascontiguousarray(img, np.float32)),
                          torch.from_numpy(np.ascontiguousarray(t_img, np.float32))).numpy()
    return run


def onnx_net(path, threads: int = 2) -> InContextNet:
    """Wrap the bundle's transformer ONNX file as an :data:`InContextNet`."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])

    def run(img: np.ndarray, t_img: np.ndarray) -> np.ndarray:
        return session.run(["img_out"], {"img": np.ascontiguousarray(img, np.float32),
                                         "t_img": np.ascontiguousarray(t_img, np.float32)})[0]
    return run
