"""Writes the in-context bundle: transformer ONNX, the default model's VAE files, ``unidiff.json``.

The transformer is traced with the contract's input names ``img`` [B, G, C, h, w] and ``t_img``
[B, G] (network time, ``time_scale * t``) and output ``img_out`` [B, G, C, h, w] (velocity of every
frame); B and G are dynamic. The manifest's new fields are described in ``models/incontext/README.md``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import List

import torch
from torch import nn

from .export import export_onnx
from .incontext import InContextTransformer

# LaVin-DiT's 20-point grid in its own convention (t = 0 noise, t = 1 data).
LAVIN_GRID_20 = (0.0, 0.0056, 0.0111, 0.0167, 0.0222, 0.0278, 0.0333, 0.0389, 0.0444, 0.05,
                 0.0524, 0.073, 0.1148, 0.1777, 0.2618, 0.3671, 0.4936, 0.6412, 0.81, 1.0)
# The same grid in the library's convention (FlowMatchingSchedule: t = 1 noise, t = 0 data),
# t_ours = 1 - t_lavin, written out as decimal literals so that Java and Python parse the very
# same doubles (computing 1 - 0.0056 in binary floating point would give 0.99439999...).
GRID_20 = (1.0, 0.9944, 0.9889, 0.9833, 0.9778, 0.9722, 0.9667, 0.9611, 0.9556, 0.95,
           0.9476, 0.927, 0.8852, 0.8223, 0.7382, 0.6329, 0.5064, 0.3588, 0.19, 0.0)
GRID_NAME = "lavin-dit-20"
FAMILY = "in-context"
TASKS = ("in-context",)
# LaVin-DiT's published scale 1.5 in its form u + s (c - u) is s = 0.5 in the library's form
# c + s (c - u); the benchmark's k x guidance table shows the others (docs/quality-in-context.md).
DEFAULT_GUIDANCE = 0.5


class InContextTransformerExport(nn.Module):
    """``(img, t_img) -> img_out``."""

    def __init__(self, model: InContextTransformer) -> None:
        super().__init__()
        self.model = model

    def forward(self, img, t_img):
        """Delegate."""
        return self.model(img, t_img)


def export_transformer(model: InContextTransformer, path: Path):
    """Trace the transformer to ``path``; returns the ONNX model proto (weights not loaded)."""
    c = model.config
    gen = torch.Generator().manual_seed(0)
    # B = 2 and G = 6 differ from each other and from every fixed size, so the tracer keeps both dynamic.
    img = torch.randn(2, 6, c.latent_channels, c.latent_size, c.latent_size, generator=gen)
    t_img = torch.rand(2, 6, generator=gen) * c.time_scale
    dyn = {"img": {0: "B", 1: "G"}, "t_img": {0: "B", 1: "G"}, "img_out": {0: "B", 1: "G"}}
    return export_onnx(InContextTransformerExport(model.eval()), [img, t_img], path, ["img", "t_img"],
                       ["img_out"], dyn)


def manifest(model: InContextTransformer, vae_manifest: dict, name: str = "unidiff-shapes-incontext",
             guidance: float = DEFAULT_GUIDANCE) -> dict:
    """The bundle's ``unidiff.json`` as a dict; image and latent come from the VAE's bundle."""
    c = model.config
    return {
        "format": "unidiff-bundle",
        "version": 1,
        "name": name,
        "license": "Apache-2.0",
        "family": FAMILY,
        "tasks": list(TASKS),
        "image": dict(vae_manifest["image"]),
        "latent": dict(vae_manifest["latent"]),
        # The grid is listed (the exact decimals Python and Java both read); it is LaVin-DiT's, by name
        # "lavin-dit-20" in the Java runtime. group.max_size is the most frames (2 per pair, query, answer).
        "schedule": {"type": "flow", "train_steps": int(c.time_scale), "prediction": "velocity",
                     "grid": list(GRID_20)},
        "group": {"max_size": c.max_frames},
        "defaults": {"sampler": "euler", "steps": len(GRID_20) - 1, "guidance_scale": guidance},
        "components": {
            "transformer": {"path": "transformer/model.onnx", "precision": "fp32"},
            "vae_encoder": {"path": "vae_encoder/model.onnx", "precision": "fp32"},
            "vae_decoder": {"path": "vae_decoder/model.onnx", "precision": "fp32"},
        },
    }


def export_bundle(model: InContextTransformer, vae_bundle: Path, out: Path,
                  guidance: float = DEFAULT_GUIDANCE) -> dict:
    """Write ``out/transformer/model.onnx``, copy the VAE files of ``vae_bundle``, write the manifest."""
    out = Path(out)
    vae_bundle = Path(vae_bundle)
    export_transformer(model, out / "transformer" / "model.onnx")
    for part in ("vae_encoder", "vae_decoder"):
        (out / part).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(vae_bundle / part / "model.onnx", out / part / "model.onnx")
    vae_manifest = json.loads((vae_bundle / "unidiff.json").read_text(encoding="utf-8"))
    m = manifest(model, vae_manifest, guidance=guidance)
    (out / "unidiff.json").write_text(json.dumps(m, indent=2) + "\n", encoding="utf-8")
    return m


def grid_from_manifest(m: dict) -> List[float]:
    """The Euler grid (library convention, noisy to clean) of a manifest's defaults."""
    return [float(x) for x in m["schedule"]["grid"]]
