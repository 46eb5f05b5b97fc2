"""Writes a model bundle (bundle-contract.md): six ONNX files, two tokenizers and ``unidiff.json``.

Each component is traced through a thin wrapper whose argument and result names are the
contract's; batch is dynamic everywhere, the group size G in the transformer and the token count
T in the text decoder. Models above ``EXTERNAL_DATA_BYTES`` keep their weights in
``model.onnx.data`` (the full-size UniDiffuser transformer needs this; protobuf stops at 2 GB).
"""

from __future__ import annotations

import inspect
import json
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import onnx
import torch
from torch import Tensor, nn

from .onnx_files import save_model
from .optimize import rewrite_bundle_transformer
from .recipe import Components
from .schedule import BETA_END, BETA_START, TRAIN_STEPS

LOG = logging.getLogger(__name__)
OPSET = 17
EXTERNAL_DATA_BYTES = 1 << 30
CLIP_MEAN = (0.5, 0.5, 0.5)
CLIP_STD = (0.5, 0.5, 0.5)


class TransformerExport(nn.Module):
    """``(img, clip_img, text, t_img, t_text[, data_type]) -> (img_out, clip_img_out, text_out)``."""

    def __init__(self, uvit: nn.Module) -> None:
        super().__init__()
        self.uvit = uvit

    def forward(self, img: Tensor, clip_img: Tensor, text: Tensor, t_img: Tensor, t_text: Tensor,
                data_type: Optional[Tensor] = None):
        """Delegate to the U-ViT."""
        return self.uvit(img, clip_img, text, t_img, t_text, data_type)


class TextEncoderExport(nn.Module):
    """``input_ids -> text_latent``: the text encoder with the width reduction folded in."""

    def __init__(self, text_encoder: nn.Module, reduction: nn.Module) -> None:
        super().__init__()
        self.text_encoder = text_encoder
        self.reduction = reduction

    def forward(self, input_ids: Tensor) -> Tensor:
        """Hidden states reduced to the text latent."""
        return self.reduction(self.text_encoder(input_ids))


def export_onnx(module: nn.Module, args: Sequence[Tensor], path: Path, inputs: List[str],
                outputs: List[str], dynamic: Dict[str, Dict[int, str]]) -> onnx.ModelProto:
    """Trace ``module`` to ``path`` (opset 17), then pass ``onnx.checker`` on the written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    module = module.eval()
    with tempfile.TemporaryDirectory() as tmp:
        # torch may spill big weights into one file per tensor beside the model; exporting into a
        # scratch directory and re-saving gathers them into a single model.onnx.data.
        scratch = Path(tmp) / "model.onnx"
        extra = {}
        if "dynamo" in inspect.signature(torch.onnx.export).parameters:
            # Newer PyTorch defaults to the dynamo exporter; the contract's names and dynamic
            # axes are written for the TorchScript exporter, the only one PyTorch 1.13 has.
            extra["dynamo"] = False
        with torch.no_grad():
            torch.onnx.export(module, tuple(args), str(scratch), input_names=inputs,
                              output_names=outputs, dynamic_axes=dynamic, opset_version=OPSET,
                              do_constant_folding=True, **extra)
        model = onnx.load(str(scratch))
        save_model(model, path, EXTERNAL_DATA_BYTES, size_threshold=0)
    onnx.checker.check_model(str(path))
    return onnx.load(str(path), load_external_data=False)


def _dyn(names: Sequence[str], axes: Dict[int, str]) -> Dict[str, Dict[int, str]]:
    return {n: dict(axes) for n in names}


def export_vae_decoder(vae, out: Path, gen: torch.Generator) -> None:
    """The VAE decoder as ``out/vae_decoder/model.onnx`` (latent [B, C, h, w] -> image)."""
    cfg = vae.config
    h = cfg.latent_size
    export_onnx(vae.decoder, [torch.randn(2, cfg.latent_channels, h, h, generator=gen)],
                out / "vae_decoder" / "model.onnx", ["latent"], ["image"],
                _dyn(["latent", "image"], {0: "B"}))


def export_components(comp: Components, out: Path) -> None:
    """Write the six ONNX files of ``comp`` under ``out``."""
    comp.eval()
    cpu = torch.device("cpu")
    for m in comp.modules().values():
        m.to(cpu)
    u = comp.uvit.config
    vae_cfg = comp.vae.config
    # Distinct example sizes (B=2, G=3, T=3) keep the tracer from tying unrelated axes together.
    b, g, t = 2, 3, 3
    gen = torch.Generator().manual_seed(0)
    t_args = [torch.randn(b, g, u.latent_channels, u.latent_height, u.latent_width, generator=gen),
              torch.randn(b, g, 1, u.clip_dim, generator=gen),
              torch.randn(b, g, u.text_tokens, u.text_dim, generator=gen),
              torch.rand(b, g, generator=gen) * 1000, torch.rand(b, g, generator=gen) * 1000]
    t_inputs = ["img", "clip_img", "text", "t_img", "t_text"]
    t_dyn = _dyn(t_inputs + ["img_out", "clip_img_out", "text_out"], {0: "B", 1: "G"})
    if u.use_data_type:
        t_args.append(torch.zeros(b, dtype=torch.long))
        t_inputs.append("data_type")
        t_dyn["data_type"] = {0: "B"}
    export_onnx(TransformerExport(comp.uvit), t_args, out / "transformer" / "model.onnx",
                t_inputs, ["img_out", "clip_img_out", "text_out"], t_dyn)

    size = vae_cfg.image_size
    export_onnx(comp.vae.encoder, [torch.randn(b, 3, size, size, generator=gen)],
                out / "vae_encoder" / "model.onnx", ["image"], ["moments"],
                _dyn(["image", "moments"], {0: "B"}))
    export_vae_decoder(comp.vae, out, gen)
    s = comp.clip.config.image_size
    export_onnx(comp.clip.image_encoder, [torch.randn(b, 3, s, s, generator=gen)],
                out / "image_encoder" / "model.onnx", ["pixel_values"], ["image_embeds"],
                _dyn(["pixel_values", "image_embeds"], {0: "B"}))
    vocab = len(comp.tokenizer)
    ids = torch.randint(0, vocab, (b, u.text_tokens), generator=gen)
    export_onnx(TextEncoderExport(comp.clip.text_encoder, comp.reduction), [ids],
                out / "text_encoder" / "model.onnx", ["input_ids"], ["text_latent"],
                _dyn(["input_ids", "text_latent"], {0: "B"}))
    export_onnx(comp.caption_decoder,
                [torch.randn(b, u.text_tokens, u.text_dim, generator=gen),
                 torch.randint(0, vocab, (b, t), generator=gen)],
                out / "text_decoder" / "model.onnx", ["text_latent", "input_ids"], ["logits"],
                {"text_latent": {0: "B"}, "input_ids": {0: "B", 1: "T"},
                 "logits": {0: "B", 1: "T"}})


COMPONENTS = ("transformer", "vae_encoder", "vae_decoder", "image_encoder", "text_encoder",
              "text_decoder")


# The default model's best scale (models/README.md, training record); the published UniDiffuser
# weights use 7 (unidiffuser_v1).
DEFAULT_GUIDANCE_SCALE = 3.0


def manifest(comp: Components, name: str, license_text: str, group_max_size: int = 4,
             sampler: str = "dpm-solver", steps: int = 25,
             guidance_scale: float = DEFAULT_GUIDANCE_SCALE,
             beam_size: int = 5) -> dict:
    """The ``unidiff.json`` document describing ``comp``.

    ``guidance_scale`` follows the reference's rule ``eps = cond + s (cond - uncond)``.
    """
    u = comp.uvit.config
    tok = comp.tokenizer
    doc = {
        "format": "unidiff-bundle",
        "version": 1,
        "name": name,
        "license": license_text,
        "image": {"height": comp.vae.config.image_size, "width": comp.vae.config.image_size},
        "latent": {"channels": u.latent_channels, "height": u.latent_height,
                   "width": u.latent_width, "scaling_factor": float(comp.scaling_factor)},
        "clip_image": {"dim": u.clip_dim, "preprocess": {
            "size": comp.clip.config.image_size, "resample": "bilinear",
            "mean": list(CLIP_MEAN), "std": list(CLIP_STD)}},
        "text": {"tokens": u.text_tokens, "dim": u.text_dim,
                 "tokenizer": {"max_length": u.text_tokens, "pad_id": tok.pad_id,
                               "bos_id": tok.bos_id, "eos_id": tok.eos_id}},
        "caption": {"eos_id": tok.eos_id,
                    "max_new_tokens": comp.caption_decoder.config.max_new_tokens,
                    "beam_size": beam_size},
        "schedule": {"type": "vp-discrete", "beta_schedule": "scaled_linear",
                     "beta_start": BETA_START, "beta_end": BETA_END, "train_steps": TRAIN_STEPS,
                     "prediction": "epsilon"},
        "group": {"max_size": group_max_size},
        "defaults": {"sampler": sampler, "steps": steps, "guidance_scale": guidance_scale},
        "components": {c: {"path": f"{c}/model.onnx", "precision": "fp32"} for c in COMPONENTS},
    }
    if u.use_data_type:
        doc["data_type"] = {"default": int(comp.data_type_default or 0)}
    return doc


def bundle_bytes(out: Path) -> int:
    """Total size of the files of a bundle directory."""
    return sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file())


def export_bundle(comp: Components, out: Path, name: str = "unidiff-shapes-default",
                  license_text: str = "Apache-2.0", group_max_size: int = 4,
                  max_bytes: Optional[int] = None, transformer_variant: str = "plain",
                  **defaults) -> dict:
    """Write the whole bundle to ``out`` (replacing it) and return the manifest.

    ``max_bytes`` makes an over-size bundle an error (the default model must stay <= 30 MB).
    ``transformer_variant`` other than ``plain`` rewrites the exported transformer with
    :func:`unidiff_models.optimize.optimize_transformer` (a key of ``optimize.MODES``; needs
    onnxruntime) and states ``int8`` as its precision when quantized.
    """
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    export_components(comp, out)
    comp.tokenizer.save(out / "text_encoder" / "tokenizer.json",
                        max_length=comp.uvit.config.text_tokens)
    comp.tokenizer.save(out / "text_decoder" / "tokenizer.json")
    doc = manifest(comp, name, license_text, group_max_size, **defaults)
    (out / "unidiff.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    if transformer_variant != "plain":
        report = rewrite_bundle_transformer(out, transformer_variant, comp.uvit.config.heads,
                                            comp.uvit.config.width)
        LOG.info("transformer variant %s: %s", transformer_variant, report)
        doc = json.loads((out / "unidiff.json").read_text(encoding="utf-8"))
    size = bundle_bytes(out)
    LOG.info("bundle %s: %.2f MB", out, size / 1e6)
    if max_bytes is not None and size > max_bytes:
        raise ValueError(f"bundle {out} is {size} bytes, over the limit of {max_bytes}")
    return doc
