"""CharTokenizer: one token per character, the simplest tokenizer that can work.

A language model reads integers, not text, so a tokenizer is a pair of inverse maps: ``encode``
from a string to a list of ids and ``decode`` back. The smallest sensible vocabulary is the set
of characters of the training text: the shipped Shakespeare has 76, so a model needs only 76
rows of embeddings and 76 output logits. The price is length: every character is one step of
the sequence, and a model sees only as much text as its context window holds characters.

Ids follow the characters' code points (``sorted(set(text))``), so the same text always gives
the same vocabulary, whatever order the characters first appear in.
"""

from __future__ import annotations

from collections.abc import Iterable

from tinytorch.text.ids import as_token_ids


class CharTokenizer:
    """A character-level tokenizer built from the characters of a corpus.

    Args:
        text: the corpus (or any iterable of characters); its distinct characters, sorted by
            code point, get the ids ``0 .. n-1``.
        unk_token: when given (e.g. ``"<unk>"``), characters outside the vocabulary encode to
            one extra id ``n`` instead of raising, and that id decodes to ``unk_token``.

    Attributes:
        itos: the vocabulary, a list: ``itos[id]`` is the character (or ``unk_token``) of ``id``.
        stoi: the inverse map, ``stoi[character] == id``.
        unk_id: the id of ``unk_token``, or None.

    Example::

        >>> tok = CharTokenizer("hello world")
        >>> tok.encode("hello")
        [3, 2, 4, 4, 5]
        >>> tok.decode(tok.encode("hello"))
        'hello'
    """

    def __init__(self, text: str | Iterable[str], *, unk_token: str | None = None) -> None:
        chars = list(text)
        if not all(isinstance(ch, str) and len(ch) == 1 for ch in chars):
            raise TypeError("CharTokenizer needs a string (or an iterable of single characters)")
        if unk_token is not None and (not isinstance(unk_token, str) or not unk_token):
            raise ValueError(f"unk_token must be a non-empty string or None, got {unk_token!r}")
        if unk_token is not None and unk_token in chars:
            raise ValueError(
                f"unk_token {unk_token!r} is also a character of the corpus: pick a token that "
                "cannot be confused with text, such as '<unk>'"
            )
        self.unk_token = unk_token
        # BEGIN SOLUTION
        # TODO: build self.itos (the distinct characters sorted by code point, then unk_token
        #   if given), self.stoi (character -> id) and self.unk_id (unk_token's id, or None).
        # HINT: sorted(set(chars)) sorts by code point; a dict comprehension over
        #   enumerate(self.itos) inverts the list.
        self.itos: list[str] = sorted(set(chars))
        self.unk_id: int | None = None
        if unk_token is not None:
            self.unk_id = len(self.itos)
            self.itos.append(unk_token)
        self.stoi: dict[str, int] = {token: i for i, token in enumerate(self.itos)}
        # END SOLUTION

    @property
    def vocab_size(self) -> int:
        """The number of ids: distinct characters, plus one for ``unk_token``."""
        return len(self.itos)

    def __len__(self) -> int:
        return self.vocab_size

    def encode(self, text: str) -> list[int]:
        """The id of every character of ``text``, in order.

        Raises:
            ValueError: a character is not in the vocabulary and there is no ``unk_token``
                (the message names the character, its code point and its position).
            TypeError: ``text`` is not a string.
        """
        if not isinstance(text, str):
            raise TypeError(f"encode takes a str, got {type(text).__name__}")
        # BEGIN SOLUTION
        # TODO: look every character up in self.stoi; an unknown one becomes self.unk_id,
        #   or (without unk_token) raises the ValueError that self._unknown(ch, position) builds.
        # HINT: self.stoi.get(ch, self.unk_id) is None exactly for a character to refuse.
        ids = [self.stoi.get(ch, self.unk_id) for ch in text]
        if self.unk_id is None and None in ids:
            position = ids.index(None)
            raise self._unknown(text[position], position)
        return ids
        # END SOLUTION

    def decode(self, ids) -> str:
        """The text of ``ids``: their characters joined (``unk_id`` gives ``unk_token``).

        Args:
            ids: a list of ints, or a 1-D integer array or Tensor.

        Raises:
            ValueError: an id is outside ``0 .. vocab_size - 1``.
        """
        ids = as_token_ids(ids)
        # BEGIN SOLUTION
        # TODO: join self.itos[id] for every id, refusing ids outside 0 .. vocab_size - 1
        #   with a ValueError that names the id and the vocabulary size.
        # HINT: test the range yourself: a negative id would silently index from the end.
        pieces = []
        for token in ids:
            if not 0 <= token < self.vocab_size:
                raise ValueError(
                    f"id {token} is not in the vocabulary: ids go from 0 to {self.vocab_size - 1}"
                )
            pieces.append(self.itos[token])
        return "".join(pieces)
        # END SOLUTION

    def _unknown(self, ch: str, position: int) -> ValueError:
        return ValueError(
            f"character {ch!r} (U+{ord(ch):04X}) at position {position} is not in the "
            f"vocabulary of {self.vocab_size} characters: build the tokenizer from a text that "
            "contains it, or pass unk_token='<unk>' to map unknown characters to one id"
        )

    def __repr__(self) -> str:
        unk = f", unk_token={self.unk_token!r}" if self.unk_token is not None else ""
        return f"CharTokenizer(vocab_size={self.vocab_size}{unk})"
