"""Writing one component as an ONNX file: trace, optional float16, single file or external data."""

from __future__ import annotations

import inspect
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Sequence, Tuple

import onnx
import torch
from torch import nn

from unidiff_models.onnx_files import save_model, weight_bytes

from .fp16 import convert_float16

LOG = logging.getLogger(__name__)

#: Protobuf cannot serialise a message of 2 GiB or more; stay a little below.
PROTOBUF_LIMIT = (1 << 31) - (64 << 20)
OPSET = 17


@dataclass(frozen=True)
class ExportedFile:
    """Where a component went, its precision and whether its weights sit beside it."""

    path: Path
    precision: str
    external_data: bool
    weight_bytes: int


def export_onnx(module: nn.Module, args: Tuple, path: Path, input_names: Sequence[str],
                output_names: Sequence[str], dynamic_axes: Dict[str, Dict[int, str]],
                fp16: bool = False, keep_fp32: Sequence[str] = (),
                external_threshold: int = PROTOBUF_LIMIT) -> ExportedFile:
    """Trace ``module`` on ``args`` and write ``path``.

    Weights go to ``<name>.data`` beside the model when they exceed ``external_threshold`` bytes
    (protobuf cannot hold more than 2 GB). With ``fp16`` the graph is converted after tracing
    (see :mod:`.fp16`); the inputs named in ``keep_fp32`` stay float32.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.parent / (path.name + ".trace")
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir()
    try:
        traced = scratch / "model.onnx"
        with torch.no_grad():
            # One eager run for the output sizes: the tracer names some fixed output axes
            # symbolically, and the contract wants every non-batch size declared.
            outputs = module.eval()(*args)
            outputs = outputs if isinstance(outputs, tuple) else (outputs,)
            # Newer PyTorch defaults to the dynamo exporter; the names and dynamic axes here are
            # written for the TorchScript exporter, the only one PyTorch 1.13 has.
            extra = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
            torch.onnx.export(module.eval(), args, str(traced), input_names=list(input_names),
                              output_names=list(output_names), dynamic_axes=dynamic_axes,
                              opset_version=OPSET, do_constant_folding=True, **extra)
        # Loading pulls in any per-tensor files the exporter wrote for a > 2 GB model.
        model = onnx.load(str(traced))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    _declare_fixed_sizes(model, dict(zip(input_names, args)), dict(zip(output_names, outputs)),
                         dynamic_axes)
    if fp16:
        model = convert_float16(model, keep_fp32)
    size = weight_bytes(model)
    external = save_model(model, path, external_threshold)
    onnx.checker.check_model(str(path))
    LOG.info("wrote %s (%.1f MB of weights%s, %s)", path, size / 1e6,
             " in " + path.name + ".data" if external else "", "fp16" if fp16 else "fp32")
    return ExportedFile(path, "fp16" if fp16 else "fp32", external, size)


def _declare_fixed_sizes(model: onnx.ModelProto, inputs: Dict, outputs: Dict,
                         dynamic_axes: Dict[str, Dict[int, str]]) -> None:
    """Every axis not listed as dynamic gets the example's size; dynamic ones keep their name."""
    for vi in list(model.graph.input) + list(model.graph.output):
        tensor = inputs.get(vi.name, outputs.get(vi.name))
        if tensor is None:
            continue
        dynamic = dynamic_axes.get(vi.name, {})
        for axis, dim in enumerate(vi.type.tensor_type.shape.dim):
            if axis in dynamic:
                dim.dim_param = dynamic[axis]
            else:
                dim.dim_value = int(tensor.shape[axis])
