"""The published architectures' building blocks against independent formulas."""

import math

import torch
import torch.nn.functional as F

from unidiffuser_v1.clip_text import ClipTextConfig, ClipTextModel, TextEncoderOnnx
from unidiffuser_v1.common import quick_gelu
from unidiffuser_v1.gpt2_decoder import CaptionDecoder, Gpt2Config, TextDecoderOnnx
from unidiffuser_v1.sd_vae import (AttnBlock, AutoencoderKL, Downsample, ResnetBlock,
                                   SdVaeConfig)
from unidiffuser_v1.tiny import randomize

VAE = SdVaeConfig(base_channels=8, channel_mult=(1, 2, 2), res_blocks=1, norm_groups=4)
GPT = Gpt2Config(vocab_size=30, positions=16, width=16, layers=2, heads=2, prefix_dim=4,
                 clip_width=12)


def test_downsample_pads_only_bottom_and_right():
    down = randomize(Downsample(3), seed=1)
    x = torch.randn(1, 3, 6, 6)
    padded = torch.zeros(1, 3, 7, 7)
    padded[:, :, :6, :6] = x
    want = F.conv2d(padded, down.conv.weight, down.conv.bias, stride=2)
    assert torch.allclose(down(x), want, atol=1e-6)
    assert down(x).shape == (1, 3, 3, 3)


def test_vae_attention_is_single_head_softmax_over_pixels():
    attn = randomize(AttnBlock(VAE, 8), seed=2)
    x = torch.randn(2, 8, 3, 3)
    h = F.group_norm(x, 4, attn.norm.weight, attn.norm.bias, eps=1e-6)
    q, k, v = (F.conv2d(h, m.weight, m.bias).flatten(2) for m in (attn.q, attn.k, attn.v))
    w = torch.einsum("bci,bcj->bij", q, k) / math.sqrt(8)
    out = torch.einsum("bij,bcj->bci", w.softmax(-1), v).reshape(2, 8, 3, 3)
    want = x + F.conv2d(out, attn.proj_out.weight, attn.proj_out.bias)
    assert torch.allclose(attn(x), want, atol=1e-5)


def test_resnet_block_with_width_change_uses_the_1x1_shortcut():
    block = randomize(ResnetBlock(VAE, 4, 8), seed=3)
    x = torch.randn(1, 4, 5, 5)
    h = F.conv2d(F.silu(F.group_norm(x, 4, block.norm1.weight, block.norm1.bias, 1e-6)),
                 block.conv1.weight, block.conv1.bias, padding=1)
    h = F.conv2d(F.silu(F.group_norm(h, 4, block.norm2.weight, block.norm2.bias, 1e-6)),
                 block.conv2.weight, block.conv2.bias, padding=1)
    want = F.conv2d(x, block.nin_shortcut.weight, block.nin_shortcut.bias) + h
    assert torch.allclose(block(x), want, atol=1e-5)


def test_vae_factor_and_moment_channels():
    vae = randomize(AutoencoderKL(VAE), seed=4).eval()
    with torch.no_grad():
        moments = vae.moments(torch.randn(1, 3, 16, 16))
        image = vae.decode(torch.randn(1, 4, 4, 4))
    assert VAE.factor == 4
    assert moments.shape == (1, 8, 4, 4)
    assert image.shape == (1, 3, 16, 16)


def test_quick_gelu_values():
    x = torch.tensor([-2.0, 0.0, 1.0, 3.0])
    want = torch.tensor([v / (1 + math.exp(-1.702 * v)) for v in x.tolist()])
    assert torch.allclose(quick_gelu(x), want, atol=1e-7)


def test_clip_text_is_causal_and_the_reduction_is_folded_in():
    cfg = ClipTextConfig(vocab_size=40, width=12, layers=2, heads=2, mlp=24, positions=6)
    clip = randomize(ClipTextModel(cfg), seed=5).eval()
    reduce = randomize(torch.nn.Linear(12, 4), seed=6)
    ids = torch.tensor([[1, 5, 9, 13, 2, 2]])
    changed = ids.clone()
    changed[0, 3] = 30
    with torch.no_grad():
        a, b = clip(ids), clip(changed)
        latent = TextEncoderOnnx(clip, reduce)(ids)
    assert torch.equal(a[:, :3], b[:, :3])
    assert (a[:, 3:] - b[:, 3:]).abs().max() > 1e-4
    assert torch.allclose(latent, reduce(a), atol=1e-6)


def gpt2_reference(sd, cfg, embeds):
    """GPT-2 from the published description, on the raw [in, out] Conv1D matrices."""
    w, heads = cfg.width, cfg.heads
    d = w // heads
    n = embeds.shape[1]
    x = embeds + sd["gpt.transformer.wpe.weight"][:n]
    mask = torch.tril(torch.ones(n, n, dtype=torch.bool))

    def ln(v, name):
        return F.layer_norm(v, (w,), sd[name + ".weight"], sd[name + ".bias"], 1e-5)

    for i in range(cfg.layers):
        p = f"gpt.transformer.h.{i}"
        h = ln(x, p + ".ln_1")
        qkv = h @ sd[p + ".attn.c_attn.weight"] + sd[p + ".attn.c_attn.bias"]
        heads_out = []
        for j in range(heads):
            q = qkv[..., j * d:(j + 1) * d]
            k = qkv[..., w + j * d:w + (j + 1) * d]
            v = qkv[..., 2 * w + j * d:2 * w + (j + 1) * d]
            s = (q @ k.transpose(-1, -2) / math.sqrt(d)).masked_fill(~mask, float("-inf"))
            heads_out.append(s.softmax(-1) @ v)
        x = x + torch.cat(heads_out, -1) @ sd[p + ".attn.c_proj.weight"] \
            + sd[p + ".attn.c_proj.bias"]
        h = ln(x, p + ".ln_2") @ sd[p + ".mlp.c_fc.weight"] + sd[p + ".mlp.c_fc.bias"]
        h = 0.5 * h * (1 + torch.tanh(math.sqrt(2 / math.pi) * (h + 0.044715 * h ** 3)))
        x = x + h @ sd[p + ".mlp.c_proj.weight"] + sd[p + ".mlp.c_proj.bias"]
    return ln(x, "gpt.transformer.ln_f") @ sd["gpt.lm_head.weight"].T


def test_text_decoder_logits_follow_the_prefix_and_ignore_the_last_placeholder():
    dec = randomize(CaptionDecoder(GPT), seed=7).eval()
    onnx_module = TextDecoderOnnx(dec)
    sd = dec.state_dict()
    latent = torch.randn(1, 5, 4)
    ids = torch.tensor([[3, 17, 8, 29]])
    with torch.no_grad():
        logits = onnx_module(latent, ids)
        other_last = onnx_module(latent, torch.tensor([[3, 17, 8, 0]]))
        prefix = latent @ sd["decode_prefix.weight"].T + sd["decode_prefix.bias"]
        embeds = torch.cat([prefix, sd["gpt.transformer.wte.weight"][ids[:, :-1]]], 1)
        ref = gpt2_reference(sd, GPT, embeds)
    assert logits.shape == (1, 4, 30)
    # logits[:, i] is token i's distribution: reference positions 4 (the last prefix
    # position), 5, 6, 7, which see the prefix and tokens 0..i-1.
    assert torch.allclose(logits, ref[:, 4:], atol=1e-5)
    assert torch.equal(logits, other_last)
    with torch.no_grad():
        first_only = onnx_module(latent, ids[:, :1])
    assert torch.allclose(first_only[:, 0], logits[:, 0], atol=1e-6)
