#!/usr/bin/env python3
"""Writes the transformer files of the fusion experiments in docs/speed-same-engine.md section 2
(none of them is a shipped variant): the fusions without SkipLayerNormalization, the int8 variant
without it and with GELU's tanh approximation, int8 on attention-fused (with and without the tanh
GELU), and the GEMM-free twins of the committed transformer and of attention-fused.

    python scripts/ort-probe/fusion_experiments.py --bundle models/default/bundle \
        --out-dir models/work/variants
    scripts/bench-speed.sh --same-engine-only --peer-tasks t2i-1 --repeats 20 --threads 2 \
        --compare-transformer models/work/variants/no-gemm.onnx ...

Needs onnx and onnxruntime (the same-engine peer's environment). Files that exist are kept.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "models"))

import onnx  # noqa: E402

from unidiff_models import optimize  # noqa: E402
from unidiff_models.gemm_free import gemm_free_twin  # noqa: E402


def main(argv=None) -> int:
    """Entry point."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bundle", type=Path, required=True)
    p.add_argument("--out-dir", type=Path, required=True)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--width", type=int, default=144)
    args = p.parse_args(argv)
    doc = json.loads((args.bundle / "unidiff.json").read_text(encoding="utf-8"))
    committed = onnx.load(str(args.bundle / doc["components"]["transformer"]["path"]))
    folded, _ = optimize.fold_shapes(committed)
    out = args.out_dir
    out.mkdir(parents=True, exist_ok=True)

    def write(name, model):
        path = out / f"{name}.onnx"
        if path.exists():
            print(f"{path} exists, kept")
            return
        onnx.save(model, str(path))
        print(json.dumps({"file": str(path), "kernels": sum(optimize.kernels(model).values()),
                          "max output difference": optimize.max_difference(committed, model)}))

    heads, width = args.heads, args.width
    noskip = optimize.fuse(folded, heads, width, skip_layer_norm=False)
    write("fused-noskip", noskip)
    write("int8-noskip", optimize.quantized(noskip))
    write("int8-fastgelu", optimize.quantized(optimize.fuse(folded, heads, width, skip_layer_norm=False,
                                              gelu_approximation=True)))
    write("no-gemm", gemm_free_twin(committed)[0])
    attention, _ = optimize.fuse_attention(folded, heads)
    write("no-gemm-attention-fused", gemm_free_twin(optimize.fuse(attention, heads, width))[0])
    write("int8-attention", optimize.quantized(optimize.fuse(attention, heads, width)))
    write("int8-attention-fastgelu", optimize.quantized(optimize.fuse(attention, heads, width, gelu_approximation=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
