"""Caption beam search as unidiffuser-reference.md section 5 describes it.

Temperature 1; every candidate is ranked by its total log-probability divided by its length (the
end token counts); a finished beam stays with one continuation of cost 0, so it competes with
its frozen score; the search ends when every beam has finished or after ``max_new_tokens``.
Candidates are ranked with a stable sort over (beam order, token id), so equal scores keep the
earlier beam and the lower token id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, List, Sequence, Tuple

import numpy as np

# Prefixes (one list of ids per unfinished beam, all of one length) -> logits [beams, V].
NextLogits = Callable[[Sequence[Sequence[int]]], np.ndarray]


@dataclass(frozen=True)
class Hypothesis:
    """Generated ids (the end token included when finished) and their total log-probability."""

    tokens: Tuple[int, ...]
    log_prob: float
    finished: bool

    @property
    def score(self) -> float:
        """The ranking score: log-probability per token."""
        return self.log_prob / len(self.tokens)

    @property
    def content(self) -> Tuple[int, ...]:
        """The ids before the end token."""
        return self.tokens[:-1] if self.finished else self.tokens


def log_softmax64(logits: np.ndarray) -> np.ndarray:
    """Row-wise log-softmax in float64."""
    x = np.asarray(logits, dtype=np.float64)
    m = x.max(axis=-1, keepdims=True)
    return x - (m + np.log(np.exp(x - m).sum(axis=-1, keepdims=True)))


def beam_search(next_logits: NextLogits, beam_size: int, max_new_tokens: int,
                eos_id: int) -> List[Hypothesis]:
    """The final beams, best first."""
    if beam_size < 1 or max_new_tokens < 1:
        raise ValueError(f"beam_size and max_new_tokens must be >= 1, got {beam_size}, "
                         f"{max_new_tokens}")
    beams = [Hypothesis((), 0.0, False)]
    for _ in range(max_new_tokens):
        active = [h for h in beams if not h.finished]
        logp = log_softmax64(next_logits([list(h.tokens) for h in active]))
        if logp.shape[0] != len(active):
            raise ValueError(f"next_logits returned {logp.shape[0]} rows for "
                             f"{len(active)} prefixes")
        candidates = []
        row = 0
        for h in beams:
            if h.finished:
                candidates.append((h.score, h))
                continue
            for token, lp in enumerate(logp[row]):
                total = h.log_prob + float(lp)
                n = len(h.tokens) + 1
                grown = Hypothesis(h.tokens + (token,), total, token == eos_id)
                candidates.append((total / n, grown))
            row += 1
        candidates.sort(key=lambda c: -c[0])
        beams = [h for _, h in candidates[:beam_size]]
        if all(h.finished for h in beams):
            break
    return sorted(beams, key=lambda h: -h.score)
