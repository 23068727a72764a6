# Generated from solutions/tests/stage_10/test_bpe_files.py by scripts/build_stages.py: a regression check from stage 10.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 10: saving and loading a BPE tokenizer as JSON."""

import json
import pickle

import pytest

from tinytorch.datasets import load_shakespeare
from tinytorch.text import BPETokenizer, TokenizerFileError

#: A bug in merge_pair can make encoding loop forever: fail after 20 s instead of hanging.
pytestmark = pytest.mark.timeout(20)

SAMPLE = "Good night, sweet prince, and flights of angels sing thee to thy rest! 😀 日本"


@pytest.fixture(scope="module")
def trained():
    text = load_shakespeare("train")[:5_000]
    return BPETokenizer().train(text, 256 + 80 + 1, special_tokens=["<|endoftext|>"])


@pytest.mark.points(3)
def test_save_load_round_trips_exactly(trained, tmp_path, monkeypatch):
    """A loaded tokenizer has the same merges, specials and ids, and saves to the same bytes."""
    monkeypatch.setattr(pickle, "dumps", None)  # JSON only: pickle is never used
    monkeypatch.setattr(pickle, "loads", None)
    path = tmp_path / "tokenizer.json"
    trained.save(path)
    json.loads(path.read_text(encoding="utf-8"))  # plain JSON
    loaded = BPETokenizer.load(path)
    assert loaded.merges == trained.merges
    assert loaded.special_tokens == trained.special_tokens == {"<|endoftext|>": 336}
    assert loaded.vocab == trained.vocab and loaded.vocab_size == 337
    text = SAMPLE + "<|endoftext|>" + load_shakespeare("val")[:2_000]
    ids = trained.encode(text, allowed_special="all")
    assert loaded.encode(text, allowed_special="all") == ids
    assert loaded.decode(ids) == text
    again = tmp_path / "again.json"
    loaded.save(again)
    assert again.read_bytes() == path.read_bytes()


@pytest.mark.points(1)
def test_untrained_tokenizer_round_trips(tmp_path):
    """A tokenizer with no merges saves and loads too, and still encodes bytes."""
    BPETokenizer().save(tmp_path / "bytes.json")
    loaded = BPETokenizer.load(tmp_path / "bytes.json")
    assert loaded.merges == [] and loaded.vocab_size == 256
    assert loaded.decode(loaded.encode(SAMPLE)) == SAMPLE


MALFORMED = {
    "truncated": ('{"format": "tinytorch.text.BPETokenizer", "merges": [[1,', "not valid JSON"),
    "a list": ("[1, 2]", "expected a JSON object, got list"),
    "no merges": ({"merges": None}, "missing the fields"),
    "other format": ({"format": "gpt2"}, "format is 'gpt2'"),
    "newer version": ({"version": 2}, "version 2 is not supported"),
    "other pattern": ({"pattern": r"\w+"}, "another pre-tokenization pattern"),
    "merge of a later id": ({"merges": [[97, 98], [256, 258]]}, r"merge 1 is \[256, 258\]"),
    "merge of three ids": ({"merges": [[97, 98, 99]]}, "merge 0 must be a pair"),
    "merge of floats": ({"merges": [[97.0, 98]]}, "merge 0 must be a pair of two integer ids"),
    "special id gap": ({"special_tokens": {"<s>": 300}}, r"must be 257 to 257.*got \[300\]"),
}


@pytest.mark.points(3, hint="load reads JSON and checks every field; decode must still work")
def test_malformed_files_get_a_clear_error(tmp_path):
    """Each malformed file raises TokenizerFileError naming the file and what is wrong."""
    good = tmp_path / "good.json"
    BPETokenizer([(97, 98)], {"<s>": 257}).save(good)
    assert BPETokenizer.load(good).decode([256, 257]) == "ab<s>"
    for content, message in MALFORMED.values():
        if isinstance(content, dict):
            data = json.loads(good.read_text(encoding="utf-8"))
            for key, value in content.items():
                if value is None:
                    del data[key]
                else:
                    data[key] = value
            content = json.dumps(data)
        bad = tmp_path / "bad tokenizer.json"
        bad.write_text(content, encoding="utf-8")
        with pytest.raises(TokenizerFileError, match=rf"bad tokenizer\.json: .*{message}"):
            BPETokenizer.load(bad)
    with pytest.raises(FileNotFoundError, match="no tokenizer file"):
        BPETokenizer.load(tmp_path / "absent.json")
