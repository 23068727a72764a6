"""Pre-tokenization: cut text into word-like chunks before BPE sees it.

BPE merges the most frequent pair of adjacent tokens, again and again. Run on raw text it
would happily merge across word boundaries ("e t" in "the tree") and learn one token for
"dog." and another for "dog!" and "dog?". GPT-2 therefore first splits the text with a regular
expression into chunks, and BPE merges only *inside* a chunk. The chunks are:

- an English contraction suffix: ``'s 't 're 've 'm 'll 'd``;
- an optional space followed by letters (``" tree"``): a word keeps the space before it, so
  ``" the"`` is one token and no separate space token is needed between words;
- an optional space followed by digits (``" 1986"``);
- an optional space followed by other symbols (``" --"``, ``"."``);
- a run of whitespace: all of it except the last character when a word follows (that space
  joins the word), else all of it (a line end, trailing spaces).

GPT-2 writes the pattern with the Unicode classes ``\\p{L}`` (letter) and ``\\p{N}`` (number),
which Python's ``re`` lacks. Here a letter is ``[^\\W\\d_]`` (a word character that is neither
a decimal digit nor ``_``: all letters, plus the few non-decimal numerals such as "²") and a
number is ``\\d``, so the split agrees with GPT-2's on ordinary text. The alternatives cover
every character, so the chunks always join back into the text: nothing is ever lost here.
"""

from __future__ import annotations

import re

#: GPT-2's pre-tokenization pattern, written with the classes of the standard ``re`` module.
GPT2_SPLIT_PATTERN = r"'(?:[sdmt]|ll|ve|re)| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+"

_SPLIT = re.compile(GPT2_SPLIT_PATTERN)


def pretokenize(text: str) -> list[str]:
    """The GPT-2-style chunks of ``text``, in order; ``"".join(chunks) == text``.

    Example::

        >>> pretokenize("Hello world, it's 1986!")
        ['Hello', ' world', ',', ' it', "'s", ' 1986', '!']
    """
    return _SPLIT.findall(text)
