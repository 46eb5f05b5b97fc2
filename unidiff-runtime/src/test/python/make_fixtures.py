#!/usr/bin/python3
"""Writes the tiny ONNX fixture bundle the unidiff-runtime tests load.

Every model is a small known linear map, so the Java tests can compute the expected outputs
independently. Run with Debian's python3 (onnx 1.12, numpy) from the module directory:

    /usr/bin/python3 src/test/python/make_fixtures.py

Outputs (committed): src/test/resources/bundles/tiny/ (a full bundle) and
src/test/resources/bundles/bad-models/ (single models that break the contract) and
src/test/resources/bundles/variants/ (valid alternatives, e.g. a float16 transformer).
"""
import json
import os
import shutil

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.normpath(os.path.join(HERE, "..", "resources", "bundles"))
TINY = os.path.join(RES, "tiny")
BAD = os.path.join(RES, "bad-models")
VARIANTS = os.path.join(RES, "variants")

OPSET = 17
IMAGE = 8          # pixel images 8 x 8
C, H, W = 2, 4, 4  # latent
CLIP_DIM, CLIP_SIZE = 4, 4
L, DT = 4, 2       # text latent
VOCAB = ["[PAD]", "[BOS]", "[EOS]", "[UNK]", "a", "red", "blue", "circle", "square", "small"]
V = len(VOCAB)
F = TensorProto.FLOAT
F16 = TensorProto.FLOAT16
I64 = TensorProto.INT64

# Weights are multiples of 1/8 so that the float16 model computes them exactly.
VAE_ENC_W = np.array([[0.5, 0.25, 0.0],
                      [0.0, -0.5, 1.0],
                      [0.125, 0.125, 0.125],
                      [0.0, 0.0, 0.0]], dtype=np.float32).reshape(4, 3, 1, 1)
# Channel 3 is a log-variance of 25, above the clamp of 20; channel 2 is -1 plus the mean.
VAE_ENC_B = np.array([0.0, 0.25, -1.0, 25.0], dtype=np.float32)
VAE_DEC_W = (np.arange(2 * 3 * 2 * 2, dtype=np.float32).reshape(2, 3, 2, 2) - 12.0) / 8.0
VAE_DEC_B = np.array([0.125, -0.25, 0.0], dtype=np.float32)
IMG_ENC_W = np.array([[1.0, 0.0, 0.5, -1.0],
                      [0.0, 2.0, 0.5, 0.0],
                      [0.0, 0.0, 0.5, 3.0]], dtype=np.float32)
TEXT_EMB = np.array([[i * 0.5, -i * 0.25] for i in range(V)], dtype=np.float32)
# Next-token table of the caption decoder: row r scores the token after token r; row V (the
# extra one) scores the first token, after the prefix. Path: a -> red -> circle -> [EOS].
BIGRAM = np.full((V + 1, V), -4.0, dtype=np.float32)
for prev, nxt in [(V, 4), (4, 5), (5, 7), (7, 2), (6, 8), (8, 2), (9, 7)]:
    BIGRAM[prev, nxt] = 2.0
BIGRAM[:, 0] = -30.0  # never [PAD]
BIGRAM[:, 1] = -30.0  # never [BOS]
LATENT_DIRECTION = np.linspace(-0.5, 0.5, V).astype(np.float32)


def tensor_value(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def save(model, path, external=False):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    model.opset_import[0].version = OPSET
    model.ir_version = 8
    onnx.checker.check_model(model)
    if external:
        onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=os.path.basename(path) + ".data", size_threshold=0)
    else:
        onnx.save_model(model, path)


def make(nodes, name, inputs, outputs, inits):
    graph = helper.make_graph(nodes, name, inputs, outputs, inits)
    return helper.make_model(graph, producer_name="unidiff-runtime-fixtures",
                             opset_imports=[helper.make_opsetid("", OPSET)])


def transformer(with_data_type=True):
    """img_out = 0.5 img + 0.001 t_img; clip_img_out = 2 clip_img + data_type; text_out = text - 0.01 t_text."""
    nodes = [
        helper.make_node("Mul", ["img", "half"], ["img_half"]),
        helper.make_node("Unsqueeze", ["t_img", "axes_234"], ["t_img_5d"]),
        helper.make_node("Mul", ["t_img_5d", "milli"], ["t_img_scaled"]),
        helper.make_node("Add", ["img_half", "t_img_scaled"], ["img_out"]),
        helper.make_node("Mul", ["clip_img", "two"], ["clip_twice"]),
        helper.make_node("Unsqueeze", ["t_text", "axes_23"], ["t_text_4d"]),
        helper.make_node("Mul", ["t_text_4d", "centi"], ["t_text_scaled"]),
        helper.make_node("Sub", ["text", "t_text_scaled"], ["text_out"]),
    ]
    inits = [init("half", np.float32(0.5)), init("two", np.float32(2.0)),
             init("milli", np.float32(0.001)), init("centi", np.float32(0.01)),
             init("axes_234", np.array([2, 3, 4], dtype=np.int64)),
             init("axes_23", np.array([2, 3], dtype=np.int64))]
    inputs = [tensor_value("img", F, ["B", "G", C, H, W]),
              tensor_value("clip_img", F, ["B", "G", 1, CLIP_DIM]),
              tensor_value("text", F, ["B", "G", L, DT]),
              tensor_value("t_img", F, ["B", "G"]),
              tensor_value("t_text", F, ["B", "G"])]
    if with_data_type:
        inputs.append(tensor_value("data_type", I64, ["B"]))
        nodes[4:5] = [
            helper.make_node("Mul", ["clip_img", "two"], ["clip_twice0"]),
            helper.make_node("Cast", ["data_type"], ["dt_float"], to=F),
            helper.make_node("Unsqueeze", ["dt_float", "axes_123"], ["dt_4d"]),
            helper.make_node("Add", ["clip_twice0", "dt_4d"], ["clip_twice"]),
        ]
        inits.append(init("axes_123", np.array([1, 2, 3], dtype=np.int64)))
    nodes.insert(len(nodes) - 3, helper.make_node("Identity", ["clip_twice"], ["clip_img_out"]))
    outputs = [tensor_value("img_out", F, ["B", "G", C, H, W]),
               tensor_value("clip_img_out", F, ["B", "G", 1, CLIP_DIM]),
               tensor_value("text_out", F, ["B", "G", L, DT])]
    return make(nodes, "transformer", inputs, outputs, inits)


def as_float16(model):
    """The same model with every float input and output in float16, converted at the graph's edges."""
    graph = model.graph
    renames = {}
    casts_in = []
    for value in graph.input:
        if value.type.tensor_type.elem_type == F:
            inner = value.name + "_f32"
            renames[value.name] = inner
            casts_in.append(helper.make_node("Cast", [value.name], [inner], to=F))
            value.type.tensor_type.elem_type = F16
    for node in graph.node:
        node.input[:] = [renames.get(n, n) for n in node.input]
    casts_out = []
    for value in graph.output:
        inner = value.name + "_f32"
        for node in graph.node:
            node.output[:] = [inner if n == value.name else n for n in node.output]
            node.input[:] = [inner if n == value.name else n for n in node.input]
        casts_out.append(helper.make_node("Cast", [inner], [value.name], to=F16))
        value.type.tensor_type.elem_type = F16
    nodes = casts_in + list(graph.node) + casts_out
    del graph.node[:]
    graph.node.extend(nodes)
    return model


def vae_encoder():
    """moments = Conv1x1(AveragePool2x2(image))."""
    nodes = [helper.make_node("AveragePool", ["image"], ["pooled"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Conv", ["pooled", "w", "b"], ["moments"])]
    return make(nodes, "vae_encoder", [tensor_value("image", F, ["B", 3, IMAGE, IMAGE])],
                [tensor_value("moments", F, ["B", 2 * C, H, W])],
                [init("w", VAE_ENC_W), init("b", VAE_ENC_B)])


def vae_decoder(input_name="latent", latent_shape=("B", C, H, W)):
    """float16 in and out: image = ConvTranspose2x2/2(latent) + b."""
    nodes = [helper.make_node("Cast", [input_name], ["latent32"], to=F),
             helper.make_node("ConvTranspose", ["latent32", "w", "b"], ["image32"],
                              kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Cast", ["image32"], ["image"], to=F16)]
    return make(nodes, "vae_decoder", [tensor_value(input_name, F16, list(latent_shape))],
                [tensor_value("image", F16, ["B", 3, IMAGE, IMAGE])],
                [init("w", VAE_DEC_W), init("b", VAE_DEC_B)])


def image_encoder():
    """image_embeds = mean over pixels of pixel_values, times a 3 x Dc matrix (weights stored externally)."""
    nodes = [helper.make_node("ReduceMean", ["pixel_values"], ["mean"], axes=[2, 3], keepdims=0),
             helper.make_node("MatMul", ["mean", "w"], ["image_embeds"])]
    return make(nodes, "image_encoder", [tensor_value("pixel_values", F, ["B", 3, CLIP_SIZE, CLIP_SIZE])],
                [tensor_value("image_embeds", F, ["B", CLIP_DIM])], [init("w", IMG_ENC_W)])


def text_encoder():
    """text_latent = an embedding table looked up by input_ids."""
    nodes = [helper.make_node("Gather", ["table", "input_ids"], ["text_latent"], axis=0)]
    return make(nodes, "text_encoder", [tensor_value("input_ids", I64, ["B", L])],
                [tensor_value("text_latent", F, ["B", L, DT])], [init("table", TEXT_EMB)])


def text_decoder():
    """logits[b, i] = BIGRAM[previous token (row V before the first)] + sum(text_latent[b]) * direction.

    Position i sees only the tokens before it, as a causal decoder whose prefix ends right before
    token 0 does: logits[:, i] is the distribution of token i, and the last input id is not read.
    """
    nodes = [
        helper.make_node("Slice", ["input_ids", "zero1", "minus1", "one1"], ["ids_head"]),
        helper.make_node("Slice", ["input_ids", "zero1", "one1", "one1"], ["first_col"]),
        helper.make_node("Mul", ["first_col", "zero_i"], ["zeros_col"]),
        helper.make_node("Add", ["zeros_col", "start_id"], ["start_col"]),
        helper.make_node("Concat", ["start_col", "ids_head"], ["prev_ids"], axis=1),
        helper.make_node("Gather", ["bigram", "prev_ids"], ["table_logits"], axis=0),
        helper.make_node("ReduceSum", ["text_latent", "axes_12"], ["latent_sum"], keepdims=0),
        helper.make_node("Unsqueeze", ["latent_sum", "axes_12"], ["latent_sum_3d"]),
        helper.make_node("Mul", ["latent_sum_3d", "direction"], ["latent_logits"]),
        helper.make_node("Add", ["table_logits", "latent_logits"], ["logits"]),
    ]
    inits = [init("zero1", np.array([0], dtype=np.int64)), init("one1", np.array([1], dtype=np.int64)),
             init("minus1", np.array([-1], dtype=np.int64)), init("zero_i", np.int64(0)),
             init("start_id", np.int64(V)), init("axes_12", np.array([1, 2], dtype=np.int64)),
             init("bigram", BIGRAM), init("direction", LATENT_DIRECTION)]
    return make(nodes, "text_decoder",
                [tensor_value("text_latent", F, ["B", L, DT]), tensor_value("input_ids", I64, ["B", "T"])],
                [tensor_value("logits", F, ["B", "T", V])], inits)


def tokenizer_json():
    """A word-level tokenizer in the Hugging Face tokenizers format, written by hand."""
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": i, "content": tok, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
            for i, tok in enumerate(VOCAB[:4])
        ],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": None,
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": {tok: i for i, tok in enumerate(VOCAB)}, "unk_token": "[UNK]"},
    }


def manifest():
    return {
        "format": "unidiff-bundle",
        "version": 1,
        "name": "tiny-fixture",
        "license": "CC0-1.0",
        "image": {"height": IMAGE, "width": IMAGE},
        "latent": {"channels": C, "height": H, "width": W, "scaling_factor": 0.5},
        "clip_image": {"dim": CLIP_DIM, "preprocess": {
            "size": CLIP_SIZE, "resample": "bicubic", "mean": [0.5, 0.25, 0.75], "std": [0.5, 0.25, 0.125]}},
        "text": {"tokens": L, "dim": DT, "tokenizer": {"max_length": L, "pad_id": 0, "bos_id": 1, "eos_id": 2}},
        "caption": {"eos_id": 2, "max_new_tokens": 5, "beam_size": 3},
        "schedule": {"type": "vp-discrete", "beta_schedule": "scaled_linear", "beta_start": 0.00085,
                     "beta_end": 0.012, "train_steps": 1000, "prediction": "epsilon"},
        "data_type": {"default": 1},
        "group": {"max_size": 2},
        "defaults": {"sampler": "dpm-solver", "steps": 20, "guidance_scale": 7.0},
        "components": {
            "transformer": {"path": "transformer/model.onnx", "precision": "fp32"},
            "vae_encoder": {"path": "vae_encoder/model.onnx"},
            "vae_decoder": {"path": "vae_decoder/model.onnx", "precision": "fp16"},
            "image_encoder": {"path": "image_encoder/model.onnx"},
            "text_encoder": {"path": "text_encoder/model.onnx"},
            "text_decoder": {"path": "text_decoder/model.onnx"},
        },
    }


def main():
    for d in (TINY, BAD, VARIANTS):
        if os.path.isdir(d):
            shutil.rmtree(d)
    save(transformer(), os.path.join(TINY, "transformer", "model.onnx"))
    save(vae_encoder(), os.path.join(TINY, "vae_encoder", "model.onnx"))
    save(vae_decoder(), os.path.join(TINY, "vae_decoder", "model.onnx"))
    save(image_encoder(), os.path.join(TINY, "image_encoder", "model.onnx"), external=True)
    save(text_encoder(), os.path.join(TINY, "text_encoder", "model.onnx"))
    save(text_decoder(), os.path.join(TINY, "text_decoder", "model.onnx"))
    tok = json.dumps(tokenizer_json(), indent=1)
    for comp in ("text_encoder", "text_decoder"):
        with open(os.path.join(TINY, comp, "tokenizer.json"), "w") as f:
            f.write(tok + "\n")
    with open(os.path.join(TINY, "unidiff.json"), "w") as f:
        f.write(json.dumps(manifest(), indent=2) + "\n")

    save(vae_decoder(input_name="z"), os.path.join(BAD, "vae_decoder_wrong_name.onnx"))
    save(vae_decoder(latent_shape=("B", C, H * W)), os.path.join(BAD, "vae_decoder_wrong_rank.onnx"))
    save(vae_decoder(latent_shape=("B", C + 1, H, W)), os.path.join(BAD, "vae_decoder_wrong_size.onnx"))
    save(transformer(with_data_type=False), os.path.join(BAD, "transformer_without_data_type.onnx"))
    # Not broken: the same transformer in half precision, for the runtime's float16 boundary.
    save(as_float16(transformer()), os.path.join(VARIANTS, "transformer_fp16.onnx"))


if __name__ == "__main__":
    main()
