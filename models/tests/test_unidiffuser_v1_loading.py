"""Strict checkpoint loading: clear messages, ignored non-weights, the file formats read."""

import json
import struct

import numpy as np
import pytest
import torch

from unidiffuser_v1.checkpoint import (CheckpointError, load_strict, read_safetensors,
                                       read_state_dict)
from unidiffuser_v1.clip_text import ClipTextConfig, ClipTextModel
from unidiffuser_v1.exporter import load_networks
from unidiffuser_v1.gpt2_decoder import CaptionDecoder, Gpt2Config, caption_state
from unidiffuser_v1.tiny import randomize, write_tiny_sources

SMALL_TEXT = ClipTextConfig(vocab_size=20, width=8, layers=1, heads=2, mlp=16, positions=4)


def test_missing_unexpected_and_misshaped_tensors_are_all_named():
    model = ClipTextModel(SMALL_TEXT)
    state = dict(model.state_dict())
    del state["text_model.final_layer_norm.bias"]
    state["text_model.extra.weight"] = torch.zeros(3)
    state["text_model.embeddings.token_embedding.weight"] = torch.zeros(21, 8)
    with pytest.raises(CheckpointError) as err:
        load_strict(model, state, "CLIP text model (test)")
    msg = str(err.value)
    assert "CLIP text model (test)" in msg and "3 problems" in msg
    assert "missing tensor text_model.final_layer_norm.bias: expected shape [8]" in msg
    assert "unexpected tensor text_model.extra.weight: shape [3]" in msg
    assert ("tensor text_model.embeddings.token_embedding.weight: expected shape [20, 8], "
            "found [21, 8]") in msg


def test_a_matching_state_loads_every_value():
    source = randomize(ClipTextModel(SMALL_TEXT), seed=1)
    target = ClipTextModel(SMALL_TEXT)
    state = dict(source.state_dict())
    state["text_model.embeddings.position_ids"] = torch.arange(4)[None]
    load_strict(target, state, "t", ignore=("text_model.embeddings.position_ids",))
    for k, v in source.state_dict().items():
        assert torch.equal(target.state_dict()[k], v), k


def test_caption_state_strips_module_and_drops_clip_and_mask_buffers():
    cfg = Gpt2Config(vocab_size=11, positions=6, width=8, layers=1, heads=2, prefix_dim=4,
                     clip_width=8)
    model = randomize(CaptionDecoder(cfg), seed=2)
    raw = {"module." + k: v for k, v in model.state_dict().items()}
    raw["module.clip_model.visual.proj"] = torch.zeros(2)
    raw["module.gpt.transformer.h.0.attn.bias"] = torch.ones(1, 1, 6, 6)
    raw["module.gpt.transformer.h.0.attn.masked_bias"] = torch.tensor(-1e4)
    state = caption_state(raw)
    assert set(state) == set(model.state_dict())
    fresh = CaptionDecoder(cfg)
    load_strict(fresh, state, "caption")
    # lm_head is tied to wte, as in GPT-2.
    assert fresh.gpt.lm_head.weight.data_ptr() == fresh.gpt.transformer.wte.weight.data_ptr()
    # A Conv1D keeps GPT-2's [in, out] layout: the file's matrix multiplies from the right.
    x = torch.randn(3, 8)
    c_fc = fresh.gpt.transformer.h[0].mlp.c_fc
    w = state["gpt.transformer.h.0.mlp.c_fc.weight"]
    assert w.shape == (8, 32)
    assert torch.allclose(c_fc(x), x @ w + state["gpt.transformer.h.0.mlp.c_fc.bias"])


def _write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    names = {np.float32: "F32", np.float16: "F16", np.int64: "I64"}
    for name, arr in tensors.items():
        raw = arr.tobytes()
        header[name] = {"dtype": names[arr.dtype.type], "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def test_safetensors_reader_returns_values_shapes_and_types(tmp_path):
    a = np.arange(6, dtype=np.float32).reshape(2, 3) / 7
    b = np.array([1.5, -2.25], dtype=np.float16)
    c = np.array([[3, -4]], dtype=np.int64)
    _write_safetensors(tmp_path / "m.safetensors", {"a": a, "b": b, "c": c})
    got = read_safetensors(tmp_path / "m.safetensors")
    assert set(got) == {"a", "b", "c"}
    assert got["a"].dtype == torch.float32 and np.array_equal(got["a"].numpy(), a)
    assert got["b"].dtype == torch.float16 and np.array_equal(got["b"].numpy(), b)
    assert got["c"].dtype == torch.int64 and got["c"].tolist() == [[3, -4]]


def test_nested_state_dict_is_unwrapped(tmp_path):
    torch.save({"state_dict": {"w": torch.ones(2)}, "epoch": 3}, tmp_path / "x.ckpt")
    assert list(read_state_dict(tmp_path / "x.ckpt")) == ["w"]


def test_tiny_sources_load_and_a_wrong_file_is_refused(tmp_path):
    src, arch = write_tiny_sources(tmp_path)
    nets = load_networks(src, arch)
    assert nets.uvit.config.use_data_type
    # The VAE file given as the U-ViT must fail with the U-ViT's name and a key.
    bad = src.__class__(src.autoencoder, src.autoencoder, src.caption_decoder, src.clip_text,
                        src.clip_vision, src.gpt2)
    with pytest.raises(CheckpointError,
                       match=r"(?s)U-ViT \(.*autoencoder_kl.pth\).*missing tensor "
                             r"clip_img_embed.weight: expected shape \[64, 16\]"):
        load_networks(bad, arch)
