#!/usr/bin/env python3
"""Export a unidiff bundle from a finished training run, or from random weights for tests.

    /usr/bin/python3 models/export_bundle.py --work models/work/default --out models/work/bundle
    /usr/bin/python3 models/export_bundle.py --random tiny --out /tmp/tiny-bundle
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Iterable, Optional

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from unidiff_models.export import DEFAULT_GUIDANCE_SCALE, bundle_bytes, export_bundle  # noqa: E402,F401
from unidiff_models.optimize import MODES  # noqa: E402
from unidiff_models.recipe import Components, RecipeConfig, build_components  # noqa: E402
from unidiff_models.tokenizer import WordTokenizer  # noqa: E402
from unidiff_models.training import load_components  # noqa: E402

LOG = logging.getLogger("export_bundle")
DEFAULT_MAX_BYTES = 30 * 1000 * 1000
# Words of the shapes grammar (shapes-world.md), for random-weight bundles without a dataset.
SHAPES_WORDS = ("a at background black blue bottom center circle diamond gray green in large left "
                "on orange purple red right small square the top triangle white yellow").split()


def random_components(recipe: Optional[RecipeConfig] = None, seed: int = 0,
                      words: Iterable[str] = SHAPES_WORDS, name: str = "random-tiny") -> Components:
    """Randomly initialised components (tiny by default) for contract tests."""
    torch.manual_seed(seed)
    recipe = recipe or RecipeConfig.smoke()
    comp = build_components(recipe, WordTokenizer(words))
    # Export what a trained run ships (same weights, its reading of the outputs).
    comp.uvit = comp.uvit.with_prediction(recipe.shipped_prediction)
    comp.scaling_factor = 0.5
    comp.name = name
    return comp.eval()


def main(argv=None) -> int:
    """Entry point."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--work", type=Path, help="finished train_default.py run directory")
    src.add_argument("--random", choices=("tiny", "default"),
                     help="random weights at smoke (tiny) or default sizes")
    p.add_argument("--out", type=Path, required=True, help="bundle directory (replaced)")
    p.add_argument("--name", default=None)
    p.add_argument("--license", default="Apache-2.0")
    p.add_argument("--steps", type=int, default=50, help="default sampler steps")
    p.add_argument("--guidance-scale", type=float, default=DEFAULT_GUIDANCE_SCALE,
                   help="default guidance s in eps = cond + s (cond - uncond)")
    p.add_argument("--max-mb", type=float, default=DEFAULT_MAX_BYTES / 1e6)
    p.add_argument("--transformer-variant", default="plain",
                   choices=("plain",) + tuple(MODES),
                   help="rewrite the transformer; the rewrites of each variant are listed in "
                        "unidiff_models/optimize.py (MODES), see also models/optimize_transformer.py")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    if args.work:
        comp = load_components(args.work)
    else:
        comp = random_components(RecipeConfig.smoke() if args.random == "tiny" else RecipeConfig(),
                                 name=f"random-{args.random}")
    doc = export_bundle(comp, args.out, name=args.name or comp.name, license_text=args.license,
                        max_bytes=int(args.max_mb * 1e6), steps=args.steps,
                        guidance_scale=args.guidance_scale,
                        transformer_variant=args.transformer_variant)
    LOG.info("wrote %s (%s, %.2f MB)", args.out, doc["name"], bundle_bytes(args.out) / 1e6)
    return 0


if __name__ == "__main__":
    sys.exit(main())
