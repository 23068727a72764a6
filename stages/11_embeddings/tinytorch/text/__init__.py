"""tinytorch.text: tokenizers, which turn text into the integer ids a model reads, and back.

- :class:`CharTokenizer`: one id per distinct character of a corpus (a char-level model's
  vocabulary);
- :class:`BPETokenizer`: byte-level byte-pair encoding as in GPT-2: 256 byte ids plus learned
  merges and special tokens; trains, encodes, decodes, saves and loads (JSON);
- the pieces it is built from: :func:`pretokenize` (GPT-2's split into word-like chunks),
  :func:`pair_counts` and :func:`merge_pair` (the two operations of BPE), and
  :func:`learn_merges` with its :class:`PairIndex` (training with incremental pair counts).
"""

from tinytorch.text.bpe import BPETokenizer, TokenizerFileError
from tinytorch.text.char import CharTokenizer
from tinytorch.text.ids import as_token_ids
from tinytorch.text.pairs import merge_pair, pair_counts
from tinytorch.text.pretokenize import GPT2_SPLIT_PATTERN, pretokenize
from tinytorch.text.trainer import PairIndex, learn_merges

__all__ = [
    "GPT2_SPLIT_PATTERN",
    "BPETokenizer",
    "CharTokenizer",
    "PairIndex",
    "TokenizerFileError",
    "as_token_ids",
    "learn_merges",
    "merge_pair",
    "pair_counts",
    "pretokenize",
]
