#!/usr/bin/env python3
"""Rewrites a bundle's exported joint transformer with fewer operators per call, or int8 MatMuls.

    python models/optimize_transformer.py --bundle models/default/bundle --mode fused \
        --out models/work/fused/model.onnx
    python models/optimize_transformer.py --bundle models/default/bundle --mode int8 \
        --out models/work/int8/model.onnx

Modes (``MODES`` in unidiff_models/optimize.py): ``fold`` folds the shape arithmetic of the dynamic
batch into constants, ``attention`` also makes each attention one MultiHeadAttention, ``fused``
adds onnxruntime's transformer fusions to the folding, ``attention-fused`` does both, ``int8``
quantizes the fused graph's MatMuls dynamically, ``int8-only`` quantizes the export as it is. Prints the node and kernel counts
before and after and the largest output difference from the original over random inputs at
several (batch, group) sizes, as one JSON object. Needs onnx and onnxruntime (for example the
same-engine peer's environment: unidiff-bench/src/main/python/ort-venv.sh).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from unidiff_models.optimize import MODES, optimize_transformer  # noqa: E402


def main(argv=None) -> int:
    """Entry point."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bundle", type=Path, required=True, help="bundle whose transformer is read")
    p.add_argument("--mode", required=True, choices=tuple(MODES))
    p.add_argument("--out", type=Path, required=True, help="the rewritten transformer's ONNX file")
    p.add_argument("--heads", type=int, default=4, help="attention heads (the default model's: 4)")
    p.add_argument("--width", type=int, default=144, help="model width (the default model's: 144)")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    doc = json.loads((args.bundle / "unidiff.json").read_text(encoding="utf-8"))
    src = args.bundle / doc["components"]["transformer"]["path"]
    report = optimize_transformer(src, args.out, args.mode, args.heads, args.width)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
