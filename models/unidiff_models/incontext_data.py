"""In-context data: the Java scene pool, its latents, and sequences of example pairs.

The pool comes from ``org.unidiff.shapes.cli.WriteInContextDataset`` (layout in
``InContextDatasetWriter``): ``images.npy`` uint8 [N * (1 + T), 64, 64, 3], per base scene n the
scene itself then its target under each of the T tasks listed in ``meta.json``. Latents are the
default bundle's VAE-encoder **mean** times ``scaling_factor`` (deterministic: a sampled latent
would add noise the Java runtime does not add when it encodes the examples with the mean).

``HELD_OUT`` must equal ``org.unidiff.shapes.incontext.InContextTask.HELD_OUT``; a test checks the
pool's ``meta.json`` against it and that no held-out task is ever sampled.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch
from torch import Tensor

HELD_OUT: Tuple[str, ...] = ("recolor:green", "shape:diamond", "move:top_right")


def transform_of(task: str) -> str:
    """The transform kind of a task id (``recolor:green`` -> ``recolor``)."""
    return task.split(":", 1)[0]


class InContextPool:
    """Images and task columns of one pool directory."""

    def __init__(self, root: Path) -> None:
        root = Path(root)
        for name in ("images.npy", "items.jsonl", "meta.json"):
            if not (root / name).is_file():
                raise FileNotFoundError(f"pool {root} lacks {name} (expected WriteInContextDataset output)")
        self.root = root
        self.meta = json.loads((root / "meta.json").read_text(encoding="utf-8"))
        if self.meta.get("kind") != "in-context":
            raise ValueError(f"{root / 'meta.json'} is not an in-context pool: kind {self.meta.get('kind')!r}")
        self.tasks: List[str] = list(self.meta["tasks"])
        self.scenes: List[dict] = []
        unchanged: List[set] = []
        with open(root / "items.jsonl", encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    raw = json.loads(line)
                    self.scenes.append(raw["scene"])
                    unchanged.append(set(raw["unchanged"]))
        self.images = np.load(root / "images.npy", mmap_mode="r")
        per = 1 + len(self.tasks)
        if self.images.shape[0] != len(self.scenes) * per:
            raise ValueError(f"{root}: {self.images.shape[0]} images for {len(self.scenes)} scenes x {per}")
        # changes[n, j]: task j changes scene n, so (scene, target) shows what the task does.
        self.changes = np.array([[t not in u for t in self.tasks] for u in unchanged], dtype=bool)

    @property
    def per_scene(self) -> int:
        """Images per base scene: the scene and one target per task."""
        return 1 + len(self.tasks)

    def image(self, scene: int, task: int = -1) -> np.ndarray:
        """uint8 [64, 64, 3]: the base scene (task -1) or its target under task column ``task``."""
        return np.asarray(self.images[scene * self.per_scene + 1 + task])


def object_masks(images: np.ndarray, cell: int, tolerance: int = 24, chunk: int = 4096) -> np.ndarray:
    """[N, H/cell, W/cell] bool: cells holding a pixel that differs from the image's background
    by more than ``tolerance`` in a channel. The background is the median colour of the image's
    border ring (a shape world image is one flat background and one object, which covers little
    of the border). ``images`` is [N, H, W, 3] uint8."""
    n, h, w, _ = images.shape
    out = np.empty((n, h // cell, w // cell), dtype=bool)
    for a in range(0, n, chunk):
        im = np.asarray(images[a:a + chunk]).astype(np.int16)
        ring = np.concatenate([im[:, 0], im[:, -1], im[:, 1:-1, 0], im[:, 1:-1, -1]], axis=1)   # [n, 2w+2h-4, 3]
        bg = np.median(ring, axis=1)                                                            # [n, 3]
        diff = (np.abs(im - bg[:, None, None, :]).max(axis=-1) > tolerance)                     # [n, h, w]
        out[a:a + chunk] = diff.reshape(len(im), h // cell, cell, w // cell, cell).any(axis=(2, 4))
    return out


def encode_pool(pool: InContextPool, encoder_onnx: Path, scaling_factor: float, batch: int = 256,
                threads: int = 2) -> np.ndarray:
    """Latents float32 [N, 1 + T, C, h, w] = scaling_factor * VAE mean, with onnxruntime."""
    import onnxruntime as ort  # only needed here, not by training from a cache

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    session = ort.InferenceSession(str(encoder_onnx), opts, providers=["CPUExecutionProvider"])
    total = pool.images.shape[0]
    chunks = []
    for start in range(0, total, batch):
        x = np.asarray(pool.images[start:start + batch], dtype=np.float32)
        x = x.transpose(0, 3, 1, 2) / 127.5 - 1.0
        moments = session.run(["moments"], {"image": x})[0]
        c = moments.shape[1] // 2
        chunks.append((moments[:, :c] * scaling_factor).astype(np.float32))
    lat = np.concatenate(chunks)
    return lat.reshape(len(pool.scenes), pool.per_scene, *lat.shape[1:])


class SequenceSampler:
    """Draws batches of clean sequences ``[in_1, out_1, ..., in_k, out_k, query, target]``.

    A sequence picks a transform kind uniformly, then one of its training arguments uniformly
    (so every kind weighs the same, whatever its number of arguments), then k + 1 distinct base
    scenes the task changes: k for the examples, one for the query.
    """

    def __init__(self, latents: Tensor, tasks: Sequence[str], changes: np.ndarray,
                 held_out: Sequence[str] = HELD_OUT, objects: Optional[Tensor] = None) -> None:
        self.latents = latents
        # [N, per_scene, h, w] bool: latent cells an object covers (object_masks), if weighted.
        self.objects = objects
        self.tasks = list(tasks)
        allowed = [j for j, t in enumerate(self.tasks) if t not in held_out]
        kinds: dict = {}
        for j in allowed:
            kinds.setdefault(transform_of(self.tasks[j]), []).append(j)
        self.kinds = [kinds[k] for k in sorted(kinds)]
        self.candidates = [np.flatnonzero(changes[:, j]) for j in range(len(self.tasks))]

    def draw_tasks(self, rng: np.random.Generator, batch: int) -> np.ndarray:
        """Task columns for ``batch`` sequences."""
        out = np.empty(batch, dtype=np.int64)
        for i in range(batch):
            kind = self.kinds[rng.integers(len(self.kinds))]
            out[i] = kind[rng.integers(len(kind))]
        return out

    def _draw(self, rng: np.random.Generator, batch: int, k: int):
        tasks = self.draw_tasks(rng, batch)
        scene_idx = np.empty((batch, k + 1), dtype=np.int64)
        for i, j in enumerate(tasks):
            scene_idx[i] = rng.choice(self.candidates[j], size=k + 1, replace=False)
        s = torch.from_numpy(scene_idx)
        col = torch.from_numpy(tasks + 1)[:, None].expand(batch, k + 1)
        return tasks, s, col

    def sample(self, rng: np.random.Generator, batch: int, k: int) -> Tuple[Tensor, np.ndarray]:
        """Clean frames [batch, 2k + 2, C, h, w] and the task column of each sequence."""
        tasks, s, col = self._draw(rng, batch, k)
        inputs = self.latents[s, 0]            # [B, k+1, C, h, w]
        targets = self.latents[s, col]         # [B, k+1, C, h, w]
        frames = torch.stack([inputs, targets], dim=2).flatten(1, 2)  # in_1, out_1, ..., query, target
        return frames, tasks

    def sample_with_objects(self, rng: np.random.Generator, batch: int, k: int):
        """Like ``sample`` (same draws), plus [batch, h, w] the cells covered by the object of the
        query or of the target (where the answer must draw, and where a moved object must go)."""
        if self.objects is None:
            raise ValueError("this sampler was made without object masks (SequenceSampler(objects=...))")
        tasks, s, col = self._draw(rng, batch, k)
        inputs = self.latents[s, 0]
        targets = self.latents[s, col]
        frames = torch.stack([inputs, targets], dim=2).flatten(1, 2)
        objects = self.objects[s[:, -1], 0] | self.objects[s[:, -1], col[:, -1]]
        return frames, tasks, objects
