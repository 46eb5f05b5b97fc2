"""Fewer operators per transformer call: an ONNX-to-ONNX pass over an exported joint transformer.

The exported U-ViT is small (width 144, about 35 tokens). Of the ~420 kernels ONNX Runtime runs
per call, about 200 compute shapes for the dynamic batch (Shape, Gather, Unsqueeze, Concat feeding
Reshape). The export is dynamic in batch B and group G only, so nearly every such shape is either
constant or differs from its input in one dimension. (Measured since: these kernels cost little;
half the call or more is the weight GEMMs, see ``gemm_free.py`` and docs/speed-same-engine.md.)
This pass

* ``fold_shapes``: evaluates every shape-only value at several (B, G) and replaces it by a
  constant when it never changes, or, for a Reshape target, by a constant using ``0`` (copy the
  input's dimension) and ``-1`` (infer one dimension) when that reproduces every evaluated shape;
  the shape arithmetic left without consumers is removed;
* ``fuse_attention``: replaces each attention (split of the qkv projection, scaled masked
  softmax, the reshapes and transposes around it) by one MultiHeadAttention contrib operator, the
  mask made an additive bias once;
* ``fuse``: then applies onnxruntime's transformer fusions (LayerNorm with the residual add as
  SkipLayerNormalization, bias + GELU as BiasGelu), which the runtime does not do on its own at
  load time.

Every result is checked: the outputs of the new graph against the old at several (B, G) on random
inputs. The weights are untouched; ``quantize_int8`` is the separate, lossy option (dynamic int8
quantization of the MatMuls; ConvInteger is left out because ONNX Runtime Java's CPU build lacks
it).
"""

from __future__ import annotations

import collections
import copy
import json
import logging
import tempfile
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
import onnx
from onnx import helper, numpy_helper

from .onnx_files import save_model, weight_bytes

LOG = logging.getLogger(__name__)

# (B, G) settings the shapes are evaluated at; B*G repeats (6) so B and G can be told apart.
SETTINGS: Tuple[Tuple[int, int], ...] = ((1, 1), (2, 1), (3, 2), (2, 3), (4, 4))
SHAPE_SOURCES = {"Shape", "Size"}


def random_feeds(model: onnx.ModelProto, b: int, g: int, seed: int = 0) -> Dict[str, np.ndarray]:
    """Random inputs for the transformer contract at batch b and group g (times in [0, 1000])."""
    rng = np.random.default_rng(seed)
    feeds = {}
    for inp in model.graph.input:
        dims = []
        for d in inp.type.tensor_type.shape.dim:
            dims.append(b if d.dim_param == "B" else g if d.dim_param == "G" else d.dim_value)
        elem = inp.type.tensor_type.elem_type
        if elem == onnx.TensorProto.INT64:
            feeds[inp.name] = np.zeros(dims, dtype=np.int64)
        elif inp.name.startswith("t_"):
            feeds[inp.name] = rng.uniform(0, 1000, dims).astype(np.float32)
        else:
            feeds[inp.name] = rng.standard_normal(dims).astype(np.float32)
    return feeds


# Above this many bytes of weights a model is written with its weights in a file beside it:
# protobuf cannot serialise more than 2 GB (UniDiffuser v1's transformer is ~3.6 GB in fp32).
EXTERNAL_BYTES = 1 << 30


def _save(model: onnx.ModelProto, path: Path) -> None:
    """Writes ``model`` (weights beside it above :data:`EXTERNAL_BYTES`); the model stays whole."""
    save_model(model, path, EXTERNAL_BYTES, keep_weights=True)


def _session(model: onnx.ModelProto, optimize: bool = False, threads: int = 1):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.graph_optimization_level = (ort.GraphOptimizationLevel.ORT_ENABLE_ALL if optimize
                                   else ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
    so.intra_op_num_threads = threads
    so.log_severity_level = 3
    if weight_bytes(model) <= EXTERNAL_BYTES:
        return ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])
    # Too large for one protobuf message: through a file with external data. The session has
    # read the weights when it returns, so the folder can go.
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.onnx"
        _save(model, path)
        return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def _constants(graph: onnx.GraphProto) -> set:
    names = {i.name for i in graph.initializer}
    for n in graph.node:
        if n.op_type == "Constant":
            names.update(n.output)
    return names


def shape_only_tensors(graph: onnx.GraphProto) -> set:
    """Values computed from tensor shapes and constants only (never from tensor contents)."""
    constants = _constants(graph)
    derived: set = set()
    changed = True
    while changed:
        changed = False
        for n in graph.node:
            if n.op_type == "Constant" or all(o in derived for o in n.output):
                continue
            if n.op_type in SHAPE_SOURCES:
                ok = True
            else:
                ins = [i for i in n.input if i]
                ok = bool(ins) and all(i in derived or i in constants for i in ins) \
                    and any(i in derived for i in ins)
            if ok:
                derived.update(n.output)
                changed = True
    return derived


def _evaluate(model: onnx.ModelProto, names: Sequence[str],
              settings: Sequence[Tuple[int, int]] = SETTINGS) -> List[Dict[str, np.ndarray]]:
    """The named intermediate values at every (B, G) of ``settings``.

    Only shapes and shape-only values are read, so they are taken from the model's GEMM-free twin:
    the same shapes everywhere without the weights or their arithmetic, which keeps this cheap for
    a model of UniDiffuser v1's size.
    """
    from .gemm_free import gemm_free_twin
    m, _ = gemm_free_twin(model)
    known = {o.name for o in m.graph.output}
    for name in names:
        if name not in known:
            m.graph.output.append(helper.make_empty_tensor_value_info(name))
    sess = _session(m)
    wanted = [o.name for o in sess.get_outputs()]
    out = []
    for b, g in settings:
        values = sess.run(None, random_feeds(model, b, g))
        out.append(dict(zip(wanted, values)))
    return out


def _reshape_pattern(targets: List[np.ndarray], inputs: List[Tuple[int, ...]]) -> Optional[np.ndarray]:
    """A constant Reshape target with 0 and -1 reproducing every evaluated target, or None."""
    rank = len(targets[0])
    if any(len(t) != rank for t in targets):
        return None
    pattern = []
    for i in range(rank):
        column = [int(t[i]) for t in targets]
        if len(set(column)) == 1 and column[0] > 0:
            pattern.append(column[0])
        elif all(i < len(s) and s[i] == c for s, c in zip(inputs, column)):
            pattern.append(0)
        else:
            pattern.append(-1)
    if pattern.count(-1) > 1:
        return None
    result = np.array(pattern, dtype=np.int64)
    for t, s in zip(targets, inputs):
        size = int(np.prod(s))
        resolved = [s[i] if p == 0 else p for i, p in enumerate(pattern)]
        if -1 in resolved:
            known = int(np.prod([r for r in resolved if r != -1]))
            if known == 0 or size % known:
                return None
            resolved[resolved.index(-1)] = size // known
        if list(resolved) != [int(v) for v in t]:
            return None
    return result


def remove_dead_nodes(graph: onnx.GraphProto) -> int:
    """Drops nodes whose outputs nothing reads; returns how many."""
    removed = 0
    while True:
        used = {o.name for o in graph.output}
        for n in graph.node:
            used.update(i for i in n.input if i)
        dead = [n for n in graph.node if not any(o in used for o in n.output)]
        if not dead:
            break
        for n in dead:
            graph.node.remove(n)
        removed += len(dead)
    used = set()
    for n in graph.node:
        used.update(n.input)
    for init in list(graph.initializer):
        if init.name not in used:
            graph.initializer.remove(init)
    return removed


def fold_shapes(model: onnx.ModelProto, settings: Sequence[Tuple[int, int]] = SETTINGS
                ) -> Tuple[onnx.ModelProto, Dict[str, int]]:
    """The shape-folding pass (see the module docstring) over the (B, G) of ``settings``; returns
    the new model and counts."""
    model = copy.deepcopy(model)
    graph = model.graph
    derived = shape_only_tensors(graph)
    boundary: Dict[str, List[Tuple[onnx.NodeProto, int]]] = collections.defaultdict(list)
    for n in graph.node:
        if all(o in derived for o in n.output) and n.op_type != "Constant":
            continue
        for k, name in enumerate(n.input):
            if name in derived:
                boundary[name].append((n, k))
    # The data inputs of the Reshapes fed by a shape value, for the 0 (copy) rule.
    reshape_data = {n.input[0] for uses in boundary.values() for n, k in uses
                    if n.op_type == "Reshape" and k == 1}
    values = _evaluate(model, list(boundary) + sorted(reshape_data), settings)
    stats = collections.Counter()
    for name, uses in boundary.items():
        seen = [v[name] for v in values]
        constant = None
        if all(s.shape == seen[0].shape and np.array_equal(s, seen[0]) for s in seen):
            constant = seen[0]
            stats["constant"] += 1
        elif all(n.op_type == "Reshape" and k == 1 for n, k in uses):
            # One target may feed several Reshapes: it is folded only if one pattern fits them all.
            found = [_reshape_pattern(seen, [tuple(v[n.input[0]].shape) for v in values]) for n, _ in uses]
            if all(p is not None for p in found) and len({tuple(p) for p in found}) == 1:
                constant = found[0]
                stats["reshape 0/-1"] += 1
        if constant is None:
            stats["kept"] += 1
            continue
        new_name = name + "_folded"
        graph.initializer.append(numpy_helper.from_array(np.asarray(constant), new_name))
        for n, k in uses:
            n.input[k] = new_name
    stats["nodes removed"] = remove_dead_nodes(graph)
    return model, dict(stats)


def fuse(model: onnx.ModelProto, num_heads: int, hidden_size: int, skip_layer_norm: bool = True,
         gelu_approximation: bool = False) -> onnx.ModelProto:
    """onnxruntime's transformer fusions (SkipLayerNormalization, BiasGelu) on the graph.

    ``skip_layer_norm=False`` keeps each residual Add and LayerNormalization apart (onnxruntime
    1.30's SkipLayerNormalization kernel is slower than the two on this model; 1.26's is not);
    ``gelu_approximation=True`` makes GELU the tanh approximation (FastGelu; outputs move ~1e-2).
    The variants in ``MODES`` use the defaults; the others are for timing experiments.
    """
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model
    options = FusionOptions("bert")
    options.enable_skip_layer_norm = skip_layer_norm
    options.enable_bias_skip_layer_norm = skip_layer_norm
    options.enable_gelu_approximation = gelu_approximation
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.onnx"
        _save(model, path)
        opt = optimize_model(str(path), model_type="bert", num_heads=num_heads, hidden_size=hidden_size,
                             opt_level=0, optimization_options=options)
        LOG.info("fusions: %s", {k: v for k, v in opt.get_fused_operator_statistics().items() if v})
        model = opt.model
        # The fused nodes live in onnxruntime's contrib domain, which the graph must import.
        if not any(o.domain == "com.microsoft" for o in model.opset_import):
            model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
        return model


def quantize_int8(src: Path, dst: Path) -> None:
    """Dynamic int8 quantization of the MatMuls (weights int8, activations quantized per call)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    # DefaultTensorType: the fused contrib nodes have no ONNX type inference, their outputs are float.
    quantize_dynamic(str(src), str(dst), op_types_to_quantize=["MatMul"], weight_type=QuantType.QInt8,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
                     use_external_data_format=Path(str(src) + ".data").exists())


def quantized(model: onnx.ModelProto) -> onnx.ModelProto:
    """``model`` with its MatMuls quantized by :func:`quantize_int8`, in memory."""
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        _save(model, src)
        quantize_int8(src, dst)
        return onnx.load(str(dst))


def kernels(model: onnx.ModelProto) -> collections.Counter:
    """The nodes ONNX Runtime runs per call after its own optimizations (all levels), by op type."""
    import onnxruntime as ort
    with tempfile.TemporaryDirectory() as tmp:
        so = ort.SessionOptions()
        # Extended, not all: the same fusions, without the hardware-specific layout nodes that the
        # saved file would otherwise carry (those add one reorder node at most).
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        so.optimized_model_filepath = str(Path(tmp) / "opt.onnx")
        so.log_severity_level = 3
        # A large model's optimized copy keeps its weights in a file of their own.
        so.add_session_config_entry("session.optimized_model_external_initializers_file_name", "opt.data")
        so.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes",
                                    str(EXTERNAL_BYTES))
        src = Path(tmp) / "in.onnx"
        _save(model, src)
        ort.InferenceSession(str(src), so, providers=["CPUExecutionProvider"])
        optimized = onnx.load(so.optimized_model_filepath, load_external_data=False)
        return collections.Counter(n.op_type for n in optimized.graph.node)


def max_difference(a: onnx.ModelProto, b: onnx.ModelProto,
                   settings: Iterable[Tuple[int, int]] = SETTINGS) -> float:
    """The largest absolute output difference of two transformers over random inputs at each (B, G)."""
    sa, sb = _session(a, optimize=True), _session(b, optimize=True)
    worst = 0.0
    for i, (bb, g) in enumerate(settings):
        feeds = random_feeds(a, bb, g, seed=100 + i)
        for x, y in zip(sa.run(None, feeds), sb.run(None, feeds)):
            worst = max(worst, float(np.max(np.abs(x.astype(np.float64) - y.astype(np.float64)))))
    return worst


# The transformer variants and the rewrites each applies, in this order: shape arithmetic folded
# (fold), each attention as one MultiHeadAttention (attention), onnxruntime's transformer fusions of
# layer norms and GELU (fusions), dynamic int8 MatMuls (int8).
MODES = {
    "fold": ("fold",),
    "attention": ("fold", "attention"),
    "fused": ("fold", "fusions"),
    "attention-fused": ("fold", "attention", "fusions"),
    "int8": ("fold", "fusions", "int8"),
    "int8-only": ("int8",),
}


def optimize_transformer(src: Path, dst: Path, mode: str, num_heads: int, hidden_size: int,
                         settings: Sequence[Tuple[int, int]] = SETTINGS,
                         check_settings: Optional[Sequence[Tuple[int, int]]] = None) -> dict:
    """Writes the ``mode`` variant of transformer ``src`` to ``dst`` and returns what changed.

    ``mode`` is a key of :data:`MODES`, which lists the rewrites each mode applies, in order.
    Shapes are folded over the (B, G) of ``settings``; the variant's outputs are compared with
    the original's at each (B, G) of ``check_settings`` (default: ``settings``; fewer for a large
    model, since each setting runs both models once).
    """
    original = onnx.load(str(src))
    report = {"mode": mode, "nodes before": len(original.graph.node),
              "kernels before": sum(kernels(original).values())}
    model = original
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}, expected one of {', '.join(MODES)}")
    steps = MODES[mode]
    if "fold" in steps:
        model, report["folding"] = fold_shapes(model, settings)
    if "attention" in steps:
        model, report["attentions fused"] = fuse_attention(model, num_heads)
    if "fusions" in steps:
        model = fuse(model, num_heads, hidden_size)
    if "int8" in steps:
        model = quantized(model)
    dst.parent.mkdir(parents=True, exist_ok=True)
    _save(model, dst)
    onnx.checker.check_model(str(dst))
    report["nodes after"] = len(model.graph.node)
    report["kernels after"] = sum(kernels(model).values())
    report["max output difference"] = max_difference(
        original, model, settings if check_settings is None else check_settings)
    return report


def _bundle_settings(doc: dict) -> Tuple[Tuple[int, int], ...]:
    """The (B, G) of :data:`SETTINGS` whose group fits the bundle's ``group.max_size`` (the runtime
    never asks for more)."""
    max_group = int(doc.get("group", {}).get("max_size", 1))
    return tuple((b, g) for b, g in SETTINGS if g <= max_group)


def _write_variant(bundle: Path, doc: dict, dst: Path, mode: str, num_heads: int, hidden_size: int,
                   check_count: Optional[int]) -> Tuple[dict, str]:
    """Writes the ``mode`` variant of the bundle's transformer to ``dst`` (the transformer itself or
    a new file); returns the report and the variant's precision for the manifest.

    Written into a scratch folder beside ``dst`` first and moved in only when complete, with its
    ``.data`` file if it has one and without a stale one, so a failure leaves the bundle as it was.
    Shapes are folded over the bundle's settings; the outputs are checked at all of them, or at
    the first ``check_count`` (the smallest) for a model too large to run them all.
    """
    spec = doc["components"]["transformer"]
    if spec.get("precision") not in ("fp32", None):
        raise ValueError(f"bundle {bundle}: transformer precision {spec.get('precision')!r}; the variants "
                         f"rewrite an fp32 export")
    settings = _bundle_settings(doc)
    checked = settings if check_count is None else settings[:max(1, check_count)]
    with tempfile.TemporaryDirectory(dir=dst.parent, prefix=".variant-") as tmp:
        staged = Path(tmp) / dst.name
        report = optimize_transformer(bundle / spec["path"], staged, mode, num_heads, hidden_size,
                                      settings, checked)
        new_data = staged.with_name(staged.name + ".data")
        old_data = dst.with_name(dst.name + ".data")
        if new_data.exists():
            new_data.replace(old_data)
            staged.replace(dst)
        else:
            staged.replace(dst)
            old_data.unlink(missing_ok=True)
    return report, "int8" if "int8" in MODES[mode] else spec.get("precision", "fp32")


def _read_manifest(bundle: Path) -> dict:
    return json.loads((bundle / "unidiff.json").read_text(encoding="utf-8"))


def _write_manifest(bundle: Path, doc: dict) -> None:
    (bundle / "unidiff.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def rewrite_bundle_transformer(bundle: Path, mode: str, num_heads: int, hidden_size: int,
                               check_count: Optional[int] = None) -> dict:
    """Replaces the transformer of the bundle in folder ``bundle`` by its ``mode`` variant and
    states ``int8`` as its precision when quantized; returns :func:`optimize_transformer`'s report.
    ``check_count`` as in :func:`_write_variant`."""
    bundle = Path(bundle)
    doc = _read_manifest(bundle)
    spec = doc["components"]["transformer"]
    report, spec["precision"] = _write_variant(bundle, doc, bundle / spec["path"], mode, num_heads,
                                               hidden_size, check_count)
    _write_manifest(bundle, doc)
    return report


def add_bundle_variant(bundle: Path, name: str, mode: str, num_heads: int, hidden_size: int) -> dict:
    """Writes the ``mode`` variant as ``<transformer folder>/<name>.onnx`` beside the main
    transformer and declares it as ``components.transformer.variants.<name>``; refuses a name the
    manifest or the folder already has. Returns the report with the manifest entry."""
    bundle = Path(bundle)
    doc = _read_manifest(bundle)
    spec = doc["components"]["transformer"]
    variants = spec.setdefault("variants", {})
    target = (bundle / spec["path"]).with_name(f"{name}.onnx")
    if name in variants or target.exists():
        raise ValueError(f"bundle {bundle} already has {'variant ' + name if name in variants else target}")
    report, precision = _write_variant(bundle, doc, target, mode, num_heads, hidden_size, None)
    variants[name] = {"path": target.relative_to(bundle).as_posix(), "precision": precision}
    _write_manifest(bundle, doc)
    report["variant"] = variants[name]
    return report


def _const_value(graph: onnx.GraphProto, name: str) -> Optional[np.ndarray]:
    for init in graph.initializer:
        if init.name == name:
            return numpy_helper.to_array(init)
    for n in graph.node:
        if n.op_type == "Constant" and n.output[0] == name:
            return numpy_helper.to_array(n.attribute[0].t)
    return None


def fuse_attention(model: onnx.ModelProto, num_heads: int) -> Tuple[onnx.ModelProto, int]:
    """Replaces each exported attention (qkv -> Reshape -> Transpose -> three Gathers -> scaled,
    masked softmax -> MatMul -> Transpose -> Reshape) by a Split and onnxruntime's
    MultiHeadAttention, the mask turned into an additive bias once per mask. Returns the model and
    how many attentions were replaced; a block that does not match is left as it is."""
    model = copy.deepcopy(model)
    g = model.graph
    producer = {o: n for n in g.node for o in n.output}

    def up(name):
        """The producer of ``name``, looking through float-to-float Casts (no-ops)."""
        n = producer.get(name)
        while n is not None and n.op_type == "Cast" and n.attribute[0].i == onnx.TensorProto.FLOAT:
            n = producer.get(n.input[0])
        return n

    biases: Dict[str, str] = {}
    new_nodes, dead = [], set()
    fused = 0
    for soft in [n for n in g.node if n.op_type == "Softmax"]:
        where = up(soft.input[0])
        if where is None or where.op_type != "Where":
            continue
        neg = _const_value(g, where.input[1])
        mul = up(where.input[2])
        if neg is None or not np.all(np.isneginf(neg)) or mul is None or mul.op_type != "Mul":
            continue
        scale = _const_value(g, mul.input[1])
        qk = up(mul.input[0])
        if scale is None or scale.size != 1 or qk is None or qk.op_type != "MatMul":
            continue
        gq, kt = up(qk.input[0]), up(qk.input[1])
        gk = up(kt.input[0]) if kt is not None and kt.op_type == "Transpose" else None
        after = [n for n in g.node if soft.output[0] in n.input]
        if len(after) != 1 or after[0].op_type != "MatMul":
            continue
        av = after[0]
        gv = up(av.input[1])
        if any(x is None or x.op_type != "Gather" for x in (gq, gk, gv)):
            continue
        trans = producer.get(gq.input[0])
        if trans is None or trans.op_type != "Transpose" or gk.input[0] != gq.input[0] \
                or gv.input[0] != gq.input[0]:
            continue
        reshape = producer.get(trans.input[0])
        if reshape is None or reshape.op_type != "Reshape":
            continue
        idx = [int(_const_value(g, x.input[1])) for x in (gq, gk, gv)]
        perm = list(helper.get_attribute_value(trans.attribute[0]))
        if idx != [0, 1, 2] or perm != [2, 0, 3, 1, 4]:
            continue
        # From the attention output to the Reshape back to [b, s, D]: Cast? -> Transpose -> Reshape.
        tail = [n for n in g.node if av.output[0] in n.input]
        while len(tail) == 1 and tail[0].op_type == "Cast":
            tail = [n for n in g.node if tail[0].output[0] in n.input]
        if len(tail) != 1 or tail[0].op_type != "Transpose":
            continue
        back = [n for n in g.node if tail[0].output[0] in n.input]
        if len(back) != 1 or back[0].op_type != "Reshape":
            continue
        qkv = reshape.input[0]
        cond = where.input[0]
        if cond not in biases:
            # 0 where attending is allowed, -inf where it is masked, as [1, heads, S, S].
            bias = cond + "_attention_bias"
            zero, ninf = bias + "_zero", bias + "_ninf"
            g.initializer.extend([numpy_helper.from_array(np.array(0, np.float32), zero),
                                  numpy_helper.from_array(np.array(-np.inf, np.float32), ninf),
                                  numpy_helper.from_array(np.array([0, 1], np.int64), bias + "_axes"),
                                  numpy_helper.from_array(np.array([1, num_heads, 1, 1], np.int64),
                                                          bias + "_heads")])
            new_nodes += [helper.make_node("Where", [cond, ninf, zero], [bias + "_2d"]),
                          helper.make_node("Unsqueeze", [bias + "_2d", bias + "_axes"], [bias + "_4d"]),
                          helper.make_node("Expand", [bias + "_4d", bias + "_heads"], [bias])]
            biases[cond] = bias
        # q, k, v are the thirds of the qkv projection, each laid out heads x head_dim as the
        # operator expects; the split sizes come from the projection's weight (_set_split_sizes).
        k = f"attention_{fused}"
        new_nodes += [helper.make_node("Split", [qkv, k + "_sizes"], [k + "_q", k + "_k", k + "_v"], axis=2),
                      helper.make_node("MultiHeadAttention", [k + "_q", k + "_k", k + "_v", "", "", biases[cond]],
                                       [back[0].output[0]], domain="com.microsoft", num_heads=num_heads,
                                       scale=float(scale.reshape(())))]
        g.initializer.append(numpy_helper.from_array(np.zeros(3, np.int64), k + "_sizes"))
        dead.update(n.name for n in (reshape, trans, gq, gk, gv, kt, qk, mul, where, soft, av, tail[0], back[0]))
        fused += 1
    if not fused:
        return model, 0
    for n in list(g.node):
        if n.name in dead:
            g.node.remove(n)
    g.node.extend(new_nodes)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    _set_split_sizes(model)
    remove_dead_nodes(g)
    model = _topological(model)
    return model, fused


def _set_split_sizes(model: onnx.ModelProto) -> None:
    """Each attention Split's sizes: a third of its qkv MatMul weight's output width each."""
    g = model.graph
    producer = {o: n for n in g.node for o in n.output}
    inits = {i.name: i for i in g.initializer}
    for n in g.node:
        if n.op_type == "Split" and len(n.input) == 2 and n.input[1].endswith("_sizes") \
                and n.input[1].startswith("attention_"):
            mm = producer[n.input[0]]
            w = numpy_helper.to_array(inits[mm.input[1]])
            d = w.shape[-1] // 3
            inits[n.input[1]].CopyFrom(numpy_helper.from_array(np.array([d, d, d], np.int64), n.input[1]))


def _topological(model: onnx.ModelProto) -> onnx.ModelProto:
    """Nodes re-ordered so each comes after its inputs' producers (the new nodes were appended)."""
    g = model.graph
    ready = {i.name for i in g.input} | {i.name for i in g.initializer} | {""}
    pending, ordered = list(g.node), []
    while pending:
        rest = []
        for n in pending:
            if all(i in ready for i in n.input):
                ordered.append(n)
                ready.update(n.output)
            else:
                rest.append(n)
        if len(rest) == len(pending):
            raise ValueError(f"graph has a cycle or a missing input near {rest[0].name}")
        pending = rest
    del g.node[:]
    g.node.extend(ordered)
    return model
