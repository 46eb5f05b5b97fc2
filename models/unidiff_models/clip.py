"""A small CLIP: image encoder and word-level text encoder trained contrastively.

The text encoder returns its last hidden states (after the final LayerNorm) as the reference's
CLIP text model does; the contrastive head pools the [EOS] position and projects it.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .layers import PreLnBlock, causal_allowed


@dataclass(frozen=True)
class ClipConfig:
    """Sizes of both towers; ``embed_dim`` is the CLIP image embedding width (Dc)."""

    image_size: int = 64
    embed_dim: int = 64
    image_channels: int = 32
    vocab_size: int = 64
    text_tokens: int = 16
    text_width: int = 128
    text_layers: int = 3
    text_heads: int = 4

    def to_dict(self) -> dict:
        """The config as plain JSON-serialisable values."""
        return dict(self.__dict__)


class ImageEncoder(nn.Module):
    """Strided CNN, flattened (positions matter in the shapes world) then projected to Dc.

    ``output_scale`` (a buffer) rescales the unnormalised embedding to about unit variance for
    the diffusion model; the contrastive loss normalises and does not see it.
    """

    def __init__(self, config: ClipConfig) -> None:
        super().__init__()
        ch = config.image_channels
        layers, c_in, size = [], 3, config.image_size
        for c_out in (ch, 2 * ch, 4 * ch, 4 * ch):
            layers += [nn.Conv2d(c_in, c_out, 3, stride=2, padding=1), nn.GroupNorm(8, c_out),
                       nn.GELU()]
            c_in, size = c_out, size // 2
        self.features = nn.Sequential(*layers)
        self.proj = nn.Linear(c_in * size * size, config.embed_dim)
        self.register_buffer("output_scale", torch.ones(()))

    def forward(self, pixel_values: Tensor) -> Tensor:
        """Normalised pixels [B, 3, S, S] -> embedding [B, Dc]."""
        return self.proj(self.features(pixel_values).flatten(1)) * self.output_scale


class TextEncoder(nn.Module):
    """Causal pre-LN transformer over word ids; returns last hidden states [B, L, W]."""

    def __init__(self, config: ClipConfig) -> None:
        super().__init__()
        w = config.text_width
        self.token_embedding = nn.Embedding(config.vocab_size, w)
        self.position_embedding = nn.Parameter(torch.randn(config.text_tokens, w) * 0.01)
        self.layers = nn.ModuleList(
            [PreLnBlock(w, config.text_heads) for _ in range(config.text_layers)])
        self.final_layer_norm = nn.LayerNorm(w)

    def forward(self, input_ids: Tensor) -> Tensor:
        """Token ids [B, L] -> hidden states [B, L, W]; L is fixed (the padded prompt length)."""
        if not torch.jit.is_tracing() and input_ids.shape[1] != self.position_embedding.shape[0]:
            raise ValueError(f"input_ids must be [B, {self.position_embedding.shape[0]}] "
                             f"(padded), got {list(input_ids.shape)}")
        x = self.token_embedding(input_ids) + self.position_embedding
        allowed = causal_allowed(input_ids.shape[1], input_ids.device)
        for layer in self.layers:
            x = layer(x, allowed)
        return self.final_layer_norm(x)


class Clip(nn.Module):
    """Both towers plus the text projection and the learned temperature."""

    def __init__(self, config: ClipConfig, eos_id: int) -> None:
        super().__init__()
        self.config = config
        self.eos_id = eos_id
        self.image_encoder = ImageEncoder(config)
        self.text_encoder = TextEncoder(config)
        self.text_projection = nn.Linear(config.text_width, config.embed_dim, bias=False)
        self.logit_scale = nn.Parameter(torch.tensor(2.659))  # ln(1 / 0.07), CLIP's start

    def text_embeds(self, input_ids: Tensor) -> Tensor:
        """Projected hidden state at each sequence's [EOS]."""
        hidden = self.text_encoder(input_ids)
        eos_pos = (input_ids == self.eos_id).float().argmax(dim=1)
        return self.text_projection(hidden[torch.arange(hidden.shape[0]), eos_pos])

    def loss(self, pixel_values: Tensor, input_ids: Tensor, same_caption: Tensor) -> Tensor:
        """Symmetric InfoNCE; ``same_caption`` [B, B] marks pairs with identical captions.

        Partial captions repeat inside a batch, so every image whose caption equals the row's
        counts as a positive (targets spread evenly) instead of punishing true matches.
        """
        img = F.normalize(self.image_encoder(pixel_values), dim=-1)
        txt = F.normalize(self.text_embeds(input_ids), dim=-1)
        logits = self.logit_scale.clamp(max=4.6052).exp() * img @ txt.t()
        target = same_caption.float() / same_caption.float().sum(dim=1, keepdim=True)
        loss_i = torch.sum(-target * F.log_softmax(logits, dim=1), dim=1).mean()
        loss_t = torch.sum(-target * F.log_softmax(logits.t(), dim=1), dim=1).mean()
        return 0.5 * (loss_i + loss_t)
