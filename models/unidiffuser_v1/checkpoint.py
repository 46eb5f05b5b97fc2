"""Reading checkpoints and loading them strictly into modules, with messages that say what is wrong.

A wrong checkpoint (another model's, a truncated download, a different size) must fail before any
export with the name of the tensor, the shape the architecture expects and the shape found.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Callable, Dict, Iterable, Mapping, Sequence

import numpy as np
import torch
from torch import Tensor, nn

StateDict = Dict[str, Tensor]

# safetensors dtype names -> numpy dtypes; bfloat16 has no numpy type and is handled apart.
_SAFETENSORS_DTYPES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32,
    "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_,
}


class CheckpointError(ValueError):
    """A checkpoint does not match the architecture it is loaded into."""


def read_safetensors(path: Path) -> StateDict:
    """Tensors of a ``.safetensors`` file (8-byte little-endian header size, JSON header, data).

    Written here because Debian ships no safetensors package; the format is a flat header plus
    raw little-endian buffers, so reading it needs only numpy.
    """
    data = Path(path).read_bytes()
    if len(data) < 8:
        raise CheckpointError(f"{path}: too short for a safetensors file ({len(data)} bytes)")
    (header_len,) = struct.unpack("<Q", data[:8])
    if 8 + header_len > len(data):
        raise CheckpointError(f"{path}: header of {header_len} bytes runs past the file end")
    header = json.loads(data[8:8 + header_len].decode("utf-8"))
    base = 8 + header_len
    out: StateDict = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        raw = data[base + start:base + end]
        dtype = info["dtype"]
        if dtype == "BF16":
            arr = np.frombuffer(raw, dtype=np.int16).copy()
            tensor = torch.from_numpy(arr).view(torch.bfloat16).float()
        elif dtype in _SAFETENSORS_DTYPES:
            tensor = torch.from_numpy(np.frombuffer(raw, dtype=_SAFETENSORS_DTYPES[dtype]).copy())
        else:
            raise CheckpointError(f"{path}: tensor {name} has unsupported dtype {dtype}")
        out[name] = tensor.reshape(info["shape"])
    return out


def read_state_dict(path: Path) -> StateDict:
    """A flat name -> tensor mapping from a ``.pth``/``.bin``/``.ckpt`` or ``.safetensors`` file.

    Lightning-style files nest the weights under ``state_dict``; that level is unwrapped.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint {path} does not exist")
    if path.suffix == ".safetensors":
        return read_safetensors(path)
    obj = torch.load(path, map_location="cpu")
    if isinstance(obj, Mapping) and "state_dict" in obj and isinstance(obj["state_dict"], Mapping):
        obj = obj["state_dict"]
    if not isinstance(obj, Mapping):
        raise CheckpointError(f"{path}: expected a state dict (name -> tensor), "
                              f"got {type(obj).__name__}")
    return {k: v for k, v in obj.items() if isinstance(v, Tensor)}


def hf_weights_file(folder: Path) -> Path:
    """The weights file of a Hugging Face model folder: safetensors if present, else the .bin."""
    folder = Path(folder)
    for name in ("model.safetensors", "pytorch_model.bin"):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(
        f"{folder} holds neither model.safetensors nor pytorch_model.bin "
        f"(expected a Hugging Face model folder)")


def select(state: Mapping[str, Tensor], prefix: str, strip: str = "") -> StateDict:
    """The entries whose names start with ``prefix``, with ``strip`` removed from their front."""
    return {k[len(strip):]: v for k, v in state.items() if k.startswith(prefix)}


def check_state(expected: Mapping[str, Tensor], state: Mapping[str, Tensor], what: str,
                ignore: Sequence[str] = ()) -> StateDict:
    """The entries of ``state`` for a module whose state dict is ``expected``, checked strictly.

    ``ignore`` lists name prefixes that may be present in the file but are not weights of this
    module (cached attention masks, position-id buffers, another tower's weights). Any other
    difference raises :class:`CheckpointError` listing every missing, unexpected and misshaped
    tensor with the expected and the found shape. ``expected`` may live on the meta device, so
    a file can be checked before any memory is spent on the module.
    """
    found = {k: v for k, v in state.items() if not _ignored(k, ignore)}
    missing = sorted(set(expected) - set(found))
    unexpected = sorted(set(found) - set(expected))
    misshaped = sorted(k for k in set(expected) & set(found)
                       if tuple(expected[k].shape) != tuple(found[k].shape))
    problems = []
    problems += [f"missing tensor {k}: expected shape {list(expected[k].shape)}, not in the file"
                 for k in missing]
    problems += [f"unexpected tensor {k}: shape {list(found[k].shape)}, not part of {what}"
                 for k in unexpected]
    problems += [f"tensor {k}: expected shape {list(expected[k].shape)}, found "
                 f"{list(found[k].shape)}" for k in misshaped]
    if problems:
        shown = problems[:20]
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise CheckpointError(f"{what}: the checkpoint does not match the architecture "
                              f"({len(problems)} problems):\n  " + "\n  ".join(shown) + more)
    return {k: found[k].to(expected[k].dtype) for k in expected}


def load_strict(module: nn.Module, state: Mapping[str, Tensor], what: str,
                ignore: Sequence[str] = ()) -> None:
    """Load ``state`` into ``module`` after :func:`check_state`."""
    module.load_state_dict(check_state(module.state_dict(), state, what, ignore), strict=True)


def build_and_load(factory: Callable[..., nn.Module], state: Mapping[str, Tensor], what: str,
                   ignore: Sequence[str] = ()) -> nn.Module:
    """``factory(device=...)`` checked on the meta device first, then built and loaded.

    A wrong file thus fails before a billion-parameter module is allocated and initialised.
    """
    checked = check_state(factory(device="meta").state_dict(), state, what, ignore)
    module = factory(device=None)
    module.load_state_dict(checked, strict=True)
    return module.eval()


def _ignored(name: str, prefixes: Iterable[str]) -> bool:
    return any(name.startswith(p) for p in prefixes)


def shapes_of(module: nn.Module) -> Dict[str, tuple]:
    """Key -> shape of a module's state dict (works on the meta device)."""
    return {k: tuple(v.shape) for k, v in module.state_dict().items()}


def parameter_count(module: nn.Module) -> int:
    """Number of distinct parameter scalars (tied weights counted once; works on meta)."""
    seen = {id(p): p for p in module.parameters()}
    return sum(p.numel() for p in seen.values())
