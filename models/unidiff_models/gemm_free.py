"""The GEMM-free twin of a transformer: where a call's time goes, measured rather than guessed.

Every MatMul by a weight (a rank-2 initializer ``[k, n]``) is replaced by a copy of its input cut
or repeated to the output's width ``n`` (a Slice, after a Concat of the input with itself when
``n > k``). Everything else stays: layer norms, GELU, attention between activations, the shape
arithmetic, the time embedding. The twin's outputs are meaningless, but their shapes are the
original's at every batch and group size, so any runtime, the Java engine included, can run it in
the transformer's place (``bench-speed.sh --compare-transformer``). The twin's time a call is what
the call costs without its weight GEMMs; the original's minus the twin's is what the GEMMs cost.
That split bounds what any fusion of the remaining operators can save.
"""

from __future__ import annotations

import copy
from typing import Tuple

import numpy as np
import onnx
from onnx import helper, numpy_helper


def gemm_free_twin(model: onnx.ModelProto) -> Tuple[onnx.ModelProto, int]:
    """The twin of ``model`` and the number of weight MatMuls replaced."""
    model = copy.deepcopy(model)
    g = model.graph
    weights = {i.name: tuple(i.dims) for i in g.initializer if len(i.dims) == 2}
    nodes, replaced, used = [], 0, set()
    for n in g.node:
        if n.op_type != "MatMul" or n.input[1] not in weights:
            nodes.append(n)
            continue
        k, width = weights[n.input[1]]
        x, tag = n.input[0], f"gemm_free_{replaced}"
        if width > k:
            # Repeat the input along its last axis until it is at least as wide as the output.
            nodes.append(helper.make_node("Concat", [x] * -(-width // k), [tag + "_wide"], axis=-1))
            x = tag + "_wide"
        g.initializer.extend([numpy_helper.from_array(np.array([0], np.int64), tag + "_start"),
                              numpy_helper.from_array(np.array([width], np.int64), tag + "_end"),
                              numpy_helper.from_array(np.array([-1], np.int64), tag + "_axis")])
        nodes.append(helper.make_node("Slice", [x, tag + "_start", tag + "_end", tag + "_axis"], [n.output[0]]))
        replaced += 1
    del g.node[:]
    g.node.extend(nodes)
    # The weights are no longer read: drop them so the twin does not carry (or load) them.
    for n in g.node:
        used.update(n.input)
    kept = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(kept)
    return model, replaced
