"""Reader of the shapes dataset written by ``org.unidiff.shapes.cli.WriteDataset``.

Layout: ``images.npy`` uint8 (N, 64, 64, 3); ``items.jsonl`` one item per line with ``images``
(indices, 1 = single image, 2-4 = group), ``captions`` (per variant, one caption per image) and
``scenes``; ``meta.json`` with ``vocabulary``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List

import numpy as np
import torch
from torch import Tensor


@dataclass(frozen=True)
class Item:
    """One single image or group: image indices and caption variants (one caption per image)."""

    images: List[int]
    captions: List[List[str]]


class ShapesDataset:
    """Images, items and vocabulary of one dataset directory."""

    def __init__(self, root: Path) -> None:
        root = Path(root)
        for name in ("images.npy", "items.jsonl", "meta.json"):
            if not (root / name).is_file():
                raise FileNotFoundError(f"dataset {root} lacks {name} (expected WriteDataset output)")
        self.root = root
        self.images = np.load(root / "images.npy")
        if self.images.dtype != np.uint8 or self.images.ndim != 4 or self.images.shape[3] != 3:
            raise ValueError(f"{root / 'images.npy'} must be uint8 (N,H,W,3), "
                             f"got {self.images.dtype} {self.images.shape}")
        self.meta = json.loads((root / "meta.json").read_text(encoding="utf-8"))
        if "vocabulary" not in self.meta:
            raise ValueError(f"{root / 'meta.json'} lacks 'vocabulary'")
        self.items: List[Item] = []
        with open(root / "items.jsonl", encoding="utf-8") as f:
            for line_no, line in enumerate(f, 1):
                if not line.strip():
                    continue
                raw = json.loads(line)
                item = Item(images=[int(i) for i in raw["images"]],
                            captions=[[str(c) for c in v] for v in raw["captions"]])
                self._check(item, line_no)
                self.items.append(item)
        self.by_size: Dict[int, List[int]] = {}
        for i, item in enumerate(self.items):
            self.by_size.setdefault(len(item.images), []).append(i)

    def _check(self, item: Item, line_no: int) -> None:
        n = len(self.images)
        if not item.images or any(i < 0 or i >= n for i in item.images):
            raise ValueError(f"items.jsonl line {line_no}: image indices {item.images} "
                             f"must be non-empty and within 0..{n - 1}")
        if not item.captions or any(len(v) != len(item.images) for v in item.captions):
            raise ValueError(f"items.jsonl line {line_no}: every caption variant must have one "
                             f"caption per image ({len(item.images)})")

    @property
    def vocabulary(self) -> List[str]:
        """All words of the caption grammar."""
        return list(self.meta["vocabulary"])

    @property
    def image_size(self) -> int:
        """Side of the square images."""
        return int(self.images.shape[1])

    def pixels(self, indices) -> Tensor:
        """Images as float [n, 3, H, W] in [-1, 1]."""
        arr = self.images[np.asarray(indices)]
        return torch.from_numpy(arr).permute(0, 3, 1, 2).float().div(127.5).sub(1.0)

    def all_captions(self) -> List[str]:
        """Every distinct caption, sorted (for caching text latents)."""
        return sorted({c for item in self.items for v in item.captions for c in v})
