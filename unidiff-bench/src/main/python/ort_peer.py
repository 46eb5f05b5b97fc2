#!/usr/bin/env python3
"""The same-engine speed peer: a lean Python pipeline running a bundle's ONNX files in onnxruntime.

The Java library and this peer run the very same ONNX graphs in the same engine (ONNX Runtime,
CPU, all graph optimizations, the same intra-op threads), with the same plan, DPM-Solver, steps
and guidance; what differs is only the code around the engine. The plan, the guided joint model,
the solver, the schedule, the beam search and the noise streams are the reference's
framework-neutral numpy code (``models/unidiff_models/reference``); this file only feeds them
onnxruntime sessions instead of PyTorch modules.

It serves requests on standard input, one JSON object a line, and answers each with one JSON line
on standard output, so that ``org.unidiff.bench.SpeedBenchmark`` can alternate one Java run and
one Python run and both see the same machine:

* ``{"op": "info"}`` -> onnxruntime version, threads, transformer file;
* ``{"op": "run", "task": "t2i-1", "seed": 1}`` -> ``{"seconds": s, "calls": [s, ...],
  "rows": r}``: the whole task and each transformer call in it;
* ``{"op": "t2i", "prompt": p, "noise": [file, ...], "out": file}``: text to image replaying
  recorded noise (little-endian float64 files, one a sample), the 8-bit images written raw to
  ``out`` (N x H x W x 3) and the final image latents (float64, N x C x h x w) to
  ``out + ".latents"``: the check against the Java library;
* ``{"op": "quit"}``.

Errors are answered as ``{"error": "..."}`` and the peer keeps serving.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

TASKS = ("t2i-1", "t2i-8", "caption", "joint", "group-4")
LOGVAR_MIN, LOGVAR_MAX = -30.0, 20.0
_NON_ALNUM = re.compile(r"[^a-z0-9]")
_WORD = re.compile(r"\w+")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", type=Path, required=True, help="the repository's models/ folder")
    p.add_argument("--bundle", type=Path, required=True, help="the bundle folder (unidiff.json)")
    p.add_argument("--transformer", type=Path,
                   help="another transformer ONNX file to use instead of the bundle's")
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--guidance", type=float, required=True)
    p.add_argument("--threads", type=int, default=0,
                   help="intra-op threads; 0 keeps onnxruntime's choice (as the Java side does)")
    p.add_argument("--prompt", default="")
    p.add_argument("--group-captions", default="", help="captions separated by '|'")
    p.add_argument("--caption-image", type=Path,
                   help="raw uint8 RGB bytes, H x W x 3, of the captioning input")
    return p.parse_args(argv)


class Vocabulary:
    """The word-level tokenizer of a bundle's ``tokenizer.json`` (the pipeline the JSON states:
    lowercase, non-alphanumerics to spaces, words, lookup, [BOS] .. [EOS], right padding)."""

    def __init__(self, path: Path, manifest: dict) -> None:
        doc = json.loads(path.read_text(encoding="utf-8"))
        self.vocab: Dict[str, int] = dict(doc["model"]["vocab"])
        self.inverse = {i: w for w, i in self.vocab.items()}
        self.unk_id = self.vocab.get(doc["model"].get("unk_token", "[UNK]"), 3)
        tok = manifest["text"]["tokenizer"]
        self.pad_id, self.bos_id, self.eos_id = tok["pad_id"], tok["bos_id"], tok["eos_id"]
        self.length = int(manifest["text"]["tokens"])
        # Ids below this are special tokens, which decoding skips.
        self.first_word = 1 + max(self.pad_id, self.bos_id, self.eos_id, self.unk_id)

    def encode(self, prompt: str) -> np.ndarray:
        words = [self.vocab.get(w, self.unk_id) for w in _WORD.findall(_NON_ALNUM.sub(" ", prompt.lower()))]
        if len(words) > self.length - 2:
            raise ValueError(f"prompt {prompt!r} has {len(words)} tokens; at most {self.length - 2} fit")
        ids = [self.bos_id] + words + [self.eos_id]
        return np.array(ids + [self.pad_id] * (self.length - len(ids)), dtype=np.int64)

    def decode(self, ids: Sequence[int]) -> str:
        out = []
        for i in ids:
            if i == self.eos_id:
                break
            if i >= self.first_word:
                out.append(self.inverse[int(i)])
        return " ".join(out)


class OrtPipeline:
    """The library's tasks on onnxruntime sessions of one bundle."""

    def __init__(self, bundle: Path, threads: int, transformer: Optional[Path] = None) -> None:
        import onnxruntime as ort
        from unidiff_models.reference.joint import JointSizes
        from unidiff_models.reference.schedule import ContinuousVpSchedule

        self.bundle = Path(bundle)
        doc = json.loads((self.bundle / "unidiff.json").read_text(encoding="utf-8"))
        self.manifest = doc
        comps = doc["components"]
        opts = ort.SessionOptions()
        # The Java SessionFactory's settings: all graph optimizations, intra-op threads if set, and
        # idle pool threads that sleep instead of spinning (the Java side turns spinning off so the
        # pool does not steal cores between calls; left on here, the two sides would not compare).
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
        if threads > 0:
            opts.intra_op_num_threads = threads
        self.threads = threads

        def session(name: str, path: Optional[Path] = None):
            return ort.InferenceSession(str(path or self.bundle / comps[name]["path"]), opts,
                                        providers=["CPUExecutionProvider"])

        self.transformer_path = transformer or self.bundle / comps["transformer"]["path"]
        self.transformer = session("transformer", self.transformer_path)
        self.text_encoder = session("text_encoder")
        self.vae_decoder = session("vae_decoder")
        self.vae_encoder = session("vae_encoder")
        self.image_encoder = session("image_encoder")
        self.text_decoder = session("text_decoder")
        self.inputs = [i.name for i in self.transformer.get_inputs()]
        self.vocab = Vocabulary(self.bundle / "text_encoder" / "tokenizer.json", doc)
        lat, text = doc["latent"], doc["text"]
        self.sizes = JointSizes(lat["channels"], lat["height"], lat["width"], doc["clip_image"]["dim"],
                                text["tokens"], text["dim"])
        self.scaling_factor = float(lat["scaling_factor"])
        self.schedule = ContinuousVpSchedule.from_manifest(doc["schedule"])
        self.data_type = (doc.get("data_type") or {}).get("default")
        self.image_size = int(doc["image"]["height"])
        pre = doc["clip_image"]["preprocess"]
        self.clip_mean = np.array(pre["mean"], dtype=np.float64)
        self.clip_std = np.array(pre["std"], dtype=np.float64)
        cap = doc["caption"]
        self.beam_size, self.max_new_tokens, self.eos_id = cap["beam_size"], cap["max_new_tokens"], cap["eos_id"]
        self.calls: List[float] = []
        self.rows = 0

    # ------------------------------------------------------------------ components

    def net(self, img, clip, text, t_img, t_text, data_type=None):
        feeds = {"img": img, "clip_img": clip, "text": text, "t_img": t_img, "t_text": t_text}
        if data_type is not None and "data_type" in self.inputs:
            feeds["data_type"] = data_type
        start = time.perf_counter()
        out = self.transformer.run(None, feeds)
        self.calls.append(time.perf_counter() - start)
        self.rows = img.shape[0]
        return tuple(out)

    def prompt_latent(self, prompt: str) -> np.ndarray:
        ids = self.vocab.encode(prompt)[None]
        return self.text_encoder.run(None, {"input_ids": ids})[0][0].astype(np.float64).reshape(-1)

    def decode_images(self, latents: np.ndarray) -> np.ndarray:
        z = np.asarray(latents, dtype=np.float32) * np.float32(1.0 / self.scaling_factor)
        return self.vae_decoder.run(None, {"latent": z})[0]

    def encode_image(self, image: np.ndarray, stream) -> np.ndarray:
        """uint8 [H, W, 3] to the image stream's value: the sampled VAE latent, then CLIP."""
        v = image.astype(np.float32)[None].transpose(0, 3, 1, 2)
        pixels = (v / np.float32(255.0) * np.float32(2.0) - np.float32(1.0)).copy()
        moments = self.vae_encoder.run(None, {"image": pixels})[0][0].astype(np.float64)
        c = self.sizes.channels
        mean, logvar = moments[:c], np.clip(moments[c:], LOGVAR_MIN, LOGVAR_MAX)
        noise = stream.next(self.sizes.latent_size).reshape(mean.shape)
        latent = (self.scaling_factor * (mean + np.exp(0.5 * logvar) * noise)).astype(np.float32)
        unit = (image.astype(np.float32) / np.float32(255.0)).astype(np.float64)
        clip_in = ((unit - self.clip_mean) / self.clip_std).astype(np.float32)[None].transpose(0, 3, 1, 2).copy()
        clip = self.image_encoder.run(None, {"pixel_values": clip_in})[0][0]
        return np.concatenate([latent.reshape(-1), clip.reshape(-1)]).astype(np.float64)

    def caption(self, latent: np.ndarray) -> str:
        from unidiff_models.reference.beam import beam_search
        lat = np.asarray(latent, dtype=np.float32).reshape(1, self.sizes.text_tokens, self.sizes.text_dim)

        def next_logits(prefixes):
            k = len(prefixes[0])
            # k generated ids and one placeholder: position k holds the next token's logits.
            ids = np.array([list(p) + [self.eos_id] for p in prefixes], dtype=np.int64).reshape(-1, k + 1)
            logits = self.text_decoder.run(None, {"text_latent": np.repeat(lat, len(prefixes), axis=0),
                                                  "input_ids": ids})[0]
            return logits[:, k]

        best = beam_search(next_logits, self.beam_size, self.max_new_tokens, self.eos_id)[0]
        return self.vocab.decode(best.content)

    # ------------------------------------------------------------------ tasks

    def sample(self, plan, streams, steps: int, guidance: float, givens=None):
        from unidiff_models.reference.joint import GuidedJoint
        from unidiff_models.reference.solver import DpmSolverSinglestep
        model = GuidedJoint(plan, self.sizes, self.schedule, self.net, guidance, streams, givens,
                            data_type=self.data_type)
        end = DpmSolverSinglestep(self.schedule, steps).sample(model, model.initial_state())
        return model.split(end)

    def text_to_image(self, prompt: str, streams, steps: int, guidance: float, keep=None) -> np.ndarray:
        from unidiff_models.reference import plans
        from unidiff_models.reference.joint import LATENT
        latents = self.sample(plans.text_to_image(), streams, steps, guidance,
                              {(0, plans.TEXT): self.prompt_latent(prompt)})
        z = np.stack([s[0][LATENT] for s in latents])
        if keep is not None:
            keep.append(z)
        return self.decode_images(z)

    def image_to_text(self, image, image_stream, streams, steps: int, guidance: float) -> List[str]:
        from unidiff_models.reference import plans
        from unidiff_models.reference.joint import TEXT_PART
        cond = self.encode_image(image, image_stream)
        latents = self.sample(plans.image_to_text(), streams, steps, guidance, {(0, plans.IMAGE): cond})
        return [self.caption(s[0][TEXT_PART]) for s in latents]

    def joint(self, streams, steps: int, guidance: float):
        from unidiff_models.reference import plans
        from unidiff_models.reference.joint import LATENT, TEXT_PART
        latents = self.sample(plans.joint(), streams, steps, guidance)
        images = self.decode_images(np.stack([s[0][LATENT] for s in latents]))
        return images, [self.caption(s[0][TEXT_PART]) for s in latents]

    def group(self, captions: Sequence[str], streams, steps: int, guidance: float) -> np.ndarray:
        from unidiff_models.reference import plans
        from unidiff_models.reference.joint import LATENT
        givens = {(i, plans.TEXT): self.prompt_latent(c) for i, c in enumerate(captions)}
        plan = plans.group([(plans.Role.GENERATE, True)] * len(captions))
        latents = self.sample(plan, streams, steps, guidance, givens)
        return np.stack([self.decode_images(np.stack([s[g][LATENT] for s in latents]))
                         for g in range(len(captions))], axis=1)


def to_bytes(images: np.ndarray) -> np.ndarray:
    """[-1, 1] pixels [N, 3, H, W] to 8-bit [N, H, W, 3] as the Java side renders them: round half
    up, clamp."""
    v = (np.asarray(images, dtype=np.float64) + 1.0) * 127.5
    v = np.where(v > 0, v, 0.0)
    return np.minimum(255, np.floor(v + 0.5)).astype(np.uint8).transpose(0, 2, 3, 1)


def serve(args, out) -> int:
    sys.path.insert(0, str(args.models.resolve()))
    import onnxruntime as ort
    from unidiff_models.reference.noise import RecordingStream, ReplayStream

    pipe = OrtPipeline(args.bundle, args.threads, args.transformer)
    steps, g = args.steps, args.guidance
    image = None
    if args.caption_image is not None:
        image = np.fromfile(args.caption_image, dtype=np.uint8).reshape(pipe.image_size, pipe.image_size, 3)
    captions = [c for c in args.group_captions.split("|") if c]

    def streams(n, base):
        return [RecordingStream(base + i) for i in range(n)]

    runs = {
        "t2i-1": lambda s: pipe.text_to_image(args.prompt, streams(1, s), steps, g),
        "t2i-8": lambda s: pipe.text_to_image(args.prompt, streams(8, s), steps, g),
        "caption": lambda s: pipe.image_to_text(image, RecordingStream(s + 1000), streams(1, s), steps, g),
        "joint": lambda s: pipe.joint(streams(1, s), steps, g),
        "group-4": lambda s: pipe.group(captions, streams(1, s), steps, g),
    }

    def answer(obj):
        out.write(json.dumps(obj) + "\n")
        out.flush()

    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            op = req.get("op")
            if op == "quit":
                answer({"bye": True})
                return 0
            if op == "info":
                answer({"onnxruntime": ort.__version__, "threads": args.threads,
                        "transformer": str(pipe.transformer_path), "tasks": list(TASKS)})
            elif op == "run":
                task = req["task"]
                if task not in runs:
                    raise ValueError(f"unknown task {task!r}; known: {', '.join(TASKS)}")
                pipe.calls = []
                start = time.perf_counter()
                runs[task](int(req.get("seed", 1)))
                answer({"seconds": time.perf_counter() - start, "calls": pipe.calls, "rows": pipe.rows})
            elif op == "t2i":
                replays = [ReplayStream(np.fromfile(f, dtype="<f8"), f) for f in req["noise"]]
                kept = []
                images = pipe.text_to_image(req["prompt"], replays, int(req.get("steps", steps)),
                                            float(req.get("guidance", g)), kept)
                left = [r.remaining for r in replays]
                to_bytes(images).tofile(req["out"])
                kept[0].astype("<f8").tofile(req["out"] + ".latents")
                answer({"images": len(replays), "noise_left": left})
            else:
                raise ValueError(f"unknown op {op!r}")
        except Exception as e:  # noqa: BLE001 - a bad request is answered, the peer keeps serving
            answer({"error": f"{type(e).__name__}: {e}"})
    return 0


def main(argv=None) -> int:
    args = parse_args(argv)
    # Answers go to the real standard output; anything a library prints goes to standard error.
    out = sys.stdout
    sys.stdout = sys.stderr
    return serve(args, out)


if __name__ == "__main__":
    sys.exit(main())
