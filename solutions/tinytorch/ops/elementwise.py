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
        # BEGIN SOLUTION
        # TODO: return e to the power x, elementwise.
        return np.exp(x)
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: d(e**x)/dx = e**x, which forward already computed (self.output).
        return (grad * self.output,)
        # END SOLUTION


class Log(Function):
    """Natural logarithm."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        # BEGIN SOLUTION
        # TODO: return the natural log, elementwise.
        return np.log(x)
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: d(log x)/dx = 1/x.
        (x,) = self.inputs
        return (grad / x,)
        # END SOLUTION


class Sqrt(Function):
    """Square root."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        # BEGIN SOLUTION
        # TODO: return the square root, elementwise.
        return np.sqrt(x)
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: d(sqrt x)/dx = 1 / (2 sqrt x).
        return (grad / (2 * self.output),)
        # END SOLUTION


class Abs(Function):
    """Absolute value."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        # BEGIN SOLUTION
        # TODO: return |x|, elementwise.
        return np.abs(x)
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: d|x|/dx = sign(x) (PyTorch uses 0 at x == 0).
        (x,) = self.inputs
        return (grad * np.sign(x),)
        # END SOLUTION


class Clip(Function):
    """Limit values to [low, high]; either bound may be None."""

    def __init__(self, low=None, high=None) -> None:
        self.low, self.high = low, high

    def forward(self, x: np.ndarray) -> np.ndarray:
        # BEGIN SOLUTION
        # TODO: return x limited to [self.low, self.high]; a None bound does not limit.
        return np.clip(x, self.low, self.high)
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: gradient passes where low <= x <= high (bounds included, as PyTorch), else 0.
        (x,) = self.inputs
        inside = np.ones(x.shape, dtype=bool)
        if self.low is not None:
            inside &= x >= self.low
        if self.high is not None:
            inside &= x <= self.high
        return (grad * inside,)
        # END SOLUTION


class Cast(Function):
    """Convert to another dtype (the gradient converts back)."""

    def __init__(self, dtype: np.dtype) -> None:
        self.dtype = dtype

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x.astype(self.dtype)

    def backward(self, grad: np.ndarray):
        (x,) = self.inputs
        return (grad.astype(x.dtype),)
