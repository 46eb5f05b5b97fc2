#!/usr/bin/env python3
"""Sharpen a shipped bundle's VAE decoder (the recipe's stage 7) without its training checkpoints.

The decoder is fine-tuned on latents sampled from the bundle's own, frozen encoder, so the latent
space, and with it the transformer, stay valid; only ``vae_decoder/model.onnx`` changes. The
weights come from the bundle's ONNX files (``unidiff_models.onnx_import``). The committed default
bundle's decoder was made with (about 30 minutes on two CPU cores):

    /usr/bin/python3 models/finetune_decoder.py --bundle models/default/bundle \
        --data models/work/data --work models/work/decoder --steps 2000 --out models/work/bundle-dec

where ``models/work/data`` is the default model's training set (``WriteDataset --seed 1 --singles
40000 --groups 6000 --variants 4``). Re-running the same command resumes the stage. ``--out`` must
not exist: the bundle is copied there and its decoder replaced, the input bundle is left alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import onnx
import torch

MODELS = Path(__file__).resolve().parent
sys.path.insert(0, str(MODELS))

from unidiff_models import training  # noqa: E402
from unidiff_models.data import ShapesDataset  # noqa: E402
from unidiff_models.export import export_vae_decoder  # noqa: E402
from unidiff_models.onnx_import import load_onnx_weights  # noqa: E402
from unidiff_models.recipe import RecipeConfig  # noqa: E402
from unidiff_models.vae import Vae, VaeConfig  # noqa: E402

LOG = logging.getLogger("finetune_decoder")


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--bundle", type=Path, required=True, help="bundle whose decoder is tuned")
    p.add_argument("--data", type=Path, required=True, help="WriteDataset output directory")
    p.add_argument("--work", type=Path, required=True, help="checkpoint directory")
    p.add_argument("--out", type=Path, default=None, help="new bundle directory (must not exist)")
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--lr", type=float, default=None, help="peak learning rate (recipe's default)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    return p.parse_args(argv)


def vae_config(bundle: Path) -> VaeConfig:
    """The autoencoder's sizes from the manifest and the encoder's first convolution."""
    manifest = json.loads((bundle / "unidiff.json").read_text(encoding="utf-8"))
    image, latent = manifest["image"]["height"], manifest["latent"]
    factor = image // latent["height"]
    downsamples = factor.bit_length() - 1
    if 2 ** downsamples != factor:
        raise ValueError(f"{bundle}: image {image} px over latent {latent['height']} is not a "
                         "power-of-two downsampling")
    encoder = onnx.load(str(bundle / "vae_encoder" / "model.onnx"))
    first = next(i for i in encoder.graph.initializer if i.name == "net.0.weight")
    return VaeConfig(image_size=image, latent_channels=latent["channels"],
                     base_channels=int(first.dims[0]), downsamples=downsamples)


def load_vae(bundle: Path) -> Vae:
    """The bundle's VAE as a PyTorch module."""
    vae = Vae(vae_config(bundle))
    load_onnx_weights(vae.encoder, bundle / "vae_encoder" / "model.onnx")
    load_onnx_weights(vae.decoder, bundle / "vae_decoder" / "model.onnx")
    return vae.eval()


def encode_all(vae: Vae, dataset: ShapesDataset, cache: Path) -> torch.Tensor:
    """Encoder moments of every image, computed once and kept in ``cache``."""
    if cache.exists():
        return torch.load(cache)
    chunks = []
    with torch.no_grad():
        for start in range(0, len(dataset.images), 512):
            idx = list(range(start, min(start + 512, len(dataset.images))))
            chunks.append(vae.moments(dataset.pixels(idx)))
    moments = torch.cat(chunks)
    torch.save(moments, cache)
    return moments


def main(argv=None) -> int:
    """Entry point."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    torch.set_num_threads(args.threads)
    if args.out is not None and args.out.exists():
        raise SystemExit(f"--out {args.out} exists; give a new directory")
    args.work.mkdir(parents=True, exist_ok=True)
    vae = load_vae(args.bundle)
    dataset = ShapesDataset(args.data)
    moments = encode_all(vae, dataset, args.work / "moments.pt")
    LOG.info("encoder moments of %d images", len(moments))
    recipe = RecipeConfig()
    stage = dataclasses.replace(recipe.decoder_stage, steps=args.steps,
                                lr=args.lr if args.lr is not None else recipe.decoder_stage.lr)
    recipe = dataclasses.replace(recipe, decoder_stage=stage)
    ctx = training.RunContext(work=args.work, recipe=recipe, dataset=dataset, tokenizer=None,
                              device=torch.device("cpu"), seed=args.seed,
                              log=training.LossLog(args.work / "losses.csv"), threads=args.threads)
    facts = training.train_decoder(ctx, SimpleNamespace(vae=vae), {"moments": moments})
    LOG.info("decoder stage: %s", json.dumps(facts))
    if args.out is not None:
        shutil.copytree(args.bundle, args.out)
        export_vae_decoder(vae, args.out, torch.Generator().manual_seed(0))
        LOG.info("bundle with the tuned decoder written to %s", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
