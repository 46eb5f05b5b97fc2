"""U-ViT: reference layout, exact forward against an independent re-statement, group attention."""

import math

import numpy as np
import pytest
import torch

from reference_uvit import reference_forward
from unidiff_models.uvit import (UViT, UViTConfig, group_attention_allowed, sincos_2d,
                                 timestep_embedding)

TINY = dict(latent_channels=4, latent_height=6, latent_width=8, patch_size=2, width=32,
            in_blocks=2, heads=4, clip_dim=7, text_tokens=5, text_dim=6)


def randomized(cfg: UViTConfig, seed: int = 0) -> UViT:
    """A model whose every parameter (biases, norms, positions too) is random."""
    torch.manual_seed(seed)
    model = UViT(cfg).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p) * 0.3)
    return model


def inputs(cfg: UViTConfig, b: int, g: int, seed: int = 1):
    gen = torch.Generator().manual_seed(seed)
    args = [torch.randn(b, g, cfg.latent_channels, cfg.latent_height, cfg.latent_width, generator=gen),
            torch.randn(b, g, 1, cfg.clip_dim, generator=gen),
            torch.randn(b, g, cfg.text_tokens, cfg.text_dim, generator=gen),
            torch.rand(b, g, generator=gen) * 1000, torch.rand(b, g, generator=gen) * 1000]
    if cfg.use_data_type:
        args.append(torch.randint(0, cfg.data_types, (b,), generator=gen))
    return args


def test_v1_config_has_the_reference_parameter_count_and_keys():
    model = UViT(UViTConfig.unidiffuser_v1(), device="meta")
    sd = model.state_dict()
    assert sum(v.numel() for v in sd.values()) == 952_509_520
    assert tuple(sd["pos_embed"].shape) == (1, 1104, 1536)
    assert tuple(sd["pos_embed_token"].shape) == (1, 1, 1536)
    assert tuple(sd["token_embedding.weight"].shape) == (2, 1536)
    assert tuple(sd["in_blocks.0.attn.qkv.weight"].shape) == (4608, 1536)
    assert "in_blocks.0.attn.qkv.bias" not in sd
    assert tuple(sd["out_blocks.14.skip_linear.weight"].shape) == (1536, 3072)
    assert tuple(sd["decoder_pred.weight"].shape) == (16, 1536)
    assert tuple(sd["clip_img_embed.weight"].shape) == (1536, 512)
    assert tuple(sd["text_embed.weight"].shape) == (1536, 64)
    per_block = {"norm2", "attn.qkv", "attn.proj", "norm3", "mlp.fc1", "mlp.fc2"}
    top = {k.rsplit(".", 1)[0] for k in sd if not k.startswith(("in_blocks", "out_blocks", "mid_block"))}
    assert top == {"pos_embed", "pos_embed_token", "patch_embed.proj", "text_embed", "text_out",
                   "clip_img_embed", "clip_img_out", "norm", "decoder_pred", "token_embedding"}
    for prefix, extra in (("in_blocks.3.", set()), ("mid_block.", set()),
                          ("out_blocks.7.", {"norm1", "skip_linear"})):
        names = {k[len(prefix):].rsplit(".", 1)[0] for k in sd if k.startswith(prefix)}
        assert names == per_block | extra, prefix
    assert len([k for k in sd if k.startswith("in_blocks.") and k.endswith("norm2.weight")]) == 15


def test_v0_layout_drops_the_data_type_token():
    cfg = UViTConfig(**{**UViTConfig.unidiffuser_v1().to_dict(), "use_data_type": False})
    sd = UViT(cfg, device="meta").state_dict()
    assert tuple(sd["pos_embed"].shape) == (1, 1104, 1536)
    assert "token_embedding.weight" not in sd and "pos_embed_token" not in sd
    assert sum(v.numel() for v in sd.values()) == 952_509_520 - 2 * 1536 - 1536


def test_timestep_embedding_is_cos_then_sin_of_the_reference_frequencies():
    t = torch.tensor([0.0, 1.0, 20.98, 1000.0])
    emb = timestep_embedding(t, 8).double().numpy()
    freqs = np.exp(-np.log(10000.0) * np.arange(4) / 4)
    expected = np.concatenate([np.cos(t.numpy()[:, None] * freqs), np.sin(t.numpy()[:, None] * freqs)], 1)
    np.testing.assert_allclose(emb, expected, atol=2e-4)
    assert emb[1, 0] == pytest.approx(math.cos(1.0), abs=1e-6)
    assert emb[1, 4] == pytest.approx(math.sin(1.0), abs=1e-6)


@pytest.mark.parametrize("data_type", [False, True])
def test_single_image_matches_the_independent_reference(data_type):
    cfg = UViTConfig(**TINY, use_data_type=data_type)
    model = randomized(cfg)
    args = inputs(cfg, b=2, g=1)
    with torch.no_grad():
        got = model(*args)
    want = reference_forward(model.state_dict(), cfg, *args)
    for a, e in zip(got, want):
        assert a.shape == e.shape
        np.testing.assert_allclose(a.double().numpy(), e.numpy(), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("slots", [0, 4])
def test_group_matches_the_independent_reference(slots):
    cfg = UViTConfig(**TINY, use_data_type=True, slots=slots)
    model = randomized(cfg, seed=3)
    args = inputs(cfg, b=2, g=3, seed=4)
    with torch.no_grad():
        got = model(*args)
    want = reference_forward(model.state_dict(), cfg, *args)
    for a, e in zip(got, want):
        np.testing.assert_allclose(a.double().numpy(), e.numpy(), rtol=1e-4, atol=1e-4)


def test_group_of_one_equals_each_image_alone():
    """G = 1 applies no mask at all: batching images as singles gives identical outputs."""
    cfg = UViTConfig(**TINY)
    model = randomized(cfg, seed=5)
    args = inputs(cfg, b=3, g=1, seed=6)
    with torch.no_grad():
        batched = model(*args)
        for i in range(3):
            alone = model(*[a[i:i + 1] for a in args])
            for x, y in zip(batched, alone):
                np.testing.assert_allclose(x[i:i + 1].numpy(), y.numpy(), rtol=0, atol=1e-6)


def test_allowed_mask_follows_the_contract_rule():
    stream = torch.tensor([False, False, False, True, True])  # t_img, t_text, text, clip, patch
    allowed = group_attention_allowed(3, stream)
    assert allowed.shape == (15, 15)
    for q in range(15):
        for k in range(15):
            same = q // 5 == k // 5
            both_image = bool(stream[q % 5]) and bool(stream[k % 5])
            assert bool(allowed[q, k]) == (same or both_image), (q, k)


def test_text_of_one_image_never_sees_another_image():
    """In a single block, image 0's text output must ignore everything of image 2, while its
    image-stream outputs must not (image tokens attend across the group)."""
    cfg = UViTConfig(**{**TINY, "in_blocks": 0})
    model = randomized(cfg, seed=7)
    args = inputs(cfg, b=1, g=3, seed=8)
    changed = [a.clone() for a in args]
    for a in changed:
        a[:, 2] = a[:, 2] + 3.0 * torch.randn_like(a[:, 2])
    with torch.no_grad():
        img0, clip0, text0 = model(*args)
        img1, clip1, text1 = model(*changed)
    np.testing.assert_allclose(text1[:, 0].numpy(), text0[:, 0].numpy(), rtol=0, atol=1e-6)
    assert (img1[:, 0] - img0[:, 0]).abs().max() > 1e-3
    assert (clip1[:, 0] - clip0[:, 0]).abs().max() > 1e-3


def test_group_order_only_matters_with_slot_embeddings():
    for slots, equivariant in ((0, True), (4, False)):
        cfg = UViTConfig(**TINY, slots=slots)
        model = randomized(cfg, seed=9)
        args = inputs(cfg, b=2, g=3, seed=10)
        perm = [2, 0, 1]
        with torch.no_grad():
            out = model(*args)
            out_p = model(*[a[:, perm] for a in args])
        close = all(torch.allclose(o[:, perm], q, atol=1e-5) for o, q in zip(out, out_p))
        assert close == equivariant, slots


def test_bad_inputs_name_the_tensor_and_the_expected_shape():
    cfg = UViTConfig(**TINY)
    model = UViT(cfg)
    args = inputs(cfg, b=2, g=2)
    args[2] = args[2][:, :, :4]
    with pytest.raises(ValueError, match=r"text must have shape \[2, 2, 5, 6\]"):
        model(*args)
    with pytest.raises(ValueError, match="data_type"):
        model(*inputs(cfg, b=2, g=2), torch.zeros(2, dtype=torch.long))
    with pytest.raises(ValueError, match="divisible"):
        UViTConfig(width=30, heads=4)


def test_velocity_alpha_sigma_match_the_training_schedule_and_interpolate_log_alpha():
    """Integer timesteps give the training schedule exactly; fractions interpolate log alpha."""
    from unidiff_models.schedule import NoiseSchedule, alphas_cumprod
    model = UViT(UViTConfig(**TINY, prediction="velocity"))
    sched = NoiseSchedule()
    n = torch.tensor([0, 1, 2, 57, 500, 999, 1000])
    alpha, sigma = model.alpha_sigma(n.float())
    np.testing.assert_allclose(alpha.numpy(), sched.sqrt_ac[n].numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sigma.numpy(), sched.sqrt_1m_ac[n].numpy(), rtol=1e-4, atol=1e-6)
    log_ac = 0.5 * np.log(alphas_cumprod())
    a, _ = model.alpha_sigma(torch.tensor([980.25], dtype=torch.float64))
    want = math.exp(log_ac[979] + 0.25 * (log_ac[980] - log_ac[979]))
    assert abs(float(a) - want) < 1e-6


def test_velocity_model_returns_the_noise_its_velocity_implies():
    """forward() = alpha * forward_raw() + sigma * x_t, stream by stream with its own timestep."""
    cfg = UViTConfig(**TINY, prediction="velocity")
    model = randomized(cfg, seed=8)
    args = inputs(cfg, b=2, g=3, seed=9)
    with torch.no_grad():
        raw = model.forward_raw(*args)
        eps = model(*args)
        for out, v, x, t in zip(eps, raw, args[:3], (args[3], args[3], args[4])):
            a, s = model.alpha_sigma(t)
            shape = tuple(t.shape) + (1,) * (x.dim() - 2)
            want = a.reshape(shape) * v + s.reshape(shape) * x
            np.testing.assert_allclose(out.numpy(), want.numpy(), rtol=1e-6, atol=1e-6)
    # A clean stream (t = 0) gets alpha 1, sigma 0: finite, equal to the raw output.
    zero = [a.clone() for a in args]
    zero[3].zero_()
    with torch.no_grad():
        np.testing.assert_allclose(model(*zero)[0].numpy(), model.forward_raw(*zero)[0].numpy(),
                                   rtol=1e-6, atol=1e-6)


def test_velocity_changes_no_state_dict_key():
    """Velocity prediction is a reading of the outputs, not new weights: the keys stay the reference's."""
    eps_keys = set(UViT(UViTConfig(**TINY)).state_dict())
    assert set(UViT(UViTConfig(**TINY, prediction="velocity")).state_dict()) == eps_keys
    assert set(UViT(UViTConfig(**TINY, prediction="x0")).state_dict()) == eps_keys
    with pytest.raises(ValueError, match="prediction"):
        UViTConfig(**TINY, prediction="sample")


def test_x0_model_returns_the_noise_its_clean_estimate_implies():
    """forward() = (x_t - alpha * forward_raw()) / sigma: with the true clean stream as the raw
    output, the noise comes back exactly; a clean stream (sigma 0) stays finite."""
    from unidiff_models.schedule import NoiseSchedule
    cfg = UViTConfig(**TINY, prediction="x0")
    model = randomized(cfg, seed=8)
    args = inputs(cfg, b=2, g=3, seed=9)
    with torch.no_grad():
        raw = model.forward_raw(*args)
        eps = model(*args)
        for out, x0, x, t in zip(eps, raw, args[:3], (args[3], args[3], args[4])):
            a, s = model.alpha_sigma(t)
            shape = tuple(t.shape) + (1,) * (x.dim() - 2)
            want = (x - a.reshape(shape) * x0) / s.reshape(shape)
            np.testing.assert_allclose(out.numpy(), want.numpy(), rtol=1e-4, atol=1e-4)
    # The conversion itself against the schedule: x_t made from (x0, eps) at integer steps gives eps back.
    sched = NoiseSchedule()
    gen = torch.Generator().manual_seed(1)
    x0, noise = torch.randn(2, 3, 4, 4, 4, generator=gen), torch.randn(2, 3, 4, 4, 4, generator=gen)
    n = torch.tensor([[1, 400, 1000], [37, 999, 640]])
    xt = sched.add_noise(x0, noise, n)
    back = UViT._eps_from_x0(x0, xt, model.alpha_sigma(n.float()))
    np.testing.assert_allclose(back.numpy(), noise.numpy(), rtol=1e-3, atol=2e-3)
    zero = [a.clone() for a in args]
    zero[3].zero_()
    with torch.no_grad():
        assert torch.isfinite(model(*zero)[0]).all()


def test_sincos_table_encodes_row_then_column():
    """dim 8: frequencies 1 and 1/100; channels sin, sin, cos, cos of the row, then of the column."""
    table = sincos_2d(3, 5, 8).double()
    assert table.shape == (15, 8)
    for r in range(3):
        for c in range(5):
            want = [math.sin(r), math.sin(r / 100), math.cos(r), math.cos(r / 100),
                    math.sin(c), math.sin(c / 100), math.cos(c), math.cos(c / 100)]
            np.testing.assert_allclose(table[r * 5 + c].numpy(), want, atol=1e-7)
    with pytest.raises(ValueError, match="divisible by 4"):
        sincos_2d(2, 2, 6)


def test_sincos_init_sets_only_the_patch_positions_and_keeps_the_keys():
    cfg = UViTConfig(**TINY, pos_init="sincos")
    torch.manual_seed(0)
    model = UViT(cfg)
    torch.manual_seed(0)
    plain = UViT(UViTConfig(**TINY))
    assert set(model.state_dict()) == set(plain.state_dict())
    patches = model.pos_embed[0, -cfg.patches:]
    torch.testing.assert_close(patches, sincos_2d(3, 4, 32))
    # Every patch has its own position; the other tokens keep the reference's small random init.
    assert torch.cdist(patches, patches).add(torch.eye(cfg.patches)).min() > 0.1
    torch.testing.assert_close(model.pos_embed[0, :-cfg.patches], plain.pos_embed[0, :-cfg.patches])
    assert model.pos_embed[0, :-cfg.patches].std() < 0.03
    with pytest.raises(ValueError, match="pos_init"):
        UViTConfig(**TINY, pos_init="learned")
