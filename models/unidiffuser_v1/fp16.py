"""Float16 conversion of an exported float32 ONNX graph, keeping the fragile parts in float32.

PyTorch 1.13 has no float16 kernels on CPU, so a half-precision model cannot be traced here;
the float32 graph is converted instead. Rules, applied node by node in graph order:

- float32 "islands": attention scores, their softmax and the weighted sum (found from each
  ``Softmax``), normalisation ops (``LayerNormalization``, ``InstanceNormalization``, which is
  how GroupNorm exports) and ``Sin``/``Cos`` (timestep embeddings of values up to 1000 need
  float32). Normalisation and attention results are cast back to float16 right away.
- graph inputs named in ``keep_fp32`` (the timesteps: float16 would round 980.02 to 980) stay
  float32; other float inputs become float16.
- any other op computes in float32 only if all its non-constant float inputs are float32
  (the timestep path), else in float16; weights and constants ("neutral") take the type
  their consumer computes in.
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Set, Tuple

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F16, F32, NEUTRAL = "f16", "f32", "neutral"
_NORM_OPS = {"LayerNormalization", "InstanceNormalization", "GroupNormalization"}
_F32_OPS = _NORM_OPS | {"Softmax", "Sin", "Cos"}
# Ops between the scores MatMul and the Softmax (scale, mask, bias).
_SCORE_CHAIN = {"Mul", "Div", "Add", "Sub", "Where", "Cast"}
# Float inputs that are parameters of the op, not data, and must stay float32.
_UNTOUCHED_INPUTS = {"Resize": {1, 2}, "Upsample": {1}}


def _float_names(model: onnx.ModelProto) -> Set[str]:
    """Names of every float32 tensor, from shape inference on a weight-free copy.

    Weights are declared as graph inputs instead of being copied, so a model of any size
    fits through protobuf's 2 GB limit.
    """
    light = onnx.ModelProto()
    light.ir_version = model.ir_version
    light.opset_import.extend(model.opset_import)
    g = light.graph
    g.node.extend(model.graph.node)
    g.input.extend(model.graph.input)
    g.output.extend(model.graph.output)
    for init in model.graph.initializer:
        g.input.append(helper.make_tensor_value_info(init.name, init.data_type, list(init.dims)))
    inferred = onnx.shape_inference.infer_shapes(light).graph
    names = set()
    for vi in list(inferred.input) + list(inferred.value_info) + list(inferred.output):
        if vi.type.tensor_type.elem_type == TensorProto.FLOAT:
            names.add(vi.name)
    for node in model.graph.node:
        if node.op_type == "Constant":
            for attr in node.attribute:
                if attr.name == "value" and attr.t.data_type == TensorProto.FLOAT:
                    names.add(node.output[0])
    return names


def _attention_matmuls(nodes) -> Tuple[Set[int], Set[int]]:
    """Indices of the scores MatMuls (before a Softmax) and the weighted-sum MatMuls (after)."""
    producer = {o: i for i, n in enumerate(nodes) for o in n.output}
    consumers: Dict[str, List[int]] = {}
    for i, n in enumerate(nodes):
        for name in n.input:
            consumers.setdefault(name, []).append(i)
    before, after = set(), set()
    for i, n in enumerate(nodes):
        if n.op_type != "Softmax":
            continue
        frontier = [n.input[0]]
        while frontier:
            name = frontier.pop()
            j = producer.get(name)
            if j is None:
                continue
            if nodes[j].op_type == "MatMul":
                before.add(j)
            elif nodes[j].op_type in _SCORE_CHAIN:
                frontier.extend(nodes[j].input)
        for j in consumers.get(n.output[0], []):
            if nodes[j].op_type == "MatMul":
                after.add(j)
    return before, after


def convert_float16(model: onnx.ModelProto, keep_fp32: Iterable[str] = ()) -> onnx.ModelProto:
    """A new model computing in float16 except the float32 islands described above."""
    keep = set(keep_fp32)
    floats = _float_names(model)
    graph = model.graph
    nodes = list(graph.node)
    before, after = _attention_matmuls(nodes)
    inits = {t.name: t for t in graph.initializer}
    dtype: Dict[str, str] = {}
    for name in inits:
        if inits[name].data_type == TensorProto.FLOAT:
            dtype[name] = NEUTRAL
    for vi in graph.input:
        if vi.type.tensor_type.elem_type == TensorProto.FLOAT:
            dtype[vi.name] = F32 if vi.name in keep else F16
            if vi.name not in keep:
                vi.type.tensor_type.elem_type = TensorProto.FLOAT16
    constants = {n.output[0]: n for n in nodes if n.op_type == "Constant"}
    new_inits: Dict[str, TensorProto] = {}
    casts: Dict[Tuple[str, str], str] = {}
    out_nodes = []
    counter = [0]

    def fresh(base: str) -> str:
        counter[0] += 1
        return f"{base}__{counter[0]}"

    def as_type(name: str, want: str) -> str:
        have = dtype.get(name)
        if have == want or name not in floats and name not in inits:
            return name
        key = (name, want)
        if key in casts:
            return casts[key]
        if have == NEUTRAL and (name in inits or name in constants):
            if want == F32:
                return name
            source = inits[name] if name in inits else constants[name].attribute[0].t
            array = numpy_helper.to_array(source).astype(np.float16)
            target = fresh(name + "_fp16")
            new_inits[target] = numpy_helper.from_array(array, target)
        else:
            target = fresh(name + ("_fp16" if want == F16 else "_fp32"))
            to = TensorProto.FLOAT16 if want == F16 else TensorProto.FLOAT
            out_nodes.append(helper.make_node("Cast", [name], [target], to=to,
                                              name=fresh("cast")))
        casts[key] = target
        return target

    for i, node in enumerate(nodes):
        if node.op_type == "Constant" and node.output[0] in floats:
            dtype[node.output[0]] = NEUTRAL
            out_nodes.append(node)
            continue
        float_ins = [k for k, name in enumerate(node.input) if name and name in floats
                     and k not in _UNTOUCHED_INPUTS.get(node.op_type, ())]
        if node.op_type == "Cast":
            compute = None
            source = dtype.get(node.input[0])
            # ``x.float()`` / ``x.to(dtype)`` in the PyTorch code trace as float -> float
            # casts; they must not pull float16 values back to float32 (islands are already
            # handled by op type), so they keep their input's type.
            if node.input[0] in floats and source == F16:
                for attr in node.attribute:
                    if attr.name == "to":
                        attr.i = TensorProto.FLOAT16
        elif node.op_type in _F32_OPS or i in before or i in after:
            compute = F32
        else:
            kinds = {dtype.get(node.input[k], F32) for k in float_ins} - {NEUTRAL}
            # Weights alone (an embedding lookup, a transposed matrix) default to float16.
            compute = F32 if kinds == {F32} else F16
        if compute is not None:
            for k in float_ins:
                node.input[k] = as_type(node.input[k], compute)
        out_nodes.append(node)
        back_to_f16 = node.op_type in _NORM_OPS or i in after
        for k, name in enumerate(node.output):
            if name not in floats:
                continue
            if compute is None:  # a Cast: float16 kept as is, anything else gives float32
                dtype[name] = F16 if dtype.get(node.input[0]) == F16 else F32
            elif back_to_f16:
                inner = fresh(name + "_fp32")
                node.output[k] = inner
                out_nodes.append(helper.make_node("Cast", [inner], [name],
                                                  to=TensorProto.FLOAT16, name=fresh("cast")))
                dtype[name] = F16
            else:
                dtype[name] = compute
    # A float Constant replaced by a float16 initializer is left without consumers.
    used = {name for n in out_nodes for name in n.input} | {vi.name for vi in graph.output}
    out_nodes = [n for n in out_nodes if n.op_type != "Constant" or n.output[0] in used]
    del graph.node[:]
    graph.node.extend(out_nodes)
    kept = [t for name, t in inits.items() if name in used]
    kept += [t for name, t in new_inits.items() if name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    for vi in graph.output:
        if vi.type.tensor_type.elem_type == TensorProto.FLOAT and dtype.get(vi.name) == F16:
            vi.type.tensor_type.elem_type = TensorProto.FLOAT16
    del graph.value_info[:]
    return model
