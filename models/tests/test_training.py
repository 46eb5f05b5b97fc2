"""Training recipe: schedule facts, timestep sampling, resumable stages, a smoke run end to end."""

import csv
import dataclasses
import math

import numpy as np
import pytest
import torch

from fake_shapes import write_fake_dataset
from unidiff_models import training
from unidiff_models.caption import CaptionConfig, CaptionDecoder, TextReduction, greedy_decode
from unidiff_models.data import ShapesDataset
from unidiff_models.recipe import RecipeConfig, StageConfig
from unidiff_models.schedule import NoiseSchedule, alphas_cumprod
from unidiff_models.tokenizer import WordTokenizer


def test_schedule_matches_the_reference_check_values():
    ac = alphas_cumprod()
    assert ac[0] == pytest.approx(0.99915, abs=5e-6)
    assert ac[999] == pytest.approx(0.0046601, abs=5e-8)


def test_add_noise_uses_step_n_minus_one_and_zero_is_clean():
    sched = NoiseSchedule()
    x0, eps = torch.randn(2, 3, 4), torch.randn(2, 3, 4)
    n = torch.tensor([[0, 1, 1000], [500, 0, 2]])
    xt = sched.add_noise(x0, eps, n)
    ac = alphas_cumprod()
    for i in range(2):
        for j in range(3):
            k = int(n[i, j])
            a = 1.0 if k == 0 else math.sqrt(ac[k - 1])
            s = 0.0 if k == 0 else math.sqrt(1.0 - ac[k - 1])
            torch.testing.assert_close(xt[i, j], a * x0[i, j] + s * eps[i, j])
    assert torch.equal(xt[0, 0], x0[0, 0])
    with pytest.raises(ValueError, match="0..1000"):
        sched.add_noise(x0, eps, torch.full((2, 3), 1001))


def test_timestep_sampling_rates():
    recipe = RecipeConfig()
    rng = np.random.default_rng(0)
    t_img, t_text = training.sample_timesteps(rng, (200_000,), recipe)
    assert not np.any((t_img == 0) & (t_text == 0))
    assert t_img.min() == 0 and t_img.max() == 1000
    assert np.mean(t_img == 0) == pytest.approx(recipe.p_clean, abs=0.005)
    assert np.mean(t_text == 0) == pytest.approx(recipe.p_clean * (1 - recipe.p_clean), abs=0.005)
    assert np.mean(t_img == 1000) == pytest.approx(recipe.p_pure_noise, abs=0.005)
    middle = t_img[(t_img > 0) & (t_img < 1000)]
    assert np.mean(middle) == pytest.approx(500, abs=5)


def test_noise_end_lever_moves_that_share_of_noised_image_draws_to_the_top_tenth():
    off = training.sample_timesteps(np.random.default_rng(3), (100_000,), RecipeConfig())
    same = training.sample_timesteps(np.random.default_rng(3), (100_000,), RecipeConfig(t_noise_end=0.0))
    assert all(np.array_equal(a, b) for a, b in zip(off, same)), "the lever off keeps the random stream"
    t_img, t_text = training.sample_timesteps(np.random.default_rng(3), (200_000,), RecipeConfig(t_noise_end=0.5))
    recipe = RecipeConfig()
    noised = (t_img > 0) & (t_img < 1000)
    # Clean and pure-noise rates unchanged; among the other draws, 0.5 + 0.5 * 0.1 lie in 901..999
    # (a uniform draw from 1..999 lands there 10% of the time; the lever's top tenth is 901..1000).
    assert np.mean(t_img == 0) == pytest.approx(recipe.p_clean, abs=0.005)
    top = (t_img > 900) & (t_img < 1000)
    expected = (1 - recipe.p_clean - recipe.p_pure_noise) * (0.5 * 0.99 + 0.5 * 99 / 999)
    assert np.mean(top) == pytest.approx(expected, abs=0.006)
    assert not np.any((t_img == 0) & (t_text == 0))
    assert noised.any()


def test_refine_timesteps_use_their_own_clean_rate():
    rng = np.random.default_rng(2)
    t_img, _ = training.sample_timesteps(rng, (200_000,), RecipeConfig(), p_clean=0.35)
    assert np.mean(t_img == 0) == pytest.approx(0.35, abs=0.005)


def test_noise_weights_are_one_over_alpha_squared_capped_and_zero_when_clean():
    sched = NoiseSchedule()
    ac = alphas_cumprod()
    n = torch.tensor([[0, 1, 500], [700, 900, 1000]])
    w = training.noise_weights(sched, n, cap=25.0)
    want = np.array([[0.0, 1 / ac[0], 1 / ac[499]], [1 / ac[699], 25.0, 25.0]])
    np.testing.assert_allclose(w.numpy(), want, rtol=1e-5)
    assert torch.equal(training.noise_weights(sched, n, cap=1.0), (n > 0).float())
    with pytest.raises(ValueError, match="cap"):
        training.noise_weights(sched, n, cap=0.5)


def test_velocity_target_is_alpha_noise_minus_sigma_data():
    """v = alpha eps - sigma x0, and x_t, v give back eps = alpha v + sigma x_t exactly."""
    sched = NoiseSchedule()
    gen = torch.Generator().manual_seed(0)
    x0, eps = torch.randn(2, 3, 4, 5, generator=gen), torch.randn(2, 3, 4, 5, generator=gen)
    n = torch.tensor([[1, 300, 1000], [0, 640, 999]])
    v = sched.velocity(x0, eps, n)
    a = sched.sqrt_ac[n][..., None, None]
    s = sched.sqrt_1m_ac[n][..., None, None]
    torch.testing.assert_close(v, a * eps - s * x0)
    xt = sched.add_noise(x0, eps, n)
    torch.testing.assert_close(a * v + s * xt, eps, rtol=1e-5, atol=1e-5)


def test_references_leave_at_least_one_generated_image():
    rng = np.random.default_rng(1)
    t = np.full((5000, 4), 500)
    refs = training.add_references(rng, t, p_reference=0.3)
    zeros = (refs == 0).sum(axis=1)
    assert zeros.max() == 3 and zeros.min() == 0
    assert np.mean(zeros > 0) == pytest.approx(0.3, abs=0.03)
    assert np.array_equal(training.add_references(rng, np.full((4, 1), 7), 1.0), np.full((4, 1), 7))


def test_lr_warms_up_then_decays_to_a_tenth():
    stage = StageConfig(steps=100, batch=1, lr=1.0, budget_share=1.0, warmup=10)
    assert training.lr_at(0, stage) == pytest.approx(0.1)
    assert training.lr_at(9, stage) == pytest.approx(1.0)
    assert training.lr_at(10, stage) == pytest.approx(1.0)
    assert training.lr_at(100, stage) == pytest.approx(0.1)


def _toy_context(tmp_path, dataset):
    return training.RunContext(work=tmp_path, recipe=RecipeConfig.smoke(), dataset=dataset,
                               tokenizer=WordTokenizer(dataset.vocabulary), device=torch.device("cpu"),
                               seed=5, log=training.LossLog(tmp_path / "losses.csv"),
                               checkpoint_every_s=0.0)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return ShapesDataset(write_fake_dataset(tmp_path_factory.mktemp("data"), seed=0))


def _toy_stage(ctx, stop_at=None):
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    stage = StageConfig(steps=6, batch=4, lr=0.1, budget_share=1.0, warmup=1)

    def step_fn(step, rng, gen):
        if stop_at is not None and step == stop_at:
            raise KeyboardInterrupt
        x = torch.from_numpy(rng.normal(size=(4, 3))).float() + torch.randn(4, 3, generator=gen)
        return (model(x) - 1.0).pow(2).mean(), {}

    training.run_stage(ctx, "vae", stage, {"m": model}, list(model.parameters()), step_fn,
                       log_every=1)
    return model


def test_an_interrupted_stage_resumes_to_the_same_weights(tmp_path, dataset):
    straight = _toy_stage(_toy_context(tmp_path / "a", dataset))
    ctx = _toy_context(tmp_path / "b", dataset)
    with pytest.raises(KeyboardInterrupt):
        _toy_stage(ctx, stop_at=3)
    resumed = _toy_stage(ctx)
    assert torch.equal(straight.weight, resumed.weight) and torch.equal(straight.bias, resumed.bias)
    with open(tmp_path / "b" / "losses.csv") as f:
        steps = [int(r["step"]) for r in csv.DictReader(f)]
    assert steps == [1, 2, 3, 4, 5, 6]


def test_caption_decoder_learns_captions_in_the_runtime_convention():
    """A tiny decoder overfits four captions; greedy decoding (token i read at logits[:, i])
    must return them, which fails if the logits were shifted by one position."""
    torch.manual_seed(0)
    words = "a red blue circle square small large".split()
    tok = WordTokenizer(words)
    caps = ["a red circle", "a blue square", "a small red square", "a large blue circle"]
    cfg = CaptionConfig(text_width=16, text_tokens=4, text_dim=8, vocab_size=len(tok), width=32,
                        layers=1, heads=2, max_new_tokens=6)
    hidden = torch.randn(4, 4, 16)
    reduction, decoder = TextReduction(cfg), CaptionDecoder(cfg)
    ids = training.decoder_tokens(tok, caps, cfg.max_new_tokens, "cpu")
    opt = torch.optim.Adam(list(reduction.parameters()) + list(decoder.parameters()), lr=3e-3)
    for _ in range(300):
        loss = decoder.loss(reduction(hidden), ids, ignore_index=tok.pad_id)
        opt.zero_grad()
        loss.backward()
        opt.step()
    decoded = greedy_decode(decoder.eval(), reduction(hidden), tok.eos_id, cfg.max_new_tokens)
    assert [tok.decode(d) for d in decoded] == caps


def test_decoder_logits_ignore_the_last_token_and_later_ones():
    torch.manual_seed(1)
    cfg = CaptionConfig(text_width=16, text_tokens=4, text_dim=8, vocab_size=12, width=32,
                        layers=2, heads=2, max_new_tokens=6)
    dec = CaptionDecoder(cfg).eval()
    latent = torch.randn(2, 4, 8)
    ids = torch.randint(0, 12, (2, 5))
    changed = ids.clone()
    changed[:, 3:] = (changed[:, 3:] + 1) % 12
    with torch.no_grad():
        a, b = dec(latent, ids), dec(latent, changed)
    assert a.shape == (2, 5, 12)
    torch.testing.assert_close(a[:, :4], b[:, :4])
    assert (a[:, 4] - b[:, 4]).abs().max() > 1e-4


def test_smoke_run_trains_every_stage_and_exports(tmp_path, dataset):
    from unidiff_models.export import export_bundle
    recipe = RecipeConfig.smoke()
    tok = training.prepare_run(tmp_path / "w", recipe, dataset, seed=0)
    ctx = training.RunContext(work=tmp_path / "w", recipe=recipe, dataset=dataset, tokenizer=tok,
                              device=torch.device("cpu"), seed=0,
                              log=training.LossLog(tmp_path / "w" / "losses.csv"))
    comp, facts = training.train_all(ctx)
    with open(tmp_path / "w" / "losses.csv") as f:
        rows = list(csv.DictReader(f))
    assert {r["stage"] for r in rows} == {"vae", "clip", "caption", "uvit", "refine", "decoder"}
    assert all(math.isfinite(float(r["loss"])) for r in rows)
    assert facts["uvit"]["steps"] == recipe.uvit_stage.steps
    assert facts["refine"]["steps"] == recipe.refine_stage.steps
    assert facts["decoder"]["steps"] == recipe.decoder_stage.steps
    # In the smoke recipe stage 5 trains a noise predictor and stage 6 ships a velocity one.
    assert recipe.uvit_prediction == "epsilon"
    assert comp.uvit.config.prediction == recipe.refine_prediction == "velocity"
    assert 0 < comp.scaling_factor < 100
    loaded = training.load_components(tmp_path / "w")
    for a, b in zip(loaded.uvit.state_dict().values(), comp.uvit.state_dict().values()):
        assert torch.equal(a, b)
    # The bundle's decoder is the decoder stage's, the encoder stage 1's.
    for a, b in zip(loaded.vae.state_dict().values(), comp.vae.state_dict().values()):
        assert torch.equal(a, b)
    stage1 = training.load_checkpoint(tmp_path / "w" / "vae.pt")["modules"]["vae"]
    assert any(not torch.equal(v, comp.vae.state_dict()[k]) for k, v in stage1.items()
               if k.startswith("decoder."))
    assert all(torch.equal(v, comp.vae.state_dict()[k]) for k, v in stage1.items()
               if k.startswith("encoder."))
    assert float(loaded.clip.image_encoder.output_scale) == float(comp.clip.image_encoder.output_scale)
    doc = export_bundle(loaded, tmp_path / "bundle")
    assert doc["latent"]["scaling_factor"] == pytest.approx(comp.scaling_factor)
    # A second call finds every stage done and changes nothing.
    again, _ = training.train_all(ctx)
    for a, b in zip(again.uvit.state_dict().values(), comp.uvit.state_dict().values()):
        assert torch.equal(a, b)
    other = dataclasses.replace(recipe, uvit_width=64)
    with pytest.raises(ValueError, match="different recipe"):
        training.prepare_run(tmp_path / "w", other, dataset, seed=0)


def test_dataset_errors_name_the_file_and_the_problem(tmp_path):
    root = write_fake_dataset(tmp_path / "d", singles=2, groups=1)
    (root / "items.jsonl").write_text('{"images": [0, 99], "captions": [["a", "b"]]}\n')
    with pytest.raises(ValueError, match="line 1: image indices"):
        ShapesDataset(root)
    (root / "meta.json").unlink()
    with pytest.raises(FileNotFoundError, match="meta.json"):
        ShapesDataset(root)


def test_command_line_smoke_run_writes_losses_and_a_bundle(tmp_path, dataset):
    import json
    import train_default
    rc = train_default.main(["--data", str(dataset.root), "--smoke", "--work", str(tmp_path / "w"),
                             "--threads", "1", "--export", str(tmp_path / "bundle")])
    assert rc == 0
    assert (tmp_path / "w" / "losses.csv").is_file()
    facts = json.loads((tmp_path / "w" / "facts.json").read_text())
    assert set(facts) >= {"vae", "clip", "caption", "cache", "uvit"}
    manifest = json.loads((tmp_path / "bundle" / "unidiff.json").read_text())
    assert manifest["name"] == "unidiff-shapes-default"


def test_runs_recorded_before_the_refine_stage_load_as_epsilon_models():
    """A run.json without the refine keys (session-1 runs) means: no refine stage, noise
    prediction, patch 2 with random initial positions."""
    d = RecipeConfig().to_dict()
    for key in ("refine_stage", "refine_weight_cap", "refine_p_clean", "uvit_prediction",
                "refine_prediction", "uvit_patch_size", "uvit_pos_init", "decoder_stage",
                "decoder_object_weight"):
        d.pop(key)
    old = training.recipe_from_dict(d)
    assert old.refine_stage.steps == 0
    assert old.decoder_stage.steps == 0
    assert old.shipped_prediction == "epsilon"
    assert old.uvit_config().patch_size == 2 and old.uvit_config().pos_init == "random"
    now = training.recipe_from_dict(RecipeConfig().to_dict())
    assert now == RecipeConfig()
    assert now.shipped_prediction == "velocity"
    assert now.uvit_config().patch_size == 4 and now.uvit_config().pos_init == "sincos"


def test_session_two_runs_keep_their_refine_stage_and_patch_size():
    """A run.json with the refine keys but no patch keys (session-2 runs) ships a velocity
    model at patch 2."""
    d = RecipeConfig().to_dict()
    d.pop("uvit_patch_size")
    d.pop("uvit_pos_init")
    d["uvit_prediction"] = "epsilon"
    d["refine_stage"] = dict(d["refine_stage"], steps=2800)
    old = training.recipe_from_dict(d)
    assert old.shipped_prediction == "velocity"
    assert old.uvit_config(old.shipped_prediction).patch_size == 2


def test_object_weights_mark_every_pixel_off_the_background_colour():
    x = torch.full((2, 3, 8, 8), -1.0)           # black background
    x[0, 0, 2:5, 3:6] = 0.8                      # a red 3 x 3 object in image 0
    x[1] = 0.0                                   # image 1: plain gray, no object
    w = training.object_weights(x, 10.0)
    assert w.shape == (2, 1, 8, 8)
    assert w[0, 0, 2:5, 3:6].eq(11.0).all()
    assert w[0].sum().item() == 64 + 10 * 9
    assert w[1].eq(1.0).all()


def test_latent_object_weights_average_the_pixel_weights_of_each_latent_cell():
    x = torch.full((1, 3, 8, 8), -1.0)
    x[0, 0, 0:4, 4:8] = 0.8                      # an object filling the top-right 4 x 4 cell
    x[0, 1, 4:6, 0:4] = 0.8                      # and half of the bottom-left cell
    w = training.latent_object_weights(x, 4.0, 2)
    torch.testing.assert_close(w, torch.tensor([[[[1.0, 5.0], [3.0, 1.0]]]]))


def test_position_weights_move_the_loss_between_positions_without_changing_its_scale():
    pred, target = torch.zeros(1, 1, 2, 2, 2), torch.zeros(1, 1, 2, 2, 2)
    target[..., 0, 0] = 1.0                      # the error sits at one position of four
    weight = torch.ones(1, 1)
    plain = training._masked_mse(pred, target, weight)
    flat = training._position_weighted_mse(pred, target, weight, torch.ones(1, 1, 1, 2, 2))
    torch.testing.assert_close(flat, plain)      # uniform weights: the plain mean
    heavy = torch.ones(1, 1, 1, 2, 2)
    heavy[..., 0, 0] = 7.0                       # the erring position weighs 7 of 10
    torch.testing.assert_close(training._position_weighted_mse(pred, target, weight, heavy),
                               torch.tensor(0.7))


def test_x0_velocity_is_the_true_velocity_away_from_the_floor():
    """(alpha x_t - x0) / sigma equals alpha eps - sigma x0 where sigma is above the floor, and the
    prediction's velocity equals the truth's when it predicts the true clean stream."""
    from unidiff_models.uvit import UViT, UViTConfig
    uvit = UViT(UViTConfig(latent_channels=2, latent_height=4, latent_width=4, patch_size=2, width=16,
                           in_blocks=1, heads=2, clip_dim=4, text_tokens=2, text_dim=3, prediction="x0"))
    sched = NoiseSchedule()
    gen = torch.Generator().manual_seed(2)
    x0, eps = torch.randn(2, 3, 2, 4, 4, generator=gen), torch.randn(2, 3, 2, 4, 4, generator=gen)
    n = torch.tensor([[200, 500, 1000], [30, 999, 700]])
    xt = sched.add_noise(x0, eps, n)
    v_pred, v_true = training.velocity_from_x0(uvit, x0, x0, xt, n)
    torch.testing.assert_close(v_pred, v_true)
    torch.testing.assert_close(v_true, sched.velocity(x0, eps, n), rtol=1e-3, atol=1e-3)


def test_the_x0_and_object_weight_levers_train_and_export_a_noise_predictor(tmp_path, dataset):
    """Stage 5 with both levers on: finite losses, and the exported transformer still outputs the
    noise the PyTorch model implies (bundle-contract.md: the runtime is unchanged)."""
    import json
    import onnxruntime as ort
    import train_default
    rc = train_default.main(["--data", str(dataset.root), "--smoke", "--work", str(tmp_path / "w"),
                             "--threads", "1", "--uvit-prediction", "x0", "--uvit-object-weight", "4",
                             "--export", str(tmp_path / "bundle")])
    assert rc == 0
    run = json.loads((tmp_path / "w" / "run.json").read_text())
    assert run["recipe"]["uvit_prediction"] == "x0" and run["recipe"]["uvit_object_weight"] == 4.0
    with open(tmp_path / "w" / "losses.csv") as f:
        uvit_rows = [r for r in csv.DictReader(f) if r["stage"] == "uvit"]
    assert uvit_rows and all(math.isfinite(float(r["loss"])) for r in uvit_rows)
    comp = training.load_components(tmp_path / "w")
    assert comp.uvit.config.prediction == "x0"
    cfg = comp.uvit.config
    gen = torch.Generator().manual_seed(5)
    img = torch.randn(1, 1, cfg.latent_channels, cfg.latent_height, cfg.latent_width, generator=gen)
    clip = torch.randn(1, 1, 1, cfg.clip_dim, generator=gen)
    text = torch.randn(1, 1, cfg.text_tokens, cfg.text_dim, generator=gen)
    t_img, t_text = torch.tensor([[640.0]]), torch.tensor([[0.0]])
    with torch.no_grad():
        want = comp.uvit(img, clip, text, t_img, t_text)[0]
    session = ort.InferenceSession(str(tmp_path / "bundle" / "transformer" / "model.onnx"))
    feeds = {i.name: v.numpy() for i, v in zip(session.get_inputs(), (img, clip, text, t_img, t_text))}
    got = session.run(None, feeds)[0]
    np.testing.assert_allclose(got, want.numpy(), rtol=1e-3, atol=1e-3)


def test_a_budgeted_run_refuses_a_stage_with_steps_but_no_share(dataset):
    """--decoder-steps turns on a stage whose recipe share is 0: under --budget-minutes it would
    stop at once, so the command refuses it unless --decoder-share gives it one."""
    import train_default
    base = ["--data", str(dataset.root), "--budget-minutes", "150"]
    with pytest.raises(SystemExit, match="stage decoder has 1000 steps but no share"):
        train_default.make_recipe(train_default.parse_args(base + ["--decoder-steps", "1000"]))
    recipe = train_default.make_recipe(train_default.parse_args(base + ["--decoder-steps", "1000",
                                                                        "--decoder-share", "0.12"]))
    assert recipe.decoder_stage.steps == 1000 and recipe.decoder_stage.budget_share == 0.12
    # Without a budget there is no cap to starve the stage.
    assert train_default.make_recipe(train_default.parse_args(["--data", str(dataset.root),
                                                               "--decoder-steps", "1000"])).decoder_stage.steps == 1000
    with pytest.raises(SystemExit, match="--uvit-share must be above 0"):
        train_default.make_recipe(train_default.parse_args(base + ["--uvit-share", "0"]))
