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
        # TODO: d(e**x)/dx = e**x, which forward already computed (self.output).
        raise NotImplementedError(
            "stage 05: Exp.backward: d(e**x)/dx = e**x, which forward already computed (self.output)."
        )


class Log(Function):
    """Natural logarithm."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.log(x)

    def backward(self, grad: np.ndarray):
        # TODO: d(log x)/dx = 1/x.
        raise NotImplementedError("stage 05: Log.backward: d(log x)/dx = 1/x.")


class Sqrt(Function):
    """Square root."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.sqrt(x)

    def backward(self, grad: np.ndarray):
        # TODO: d(sqrt x)/dx = 1 / (2 sqrt x).
        raise NotImplementedError("stage 05: Sqrt.backward: d(sqrt x)/dx = 1 / (2 sqrt x).")


class Abs(Function):
    """Absolute value."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.abs(x)

    def backward(self, grad: np.ndarray):
        # TODO: d|x|/dx = sign(x) (PyTorch uses 0 at x == 0).
        raise NotImplementedError(
            "stage 05: Abs.backward: d|x|/dx = sign(x) (PyTorch uses 0 at x == 0)."
        )


class Clip(Function):
    """Limit values to [low, high]; either bound may be None."""

    def __init__(self, low=None, high=None) -> None:
        self.low, self.high = low, high

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.clip(x, self.low, self.high)

    def backward(self, grad: np.ndarray):
        # TODO: gradient passes where low <= x <= high (bounds included, as PyTorch), else 0.
        raise NotImplementedError(
            "stage 05: Clip.backward: gradient passes where low <= x <= high (bounds included, as PyTorch), else 0."
        )


class Cast(Function):
    """Convert to another dtype (the gradient converts back)."""

    def __init__(self, dtype: np.dtype) -> None:
        self.dtype = dtype

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x.astype(self.dtype)

    def backward(self, grad: np.ndarray):
        (x,) = self.inputs
        return (grad.astype(x.dtype),)
