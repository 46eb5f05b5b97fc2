"""Writes the Java tests' copy of the tiny random UniDiffuser v1 bundle and its parity file.

    /usr/bin/python3 models/tests/make_tiny_v1_fixture.py

writes (replacing what is there):

- ``unidiff-runtime/src/test/resources/tiny-v1-bundle/`` and
  ``unidiff-api/src/test/resources/tiny-v1-bundle/``: the bundle of
  :func:`unidiffuser_v1.tiny.write_tiny_bundle` (fp32, components over 100 kB with external data);
- ``unidiff-runtime/src/test/resources/tiny-v1-parity.npz``: the exporter's parity arrays
  (``<component>.<tensor>``, batch 2, group 3) plus what this script adds:

  - ``transformer_mixed.*``: the same inputs with ``data_type`` [0, 1], so a runtime that drops or
    broadcasts data_type fails;
  - ``transformer_g1.*``: slot 0 of each row alone (G = 1), data_type [0, 0];
  - ``clip_tokenizer.prompts`` (unicode) and ``clip_tokenizer.ids`` [P, L]: the framed ids of an
    independent CLIP tokenizer written below from ``vocab.json``/``merges.txt`` (the reference's
    algorithm: clean, lowercase, CLIP's word split, byte-level BPE with ``</w>``, then
    ``<|startoftext|>`` tokens ``<|endoftext|>`` padded with ``<|endoftext|>``);
  - ``gpt2_tokenizer.ids`` [P, K] and ``gpt2_tokenizer.texts``: caption-decoder ids and the text
    the byte-level decoding of them gives.

The export is deterministic (fixed seeds, one thread): running this twice writes identical bytes.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "models"))

from unidiffuser_v1.bpe_tokenizers import byte_alphabet  # noqa: E402
from unidiffuser_v1.exporter import OUTPUTS, load_networks, onnx_modules  # noqa: E402
from unidiffuser_v1.tiny import write_tiny_bundle, write_tiny_sources  # noqa: E402

RUNTIME_RES = ROOT / "unidiff-runtime" / "src" / "test" / "resources"
API_RES = ROOT / "unidiff-api" / "src" / "test" / "resources"

# In-vocabulary words, case and spacing to fold, punctuation, digits, an unknown word spelled in
# bytes, and one prompt longer than the 6 content tokens the 8-token context leaves.
PROMPTS = ["a photo of the cat", "A  RED\tdog, with hat!", "zebra 42", "",
           "the blue cat on the table with a red hat"]
SPECIALS = ("<|startoftext|>", "<|endoftext|>")
CONTRACTIONS = ("'s", "'t", "'re", "'ve", "'m", "'ll", "'d")


def _vocab_and_ranks(folder: Path):
    vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    lines = (folder / "merges.txt").read_text(encoding="utf-8").split("\n")[1:]
    ranks = {tuple(m.split(" ")): i for i, m in enumerate(m for m in lines if m)}
    return vocab, ranks


def _kind(c: str) -> str:
    if c.isspace():
        return "space"
    return {"L": "letter", "N": "number"}.get(unicodedata.category(c)[0], "other")


def clip_words(text: str) -> list:
    """CLIP's word split, scanned by hand (Debian's Python has no ``regex`` for ``\\p{L}``):
    at each position the first of special token, contraction, letter run, single digit or run
    of other non-space characters that matches."""
    words, i = [], 0
    while i < len(text):
        fixed = next((w for w in SPECIALS + CONTRACTIONS if text.startswith(w, i)), None)
        kind = _kind(text[i])
        if fixed is not None:
            j = i + len(fixed)
        elif kind == "space":
            i += 1
            continue
        elif kind == "number":
            j = i + 1
        else:
            j = i + 1
            while j < len(text) and _kind(text[j]) == kind:
                j += 1
        words.append(text[i:j])
        i = j
    return words


def _bpe(word: tuple, ranks: dict) -> tuple:
    """Merge the lowest-ranked adjacent pair everywhere until no pair is a merge."""
    while len(word) > 1:
        pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
        best = min(pairs, key=lambda p: ranks.get(p, float("inf")))
        if best not in ranks:
            break
        merged, i = [], 0
        while i < len(word):
            if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                merged.append(word[i] + word[i + 1])
                i += 2
            else:
                merged.append(word[i])
                i += 1
        word = tuple(merged)
    return word


def clip_framed_ids(prompt: str, folder: Path, length: int) -> list:
    vocab, ranks = _vocab_and_ranks(folder)
    table = byte_alphabet()
    text = " ".join(unicodedata.normalize("NFC", prompt).split()).lower()
    ids = []
    for piece in clip_words(text):
        chars = tuple(table[b] for b in piece.encode("utf-8"))
        word = chars[:-1] + (chars[-1] + "</w>",)
        ids += [vocab[t] for t in _bpe(word, ranks)]
    bos, eos = vocab["<|startoftext|>"], vocab["<|endoftext|>"]
    framed = [bos] + ids[:length - 2] + [eos]
    return framed + [eos] * (length - len(framed))


def gpt2_cases(folder: Path):
    vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    inverse = {i: t for t, i in vocab.items()}
    unbyte = {c: b for b, c in enumerate(byte_alphabet())}
    space = byte_alphabet()[ord(" ")]
    words = [["a", space + "photo", space + "of", space + "the", space + "cat"],
             [space + "red", space + "dog", space + "on", "!", space, "table"]]
    ids = [[vocab[t] for t in w] for w in words]
    texts = [bytes(unbyte[c] for i in row for c in inverse[i]).decode("utf-8") for row in ids]
    width = max(len(r) for r in ids)
    eot = vocab["<|endoftext|>"]
    # Shorter rows end in <|endoftext|>, which decoding without special tokens leaves out.
    return np.array([r + [eot] * (width - len(r)) for r in ids], dtype=np.int64), texts


def main() -> int:
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_tiny_bundle(tmp / "bundle", tmp / "parity.npz", tmp / "sources",
                          external_threshold=100_000)
        arrays = dict(np.load(tmp / "parity.npz"))
        # Same seed, same files: these are the networks the bundle was exported from.
        src, arch = write_tiny_sources(tmp / "sources2", seed=0)
        transformer = onnx_modules(load_networks(src, arch))["transformer"]
        names = ("img", "clip_img", "text", "t_img", "t_text", "data_type")
        feed = {n: torch.from_numpy(arrays[f"transformer.{n}"]) for n in names}
        cases = {"transformer_mixed": dict(feed, data_type=torch.tensor([0, 1])),
                 "transformer_g1": {n: (v if n == "data_type" else v[:, :1].contiguous())
                                    for n, v in dict(feed, data_type=torch.tensor([0, 0])).items()}}
        with torch.no_grad():
            for key, inputs in cases.items():
                out = transformer(*inputs.values())
                for name, value in list(inputs.items()) + list(zip(OUTPUTS["transformer"], out)):
                    arrays[f"{key}.{name}"] = value.numpy()
        length = arch.uvit.text_tokens
        arrays["clip_tokenizer.prompts"] = np.array(PROMPTS)
        arrays["clip_tokenizer.ids"] = np.array(
            [clip_framed_ids(p, src.clip_text, length) for p in PROMPTS], dtype=np.int64)
        gpt_ids, gpt_texts = gpt2_cases(src.gpt2)
        arrays["gpt2_tokenizer.ids"] = gpt_ids
        arrays["gpt2_tokenizer.texts"] = np.array(gpt_texts)

        for res in (RUNTIME_RES, API_RES):
            target = res / "tiny-v1-bundle"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(tmp / "bundle", target)
        np.savez(RUNTIME_RES / "tiny-v1-parity.npz", **arrays)
    print("wrote", RUNTIME_RES / "tiny-v1-bundle", API_RES / "tiny-v1-bundle",
          RUNTIME_RES / "tiny-v1-parity.npz")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
