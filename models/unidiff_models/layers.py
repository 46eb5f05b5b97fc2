"""Pre-LayerNorm causal transformer layers shared by the text encoder and the caption decoder."""

from __future__ import annotations

from torch import Tensor, nn
import torch


def causal_allowed(length, device=None) -> Tensor:
    """Boolean [S, S] matrix, True where query i may see key j (j <= i).

    Built from ``arange`` comparisons so that S stays dynamic in ONNX.
    """
    idx = torch.arange(length, device=device)
    return idx[None, :] <= idx[:, None]


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention with a fused qkv projection, computed in fp32."""

    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        if dim % heads != 0:
            raise ValueError(f"width {dim} must be divisible by heads {heads}")
        self.heads = heads
        self.head_dim = dim // heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: Tensor, allowed: Tensor) -> Tensor:
        """Attend over [B, S, dim] where ``allowed`` [S, S] is True."""
        b, s, d = x.shape
        qkv = self.qkv(x).reshape(b, s, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0].float(), qkv[1].float(), qkv[2].float()
        scores = (q @ k.transpose(-2, -1)) * (self.head_dim ** -0.5)
        scores = scores.masked_fill(~allowed, float("-inf"))
        out = (scores.softmax(dim=-1) @ v).to(x.dtype)
        return self.proj(out.transpose(1, 2).reshape(b, s, d))


class PreLnBlock(nn.Module):
    """``x + Attn(LN(x))`` then ``x + MLP(LN(x))`` as in GPT-2 and the CLIP text model."""

    def __init__(self, dim: int, heads: int, gelu: str = "none") -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(dim)
        self.attn = CausalSelfAttention(dim, heads)
        self.ln_2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(approximate=gelu),
                                 nn.Linear(4 * dim, dim))

    def forward(self, x: Tensor, allowed: Tensor) -> Tensor:
        """One block over [B, S, dim]."""
        x = x + self.attn(self.ln_1(x), allowed)
        return x + self.mlp(self.ln_2(x))
