"""Builds the UniDiffuser v1 networks from their checkpoints and writes a unidiff bundle.

Inputs are the files a user downloads: ``uvit_v1.pth``, ``autoencoder_kl.pth`` and
``caption_decoder.pth`` from the UniDiffuser release, and three Hugging Face folders (CLIP
ViT-L/14 for the text encoder, CLIP ViT-B/32 for the image embedding, GPT-2 for the caption
tokenizer). Every size comes from :class:`V1Architecture`, so tests run the same code at a
reduced width and depth.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional

import torch
from torch import nn

from unidiff_models.uvit import UViT, UViTConfig

from . import bpe_tokenizers as bpe
from .checkpoint import (CheckpointError, build_and_load, hf_weights_file, read_state_dict,
                         select)
from .clip_text import TEXT_IGNORED, ClipTextConfig, ClipTextModel, TextEncoderOnnx
from .clip_vision import VISION_IGNORED, ClipVisionConfig, ClipVisionModelWithProjection
from .gpt2_decoder import CaptionDecoder, Gpt2Config, TextDecoderOnnx, caption_state
from .onnx_export import PROTOBUF_LIMIT, ExportedFile, export_onnx
from .sd_vae import AutoencoderKL, SdVaeConfig, VaeDecoderOnnx, VaeEncoderOnnx

LOG = logging.getLogger(__name__)

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


@dataclass(frozen=True)
class V1Architecture:
    """Sizes of every network and the reference generation defaults."""

    image_size: int = 512
    uvit: UViTConfig = field(default_factory=UViTConfig.unidiffuser_v1)
    vae: SdVaeConfig = field(default_factory=SdVaeConfig)
    clip_text: ClipTextConfig = field(default_factory=ClipTextConfig)
    clip_vision: ClipVisionConfig = field(default_factory=ClipVisionConfig)
    caption: Gpt2Config = field(default_factory=Gpt2Config)
    scaling_factor: float = 0.18215
    max_new_tokens: int = 67
    beam_size: int = 5
    steps: int = 50
    guidance_scale: float = 7.0
    data_type: int = 1

    def check(self) -> None:
        """Raise ValueError when two networks disagree on a size they share."""
        u = self.uvit
        pairs = [
            ("vae.latent_channels", self.vae.latent_channels, "uvit.latent_channels",
             u.latent_channels),
            ("image_size / vae factor", self.image_size // self.vae.factor, "uvit.latent_height",
             u.latent_height),
            ("image_size / vae factor", self.image_size // self.vae.factor, "uvit.latent_width",
             u.latent_width),
            ("clip_vision.projection_dim", self.clip_vision.projection_dim, "uvit.clip_dim",
             u.clip_dim),
            ("clip_text.positions", self.clip_text.positions, "uvit.text_tokens", u.text_tokens),
            ("clip_text.width", self.clip_text.width, "caption.clip_width",
             self.caption.clip_width),
            ("caption.prefix_dim", self.caption.prefix_dim, "uvit.text_dim", u.text_dim),
        ]
        for a, va, b, vb in pairs:
            if va != vb:
                raise ValueError(f"inconsistent sizes: {a} = {va} but {b} = {vb}")
        if u.text_tokens + self.max_new_tokens > self.caption.positions:
            raise ValueError(f"{u.text_tokens} prefix tokens + {self.max_new_tokens} new tokens "
                             f"exceed the caption decoder's {self.caption.positions} positions")
        if not u.use_data_type:
            raise ValueError("UniDiffuser v1 has a data_type token; "
                             "uvit.use_data_type must be true")


@dataclass(frozen=True)
class V1Sources:
    """Where the published files are."""

    uvit: Path
    autoencoder: Path
    caption_decoder: Path
    clip_text: Path
    clip_vision: Path
    gpt2: Path


@dataclass
class V1Networks:
    """The loaded networks (float32, eval mode)."""

    uvit: UViT
    vae: AutoencoderKL
    clip_text: ClipTextModel
    clip_vision: ClipVisionModelWithProjection
    caption: CaptionDecoder


def load_networks(src: V1Sources, arch: V1Architecture = V1Architecture()) -> V1Networks:
    """Build every network at ``arch``'s sizes and load its checkpoint strictly.

    Every file is read and checked against a shape-only (meta) build before the network is
    allocated, so a wrong or missing file fails fast.
    """
    arch.check()
    for path in (src.uvit, src.autoencoder, src.caption_decoder):
        if not Path(path).is_file():
            raise FileNotFoundError(f"checkpoint {path} does not exist")
    clip_file = hf_weights_file(src.clip_text)
    vision_file = hf_weights_file(src.clip_vision)
    uvit = build_and_load(lambda device: UViT(arch.uvit, device=device),
                          read_state_dict(src.uvit), f"U-ViT ({src.uvit})")
    vae = build_and_load(lambda device: AutoencoderKL(arch.vae, device=device),
                         read_state_dict(src.autoencoder), f"KL autoencoder ({src.autoencoder})")
    clip_text = build_and_load(lambda device: ClipTextModel(arch.clip_text, device=device),
                               select(read_state_dict(clip_file), "text_model."),
                               f"CLIP text model ({clip_file})", ignore=TEXT_IGNORED)
    vision_state = {k: v for k, v in read_state_dict(vision_file).items()
                    if k.startswith(("vision_model.", "visual_projection."))}
    clip_vision = build_and_load(
        lambda device: ClipVisionModelWithProjection(arch.clip_vision, device=device),
        vision_state, f"CLIP vision model ({vision_file})", ignore=VISION_IGNORED)
    caption = build_and_load(lambda device: CaptionDecoder(arch.caption, device=device),
                             caption_state(read_state_dict(src.caption_decoder)),
                             f"caption decoder ({src.caption_decoder})")
    return V1Networks(uvit, vae, clip_text, clip_vision, caption)


def example_inputs(arch: V1Architecture, batch: int = 1, group: int = 1,
                   seed: int = 0) -> Dict[str, Dict[str, torch.Tensor]]:
    """Inputs for every component: the tracing examples, also used by parity tests."""
    g = torch.Generator().manual_seed(seed)
    u = arch.uvit
    lat = arch.image_size // arch.vae.factor
    s = arch.clip_vision.image_size
    return {
        "transformer": {
            "img": torch.randn(batch, group, u.latent_channels, u.latent_height, u.latent_width,
                               generator=g),
            "clip_img": torch.randn(batch, group, 1, u.clip_dim, generator=g),
            "text": torch.randn(batch, group, u.text_tokens, u.text_dim, generator=g),
            "t_img": torch.rand(batch, group, generator=g) * 1000,
            "t_text": torch.rand(batch, group, generator=g) * 1000,
            "data_type": torch.full((batch,), arch.data_type, dtype=torch.int64),
        },
        "vae_encoder": {"image": torch.rand(batch, 3, arch.image_size, arch.image_size,
                                            generator=g) * 2 - 1},
        "vae_decoder": {"latent": torch.randn(batch, arch.vae.latent_channels, lat, lat,
                                              generator=g)},
        "image_encoder": {"pixel_values": torch.randn(batch, 3, s, s, generator=g)},
        "text_encoder": {"input_ids": torch.randint(0, arch.clip_text.vocab_size,
                                                    (batch, u.text_tokens), generator=g)},
        "text_decoder": {"text_latent": torch.randn(batch, u.text_tokens, u.text_dim, generator=g),
                         "input_ids": torch.randint(0, arch.caption.vocab_size, (batch, 3),
                                                    generator=g)},
    }


def onnx_modules(nets: V1Networks) -> Dict[str, nn.Module]:
    """The module each bundle component is traced from."""
    return {
        "transformer": nets.uvit,
        "vae_encoder": VaeEncoderOnnx(nets.vae),
        "vae_decoder": VaeDecoderOnnx(nets.vae),
        "image_encoder": nets.clip_vision,
        "text_encoder": TextEncoderOnnx(nets.clip_text, nets.caption.encode_prefix),
        "text_decoder": TextDecoderOnnx(nets.caption),
    }


OUTPUTS = {
    "transformer": ("img_out", "clip_img_out", "text_out"),
    "vae_encoder": ("moments",),
    "vae_decoder": ("image",),
    "image_encoder": ("image_embeds",),
    "text_encoder": ("text_latent",),
    "text_decoder": ("logits",),
}


def _dynamic_axes(component: str, names) -> Dict[str, Dict[int, str]]:
    if component == "transformer":
        axes = {n: {0: "B", 1: "G"} for n in names}
        axes["data_type"] = {0: "B"}
        return axes
    axes = {n: {0: "B"} for n in names}
    if component == "text_decoder":
        axes["input_ids"] = {0: "B", 1: "T"}
        axes["logits"] = {0: "B", 1: "T"}
    return axes


def manifest(arch: V1Architecture, files: Dict[str, ExportedFile], clip_ids: Dict[str, int],
             gpt_ids: Dict[str, int], group_max_size: int, name: str, license_text: str) -> dict:
    """The ``unidiff.json`` document with the reference defaults."""
    u = arch.uvit
    lat = arch.image_size // arch.vae.factor
    return {
        "format": "unidiff-bundle",
        "version": 1,
        "name": name,
        "license": license_text,
        "image": {"height": arch.image_size, "width": arch.image_size},
        "latent": {"channels": u.latent_channels, "height": lat, "width": lat,
                   "scaling_factor": arch.scaling_factor},
        "clip_image": {"dim": u.clip_dim,
                       "preprocess": {"size": arch.clip_vision.image_size, "resample": "bicubic",
                                      "mean": list(CLIP_MEAN), "std": list(CLIP_STD)}},
        "text": {"tokens": u.text_tokens, "dim": u.text_dim,
                 "tokenizer": {"max_length": u.text_tokens, "pad_id": clip_ids["pad"],
                               "bos_id": clip_ids["bos"], "eos_id": clip_ids["eos"]}},
        "caption": {"eos_id": gpt_ids["eos"], "max_new_tokens": arch.max_new_tokens,
                    "beam_size": arch.beam_size},
        "schedule": {"type": "vp-discrete", "beta_schedule": "scaled_linear",
                     "beta_start": 0.00085, "beta_end": 0.012, "train_steps": 1000,
                     "prediction": "epsilon"},
        "data_type": {"default": arch.data_type},
        "group": {"max_size": group_max_size},
        "defaults": {"sampler": "dpm-solver", "steps": arch.steps,
                     "guidance_scale": arch.guidance_scale},
        "components": {c: {"path": f"{c}/model.onnx", "precision": f.precision}
                       for c, f in files.items()},
    }


def write_bundle(nets: V1Networks, arch: V1Architecture, out: Path, clip_folder: Path,
                 gpt2_folder: Path, fp16: bool = False, group_max_size: int = 4,
                 name: str = "unidiffuser-v1", license_text: str = "",
                 external_threshold: int = PROTOBUF_LIMIT,
                 example_group: Optional[int] = None, transformer_variant: str = "plain") -> dict:
    """Export every component and the tokenizers into ``out`` and write the manifest.

    ``fp16`` converts every component to float16 except attention scores and softmax,
    normalisation and the timestep inputs (see :mod:`.fp16`). ``transformer_variant`` other than
    ``plain`` then rewrites the transformer (a key of ``unidiff_models.optimize.MODES``: folded
    shapes, fused attention and norms, int8 MatMuls; needs onnxruntime), its outputs checked
    against the export's at the three smallest (batch, group) sizes. Returns the manifest.
    """
    arch.check()
    if group_max_size < 1:
        raise ValueError(f"group_max_size must be >= 1, got {group_max_size}")
    if transformer_variant != "plain":
        from unidiff_models.optimize import MODES
        if transformer_variant not in MODES:
            raise ValueError(f"unknown transformer variant {transformer_variant!r}, expected plain or one "
                             f"of {', '.join(MODES)}")
        if fp16:
            raise ValueError(f"transformer variant {transformer_variant!r} rewrites an fp32 export; "
                             "export without fp16 for it")
    clip_doc, clip_ids = bpe.clip_tokenizer_json(clip_folder)
    gpt_doc, gpt_ids = bpe.gpt2_tokenizer_json(gpt2_folder)
    if clip_ids["vocab_size"] != arch.clip_text.vocab_size:
        raise ValueError(f"CLIP tokenizer in {clip_folder} has {clip_ids['vocab_size']} tokens, "
                         f"the text model {arch.clip_text.vocab_size}")
    if gpt_ids["vocab_size"] != arch.caption.vocab_size:
        raise ValueError(f"GPT-2 tokenizer in {gpt2_folder} plus <|EOS|> has "
                         f"{gpt_ids['vocab_size']} tokens, the caption decoder "
                         f"{arch.caption.vocab_size}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    # Two images in the tracing example so that no size-1 group axis gets specialised.
    group = example_group if example_group is not None else (2 if group_max_size > 1 else 1)
    inputs = example_inputs(arch, batch=1, group=group)
    files = {}
    for component, module in onnx_modules(nets).items():
        feed = inputs[component]
        files[component] = export_onnx(
            module, tuple(feed.values()), out / component / "model.onnx", list(feed),
            OUTPUTS[component], _dynamic_axes(component, list(feed) + list(OUTPUTS[component])),
            fp16=fp16, keep_fp32=("t_img", "t_text"),
            external_threshold=external_threshold)
    bpe.write_json(clip_doc, out / "text_encoder" / "tokenizer.json")
    bpe.write_json(gpt_doc, out / "text_decoder" / "tokenizer.json")
    doc = manifest(arch, files, clip_ids, gpt_ids, group_max_size, name,
                   license_text or "see the licenses of the source checkpoints")
    (out / "unidiff.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    if transformer_variant != "plain":
        from unidiff_models.optimize import rewrite_bundle_transformer
        # Each checked size runs both transformers once: three keep that to minutes at v1's size.
        report = rewrite_bundle_transformer(out, transformer_variant, arch.uvit.heads, arch.uvit.width,
                                            check_count=3)
        LOG.info("transformer variant %s: %s", transformer_variant, report)
        doc = json.loads((out / "unidiff.json").read_text(encoding="utf-8"))
    LOG.info("bundle written to %s", out)
    return doc


__all__ = ["V1Architecture", "V1Sources", "V1Networks", "load_networks", "write_bundle",
           "example_inputs", "onnx_modules", "manifest", "CheckpointError"]
