"""BPETokenizer: byte-level byte-pair encoding, the tokenizer of GPT-2 and its successors.

A character vocabulary is small but makes sequences long, and it cannot spell a character it
never saw. Byte-level BPE fixes both. It starts from the 256 possible bytes, so any text at all
can be encoded (as its UTF-8 bytes), and then *learns* new tokens: training repeatedly merges
the most frequent adjacent pair of tokens in a corpus into a new token, so " the", "ing" and
" Hamlet" end up as single tokens and ordinary text needs far fewer ids than it has bytes.

The vocabulary is laid out as

- ids ``0 .. 255``: the single bytes;
- ids ``256 .. 256 + len(merges) - 1``: merge ``k`` creates token ``256 + k`` from a pair of
  earlier tokens, and its bytes are theirs, concatenated;
- then one id per special token (such as ``"<|endoftext|>"``), which never comes from text
  unless asked for: a special token marks structure (the end of a document), it is not text.

**Encoding** pre-tokenizes the text (see :mod:`tinytorch.text.pretokenize`), turns each chunk
into its bytes and applies the merges *in the order they were learned*: while some adjacent pair
of the chunk has a merge, merge the pair with the lowest rank. This replays training exactly, so
the training text comes out as training left it.

**Decoding** concatenates the tokens' bytes and decodes the whole byte string as UTF-8 once. A
token may hold half of a character ("é" is two bytes, which BPE may keep apart), so decoding
token by token would break characters; ids that do not form valid UTF-8 at all (a model can
generate any sequence) decode with the replacement character U+FFFD, as
``bytes.decode(errors="replace")`` does.

**Special tokens** follow tiktoken's rules: ``encode(text)`` refuses text that contains a
special token's string, because text from a user that spells ``"<|endoftext|>"`` must not be
able to end a document; ``encode(text, allowed_special={"<|endoftext|>"})`` (or ``"all"``)
encodes those strings as their special ids, and ``encode_ordinary(text)`` encodes everything as
plain text. Training never learns merges across or inside special tokens.

**Files** are JSON (never pickle, which would run code from the file when loading): the
merges, the special tokens and the pre-tokenization pattern, checked on load.
"""

from __future__ import annotations

import json
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from pathlib import Path

from tinytorch.text.ids import as_token_ids
from tinytorch.text.pairs import Pair, merge_pair
from tinytorch.text.pretokenize import GPT2_SPLIT_PATTERN, pretokenize
from tinytorch.text.trainer import FIRST_MERGE_ID, learn_merges

#: What ``save`` writes in the file's "format" field, and ``load`` expects.
FILE_FORMAT = "tinytorch.text.BPETokenizer"
FILE_VERSION = 1


class TokenizerFileError(ValueError):
    """A tokenizer file is not valid JSON or does not describe a tokenizer."""


class BPETokenizer:
    """A byte-level BPE tokenizer with GPT-2's pre-tokenization.

    Args:
        merges: learned merges, in order (merge ``k`` makes token ``256 + k``); none gives a
            plain byte tokenizer with 256 ids. Usually you call :meth:`train` or :meth:`load`.
        special_tokens: ``{string: id}``; the ids must follow the merges: ``256 + len(merges)``,
            ``+ 1``, ...

    Example::

        >>> tok = BPETokenizer().train(corpus, vocab_size=512, special_tokens=["<|endoftext|>"])
        >>> ids = tok.encode("To be, or not to be")
        >>> tok.decode(ids)
        'To be, or not to be'
    """

    def __init__(
        self, merges: Iterable[Pair] = (), special_tokens: Mapping[str, int] | None = None
    ) -> None:
        self._set(list(merges), dict(special_tokens or {}))

    # ------------------------------------------------------------------ the vocabulary

    @property
    def merges(self) -> list[Pair]:
        """The learned merges in order: ``merges[k]`` is the pair that became ``256 + k``."""
        return list(self._merges)

    @property
    def special_tokens(self) -> dict[str, int]:
        """``{string: id}`` of the special tokens."""
        return dict(self._special)

    @property
    def vocab_size(self) -> int:
        """The number of ids: 256 bytes, one per merge, one per special token."""
        return len(self._vocab)

    @property
    def vocab(self) -> dict[int, bytes]:
        """``{id: bytes}`` of every token (a special token's bytes are its UTF-8 string)."""
        return dict(self._vocab)

    def _set(self, merges: list[Pair], special: dict[str, int]) -> None:
        """Install merges and special tokens after checking them (ValueError if they are bad)."""
        problem = _merge_problem(merges) or _special_problem(special, len(merges))
        if problem:
            raise ValueError(problem)
        self._merges = [(int(a), int(b)) for a, b in merges]
        self._special = dict(special)
        self._ranks = {pair: rank for rank, pair in enumerate(self._merges)}
        self._cache: dict[bytes, list[int]] = {}
        self._vocab: dict[int, bytes] = {i: bytes([i]) for i in range(FIRST_MERGE_ID)}
        for k, (a, b) in enumerate(self._merges):
            self._vocab[FIRST_MERGE_ID + k] = self._vocab[a] + self._vocab[b]
        for token, token_id in self._special.items():
            self._vocab[token_id] = token.encode("utf-8")

    # ------------------------------------------------------------------ training

    def train(
        self, text: str, vocab_size: int, *, special_tokens: Sequence[str] = ()
    ) -> BPETokenizer:
        """Learn merges from ``text`` until the vocabulary has ``vocab_size`` ids.

        Args:
            text: the training corpus.
            vocab_size: the size of the final vocabulary: 256 bytes, then
                ``vocab_size - 256 - len(special_tokens)`` merges, then the special tokens.
            special_tokens: strings that get their own ids after the merges (in this order).
                Their occurrences in ``text`` are cut out before training, so no merge is
                learned across or inside them.

        Returns:
            ``self``, trained (any earlier merges are replaced).

        When no pair of tokens occurs twice any more the corpus has nothing left to teach:
        training stops early with a warning, and ``vocab_size`` comes out smaller than asked.
        Ties between equally frequent pairs go to the smallest pair of ids (see
        :mod:`tinytorch.text.trainer`), so training is deterministic.

        Raises:
            ValueError: ``vocab_size`` leaves no room for the 256 bytes and the special tokens,
                the special tokens are empty or repeated, or ``text`` cannot be UTF-8 encoded.
        """
        _check_encodable(text)
        special_tokens = list(special_tokens)
        if len(set(special_tokens)) != len(special_tokens) or not all(
            isinstance(token, str) and token for token in special_tokens
        ):
            raise ValueError(
                f"special_tokens must be distinct non-empty strings, got {special_tokens!r}"
            )
        smallest = FIRST_MERGE_ID + len(special_tokens)
        if not isinstance(vocab_size, int) or vocab_size < smallest:
            raise ValueError(
                f"vocab_size must be an int >= {smallest} (256 bytes + "
                f"{len(special_tokens)} special tokens), got {vocab_size!r}"
            )
        num_merges = vocab_size - smallest
        pieces = _split_on(text, special_tokens)[::2] if special_tokens else [text]
        word_counts = Counter(
            chunk.encode("utf-8") for piece in pieces for chunk in pretokenize(piece)
        )
        merges = learn_merges(word_counts, num_merges)
        if len(merges) < num_merges:
            warnings.warn(
                f"BPE training stopped after {len(merges)} of {num_merges} merges: no pair of "
                f"adjacent tokens occurs more than once in the training text any more, so "
                f"vocab_size is {smallest + len(merges)} instead of {vocab_size}. Train on "
                "more text, or ask for a smaller vocab_size.",
                stacklevel=2,
            )
        first_special = FIRST_MERGE_ID + len(merges)
        self._set(merges, {token: first_special + i for i, token in enumerate(special_tokens)})
        return self

    # ------------------------------------------------------------------ encoding

    def encode(self, text: str, allowed_special: str | Iterable[str] = frozenset()) -> list[int]:
        """The token ids of ``text``.

        Args:
            text: any string UTF-8 can encode.
            allowed_special: the special tokens that may appear in ``text`` and are encoded
                as their special ids: ``"all"``, or a set of their strings (default: none).

        Raises:
            ValueError: ``text`` contains a special token that is not allowed (use
                ``allowed_special``, or :meth:`encode_ordinary` to encode it as plain text),
                ``allowed_special`` names an unknown special token, or ``text`` holds a lone
                surrogate, which has no UTF-8 encoding.
        """
        _check_encodable(text)
        if allowed_special == "all":
            allowed = set(self._special)
        elif isinstance(allowed_special, str):
            raise ValueError(
                f"allowed_special must be 'all' or a set of special tokens, got "
                f"{allowed_special!r} (write {{{allowed_special!r}}} for that one token)"
            )
        else:
            allowed = set(allowed_special)
            unknown = allowed - set(self._special)
            if unknown:
                raise ValueError(
                    f"allowed_special names {sorted(unknown)}, which are not special tokens of "
                    f"this tokenizer (it has {sorted(self._special)})"
                )
        disallowed = [token for token in self._special if token not in allowed and token in text]
        if disallowed:
            raise ValueError(
                f"the text contains the special token {disallowed[0]!r}, which is not allowed: "
                f"pass allowed_special={{{disallowed[0]!r}}} (or 'all') to encode it as its "
                "special id, or use encode_ordinary(text) to encode it as plain text"
            )
        if not allowed:
            return self._encode_text(text)
        ids: list[int] = []
        pieces = _split_on(text, sorted(allowed))
        for i, piece in enumerate(pieces):
            if i % 2:
                ids.append(self._special[piece])
            else:
                ids.extend(self._encode_text(piece))
        return ids

    def encode_ordinary(self, text: str) -> list[int]:
        """The token ids of ``text``, every character of it plain text (no special tokens)."""
        _check_encodable(text)
        return self._encode_text(text)

    def _encode_text(self, text: str) -> list[int]:
        """The ids of checked plain text, chunk by chunk. Chunks repeat a lot in real text
        (" the" thousands of times), so each distinct chunk is encoded once and cached."""
        ids: list[int] = []
        for chunk in pretokenize(text):
            data = chunk.encode("utf-8")
            chunk_ids = self._cache.get(data)
            if chunk_ids is None:
                chunk_ids = self._cache[data] = self._encode_chunk(data)
            ids.extend(chunk_ids)
        return ids

    def _encode_chunk(self, data: bytes) -> list[int]:
        """The ids of one pre-tokenized chunk: its bytes, merged in the order of the merges."""
        ids = list(data)
        while len(ids) >= 2:
            pair = min(pairwise(ids), key=lambda p: self._ranks.get(p, float("inf")))
            rank = self._ranks.get(pair)
            if rank is None:
                break
            ids = merge_pair(ids, pair, FIRST_MERGE_ID + rank)
        return ids

    def encode_batch(
        self, texts: Iterable[str], allowed_special: str | Iterable[str] = frozenset()
    ) -> list[list[int]]:
        """``[encode(text, allowed_special) for text in texts]``."""
        if isinstance(texts, str):
            raise TypeError("encode_batch takes a list of strings; use encode for one string")
        return [self.encode(text, allowed_special) for text in texts]

    # ------------------------------------------------------------------ decoding

    def decode(self, ids) -> str:
        """The text of ``ids``: their bytes joined, then decoded as UTF-8 with replacement.

        Args:
            ids: a list of ints, or a 1-D integer array or Tensor.

        Raises:
            ValueError: an id is not in the vocabulary.
        """
        ids = as_token_ids(ids)
        try:
            data = b"".join(self._vocab[token] for token in ids)
        except KeyError as error:
            raise ValueError(
                f"id {error.args[0]} is not in the vocabulary: ids go from 0 to "
                f"{self.vocab_size - 1}"
            ) from None
        return data.decode("utf-8", errors="replace")

    # ------------------------------------------------------------------ files

    def save(self, path: str | Path) -> None:
        """Write the tokenizer to ``path`` as JSON (UTF-8): format, version, pre-tokenization
        pattern, special tokens and merges (one ``[a, b]`` per line)."""
        header = {
            "format": FILE_FORMAT,
            "version": FILE_VERSION,
            "pattern": GPT2_SPLIT_PATTERN,
            "special_tokens": self._special,
        }
        fields = [f"{json.dumps(key)}: {json.dumps(value)}" for key, value in header.items()]
        merges = ",\n  ".join(json.dumps(list(pair)) for pair in self._merges)
        fields.append(f'"merges": [\n  {merges}\n ]' if merges else '"merges": []')
        Path(path).write_text("{\n " + ",\n ".join(fields) + "\n}\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> BPETokenizer:
        """The tokenizer saved at ``path`` by :meth:`save`.

        Raises:
            FileNotFoundError: there is no file at ``path``.
            TokenizerFileError: the file is not JSON, or not a tokenizer this version can read
                (the message names the file and what is wrong).
        """
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no tokenizer file at {path}")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as error:
            raise TokenizerFileError(f"{path}: not UTF-8 text ({error})") from None
        except json.JSONDecodeError as error:
            raise TokenizerFileError(
                f"{path}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
            ) from None
        problem = _file_problem(data)
        if problem:
            raise TokenizerFileError(f"{path}: {problem}")
        merges = [(a, b) for a, b in data["merges"]]
        return cls(merges, data["special_tokens"])

    def __repr__(self) -> str:
        return (
            f"BPETokenizer(vocab_size={self.vocab_size}, merges={len(self._merges)}, "
            f"special_tokens={sorted(self._special)})"
        )


# ---------------------------------------------------------------------- checks and helpers


def _check_encodable(text: str) -> None:
    """Refuse what is not a str, or a str with a lone surrogate (no UTF-8 bytes exist for it)."""
    if not isinstance(text, str):
        raise TypeError(f"expected a str, got {type(text).__name__}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        code = ord(text[error.start])
        raise ValueError(
            f"cannot encode the text: position {error.start} holds U+{code:04X}, a lone "
            "surrogate, which is not a character and has no UTF-8 encoding (it usually comes "
            "from a half-decoded UTF-16 string or from surrogateescape)"
        ) from None


def _split_on(text: str, tokens: Sequence[str]) -> list[str]:
    """``text`` cut around occurrences of ``tokens``: [text, token, text, token, ..., text].

    Longer tokens are tried first, so one special token that contains another wins.
    """
    alternatives = "|".join(re.escape(token) for token in sorted(tokens, key=len, reverse=True))
    return re.split(f"({alternatives})", text)


def _merge_problem(merges: list) -> str | None:
    """What is wrong with a list of merges, or None: each must be two ids that exist already."""
    for k, pair in enumerate(merges):
        ok = (
            isinstance(pair, (list, tuple))
            and len(pair) == 2
            and all(isinstance(i, int) and not isinstance(i, bool) for i in pair)
        )
        if not ok:
            return f"merge {k} must be a pair of two integer ids, got {pair!r}"
        if not all(0 <= i < FIRST_MERGE_ID + k for i in pair):
            return (
                f"merge {k} is {list(pair)}, but merge {k} can only combine ids 0 to "
                f"{FIRST_MERGE_ID + k - 1} (the bytes and the tokens of earlier merges)"
            )
    return None


def _special_problem(special: dict, num_merges: int) -> str | None:
    """What is wrong with ``{string: id}`` special tokens, or None: ids must follow the merges."""
    first = FIRST_MERGE_ID + num_merges
    expected = set(range(first, first + len(special)))
    for token, token_id in special.items():
        if not isinstance(token, str) or not token:
            return f"special tokens must be non-empty strings, got {token!r}"
        if not isinstance(token_id, int) or isinstance(token_id, bool):
            return f"the id of special token {token!r} must be an integer, got {token_id!r}"
        try:
            token.encode("utf-8")
        except UnicodeEncodeError:
            return f"special token {token!r} cannot be UTF-8 encoded"
    if set(special.values()) != expected:
        return (
            f"the special tokens' ids must be {first} to {first + len(special) - 1} (right "
            f"after the {num_merges} merges), got {sorted(special.values())}"
        )
    return None


def _file_problem(data) -> str | None:
    """What is wrong with the decoded JSON of a tokenizer file, or None."""
    if not isinstance(data, dict):
        return f"expected a JSON object, got {type(data).__name__}"
    missing = [key for key in ("format", "version", "pattern", "special_tokens", "merges")
               if key not in data]  # fmt: skip
    if missing:
        return f"missing the fields {missing}"
    if data["format"] != FILE_FORMAT:
        return f"format is {data['format']!r}, expected {FILE_FORMAT!r}"
    if data["version"] != FILE_VERSION:
        return f"version {data['version']!r} is not supported (this tinytorch reads {FILE_VERSION})"
    if data["pattern"] != GPT2_SPLIT_PATTERN:
        return (
            "it was made with another pre-tokenization pattern, so its merges would not fit "
            f"this tokenizer's chunks: {data['pattern']!r}"
        )
    if not isinstance(data["merges"], list):
        return f"merges must be a list of [id, id] pairs, got {type(data['merges']).__name__}"
    if not isinstance(data["special_tokens"], dict):
        return "special_tokens must be an object {string: id}"
    return _merge_problem(data["merges"]) or _special_problem(
        data["special_tokens"], len(data["merges"])
    )
