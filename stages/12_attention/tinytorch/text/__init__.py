"""tinytorch.text: tokenizers, which turn text into the integer ids a model reads, and back.

- :class:`CharTokenizer`: one id per distinct character of a corpus (a char-level model's
  vocabulary).
"""

from tinytorch.text.char import CharTokenizer
from tinytorch.text.ids import as_token_ids

__all__ = ["CharTokenizer", "as_token_ids"]
