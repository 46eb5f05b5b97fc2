#!/usr/bin/env python3
"""Rewrites a bundle's exported joint transformer with fewer operators per call, or int8 MatMuls.

    python models/optimize_transformer.py --bundle models/default/bundle --mode fused \
        --out models/work/fused/model.onnx
    python models/optimize_transformer.py --bundle models/default/bundle --mode int8 \
        --out models/work/int8/model.onnx
    python models/optimize_transformer.py --bundle models/default/bundle --mode int8 \
        --bundle-out models/work/bundles/int8

With ``--add-variant NAME`` it writes the variant into ``--bundle`` beside the main transformer,
declared as ``components.transformer.variants.NAME`` (the shipped default bundle carries ``int8``
this way). With ``--bundle-out`` it writes a whole bundle instead: a copy of ``--bundle`` whose transformer is
the variant, the manifest naming the mode (``name`` gets ``-MODE``; the transformer's
``precision`` is ``int8`` for the int8 modes), ready for ``./unidiff --bundle DIR``.

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
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from unidiff_models.optimize import (MODES, add_bundle_variant, optimize_transformer,  # noqa: E402
                                     rewrite_bundle_transformer)


def main(argv=None) -> int:
    """Entry point."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bundle", type=Path, required=True, help="bundle whose transformer is read")
    p.add_argument("--mode", required=True, choices=tuple(MODES))
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, help="the rewritten transformer's ONNX file")
    target.add_argument("--bundle-out", type=Path, help="a new bundle: --bundle with the rewritten transformer")
    target.add_argument("--add-variant", metavar="NAME",
                        help="write the rewritten transformer into --bundle beside the main one, as the "
                             "manifest's components.transformer.variants.NAME (loaded with "
                             "UnidiffOptions.withVariant(NAME) or --variant NAME)")
    p.add_argument("--heads", type=int, default=4, help="attention heads (the default model's: 4)")
    p.add_argument("--width", type=int, default=144, help="model width (the default model's: 144)")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    doc = json.loads((args.bundle / "unidiff.json").read_text(encoding="utf-8"))
    src = args.bundle / doc["components"]["transformer"]["path"]
    if args.out is not None:
        report = optimize_transformer(src, args.out, args.mode, args.heads, args.width)
    elif args.add_variant is not None:
        report = add_variant(args.bundle, args.add_variant, args.mode, args.heads, args.width)
    else:
        report = write_bundle(args.bundle, args.bundle_out, args.mode, args.heads, args.width)
    print(json.dumps(report))
    return 0


def add_variant(bundle: Path, name: str, mode: str, heads: int, width: int) -> dict:
    """``--add-variant``: checks the name as the Java manifest validator does, then
    :func:`add_bundle_variant`; a refusal exits with the reason."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,31}", name):
        raise SystemExit(f"--add-variant {name!r}: a name of lower-case letters, digits and '-' (1 to 32)")
    try:
        return add_bundle_variant(bundle, name, mode, heads, width)
    except ValueError as e:
        raise SystemExit(f"--add-variant {name}: {e}") from e


def write_bundle(bundle: Path, out: Path, mode: str, heads: int, width: int) -> dict:
    """Copies ``bundle`` to ``out`` with the ``mode`` variant as its transformer; refuses an
    existing ``out``. The copy is staged next to ``out`` and renamed, so a failure leaves no
    half-written bundle."""
    if out.exists():
        raise SystemExit(f"--bundle-out {out} exists; a bundle is never written over")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}-") as tmp:
        staged = Path(tmp) / "bundle"
        shutil.copytree(bundle, staged)
        report = rewrite_bundle_transformer(staged, mode, heads, width)
        doc_path = staged / "unidiff.json"
        doc = json.loads(doc_path.read_text(encoding="utf-8"))
        doc["name"] = f"{doc['name']}-{mode}"
        doc_path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        staged.rename(out)
    report["bundle"] = str(out)
    return report


if __name__ == "__main__":
    sys.exit(main())
