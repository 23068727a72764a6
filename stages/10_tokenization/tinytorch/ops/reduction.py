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
    if keepdims or (axis is None and grad.ndim == input_ndim):
        return grad
    if axis is None:
        return grad.reshape((1,) * input_ndim)
    axes = (axis,) if np.isscalar(axis) else axis
    return np.expand_dims(grad, tuple(a % input_ndim for a in axes))


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
        return np.sum(x, axis=self.axis, keepdims=self.keepdims)

    def backward(self, grad: np.ndarray):
        (x,) = self.inputs
        grad = restore_reduced_axes(grad, x.ndim, self.axis, self.keepdims)
        return (np.broadcast_to(grad, x.shape),)


class Mean(Function):
    """Mean over ``axis`` (an int, a tuple, or None for all axes)."""

    def __init__(self, axis=None, keepdims: bool = False) -> None:
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.mean(x, axis=self.axis, keepdims=self.keepdims)

    def backward(self, grad: np.ndarray):
        (x,) = self.inputs
        count = x.size // max(self.output.size, 1)
        grad = restore_reduced_axes(grad, x.ndim, self.axis, self.keepdims)
        return (np.broadcast_to(grad / count, x.shape),)


class _Extremum(Function):
    """Shared backward of max and min: the gradient goes to the selected elements."""

    def __init__(self, axis=None, keepdims: bool = False) -> None:
        self.axis, self.keepdims = axis, keepdims

    def backward(self, grad: np.ndarray):
        (x,) = self.inputs
        result = restore_reduced_axes(self.output, x.ndim, self.axis, self.keepdims)
        grad = restore_reduced_axes(grad, x.ndim, self.axis, self.keepdims)
        winners = (x == result).astype(grad.dtype)  # float, so float32 stays float32
        share = winners / winners.sum(axis=self.axis, keepdims=True)
        return (grad * share,)


class Max(_Extremum):
    """Largest value over ``axis``."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        if _reduced_size(x.shape, self.axis) == 0:
            raise ValueError(
                f"max over dim {self.axis} of a tensor of shape {x.shape} reduces "
                "no elements: the max of nothing is undefined"
            )
        return np.max(x, axis=self.axis, keepdims=self.keepdims)


class Min(_Extremum):
    """Smallest value over ``axis``."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        if _reduced_size(x.shape, self.axis) == 0:
            raise ValueError(
                f"min over dim {self.axis} of a tensor of shape {x.shape} reduces "
                "no elements: the min of nothing is undefined"
            )
        return np.min(x, axis=self.axis, keepdims=self.keepdims)
