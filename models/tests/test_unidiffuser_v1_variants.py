"""Transformer variants for UniDiffuser v1 exports (``export_unidiffuser_v1.py
--transformer-variant``), on the tiny v1 sources: the rewritten transformer computes what the
export computes (attention and norms fused within float rounding, int8 close but not equal), the manifest states its
precision, external weight files are replaced along with the model, and fp16 is refused before
anything is written."""

import json

import numpy as np
import onnx
import pytest

ort = pytest.importorskip("onnxruntime")

from unidiff_models import optimize  # noqa: E402
from unidiffuser_v1.exporter import load_networks, write_bundle  # noqa: E402
from unidiffuser_v1.tiny import write_tiny_sources  # noqa: E402


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    src, arch = write_tiny_sources(tmp_path_factory.mktemp("tiny-v1-sources"))
    return src, arch, load_networks(src, arch)


def _export(sources, out, **kwargs):
    src, arch, nets = sources
    # 100 kB: the tiny transformer's weights are larger, so the export keeps them beside the model.
    return write_bundle(nets, arch, out, src.clip_text, src.gpt2, group_max_size=4,
                        external_threshold=100_000, **kwargs)


def _transformer(bundle):
    return onnx.load(str(bundle / "transformer" / "model.onnx"))


@pytest.fixture(scope="module")
def plain(sources, tmp_path_factory):
    out = tmp_path_factory.mktemp("plain") / "bundle"
    _export(sources, out)
    assert (out / "transformer" / "model.onnx.data").exists()
    return out


@pytest.mark.parametrize("variant,precision", [("attention-fused", "fp32"), ("int8", "int8")])
def test_variant_matches_the_export_and_states_its_precision(sources, plain, tmp_path, variant, precision):
    out = tmp_path / "bundle"
    doc = _export(sources, out, transformer_variant=variant)
    assert doc["components"]["transformer"]["precision"] == precision
    assert json.loads((out / "unidiff.json").read_text())["components"]["transformer"]["precision"] == precision
    # Under the 1 GB threshold the variant is one file: the export's weight file must not linger.
    assert not (out / "transformer" / "model.onnx.data").exists()
    assert [p.name for p in (out / "transformer").iterdir()] == ["model.onnx"]
    a, b = _transformer(plain), _transformer(out)
    ops = {n.op_type for n in b.graph.node}
    worst = optimize.max_difference(a, b, ((1, 1), (2, 3)))
    if variant == "attention-fused":
        assert {"MultiHeadAttention", "SkipLayerNormalization"} <= ops and worst < 1e-4
    else:
        assert "DynamicQuantizeMatMul" in ops or "MatMulInteger" in ops
        assert 0 < worst < 1.0


def test_large_variant_keeps_its_weights_beside_it(sources, plain, tmp_path, monkeypatch):
    # A model over the threshold (v1's real transformer is 3.6 GB) is written, run and checked
    # through files with external data; a 10 kB threshold takes that path at tiny size.
    monkeypatch.setattr(optimize, "EXTERNAL_BYTES", 10_000)
    out = tmp_path / "bundle"
    _export(sources, out, transformer_variant="fold")
    data = out / "transformer" / "model.onnx.data"
    assert data.exists() and data.stat().st_size > 10_000
    model = onnx.load(str(out / "transformer" / "model.onnx"))
    assert optimize.max_difference(_transformer(plain), model, ((2, 3),)) == 0.0


def test_fp16_with_a_variant_is_refused_before_writing(sources, tmp_path):
    out = tmp_path / "bundle"
    with pytest.raises(ValueError, match="fp32"):
        _export(sources, out, fp16=True, transformer_variant="int8")
    with pytest.raises(ValueError, match="unknown transformer variant"):
        _export(sources, out, transformer_variant="fastest")
    assert not out.exists()
