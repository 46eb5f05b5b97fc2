"""The shared U-ViT in the v1 layout (data_type token) against an independent implementation.

The reference below is written from the fact sheet (unidiffuser-reference.md section 1) and the
group rule (bundle-contract.md), with explicit loops, working directly on the state dict; it
shares no code with ``unidiff_models.uvit``.
"""

import math
from dataclasses import replace

import pytest
import torch
import torch.nn.functional as F

from unidiff_models.uvit import UViT, UViTConfig
from unidiffuser_v1.tiny import randomize

CFG = replace(UViTConfig.unidiffuser_v1(), latent_height=4, latent_width=4, width=32,
              in_blocks=1, heads=2, clip_dim=8, text_tokens=5, text_dim=6)


def sinusoid(t: float, dim: int) -> torch.Tensor:
    half = dim // 2
    freqs = torch.tensor([math.exp(-math.log(10000.0) * i / half) for i in range(half)])
    return torch.cat([torch.cos(t * freqs), torch.sin(t * freqs)])


def reference_forward(sd, c, img, clip_img, text, t_img, t_text, data_type, grouped=True):
    b, g = img.shape[:2]
    w, p, heads = c.width, c.patch_size, c.heads
    pos = torch.cat([sd["pos_embed"][0, :2], sd["pos_embed_token"][0], sd["pos_embed"][0, 2:]])
    seqs, stream = [], []
    for bi in range(b):
        row = []
        for gi in range(g):
            toks = [sinusoid(float(t_img[bi, gi]), w), sinusoid(float(t_text[bi, gi]), w),
                    sd["token_embedding.weight"][int(data_type[bi])]]
            toks += list(text[bi, gi] @ sd["text_embed.weight"].T + sd["text_embed.bias"])
            toks.append(clip_img[bi, gi, 0] @ sd["clip_img_embed.weight"].T
                        + sd["clip_img_embed.bias"])
            for hi in range(c.latent_height // p):
                for wi in range(c.latent_width // p):
                    patch = img[bi, gi, :, hi * p:(hi + 1) * p, wi * p:(wi + 1) * p]
                    toks.append(torch.einsum("ocij,cij->o", sd["patch_embed.proj.weight"], patch)
                                + sd["patch_embed.proj.bias"])
            row.append(torch.stack(toks) + pos)
        seqs.append(torch.cat(row))
    x = torch.stack(seqs)
    n = c.tokens
    image_stream = [i >= 3 + c.text_tokens for i in range(n)]
    size = g * n
    allowed = torch.zeros(size, size, dtype=torch.bool)
    for q in range(size):
        for k in range(size):
            same = q // n == k // n
            allowed[q, k] = same or (grouped and image_stream[q % n] and image_stream[k % n]) \
                or (not grouped)

    def ln(v, name):
        return F.layer_norm(v, (w,), sd[name + ".weight"], sd[name + ".bias"])

    def block(v, name, skip=None):
        if skip is not None:
            v = ln(torch.cat([v, skip], -1) @ sd[name + ".skip_linear.weight"].T
                   + sd[name + ".skip_linear.bias"], name + ".norm1")
        qkv = v @ sd[name + ".attn.qkv.weight"].T
        d = w // heads
        outs = []
        for h in range(heads):
            q = qkv[..., h * d:(h + 1) * d]
            k = qkv[..., w + h * d:w + (h + 1) * d]
            val = qkv[..., 2 * w + h * d:2 * w + (h + 1) * d]
            s = (q @ k.transpose(-1, -2)) / math.sqrt(d)
            s = s.masked_fill(~allowed, float("-inf"))
            outs.append(s.softmax(-1) @ val)
        att = torch.cat(outs, -1) @ sd[name + ".attn.proj.weight"].T + sd[name + ".attn.proj.bias"]
        v = ln(v + att, name + ".norm2")
        hdn = F.gelu(v @ sd[name + ".mlp.fc1.weight"].T + sd[name + ".mlp.fc1.bias"])
        return ln(v + hdn @ sd[name + ".mlp.fc2.weight"].T + sd[name + ".mlp.fc2.bias"],
                  name + ".norm3")

    skips = []
    for i in range(c.in_blocks):
        x = block(x, f"in_blocks.{i}")
        skips.append(x)
    x = block(x, "mid_block")
    for i in range(c.in_blocks):
        x = block(x, f"out_blocks.{i}", skips.pop())
    x = ln(x, "norm").reshape(b, g, n, w)
    s = 3
    text_out = x[:, :, s:s + c.text_tokens] @ sd["text_out.weight"].T + sd["text_out.bias"]
    clip_out = x[:, :, s + c.text_tokens:s + c.text_tokens + 1] @ sd["clip_img_out.weight"].T \
        + sd["clip_img_out.bias"]
    pred = x[:, :, s + c.text_tokens + 1:] @ sd["decoder_pred.weight"].T + sd["decoder_pred.bias"]
    img_out = torch.zeros_like(img)
    gw = c.latent_width // p
    for idx in range(pred.shape[2]):
        hi, wi = divmod(idx, gw)
        for p1 in range(p):
            for p2 in range(p):
                for ch in range(c.latent_channels):
                    img_out[:, :, ch, hi * p + p1, wi * p + p2] = \
                        pred[:, :, idx, (p1 * p + p2) * c.latent_channels + ch]
    return img_out, clip_out, text_out


def inputs(b, g, seed=0):
    gen = torch.Generator().manual_seed(seed)
    c = CFG
    return (torch.randn(b, g, 4, c.latent_height, c.latent_width, generator=gen),
            torch.randn(b, g, 1, c.clip_dim, generator=gen),
            torch.randn(b, g, c.text_tokens, c.text_dim, generator=gen),
            torch.rand(b, g, generator=gen) * 1000, torch.rand(b, g, generator=gen) * 1000,
            torch.tensor([1, 0][:b]))


@pytest.fixture(scope="module")
def model():
    return randomize(UViT(CFG), seed=5).eval()


def assert_close(got, want, atol=2e-5):
    for a, e in zip(got, want):
        assert torch.allclose(a, e, atol=atol, rtol=0), (a - e).abs().max()


def test_plain_model_matches_the_fact_sheet(model):
    args = inputs(2, 1)
    with torch.no_grad():
        assert_close(model(*args), reference_forward(model.state_dict(), CFG, *args))


def test_group_of_three_matches_the_contract_rule(model):
    args = inputs(2, 3, seed=1)
    sd = model.state_dict()
    with torch.no_grad():
        got = model(*args)
        assert_close(got, reference_forward(sd, CFG, *args))
        # The rule matters: without it (all tokens see all tokens) the outputs differ.
        free = reference_forward(sd, CFG, *args, grouped=False)
    assert (got[2] - free[2]).abs().max() > 1e-3


def test_text_tokens_never_see_another_image():
    # With a single block, a text token's output depends only on what it attends to; changing
    # everything about image 1 must leave image 0's text output bit-identical, while image 0's
    # image tokens (which see image 1's image tokens) change.
    shallow = randomize(UViT(replace(CFG, in_blocks=0)), seed=6).eval()
    a = inputs(1, 2, seed=3)
    b = inputs(1, 2, seed=4)
    mixed = [torch.cat([x[:, :1], y[:, 1:]], 1) for x, y in zip(a[:5], b[:5])] + [a[5]]
    with torch.no_grad():
        out_a, out_m = shallow(*a), shallow(*mixed)
    assert torch.equal(out_a[2][:, 0], out_m[2][:, 0])
    assert (out_a[0][:, 0] - out_m[0][:, 0]).abs().max() > 1e-4
    assert (out_a[1][:, 0] - out_m[1][:, 0]).abs().max() > 1e-4
