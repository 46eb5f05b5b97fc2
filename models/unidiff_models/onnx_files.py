"""Writing ONNX models whose weights may not fit in one protobuf message (2 GB).

Every exporter and the transformer rewrites write a model the same way: under the caller's
threshold of weight bytes as one file, above it with the weights in ``<name>.data`` beside the
model (one file, the layout docs/bundle-contract.md allows); a stale ``.data`` file is removed
either way, so a model and its weights never disagree.
"""

from __future__ import annotations

from pathlib import Path

import onnx


def weight_bytes(model: onnx.ModelProto) -> int:
    """Bytes of the initializers held in the model itself (a tensor's size when it has no raw data)."""
    return sum(len(t.raw_data) or t.ByteSize() for t in model.graph.initializer)


def save_model(model: onnx.ModelProto, path: Path, external_above: int, size_threshold: int = 1024,
               keep_weights: bool = False) -> bool:
    """Writes ``model`` to ``path`` and returns whether its weights went to ``<name>.data``.

    ``size_threshold``: tensors smaller than this stay in the model file when the weights go out.
    An external save moves the weights out of the in-memory model (it then points at the file);
    ``keep_weights`` reads them back, for a caller that goes on using the model.
    """
    path = Path(path)
    data = path.with_name(path.name + ".data")
    if data.exists():
        data.unlink()
    if weight_bytes(model) <= external_above:
        onnx.save_model(model, str(path))
        return False
    onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=data.name, size_threshold=size_threshold)
    if keep_weights:
        from onnx.external_data_helper import load_external_data_for_model
        load_external_data_for_model(model, str(path.parent))
    return True
