"""Weights of an exported VAE back into its PyTorch module, so a shipped bundle can be fine-tuned.

The committed bundles keep no training checkpoints, only ONNX files. The TorchScript exporter keeps
convolution weights under their state-dict names, but it rewrites every ``GroupNorm`` as
InstanceNormalization followed by a ``Mul`` and an ``Add`` with constants of shape [C, 1, 1] that
carry the affine weight and bias under generated names. Those constants appear in the graph in the
order the module runs its norms, which for these sequential modules is the order of
``module.named_modules()``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple

import onnx
import torch
from onnx import numpy_helper
from torch import nn


def _affine_constants(model: onnx.ModelProto) -> List[Tuple[str, str]]:
    """(weight, bias) initializer names of every norm's affine step, in graph order."""
    shapes = {i.name: tuple(i.dims) for i in model.graph.initializer}

    def affine(name: str) -> bool:
        dims = shapes.get(name)
        return dims is not None and len(dims) == 3 and dims[1:] == (1, 1)

    weights, biases = [], []
    for node in model.graph.node:
        constants = [n for n in node.input if affine(n)]
        if node.op_type == "Mul":
            weights += constants
        elif node.op_type == "Add":
            biases += constants
    if len(weights) != len(biases):
        raise ValueError(f"{len(weights)} norm weights but {len(biases)} norm biases in the graph")
    return list(zip(weights, biases))


def load_onnx_weights(module: nn.Module, path: Path) -> None:
    """Copy the weights of the ONNX file ``path`` (exported from a module of the same class and
    config) into ``module``; every parameter must be found, with its shape."""
    model = onnx.load(str(path))
    values: Dict[str, torch.Tensor] = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy())
                                       for i in model.graph.initializer}
    state = module.state_dict()
    loaded = {name: values[name] for name in state if name in values}
    norms = [name for name, m in module.named_modules() if isinstance(m, nn.GroupNorm)]
    pairs = _affine_constants(model)
    if len(pairs) != len(norms):
        raise ValueError(f"{path}: {len(pairs)} norm affine pairs in the graph, expected "
                         f"{len(norms)} (one per GroupNorm of {type(module).__name__})")
    for prefix, (w, b) in zip(norms, pairs):
        loaded[f"{prefix}.weight"] = values[w].reshape(-1)
        loaded[f"{prefix}.bias"] = values[b].reshape(-1)
    missing = [n for n in state if n not in loaded]
    if missing:
        raise ValueError(f"{path}: no weights for {missing} in the graph")
    for name, value in loaded.items():
        if tuple(value.shape) != tuple(state[name].shape):
            raise ValueError(f"{path}: {name} has shape {tuple(value.shape)}, "
                             f"expected {tuple(state[name].shape)}")
    module.load_state_dict(loaded)
