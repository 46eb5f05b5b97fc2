"""Per-sample streams of standard normal numbers: drawn and recorded, or replayed.

A stream's numbers depend only on how many it has handed out before, never on how requests
were split, exactly like the Java ``NoiseSource``; so a recording made here can be replayed by
the Java ``RecordedNoiseSource`` (and vice versa) number for number.
"""

from __future__ import annotations

from typing import List

import numpy as np


class RecordingStream:
    """Draws from numpy's PCG64 generator with ``seed`` and keeps every number it hands out.

    With ``float32`` (the default) each number is rounded to the nearest float32 before it is
    used, so a recording stored in 4 bytes per number replays exactly what was used.
    """

    def __init__(self, seed: int, float32: bool = True) -> None:
        self._rng = np.random.Generator(np.random.PCG64(seed))
        self._float32 = float32
        self._chunks: List[np.ndarray] = []

    def next(self, n: int) -> np.ndarray:
        """The next ``n`` numbers (float64)."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        out = self._rng.standard_normal(n)
        if self._float32:
            out = out.astype(np.float32).astype(np.float64)
        self._chunks.append(out)
        return out.copy()

    @property
    def used(self) -> int:
        """Numbers handed out so far."""
        return sum(len(c) for c in self._chunks)

    def recorded(self) -> np.ndarray:
        """Everything handed out, in order."""
        return np.concatenate(self._chunks) if self._chunks else np.zeros(0)


class ReplayStream:
    """Hands out recorded numbers in order; running out is an error, never a wrap-around."""

    def __init__(self, values, origin: str = "recorded noise") -> None:
        self._values = np.asarray(values, dtype=np.float64).reshape(-1)
        self._pos = 0
        self.origin = origin

    def next(self, n: int) -> np.ndarray:
        """The next ``n`` recorded numbers."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        if n > self.remaining:
            raise RuntimeError(f"{self.origin} exhausted: {n} numbers requested at position "
                               f"{self._pos} but only {len(self._values)} were recorded; the "
                               f"replayed draw order does not match the recording")
        out = self._values[self._pos:self._pos + n].copy()
        self._pos += n
        return out

    @property
    def used(self) -> int:
        """Numbers handed out so far."""
        return self._pos

    @property
    def remaining(self) -> int:
        """Recorded numbers not yet handed out."""
        return len(self._values) - self._pos
