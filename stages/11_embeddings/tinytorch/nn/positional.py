"""Positional information: tell a model *where* each token sits.

Attention (stage 12) compares every token with every other token and sums the results: shuffle
the tokens and each output is shuffled the same way, nothing more. On its own it cannot tell
"dog bites man" from "man bites dog". The fix is to add to each token's embedding a vector that
depends on its position, so the same word at position 3 and at position 7 looks different.

Two standard choices, both added to the (*, T, D) token embeddings:

- **Learned** (GPT-2, BERT): an ``Embedding`` table of ``max_positions`` rows, looked up at
  positions 0..T-1 and trained like every other weight. Simple and flexible, but it knows
  nothing about positions beyond ``max_positions``.
- **Sinusoidal** ("Attention Is All You Need", Vaswani et al., 2017): a fixed table,
  ``PE[pos, 2i] = sin(pos / 10000^(2i/D))`` and ``PE[pos, 2i+1] = cos(pos / 10000^(2i/D))``.
  Each pair of columns is a clock at its own frequency, from one turn every 2*pi positions down
  to one every 10000*2*pi; since ``sin(a + k)`` and ``cos(a + k)`` are a rotation of
  ``sin(a)`` and ``cos(a)``, the encoding of position ``pos + k`` is a fixed linear function of
  the encoding of ``pos``, which makes relative offsets easy to read. It has no parameters.

PyTorch has no module of its own for either; these follow its conventions (``forward`` takes
the embeddings, a table is a parameter or a buffer so it lands in the ``state_dict``).
"""

from __future__ import annotations

import numpy as np

from tinytorch import dtypes
from tinytorch.errors import ShapeError
from tinytorch.nn import init
from tinytorch.nn.module import Module
from tinytorch.nn.parameter import Parameter
from tinytorch.tensor import Tensor


def sinusoidal_position_encoding(
    num_positions: int, embedding_dim: int, base: float = 10000.0, dtype=None
) -> Tensor:
    """The (num_positions, embedding_dim) sinusoid table of "Attention Is All You Need".

    Column ``j`` uses the frequency of its pair ``i = j // 2``: even columns hold
    ``sin(pos / base^(2i / D))``, odd columns ``cos(pos / base^(2i / D))``. An odd
    ``embedding_dim`` ends with a sine column. Computed in float64, returned in ``dtype``
    (float32 by default).
    """
    if num_positions < 0 or embedding_dim < 0:
        raise ValueError(
            f"sinusoidal_position_encoding needs non-negative sizes, got num_positions="
            f"{num_positions}, embedding_dim={embedding_dim}"
        )
    dtype = dtypes.default_float if dtype is None else dtypes.as_dtype(dtype)
    # TODO: build the table in one broadcast: positions (T, 1) times frequencies (1, D).
    # HINT: pair = np.arange(D) // 2; frequency = base ** (-2 * pair / D); angles = pos * freq;
    #   take np.sin on the even columns (0::2) and np.cos on the odd ones (1::2).
    raise NotImplementedError(
        "stage 11: sinusoidal_position_encoding: build the table in one broadcast: positions (T, 1) times frequencies (1, D)."
    )


def _positions(input: Tensor, offset: int, max_positions: int, name: str) -> slice:
    """The rows ``offset .. offset + T - 1`` for input (*, T, D), or a ShapeError."""
    if input.ndim < 2:
        raise ShapeError(f"{name} expects input of shape (*, T, embedding_dim), got {input.shape}")
    length = input.shape[-2]
    if offset < 0 or offset + length > max_positions:
        raise ShapeError(
            f"{name}: positions {offset} to {offset + length - 1} do not fit in a table of "
            f"max_positions={max_positions} (input shape {input.shape}, offset {offset})"
        )
    return slice(offset, offset + length)


class LearnedPositionalEmbedding(Module):
    """Adds a learned vector per position to (*, T, embedding_dim) inputs (GPT-2's ``wpe``).

    Args:
        max_positions: the longest sequence it can encode (its table has this many rows).
        embedding_dim: the size of each vector.

    Attributes:
        weight: (max_positions, embedding_dim), initialised from N(0, 1) like ``Embedding``.

    ``forward(input, offset=0)`` returns ``input + weight[offset : offset + T]``; ``offset``
    places a continuation (a generated token after T earlier ones) at its true position.
    """

    def __init__(self, max_positions: int, embedding_dim: int, *, dtype=None) -> None:
        super().__init__()
        dtype = dtypes.default_float if dtype is None else dtypes.as_dtype(dtype)
        self.max_positions, self.embedding_dim = int(max_positions), int(embedding_dim)
        self.weight = Parameter(np.empty((self.max_positions, self.embedding_dim), dtype=dtype))
        init.normal_(self.weight)

    def forward(self, input: Tensor, offset: int = 0) -> Tensor:
        rows = _positions(input, offset, self.max_positions, "LearnedPositionalEmbedding")
        # TODO: add the weight's rows for these positions to the input.
        # HINT: self.weight[rows] is (T, D); broadcasting adds it to every batch element, and
        #   the slice's backward sends the gradient to exactly those rows.
        raise NotImplementedError(
            "stage 11: LearnedPositionalEmbedding.forward: add the weight's rows for these positions to the input."
        )

    def extra_repr(self) -> str:
        return f"{self.max_positions}, {self.embedding_dim}"


class SinusoidalPositionalEncoding(Module):
    """Adds the fixed sinusoid table to (*, T, embedding_dim) inputs ("Attention Is All You
    Need"). No parameters: the table is a buffer, saved in the state dict but never trained.

    Args:
        max_positions: the number of rows precomputed.
        embedding_dim: the size of each vector.
        base: the wavelength scale (10000 in the paper).

    ``forward(input, offset=0)`` returns ``input + pe[offset : offset + T]``.
    """

    def __init__(
        self, max_positions: int, embedding_dim: int, base: float = 10000.0, *, dtype=None
    ) -> None:
        super().__init__()
        self.max_positions, self.embedding_dim = int(max_positions), int(embedding_dim)
        self.base = float(base)
        # TODO: register the sinusoid table as the buffer "pe".
        # HINT: register_buffer(name, tensor) keeps it out of parameters().
        raise NotImplementedError(
            "stage 11: SinusoidalPositionalEncoding.__init__: register the sinusoid table as the buffer \"pe\"."
        )

    def forward(self, input: Tensor, offset: int = 0) -> Tensor:
        rows = _positions(input, offset, self.max_positions, "SinusoidalPositionalEncoding")
        # TODO: add the table's rows for these positions to the input.
        raise NotImplementedError(
            "stage 11: SinusoidalPositionalEncoding.forward: add the table's rows for these positions to the input."
        )

    def extra_repr(self) -> str:
        return f"{self.max_positions}, {self.embedding_dim}, base={self.base:g}"
