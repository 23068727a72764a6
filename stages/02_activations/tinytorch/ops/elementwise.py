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
        raise NotImplementedError("Exp.backward arrives in stage 05 (Autograd)")


class Log(Function):
    """Natural logarithm."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.log(x)

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Log.backward arrives in stage 05 (Autograd)")


class Sqrt(Function):
    """Square root."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.sqrt(x)

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Sqrt.backward arrives in stage 05 (Autograd)")


class Abs(Function):
    """Absolute value."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.abs(x)

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Abs.backward arrives in stage 05 (Autograd)")


class Clip(Function):
    """Limit values to [low, high]; either bound may be None."""

    def __init__(self, low=None, high=None) -> None:
        self.low, self.high = low, high

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.clip(x, self.low, self.high)

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Clip.backward arrives in stage 05 (Autograd)")


class Cast(Function):
    """Convert to another dtype (the gradient converts back)."""

    def __init__(self, dtype: np.dtype) -> None:
        self.dtype = dtype

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x.astype(self.dtype)

    def backward(self, grad: np.ndarray):
        (x,) = self.inputs
        return (grad.astype(x.dtype),)
