"""The GEMM-free twin (unidiff_models/gemm_free.py) on the API's random tiny bundle: every weight
MatMul and only those are replaced, the outputs keep their shapes at every (B, G), and the weights
are gone."""

from pathlib import Path

import numpy as np
import onnx
import pytest

ort = pytest.importorskip("onnxruntime")

from unidiff_models import optimize  # noqa: E402
from unidiff_models.gemm_free import gemm_free_twin  # noqa: E402

TINY = (Path(__file__).resolve().parents[2] / "unidiff-api" / "src" / "test" / "resources"
        / "random-tiny-bundle" / "transformer" / "model.onnx")


def _matmuls(model):
    weights = {i.name for i in model.graph.initializer if len(i.dims) == 2}
    mm = [n for n in model.graph.node if n.op_type == "MatMul"]
    return sum(n.input[1] in weights for n in mm), sum(n.input[1] not in weights for n in mm)


def test_twin_replaces_exactly_the_weight_matmuls_and_keeps_output_shapes():
    original = onnx.load(str(TINY))
    by_weight, between_activations = _matmuls(original)
    assert by_weight > 0 and between_activations > 0  # the tiny model has attention
    twin, replaced = gemm_free_twin(original)
    assert replaced == by_weight
    assert _matmuls(twin) == (0, between_activations)
    a, b = optimize._session(original), optimize._session(twin)
    for i, (bb, g) in enumerate(optimize.SETTINGS):
        feeds = optimize.random_feeds(original, bb, g, seed=i)
        outs_a, outs_b = a.run(None, feeds), b.run(None, feeds)
        assert [x.shape for x in outs_a] == [y.shape for y in outs_b]
        # Meaningless values, so not the original's: the twin really skips the arithmetic.
        assert any(not np.allclose(x, y) for x, y in zip(outs_a, outs_b))


def test_twin_drops_the_weights():
    original = onnx.load(str(TINY))
    twin, _ = gemm_free_twin(original)
    assert twin.ByteSize() < original.ByteSize() / 2
    assert original.ByteSize() > 0 and _matmuls(original)[0] > 0  # the original is untouched
