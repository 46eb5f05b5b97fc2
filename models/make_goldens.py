#!/usr/bin/env python3
"""Golden files for the Java library's parity test, from the PyTorch reference pipeline.

    /usr/bin/python3 models/make_goldens.py --work models/work/default \
        --bundle models/default/bundle --bundle-ref repo:models/default/bundle \
        --out unidiff-api/src/test/resources/goldens/default

writes ``goldens.npz`` and ``goldens.json`` into ``--out``. The weights come from the training
run's PyTorch checkpoints (``--work``), never from the ONNX files, so the Java side (which runs
the ONNX export of the same run, ``--bundle``) is checked against an independent computation.
The bundle is read only for its manifest (caption search, CLIP normalisation, scaling factor)
and for the SHA-256 of its files, which the Java test compares so that goldens and bundle cannot
silently drift apart. ``--bundle-ref`` tells the Java test where the bundle lives:
``resource:<dir>`` (a folder of the api module's test resources) or ``repo:<path>`` (a path from
the repository root).

What is inside (``goldens.json`` lists every array with its role and tolerance):

* components on a few inputs: VAE moments, sampled latents (with their noise), decoded images,
  CLIP image embeddings, tokenizer ids, text latents, decoder logits, beam-search captions, and
  transformer outputs for G = 1 and G = 3 batches;
* short end-to-end runs (``--steps``, default 5) of text-to-image, image-to-text, joint, image
  only, text only, both variations, guidance 0, and groups with clean and re-noised references:
  the recorded per-sample noise of every stage (in the Java ``GuidedJointModel`` draw order), the
  VAE-sample noise of every input image, the final latents, decoded images and captions.

Component tolerances are fixed (1e-4). End-to-end tolerances are measured per case: the case is
replayed twice with the transformer's outputs jittered by 1e-6 (relative, about the size of the
ONNX Runtime vs PyTorch differences) and the stored tolerance is 5 times the change that caused
in the final latents (at least 1e-5) and in the decoded 8-bit images (at least 1 level), because
how much a few guided solver steps amplify rounding depends on the model.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import sys
from pathlib import Path
from typing import Callable, Dict, List, Optional

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from unidiff_models.reference.joint import CLIP, LATENT, TEXT_PART  # noqa: E402
from unidiff_models.reference.noise import RecordingStream, ReplayStream  # noqa: E402
from unidiff_models.reference.pipeline import (ReferencePipeline, TaskOutput,  # noqa: E402
                                               to_bytes)

LOG = logging.getLogger("make_goldens")
FORMAT = "unidiff-goldens"
COMPONENT_FILES = ("unidiff.json", "transformer/model.onnx", "vae_encoder/model.onnx",
                   "vae_decoder/model.onnx", "image_encoder/model.onnx", "text_encoder/model.onnx",
                   "text_encoder/tokenizer.json", "text_decoder/model.onnx",
                   "text_decoder/tokenizer.json")
# ONNX Runtime and PyTorch float32 kernels differ by rounding only; 1e-4 leaves room for the
# summation order of a few hundred-wide dot products without hiding a wrong weight or layout.
COMPONENT_ATOL = 1e-4
# End-to-end tolerances are measured per case (see run_case): the change that jittering the
# transformer's outputs by JITTER (relative, about the ONNX Runtime vs PyTorch difference of
# the components) causes in the final latents and decoded 8-bit images, times MARGIN, and at
# least LATENT_ATOL_MIN for latents and 1 level for images.
JITTER = 1e-6
MARGIN = 5
LATENT_ATOL_MIN = 1e-5
PROMPTS = ("a large red circle in the center", "A small, BLUE square at the top left!",
           "a green triangle on a purple zebra", "")


def shapes_images(size: int) -> np.ndarray:
    """Three deterministic pictures in the shapes world's style: a disc, a square, a triangle."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64) + 0.5
    c = size / 2.0
    out = np.zeros((3, size, size, 3), dtype=np.uint8)
    masks = [((xx - c) ** 2 + (yy - c) ** 2) <= (0.3 * size) ** 2,
             (np.abs(xx - 0.3 * size) <= 0.15 * size) & (np.abs(yy - 0.3 * size) <= 0.15 * size),
             (yy >= 0.35 * size) & (yy <= 0.8 * size)
             & (np.abs(xx - 0.6 * size) <= (yy - 0.35 * size) * 0.5)]
    colours = [((255, 255, 255), (220, 30, 30)), ((128, 128, 128), (30, 60, 220)),
               ((250, 240, 60), (40, 170, 60))]
    for i, (mask, (bg, fg)) in enumerate(zip(masks, colours)):
        out[i] = np.where(mask[..., None], np.array(fg, np.uint8), np.array(bg, np.uint8))
    return out


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Goldens:
    """Collects arrays (into the .npz) and their descriptions (into the JSON)."""

    def __init__(self) -> None:
        self.arrays: Dict[str, np.ndarray] = {}

    def put(self, name: str, value, dtype) -> str:
        """Stores ``value`` as ``dtype`` under ``name`` and returns the name."""
        if name in self.arrays:
            raise ValueError(f"golden array {name} written twice")
        self.arrays[name] = np.ascontiguousarray(np.asarray(value, dtype=dtype))
        return name


def component_goldens(p: ReferencePipeline, gold: Goldens, images: np.ndarray) -> dict:
    """Every component on the fixed inputs."""
    doc: dict = {}
    k = len(images)
    pixels = p.vae_pixels(images)
    moments = p.vae_moments(pixels)
    noise = np.stack([RecordingStream(100 + i).next(p.sizes.latent_size) for i in range(k)])
    latents = np.stack([p.vae_sample(moments[i], noise[i]) for i in range(k)])
    doc["vae_encoder"] = {"image": gold.put("vae_encoder.image", pixels, "<f4"),
                          "moments": gold.put("vae_encoder.moments", moments, "<f4"),
                          "noise": gold.put("vae_encoder.noise", noise, "<f4"),
                          "latent": gold.put("vae_encoder.latent", latents, "<f4")}
    clip_pixels = p.clip_pixels(images)
    doc["image_encoder"] = {
        "pixel_values": gold.put("image_encoder.pixel_values", clip_pixels, "<f4"),
        "image_embeds": gold.put("image_encoder.image_embeds", p.image_embeds(clip_pixels), "<f4")}
    doc["vae_decoder"] = {"latent": doc["vae_encoder"]["latent"],
                          "image": gold.put("vae_decoder.image", p.decode_images(latents), "<f4")}

    ids = np.stack([p.prompt_ids(text) for text in PROMPTS])
    text_latents = p.text_latents(ids)
    doc["text_encoder"] = {"prompts": list(PROMPTS),
                           "input_ids": gold.put("text_encoder.input_ids", ids, "<i8"),
                           "text_latent": gold.put("text_encoder.text_latent", text_latents, "<f4")}
    vocab = len(p.comp.tokenizer)
    dec_ids = np.random.default_rng(7).integers(0, vocab, size=(len(PROMPTS), 6))
    doc["text_decoder"] = {
        "text_latent": doc["text_encoder"]["text_latent"],
        "input_ids": gold.put("text_decoder.input_ids", dec_ids, "<i8"),
        "logits": gold.put("text_decoder.logits", p.decoder_logits(text_latents, dec_ids), "<f4")}
    captions = [p.caption(text_latents[i]) for i in range(len(PROMPTS))]
    doc["captions"] = {"text_latent": doc["text_encoder"]["text_latent"],
                       "texts": [c for c, _ in captions], "tokens": [t for _, t in captions]}

    z = p.sizes
    rng = np.random.default_rng(11)
    doc["transformer"] = {}
    for b, g in ((3, 1), (2, 3)):
        # Clean (0), pure-noise (1000) and fractional timesteps, as the tasks feed them.
        t_img = rng.choice([0.0, 1000.0, 980.02, 20.98, 500.5], size=(b, g)).astype(np.float32)
        t_text = rng.choice([0.0, 1000.0, 313.25, 740.0], size=(b, g)).astype(np.float32)
        inputs = [rng.standard_normal((b, g, z.channels, z.height, z.width)).astype(np.float32),
                  rng.standard_normal((b, g, 1, z.clip_dim)).astype(np.float32),
                  rng.standard_normal((b, g, z.text_tokens, z.text_dim)).astype(np.float32),
                  t_img, t_text]
        data_type = None
        if p.settings.data_type is not None:
            data_type = np.full((b,), p.settings.data_type, dtype=np.int64)
        outs = p.net(*inputs, data_type)
        key = f"transformer.g{g}"
        names = ("img", "clip_img", "text", "t_img", "t_text")
        entry = {n: gold.put(f"{key}.{n}", v, "<f4") for n, v in zip(names, inputs)}
        for n, v in zip(("img_out", "clip_img_out", "text_out"), outs):
            entry[n] = gold.put(f"{key}.{n}", v, "<f4")
        if data_type is not None:
            entry["data_type"] = gold.put(f"{key}.data_type", data_type, "<i8")
        doc["transformer"][f"g{g}"] = entry
    return doc


def _streams(seed: int, stage: int, n: int) -> List[RecordingStream]:
    return [RecordingStream(seed * 1000 + stage * 100 + i) for i in range(n)]


def _stage_parts(out: TaskOutput) -> Dict[str, tuple]:
    """Per generated part: (slots, [N, slots, ...] float64 values)."""
    parts = {}
    for part in (LATENT, CLIP, TEXT_PART):
        slots = [g for g, found in enumerate(out.latents[0]) if part in found]
        if slots:
            parts[part] = (slots, np.stack([np.stack([sample[g][part] for g in slots])
                                            for sample in out.latents]))
    return parts


def _execute(p: ReferencePipeline, case: dict, images: np.ndarray, first, second,
             image_stream: Callable[[], object]) -> TaskOutput:
    task, steps, s = case["task"], case["steps"], case["guidance"]
    if task == "text_to_image":
        return p.text_to_image(case["prompt"], first, steps, s)
    if task == "image_to_text":
        return p.image_to_text(images[case["image"]], image_stream(), first, steps, s)
    if task == "joint":
        return p.joint(first, steps, s)
    if task == "image_only":
        return p.image_only(first, steps, s)
    if task == "text_only":
        return p.text_only(first, steps, s)
    if task == "image_variation":
        return p.image_variation(images[case["image"]], image_stream(), first, second, steps, s)
    if task == "text_variation":
        return p.text_variation(case["prompt"], first, second, steps, s)
    if task == "group":
        slots = [(sl["caption"], None if sl.get("image") is None else images[sl["image"]])
                 for sl in case["slots"]]
        refs = {i: image_stream() for i, (_, ref) in enumerate(slots) if ref is not None}
        return p.group(slots, case["reference_mode"] == "renoised", refs, first, steps, s)
    raise ValueError(f"unknown task {task}")


@contextlib.contextmanager
def jittered_network(p: ReferencePipeline, relative: float, seed: int):
    """Multiplies every transformer output by ``1 + relative * N(0, 1)`` (a fixed pattern per
    call), a stand-in for the rounding differences of another float32 implementation."""
    rng = np.random.default_rng(seed)
    plain = p.net

    def net(*args):
        return tuple(o * (1.0 + relative * rng.standard_normal(o.shape)).astype(np.float32)
                     for o in plain(*args))

    p.net = net
    try:
        yield
    finally:
        del p.net  # back to the class's method


def run_case(p: ReferencePipeline, gold: Goldens, case: dict, images: np.ndarray) -> dict:
    """Runs one end-to-end case with fresh recorded noise and stores everything it drew and made.

    The case is then replayed twice on the same noise with the transformer's outputs jittered by
    ``JITTER`` (relative); the tolerances stored for its latents and images are ``MARGIN`` times
    the largest change that caused, so they follow how strongly this model and task amplify
    float rounding over the solve instead of being one guess for every model.
    """
    name, n, seed = case["name"], case["outputs"], case["seed"]
    prefix = f"cases.{name}"
    vae_streams: List[RecordingStream] = []

    def image_stream() -> RecordingStream:
        vae_streams.append(RecordingStream(seed * 1000 + 900 + len(vae_streams)))
        return vae_streams[-1]

    first, second = _streams(seed, 0, n), _streams(seed, 1, n)
    out = _execute(p, case, images, first, second, image_stream)
    stages = out.stages or [out]
    stage_streams = [first, second][:len(stages)]
    base = [_stage_parts(st) for st in stages]
    floor = [{part: 0.0 for part in parts} for parts in base]
    image_floor = 0
    for k in range(2):
        replay_first = [ReplayStream(x.recorded()) for x in first]
        replay_second = [ReplayStream(x.recorded()) for x in second]
        replay_images = iter([ReplayStream(x.recorded()) for x in vae_streams])
        with jittered_network(p, JITTER, seed * 10 + k):
            again = _execute(p, case, images, replay_first, replay_second,
                             lambda: next(replay_images))
        for i, st in enumerate(again.stages or [again]):
            for part, (_, values) in _stage_parts(st).items():
                floor[i][part] = max(floor[i][part],
                                     float(np.abs(values - base[i][part][1]).max()))
        if out.images is not None:
            diff = np.abs(to_bytes(again.images).astype(int) - to_bytes(out.images).astype(int))
            image_floor = max(image_floor, int(diff.max()))

    doc = dict(case)
    doc["stages"] = []
    for k, (st, streams) in enumerate(zip(stages, stage_streams)):
        entry = {"evaluations": st.evaluations,
                 "noise": [gold.put(f"{prefix}.stage{k}.noise{i}", x.recorded(), "<f4")
                           for i, x in enumerate(streams)]}
        for part, (slots, values) in base[k].items():
            entry[part] = {"slots": slots,
                           "array": gold.put(f"{prefix}.stage{k}.{part}", values, "<f8"),
                           "jitter_change": floor[k][part],
                           "atol": max(MARGIN * floor[k][part], LATENT_ATOL_MIN)}
        doc["stages"].append(entry)
    doc["vae_noise"] = [gold.put(f"{prefix}.vae_noise{i}", st.recorded(), "<f4")
                        for i, st in enumerate(vae_streams)]
    if out.images is not None:
        doc["images"] = gold.put(f"{prefix}.images", out.images, "<f4")
        doc["images_u8"] = gold.put(f"{prefix}.images_u8",
                                    np.moveaxis(to_bytes(out.images), -3, -1), "|u1")
        doc["image_jitter_levels"] = image_floor
        doc["image_levels"] = max(1, MARGIN * image_floor)
    if out.captions is not None:
        doc["captions"] = out.captions
        doc["caption_tokens"] = out.caption_tokens
    return doc


def cases(steps: int) -> List[dict]:
    """The end-to-end runs: every task, guided and not, single and several outputs, groups."""
    base = {"steps": steps, "guidance": 7.0}
    return [
        dict(base, name="t2i", task="text_to_image", prompt=PROMPTS[0], outputs=2, seed=1),
        dict(base, name="t2i_unguided", task="text_to_image", prompt=PROMPTS[1], outputs=1, seed=2,
             guidance=0.0),
        dict(base, name="i2t", task="image_to_text", image=0, outputs=2, seed=3),
        dict(base, name="joint", task="joint", outputs=2, seed=4),
        dict(base, name="image_only", task="image_only", outputs=1, seed=5),
        dict(base, name="text_only", task="text_only", outputs=1, seed=6),
        dict(base, name="image_variation", task="image_variation", image=1, outputs=1, seed=7),
        dict(base, name="text_variation", task="text_variation", prompt=PROMPTS[1], outputs=1,
             seed=8),
        dict(base, name="group_clean", task="group", reference_mode="clean", outputs=1, seed=9,
             slots=[{"caption": PROMPTS[0], "image": 0}, {"caption": PROMPTS[1], "image": None},
                    {"caption": "", "image": None}]),
        dict(base, name="group_renoised", task="group", reference_mode="renoised", outputs=2,
             seed=10, slots=[{"caption": "", "image": 2}, {"caption": "", "image": None}]),
    ]


def make_goldens(p: ReferencePipeline, bundle: Path, bundle_ref: str, out: Path,
                 steps: int, name: Optional[str] = None) -> dict:
    """Computes everything and writes ``goldens.npz`` and ``goldens.json`` into ``out``."""
    gold = Goldens()
    images = shapes_images(p.image_size)
    doc = {"format": FORMAT, "version": 1, "name": name or out.name,
           "bundle": bundle_ref,
           "bundle_sha256": {f: sha256(bundle / f) for f in COMPONENT_FILES
                             if (bundle / f).exists()},
           "command": "models/make_goldens.py " + " ".join(sys.argv[1:]),
           "tolerances": {
               "components": COMPONENT_ATOL,
               "end_to_end": f"per case: {MARGIN} x the change of a {JITTER:g} relative jitter "
                             f"of the transformer outputs, at least {LATENT_ATOL_MIN:g} for "
                             f"latents and 1 level for images",
               "noise_order": "Java GuidedJointModel: initial state, then per evaluation per "
                              "active pass per slot image (latent, clip) then text"},
           "images_u8": gold.put("images_u8", images, "|u1")}
    doc["components"] = component_goldens(p, gold, images)
    doc["cases"] = [run_case(p, gold, c, images) for c in cases(steps)]
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / "goldens.npz", **gold.arrays)
    (out / "goldens.json").write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return doc


def main(argv=None) -> int:
    """Entry point."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--work", type=Path, required=True, help="finished training run directory")
    ap.add_argument("--bundle", type=Path, required=True, help="the bundle exported from --work")
    ap.add_argument("--out", type=Path, required=True, help="golden folder (files replaced)")
    ap.add_argument("--bundle-ref", default=None,
                    help="where the Java test finds the bundle: resource:<dir> or repo:<path>\n"
                         "(default resource:<name of --bundle>)")
    ap.add_argument("--steps", type=int, default=5, help="solver steps of the end-to-end runs")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    torch.set_num_threads(args.threads)
    ref = args.bundle_ref or f"resource:{args.bundle.resolve().name}"
    if not (ref.startswith("resource:") or ref.startswith("repo:")):
        ap.error(f"--bundle-ref must start with resource: or repo:, got {ref!r}")
    if not (args.bundle / "unidiff.json").is_file():
        ap.error(f"--bundle {args.bundle} has no unidiff.json")
    pipeline = ReferencePipeline.from_work(args.work, args.bundle)
    doc = make_goldens(pipeline, args.bundle, ref, args.out, args.steps)
    size = (args.out / "goldens.npz").stat().st_size
    LOG.info("wrote %s: %d cases, %.0f kB", args.out, len(doc["cases"]), size / 1e3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
