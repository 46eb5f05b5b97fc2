"""Word-level tokenizer for the shapes captions, written in the Hugging Face ``tokenizer.json`` format.

The same vocabulary serves the text encoder and the caption decoder. Python encoding here follows
the JSON's pipeline exactly (lowercase, non-alphanumerics to spaces, split on words, word-level
lookup, template, truncation, padding), so that what the model was trained on is what the
runtime's tokenizer produces.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable, List, Sequence

PAD, BOS, EOS, UNK = "[PAD]", "[BOS]", "[EOS]", "[UNK]"
SPECIALS = (PAD, BOS, EOS, UNK)
_NON_ALNUM = re.compile(r"[^a-z0-9]")
_WORD = re.compile(r"\w+")


class WordTokenizer:
    """Word-level vocabulary with ids 0..3 for [PAD], [BOS], [EOS], [UNK], then the words."""

    def __init__(self, words: Iterable[str]) -> None:
        vocab = {tok: i for i, tok in enumerate(SPECIALS)}
        for word in sorted(set(words)):
            if not word or _NON_ALNUM.search(word):
                raise ValueError(f"vocabulary word {word!r} must be lowercase letters/digits only")
            vocab.setdefault(word, len(vocab))
        self.vocab = vocab
        self.inverse = {i: tok for tok, i in vocab.items()}

    pad_id = 0
    bos_id = 1
    eos_id = 2
    unk_id = 3

    def __len__(self) -> int:
        return len(self.vocab)

    @staticmethod
    def words_of(text: str) -> List[str]:
        """Normalise and pre-tokenise like the JSON: lowercase, punctuation to spaces, split."""
        return _WORD.findall(_NON_ALNUM.sub(" ", text.lower()))

    def ids_of(self, text: str) -> List[int]:
        """Word ids of ``text`` without special tokens."""
        return [self.vocab.get(w, self.unk_id) for w in self.words_of(text)]

    def encode_padded(self, text: str, length: int) -> List[int]:
        """``[BOS] words [EOS]`` truncated to fit ``length`` and right-padded with [PAD]."""
        if length < 2:
            raise ValueError(f"length must leave room for [BOS] and [EOS], got {length}")
        ids = [self.bos_id] + self.ids_of(text)[:length - 2] + [self.eos_id]
        return ids + [self.pad_id] * (length - len(ids))

    def decode(self, ids: Sequence[int]) -> str:
        """Join the words of ``ids`` with spaces, skipping special tokens, stopping at [EOS]."""
        words = []
        for i in ids:
            if i == self.eos_id:
                break
            if i >= len(SPECIALS):
                words.append(self.inverse[int(i)])
        return " ".join(words)

    def to_json(self, max_length: int = 0) -> dict:
        """The Hugging Face ``tokenizer.json`` document.

        With ``max_length`` > 0 (text encoder) the template adds [BOS] and [EOS], truncates and
        pads to exactly ``max_length``, the framing the manifest's ``text.tokenizer`` declares
        (the runtime frames from the manifest itself). With 0 (caption decoder) there is no
        post-processing: the decoder has no start token and the file only maps ids to words.
        """
        def special(content: str, i: int) -> dict:
            return {"id": i, "content": content, "single_word": False, "lstrip": False,
                    "rstrip": False, "normalized": False, "special": True}

        def tok(name: str) -> dict:
            return {"SpecialToken": {"id": name, "type_id": 0}}

        seq_a = {"Sequence": {"id": "A", "type_id": 0}}
        seq_b = {"Sequence": {"id": "B", "type_id": 1}}
        if max_length > 0:
            single = [tok(BOS), seq_a, tok(EOS)]
            pair = [tok(BOS), seq_a, tok(EOS), seq_b, tok(EOS)]
            specials = (BOS, EOS)
            truncation = {"direction": "Right", "max_length": max_length,
                          "strategy": "LongestFirst", "stride": 0}
            padding = {"strategy": {"Fixed": max_length}, "direction": "Right",
                       "pad_to_multiple_of": None, "pad_id": self.pad_id, "pad_type_id": 0,
                       "pad_token": PAD}
            post = {"type": "TemplateProcessing", "single": single, "pair": pair,
                    "special_tokens": {t: {"id": t, "ids": [self.vocab[t]], "tokens": [t]}
                                       for t in specials}}
        else:
            truncation, padding, post = None, None, None
        return {
            "version": "1.0",
            "truncation": truncation,
            "padding": padding,
            "added_tokens": [special(t, self.vocab[t]) for t in SPECIALS],
            "normalizer": {"type": "Sequence", "normalizers": [
                {"type": "Lowercase"},
                {"type": "Replace", "pattern": {"Regex": "[^a-z0-9]"}, "content": " "}]},
            "pre_tokenizer": {"type": "Whitespace"},
            "post_processor": post,
            "decoder": None,
            "model": {"type": "WordLevel", "vocab": self.vocab, "unk_token": UNK},
        }

    def save(self, path: Path, max_length: int = 0) -> None:
        """Write ``to_json(max_length)`` to ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(max_length), indent=1) + "\n", encoding="utf-8")
