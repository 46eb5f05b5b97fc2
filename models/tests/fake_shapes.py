"""A throwaway stand-in for the Java dataset writer, for smoke tests only.

It writes the same three files (images.npy, items.jsonl, meta.json) with crude squares and
circles and grammar-shaped captions; the real recipe trains on WriteDataset's output.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

COLORS = {"red": (220, 40, 40), "green": (40, 170, 70), "blue": (50, 90, 220)}
BACKGROUNDS = {"black": 0, "gray": 128, "white": 255}
SHAPES = ("circle", "square")
SIZES = {"small": 7, "large": 14}
POSITIONS = {"at the top left": (16, 16), "in the center": (32, 32),
             "at the bottom right": (48, 48)}


def _render(rng, size=64):
    bg, color, shape = rng.choice(list(BACKGROUNDS)), rng.choice(list(COLORS)), rng.choice(SHAPES)
    sz, pos = rng.choice(list(SIZES)), rng.choice(list(POSITIONS))
    img = np.full((size, size, 3), BACKGROUNDS[bg], dtype=np.uint8)
    cy, cx = POSITIONS[pos]
    r = SIZES[sz] // 2
    yy, xx = np.mgrid[0:size, 0:size]
    if shape == "circle":
        inside = (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r
    else:
        inside = (abs(yy - cy) <= r) & (abs(xx - cx) <= r)
    img[inside] = COLORS[color]
    return img, f"a {sz} {color} {shape} {pos} on a {bg} background"


def write_fake_dataset(out: Path, seed: int = 0, singles: int = 24, groups: int = 12,
                       variants: int = 2) -> Path:
    """Write a tiny dataset directory and return it."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    images, items = [], []
    for k in range(singles + groups):
        n = 1 if k < singles else int(rng.integers(2, 5))
        idx, caps = [], []
        for _ in range(n):
            img, cap = _render(rng)
            idx.append(len(images))
            images.append(img)
            caps.append(cap)
        short = [" ".join(c.split()[:3]) for c in caps]
        items.append({"images": idx, "captions": ([caps, short] * variants)[:variants],
                      "scenes": [{} for _ in idx]})
    np.save(out / "images.npy", np.stack(images))
    with open(out / "items.jsonl", "w", encoding="utf-8") as f:
        for item in items:
            f.write(json.dumps(item) + "\n")
    words = set("a at the top left in center bottom right on background".split())
    words |= set(COLORS) | set(BACKGROUNDS) | set(SHAPES) | set(SIZES)
    (out / "meta.json").write_text(json.dumps({"vocabulary": sorted(words)}), encoding="utf-8")
    return out
