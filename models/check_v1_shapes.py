#!/usr/bin/env python3
"""Check the UniDiffuser v1 architectures at their published sizes without allocating weights.

Each network is built on PyTorch's meta device (shapes only, no memory) and its state-dict keys
and shapes are compared with an independent list written from the published layouts, and its
parameter count with the published figure. Prints one table row per network; exits 1 on any
difference, listing it.

    python3 models/check_v1_shapes.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Dict, List, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

from unidiff_models.uvit import UViT, UViTConfig  # noqa: E402
from unidiffuser_v1.checkpoint import parameter_count, shapes_of  # noqa: E402
from unidiffuser_v1.clip_text import ClipTextModel  # noqa: E402
from unidiffuser_v1.clip_vision import ClipVisionModelWithProjection  # noqa: E402
from unidiffuser_v1.gpt2_decoder import CaptionDecoder  # noqa: E402
from unidiffuser_v1.sd_vae import AutoencoderKL  # noqa: E402

Shapes = Dict[str, Tuple[int, ...]]

#: Published parameter counts (tied GPT-2 embeddings counted once).
PUBLISHED = {
    "uvit_v1": 952_509_520,
    "autoencoder_kl": 83_653_863,
    "clip_text_l14": 123_060_480,
    "clip_vision_b32": 87_849_216,
    # GPT-2 small (124,439,808) + one row for <|EOS|> + encode_prefix + decode_prefix.
    "caption_decoder": 124_439_808 + 768 + (768 * 64 + 64) + (64 * 768 + 768),
}


def _linear(out: Shapes, name: str, n_out: int, n_in: int, bias: bool = True) -> None:
    out[f"{name}.weight"] = (n_out, n_in)
    if bias:
        out[f"{name}.bias"] = (n_out,)


def _norm(out: Shapes, name: str, n: int) -> None:
    out[f"{name}.weight"] = (n,)
    out[f"{name}.bias"] = (n,)


def expected_uvit() -> Shapes:
    """Keys of uvit_v1.pth as listed in the reference fact sheet."""
    w, out = 1536, {}
    out["pos_embed"] = (1, 1104, w)
    out["pos_embed_token"] = (1, 1, w)
    out["patch_embed.proj.weight"] = (w, 4, 2, 2)
    out["patch_embed.proj.bias"] = (w,)
    _linear(out, "text_embed", w, 64)
    _linear(out, "text_out", 64, w)
    _linear(out, "clip_img_embed", w, 512)
    _linear(out, "clip_img_out", 512, w)
    out["token_embedding.weight"] = (2, w)
    blocks = [f"in_blocks.{i}" for i in range(15)] + ["mid_block"]
    blocks += [f"out_blocks.{i}" for i in range(15)]
    for b in blocks:
        if b.startswith("out_blocks"):
            _norm(out, f"{b}.norm1", w)
            _linear(out, f"{b}.skip_linear", w, 2 * w)
        _norm(out, f"{b}.norm2", w)
        _linear(out, f"{b}.attn.qkv", 3 * w, w, bias=False)
        _linear(out, f"{b}.attn.proj", w, w)
        _norm(out, f"{b}.norm3", w)
        _linear(out, f"{b}.mlp.fc1", 4 * w, w)
        _linear(out, f"{b}.mlp.fc2", w, 4 * w)
    _norm(out, "norm", w)
    _linear(out, "decoder_pred", 16, w)
    return out


def _conv(out: Shapes, name: str, c_out: int, c_in: int, k: int) -> None:
    out[f"{name}.weight"] = (c_out, c_in, k, k)
    out[f"{name}.bias"] = (c_out,)


def _resnet(out: Shapes, name: str, c_in: int, c_out: int) -> None:
    _norm(out, f"{name}.norm1", c_in)
    _conv(out, f"{name}.conv1", c_out, c_in, 3)
    _norm(out, f"{name}.norm2", c_out)
    _conv(out, f"{name}.conv2", c_out, c_out, 3)
    if c_in != c_out:
        _conv(out, f"{name}.nin_shortcut", c_out, c_in, 1)


def _mid(out: Shapes, name: str, c: int) -> None:
    _resnet(out, f"{name}.block_1", c, c)
    _norm(out, f"{name}.attn_1.norm", c)
    for p in ("q", "k", "v", "proj_out"):
        _conv(out, f"{name}.attn_1.{p}", c, c, 1)
    _resnet(out, f"{name}.block_2", c, c)


def expected_vae() -> Shapes:
    """Keys of autoencoder_kl.pth (KL-f8: widths 128, 256, 512, 512; 2 blocks a level)."""
    out: Shapes = {}
    widths = [128, 256, 512, 512]
    _conv(out, "encoder.conv_in", 128, 3, 3)
    c_in = 128
    for i, c in enumerate(widths):
        for j in range(2):
            _resnet(out, f"encoder.down.{i}.block.{j}", c_in if j == 0 else c, c)
        if i < 3:
            _conv(out, f"encoder.down.{i}.downsample.conv", c, c, 3)
        c_in = c
    _mid(out, "encoder.mid", 512)
    _norm(out, "encoder.norm_out", 512)
    _conv(out, "encoder.conv_out", 8, 512, 3)
    _conv(out, "decoder.conv_in", 512, 4, 3)
    _mid(out, "decoder.mid", 512)
    c_in = 512
    for i in reversed(range(4)):
        c = widths[i]
        for j in range(3):
            _resnet(out, f"decoder.up.{i}.block.{j}", c_in if j == 0 else c, c)
        if i > 0:
            _conv(out, f"decoder.up.{i}.upsample.conv", c, c, 3)
        c_in = c
    _norm(out, "decoder.norm_out", 128)
    _conv(out, "decoder.conv_out", 3, 128, 3)
    _conv(out, "quant_conv", 8, 8, 1)
    _conv(out, "post_quant_conv", 4, 4, 1)
    return out


def _clip_layers(out: Shapes, prefix: str, w: int, layers: int) -> None:
    for i in range(layers):
        n = f"{prefix}.encoder.layers.{i}"
        for p in ("q_proj", "k_proj", "v_proj", "out_proj"):
            _linear(out, f"{n}.self_attn.{p}", w, w)
        _norm(out, f"{n}.layer_norm1", w)
        _linear(out, f"{n}.mlp.fc1", 4 * w, w)
        _linear(out, f"{n}.mlp.fc2", w, 4 * w)
        _norm(out, f"{n}.layer_norm2", w)


def expected_clip_text() -> Shapes:
    """Keys of Hugging Face CLIPTextModel for ViT-L/14."""
    out: Shapes = {"text_model.embeddings.token_embedding.weight": (49408, 768),
                   "text_model.embeddings.position_embedding.weight": (77, 768)}
    _clip_layers(out, "text_model", 768, 12)
    _norm(out, "text_model.final_layer_norm", 768)
    return out


def expected_clip_vision() -> Shapes:
    """Keys of Hugging Face CLIPVisionModelWithProjection for ViT-B/32."""
    out: Shapes = {"vision_model.embeddings.class_embedding": (768,),
                   "vision_model.embeddings.patch_embedding.weight": (768, 3, 32, 32),
                   "vision_model.embeddings.position_embedding.weight": (50, 768)}
    _norm(out, "vision_model.pre_layrnorm", 768)
    _clip_layers(out, "vision_model", 768, 12)
    _norm(out, "vision_model.post_layernorm", 768)
    out["visual_projection.weight"] = (512, 768)
    return out


def expected_caption() -> Shapes:
    """Keys of caption_decoder.pth without ``module.`` (GPT-2 Conv1D weights are [in, out])."""
    out: Shapes = {"gpt.transformer.wte.weight": (50258, 768),
                   "gpt.transformer.wpe.weight": (1024, 768)}
    for i in range(12):
        n = f"gpt.transformer.h.{i}"
        _norm(out, f"{n}.ln_1", 768)
        out[f"{n}.attn.c_attn.weight"] = (768, 2304)
        out[f"{n}.attn.c_attn.bias"] = (2304,)
        out[f"{n}.attn.c_proj.weight"] = (768, 768)
        out[f"{n}.attn.c_proj.bias"] = (768,)
        _norm(out, f"{n}.ln_2", 768)
        out[f"{n}.mlp.c_fc.weight"] = (768, 3072)
        out[f"{n}.mlp.c_fc.bias"] = (3072,)
        out[f"{n}.mlp.c_proj.weight"] = (3072, 768)
        out[f"{n}.mlp.c_proj.bias"] = (768,)
    _norm(out, "gpt.transformer.ln_f", 768)
    out["gpt.lm_head.weight"] = (50258, 768)
    _linear(out, "encode_prefix", 64, 768)
    _linear(out, "decode_prefix", 768, 64)
    return out


CHECKS: List[Tuple[str, Callable, Callable[[], Shapes]]] = [
    ("uvit_v1", lambda: UViT(UViTConfig.unidiffuser_v1(), device="meta"), expected_uvit),
    ("autoencoder_kl", lambda: AutoencoderKL(device="meta"), expected_vae),
    ("clip_text_l14", lambda: ClipTextModel(device="meta"), expected_clip_text),
    ("clip_vision_b32", lambda: ClipVisionModelWithProjection(device="meta"),
     expected_clip_vision),
    ("caption_decoder", lambda: CaptionDecoder(device="meta"), expected_caption),
]


def compare(built: Shapes, expected: Shapes) -> List[str]:
    """Every missing, extra and misshaped key."""
    problems = [f"missing {k} {list(v)}" for k, v in expected.items() if k not in built]
    problems += [f"extra {k} {list(v)}" for k, v in built.items() if k not in expected]
    problems += [f"{k}: expected {list(v)}, built {list(built[k])}"
                 for k, v in expected.items() if k in built and tuple(built[k]) != tuple(v)]
    return problems


def run_checks(checks=CHECKS) -> Tuple[List[Tuple[str, int, int, int, str]], List[str]]:
    """Rows (name, keys, params, published params, status) and all problems found."""
    rows, problems = [], []
    for name, build, expected in checks:
        module = build()
        found = compare(shapes_of(module), expected())
        count = parameter_count(module)
        if count != PUBLISHED[name]:
            found.append(f"parameter count {count:,}, published {PUBLISHED[name]:,}")
        problems += [f"{name}: {p}" for p in found]
        rows.append((name, len(module.state_dict()), count, PUBLISHED[name],
                     "ok" if not found else f"{len(found)} problems"))
    return rows, problems


def main() -> int:
    """Print the table; 0 when everything matches."""
    rows, problems = run_checks()
    print(f"{'network':<16} {'keys':>5} {'parameters':>13} {'published':>13}  status")
    for name, keys, count, published, status in rows:
        print(f"{name:<16} {keys:>5} {count:>13,} {published:>13,}  {status}")
    for p in problems:
        print(f"  {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
