"""Text-latent reduction and the caption decoder (a small GPT with prefix embeddings).

As in UniDiffuser, ``encode_prefix`` reduces the text encoder's hidden states to the text latent
the diffusion model works on, and ``decode_prefix`` lifts a text latent back to the GPT width as
prefix embeddings; generated tokens follow the L prefix positions.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .layers import PreLnBlock, causal_allowed


@dataclass(frozen=True)
class CaptionConfig:
    """Sizes of the reduction and of the GPT."""

    text_width: int = 128
    text_tokens: int = 16
    text_dim: int = 32
    vocab_size: int = 64
    width: int = 128
    layers: int = 3
    heads: int = 4
    max_new_tokens: int = 20

    @property
    def positions(self) -> int:
        """Prefix positions plus the generated tokens."""
        return self.text_tokens + self.max_new_tokens

    def to_dict(self) -> dict:
        """The config as plain JSON-serialisable values."""
        return dict(self.__dict__)


class TextReduction(nn.Module):
    """Linear(W -> Dt) followed by a LayerNorm without parameters.

    The parameter-free LayerNorm pins every latent token to zero mean and unit variance, which
    is the scale the diffusion model expects and keeps the decoder's noise augmentation
    meaningful (the reduction cannot simply grow to drown it).
    """

    def __init__(self, config: CaptionConfig) -> None:
        super().__init__()
        self.encode_prefix = nn.Linear(config.text_width, config.text_dim)
        self.text_dim = config.text_dim
        # Fixed unit scale and zero shift: ONNX's LayerNormalization requires a scale input.
        self.register_buffer("unit", torch.ones(config.text_dim), persistent=False)
        self.register_buffer("zero", torch.zeros(config.text_dim), persistent=False)

    def forward(self, hidden: Tensor) -> Tensor:
        """Hidden states [B, L, W] -> text latent [B, L, Dt]."""
        return F.layer_norm(self.encode_prefix(hidden), (self.text_dim,), self.unit, self.zero)


class CaptionDecoder(nn.Module):
    """GPT over ``[decode_prefix(latent) x L, tokens x T]``, as UniDiffuser's caption decoder.

    ``logits[:, i]`` is the distribution of token i: it is read at the sequence position just
    before token i (the last prefix position for token 0), so it sees the prefix and the tokens
    before i only, and the last input token is never read. There is no start token.
    """

    def __init__(self, config: CaptionConfig) -> None:
        super().__init__()
        self.config = config
        w = config.width
        self.decode_prefix = nn.Linear(config.text_dim, w)
        self.wte = nn.Embedding(config.vocab_size, w)
        self.wpe = nn.Parameter(torch.randn(config.positions, w) * 0.01)
        self.h = nn.ModuleList([PreLnBlock(w, config.heads, gelu="tanh")
                                for _ in range(config.layers)])
        self.ln_f = nn.LayerNorm(w)
        self.lm_head = nn.Linear(w, config.vocab_size, bias=False)

    def forward(self, text_latent: Tensor, input_ids: Tensor) -> Tensor:
        """Text latent [B, L, Dt] and token ids [B, T] -> logits [B, T, V] (token i's at i)."""
        prefix = self.decode_prefix(text_latent)
        x = torch.cat([prefix, self.wte(input_ids)], dim=1)
        length = x.shape[1]
        x = x + self.wpe[:length]
        allowed = causal_allowed(length, x.device)
        for block in self.h:
            x = block(x, allowed)
        return self.lm_head(self.ln_f(x[:, text_latent.shape[1] - 1:-1]))

    def loss(self, text_latent: Tensor, input_ids: Tensor, ignore_index: int) -> Tensor:
        """Cross entropy of every token given the prefix and the tokens before it.

        ``input_ids`` are the caption's words then [EOS], padded with ``ignore_index``.
        """
        logits = self.forward(text_latent, input_ids)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), input_ids.reshape(-1),
                               ignore_index=ignore_index)


@torch.no_grad()
def greedy_decode(decoder: CaptionDecoder, text_latent: Tensor, eos_id: int,
                  max_new_tokens: int) -> list:
    """Greedy captions (token id lists, without [EOS]) using the runtime's calling convention.

    Each call passes the tokens chosen so far plus one placeholder and reads ``logits[:, i]``,
    the distribution of token i, exactly as the runtime drives the exported decoder.
    """
    b = text_latent.shape[0]
    tokens = torch.zeros(b, 0, dtype=torch.long, device=text_latent.device)
    done = torch.zeros(b, dtype=torch.bool, device=text_latent.device)
    for i in range(max_new_tokens):
        placeholder = torch.zeros(b, 1, dtype=torch.long, device=text_latent.device)
        logits = decoder(text_latent, torch.cat([tokens, placeholder], dim=1))
        nxt = logits[:, i].argmax(dim=-1)
        nxt = torch.where(done, torch.full_like(nxt, eos_id), nxt)
        tokens = torch.cat([tokens, nxt[:, None]], dim=1)
        done |= nxt == eos_id
        if bool(done.all()):
            break
    out = []
    for row in tokens.tolist():
        out.append(row[:row.index(eos_id)] if eos_id in row else row)
    return out
