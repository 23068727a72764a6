# Generated from solutions/tests/stage_10/test_shakespeare.py by scripts/build_stages.py: graded in this stage.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 10: the shipped Shakespeare corpus."""

import gzip
import hashlib

import pytest

from tinytorch.datasets import DatasetFileError, Shakespeare, load_shakespeare, shakespeare
from tinytorch.datasets.shakespeare import SHAKESPEARE_PATH
from tinytorch.text import CharTokenizer


@pytest.mark.points(2)
def test_corpus_splits_and_its_characters():
    """train + val is the whole corpus, cut 90/10 at a line end; a CharTokenizer of it round-trips."""
    train, val, everything = Shakespeare("train"), Shakespeare("val"), Shakespeare("all")
    assert train.text + val.text == everything.text
    assert len(everything) > 1_000_000
    assert train.text.endswith("\n") and not val.text.startswith("\n\n\n")
    assert 0.9 <= len(train) / len(everything) < 0.9 + 1e-3
    assert everything.text.startswith("HAMLET") and "Exeunt" in val[-2000:]
    assert "gutenberg" not in everything.text.lower()
    tokenizer = CharTokenizer(everything.text)
    assert tokenizer.vocab_size == len(set(everything.text)) == 76
    ids = tokenizer.encode(val.text)
    assert len(ids) == len(val) and tokenizer.decode(ids) == val.text


@pytest.mark.points(1)
def test_corpus_file_is_checksum_verified(tmp_path):
    """A modified or missing corpus file is refused with a message naming the file."""
    assert CharTokenizer(load_shakespeare("val")).vocab_size > 60
    damaged = tmp_path / "shakespeare.txt.gz"
    data = bytearray(SHAKESPEARE_PATH.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(DatasetFileError, match=r"shakespeare\.txt\.gz is corrupt.*SHA-256"):
        load_shakespeare(path=damaged)
    with pytest.raises(FileNotFoundError, match=r"missing.*build_shakespeare\.py"):
        load_shakespeare(path=tmp_path / "absent.txt.gz")
    with pytest.raises(ValueError, match="split must be one of"):
        Shakespeare("test")


@pytest.mark.points(1)
def test_corpus_file_of_your_own_is_checked_too(tmp_path, monkeypatch):
    """A file with its own checksum loads if it is gzip UTF-8 text of sane size, else is refused."""

    def write(data):
        path = tmp_path / "mine.txt.gz"
        path.write_bytes(data)
        return path, hashlib.sha256(data).hexdigest()

    path, digest = write(gzip.compress(b"To be\nor not\n", mtime=0))
    text = load_shakespeare(path=path, sha256=digest)
    assert CharTokenizer(text).decode(CharTokenizer(text).encode(text)) == text
    path, digest = write(gzip.compress(b"x" * 5000, mtime=0)[:-12])
    with pytest.raises(DatasetFileError, match="truncated"):
        load_shakespeare(path=path, sha256=digest)
    path, digest = write(gzip.compress(b"\xff\xfe", mtime=0))
    with pytest.raises(DatasetFileError, match="not gzip-compressed UTF-8"):
        load_shakespeare(path=path, sha256=digest)
    monkeypatch.setattr(shakespeare, "MAX_TEXT_BYTES", 1000)
    path, digest = write(gzip.compress(b"x" * 1001, mtime=0))
    with pytest.raises(DatasetFileError, match="more than 1,000 bytes"):
        load_shakespeare(path=path, sha256=digest)
