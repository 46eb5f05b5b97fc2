"""Transformer variants (unidiff_models/optimize.py) on the API's random tiny bundle: folding keeps
the outputs exactly and removes the shape arithmetic, fusion stays within float rounding, int8
quantizes the MatMuls, and a Reshape target is folded only when 0/-1 reproduce every shape."""

from pathlib import Path

import numpy as np
import onnx
import pytest

ort = pytest.importorskip("onnxruntime")

from unidiff_models import optimize  # noqa: E402

TINY = (Path(__file__).resolve().parents[2] / "unidiff-api" / "src" / "test" / "resources"
        / "random-tiny-bundle" / "transformer" / "model.onnx")


@pytest.fixture(scope="module")
def original():
    return onnx.load(str(TINY))


def test_folding_keeps_outputs_and_removes_shape_kernels(original):
    folded, stats = optimize.fold_shapes(original)
    assert stats["reshape 0/-1"] > 0 and stats["nodes removed"] > 0
    assert optimize.max_difference(original, folded) == 0.0
    before, after = optimize.kernels(original), optimize.kernels(folded)
    assert sum(after.values()) < sum(before.values())
    assert after["Shape"] < before["Shape"]


def test_every_variant_is_written_and_reported(original, tmp_path):
    fused = optimize.optimize_transformer(TINY, tmp_path / "fused.onnx", "fused", 4, 32)
    assert fused["kernels after"] < fused["kernels before"]
    assert fused["max output difference"] < 1e-4
    int8 = optimize.optimize_transformer(TINY, tmp_path / "int8.onnx", "int8", 4, 32)
    ops = {n.op_type for n in onnx.load(str(tmp_path / "int8.onnx")).graph.node}
    assert "MatMulInteger" in ops or "DynamicQuantizeMatMul" in ops
    # Lossy, but an int8 transformer still predicts: far below the outputs' own size.
    assert 0 < int8["max output difference"] < 1.0


def test_attention_becomes_one_operator_with_the_same_outputs(original, tmp_path):
    # The tiny transformer: width 32, 4 heads, 3 attentions (in, mid, out block); G up to 4 in
    # SETTINGS, so the group mask is exercised.
    report = optimize.optimize_transformer(TINY, tmp_path / "attention.onnx", "attention", 4, 32)
    assert report["attentions fused"] == 3
    # onnxruntime's attention kernel does the same float operations: bit-identical here.
    assert report["max output difference"] < 1e-6
    ops = [n.op_type for n in onnx.load(str(tmp_path / "attention.onnx")).graph.node]
    assert ops.count("MultiHeadAttention") == 3 and "Softmax" not in ops
    # The wrong head count must show: the check compares outputs, it does not trust the rewrite.
    # (Random weights attend almost uniformly, so heads matter little: 2 heads move outputs 3e-5.)
    wrong = optimize.optimize_transformer(TINY, tmp_path / "wrong.onnx", "attention", 2, 32)
    assert wrong["max output difference"] > 1e-5


def test_attention_and_fusions_together(original, tmp_path):
    both = optimize.optimize_transformer(TINY, tmp_path / "both.onnx", "attention-fused", 4, 32)
    attention = optimize.optimize_transformer(TINY, tmp_path / "a.onnx", "attention", 4, 32)
    assert both["attentions fused"] == 3
    assert both["kernels after"] < attention["kernels after"]
    assert both["max output difference"] < 1e-4
    ops = [n.op_type for n in onnx.load(str(tmp_path / "both.onnx")).graph.node]
    assert ops.count("MultiHeadAttention") == 3 and "SkipLayerNormalization" in ops


def test_reshape_pattern_needs_one_unknown_and_matching_sizes():
    # [B*G, 6] from [B, G, 6]: -1 then the constant.
    targets = [np.array([b * g, 6]) for b, g in optimize.SETTINGS]
    inputs = [(b, g, 6) for b, g in optimize.SETTINGS]
    assert list(optimize._reshape_pattern(targets, inputs)) == [-1, 6]
    # [B, G, 6] from [B*G, 6]: two dimensions vary and neither is copied; no constant fits.
    assert optimize._reshape_pattern([np.array(s) for s in inputs],
                                     [(b * g, 6) for b, g in optimize.SETTINGS]) is None


def test_bundle_out_writes_a_whole_bundle_with_the_variant(tmp_path, capsys):
    import json
    import optimize_transformer  # models/ is on the path (conftest.py)
    bundle = TINY.parents[1]
    out = tmp_path / "bundles" / "int8"
    assert optimize_transformer.main(["--bundle", str(bundle), "--mode", "int8", "--bundle-out", str(out),
                                      "--heads", "4", "--width", "32"]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["bundle"] == str(out) and 0 < report["max output difference"] < 1.0
    doc = json.loads((out / "unidiff.json").read_text(encoding="utf-8"))
    original = json.loads((bundle / "unidiff.json").read_text(encoding="utf-8"))
    assert doc["components"]["transformer"]["precision"] == "int8"
    assert doc["name"] == original["name"] + "-int8"
    ops = {n.op_type for n in onnx.load(str(out / doc["components"]["transformer"]["path"])).graph.node}
    assert "DynamicQuantizeMatMul" in ops or "MatMulInteger" in ops
    # Every other file is the original's, byte for byte; nothing is left beside the bundle.
    for f in bundle.rglob("*"):
        rel = f.relative_to(bundle)
        if f.is_file() and rel.as_posix() not in ("unidiff.json", doc["components"]["transformer"]["path"]):
            assert (out / rel).read_bytes() == f.read_bytes(), rel
    assert [p.name for p in out.parent.iterdir()] == ["int8"]
    # An existing bundle is never written over.
    stamp = (out / "unidiff.json").read_bytes()
    with pytest.raises(SystemExit):
        optimize_transformer.main(["--bundle", str(bundle), "--mode", "fold", "--bundle-out", str(out),
                                   "--heads", "4", "--width", "32"])
    assert (out / "unidiff.json").read_bytes() == stamp


def test_add_variant_writes_the_variant_beside_the_main_transformer(tmp_path, capsys):
    import json
    import shutil
    import optimize_transformer
    bundle = tmp_path / "bundle"
    shutil.copytree(TINY.parents[1], bundle)
    main_bytes = (bundle / "transformer" / "model.onnx").read_bytes()
    args = ["--bundle", str(bundle), "--mode", "int8", "--heads", "4", "--width", "32"]
    assert optimize_transformer.main(args + ["--add-variant", "int8"]) == 0
    doc = json.loads((bundle / "unidiff.json").read_text(encoding="utf-8"))
    spec = doc["components"]["transformer"]
    assert spec["variants"] == {"int8": {"path": "transformer/int8.onnx", "precision": "int8"}}
    assert spec["path"] == "transformer/model.onnx" and spec["precision"] == "fp32"
    assert (bundle / "transformer" / "model.onnx").read_bytes() == main_bytes
    ops = {n.op_type for n in onnx.load(str(bundle / "transformer" / "int8.onnx")).graph.node}
    assert "DynamicQuantizeMatMul" in ops or "MatMulInteger" in ops
    assert sorted(p.name for p in (bundle / "transformer").iterdir()) == ["int8.onnx", "model.onnx"]
    # The same name again, or a name the runtime would refuse, changes nothing.
    stamp = (bundle / "unidiff.json").read_bytes()
    for name in ("int8", "Int8"):
        with pytest.raises(SystemExit):
            optimize_transformer.main(args + ["--add-variant", name])
    assert (bundle / "unidiff.json").read_bytes() == stamp
