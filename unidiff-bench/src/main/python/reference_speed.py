#!/usr/bin/env python3
"""Times the speed benchmark's tasks on the Python reference pipeline (PyTorch, CPU).

Run by ``org.unidiff.bench.SpeedBenchmark``, which passes the same prompt, captioning image,
group captions, steps and guidance as its Java runs, so both sides do the same work. The
reference (``models/unidiff_models/reference``) loads the trained PyTorch checkpoints of a
training run directory, not the ONNX bundle.

Prints one JSON object on the last line of standard output:
``{"tasks": {"t2i-1": [seconds, ...], ...}, "threads": n, "torch": "2.x"}``; a task the
reference cannot run is listed under ``"unavailable"`` with the reason.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

TASKS = ("t2i-1", "t2i-8", "caption", "joint", "group-4")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", type=Path, required=True, help="the repository's models/ folder")
    p.add_argument("--work", type=Path, required=True, help="training run directory (*.pt)")
    p.add_argument("--bundle", type=Path, help="bundle exported from it (caption settings)")
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--guidance", type=float, required=True)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--threads", type=int, default=0, help="torch threads; 0 keeps torch's choice")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tasks", default=",".join(TASKS))
    p.add_argument("--prompt", required=True)
    p.add_argument("--group-captions", required=True, help="captions separated by '|'")
    p.add_argument("--caption-image", type=Path, required=True,
                   help="raw uint8 RGB bytes, H x W x 3, of the captioning input")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(args.models.resolve()))
    import torch
    from unidiff_models.reference.noise import RecordingStream
    from unidiff_models.reference.pipeline import ReferencePipeline

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    pipe = ReferencePipeline.from_work(args.work, args.bundle)
    size = pipe.image_size
    image = np.fromfile(args.caption_image, dtype=np.uint8).reshape(size, size, 3)
    captions = args.group_captions.split("|")
    steps, g = args.steps, args.guidance

    def streams(n, base):
        return [RecordingStream(base + i) for i in range(n)]

    runs = {
        "t2i-1": lambda s: pipe.text_to_image(args.prompt, streams(1, s), steps, g),
        "t2i-8": lambda s: pipe.text_to_image(args.prompt, streams(8, s), steps, g),
        "caption": lambda s: pipe.image_to_text(image, RecordingStream(s + 1000), streams(1, s),
                                                steps, g),
        "joint": lambda s: pipe.joint(streams(1, s), steps, g),
        "group-4": lambda s: pipe.group([(c, None) for c in captions], False, {}, streams(1, s),
                                        steps, g),
    }
    result = {"tasks": {}, "unavailable": {}, "threads": torch.get_num_threads(),
              "torch": torch.__version__}
    for task in [t.strip() for t in args.tasks.split(",") if t.strip()]:
        if task not in runs:
            result["unavailable"][task] = f"unknown task; known: {', '.join(TASKS)}"
            continue
        try:
            for i in range(args.warmup):
                runs[task](args.seed + i)
            times = []
            for i in range(args.repeats):
                start = time.perf_counter()
                runs[task](args.seed + i)
                times.append(time.perf_counter() - start)
            result["tasks"][task] = times
        except Exception as e:  # noqa: BLE001 - one failing task must not hide the others' times
            result["unavailable"][task] = f"{type(e).__name__}: {e}"
        print(f"reference: {task} done", file=sys.stderr, flush=True)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
