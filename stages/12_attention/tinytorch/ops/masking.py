"""Masking: overwrite chosen elements with a constant, and the triangular masks of causality.

``x.masked_fill(mask, value)`` is ``x`` with ``value`` wherever the boolean ``mask`` is True.
Attention uses it to write ``-inf`` into the scores a query must not see, so that softmax gives
those positions exactly zero weight. The overwritten elements no longer depend on ``x``, so
their gradient is zero; every other element passes its gradient straight through.

``tril``/``triu`` keep the lower/upper triangle of the last two dimensions (``diagonal``
shifts the boundary, as in NumPy and PyTorch). A causal mask is ``tril`` of ones: position
``i`` may look at positions ``j <= i`` only.
"""

from __future__ import annotations

import numpy as np

from tinytorch.function import Function


def triangle(rows: int, cols: int, diagonal: int = 0, upper: bool = False) -> np.ndarray:
    """A (rows, cols) boolean mask: True on and below diagonal ``diagonal`` (``tril``), or on
    and above it with ``upper`` (``triu``). Diagonal 0 is the main one, 1 the one above it."""
    # TODO: compare column index j with row index i: tril keeps j - i <= diagonal,
    #   triu keeps j - i >= diagonal.
    # HINT: np.arange(cols)[None, :] - np.arange(rows)[:, None] is the (rows, cols) grid of
    #   j - i in one broadcast.
    raise NotImplementedError(
        "stage 12: triangle: compare column index j with row index i: tril keeps j - i <= diagonal, triu keeps j - i >= diagonal."
    )


class MaskedFill(Function):
    """``value`` where ``mask`` is True, ``x`` elsewhere (``mask`` broadcasts to x's shape)."""

    def __init__(self, mask: np.ndarray, value: float) -> None:
        self.mask, self.value = mask, value

    def forward(self, x: np.ndarray) -> np.ndarray:
        # TODO: return x with self.value written wherever self.mask is True, in x's dtype.
        # HINT: np.where(mask, value, x) broadcasts the mask; make value an array of x.dtype
        #   first (np.asarray(value, dtype=x.dtype)) so float32 stays float32.
        raise NotImplementedError(
            "stage 12: MaskedFill.forward: return x with self.value written wherever self.mask is True, in x's dtype."
        )

    def backward(self, grad: np.ndarray):
        # TODO: the filled elements get zero gradient, the others pass grad through.
        raise NotImplementedError(
            "stage 12: MaskedFill.backward: the filled elements get zero gradient, the others pass grad through."
        )
