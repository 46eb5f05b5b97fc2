#!/usr/bin/env python3
"""Run one task with the PyTorch reference pipeline on a finished training run.

    /usr/bin/python3 models/reference_pipeline.py --work models/work/default \
        --task text-to-image --prompt "a large red circle in the center" --out /tmp/ref.npz

The reference (``unidiff_models/reference/``) is written from the specification, not from the
Java code, and loads the run's PyTorch checkpoints, not the ONNX bundle. Noise is drawn per
output from numpy's PCG64 with ``--seed`` (output i uses ``seed * 1000 + stage * 100 + i``) and
recorded; ``--out`` receives the final latents, decoded images (float and 8-bit), captions and
every recorded noise stream, so a run can be replayed here or in Java with
``RecordedNoiseSource``. Images are also written as PNG files beside ``--out`` when Pillow is
installed. Input images (``--image``) must be PNGs at the model's size (the Java side owns
cropping and resampling).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from unidiff_models.reference.noise import RecordingStream  # noqa: E402
from unidiff_models.reference.pipeline import ReferencePipeline, to_bytes  # noqa: E402

LOG = logging.getLogger("reference_pipeline")
TASKS = ("text-to-image", "image-to-text", "joint", "image-only", "text-only", "image-variation",
         "text-variation")


def read_image(path: Path) -> np.ndarray:
    """A PNG as uint8 [H, W, 3] (needs Pillow)."""
    try:
        from PIL import Image
    except ImportError as e:  # pragma: no cover - Debian ships python3-pil
        raise SystemExit(f"reading {path} needs Pillow (python3-pil): {e}")
    with Image.open(path) as img:
        return np.asarray(img.convert("RGB"), dtype=np.uint8)


def run(p: ReferencePipeline, task: str, prompt: str, image, outputs: int, steps: int,
        guidance: float, seed: int):
    """Runs ``task``; returns the output and the recorded streams {name: stream}."""
    first = [RecordingStream(seed * 1000 + i) for i in range(outputs)]
    second = [RecordingStream(seed * 1000 + 100 + i) for i in range(outputs)]
    vae = RecordingStream(seed * 1000 + 900)
    needs_prompt = task in ("text-to-image", "text-variation")
    needs_image = task in ("image-to-text", "image-variation")
    if needs_prompt and prompt is None:
        raise ValueError(f"task {task} needs --prompt")
    if needs_image and image is None:
        raise ValueError(f"task {task} needs --image")
    if task == "text-to-image":
        out = p.text_to_image(prompt, first, steps, guidance)
    elif task == "image-to-text":
        out = p.image_to_text(image, vae, first, steps, guidance)
    elif task == "joint":
        out = p.joint(first, steps, guidance)
    elif task == "image-only":
        out = p.image_only(first, steps, guidance)
    elif task == "text-only":
        out = p.text_only(first, steps, guidance)
    elif task == "image-variation":
        out = p.image_variation(image, vae, first, second, steps, guidance)
    elif task == "text-variation":
        out = p.text_variation(prompt, first, second, steps, guidance)
    else:
        raise ValueError(f"unknown task {task!r}; expected one of {TASKS}")
    streams = {f"noise_stage0_{i}": s for i, s in enumerate(first)}
    if out.stages:
        streams.update({f"noise_stage1_{i}": s for i, s in enumerate(second)})
    if needs_image:
        streams["noise_vae"] = vae
    return out, streams


def main(argv=None) -> int:
    """Entry point."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--work", type=Path, required=True, help="finished training run directory")
    ap.add_argument("--bundle", type=Path, default=None,
                    help="bundle exported from --work, for its manifest (beam size, CLIP\n"
                         "normalisation); default: the recipe's values")
    ap.add_argument("--task", choices=TASKS, required=True)
    ap.add_argument("--prompt", default=None)
    ap.add_argument("--image", type=Path, default=None, help="PNG at the model's size")
    ap.add_argument("--outputs", type=int, default=1)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--guidance-scale", type=float, default=7.0,
                    help="s in eps = cond + s (cond - uncond); 0 skips the unconditional pass")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None, help=".npz with latents, images, noise")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    torch.set_num_threads(args.threads)
    p = ReferencePipeline.from_work(args.work, args.bundle)
    image = read_image(args.image) if args.image else None
    try:
        out, streams = run(p, args.task, args.prompt, image, args.outputs, args.steps,
                           args.guidance_scale, args.seed)
    except ValueError as e:
        ap.error(str(e))
    for i, caption in enumerate(out.captions or []):
        LOG.info("caption %d: %s", i, caption)
    if args.out:
        arrays = {name: s.recorded().astype(np.float32) for name, s in streams.items()}
        for i, sample in enumerate(out.latents):
            for g, parts in enumerate(sample):
                for part, value in parts.items():
                    arrays[f"latent_{i}_{g}_{part}"] = value
        if out.images is not None:
            arrays["images"] = out.images
            arrays["images_u8"] = np.moveaxis(to_bytes(out.images), -3, -1)
        if out.captions is not None:
            arrays["captions"] = np.array(out.captions)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        np.savez(args.out, **arrays)
        LOG.info("wrote %s", args.out)
        if out.images is not None:
            _write_pngs(arrays["images_u8"], args.out)
    return 0


def _write_pngs(images: np.ndarray, out: Path) -> None:
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover
        LOG.info("Pillow not installed: no PNG files written")
        return
    for i, img in enumerate(images.reshape(-1, *images.shape[-3:])):
        path = out.with_name(f"{out.stem}_{i}.png")
        Image.fromarray(img).save(path)
        LOG.info("wrote %s", path)


if __name__ == "__main__":
    sys.exit(main())
