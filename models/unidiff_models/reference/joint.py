"""A task plan run for N samples as one noise-prediction function of a flat float64 state.

Layouts, as the Java ``GuidedJointModel`` documents them (and as make_goldens records them):

* State: for sample n, for slot g, the generated parts in the order image latent (C*h*w,
  row-major), CLIP token (Dc), text latent (L*Dt); every sample's segment has the same length.
* Batch: rows are pass-major (row ``p * N + n`` is pass p of sample n); with guidance scale 0
  only pass 0 runs. Every model evaluation is one batched network call.
* Noise: sample n draws only from its own stream: first its whole initial state, then at every
  evaluation, for each active pass, for each slot, for image then text, the parts whose role
  draws noise (image: latent then CLIP; text: the text latent).
* Guidance: ``eps = c + s (c - u)`` for a generated part with a counterpart pass u, else c.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .plans import IMAGE, STREAMS, TEXT, Plan, Role
from .schedule import ContinuousVpSchedule

LATENT, CLIP, TEXT_PART = "latent", "clip", "text"
PARTS = ((LATENT, IMAGE), (CLIP, IMAGE), (TEXT_PART, TEXT))

# (img [R,G,C,h,w], clip [R,G,1,Dc], text [R,G,L,Dt], t_img [R,G], t_text [R,G], data_type [R] or
# None), all float32 but data_type int64 -> the three noise predictions, float32.
NetFn = Callable[..., Tuple[np.ndarray, np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class JointSizes:
    """Tensor sizes of one slot."""

    channels: int
    height: int
    width: int
    clip_dim: int
    text_tokens: int
    text_dim: int

    @property
    def latent_size(self) -> int:
        """C * h * w."""
        return self.channels * self.height * self.width

    @property
    def text_size(self) -> int:
        """L * Dt."""
        return self.text_tokens * self.text_dim

    def part_size(self, part: str) -> int:
        """Values of one part of one slot."""
        return {LATENT: self.latent_size, CLIP: self.clip_dim, TEXT_PART: self.text_size}[part]

    def stream_size(self, stream: str) -> int:
        """Values of a stream: latent then CLIP for the image, the text latent for text."""
        return self.latent_size + self.clip_dim if stream == IMAGE else self.text_size

    def part_offset_in_stream(self, part: str) -> int:
        """Where a part starts inside its stream's value."""
        return self.latent_size if part == CLIP else 0


class GuidedJoint:
    """Runs ``plan`` with classifier-free guidance for one noise stream per sample.

    ``givens`` maps (slot, stream) to a value of the stream's size (shared by every sample) or
    an [N, size] array (one per sample); ``empty_text`` is the empty prompt's latent for
    :attr:`Role.EMPTY`. Streams need a ``next(n)`` method returning float64 numbers.
    """

    def __init__(self, plan: Plan, sizes: JointSizes, schedule: ContinuousVpSchedule, net: NetFn,
                 guidance: float, streams: Sequence, givens: Optional[Dict] = None,
                 empty_text: Optional[np.ndarray] = None, data_type: Optional[int] = None) -> None:
        if not guidance >= 0 or not np.isfinite(guidance):
            raise ValueError(f"guidance scale must be finite and >= 0, got {guidance}")
        if not streams:
            raise ValueError("need one noise stream per sample, got none")
        self.plan, self.sizes, self.schedule, self.net = plan, sizes, schedule, net
        self.guidance = float(guidance)
        self.streams = list(streams)
        self.samples = len(self.streams)
        self.active_passes = 1 if self.guidance == 0 else len(plan.passes)
        self.data_type = data_type
        self.empty_text = None if empty_text is None else np.asarray(empty_text, np.float64)
        self.givens = self._check_givens(givens or {})
        self.offsets: Dict[Tuple[int, str], int] = {}
        offset = 0
        for g in range(plan.group_size):
            for part, stream in PARTS:
                if plan.generates(g, stream):
                    self.offsets[(g, part)] = offset
                    offset += sizes.part_size(part)
        self.sample_length = offset
        self.evaluations = 0

    def _check_givens(self, givens: Dict) -> Dict:
        out = {}
        for g in range(self.plan.group_size):
            for stream in STREAMS:
                reads = [self.plan.role(p, g, stream) in (Role.CONDITION, Role.RENOISE)
                         for p in range(len(self.plan.passes))]
                if any(reads[:self.active_passes]) and (g, stream) not in givens:
                    raise ValueError(f"plan {self.plan.name!r} reads a given value for slot {g} "
                                     f"{stream} but none was given")
                if (g, stream) in givens and any(reads):
                    v = np.asarray(givens[(g, stream)], dtype=np.float64)
                    size = self.sizes.stream_size(stream)
                    if v.shape == (size,):
                        v = np.broadcast_to(v, (self.samples, size))
                    if v.shape != (self.samples, size):
                        raise ValueError(f"slot {g} {stream}: expected [{size}] or "
                                         f"[{self.samples}, {size}] values, got {list(v.shape)}")
                    out[(g, stream)] = v
        for key in givens:
            if key not in out:
                raise ValueError(f"a value was given for {key} but plan {self.plan.name!r} "
                                 f"never reads it")
        return out

    def initial_state(self) -> np.ndarray:
        """Each sample's segment from its own stream, in state layout order."""
        return np.concatenate([s.next(self.sample_length) for s in self.streams])

    def split(self, state: np.ndarray) -> List[List[Dict[str, np.ndarray]]]:
        """Per sample, per slot: the generated parts (latent [C,h,w], clip [1,Dc], text [L,Dt])."""
        z = self.sizes
        shapes = {LATENT: (z.channels, z.height, z.width), CLIP: (1, z.clip_dim),
                  TEXT_PART: (z.text_tokens, z.text_dim)}
        out = []
        for n in range(self.samples):
            slots = []
            for g in range(self.plan.group_size):
                parts = {}
                for part, _ in PARTS:
                    if (g, part) in self.offsets:
                        at = n * self.sample_length + self.offsets[(g, part)]
                        parts[part] = state[at:at + z.part_size(part)].reshape(shapes[part])
                slots.append(parts)
            out.append(slots)
        return out

    def __call__(self, x: np.ndarray, t: float) -> np.ndarray:
        """The guided noise prediction of the whole state at continuous time t."""
        if x.shape != (self.samples * self.sample_length,):
            raise ValueError(f"state has shape {x.shape}, expected "
                             f"({self.samples * self.sample_length},)")
        inputs = self._inputs(x, t)
        outs = [np.asarray(o, dtype=np.float32) for o in self.net(*inputs)]
        self.evaluations += 1
        return self._combine(outs, t)

    def _value(self, role: Role, x, n, g, part, stream, alpha, sigma) -> np.ndarray:
        size = self.sizes.part_size(part)
        if role is Role.GENERATE:
            at = n * self.sample_length + self.offsets[(g, part)]
            return x[at:at + size]
        inner = self.sizes.part_offset_in_stream(part)
        if role is Role.CONDITION:
            return self.givens[(g, stream)][n, inner:inner + size]
        if role is Role.EMPTY:
            if stream != TEXT or self.empty_text is None:
                raise ValueError(f"slot {g} {stream} is EMPTY but no empty text latent was given")
            return self.empty_text
        noise = self.streams[n].next(size)
        if role is Role.MARGINALIZE:
            return noise
        return alpha * self.givens[(g, stream)][n, inner:inner + size] + sigma * noise

    def _inputs(self, x: np.ndarray, t: float):
        z, g_size = self.sizes, self.plan.group_size
        rows = self.active_passes * self.samples
        arrays = {LATENT: np.zeros((rows, g_size, z.channels, z.height, z.width), np.float32),
                  CLIP: np.zeros((rows, g_size, 1, z.clip_dim), np.float32),
                  TEXT_PART: np.zeros((rows, g_size, z.text_tokens, z.text_dim), np.float32)}
        times = {IMAGE: np.zeros((rows, g_size), np.float32),
                 TEXT: np.zeros((rows, g_size), np.float32)}
        t_now = np.float32(self.schedule.network_time(t))
        t_noise = np.float32(self.schedule.network_time_noise)
        alpha, sigma = self.schedule.alpha(t), self.schedule.sigma(t)
        for p in range(self.active_passes):
            for n in range(self.samples):
                row = p * self.samples + n
                for g in range(g_size):
                    for stream in STREAMS:
                        role = self.plan.role(p, g, stream)
                        if role in (Role.GENERATE, Role.RENOISE):
                            times[stream][row, g] = t_now
                        elif role is Role.MARGINALIZE:
                            times[stream][row, g] = t_noise
                        for part, part_stream in PARTS:
                            if part_stream != stream:
                                continue
                            v = self._value(role, x, n, g, part, stream, alpha, sigma)
                            arrays[part][row, g] = np.asarray(v, np.float64).astype(
                                np.float32).reshape(arrays[part].shape[2:])
        data_type = None
        if self.data_type is not None:
            data_type = np.full((rows,), self.data_type, dtype=np.int64)
        return (arrays[LATENT], arrays[CLIP], arrays[TEXT_PART], times[IMAGE], times[TEXT],
                data_type)

    def _combine(self, outs: List[np.ndarray], t: float) -> np.ndarray:
        by_part = dict(zip((LATENT, CLIP, TEXT_PART), outs))
        result = np.zeros(self.samples * self.sample_length, dtype=np.float64)
        for n in range(self.samples):
            for (g, part), offset in self.offsets.items():
                stream = IMAGE if part in (LATENT, CLIP) else TEXT
                c = by_part[part][n, g].astype(np.float64).reshape(-1)
                counterpart = self.plan.guidance.get((g, stream))
                if self.guidance > 0 and counterpart is not None:
                    u = by_part[part][counterpart * self.samples + n, g]
                    u = u.astype(np.float64).reshape(-1)
                    c = c + self.guidance * (c - u)
                if not np.all(np.isfinite(c)):
                    raise FloatingPointError(f"non-finite {part} prediction for sample {n}, "
                                             f"slot {g} "
                                             f"at t = {t} (evaluation {self.evaluations})")
                at = n * self.sample_length + offset
                result[at:at + c.size] = c
        return result
