"""CLIP ViT-B/32 image tower with projection, in the Hugging Face key layout.

Keys: ``vision_model.*`` (note the Hugging Face spelling ``pre_layrnorm``) and
``visual_projection.weight``. Published sizes: 224 px, 32 px patches (49 + 1 tokens), width 768,
12 layers, 12 heads, MLP 3072 with quick GELU, projection to 512 without bias. The embedding is
``visual_projection(post_layernorm(hidden[:, 0]))``, not normalised, as UniDiffuser uses it.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from .clip_text import ClipEncoder

#: Keys a Hugging Face CLIP checkpoint may hold that are not weights of the image tower.
VISION_IGNORED = ("vision_model.embeddings.position_ids",)


@dataclass(frozen=True)
class ClipVisionConfig:
    """Sizes of the image tower; defaults are ViT-B/32's."""

    image_size: int = 224
    patch_size: int = 32
    width: int = 768
    layers: int = 12
    heads: int = 12
    mlp: int = 3072
    projection_dim: int = 512
    eps: float = 1e-5

    @property
    def positions(self) -> int:
        """Patch tokens plus the class token."""
        return (self.image_size // self.patch_size) ** 2 + 1


class ClipVisionEmbeddings(nn.Module):
    """Class token, bias-free conv patchifier and learned positions."""

    def __init__(self, config: ClipVisionConfig, device=None) -> None:
        super().__init__()
        self.class_embedding = nn.Parameter(torch.zeros(config.width, device=device))
        self.patch_embedding = nn.Conv2d(3, config.width, config.patch_size,
                                         stride=config.patch_size, bias=False, device=device)
        self.position_embedding = nn.Embedding(config.positions, config.width, device=device)

    def forward(self, pixel_values: Tensor) -> Tensor:
        """[B, 3, S, S] -> [B, 1 + patches, W]."""
        patches = self.patch_embedding(pixel_values).flatten(2).transpose(1, 2)
        cls = self.class_embedding.to(patches.dtype).expand(patches.shape[0], 1, -1)
        return torch.cat([cls, patches], dim=1) + self.position_embedding.weight


class ClipVisionTransformer(nn.Module):
    """``embeddings``, ``pre_layrnorm``, ``encoder``, ``post_layernorm``."""

    def __init__(self, config: ClipVisionConfig, device=None) -> None:
        super().__init__()
        self.embeddings = ClipVisionEmbeddings(config, device)
        self.pre_layrnorm = nn.LayerNorm(config.width, eps=config.eps, device=device)
        self.encoder = ClipEncoder(config.width, config.heads, config.mlp, config.layers,
                                   config.eps, device)
        self.post_layernorm = nn.LayerNorm(config.width, eps=config.eps, device=device)

    def forward(self, pixel_values: Tensor) -> Tensor:
        """Pooled output: the class token after ``post_layernorm``, [B, W]."""
        x = self.encoder(self.pre_layrnorm(self.embeddings(pixel_values)))
        return self.post_layernorm(x[:, 0])


class ClipVisionModelWithProjection(nn.Module):
    """Image tower plus ``visual_projection``: normalised pixels -> embedding [B, 512]."""

    def __init__(self, config: ClipVisionConfig = ClipVisionConfig(), device=None) -> None:
        super().__init__()
        self.config = config
        self.vision_model = ClipVisionTransformer(config, device)
        self.visual_projection = nn.Linear(config.width, config.projection_dim, bias=False,
                                           device=device)

    def forward(self, pixel_values: Tensor) -> Tensor:
        """Unnormalised image embedding [B, projection_dim]."""
        if not torch.jit.is_tracing():
            s = self.config.image_size
            if pixel_values.dim() != 4 or tuple(pixel_values.shape[1:]) != (3, s, s):
                raise ValueError(f"pixel_values must be [B, 3, {s}, {s}], got "
                                 f"{list(pixel_values.shape)}")
        return self.visual_projection(self.vision_model(pixel_values))
