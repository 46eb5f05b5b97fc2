"""Hugging Face ``tokenizer.json`` files for the CLIP and GPT-2 byte-level BPE tokenizers.

Both are written from the ``vocab.json`` and ``merges.txt`` of a Hugging Face model folder, so
the bundle's tokenizers are exactly the published vocabularies; only the framing differs:

- CLIP (text encoder): NFC, whitespace runs to one space, lowercase; CLIP's word split; byte
  level BPE with the ``</w>`` end-of-word suffix; ``<|startoftext|>`` 49406 and
  ``<|endoftext|>`` 49407 (also padding).
- GPT-2 (caption decoder): byte-level BPE as published plus the added ``<|EOS|>`` (50257),
  UniDiffuser's end of caption. There is no start token (the decoder starts from the prefix).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List, Tuple

CLIP_BOS = "<|startoftext|>"
CLIP_EOS = "<|endoftext|>"
GPT2_EOT = "<|endoftext|>"
CAPTION_EOS = "<|EOS|>"

# CLIP's pre-tokenisation: its special tokens, English contractions, letter runs, single
# digits, and runs of other non-space characters.
_CLIP_SPLIT = (r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]"
               r"|[^\s\p{L}\p{N}]+")


class TokenizerFilesError(ValueError):
    """vocab.json / merges.txt are missing or inconsistent."""


def byte_alphabet() -> List[str]:
    """The 256 characters byte-level BPE uses for bytes 0..255, in byte order.

    Printable Latin-1 bytes stand for themselves; the others are shifted to code points from
    256 on, in byte order, so that every byte has a visible, non-space symbol.
    """
    printable = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
                 + list(range(ord("®"), ord("ÿ") + 1)))
    table, extra = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return [table[b] for b in range(256)]


def read_vocab(path: Path) -> Dict[str, int]:
    """``vocab.json``: token -> id, ids required to be exactly 0..n-1."""
    path = Path(path)
    if not path.is_file():
        raise TokenizerFilesError(f"vocabulary {path} does not exist")
    vocab = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(vocab, dict) or not vocab:
        raise TokenizerFilesError(f"{path}: expected a non-empty JSON object token -> id")
    ids = sorted(vocab.values())
    if ids != list(range(len(ids))):
        raise TokenizerFilesError(f"{path}: ids must be exactly 0..{len(ids) - 1} without gaps "
                                  f"or repeats")
    return vocab


def read_merges(path: Path, vocab: Dict[str, int]) -> List[str]:
    """``merges.txt`` as "a b" strings in priority order; the ``#version`` header is skipped.

    Every merge's parts and result must be in the vocabulary, else the two files belong to
    different tokenizers.
    """
    path = Path(path)
    if not path.is_file():
        raise TokenizerFilesError(f"merges {path} does not exist")
    merges = []
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if not line.strip() or (number == 1 and line.startswith("#version")):
            continue
        parts = line.split(" ")
        if len(parts) != 2:
            raise TokenizerFilesError(f"{path}:{number}: expected two tokens separated by one "
                                      f"space, got {line!r}")
        left, right = parts
        for token in (left, right, left + right):
            if token not in vocab:
                raise TokenizerFilesError(f"{path}:{number}: merge {line!r} uses {token!r}, "
                                          f"which is not in the vocabulary")
        merges.append(line)
    if not merges:
        raise TokenizerFilesError(f"{path}: no merges")
    return merges


def _added(token: str, token_id: int, normalized: bool) -> dict:
    return {"id": token_id, "content": token, "single_word": False, "lstrip": False,
            "rstrip": False, "normalized": normalized, "special": True}


def _bpe_model(vocab: Dict[str, int], merges: List[str], unk, suffix: str) -> dict:
    return {"type": "BPE", "dropout": None, "unk_token": unk, "continuing_subword_prefix": "",
            "end_of_word_suffix": suffix, "fuse_unk": False, "byte_fallback": False,
            "vocab": vocab, "merges": merges}


def _require(vocab: Dict[str, int], token: str, source: str) -> int:
    if token not in vocab:
        raise TokenizerFilesError(f"{source}: special token {token!r} missing from the vocabulary")
    return vocab[token]


def clip_tokenizer_json(folder: Path) -> Tuple[dict, Dict[str, int]]:
    """The CLIP tokenizer document for a Hugging Face CLIP folder, and its special ids.

    Returns ``(document, {"bos": id, "eos": id, "pad": id, "vocab_size": n})``.
    """
    folder = Path(folder)
    vocab = read_vocab(folder / "vocab.json")
    merges = read_merges(folder / "merges.txt", vocab)
    bos = _require(vocab, CLIP_BOS, str(folder / "vocab.json"))
    eos = _require(vocab, CLIP_EOS, str(folder / "vocab.json"))
    doc = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [_added(CLIP_BOS, bos, True), _added(CLIP_EOS, eos, True)],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFC"},
            {"type": "Replace", "pattern": {"Regex": r"\s+"}, "content": " "},
            {"type": "Lowercase"}]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": _CLIP_SPLIT}, "behavior": "Removed",
             "invert": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
             "use_regex": False}]},
        "post_processor": {"type": "RobertaProcessing", "sep": [CLIP_EOS, eos],
                           "cls": [CLIP_BOS, bos], "trim_offsets": False,
                           "add_prefix_space": False},
        # "</w>" ends a word: it becomes the byte-level symbol of a space, then bytes are
        # restored and the trailing space dropped.
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "</w>"}, "content": byte_alphabet()[32]},
            {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True,
             "use_regex": True},
            {"type": "Strip", "content": " ", "start": 0, "stop": 1}]},
        "model": _bpe_model(vocab, merges, CLIP_EOS, "</w>"),
    }
    return doc, {"bos": bos, "eos": eos, "pad": eos, "vocab_size": len(vocab)}


def gpt2_tokenizer_json(folder: Path) -> Tuple[dict, Dict[str, int]]:
    """The caption decoder's tokenizer document for a Hugging Face GPT-2 folder.

    ``<|EOS|>`` is added with the next free id (50257 for GPT-2). Returns
    ``(document, {"eos": id, "vocab_size": n})`` where ``vocab_size`` counts the added token.
    """
    folder = Path(folder)
    vocab = read_vocab(folder / "vocab.json")
    merges = read_merges(folder / "merges.txt", vocab)
    eot = _require(vocab, GPT2_EOT, str(folder / "vocab.json"))
    if CAPTION_EOS in vocab:
        raise TokenizerFilesError(f"{folder / 'vocab.json'} already holds {CAPTION_EOS!r}; "
                                  f"expected GPT-2's own vocabulary, to which it is added")
    eos = len(vocab)
    doc = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [_added(GPT2_EOT, eot, True), _added(CAPTION_EOS, eos, False)],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                          "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False,
                           "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True,
                    "use_regex": True},
        "model": _bpe_model(vocab, merges, None, ""),
    }
    return doc, {"eos": eos, "vocab_size": eos + 1}


def write_json(doc: dict, path: Path) -> None:
    """Write a tokenizer document (UTF-8, non-ASCII kept as is, as Hugging Face does)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
