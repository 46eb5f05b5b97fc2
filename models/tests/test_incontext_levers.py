"""The in-context recipe's ablation levers: time draws moved to the noise end, and a loss that
weighs the object's latent cells (masks from the rendered pixels)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

MODELS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(MODELS))

from unidiff_models.incontext_data import SequenceSampler, object_masks  # noqa: E402
from unidiff_models.incontext_training import sample_times, weighted_mse  # noqa: E402

TASKS = ["recolor:red", "recolor:green", "shape:circle", "move:top", "resize", "mask"]


def test_no_noise_end_share_keeps_the_first_recipes_draws():
    a = sample_times(np.random.default_rng(3), 500)
    b = sample_times(np.random.default_rng(3), 500, 0.0)
    np.testing.assert_array_equal(a, b)


def test_a_noise_end_share_moves_that_share_into_the_last_tenth():
    t = sample_times(np.random.default_rng(4), 20000, 0.5)
    base = sample_times(np.random.default_rng(4), 20000)
    assert t.min() >= 0 and t.max() <= 1
    share = np.mean(t >= 0.9)
    base_share = np.mean(base >= 0.9)
    # Half the draws are moved to [0.9, 1]; the other half keep the first mix's share there.
    assert abs(share - (0.5 + 0.5 * base_share)) < 0.015, (share, base_share)


def test_weighted_mse_is_plain_mse_at_weight_one_and_weighs_object_cells_otherwise():
    g = torch.Generator().manual_seed(0)
    pred, want = torch.randn(2, 4, 4, 4, generator=g), torch.randn(2, 4, 4, 4, generator=g)
    objects = torch.zeros(2, 4, 4, dtype=torch.bool)
    objects[0, 1, 2] = True
    torch.testing.assert_close(weighted_mse(pred, want, objects, 1.0), F.mse_loss(pred, want))
    torch.testing.assert_close(weighted_mse(pred, want, None, 5.0), F.mse_loss(pred, want))
    se = (pred - want) ** 2
    w = torch.ones(2, 1, 4, 4)
    w[0, 0, 1, 2] = 5.0
    by_hand = (se * w).sum() / (w.expand_as(se)).sum()
    torch.testing.assert_close(weighted_mse(pred, want, objects, 5.0), by_hand)
    # Only the object's error moves the weighted loss more than the plain one.
    only_object = torch.zeros_like(pred)
    only_object[0, :, 1, 2] = 1.0
    assert weighted_mse(only_object, torch.zeros_like(pred), objects, 5.0) > F.mse_loss(only_object, torch.zeros_like(pred))


def test_object_masks_mark_the_cells_an_object_covers():
    images = np.full((2, 16, 16, 3), 200, dtype=np.uint8)        # gray background
    images[0, 4:8, 8:12] = (255, 0, 0)                           # a red square: cells (1, 2) at cell size 4
    images[1, 0:2, 0:2] = (0, 0, 255)                            # a small object in a corner
    images[1, 14, 15] = (205, 195, 200)                          # within the tolerance: background
    m = object_masks(images, 4)
    assert m.shape == (2, 4, 4)
    want0 = np.zeros((4, 4), dtype=bool)
    want0[1, 2] = True
    np.testing.assert_array_equal(m[0], want0)
    want1 = np.zeros((4, 4), dtype=bool)
    want1[0, 0] = True
    np.testing.assert_array_equal(m[1], want1)


def test_sampling_with_objects_draws_the_same_sequences_and_the_query_and_target_masks():
    n = 10
    g = torch.Generator().manual_seed(1)
    latents = torch.randn(n, 1 + len(TASKS), 4, 4, 4, generator=g)
    changes = np.ones((n, len(TASKS)), dtype=bool)
    objects = torch.rand(n, 1 + len(TASKS), 4, 4, generator=g) > 0.7
    sampler = SequenceSampler(latents, TASKS, changes, held_out=[], objects=objects)
    frames, tasks = sampler.sample(np.random.default_rng(7), 6, 2)
    frames2, tasks2, obj = sampler.sample_with_objects(np.random.default_rng(7), 6, 2)
    torch.testing.assert_close(frames, frames2)
    np.testing.assert_array_equal(tasks, tasks2)
    # Recover each sequence's query scene from its frames and check the mask is query | target.
    for i in range(6):
        query = frames[i, -2]
        scene = next(s for s in range(n) if torch.equal(latents[s, 0], query))
        want = objects[scene, 0] | objects[scene, tasks[i] + 1]
        assert torch.equal(obj[i], want)
