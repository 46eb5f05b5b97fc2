#!/usr/bin/env python3
"""Golden files for the Java parity test of the in-context bundle, from the Python reference.

    python models/make_incontext_goldens.py --work models/work/incontext \
        --bundle models/incontext/bundle --bundle-ref repo:models/incontext/bundle \
        --out unidiff-api/src/test/resources/goldens/incontext

writes ``goldens.npz`` and ``goldens.json`` into ``--out`` (same container format as
``make_goldens.py``: ``format`` "unidiff-goldens", arrays named in the JSON, tolerances per case).
The transformer runs from the training run's PyTorch EMA weights (``--work``), never from the
ONNX file, so the Java side (which runs the ONNX export of the same run) is checked against an
independent computation. The VAE has no PyTorch checkpoint in the repository (it is the default
bundle's), so encoding and decoding use the bundle's ONNX VAE files with ONNX Runtime.

What is inside:

* ``images_u8``: the example PNGs of ``models/incontext/examples`` the cases use, [n, 64, 64, 3];
  ``vae_encoder``: their VAE input pixels, moments and latents (``scaling_factor * mean``, computed
  in float64 and stored as float32, like ``VaeEncoder.encodeMean``);
* ``transformer``: inputs and outputs for G = 4 and G = 10 (random latents; clean, pure-noise
  and fractional network times);
* ``cases``: end-to-end runs of ``TaskPlan.inContext`` with Euler on the manifest's grid: which
  images are the example pairs and the query, the reference role (clean or re-noised), guidance,
  number of outputs, the recorded noise of each output (float32, in the Java ``GuidedJointModel``
  draw order: the target latent's C*h*w initial numbers, then per evaluation, pass 0 then pass 1,
  slot by slot, C*h*w numbers for each RENOISE or MARGINALIZE frame; no CLIP or text numbers,
  this family has neither), the final latents and the decoded 8-bit images.

Tolerances: components 1e-4; end-to-end measured per case as ``make_goldens.py`` does (replay
with the transformer's outputs jittered by 1e-6 relative, tolerance 5 x the change, at least
1e-5 for latents and 1 level for images).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import List

import numpy as np

MODELS = Path(__file__).resolve().parent
REPO = MODELS.parent
sys.path.insert(0, str(MODELS))

from make_goldens import (COMPONENT_ATOL, FORMAT, JITTER, LATENT_ATOL_MIN, MARGIN,  # noqa: E402
                          Goldens, sha256)
from unidiff_models.incontext_export import grid_from_manifest  # noqa: E402
from unidiff_models.reference.incontext import sample_in_context, torch_net  # noqa: E402
from unidiff_models.reference.noise import RecordingStream, ReplayStream  # noqa: E402
from unidiff_models.reference.pipeline import to_bytes  # noqa: E402
from unidiff_models.reference.plans import Role  # noqa: E402

FILES = ("unidiff.json", "transformer/model.onnx", "vae_encoder/model.onnx", "vae_decoder/model.onnx")
EXAMPLES = MODELS / "incontext" / "examples"


def load_png(path: Path) -> np.ndarray:
    """uint8 [H, W, 3]."""
    from PIL import Image
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"), dtype=np.uint8)


def example_images() -> tuple:
    """The images of the cases: for each of two example folders, pairs 1-4 (input, target)."""
    names, images = [], []
    for folder in ("recolor_green", "mask"):
        for i in range(1, 5):
            for kind in ("input", "target"):
                names.append(f"{folder}/pair{i}_{kind}.png")
                images.append(load_png(EXAMPLES / folder / f"pair{i}_{kind}.png"))
    return names, np.stack(images)


class Vae:
    """The bundle's ONNX VAE encoder (mean) and decoder."""

    def __init__(self, bundle: Path, manifest: dict) -> None:
        import onnxruntime as ort
        self.enc = ort.InferenceSession(str(bundle / "vae_encoder/model.onnx"), providers=["CPUExecutionProvider"])
        self.dec = ort.InferenceSession(str(bundle / "vae_decoder/model.onnx"), providers=["CPUExecutionProvider"])
        self.sf = float(manifest["latent"]["scaling_factor"])

    @staticmethod
    def pixels(images_u8: np.ndarray) -> np.ndarray:
        """[n, 3, H, W] float32 in [-1, 1]."""
        return (images_u8.astype(np.float32).transpose(0, 3, 1, 2) / np.float32(127.5) - np.float32(1.0))

    def moments(self, pixels: np.ndarray) -> np.ndarray:
        """[n, 2C, h, w]."""
        return self.enc.run(["moments"], {"image": pixels})[0]

    def mean_latents(self, moments: np.ndarray) -> np.ndarray:
        """scaling_factor * mean in float64, stored as float32 (VaeEncoder.encodeMean)."""
        c = moments.shape[1] // 2
        return (moments[:, :c].astype(np.float64) * self.sf).astype(np.float32)

    def decode(self, latents: np.ndarray) -> np.ndarray:
        """[n, 3, H, W] in [-1, 1] from latents (divided by scaling_factor first)."""
        z = (np.asarray(latents, np.float64) / self.sf).astype(np.float32)
        return self.dec.run(["image"], {"latent": z})[0]


def cases() -> List[dict]:
    """End-to-end runs; image indices refer to ``images_u8`` (recolor_green 0-7, mask 8-15)."""
    return [
        {"name": "recolor_k2_clean", "pairs": [[0, 1], [2, 3]], "query": 4, "reference_mode": "clean",
         "guidance": 1.5, "outputs": 2, "seed": 1},
        {"name": "recolor_k3_unguided", "pairs": [[0, 1], [2, 3], [4, 5]], "query": 6,
         "reference_mode": "clean", "guidance": 0.0, "outputs": 1, "seed": 2},
        {"name": "mask_k1_renoised", "pairs": [[8, 9]], "query": 10, "reference_mode": "renoised",
         "guidance": 1.5, "outputs": 2, "seed": 3},
        {"name": "mask_k4_clean", "pairs": [[8, 9], [10, 11], [12, 13], [8, 9]], "query": 14,
         "reference_mode": "clean", "guidance": 3.0, "outputs": 1, "seed": 4},
    ]


def run_case(net, vae: Vae, latents: np.ndarray, case: dict, grid: List[float], gold: Goldens) -> dict:
    """Run one case on fresh recorded noise, measure its jitter tolerance, store what it made."""
    name, n, seed = case["name"], case["outputs"], case["seed"]
    role = Role.RENOISE if case["reference_mode"] == "renoised" else Role.CONDITION
    examples = [(latents[a], latents[b]) for a, b in case["pairs"]]
    query = latents[case["query"]]
    streams = [RecordingStream(seed * 1000 + i) for i in range(n)]
    out = sample_in_context(net, examples, query, streams, grid, case["guidance"], role)
    images = vae.decode(out)
    change, image_change = 0.0, 0
    for k in range(2):
        rng = np.random.default_rng(seed * 10 + k)

        def jittered(img, t_img):
            o = net(img, t_img)
            return o * (1.0 + JITTER * rng.standard_normal(o.shape)).astype(np.float32)
        again = sample_in_context(jittered, examples, query, [ReplayStream(s.recorded()) for s in streams], grid,
                                  case["guidance"], role)
        change = max(change, float(np.abs(again - out).max()))
        diff = np.abs(to_bytes(vae.decode(again)).astype(int) - to_bytes(images).astype(int))
        image_change = max(image_change, int(diff.max()))
    prefix = f"cases.{name}"
    doc = dict(case)
    doc.update({
        "evaluations": len(grid) - 1,
        "noise": [gold.put(f"{prefix}.noise{i}", s.recorded(), "<f4") for i, s in enumerate(streams)],
        "latent": {"array": gold.put(f"{prefix}.latent", out, "<f8"), "jitter_change": change,
                   "atol": max(MARGIN * change, LATENT_ATOL_MIN)},
        "images_u8": gold.put(f"{prefix}.images_u8", np.moveaxis(to_bytes(images), 1, -1), "|u1"),
        "image_jitter_levels": image_change,
        "image_levels": max(1, MARGIN * image_change),
    })
    return doc


def main(argv=None) -> int:
    """Compute and write the goldens."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--work", type=Path, required=True, help="training run directory (incontext.pt)")
    ap.add_argument("--bundle", type=Path, required=True)
    ap.add_argument("--bundle-ref", required=True, help="repo:<path> or resource:<dir>, for the Java test")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--cases", default=None, help="comma-separated case names (default: all)")
    args = ap.parse_args(argv)
    import torch
    from unidiff_models.incontext_training import load_ema
    torch.set_num_threads(1)
    manifest = json.loads((args.bundle / "unidiff.json").read_text(encoding="utf-8"))
    model, _ = load_ema(args.work)
    net = torch_net(model)
    vae = Vae(args.bundle, manifest)
    grid = grid_from_manifest(manifest)
    gold = Goldens()
    names, images = example_images()
    pixels = vae.pixels(images)
    moments = vae.moments(pixels)
    latents = vae.mean_latents(moments)
    doc = {"format": FORMAT, "version": 1, "name": args.out.name, "family": manifest.get("family"),
           "bundle": args.bundle_ref,
           "bundle_sha256": {f: sha256(args.bundle / f) for f in FILES},
           "command": "models/make_incontext_goldens.py " + " ".join(argv if argv is not None else sys.argv[1:]),
           "tolerances": {
               "components": COMPONENT_ATOL,
               "end_to_end": f"per case: {MARGIN} x the change of a {JITTER:g} relative jitter of the transformer "
                             f"outputs, at least {LATENT_ATOL_MIN:g} for latents and 1 level for images",
               "noise_order": "Java GuidedJointModel: the target's initial latent, then per evaluation per active "
                              "pass per slot the latent of every RENOISE or MARGINALIZE frame"},
           "grid": grid,
           "image_files": names,
           "images_u8": gold.put("images_u8", images, "|u1"),
           "components": {"vae_encoder": {
               "image": gold.put("vae_encoder.image", pixels, "<f4"),
               "moments": gold.put("vae_encoder.moments", moments, "<f4"),
               "latent_mean": gold.put("vae_encoder.latent_mean", latents, "<f4")}}}
    rng = np.random.default_rng(11)
    tr = {}
    for b, g in ((3, 4), (2, 10)):
        img = rng.standard_normal((b, g, 4, 16, 16)).astype(np.float32)
        t_img = rng.choice([0.0, 1000.0, 994.4, 190.0, 500.5], size=(b, g)).astype(np.float32)
        tr[f"g{g}"] = {"img": gold.put(f"transformer.g{g}.img", img, "<f4"),
                       "t_img": gold.put(f"transformer.g{g}.t_img", t_img, "<f4"),
                       "img_out": gold.put(f"transformer.g{g}.img_out", net(img, t_img), "<f4")}
    doc["components"]["transformer"] = tr
    doc["cases"] = []
    chosen = cases() if args.cases is None else [c for c in cases() if c["name"] in args.cases.split(",")]
    for case in chosen:
        doc["cases"].append(run_case(net, vae, latents.astype(np.float64), case, grid, gold))
        print(f"{case['name']}: latent atol {doc['cases'][-1]['latent']['atol']:.2g}, "
              f"image levels {doc['cases'][-1]['image_levels']}", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / "goldens.npz", **gold.arrays)
    (args.out / "goldens.json").write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    print(f"goldens -> {args.out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
