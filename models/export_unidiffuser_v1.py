#!/usr/bin/env python3
"""Export the published UniDiffuser v1 weights into a unidiff bundle (see UNIDIFFUSER_V1.md).

Example::

    python3 models/export_unidiffuser_v1.py \
        --uvit ckpt/uvit_v1.pth --autoencoder ckpt/autoencoder_kl.pth \
        --caption-decoder ckpt/caption_decoder.pth \
        --clip-text hf/clip-vit-large-patch14 --clip-vision hf/clip-vit-base-patch32 \
        --gpt2 hf/gpt2 --out bundles/unidiffuser-v1 [--fp16 | --transformer-variant int8]
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from unidiffuser_v1.checkpoint import CheckpointError  # noqa: E402
from unidiffuser_v1.exporter import (V1Architecture, V1Sources, load_networks,  # noqa: E402
                                     write_bundle)

LOG = logging.getLogger("export_unidiffuser_v1")


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--uvit", type=Path, required=True, help="uvit_v1.pth (joint noise predictor)")
    p.add_argument("--autoencoder", type=Path, required=True, help="autoencoder_kl.pth")
    p.add_argument("--caption-decoder", type=Path, required=True, help="caption_decoder.pth")
    p.add_argument("--clip-text", type=Path, required=True,
                   help="Hugging Face folder of openai/clip-vit-large-patch14 (weights, "
                        "vocab.json, merges.txt)")
    p.add_argument("--clip-vision", type=Path, required=True,
                   help="Hugging Face folder of openai/clip-vit-base-patch32 (weights)")
    p.add_argument("--gpt2", type=Path, required=True,
                   help="Hugging Face folder of gpt2 (vocab.json, merges.txt)")
    p.add_argument("--out", type=Path, required=True, help="bundle directory to write")
    p.add_argument("--fp16", action="store_true",
                   help="float16 weights and activations; attention softmax, normalisation "
                        "and timesteps stay float32")
    p.add_argument("--group-max-size", type=int, default=4,
                   help="largest group the runtime may request (1 = plain UniDiffuser)")
    p.add_argument("--transformer-variant", default="plain",
                   help="rewrite the transformer after export: fold, attention, fused, "
                        "attention-fused, int8 or int8-only (models/unidiff_models/optimize.py, "
                        "MODES; needs onnxruntime; fp32 only)")
    p.add_argument("--name", default="unidiffuser-v1")
    p.add_argument("--license", default="",
                   help="license text for the manifest (defaults to a pointer to the sources')")
    return p.parse_args(argv)


def main(argv=None) -> int:
    """Load, check and export; returns the process exit code."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)
    src = V1Sources(args.uvit, args.autoencoder, args.caption_decoder, args.clip_text,
                    args.clip_vision, args.gpt2)
    try:
        nets = load_networks(src)
        write_bundle(nets, arch=V1Architecture(), out=args.out, clip_folder=args.clip_text,
                     gpt2_folder=args.gpt2, fp16=args.fp16, group_max_size=args.group_max_size,
                     name=args.name, license_text=args.license,
                     transformer_variant=args.transformer_variant)
    except (CheckpointError, FileNotFoundError, ValueError) as e:
        LOG.error("%s", e)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
