"""A reduced UniDiffuser v1 with random weights, saved in the published file layouts.

Tests (and the Java side's parity test) use it to run the real loading and export code without
the multi-gigabyte checkpoints: every file has the published key names, only narrower and
shallower; the tokenizers are small byte-level BPE vocabularies built the same way as CLIP's and
GPT-2's.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Iterable, List, Tuple

import torch
from torch import nn

from unidiff_models.uvit import UViT, UViTConfig

from .bpe_tokenizers import CLIP_BOS, CLIP_EOS, GPT2_EOT, byte_alphabet
from .clip_text import ClipTextConfig, ClipTextModel
from .clip_vision import ClipVisionConfig, ClipVisionModelWithProjection
from .exporter import V1Architecture, V1Sources
from .gpt2_decoder import CaptionDecoder, Gpt2Config
from .sd_vae import AutoencoderKL, SdVaeConfig

WORDS = ("a", "photo", "of", "the", "cat", "dog", "red", "blue", "on", "table", "with", "hat")


def _merges_for(words: Iterable[str], end: str, start: str) -> Tuple[List[str], List[str]]:
    """Left-to-right merges that build each word into one token (and the new tokens)."""
    merges, tokens = [], []
    for word in words:
        parts = list(start + word)
        if end:
            parts[-1] = parts[-1] + end
        while len(parts) > 1:
            merge = f"{parts[0]} {parts[1]}"
            joined = parts[0] + parts[1]
            if merge not in merges:
                merges.append(merge)
                tokens.append(joined)
            parts = [joined] + parts[2:]
    return merges, tokens


def write_clip_tokenizer_folder(folder: Path) -> int:
    """A CLIP-style vocab.json/merges.txt (bytes, bytes + ``</w>``, merges, two specials)."""
    alphabet = byte_alphabet()
    merges, tokens = _merges_for(WORDS, "</w>", "")
    vocab_list = alphabet + [c + "</w>" for c in alphabet]
    vocab_list += [t for t in tokens if t not in vocab_list] + [CLIP_BOS, CLIP_EOS]
    return _write(folder, vocab_list, merges)


def write_gpt2_tokenizer_folder(folder: Path) -> int:
    """A GPT-2-style vocab.json/merges.txt: bytes, merges (space-led words first) and
    ``<|endoftext|>``."""
    alphabet = byte_alphabet()
    space = alphabet[ord(" ")]
    # Space-led words first, so that " photo" becomes one token as in GPT-2's vocabulary.
    merges, tokens = _merges_for(WORDS, "", space)
    more, more_tokens = _merges_for(WORDS, "", "")
    merges += [m for m in more if m not in merges]
    vocab_list = alphabet + [t for t in tokens + more_tokens if t not in alphabet]
    vocab_list = list(dict.fromkeys(vocab_list)) + [GPT2_EOT]
    return _write(folder, vocab_list, merges)


def _write(folder: Path, vocab_list: List[str], merges: List[str]) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    vocab = {tok: i for i, tok in enumerate(vocab_list)}
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n",
                                       encoding="utf-8")
    return len(vocab)


def tiny_architecture(clip_vocab: int, gpt2_vocab: int) -> V1Architecture:
    """Published structure at toy sizes: 16 px images, f2 VAE, 8 text tokens."""
    uvit = replace(UViTConfig.unidiffuser_v1(), latent_height=8, latent_width=8, width=64,
                   in_blocks=1, heads=4, clip_dim=16, text_tokens=8, text_dim=8)
    return V1Architecture(
        image_size=16,
        uvit=uvit,
        vae=SdVaeConfig(base_channels=16, channel_mult=(1, 2), res_blocks=1, norm_groups=8),
        clip_text=ClipTextConfig(vocab_size=clip_vocab, width=32, layers=2, heads=2, mlp=64,
                                 positions=8),
        clip_vision=ClipVisionConfig(image_size=32, patch_size=8, width=32, layers=2, heads=2,
                                     mlp=64, projection_dim=16),
        caption=Gpt2Config(vocab_size=gpt2_vocab, positions=24, width=32, layers=2, heads=2,
                           prefix_dim=8, clip_width=32),
        max_new_tokens=12, beam_size=3, steps=10)


def randomize(module: nn.Module, seed: int) -> nn.Module:
    """Random weights everywhere, LayerNorm/GroupNorm scales near 1, so a swapped or transposed
    tensor changes the outputs (zeros or ones would hide it)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            if p.dim() == 1 and ("norm" in name or "ln_" in name or "layrnorm" in name):
                p.copy_(1.0 + 0.1 * noise if name.endswith("weight") else 0.1 * noise)
            else:
                fan_in = p[0].numel() if p.dim() > 1 else p.numel()
                p.copy_(noise / max(fan_in, 1) ** 0.5 * (1.0 if p.dim() > 1 else 0.1))
    return module


def write_tiny_sources(root: Path, seed: int = 0) -> Tuple[V1Sources, V1Architecture]:
    """Write tiny random checkpoints and tokenizer folders in the published layouts."""
    root = Path(root)
    clip_dir, vision_dir, gpt_dir = root / "clip-text", root / "clip-vision", root / "gpt2"
    clip_vocab = write_clip_tokenizer_folder(clip_dir)
    gpt_vocab = write_gpt2_tokenizer_folder(gpt_dir) + 1
    arch = tiny_architecture(clip_vocab, gpt_vocab)

    torch.save(randomize(UViT(arch.uvit), seed).state_dict(), root / "uvit_v1.pth")
    torch.save(randomize(AutoencoderKL(arch.vae), seed + 1).state_dict(),
               root / "autoencoder_kl.pth")
    text = randomize(ClipTextModel(arch.clip_text), seed + 2).state_dict()
    # A Hugging Face CLIP folder holds the whole CLIPModel and the cached position ids.
    text["text_model.embeddings.position_ids"] = torch.arange(arch.clip_text.positions)[None]
    text["logit_scale"] = torch.tensor(4.6)
    torch.save(text, clip_dir / "pytorch_model.bin")
    vision = randomize(ClipVisionModelWithProjection(arch.clip_vision), seed + 3).state_dict()
    vision["vision_model.embeddings.position_ids"] = torch.arange(arch.clip_vision.positions)[None]
    vision["text_projection.weight"] = torch.zeros(16, 32)
    vision_dir.mkdir(parents=True, exist_ok=True)
    torch.save(vision, vision_dir / "pytorch_model.bin")
    caption = randomize(CaptionDecoder(arch.caption), seed + 4).state_dict()
    saved = {"module." + k: v for k, v in caption.items()}
    # The reference's file carries its CLIP model and per-layer causal-mask buffers.
    saved["module.clip_model.visual.proj"] = torch.zeros(4, 4)
    n = arch.caption.positions
    for i in range(arch.caption.layers):
        saved[f"module.gpt.transformer.h.{i}.attn.bias"] = torch.tril(torch.ones(n, n))[None, None]
        saved[f"module.gpt.transformer.h.{i}.attn.masked_bias"] = torch.tensor(-1e4)
    torch.save(saved, root / "caption_decoder.pth")
    return V1Sources(root / "uvit_v1.pth", root / "autoencoder_kl.pth",
                     root / "caption_decoder.pth", clip_dir, vision_dir, gpt_dir), arch


def write_tiny_bundle(bundle: Path, parity: Path, work: Path, seed: int = 0, fp16: bool = False,
                      external_threshold: int = 100_000) -> dict:
    """Write a tiny random bundle plus ``parity`` (.npz) with PyTorch inputs and outputs.

    The npz holds ``<component>.<tensor>`` for every input and output of each component, at
    batch 2 and (for the transformer) group 3, sizes the tracing example did not use, so a
    runtime that feeds them checks the dynamic axes too. Components whose weights pass
    ``external_threshold`` bytes are written with external data, so both layouts are exercised.
    Returns the manifest.
    """
    import numpy as np

    from .exporter import OUTPUTS, example_inputs, load_networks, onnx_modules, write_bundle

    src, arch = write_tiny_sources(Path(work), seed)
    nets = load_networks(src, arch)
    doc = write_bundle(nets, arch, Path(bundle), src.clip_text, src.gpt2, fp16=fp16,
                       group_max_size=4, name="tiny-unidiffuser-v1-random",
                       license_text="CC0-1.0 (random weights)",
                       external_threshold=external_threshold)
    arrays = {}
    inputs = example_inputs(arch, batch=2, group=3, seed=seed + 100)
    modules = onnx_modules(nets)
    with torch.no_grad():
        for component, feed in inputs.items():
            out = modules[component](*feed.values())
            out = out if isinstance(out, tuple) else (out,)
            for name, value in list(feed.items()) + list(zip(OUTPUTS[component], out)):
                arrays[f"{component}.{name}"] = value.numpy()
    Path(parity).parent.mkdir(parents=True, exist_ok=True)
    np.savez(parity, **arrays)
    return doc


def main(argv=None) -> int:
    """``python3 -m unidiffuser_v1.tiny DIR [--fp16]``: DIR/bundle, DIR/parity.npz, DIR/sources."""
    import argparse
    import logging

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    p = argparse.ArgumentParser(description="write a tiny random UniDiffuser v1 bundle")
    p.add_argument("dir", type=Path)
    p.add_argument("--fp16", action="store_true")
    args = p.parse_args(argv)
    write_tiny_bundle(args.dir / "bundle", args.dir / "parity.npz", args.dir / "sources",
                      fp16=args.fp16)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
