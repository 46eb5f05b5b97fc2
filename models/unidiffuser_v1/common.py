"""Small pieces shared by the published architectures: fp32 attention and quick GELU."""

from __future__ import annotations

from typing import Optional

import torch
from torch import Tensor


def attention_fp32(q: Tensor, k: Tensor, v: Tensor, allowed: Optional[Tensor] = None) -> Tensor:
    """Softmax attention over [..., S, d] computed in float32, returned in ``q``'s dtype.

    Scores and softmax run in fp32 whatever the weights' precision, because fp16 attention
    overflows on long sequences (the UniDiffuser reference does the same). ``allowed`` is an
    optional boolean [S, S] mask (True = may attend).
    """
    scale = q.shape[-1] ** -0.5
    scores = (q.float() @ k.float().transpose(-2, -1)) * scale
    if allowed is not None:
        scores = scores.masked_fill(~allowed, float("-inf"))
    return (scores.softmax(dim=-1) @ v.float()).to(q.dtype)


def split_heads(x: Tensor, heads: int) -> Tensor:
    """[B, S, H*d] -> [B, H, S, d]."""
    b, s, w = x.shape
    return x.reshape(b, s, heads, w // heads).transpose(1, 2)


def merge_heads(x: Tensor) -> Tensor:
    """[B, H, S, d] -> [B, S, H*d]."""
    b, h, s, d = x.shape
    return x.transpose(1, 2).reshape(b, s, h * d)


def causal_allowed(length, device=None) -> Tensor:
    """Boolean [S, S], True where key j <= query i; built from ``arange`` so S stays dynamic."""
    idx = torch.arange(length, device=device)
    return idx[None, :] <= idx[:, None]


def quick_gelu(x: Tensor) -> Tensor:
    """CLIP's activation ``x * sigmoid(1.702 x)``."""
    return x * torch.sigmoid(1.702 * x)
