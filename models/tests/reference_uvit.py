"""An independent float64 re-statement of the U-ViT forward, written from the spec's prose.

It shares no code with ``unidiff_models.uvit``: patches are cut by reshaping (not a conv),
heads are looped one by one, GELU is written with erf, and the group rule is applied token by
token. Tests compare the real module against it.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def _ln(sd, name, x):
    return F.layer_norm(x, (x.shape[-1],), sd[name + ".weight"], sd[name + ".bias"], eps=1e-5)


def _linear(sd, name, x, bias=True):
    y = x @ sd[name + ".weight"].T
    return y + sd[name + ".bias"] if bias else y


def _temb(t, dim):
    half = dim // 2
    i = torch.arange(half, dtype=torch.float64)
    freqs = torch.exp(-math.log(10000.0) * i / half)
    args = t[:, None].double() * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


def _attention(sd, name, x, heads, allowed):
    w = x.shape[-1]
    d = w // heads
    qkv = _linear(sd, name + ".qkv", x, bias=False)
    q, k, v = qkv[..., :w], qkv[..., w:2 * w], qkv[..., 2 * w:]
    outs = []
    for h in range(heads):
        qh, kh, vh = (z[..., h * d:(h + 1) * d] for z in (q, k, v))
        scores = qh @ kh.transpose(-1, -2) / math.sqrt(d)
        scores = scores.masked_fill(~allowed, float("-inf"))
        outs.append(torch.softmax(scores, dim=-1) @ vh)
    return _linear(sd, name + ".proj", torch.cat(outs, dim=-1))


def _block(sd, name, x, heads, allowed, skip=None):
    if skip is not None:
        x = _ln(sd, name + ".norm1", _linear(sd, name + ".skip_linear", torch.cat([x, skip], -1)))
    x = _ln(sd, name + ".norm2", x + _attention(sd, name + ".attn", x, heads, allowed))
    hidden = _linear(sd, name + ".mlp.fc1", x)
    hidden = 0.5 * hidden * (1.0 + torch.erf(hidden / math.sqrt(2.0)))
    return _ln(sd, name + ".norm3", x + _linear(sd, name + ".mlp.fc2", hidden))


def reference_forward(state_dict, cfg, img, clip_img, text, t_img, t_text, data_type=None):
    """Inputs with a group axis, as the module takes them; returns the three outputs (float64)."""
    sd = {k: v.double() for k, v in state_dict.items()}
    b, g, c, h, w = img.shape
    p, width, n_text = cfg.patch_size, cfg.width, cfg.text_tokens
    hp, wp = h // p, w // p
    seqs, stream = [], []
    for j in range(g):
        x = img[:, j].double()
        # Patch vectors in the conv kernel's (channel, row, column) order, grid row-major.
        patches = x.reshape(b, c, hp, p, wp, p).permute(0, 2, 4, 1, 3, 5).reshape(b, hp * wp, -1)
        tok_patch = patches @ sd["patch_embed.proj.weight"].reshape(width, -1).T \
            + sd["patch_embed.proj.bias"]
        parts = [_temb(t_img[:, j], width)[:, None], _temb(t_text[:, j], width)[:, None]]
        if data_type is not None:
            parts.append(sd["token_embedding.weight"][data_type][:, None])
        parts += [_linear(sd, "text_embed", text[:, j].double()),
                  _linear(sd, "clip_img_embed", clip_img[:, j].double()), tok_patch]
        pos = sd["pos_embed"]
        if data_type is not None:
            pos = torch.cat([pos[:, :2], sd["pos_embed_token"], pos[:, 2:]], dim=1)
        seq = torch.cat(parts, dim=1) + pos
        if "slot_embed" in sd:
            seq = seq + sd["slot_embed"][j]
        seqs.append(seq)
        n = seq.shape[1]
        first_image_token = n - hp * wp - 1
        stream += [(j, i >= first_image_token) for i in range(n)]
    x = torch.cat(seqs, dim=1)
    total = len(stream)
    allowed = torch.zeros(total, total, dtype=torch.bool)
    for qi, (img_q, s_q) in enumerate(stream):
        for ki, (img_k, s_k) in enumerate(stream):
            allowed[qi, ki] = img_q == img_k or (s_q and s_k)
    skips = []
    for i in range(cfg.in_blocks):
        x = _block(sd, f"in_blocks.{i}", x, cfg.heads, allowed)
        skips.append(x)
    x = _block(sd, "mid_block", x, cfg.heads, allowed)
    for i in range(cfg.in_blocks):
        x = _block(sd, f"out_blocks.{i}", x, cfg.heads, allowed, skip=skips[cfg.in_blocks - 1 - i])
    x = _ln(sd, "norm", x)
    n = total // g
    start = 3 if data_type is not None else 2
    img_out, clip_out, text_out = [], [], []
    for j in range(g):
        y = x[:, j * n:(j + 1) * n]
        text_out.append(_linear(sd, "text_out", y[:, start:start + n_text]))
        clip_out.append(_linear(sd, "clip_img_out", y[:, start + n_text:start + n_text + 1]))
        pred = _linear(sd, "decoder_pred", y[:, start + n_text + 1:])  # [b, P, p*p*c], (p1, p2, c)
        out = torch.zeros(b, c, h, w, dtype=torch.float64)
        for gi in range(hp):
            for gj in range(wp):
                vec = pred[:, gi * wp + gj]
                for p1 in range(p):
                    for p2 in range(p):
                        for ch in range(c):
                            out[:, ch, gi * p + p1, gj * p + p2] = vec[:, (p1 * p + p2) * c + ch]
        img_out.append(out)
    return torch.stack(img_out, 1), torch.stack(clip_out, 1), torch.stack(text_out, 1)
