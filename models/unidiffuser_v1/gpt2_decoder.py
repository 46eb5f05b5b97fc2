"""UniDiffuser's caption decoder: GPT-2 small plus the ``encode_prefix``/``decode_prefix`` pair.

Key layout of ``caption_decoder.pth`` (a DataParallel save, hence ``module.``):
``module.gpt.transformer.{wte,wpe,h.{i}.*,ln_f}``, ``module.gpt.lm_head.weight`` (tied to
``wte``), ``module.encode_prefix`` (Linear 768 -> 64) and ``module.decode_prefix``
(Linear 64 -> 768). The GPT-2 projections are "Conv1D" layers whose weights are stored
[in, out], the transpose of ``nn.Linear``. Published sizes: 12 layers, 12 heads, width 768,
1024 positions, vocabulary 50,258 (GPT-2's 50,257 plus ``<|EOS|>``), tanh-approximated GELU,
LayerNorm eps 1e-5.

Generation feeds ``decode_prefix(text_latent)`` as L prefix embeddings at positions 0..L-1; the
first caption token is predicted at the last prefix position and later tokens follow at L, L+1...
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .common import attention_fp32, causal_allowed, merge_heads, split_heads

#: Names (after removing ``module.``) in ``caption_decoder.pth`` that are not decoder weights:
#: the reference saved its CLIP model beside the decoder and ignores it on load, and older
#: transformers versions stored each layer's causal-mask buffers.
CAPTION_IGNORED_PREFIXES = ("clip",)
CAPTION_IGNORED_SUFFIXES = (".attn.bias", ".attn.masked_bias")


@dataclass(frozen=True)
class Gpt2Config:
    """Sizes of the caption decoder; defaults are UniDiffuser v1's."""

    vocab_size: int = 50258
    positions: int = 1024
    width: int = 768
    layers: int = 12
    heads: int = 12
    prefix_dim: int = 64
    clip_width: int = 768
    eps: float = 1e-5


class Conv1D(nn.Module):
    """GPT-2's dense layer: ``x @ weight + bias`` with ``weight`` stored [in, out]."""

    def __init__(self, c_in: int, c_out: int, device=None) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(c_in, c_out, device=device))
        self.bias = nn.Parameter(torch.zeros(c_out, device=device))

    def forward(self, x: Tensor) -> Tensor:
        """Affine map of the last axis."""
        return x @ self.weight + self.bias


class Gpt2Attention(nn.Module):
    """Causal self-attention with a fused ``c_attn`` ([q | k | v]) and ``c_proj``."""

    def __init__(self, width: int, heads: int, device=None) -> None:
        super().__init__()
        self.heads = heads
        self.c_attn = Conv1D(width, 3 * width, device)
        self.c_proj = Conv1D(width, width, device)

    def forward(self, x: Tensor, allowed: Tensor) -> Tensor:
        """Attend over [B, S, W]."""
        q, k, v = self.c_attn(x).chunk(3, dim=-1)
        q, k, v = (split_heads(t, self.heads) for t in (q, k, v))
        return self.c_proj(merge_heads(attention_fp32(q, k, v, allowed)))


class Gpt2Mlp(nn.Module):
    """``c_proj(gelu_tanh(c_fc(x)))``."""

    def __init__(self, width: int, device=None) -> None:
        super().__init__()
        self.c_fc = Conv1D(width, 4 * width, device)
        self.c_proj = Conv1D(4 * width, width, device)

    def forward(self, x: Tensor) -> Tensor:
        """Apply the MLP."""
        return self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))


class Gpt2Block(nn.Module):
    """Pre-LN block ``h.{i}``."""

    def __init__(self, config: Gpt2Config, device=None) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.width, eps=config.eps, device=device)
        self.attn = Gpt2Attention(config.width, config.heads, device)
        self.ln_2 = nn.LayerNorm(config.width, eps=config.eps, device=device)
        self.mlp = Gpt2Mlp(config.width, device)

    def forward(self, x: Tensor, allowed: Tensor) -> Tensor:
        """One block."""
        x = x + self.attn(self.ln_1(x), allowed)
        return x + self.mlp(self.ln_2(x))


class Gpt2Model(nn.Module):
    """``wte``, ``wpe``, ``h``, ``ln_f``; runs on input embeddings."""

    def __init__(self, config: Gpt2Config, device=None) -> None:
        super().__init__()
        self.wte = nn.Embedding(config.vocab_size, config.width, device=device)
        self.wpe = nn.Embedding(config.positions, config.width, device=device)
        self.h = nn.ModuleList([Gpt2Block(config, device) for _ in range(config.layers)])
        self.ln_f = nn.LayerNorm(config.width, eps=config.eps, device=device)

    def forward(self, embeds: Tensor) -> Tensor:
        """Embeddings [B, S, W] at positions 0..S-1 -> final hidden states [B, S, W]."""
        length = embeds.shape[1]
        x = embeds + self.wpe.weight[:length]
        allowed = causal_allowed(length, embeds.device)
        for block in self.h:
            x = block(x, allowed)
        return self.ln_f(x)


class Gpt2LMHead(nn.Module):
    """``transformer`` plus the bias-free ``lm_head`` tied to ``transformer.wte``."""

    def __init__(self, config: Gpt2Config, device=None) -> None:
        super().__init__()
        self.transformer = Gpt2Model(config, device)
        self.lm_head = nn.Linear(config.width, config.vocab_size, bias=False, device=device)
        self.lm_head.weight = self.transformer.wte.weight


class CaptionDecoder(nn.Module):
    """The caption model of ``caption_decoder.pth`` (without its ``module.`` prefix)."""

    def __init__(self, config: Gpt2Config = Gpt2Config(), device=None) -> None:
        super().__init__()
        self.config = config
        self.gpt = Gpt2LMHead(config, device)
        self.encode_prefix = nn.Linear(config.clip_width, config.prefix_dim, device=device)
        self.decode_prefix = nn.Linear(config.prefix_dim, config.width, device=device)

    def logits(self, text_latent: Tensor, tokens: Tensor) -> Tensor:
        """Next-token logits [B, 1 + T, V] after the last prefix position and each token.

        Entry 0 predicts the first caption token from the prefix alone; entry i > 0 predicts
        the token after ``tokens[:, :i]``.
        """
        if not torch.jit.is_tracing():
            total = text_latent.shape[1] + tokens.shape[1]
            if total > self.config.positions:
                raise ValueError(f"prefix of {text_latent.shape[1]} plus {tokens.shape[1]} tokens "
                                 f"exceeds the decoder's {self.config.positions} positions")
        prefix = self.decode_prefix(text_latent)
        embeds = torch.cat([prefix, self.gpt.transformer.wte(tokens)], dim=1)
        hidden = self.gpt.transformer(embeds)
        return self.gpt.lm_head(hidden[:, text_latent.shape[1] - 1:])


def caption_state(raw: dict) -> dict:
    """The decoder's entries of a ``caption_decoder.pth`` state dict: ``module.`` removed,
    the saved CLIP model and the causal-mask buffers dropped."""
    out = {}
    for key, value in raw.items():
        name = key[len("module."):] if key.startswith("module.") else key
        if name.startswith(CAPTION_IGNORED_PREFIXES) or name.endswith(CAPTION_IGNORED_SUFFIXES):
            continue
        out[name] = value
    return out


class TextDecoderOnnx(nn.Module):
    """Bundle component ``text_decoder``: (``text_latent``, ``input_ids``) -> ``logits``.

    The 64 -> 768 ``decode_prefix`` expansion is folded in. The runtime's convention (see its
    ``TextDecoder``): there is no start token and ``logits[:, i]`` is the distribution of token i
    given the prefix and tokens 0..i-1, read at the sequence position before token i (the last
    prefix position for i = 0), so the last input id is a placeholder that is never read. This
    is exactly the reference, which predicts the first caption token from the prefix alone.
    """

    def __init__(self, decoder: CaptionDecoder) -> None:
        super().__init__()
        self.decoder = decoder

    def forward(self, text_latent: Tensor, input_ids: Tensor) -> Tensor:
        """Text latent [B, L, Dt], ids [B, T] (T >= 1) -> logits [B, T, V]."""
        return self.decoder.logits(text_latent, input_ids[:, :-1])
