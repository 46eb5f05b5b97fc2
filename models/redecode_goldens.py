#!/usr/bin/env python3
"""Re-decode the default goldens after the bundle's VAE decoder alone changed.

A new decoder (``finetune_decoder.py``) changes no latent, caption or transformer output, only
decoded pixels. The full ``make_goldens.py`` needs the training run's PyTorch checkpoints of
every component; this script instead keeps every stored array and recomputes only what a decoder
makes: the ``vae_decoder.image`` component golden and each case's images (float and 8-bit), decoded
in PyTorch from the stored final latents by the decoder stage's own checkpoint, never from the
ONNX file Java runs. It first decodes the stored latents with the bundle's *old* decoder (read back
from ``--old-bundle``) and refuses to go on unless that reproduces the stored images, so the
latent-to-image mapping used here is the one the goldens were made with.

    /usr/bin/python3 models/redecode_goldens.py --goldens unidiff-api/src/test/resources/goldens/default \
        --old-bundle OLD_BUNDLE --decoder models/work/decoder/decoder.pt --bundle models/default/bundle

Case tolerances stay as measured by ``make_goldens.py`` (5 x the effect of a jitter of the
transformer outputs); the decoder is a fine-tune of the old one, of the same size.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import numpy as np
import torch

MODELS = Path(__file__).resolve().parent
sys.path.insert(0, str(MODELS))

from finetune_decoder import load_vae  # noqa: E402
from make_goldens import sha256  # noqa: E402
from unidiff_models.reference.pipeline import to_bytes  # noqa: E402
from unidiff_models.training import load_checkpoint  # noqa: E402

LOG = logging.getLogger("redecode_goldens")
# How close the old decoder in PyTorch must come to the stored images (same weights, same
# framework as when they were made; only BLAS summation order may differ).
REPRODUCE_ATOL = 1e-4


def decode(decoder, latents: np.ndarray, scaling_factor: float) -> np.ndarray:
    """Diffusion-scale latents [..., C, h, w] to images [..., 3, H, W] (what the pipeline does)."""
    lead = latents.shape[:-3]
    z = latents.reshape((-1,) + latents.shape[-3:]).astype(np.float32)
    z = z * np.float32(1.0 / scaling_factor)
    with torch.no_grad():
        img = decoder(torch.from_numpy(z)).numpy()
    return img.reshape(lead + img.shape[1:])


def case_images(case: dict, arrays: dict, decoder, scaling_factor: float) -> np.ndarray:
    """A case's images from its last stage's final latents [outputs, slots, C, h, w]."""
    latents = np.asarray(arrays[case["stages"][-1]["latent"]["array"]])
    images = decode(decoder, latents, scaling_factor)
    stored = arrays[case["images"]]
    # Single-slot tasks store [outputs, 3, H, W]; groups keep the slot axis.
    return images.reshape(stored.shape)


def main(argv=None) -> int:
    """Entry point."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--goldens", type=Path, required=True)
    p.add_argument("--old-bundle", type=Path, required=True,
                   help="the bundle the goldens were made for (its decoder checks the mapping)")
    p.add_argument("--decoder", type=Path, required=True, help="decoder stage checkpoint")
    p.add_argument("--bundle", type=Path, required=True, help="the bundle with the new decoder")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    doc = json.loads((args.goldens / "goldens.json").read_text(encoding="utf-8"))
    with np.load(args.goldens / "goldens.npz") as npz:
        arrays = {k: npz[k] for k in npz.files}
    manifest = json.loads((args.bundle / "unidiff.json").read_text(encoding="utf-8"))
    sf = float(manifest["latent"]["scaling_factor"])

    old = load_vae(args.old_bundle).decoder
    comp = doc["components"]["vae_decoder"]
    checks = [("component vae_decoder", decode(old, arrays[comp["latent"]], sf), comp["image"])]
    checks += [(f"case {c['name']}", case_images(c, arrays, old, sf), c["images"])
               for c in doc["cases"] if "images" in c]
    for what, images, key in checks:
        diff = np.abs(images - arrays[key]).max()
        if diff > REPRODUCE_ATOL:
            raise SystemExit(f"{what}: the old decoder gives images {diff:.2e} away from the "
                             f"stored ones (at most {REPRODUCE_ATOL:g}); wrong old bundle?")
    new = load_vae(args.bundle)
    state = load_checkpoint(args.decoder)["modules"]["decoder"]
    new.decoder.load_state_dict(state)
    new.decoder.eval()

    arrays[comp["image"]] = decode(new.decoder, arrays[comp["latent"]], sf).astype("<f4")
    for case in (c for c in doc["cases"] if "images" in c):
        images = case_images(case, arrays, new.decoder, sf)
        arrays[case["images"]] = images.astype("<f4")
        arrays[case["images_u8"]] = np.moveaxis(to_bytes(images), -3, -1).astype("|u1")
        LOG.info("case %s re-decoded", case["name"])
    doc["bundle_sha256"]["vae_decoder/model.onnx"] = sha256(args.bundle / "vae_decoder" / "model.onnx")
    doc["redecoded"] = {"command": "models/redecode_goldens.py " + " ".join(argv or sys.argv[1:]),
                        "why": "the bundle's VAE decoder was fine-tuned (finetune_decoder.py); "
                               "latents, captions and other components are unchanged"}
    np.savez_compressed(args.goldens / "goldens.npz", **arrays)
    (args.goldens / "goldens.json").write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
