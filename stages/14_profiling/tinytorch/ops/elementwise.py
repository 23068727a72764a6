"""Elementwise functions: exp, log, sqrt, abs, clip, and dtype casts.

Each output element depends on one input element only, so each derivative is elementwise too:
the backward pass multiplies the incoming gradient by f'(x), no sums needed.
"""

from __future__ import annotations

import numpy as np

from tinytorch.function import Function


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


class Cast(Function):
    """Convert to another dtype (the gradient converts back)."""

    def __init__(self, dtype: np.dtype) -> None:
        self.dtype = dtype

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x.astype(self.dtype)

    def backward(self, grad: np.ndarray):
        (x,) = self.inputs
        return (grad.astype(x.dtype),)
