"""Reductions: sum, mean, max and min over some dimensions.

A reduction collapses axes. Its backward pass does the reverse: it spreads the gradient of each
output element back over the input elements it came from (every element for sum and mean,
only the winners for max and min).
"""

from __future__ import annotations

import numpy as np

from tinytorch.function import Function


def restore_reduced_axes(grad: np.ndarray, input_ndim: int, axis, keepdims: bool) -> np.ndarray:
    """Re-insert the axes a reduction removed, so ``grad`` broadcasts against its input."""
    raise NotImplementedError("restore_reduced_axes arrives in stage 05 (Autograd)")


def _reduced_size(shape: tuple[int, ...], axis) -> int:
    """How many elements each output element of a reduction over ``axis`` combines."""
    if axis is None:
        return int(np.prod(shape))
    axes = (axis,) if np.isscalar(axis) else axis
    return int(np.prod([shape[a] for a in axes]))


class Sum(Function):
    """Sum over ``axis`` (an int, a tuple, or None for all axes)."""

    def __init__(self, axis=None, keepdims: bool = False) -> None:
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x: np.ndarray) -> np.ndarray:
        # TODO: sum over self.axis, keeping reduced axes as size 1 if self.keepdims.
        raise NotImplementedError(
            "stage 01: Sum.forward: sum over self.axis, keeping reduced axes as size 1 if self.keepdims."
        )

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Sum.backward arrives in stage 05 (Autograd)")


class Mean(Function):
    """Mean over ``axis`` (an int, a tuple, or None for all axes)."""

    def __init__(self, axis=None, keepdims: bool = False) -> None:
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x: np.ndarray) -> np.ndarray:
        # TODO: average over self.axis, keeping reduced axes as size 1 if self.keepdims.
        raise NotImplementedError(
            "stage 01: Mean.forward: average over self.axis, keeping reduced axes as size 1 if self.keepdims."
        )

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Mean.backward arrives in stage 05 (Autograd)")


class _Extremum(Function):
    """Shared backward of max and min: the gradient goes to the selected elements."""

    def __init__(self, axis=None, keepdims: bool = False) -> None:
        self.axis, self.keepdims = axis, keepdims

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("_Extremum.backward arrives in stage 05 (Autograd)")


class Max(_Extremum):
    """Largest value over ``axis``."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        # TODO: the largest value over self.axis; raise ValueError if it reduces nothing.
        # HINT: np.max of no elements raises a cryptic error: check _reduced_size(x.shape,
        #   self.axis) first, and say in your message that it reduces "no elements".
        raise NotImplementedError(
            "stage 01: Max.forward: the largest value over self.axis; raise ValueError if it reduces nothing."
        )


class Min(_Extremum):
    """Smallest value over ``axis``."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        # TODO: the smallest value over self.axis; raise ValueError if it reduces nothing.
        # HINT: np.min of no elements raises a cryptic error: check _reduced_size(x.shape,
        #   self.axis) first, and say in your message that it reduces "no elements".
        raise NotImplementedError(
            "stage 01: Min.forward: the smallest value over self.axis; raise ValueError if it reduces nothing."
        )
