#!/usr/bin/env python3
"""Writes the GEMM-free twin of a transformer (unidiff_models/gemm_free.py) for timing.

    python models/gemm_free_twin.py --transformer models/default/bundle/transformer/model.onnx \
        --out models/work/variants/no-gemm.onnx
    scripts/bench-speed.sh --same-engine-only --peer-tasks t2i-1 --repeats 20 \
        --compare-transformer models/work/variants/no-gemm.onnx

The twin runs every operator of the transformer except its weight MatMuls, which become copies of
the right shape: its outputs are meaningless, its time a call is the call's cost without GEMM
arithmetic. Prints how many MatMuls were replaced and the twin's node count, as one JSON object.
Refuses to overwrite an existing file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import onnx  # noqa: E402

from unidiff_models.gemm_free import gemm_free_twin  # noqa: E402


def main(argv=None) -> int:
    """Entry point."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--transformer", type=Path, required=True, help="the transformer's ONNX file")
    p.add_argument("--out", type=Path, required=True, help="the twin's ONNX file (must not exist)")
    args = p.parse_args(argv)
    if args.out.exists():
        p.error(f"--out {args.out} exists; the twin is never written over a file")
    twin, replaced = gemm_free_twin(onnx.load(str(args.transformer)))
    if replaced == 0:
        p.error(f"{args.transformer} has no MatMul by a rank-2 weight: nothing to replace")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(twin, str(args.out))
    print(json.dumps({"weight MatMuls replaced": replaced, "nodes": len(twin.graph.node)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
