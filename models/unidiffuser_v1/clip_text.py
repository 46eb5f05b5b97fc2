"""CLIP ViT-L/14 text model in the Hugging Face ``CLIPTextModel`` key layout (``text_model.*``).

Pre-LayerNorm causal transformer: 12 layers, width 768, 12 heads, MLP 3072 with quick GELU,
77 learned positions, vocabulary 49,408, LayerNorm eps 1e-5. UniDiffuser uses the last hidden
state after ``final_layer_norm`` for all 77 positions, with no attention mask besides the
causal one (padding tokens are attended to, as in the reference).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from .common import attention_fp32, causal_allowed, merge_heads, quick_gelu, split_heads

#: Keys a Hugging Face CLIP text checkpoint may hold that are not weights (a cached arange).
TEXT_IGNORED = ("text_model.embeddings.position_ids",)


@dataclass(frozen=True)
class ClipTextConfig:
    """Sizes of the text tower; defaults are ViT-L/14's."""

    vocab_size: int = 49408
    width: int = 768
    layers: int = 12
    heads: int = 12
    mlp: int = 3072
    positions: int = 77
    eps: float = 1e-5


class ClipAttention(nn.Module):
    """Multi-head attention with separate ``q_proj``, ``k_proj``, ``v_proj``, ``out_proj``."""

    def __init__(self, width: int, heads: int, device=None) -> None:
        super().__init__()
        self.heads = heads
        self.q_proj = nn.Linear(width, width, device=device)
        self.k_proj = nn.Linear(width, width, device=device)
        self.v_proj = nn.Linear(width, width, device=device)
        self.out_proj = nn.Linear(width, width, device=device)

    def forward(self, x: Tensor, allowed=None) -> Tensor:
        """Attend over [B, S, W]."""
        q, k, v = (split_heads(p(x), self.heads) for p in (self.q_proj, self.k_proj, self.v_proj))
        return self.out_proj(merge_heads(attention_fp32(q, k, v, allowed)))


class ClipMlp(nn.Module):
    """``fc2(quick_gelu(fc1(x)))``."""

    def __init__(self, width: int, hidden: int, device=None) -> None:
        super().__init__()
        self.fc1 = nn.Linear(width, hidden, device=device)
        self.fc2 = nn.Linear(hidden, width, device=device)

    def forward(self, x: Tensor) -> Tensor:
        """Apply the MLP."""
        return self.fc2(quick_gelu(self.fc1(x)))


class ClipEncoderLayer(nn.Module):
    """Pre-LN block: ``x + attn(ln1(x))`` then ``x + mlp(ln2(x))``."""

    def __init__(self, width: int, heads: int, mlp: int, eps: float, device=None) -> None:
        super().__init__()
        self.self_attn = ClipAttention(width, heads, device)
        self.layer_norm1 = nn.LayerNorm(width, eps=eps, device=device)
        self.mlp = ClipMlp(width, mlp, device)
        self.layer_norm2 = nn.LayerNorm(width, eps=eps, device=device)

    def forward(self, x: Tensor, allowed=None) -> Tensor:
        """One block."""
        x = x + self.self_attn(self.layer_norm1(x), allowed)
        return x + self.mlp(self.layer_norm2(x))


class ClipEncoder(nn.Module):
    """The stack ``layers.{i}``."""

    def __init__(self, width: int, heads: int, mlp: int, depth: int, eps: float,
                 device=None) -> None:
        super().__init__()
        self.layers = nn.ModuleList(
            [ClipEncoderLayer(width, heads, mlp, eps, device) for _ in range(depth)])

    def forward(self, x: Tensor, allowed=None) -> Tensor:
        """All blocks."""
        for layer in self.layers:
            x = layer(x, allowed)
        return x


class ClipTextEmbeddings(nn.Module):
    """Token plus learned position embeddings."""

    def __init__(self, config: ClipTextConfig, device=None) -> None:
        super().__init__()
        self.token_embedding = nn.Embedding(config.vocab_size, config.width, device=device)
        self.position_embedding = nn.Embedding(config.positions, config.width, device=device)

    def forward(self, input_ids: Tensor) -> Tensor:
        """[B, L] ids -> [B, L, W]."""
        return self.token_embedding(input_ids) + self.position_embedding.weight[:input_ids.shape[1]]


class ClipTextTransformer(nn.Module):
    """``embeddings``, ``encoder`` and ``final_layer_norm``."""

    def __init__(self, config: ClipTextConfig, device=None) -> None:
        super().__init__()
        self.embeddings = ClipTextEmbeddings(config, device)
        self.encoder = ClipEncoder(config.width, config.heads, config.mlp, config.layers,
                                   config.eps, device)
        self.final_layer_norm = nn.LayerNorm(config.width, eps=config.eps, device=device)

    def forward(self, input_ids: Tensor) -> Tensor:
        """Last hidden state [B, L, W] after the final LayerNorm."""
        x = self.embeddings(input_ids)
        x = self.encoder(x, causal_allowed(input_ids.shape[1], input_ids.device))
        return self.final_layer_norm(x)


class ClipTextModel(nn.Module):
    """Hugging Face ``CLIPTextModel``: everything under ``text_model``."""

    def __init__(self, config: ClipTextConfig = ClipTextConfig(), device=None) -> None:
        super().__init__()
        self.config = config
        self.text_model = ClipTextTransformer(config, device)

    def forward(self, input_ids: Tensor) -> Tensor:
        """Last hidden state [B, L, W]."""
        if not torch.jit.is_tracing() and input_ids.shape[1] > self.config.positions:
            raise ValueError(f"input_ids has {input_ids.shape[1]} tokens, the model has "
                             f"{self.config.positions} positions")
        return self.text_model(input_ids)


class TextEncoderOnnx(nn.Module):
    """Bundle component ``text_encoder``: ``input_ids`` -> ``encode_prefix(hidden)``.

    The caption decoder's 768 -> 64 reduction is folded in so the bundle's text latent is what
    the joint transformer consumes.
    """

    def __init__(self, clip: ClipTextModel, encode_prefix: nn.Linear) -> None:
        super().__init__()
        self.clip = clip
        self.encode_prefix = encode_prefix

    def forward(self, input_ids: Tensor) -> Tensor:
        """Token ids [B, L] -> text latent [B, L, Dt]."""
        return self.encode_prefix(self.clip(input_ids))
