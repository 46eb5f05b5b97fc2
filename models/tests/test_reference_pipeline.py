"""The PyTorch reference pipeline: solver parity, noise order, guidance, beam search, tasks, goldens."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch

import make_goldens
from export_bundle import random_components
from unidiff_models.export import manifest
from unidiff_models.recipe import RecipeConfig
from unidiff_models.reference import plans
from unidiff_models.reference.beam import beam_search
from unidiff_models.reference.joint import GuidedJoint, JointSizes
from unidiff_models.reference.noise import RecordingStream, ReplayStream
from unidiff_models.reference.pipeline import ReferencePipeline, Settings, to_bytes
from unidiff_models.reference.plans import IMAGE, TEXT, Role
from unidiff_models.reference.schedule import ContinuousVpSchedule
from unidiff_models.reference.solver import DpmSolverSinglestep, fast_orders

REPO = Path(__file__).resolve().parents[2]
SOLVER_CHECK = REPO / "unidiff-sampling" / "src" / "test" / "resources" / "solver-check.json"


@pytest.fixture(scope="module")
def pipeline():
    torch.set_num_threads(1)
    comp = random_components(RecipeConfig.smoke(), seed=3)
    return ReferencePipeline(comp, Settings(max_new_tokens=6, eos_id=comp.tokenizer.eos_id))


# ------------------------------------------------------------------------------ schedule, solver


def test_schedule_check_values():
    s = ContinuousVpSchedule()
    assert s.alpha(1.0) == pytest.approx(0.068265, abs=5e-7)
    assert s.sigma(1.0) == pytest.approx(0.997667, abs=5e-7)
    assert s.alpha(0.001) == pytest.approx(0.999575, abs=5e-7)
    assert s.sigma(0.001) == pytest.approx(0.029155, abs=5e-7)
    assert s.lam(1.0) == pytest.approx(-2.682, abs=5e-4)
    assert s.lam(0.001) == pytest.approx(3.535, abs=5e-4)
    # alpha(t_n)^2 is the discrete alphas_cumprod on the grid; 1000 t is the network timestep.
    assert s.alpha(0.5) ** 2 == pytest.approx(s.alphas_cumprod[499], rel=1e-12)
    assert s.network_time(0.98002) == pytest.approx(980.02)


@pytest.mark.parametrize("t", [1.0, 0.98002, 0.5, 0.0123, 0.001, 0.0004])
def test_inverse_lambda_inverts_lambda(t):
    s = ContinuousVpSchedule()
    assert s.inverse_lambda(s.lam(t)) == pytest.approx(t, rel=1e-9)


def test_fast_order_plans():
    assert fast_orders(50) == [3] * 16 + [2]
    assert fast_orders(6) == [3, 2, 1]
    assert fast_orders(4) == [3, 1]
    assert fast_orders(5) == [3, 2]
    assert fast_orders(1) == [1]
    with pytest.raises(ValueError, match="order"):
        fast_orders(5, order=4)


@pytest.mark.parametrize("run", json.loads(SOLVER_CHECK.read_text())["runs"],
                         ids=lambda r: f"{r['grid']}-{r['steps']}")
def test_solver_reproduces_the_original_sampler(run):
    check = json.loads(SOLVER_CHECK.read_text())
    s = ContinuousVpSchedule()
    mu, sd = check["mu"], check["s"]

    def eps(x, t):  # exact noise prediction of data ~ N(mu, sd^2)
        a, sg = s.alpha(t), s.sigma(t)
        return sg * (x - a * mu) / (a * a * sd * sd + sg * sg)

    solver = DpmSolverSinglestep(s, run["steps"], grid=run["grid"],
                                 t_start=check["t_start"], t_end=check["t_end"])
    out = solver.sample(eps, np.array(check["x_T"]))
    np.testing.assert_allclose(out, run["x_end"], rtol=0, atol=1e-6)
    assert len(solver.evaluation_times) == run["steps"]


def test_reference_grid_evaluates_the_documented_network_times():
    s = ContinuousVpSchedule()
    solver = DpmSolverSinglestep(s, 50)
    solver.sample(lambda x, t: np.zeros_like(x), np.zeros(1))
    times = [s.network_time(t) for t in solver.evaluation_times]
    assert len(times) == 50
    assert times[0] == pytest.approx(1000.0)
    assert times[1] == pytest.approx(980.02, abs=1e-6)
    assert times[-1] == pytest.approx(20.98, abs=1e-6)
    np.testing.assert_allclose(times, 1000 * np.linspace(1.0, 0.001, 51)[:50], atol=1e-8)


# ------------------------------------------------------------------------------ guided joint model

SIZES = JointSizes(channels=1, height=2, width=2, clip_dim=3, text_tokens=2, text_dim=2)


class RecordingNet:
    """A fake transformer: remembers its inputs and answers with a fixed function of them."""

    def __init__(self):
        self.calls = []

    def __call__(self, img, clip, text, t_img, t_text, data_type=None):
        self.calls.append((img.copy(), clip.copy(), text.copy(), t_img.copy(), t_text.copy()))
        rows = np.arange(img.shape[0], dtype=np.float32)[:, None]
        # Each row's answer depends on its row, so guidance must pick the right pass rows.
        return (img * 0.5 + rows[..., None, None, None], clip - rows[..., None, None],
                text * 2.0 + 10 * rows[..., None, None])


def test_joint_draws_noise_in_the_documented_order_and_lays_out_rows_pass_major():
    net = RecordingNet()
    recorded = [RecordingStream(1), RecordingStream(2)]
    model = GuidedJoint(plans.joint(), SIZES, ContinuousVpSchedule(), net, 7.0, recorded)
    x = model.initial_state()
    model(x, 0.5)
    values = [ReplayStream(s.recorded()) for s in recorded]
    state_len = SIZES.latent_size + SIZES.clip_dim + SIZES.text_size
    assert model.sample_length == state_len
    img, clip, text, t_img, t_text = net.calls[0]
    assert img.shape[0] == 6  # 3 passes x 2 samples
    for n, v in enumerate(values):
        init = v.next(state_len)
        np.testing.assert_array_equal(x[n * state_len:(n + 1) * state_len], init)
        # Pass 1 (row 2 + n) marginalizes the image: latent then CLIP, drawn before pass 2's text.
        np.testing.assert_array_equal(img[2 + n, 0].reshape(-1),
                                      v.next(SIZES.latent_size).astype(np.float32))
        np.testing.assert_array_equal(clip[2 + n, 0].reshape(-1),
                                      v.next(SIZES.clip_dim).astype(np.float32))
        np.testing.assert_array_equal(text[4 + n, 0].reshape(-1),
                                      v.next(SIZES.text_size).astype(np.float32))
        assert v.remaining == 0
        # Pass 0 feeds the state; all streams generated at 1000 t, marginalized at 1000.
        np.testing.assert_array_equal(img[n, 0].reshape(-1),
                                      init[:SIZES.latent_size].astype(np.float32))
        assert (t_img[n, 0], t_text[n, 0]) == (500.0, 500.0)
        assert (t_img[2 + n, 0], t_text[2 + n, 0]) == (1000.0, 500.0)
        assert (t_img[4 + n, 0], t_text[4 + n, 0]) == (500.0, 1000.0)


def test_guidance_combines_conditional_and_counterpart_rows_and_zero_skips_passes():
    net = RecordingNet()
    streams = [RecordingStream(5), RecordingStream(6)]
    model = GuidedJoint(plans.joint(), SIZES, ContinuousVpSchedule(), net, 3.0, streams)
    x = model.initial_state()
    out = model(x, 0.3)
    img, clip, text, *_ = net.calls[0]
    c_img = img[1, 0] * 0.5 + 1   # sample 1, conditional row 1
    u_img = img[5, 0] * 0.5 + 5   # its counterpart: pass 2 (text marginalized), row 4 + 1
    c_text = text[1, 0] * 2 + 10
    u_text = text[3, 0] * 2 + 30  # pass 1 (image marginalized), row 2 + 1
    seg = out[model.sample_length:]
    np.testing.assert_allclose(seg[:SIZES.latent_size], (c_img + 3 * (c_img - u_img)).reshape(-1),
                               rtol=1e-6)
    np.testing.assert_allclose(seg[-SIZES.text_size:], (c_text + 3 * (c_text - u_text)).reshape(-1),
                               rtol=1e-6)

    net0 = RecordingNet()
    unguided = GuidedJoint(plans.joint(), SIZES, ContinuousVpSchedule(), net0, 0.0,
                           [RecordingStream(5)])
    x0 = unguided.initial_state()
    out0 = unguided(x0, 0.3)
    assert net0.calls[0][0].shape[0] == 1  # only the conditional pass
    np.testing.assert_allclose(out0[:SIZES.latent_size], x0[:SIZES.latent_size] * 0.5, rtol=1e-6)


def test_group_references_clean_or_renoised():
    sched = ContinuousVpSchedule()
    ref = np.linspace(-1, 1, SIZES.latent_size + SIZES.clip_dim)
    caption = np.full(SIZES.text_size, 0.25)
    for role in (Role.CONDITION, Role.RENOISE):
        net = RecordingNet()
        stream = RecordingStream(9)
        plan = plans.group([(role, False), (Role.GENERATE, True)], guide_by_references=False)
        model = GuidedJoint(plan, SIZES, sched, net, 2.0, [stream],
                            givens={(0, IMAGE): ref, (1, TEXT): caption})
        x = model.initial_state()
        model(x, 0.4)
        img, clip, text, t_img, t_text = net.calls[0]
        replay = ReplayStream(stream.recorded())
        replay.next(model.sample_length)
        # Pass 0, slot 0: the reference's image first (if re-noised), then its text noise.
        if role is Role.RENOISE:
            noise = replay.next(SIZES.latent_size + SIZES.clip_dim)
            expected = sched.alpha(0.4) * ref + sched.sigma(0.4) * noise
            assert t_img[0, 0] == pytest.approx(400.0)
        else:
            expected = ref
            assert t_img[0, 0] == 0.0
        np.testing.assert_allclose(img[0, 0].reshape(-1), expected[:SIZES.latent_size], rtol=1e-6)
        np.testing.assert_allclose(clip[0, 0].reshape(-1), expected[SIZES.latent_size:], rtol=1e-6)
        np.testing.assert_array_equal(text[0, 0].reshape(-1),
                                      replay.next(SIZES.text_size).astype(np.float32))
        assert t_text[0, 0] == 1000.0 and t_text[0, 1] == 0.0
        np.testing.assert_array_equal(text[0, 1].reshape(-1), caption.astype(np.float32))
        # The unconditional pass marginalizes the caption as well.
        if role is Role.RENOISE:
            replay.next(SIZES.latent_size + SIZES.clip_dim)
        replay.next(SIZES.text_size)
        np.testing.assert_array_equal(text[1, 1].reshape(-1),
                                      replay.next(SIZES.text_size).astype(np.float32))
        assert replay.remaining == 0


def test_group_guided_by_references_drops_them_in_the_unconditional_pass():
    sched = ContinuousVpSchedule()
    ref = np.linspace(-1, 1, SIZES.latent_size + SIZES.clip_dim)
    caption = np.full(SIZES.text_size, 0.25)
    net, stream = RecordingNet(), RecordingStream(4)
    plan = plans.group([(Role.CONDITION, False), (Role.GENERATE, True)])
    assert plan.role(1, 0, IMAGE) is Role.MARGINALIZE and plan.role(1, 1, IMAGE) is Role.GENERATE
    model = GuidedJoint(plan, SIZES, sched, net, 2.0, [stream], givens={(0, IMAGE): ref, (1, TEXT): caption})
    model(model.initial_state(), 0.4)
    img, clip, _, t_img, _ = net.calls[0]
    np.testing.assert_allclose(img[0, 0].reshape(-1), ref[:SIZES.latent_size], rtol=1e-6)
    assert t_img[0, 0] == 0.0 and t_img[1, 0] == 1000.0, "the reference is noise at t = 1000 in pass 1"
    assert not np.allclose(img[1, 0].reshape(-1), ref[:SIZES.latent_size])
    # Without captions the references alone still give an unconditional pass.
    assert len(plans.group([(Role.CONDITION, False), (Role.GENERATE, False)]).passes) == 2
    assert len(plans.group([(Role.CONDITION, False), (Role.GENERATE, False)],
                           guide_by_references=False).passes) == 1


def test_missing_or_unread_givens_are_refused():
    with pytest.raises(ValueError, match="reads a given value for slot 0 text"):
        GuidedJoint(plans.text_to_image(), SIZES, ContinuousVpSchedule(), RecordingNet(), 1.0,
                    [RecordingStream(0)])
    with pytest.raises(ValueError, match="never reads"):
        GuidedJoint(plans.joint(), SIZES, ContinuousVpSchedule(), RecordingNet(), 1.0,
                    [RecordingStream(0)], givens={(0, TEXT): np.zeros(SIZES.text_size)})


def test_replay_refuses_to_run_past_the_recording():
    s = ReplayStream(np.arange(3.0), "three numbers")
    s.next(2)
    with pytest.raises(RuntimeError, match="three numbers exhausted"):
        s.next(2)


# ------------------------------------------------------------------------------ beam search


def test_beam_search_prefers_the_better_average_over_the_greedy_first_token():
    eos = 0
    first = np.log([0.5, 0.3, 0.2])
    after = {1: np.log([0.9, 0.05, 0.05]), 2: np.log([0.1, 0.1, 0.8])}

    def next_logits(prefixes):
        rows = []
        for p in prefixes:
            rows.append(first if not p else after.get(p[-1], np.log([1 / 3] * 3)))
        return np.array(rows)

    greedy = beam_search(next_logits, 1, 4, eos)
    assert greedy[0].tokens == (0,)
    beams = beam_search(next_logits, 2, 4, eos)
    # [1, EOS] averages (log .3 + log .9) / 2 = -0.655, better than [EOS] alone (log .5 = -0.693).
    assert beams[0].tokens == (1, 0) and beams[0].content == (1,)
    assert beams[0].score == pytest.approx((math.log(0.3) + math.log(0.9)) / 2)
    assert all(h.finished for h in beams)


def test_beam_search_stops_at_max_new_tokens_without_end():
    def never_ends(prefixes):
        return np.tile(np.log([0.01, 0.99]), (len(prefixes), 1))

    best = beam_search(never_ends, 3, 5, 0)[0]
    assert best.tokens == (1,) * 5 and not best.finished


# ------------------------------------------------------------------------------ tasks


def _draws(steps, per_eval, initial):
    """Numbers one sample's stream hands out: its initial state, then per evaluation."""
    return initial + steps * per_eval


def test_every_task_runs_on_tiny_weights_with_the_documented_draw_counts(pipeline):
    p, z, steps = pipeline, pipeline.sizes, 2
    img_part, txt = z.latent_size + z.clip_dim, z.text_size
    images = make_goldens.shapes_images(p.image_size)

    s = [RecordingStream(1), RecordingStream(2)]
    t2i = p.text_to_image("a red circle", s, steps, 7.0)
    assert t2i.images.shape == (2, 3, p.image_size, p.image_size)
    assert [x.used for x in s] == [_draws(steps, txt, img_part)] * 2

    s, vae = [RecordingStream(3)], RecordingStream(4)
    i2t = p.image_to_text(images[0], vae, s, steps, 7.0)
    assert isinstance(i2t.captions[0], str) and vae.used == z.latent_size
    assert s[0].used == _draws(steps, img_part, txt)

    s = [RecordingStream(5)]
    joint = p.joint(s, steps, 7.0)
    assert s[0].used == _draws(steps, img_part + txt, img_part + txt)
    assert joint.images.shape[0] == 1 and len(joint.captions) == 1

    s = [RecordingStream(6)]
    p.image_only(s, steps, 7.0)
    assert s[0].used == _draws(steps, txt, img_part)
    s = [RecordingStream(7)]
    p.text_only(s, steps, 7.0)
    assert s[0].used == _draws(steps, img_part, txt)

    first, second = [RecordingStream(8)], [RecordingStream(9)]
    iv = p.image_variation(images[1], RecordingStream(10), first, second, steps, 7.0)
    assert [st.evaluations for st in iv.stages] == [steps, steps]
    assert second[0].used == _draws(steps, txt, img_part)
    tv = p.text_variation("a blue square", [RecordingStream(11)], [RecordingStream(12)], steps, 7.0)
    assert len(tv.captions) == 1

    s = [RecordingStream(13)]
    group = p.group([("a red circle", images[2]), ("", None), ("a blue square", None)], True,
                    {0: RecordingStream(14)}, s, steps, 7.0)
    assert group.images.shape == (1, 2, 3, p.image_size, p.image_size)
    # Per evaluation, two passes: re-noised reference (both), uncaptioned slot 1's text (both),
    # and in the unconditional pass the two captions.
    per_eval = 2 * img_part + 2 * txt + 2 * txt
    assert s[0].used == _draws(steps, per_eval, 2 * img_part)
    for out in (t2i, joint, group):
        assert np.all(np.isfinite(out.images))


def test_replayed_noise_gives_identical_outputs(pipeline):
    recorded = [RecordingStream(21), RecordingStream(22)]
    first = pipeline.joint(recorded, 3, 7.0)
    runs = []
    for _ in range(2):
        replay = [ReplayStream(s.recorded()) for s in recorded]
        runs.append(pipeline.joint(replay, 3, 7.0))
        assert [r.remaining for r in replay] == [0, 0]
    for run in runs:
        np.testing.assert_array_equal(run.images, first.images)
        assert run.captions == first.captions
        for a, b in zip(run.latents, first.latents):
            for k in a[0]:
                np.testing.assert_array_equal(a[0][k], b[0][k])


def test_inputs_of_the_wrong_size_and_long_prompts_are_refused(pipeline):
    with pytest.raises(ValueError, match="uint8"):
        pipeline.vae_pixels(np.zeros((1, 32, 32, 3), np.uint8))
    with pytest.raises(ValueError, match="at most 14 fit"):
        pipeline.prompt_ids("a " * 15)


def test_bytes_follow_the_java_rounding():
    v = np.array([-1.5, -1.0, 0.0, 1.0 / 255.0, 1.0, 2.0, np.nan])
    assert to_bytes(v).tolist() == [0, 0, 128, 128, 255, 255, 0]


# ------------------------------------------------------------------------------ goldens


def test_goldens_are_consistent_and_replay_exactly(pipeline, tmp_path):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    doc = manifest(pipeline.comp, "tiny", "Apache-2.0")
    (bundle / "unidiff.json").write_text(json.dumps(doc))
    out = tmp_path / "goldens"
    written = make_goldens.make_goldens(pipeline, bundle, "resource:bundle", out, steps=2)
    arrays = np.load(out / "goldens.npz")
    names = set()

    def collect(node):
        if isinstance(node, dict):
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)
        elif isinstance(node, str) and node in arrays.files:
            names.add(node)

    collect(json.loads((out / "goldens.json").read_text()))
    assert names == set(arrays.files), "every array is described and every description exists"
    assert written["bundle_sha256"]["unidiff.json"] == make_goldens.sha256(bundle / "unidiff.json")

    case = next(c for c in written["cases"] if c["name"] == "image_variation")
    images = arrays["images_u8"]
    replays = [[ReplayStream(arrays[n]) for n in st["noise"]] for st in case["stages"]]
    vae = ReplayStream(arrays[case["vae_noise"][0]])
    again = pipeline.image_variation(images[case["image"]], vae, replays[0], replays[1], 2, 7.0)
    np.testing.assert_array_equal(np.moveaxis(to_bytes(again.images), -3, -1),
                                  arrays[case["images_u8"]])
    np.testing.assert_array_equal(again.latents[0][0]["latent"],
                                  arrays[case["stages"][1]["latent"]["array"]][0, 0])
    assert all(r.remaining == 0 for stage in replays for r in stage) and vae.remaining == 0
