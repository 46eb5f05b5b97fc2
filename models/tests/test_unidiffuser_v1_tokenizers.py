"""tokenizer.json documents written from vocab.json + merges.txt, and their error messages."""

import json

import pytest

from unidiffuser_v1.bpe_tokenizers import (TokenizerFilesError, byte_alphabet,
                                           clip_tokenizer_json, gpt2_tokenizer_json,
                                           read_merges, read_vocab)
from unidiffuser_v1.tiny import write_clip_tokenizer_folder, write_gpt2_tokenizer_folder


def test_byte_alphabet_is_a_bijection_with_visible_symbols():
    table = byte_alphabet()
    assert len(set(table)) == 256
    assert table[ord("a")] == "a" and table[ord("!")] == "!"
    assert table[ord(" ")] == "\u0120"  # GPT-2's "Ġ"
    assert table[0] == "\u0100" and table[ord("\n")] == "\u010a"
    assert all(not c.isspace() for c in table)


def test_clip_document(tmp_path):
    n = write_clip_tokenizer_folder(tmp_path)
    doc, ids = clip_tokenizer_json(tmp_path)
    vocab = json.loads((tmp_path / "vocab.json").read_text())
    assert ids == {"bos": n - 2, "eos": n - 1, "pad": n - 1, "vocab_size": n}
    model = doc["model"]
    assert model["type"] == "BPE" and model["end_of_word_suffix"] == "</w>"
    assert model["unk_token"] == "<|endoftext|>" and model["vocab"] == vocab
    merges = (tmp_path / "merges.txt").read_text().split("\n")
    assert merges[0].startswith("#version")
    assert model["merges"] == [m for m in merges[1:] if m]
    assert [t["id"] for t in doc["added_tokens"]] == [n - 2, n - 1]
    assert doc["post_processor"]["cls"] == ["<|startoftext|>", n - 2]
    assert [s["type"] for s in doc["normalizer"]["normalizers"]] == ["NFC", "Replace",
                                                                     "Lowercase"]


def test_gpt2_document_adds_eos_after_the_vocabulary(tmp_path):
    n = write_gpt2_tokenizer_folder(tmp_path)
    doc, ids = gpt2_tokenizer_json(tmp_path)
    assert ids == {"eos": n, "vocab_size": n + 1}
    added = {t["content"]: t["id"] for t in doc["added_tokens"]}
    assert added == {"<|endoftext|>": n - 1, "<|EOS|>": n}
    assert "<|EOS|>" not in doc["model"]["vocab"]
    # No start token: the caption decoder starts from its prefix.
    assert doc["post_processor"]["type"] == "ByteLevel"


def test_bad_files_are_refused_with_the_reason(tmp_path):
    (tmp_path / "vocab.json").write_text(json.dumps({"a": 0, "b": 2}))
    with pytest.raises(TokenizerFilesError, match="ids must be exactly 0..1"):
        read_vocab(tmp_path / "vocab.json")
    vocab = {"a": 0, "b": 1, "ab": 2}
    (tmp_path / "merges.txt").write_text("#version: 0.2\na b\nab c\n")
    with pytest.raises(TokenizerFilesError, match=r"merges.txt:3: merge 'ab c' uses 'c'"):
        read_merges(tmp_path / "merges.txt", vocab)
    (tmp_path / "merges.txt").write_text("a b c\n")
    with pytest.raises(TokenizerFilesError, match="expected two tokens"):
        read_merges(tmp_path / "merges.txt", vocab)


def test_clip_folder_without_its_special_tokens_is_refused(tmp_path):
    write_gpt2_tokenizer_folder(tmp_path)
    with pytest.raises(TokenizerFilesError, match="<\\|startoftext\\|>"):
        clip_tokenizer_json(tmp_path)


def test_gpt2_folder_that_already_has_eos_is_refused(tmp_path):
    n = write_gpt2_tokenizer_folder(tmp_path)
    vocab = json.loads((tmp_path / "vocab.json").read_text())
    vocab["<|EOS|>"] = n
    (tmp_path / "vocab.json").write_text(json.dumps(vocab))
    with pytest.raises(TokenizerFilesError, match="already holds"):
        gpt2_tokenizer_json(tmp_path)
