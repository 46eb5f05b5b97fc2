"""In-context family: data sampling, held-out tasks, the transformer and its ONNX export, the
training batch, the manifest's grid and the Python reference (plan, Euler, guidance, noise)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

MODELS = Path(__file__).resolve().parents[1]
REPO = MODELS.parent
sys.path.insert(0, str(MODELS))

from unidiff_models.incontext import (ROLE_EXAMPLE_INPUT, ROLE_EXAMPLE_OUTPUT, ROLE_QUERY,  # noqa: E402
                                      ROLE_TARGET, InContextConfig, InContextTransformer, frame_roles,
                                      rope_angles, rotate)
from unidiff_models.incontext_data import HELD_OUT, SequenceSampler, transform_of  # noqa: E402
from unidiff_models.incontext_export import GRID_20, LAVIN_GRID_20, manifest  # noqa: E402
from unidiff_models.incontext_training import build_batch, sample_times  # noqa: E402
from unidiff_models.reference.incontext import (FlowSchedule, euler, in_context_plan,  # noqa: E402
                                                sample_in_context, torch_net)
from unidiff_models.reference.noise import RecordingStream, ReplayStream  # noqa: E402
from unidiff_models.reference.plans import IMAGE, Role  # noqa: E402

JAVA_TASK = REPO / "unidiff-shapes/src/main/java/org/unidiff/shapes/incontext/InContextTask.java"
TASKS = ["recolor:red", "recolor:green", "shape:circle", "shape:diamond", "move:top", "move:top_right",
         "resize", "mask"]


def tiny_model(seed: int = 0, rope: bool = False) -> InContextTransformer:
    """A tiny transformer whose zero-initialised output layers are given random weights, so that
    its outputs depend on every input (a freshly built model returns zeros)."""
    torch.manual_seed(seed)
    m = InContextTransformer(InContextConfig(dim=32, depth=2, heads=2, rope=rope))
    with torch.no_grad():
        for p in m.parameters():
            p.add_(torch.randn_like(p) * 0.05)
        m.slot.weight.normal_(std=0.5)  # trained slot vectors are far from their 0.02 start
    return m.eval()


def fake_latents(scenes: int, tasks: int, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(scenes, 1 + tasks, 4, 16, 16, generator=g)


def test_held_out_list_matches_the_java_class():
    src = JAVA_TASK.read_text(encoding="utf-8")
    block = src[src.index("HELD_OUT = List.of("):]
    block = block[:block.index(");")]
    java = [f"{kind.lower()}:{arg}" for kind, arg in
            re.findall(r'new InContextTask\(Transform\.(\w+), "(\w+)"\)', block)]
    assert java == list(HELD_OUT)


def test_sampler_never_draws_held_out_tasks_and_lays_out_pairs():
    n = 30
    lat = fake_latents(n, len(TASKS))
    changes = np.ones((n, len(TASKS)), dtype=bool)
    changes[:10, 0] = False  # recolor:red leaves scenes 0..9 unchanged
    sampler = SequenceSampler(lat, TASKS, changes)
    rng = np.random.default_rng(0)
    seen = set()
    for k in (1, 2, 4):
        frames, tasks = sampler.sample(rng, 64, k)
        assert frames.shape == (64, 2 * k + 2, 4, 16, 16)
        for b, j in enumerate(tasks):
            seen.add(TASKS[j])
            # Every (input, output) pair is (scene, target of the same scene) under task j.
            for i in range(k + 1):
                inp, out = frames[b, 2 * i], frames[b, 2 * i + 1]
                s = int(torch.nonzero((lat[:, 0] == inp).flatten(1).all(1))[0])
                assert torch.equal(out, lat[s, 1 + j])
                if j == 0:
                    assert s >= 10
    assert not seen & set(HELD_OUT)
    assert seen == set(TASKS) - set(HELD_OUT)


def test_sampler_weighs_transform_kinds_equally():
    lat = fake_latents(8, len(TASKS))
    sampler = SequenceSampler(lat, TASKS, np.ones((8, len(TASKS)), dtype=bool))
    tasks = sampler.draw_tasks(np.random.default_rng(1), 6000)
    kinds = [transform_of(TASKS[j]) for j in tasks]
    for kind in ("recolor", "shape", "move", "resize", "mask"):
        assert abs(kinds.count(kind) / len(kinds) - 0.2) < 0.03, kind


def test_roles_follow_the_layout():
    assert frame_roles(6).tolist() == [ROLE_EXAMPLE_INPUT, ROLE_EXAMPLE_OUTPUT, ROLE_EXAMPLE_INPUT,
                                       ROLE_EXAMPLE_OUTPUT, ROLE_QUERY, ROLE_TARGET]
    assert frame_roles(4).tolist()[-2:] == [ROLE_QUERY, ROLE_TARGET]


def test_model_sees_slot_order_and_every_frame():
    m = tiny_model()
    g = torch.Generator().manual_seed(1)
    x = torch.randn(2, 6, 4, 16, 16, generator=g)
    t = torch.tensor([[0, 0, 0, 0, 0, 700.0]] * 2)
    with torch.no_grad():
        base = m(x, t)[:, -1]
        swapped = m(x[:, [2, 3, 0, 1, 4, 5]], t)[:, -1]
        other_query = x.clone()
        other_query[:, 4] = torch.randn(2, 4, 16, 16, generator=g)
        changed = m(other_query, t)[:, -1]
    assert base.shape == (2, 4, 16, 16)
    # Swapping the two example pairs changes the answer only through the slot embedding.
    assert (base - swapped).abs().max() > 1e-4
    assert (base - changed).abs().max() > 1e-3


def test_x0_head_gives_the_velocity_whose_euler_step_lands_on_it():
    m = tiny_model()
    g = torch.Generator().manual_seed(3)
    x = torch.randn(2, 4, 4, 16, 16, generator=g)
    t = torch.tensor([[0, 0, 0, 190.0], [0, 0, 0, 950.0]])
    with torch.no_grad():
        head = m.head(x, t)
        v = m(x, t)
    for i, tt in enumerate((0.19, 0.95)):
        # One Euler step from t to 0 is x - t v, which must be exactly the predicted clean frame.
        torch.testing.assert_close(x[i, -1] - tt * v[i, -1], head[i, -1], atol=1e-5, rtol=1e-5)
    assert torch.isfinite(v).all()                      # clean frames (t = 0) stay finite
    mv = InContextTransformer(InContextConfig(dim=32, depth=2, heads=2, parameterization="velocity"))
    mv.load_state_dict(m.state_dict())
    with torch.no_grad():
        torch.testing.assert_close(mv(x, t), head)      # the velocity head is output as it is
    with pytest.raises(ValueError, match="parameterization"):
        InContextTransformer(InContextConfig(parameterization="eps"))


def test_rope_angles_follow_frame_row_and_column():
    a = rope_angles(3, 4, 16, base=100.0)
    assert a.shape == (3 * 16, 8)
    # head_dim 16: 8 pairs, 2 turn with the frame, 3 with the row, 3 with the column.
    frame_f = [1.0, 100.0 ** -0.5]
    axis_f = [1.0, 100.0 ** (-1 / 3), 100.0 ** (-2 / 3)]
    for f, r, c in ((0, 0, 0), (2, 1, 3), (1, 3, 0)):
        want = [f * w for w in frame_f] + [r * w for w in axis_f] + [c * w for w in axis_f]
        np.testing.assert_allclose(a[f * 16 + r * 4 + c].numpy(), want, rtol=1e-6, atol=1e-6)


def test_rope_scores_depend_only_on_relative_position():
    g = torch.Generator().manual_seed(5)
    a = rope_angles(4, 4, 16)
    q0, k0 = torch.randn(16, generator=g), torch.randn(16, generator=g)
    q = rotate(q0.expand(a.shape[0], 16), a.cos(), a.sin())
    k = rotate(k0.expand(a.shape[0], 16), a.cos(), a.sin())
    scores = q @ k.T

    def tok(f, r, c):
        return f * 16 + r * 4 + c
    # The same offset (one frame on, one row down, two columns left) from two places.
    assert scores[tok(0, 0, 2), tok(1, 1, 0)] == pytest.approx(float(scores[tok(2, 2, 3), tok(3, 3, 1)]), abs=1e-5)
    # Another offset gives another score; at offset zero the rotation cancels (plain dot product).
    assert abs(float(scores[tok(0, 0, 2), tok(1, 1, 0)] - scores[tok(0, 0, 2), tok(1, 1, 1)])) > 1e-3
    assert float(scores[tok(3, 2, 1), tok(3, 2, 1)]) == pytest.approx(float(q0 @ k0), abs=1e-5)


def test_rope_model_takes_the_same_weights_and_answers_differently():
    plain, rope = tiny_model(), tiny_model(rope=True)
    rope.load_state_dict(plain.state_dict())            # no parameters of its own
    x = torch.randn(1, 4, 4, 16, 16, generator=torch.Generator().manual_seed(2))
    t = torch.tensor([[0, 0, 0, 800.0]])
    with torch.no_grad():
        assert (plain(x, t) - rope(x, t)).abs().max() > 1e-4
    with pytest.raises(ValueError, match="inconsistent"):
        InContextTransformer(InContextConfig(dim=24, heads=2, rope=True))     # head_dim 12: not 8k


@pytest.mark.parametrize("rope", [False, True])
def test_onnx_export_matches_torch_for_every_group_size(tmp_path, rope):
    ort = pytest.importorskip("onnxruntime")
    from unidiff_models.incontext_export import export_transformer
    m = tiny_model(rope=rope)
    export_transformer(m, tmp_path / "model.onnx")
    s = ort.InferenceSession(str(tmp_path / "model.onnx"), providers=["CPUExecutionProvider"])
    assert [i.name for i in s.get_inputs()] == ["img", "t_img"]
    assert [o.name for o in s.get_outputs()] == ["img_out"]
    rng = np.random.default_rng(0)
    for b, g in ((1, 4), (3, 10)):
        x = rng.standard_normal((b, g, 4, 16, 16)).astype(np.float32)
        t = (rng.random((b, g)) * 1000).astype(np.float32)
        got = s.run(None, {"img": x, "t_img": t})[0]
        with torch.no_grad():
            want = m(torch.from_numpy(x), torch.from_numpy(t)).numpy()
        np.testing.assert_allclose(got, want, atol=1e-4)


def test_training_batch_feeds_what_the_java_plan_feeds():
    g = torch.Generator().manual_seed(0)
    frames = torch.randn(3, 6, 4, 16, 16, generator=g)
    t = np.array([0.25, 0.5, 0.9])
    uncond = np.array([False, True, False])
    renoise = np.array([False, False, True])
    img, t_img, v = build_batch(frames, t, uncond, renoise, torch.Generator().manual_seed(5), 1000.0)
    assert t_img[0].tolist() == [0, 0, 0, 0, 0, 250]                # CONDITION at 0, target at 1000 t
    assert t_img[1].tolist() == [1000, 1000, 1000, 1000, 0, 500]    # examples MARGINALIZE at 1000
    assert t_img[2].tolist() == pytest.approx([900] * 6)             # RENOISE at 1000 t
    assert torch.equal(img[0, :5], frames[0, :5])
    assert torch.equal(img[1, 4], frames[1, 4])
    assert not torch.allclose(img[1, :4], frames[1, :4])
    noise = v + frames[:, -1]                                        # v = n - x0
    torch.testing.assert_close(img[:, -1], (1 - torch.tensor(t).float().view(3, 1, 1, 1)) * frames[:, -1]
                               + torch.tensor(t).float().view(3, 1, 1, 1) * noise)
    assert 0 <= sample_times(np.random.default_rng(0), 1000).min()


def test_manifest_grid_is_lavin_dit_grid_reversed():
    assert len(GRID_20) == 20 and GRID_20[0] == 1.0 and GRID_20[-1] == 0.0
    np.testing.assert_allclose(GRID_20, 1.0 - np.array(LAVIN_GRID_20), atol=1e-12)
    assert all(a > b for a, b in zip(GRID_20, GRID_20[1:]))
    vae = json.loads((MODELS / "default/bundle/unidiff.json").read_text(encoding="utf-8"))
    m = manifest(tiny_model(), vae)
    assert m["family"] == "in-context" and m["tasks"] == ["in-context"]
    assert m["schedule"]["grid"] == list(GRID_20) and m["defaults"]["steps"] == 19
    assert {k: v for k, v in m["schedule"].items() if k != "grid"} == {"type": "flow", "train_steps": 1000, "prediction": "velocity"}
    assert m["latent"] == vae["latent"]


def test_plan_matches_java_in_context():
    plan = in_context_plan(2, Role.CONDITION)
    assert plan.group_size == 6
    assert [plan.role(0, g, IMAGE) for g in range(6)] == [Role.CONDITION] * 5 + [Role.GENERATE]
    assert [plan.role(1, g, IMAGE) for g in range(6)] == [Role.MARGINALIZE] * 4 + [Role.CONDITION,
                                                                                  Role.GENERATE]
    assert plan.guidance == {(5, IMAGE): 1}
    re_plan = in_context_plan(1, Role.RENOISE)
    assert [re_plan.role(1, g, IMAGE) for g in range(4)] == [Role.MARGINALIZE] * 2 + [Role.RENOISE,
                                                                                     Role.GENERATE]
    with pytest.raises(ValueError):
        in_context_plan(0)


def test_euler_is_exact_on_straight_paths():
    x0 = np.random.default_rng(0).standard_normal(16)
    # For a point mass at x0 the flow is a straight line and v(x, t) = (x - x0) / t exactly.
    out = euler(lambda x, t: (x - x0) / t, np.random.default_rng(1).standard_normal(16), GRID_20)
    np.testing.assert_allclose(out, x0, atol=1e-12)


def test_euler_follows_a_gaussian_flow_to_first_order():
    # Data N(0, s^2), path x_t = (1 - t) x0 + t n: x_t ~ N(0, var(t)), var = (1-t)^2 s^2 + t^2,
    # the exact velocity is v = x * var'(t) / (2 var(t)); errors of Euler shrink like 1/steps.
    s2 = 0.09

    def v(x, t):
        var = (1 - t) ** 2 * s2 + t ** 2
        return x * (-(1 - t) * s2 + t) / var

    x1 = np.array([1.0])
    exact = np.sqrt(s2)  # the sample at noise 1 maps to the data quantile of the same z-score
    errs = [abs(euler(v, x1, np.linspace(1, 0, n + 1))[0] - exact) for n in (20, 40, 80)]
    assert errs[0] > errs[1] > errs[2]
    assert 1.7 < errs[0] / errs[1] < 2.3 and 1.7 < errs[1] / errs[2] < 2.3


def _run(net, examples, query, streams, guidance, role=Role.CONDITION, grid=GRID_20[::4] + (0.0,)):
    return sample_in_context(net, examples, query, streams, list(grid), guidance, role)


def test_reference_draw_counts_follow_the_java_order():
    m = tiny_model()
    net = torch_net(m)
    rng = np.random.default_rng(0)
    examples = [(rng.standard_normal((4, 16, 16)), rng.standard_normal((4, 16, 16))) for _ in range(2)]
    query = rng.standard_normal((4, 16, 16))
    grid = [1.0, 0.6, 0.2, 0.0]
    lat = 4 * 16 * 16
    cases = [(0.0, Role.CONDITION, 0), (1.5, Role.CONDITION, 4), (1.5, Role.RENOISE, 5 + 5),
             (0.0, Role.RENOISE, 5)]
    for guidance, role, frames_per_step in cases:
        stream = RecordingStream(3)
        sample_in_context(net, examples, query, [stream], grid, guidance, role)
        assert stream.used == lat * (1 + frames_per_step * 3), (guidance, role)


def test_reference_replays_recorded_noise_and_guidance_matters():
    m = tiny_model()
    net = torch_net(m)
    rng = np.random.default_rng(2)
    examples = [(rng.standard_normal((4, 16, 16)), rng.standard_normal((4, 16, 16)))]
    query = rng.standard_normal((4, 16, 16))
    streams = [RecordingStream(10), RecordingStream(11)]
    first = _run(net, examples, query, streams, 1.5)
    again = _run(net, examples, query, [ReplayStream(s.recorded()) for s in streams], 1.5)
    np.testing.assert_array_equal(first, again)
    assert (first[0] != first[1]).any()
    unguided = _run(net, examples, query, [RecordingStream(10), RecordingStream(11)], 0.0)
    assert np.abs(first - unguided).max() > 1e-4


def test_flow_schedule_matches_java():
    s = FlowSchedule()
    assert (s.alpha(0.25), s.sigma(0.25), s.network_time(0.25), s.network_time_noise) == (0.75, 0.25, 250.0,
                                                                                           1000.0)


def test_goldens_replay_on_the_onnx_transformer_within_their_tolerances(tmp_path):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("PIL")
    import make_incontext_goldens as mg
    from unidiff_models.incontext_export import export_bundle
    from unidiff_models.incontext_training import InContextRecipe
    from unidiff_models.reference.incontext import onnx_net
    m = tiny_model()
    recipe = InContextRecipe(model=m.config)
    torch.save({"recipe": recipe.to_dict(), "ema": m.state_dict()}, tmp_path / "incontext.pt")
    export_bundle(m, MODELS / "default" / "bundle", tmp_path / "bundle")
    out = tmp_path / "goldens"
    mg.main(["--work", str(tmp_path), "--bundle", str(tmp_path / "bundle"), "--bundle-ref", "repo:x",
             "--out", str(out), "--cases", "mask_k1_renoised,recolor_k3_unguided"])
    doc = json.loads((out / "goldens.json").read_text(encoding="utf-8"))
    arrays = np.load(out / "goldens.npz")
    net = onnx_net(tmp_path / "bundle" / "transformer" / "model.onnx")
    g10 = doc["components"]["transformer"]["g10"]
    np.testing.assert_allclose(net(arrays[g10["img"]], arrays[g10["t_img"]]), arrays[g10["img_out"]], atol=1e-4)
    latents = arrays[doc["components"]["vae_encoder"]["latent_mean"]].astype(np.float64)
    assert [c["name"] for c in doc["cases"]] == ["recolor_k3_unguided", "mask_k1_renoised"]
    for case in doc["cases"]:
        role = Role.RENOISE if case["reference_mode"] == "renoised" else Role.CONDITION
        streams = [ReplayStream(arrays[name]) for name in case["noise"]]
        got = sample_in_context(net, [(latents[a], latents[b]) for a, b in case["pairs"]], latents[case["query"]],
                                streams, doc["grid"], case["guidance"], role)
        assert all(s.remaining == 0 for s in streams), case["name"]
        np.testing.assert_allclose(got, arrays[case["latent"]["array"]], atol=case["latent"]["atol"])


def test_a_budget_stop_stays_resumable_and_only_the_planned_steps_finish(tmp_path):
    from unidiff_models.incontext_training import InContextRecipe, load_checkpoint, train
    from unidiff_models.training import LossLog
    lat = fake_latents(12, len(TASKS))
    sampler = SequenceSampler(lat, TASKS, np.ones((12, len(TASKS)), dtype=bool))
    recipe = InContextRecipe(model=InContextConfig(dim=32, depth=1, heads=2), steps=6, warmup=2,
                             frames_per_step=16, log_every=2)
    log = LossLog(tmp_path / "losses.csv")
    # A budget already spent: nothing runs, and the run is not marked finished.
    first = train(tmp_path, sampler, recipe, 0, log, budget_minutes=0.0)
    assert first["steps"] == 0 and not first["finished"]
    assert not load_checkpoint(tmp_path / "incontext.pt")["finished"]
    # The same run with room to go carries on to the planned steps, and only then finishes.
    done = train(tmp_path, sampler, recipe, 0, log, budget_minutes=10.0)
    assert done["steps"] == 6 and done["finished"]
    again = train(tmp_path, sampler, recipe, 0, log, budget_minutes=10.0)
    assert again["steps"] == 6 and again["finished"]
    assert (tmp_path / "losses.csv").read_bytes().count(b"\r") == 0
