"""The exported tiny v1 bundle: ONNX structure per the contract, manifest, tokenizers, fp16.

The fp32 bundle and a parity file (PyTorch inputs and outputs at batch 2, group 3) are left in
``models/work/tiny_v1/`` for the Java side, which has ONNX Runtime (Debian's Python has none):
a runtime test can load ``bundle/`` and compare against ``parity.npz``.
"""

import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto

from unidiffuser_v1.exporter import OUTPUTS, V1Architecture, manifest
from unidiffuser_v1.onnx_export import ExportedFile
from unidiffuser_v1.tiny import write_tiny_bundle

TINY = Path(__file__).resolve().parents[1] / "work" / "tiny_v1"
THRESHOLD = 100_000

# name -> (integer?, dims) with "B"/"G"/"T"/"V" dynamic and ints fixed, per bundle-contract.md,
# at the tiny sizes: latent 4x8x8, clip 16, text 8x8, image 16, clip input 32.
CONTRACT = {
    "transformer": ([("img", False, ["B", "G", 4, 8, 8]), ("clip_img", False, ["B", "G", 1, 16]),
                     ("text", False, ["B", "G", 8, 8]), ("t_img", False, ["B", "G"]),
                     ("t_text", False, ["B", "G"]), ("data_type", True, ["B"])],
                    [("img_out", False, ["B", "G", 4, 8, 8]),
                     ("clip_img_out", False, ["B", "G", 1, 16]),
                     ("text_out", False, ["B", "G", 8, 8])]),
    "vae_encoder": ([("image", False, ["B", 3, 16, 16])], [("moments", False, ["B", 8, 8, 8])]),
    "vae_decoder": ([("latent", False, ["B", 4, 8, 8])], [("image", False, ["B", 3, 16, 16])]),
    "image_encoder": ([("pixel_values", False, ["B", 3, 32, 32])],
                      [("image_embeds", False, ["B", 16])]),
    "text_encoder": ([("input_ids", True, ["B", 8])], [("text_latent", False, ["B", 8, 8])]),
    "text_decoder": ([("text_latent", False, ["B", 8, 8]), ("input_ids", True, ["B", "T"])],
                     [("logits", False, ["B", "T", None])]),
}


@pytest.fixture(scope="module")
def fp32_bundle():
    doc = write_tiny_bundle(TINY / "bundle", TINY / "parity.npz", TINY / "sources",
                            external_threshold=THRESHOLD)
    return TINY / "bundle", doc


@pytest.fixture(scope="module")
def fp16_bundle(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny16")
    write_tiny_bundle(root / "bundle", root / "parity.npz", root / "sources", fp16=True)
    return root / "bundle"


def _dims(value_info):
    out = []
    for d in value_info.type.tensor_type.shape.dim:
        out.append(d.dim_param if d.dim_param else d.dim_value)
    return out


def _check_tensor(vi, name, integer, dims, float_types):
    assert vi.name == name
    elem = vi.type.tensor_type.elem_type
    if integer:
        assert elem == TensorProto.INT64, name
    else:
        assert elem in float_types, (name, elem)
    got = _dims(vi)
    assert len(got) == len(dims), (name, got)
    for g, e in zip(got, dims):
        if isinstance(e, str):
            assert isinstance(g, str) and g, f"{name}: axis should be dynamic ({e}), got {g}"
        elif e is not None:
            assert g == e, (name, got, dims)


@pytest.mark.parametrize("component", list(CONTRACT))
def test_fp32_models_have_the_contract_inputs_and_outputs(fp32_bundle, component):
    model = onnx.load(str(fp32_bundle[0] / component / "model.onnx"), load_external_data=False)
    inputs, outputs = CONTRACT[component]
    assert [i.name for i in model.graph.input] == [n for n, _, _ in inputs]
    assert [o.name for o in model.graph.output] == [n for n, _, _ in outputs]
    for vi, (name, integer, dims) in zip(model.graph.input, inputs):
        _check_tensor(vi, name, integer, dims, {TensorProto.FLOAT})
    for vi, (name, integer, dims) in zip(model.graph.output, outputs):
        _check_tensor(vi, name, integer, dims, {TensorProto.FLOAT})


def test_external_data_is_used_exactly_above_the_threshold(fp32_bundle):
    for component in CONTRACT:
        path = fp32_bundle[0] / component / "model.onnx"
        model = onnx.load(str(path))  # reads model.onnx.data when the model points to it
        data = path.with_name("model.onnx.data")
        raw = sum(len(t.raw_data) for t in model.graph.initializer)
        assert raw > 0
        assert data.exists() == (raw > THRESHOLD), (component, raw)
    # At least one of each kind, so both code paths ran.
    kinds = {(fp32_bundle[0] / c / "model.onnx.data").exists() for c in CONTRACT}
    assert kinds == {True, False}


def test_tiny_manifest_matches_the_models_and_tokenizers(fp32_bundle):
    bundle, doc = fp32_bundle
    on_disk = json.loads((bundle / "unidiff.json").read_text())
    assert on_disk == doc
    assert doc["latent"] == {"channels": 4, "height": 8, "width": 8, "scaling_factor": 0.18215}
    assert doc["text"]["tokens"] == 8 and doc["text"]["dim"] == 8
    clip_tok = json.loads((bundle / "text_encoder" / "tokenizer.json").read_text())
    gpt_tok = json.loads((bundle / "text_decoder" / "tokenizer.json").read_text())
    clip_added = {t["content"]: t["id"] for t in clip_tok["added_tokens"]}
    assert doc["text"]["tokenizer"] == {"max_length": 8, "pad_id": clip_added["<|endoftext|>"],
                                        "bos_id": clip_added["<|startoftext|>"],
                                        "eos_id": clip_added["<|endoftext|>"]}
    gpt_added = {t["content"]: t["id"] for t in gpt_tok["added_tokens"]}
    assert doc["caption"]["eos_id"] == gpt_added["<|EOS|>"] == len(gpt_tok["model"]["vocab"])
    for component, spec in doc["components"].items():
        assert (bundle / spec["path"]).is_file()
        assert spec["precision"] == "fp32"


def test_parity_file_holds_every_input_and_output(fp32_bundle):
    z = np.load(TINY / "parity.npz")
    for component, (inputs, outputs) in CONTRACT.items():
        for name, _, _ in inputs + outputs:
            assert f"{component}.{name}" in z.files
    assert z["transformer.img"].shape == (2, 3, 4, 8, 8)
    assert z["transformer.data_type"].dtype == np.int64
    assert z["text_decoder.logits"].shape[:2] == (2, 3)
    assert np.isfinite(z["transformer.img_out"]).all()


def test_published_manifest_has_the_reference_defaults():
    arch = V1Architecture()
    files = {c: ExportedFile(Path(c), "fp16", True, 0) for c in OUTPUTS}
    doc = manifest(arch, files, {"bos": 49406, "eos": 49407, "pad": 49407},
                   {"eos": 50257}, 4, "unidiffuser-v1", "x")
    assert doc["defaults"] == {"sampler": "dpm-solver", "steps": 50, "guidance_scale": 7.0}
    assert doc["data_type"] == {"default": 1}
    assert doc["caption"] == {"eos_id": 50257, "max_new_tokens": 67, "beam_size": 5}
    assert doc["text"] == {"tokens": 77, "dim": 64, "tokenizer": {
        "max_length": 77, "pad_id": 49407, "bos_id": 49406, "eos_id": 49407}}
    assert doc["image"] == {"height": 512, "width": 512}
    assert doc["latent"] == {"channels": 4, "height": 64, "width": 64, "scaling_factor": 0.18215}
    assert doc["clip_image"]["dim"] == 512 and doc["clip_image"]["preprocess"]["size"] == 224
    assert doc["schedule"] == {"type": "vp-discrete", "beta_schedule": "scaled_linear",
                               "beta_start": 0.00085, "beta_end": 0.012, "train_steps": 1000,
                               "prediction": "epsilon"}
    assert doc["group"] == {"max_size": 4}
    arch.check()


def _types(model):
    """Element type of every tensor of a model, by shape inference."""
    inferred = onnx.shape_inference.infer_shapes(model)
    g = inferred.graph
    types = {vi.name: vi.type.tensor_type.elem_type
             for vi in list(g.input) + list(g.value_info) + list(g.output)}
    types.update({t.name: t.data_type for t in g.initializer})
    return types


@pytest.mark.parametrize("component", list(CONTRACT))
def test_fp16_keeps_softmax_norms_and_timesteps_in_float32(fp16_bundle, component):
    model = onnx.load(str(fp16_bundle / component / "model.onnx"))
    onnx.checker.check_model(model)
    types = _types(model)
    inputs, outputs = CONTRACT[component]
    for name, integer, _ in inputs:
        want = (TensorProto.INT64 if integer else
                TensorProto.FLOAT if name in ("t_img", "t_text") else TensorProto.FLOAT16)
        assert types[name] == want, name
    for name, _, _ in outputs:
        assert types[name] == TensorProto.FLOAT16, name
    kept = [n for n in model.graph.node
            if n.op_type in ("Softmax", "LayerNormalization", "InstanceNormalization")]
    assert kept, "expected attention or normalisation nodes"
    for node in kept:
        assert types[node.input[0]] == TensorProto.FLOAT, (node.op_type, node.name)
        assert types[node.output[0]] == TensorProto.FLOAT
    # The weighted sum after each softmax runs in float32 too.
    for node in kept:
        if node.op_type == "Softmax":
            consumers = [n for n in model.graph.node if node.output[0] in n.input]
            assert consumers and all(types[i] == TensorProto.FLOAT
                                     for c in consumers for i in c.input)
    # Weights are float16, except the normalisation parameters kept for the float32 norms.
    norm_params = {i for n in model.graph.node if n.op_type == "LayerNormalization"
                   for i in n.input[1:]}
    big = [t for t in model.graph.initializer if np.prod(t.dims) > 64]
    assert big
    for t in big:
        want = TensorProto.FLOAT if t.name in norm_params else TensorProto.FLOAT16
        assert t.data_type == want, t.name
