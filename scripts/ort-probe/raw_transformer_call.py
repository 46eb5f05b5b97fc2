"""One guided transformer call (2 rows, G = 1) through the bare onnxruntime Python binding: the peer of
RawTransformerCall.java (same inputs' shapes, same session settings). Prints: python VERSION min p10 median (ms).

    python raw_transformer_call.py MODEL ROUNDS THREADS
"""
import sys
import time

import numpy as np
import onnxruntime as ort


def main() -> None:
    model, rounds, threads = sys.argv[1], max(10, min(100_000, int(sys.argv[2]))), int(sys.argv[3])
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if threads > 0:
        options.intra_op_num_threads = threads
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    feed = {"img": rng.standard_normal((2, 1, 4, 16, 16)).astype(np.float32),
            "clip_img": rng.standard_normal((2, 1, 1, 64)).astype(np.float32),
            "text": rng.standard_normal((2, 1, 16, 32)).astype(np.float32),
            "t_img": np.full((2, 1), 500, np.float32), "t_text": np.full((2, 1), 500, np.float32)}
    for _ in range(50):
        session.run(None, feed)
    ms = []
    for _ in range(rounds):
        start = time.perf_counter()
        session.run(None, feed)
        ms.append((time.perf_counter() - start) * 1e3)
    ms.sort()
    print(f"python {ort.__version__} {ms[0]:.3f} {ms[rounds // 10]:.3f} {ms[rounds // 2]:.3f}")


if __name__ == "__main__":
    main()
