"""Elementwise functions: exp, log, sqrt, abs, clip, maximum, minimum, where, and dtype casts.

Each output element depends on one element of each input only, so each derivative is
elementwise too: the backward pass multiplies the incoming gradient by f'(x), no sums needed
(except to undo broadcasting, for the functions of two tensors).
"""

from __future__ import annotations

import numpy as np

from tinytorch.function import Function, unbroadcast


class Exp(Function):
    """e ** x"""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.exp(x)

    def backward(self, grad: np.ndarray):
        return (grad * self.output,)


class Log(Function):
    """Natural logarithm."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.log(x)

    def backward(self, grad: np.ndarray):
        (x,) = self.inputs
        return (grad / x,)


class Sqrt(Function):
    """Square root."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.sqrt(x)

    def backward(self, grad: np.ndarray):
        return (grad / (2 * self.output),)


class Abs(Function):
    """Absolute value."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.abs(x)

    def backward(self, grad: np.ndarray):
        (x,) = self.inputs
        return (grad * np.sign(x),)


class Clip(Function):
    """Limit values to [low, high]; either bound may be None."""

    def __init__(self, low=None, high=None) -> None:
        self.low, self.high = low, high

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.clip(x, self.low, self.high)

    def backward(self, grad: np.ndarray):
        (x,) = self.inputs
        inside = np.ones(x.shape, dtype=bool)
        if self.low is not None:
            inside &= x >= self.low
        if self.high is not None:
            inside &= x <= self.high
        return (grad * inside,)


class Maximum(Function):
    """The larger of a and b, elementwise (``torch.maximum``)."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.maximum(a, b)

    def backward(self, grad: np.ndarray):
        a, b = self.inputs
        return _pick(grad, a > b, a == b, a.shape), _pick(grad, b > a, a == b, b.shape)


class Minimum(Function):
    """The smaller of a and b, elementwise (``torch.minimum``)."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.minimum(a, b)

    def backward(self, grad: np.ndarray):
        a, b = self.inputs
        return _pick(grad, a < b, a == b, a.shape), _pick(grad, b < a, a == b, b.shape)


def _pick(grad: np.ndarray, chosen: np.ndarray, tied: np.ndarray, shape) -> np.ndarray:
    """The share of ``grad`` of an input of ``shape`` that was ``chosen`` (all of it) or
    ``tied`` (half of it), with broadcasting undone."""
    share = chosen + 0.5 * tied  # 1, 1/2 or 0 (a Python float keeps float32 as float32)
    return unbroadcast(grad * share.astype(grad.dtype, copy=False), shape)


class Where(Function):
    """``x`` where ``condition`` holds, else ``y`` (``torch.where``), all three broadcasting."""

    def __init__(self, condition: np.ndarray) -> None:
        self.condition = condition

    def forward(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.where(self.condition, x, y)

    def backward(self, grad: np.ndarray):
        x, y = self.inputs
        zero = np.zeros((), dtype=grad.dtype)
        grad_x = unbroadcast(np.where(self.condition, grad, zero), x.shape)
        grad_y = unbroadcast(np.where(self.condition, zero, grad), y.shape)
        return grad_x, grad_y


class Cast(Function):
    """Convert to another dtype (the gradient converts back)."""

    def __init__(self, dtype: np.dtype) -> None:
        self.dtype = dtype

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x.astype(self.dtype)

    def backward(self, grad: np.ndarray):
        (x,) = self.inputs
        return (grad.astype(x.dtype),)
