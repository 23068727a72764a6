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


class Maximum(Function):
    """The larger of a and b, elementwise (``torch.maximum``)."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # BEGIN SOLUTION
        # TODO: return the elementwise maximum of a and b (they broadcast).
        return np.maximum(a, b)
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: the gradient goes to the larger input; where a == b each gets half (PyTorch).
        a, b = self.inputs
        return _pick(grad, a > b, a == b, a.shape), _pick(grad, b > a, a == b, b.shape)
        # END SOLUTION


class Minimum(Function):
    """The smaller of a and b, elementwise (``torch.minimum``)."""

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # BEGIN SOLUTION
        # TODO: return the elementwise minimum of a and b (they broadcast).
        return np.minimum(a, b)
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: the gradient goes to the smaller input; where a == b each gets half (PyTorch).
        a, b = self.inputs
        return _pick(grad, a < b, a == b, a.shape), _pick(grad, b < a, a == b, b.shape)
        # END SOLUTION


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
        # BEGIN SOLUTION
        # TODO: pick from x where self.condition is True, from y elsewhere.
        return np.where(self.condition, x, y)
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: x gets grad where the condition holds, y gets it elsewhere (0 otherwise).
        x, y = self.inputs
        zero = np.zeros((), dtype=grad.dtype)
        grad_x = unbroadcast(np.where(self.condition, grad, zero), x.shape)
        grad_y = unbroadcast(np.where(self.condition, zero, grad), y.shape)
        return grad_x, grad_y
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
