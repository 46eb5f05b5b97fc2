"""Bundle export: manifest fields, ONNX names/ranks/dynamic axes, tokenizers, size, parity."""

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper
import pytest
import torch

import export_bundle as cli
from unidiff_models import export as export_mod
from unidiff_models.recipe import RecipeConfig
from unidiff_models.tokenizer import WordTokenizer

FLOAT, INT64 = onnx.TensorProto.FLOAT, onnx.TensorProto.INT64


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A random tiny bundle whose transformer takes data_type, and its components."""
    recipe = dataclasses.replace(RecipeConfig.smoke(), uvit_data_type=True)
    comp = cli.random_components(recipe, seed=3)
    out = tmp_path_factory.mktemp("bundle") / "tiny"
    doc = export_mod.export_bundle(comp, out, name="tiny", group_max_size=4)
    return out, doc, comp


def signature(path: Path):
    model = onnx.load(str(path), load_external_data=False)

    def dims(v):
        return [d.dim_param if d.dim_param else d.dim_value for d in v.type.tensor_type.shape.dim]

    ins = [(v.name, v.type.tensor_type.elem_type, dims(v)) for v in model.graph.input]
    outs = [(v.name, v.type.tensor_type.elem_type, dims(v)) for v in model.graph.output]
    return ins, outs


def test_manifest_has_every_contract_field(tiny):
    out, doc, comp = tiny
    on_disk = json.loads((out / "unidiff.json").read_text())
    assert on_disk == doc
    assert doc["format"] == "unidiff-bundle" and doc["version"] == 1
    assert doc["name"] == "tiny" and doc["license"]
    assert doc["image"] == {"height": 64, "width": 64}
    assert doc["latent"]["channels"] == 4 and doc["latent"]["height"] == doc["latent"]["width"] == 16
    assert doc["latent"]["scaling_factor"] == pytest.approx(comp.scaling_factor)
    pre = doc["clip_image"]["preprocess"]
    assert set(pre) == {"size", "resample", "mean", "std"} and pre["resample"] in ("bicubic", "bilinear")
    assert len(pre["mean"]) == 3 and len(pre["std"]) == 3
    assert doc["text"]["tokens"] == 16 and doc["text"]["dim"] == 32
    assert doc["text"]["tokenizer"] == {"max_length": 16, "pad_id": 0, "bos_id": 1, "eos_id": 2}
    assert doc["caption"] == {"eos_id": 2, "max_new_tokens": 20, "beam_size": 5}
    assert doc["schedule"] == {"type": "vp-discrete", "beta_schedule": "scaled_linear",
                               "beta_start": 0.00085, "beta_end": 0.012, "train_steps": 1000,
                               "prediction": "epsilon"}
    assert doc["data_type"] == {"default": 0}
    assert doc["group"] == {"max_size": 4}
    assert doc["defaults"] == {"sampler": "dpm-solver", "steps": 25, "guidance_scale": 3.0}
    assert set(doc["components"]) == set(export_mod.COMPONENTS)
    for name, entry in doc["components"].items():
        path = (out / entry["path"]).resolve()
        assert path.is_file() and out.resolve() in path.parents, name


def test_onnx_files_have_the_contract_names_ranks_and_dynamic_axes(tiny):
    out, doc, _ = tiny
    c, h, w = doc["latent"]["channels"], doc["latent"]["height"], doc["latent"]["width"]
    dc, L, dt = doc["clip_image"]["dim"], doc["text"]["tokens"], doc["text"]["dim"]
    s, img = doc["clip_image"]["preprocess"]["size"], doc["image"]["height"]
    v = len(json.loads((out / "text_decoder" / "tokenizer.json").read_text())["model"]["vocab"])
    expected = {
        "transformer": (
            [("img", FLOAT, ["B", "G", c, h, w]), ("clip_img", FLOAT, ["B", "G", 1, dc]),
             ("text", FLOAT, ["B", "G", L, dt]), ("t_img", FLOAT, ["B", "G"]),
             ("t_text", FLOAT, ["B", "G"]), ("data_type", INT64, ["B"])],
            [("img_out", FLOAT, ["B", "G", c, h, w]), ("clip_img_out", FLOAT, ["B", "G", 1, dc]),
             ("text_out", FLOAT, ["B", "G", L, dt])]),
        "vae_encoder": ([("image", FLOAT, ["B", 3, img, img])], [("moments", FLOAT, ["B", 2 * c, h, w])]),
        "vae_decoder": ([("latent", FLOAT, ["B", c, h, w])], [("image", FLOAT, ["B", 3, img, img])]),
        "image_encoder": ([("pixel_values", FLOAT, ["B", 3, s, s])], [("image_embeds", FLOAT, ["B", dc])]),
        "text_encoder": ([("input_ids", INT64, ["B", L])], [("text_latent", FLOAT, ["B", L, dt])]),
        "text_decoder": ([("text_latent", FLOAT, ["B", L, dt]), ("input_ids", INT64, ["B", "T"])],
                         [("logits", FLOAT, ["B", "T", v])]),
    }
    for name, (ins, outs) in expected.items():
        path = out / doc["components"][name]["path"]
        onnx.checker.check_model(str(path))
        assert signature(path) == (ins, outs), name


def test_plain_transformer_has_no_data_type_input(tmp_path):
    comp = cli.random_components(seed=1)
    doc = export_mod.export_bundle(comp, tmp_path / "b")
    ins, _ = signature(tmp_path / "b" / "transformer" / "model.onnx")
    assert [i[0] for i in ins] == ["img", "clip_img", "text", "t_img", "t_text"]
    assert "data_type" not in doc


def _hf_encode(spec: dict, text: str):
    """Interpret a tokenizer.json as the tokenizers library does, for the features used here."""
    for norm in spec["normalizer"]["normalizers"]:
        if norm["type"] == "Lowercase":
            text = text.lower()
        elif norm["type"] == "Replace":
            text = re.sub(norm["pattern"]["Regex"], norm["content"], text)
        else:
            raise AssertionError(f"unexpected normalizer {norm}")
    assert spec["pre_tokenizer"] == {"type": "Whitespace"}
    words = re.findall(r"\w+|[^\w\s]+", text)
    vocab, unk = spec["model"]["vocab"], spec["model"]["unk_token"]
    ids = [vocab.get(wd, vocab[unk]) for wd in words]
    post = spec["post_processor"]
    if post is None:
        return ids
    specials = {k: v["ids"][0] for k, v in post["special_tokens"].items()}
    n_special = sum(1 for p in post["single"] if "SpecialToken" in p)
    ids = ids[:spec["truncation"]["max_length"] - n_special]
    framed = []
    for piece in post["single"]:
        framed += [specials[piece["SpecialToken"]["id"]]] if "SpecialToken" in piece else ids
    pad = spec["padding"]
    return framed + [pad["pad_id"]] * (pad["strategy"]["Fixed"] - len(framed))


def test_tokenizer_files_encode_like_the_training_tokenizer(tiny):
    out, doc, comp = tiny
    enc = json.loads((out / "text_encoder" / "tokenizer.json").read_text())
    dec = json.loads((out / "text_decoder" / "tokenizer.json").read_text())
    assert enc["model"]["type"] == "WordLevel" and enc["model"]["vocab"] == comp.tokenizer.vocab
    assert dec["model"]["vocab"] == comp.tokenizer.vocab and dec["post_processor"] is None
    for special, key in (("[PAD]", "pad_id"), ("[BOS]", "bos_id"), ("[EOS]", "eos_id")):
        assert enc["model"]["vocab"][special] == doc["text"]["tokenizer"][key]
    assert dec["model"]["vocab"]["[EOS]"] == doc["caption"]["eos_id"]
    for text in ("a large red circle at the top left on a black background", "A Blue, square!",
                 "a purple diamond unicorn", " ".join(["red"] * 30)):
        assert _hf_encode(enc, text) == comp.tokenizer.encode_padded(text, doc["text"]["tokens"])
        assert _hf_encode(dec, text) == comp.tokenizer.ids_of(text)


def test_tokenizer_json_loads_in_hugging_face_tokenizers(tiny):
    tokenizers = pytest.importorskip("tokenizers", reason="the tokenizers package is not installed; "
                                     "the JSON is checked by the interpreter test above")
    out, doc, comp = tiny
    tok = tokenizers.Tokenizer.from_file(str(out / "text_encoder" / "tokenizer.json"))
    text = "a small green square in the center"
    assert tok.encode(text).ids == comp.tokenizer.encode_padded(text, doc["text"]["tokens"])


def test_default_sized_bundle_fits_30_mb(tmp_path):
    comp = cli.random_components(RecipeConfig(), seed=0)
    export_mod.export_bundle(comp, tmp_path / "d", max_bytes=cli.DEFAULT_MAX_BYTES)
    assert export_mod.bundle_bytes(tmp_path / "d") <= 30_000_000


def test_over_size_bundle_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="over the limit of 1000"):
        export_mod.export_bundle(cli.random_components(seed=0), tmp_path / "x", max_bytes=1000)


def test_large_models_keep_weights_in_one_external_file(tmp_path, monkeypatch):
    monkeypatch.setattr(export_mod, "EXTERNAL_DATA_BYTES", 0)
    lin = torch.nn.Linear(8, 4)
    path = tmp_path / "m" / "model.onnx"
    export_mod.export_onnx(lin, [torch.randn(2, 8)], path, ["x"], ["y"], {"x": {0: "B"}, "y": {0: "B"}})
    assert sorted(p.name for p in path.parent.iterdir()) == ["model.onnx", "model.onnx.data"]
    onnx.checker.check_model(str(path))
    model = onnx.load(str(path))
    weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    assert any(np.array_equal(wt, lin.weight.detach().numpy().T) or
               np.array_equal(wt, lin.weight.detach().numpy()) for wt in weights.values())


def test_onnx_outputs_match_pytorch(tiny):
    ort = pytest.importorskip(
        "onnxruntime", reason="onnxruntime is not installed for /usr/bin/python3; numeric ONNX "
        "parity is left to the Java runtime tests (structure is checked above)")
    out, doc, comp = tiny
    gen = torch.Generator().manual_seed(0)
    u = comp.uvit.config
    b, g = 2, 3
    args = [torch.randn(b, g, 4, 16, 16, generator=gen), torch.randn(b, g, 1, u.clip_dim, generator=gen),
            torch.randn(b, g, u.text_tokens, u.text_dim, generator=gen),
            torch.rand(b, g, generator=gen) * 1000, torch.rand(b, g, generator=gen) * 1000,
            torch.tensor([0, 1])]
    with torch.no_grad():
        want = comp.uvit(*args)
    sess = ort.InferenceSession(str(out / "transformer" / "model.onnx"))
    names = ["img", "clip_img", "text", "t_img", "t_text", "data_type"]
    got = sess.run(None, {n: a.numpy() for n, a in zip(names, args)})
    for x, y in zip(got, want):
        np.testing.assert_allclose(x, y.numpy(), atol=1e-4)
    ids = torch.tensor([comp.tokenizer.encode_padded("a red circle", u.text_tokens)] * 2)
    with torch.no_grad():
        latent = comp.reduction(comp.clip.text_encoder(ids))
        logits = comp.caption_decoder(latent, ids[:, :5])
    got = ort.InferenceSession(str(out / "text_encoder" / "model.onnx")).run(None, {"input_ids": ids.numpy()})[0]
    np.testing.assert_allclose(got, latent.numpy(), atol=1e-4)
    got = ort.InferenceSession(str(out / "text_decoder" / "model.onnx")).run(
        None, {"text_latent": latent.numpy(), "input_ids": ids[:, :5].numpy()})[0]
    np.testing.assert_allclose(got, logits.numpy(), atol=1e-4)
