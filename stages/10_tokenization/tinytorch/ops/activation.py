"""Activation functions: the nonlinearities between layers, and softmax.

Without a nonlinearity, stacked linear layers collapse into one linear map. Each activation
here is written to stay finite for huge inputs (|x| = 1e4): the textbook formulas overflow
``exp`` long before that, so each forward rewrites its formula into a form that cannot.
"""

from __future__ import annotations

import math

import numpy as np

from tinytorch.function import Function


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, vectorized, accurate to the input's precision.

    NumPy has no ``erf``. For float32 (and float16) a rational approximation (Abramowitz &
    Stegun 7.1.26, |error| < 1.5e-7) is already at the limit of the dtype, and fast. Float64
    gets :func:`_erf_float64`, accurate to about 1e-15, so float64 results match PyTorch's.
    """
    if x.dtype == np.float64:
        return _erf_float64(x)
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return sign * (1.0 - poly * np.exp(-a * a))


def _erf_float64(x: np.ndarray) -> np.ndarray:
    """erf to double precision: its Taylor series near 0, a continued fraction for the tail.

    For |x| < 2: erf(x) = 2/sqrt(pi) * sum_n (-1)**n x**(2n+1) / (n! (2n+1)) (30 terms).
    For |x| >= 2: erf(x) = 1 - erfc(x), with erfc(x) = exp(-x**2) / sqrt(pi) / K and
    K = x + (1/2) / (x + 1 / (x + (3/2) / (x + 2 / (x + ...)))), evaluated from 40 levels deep.
    Both loops run over terms, never over elements.
    """
    a = np.abs(x)
    near = np.minimum(a, 2.0)  # each branch sees only inputs it is accurate for
    square = near * near
    term = near.copy()
    total = near.copy()
    for n in range(1, 30):
        term *= -square / n
        total += term / (2 * n + 1)
    series = total * (2.0 / math.sqrt(math.pi))
    far = np.maximum(a, 2.0)
    fraction = far.copy()
    for k in range(40, 0, -1):
        fraction = far + (k / 2.0) / fraction
    tail = np.exp(-far * far) / (math.sqrt(math.pi) * fraction)
    return np.sign(x) * np.where(a < 2.0, series, 1.0 - tail)


class ReLU(Function):
    """max(x, 0)"""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.maximum(x, 0)

    def backward(self, grad: np.ndarray):
        (x,) = self.inputs
        return (grad * (x > 0),)


class LeakyReLU(Function):
    """x for x > 0, else negative_slope * x"""

    def __init__(self, negative_slope: float = 0.01) -> None:
        self.negative_slope = negative_slope

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.maximum(x, 0) + self.negative_slope * np.minimum(x, 0)

    def backward(self, grad: np.ndarray):
        (x,) = self.inputs
        return (np.where(x > 0, grad, grad * self.negative_slope),)


class Sigmoid(Function):
    """1 / (1 + e**-x), in (0, 1)"""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.exp(np.minimum(x, 0)) / (1 + np.exp(-np.abs(x)))

    def backward(self, grad: np.ndarray):
        s = self.output
        return (grad * s * (1 - s),)


class Tanh(Function):
    """Hyperbolic tangent, in (-1, 1)"""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.tanh(x)

    def backward(self, grad: np.ndarray):
        return (grad * (1 - self.output**2),)


_SQRT_2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class GELU(Function):
    """x * Phi(x), with Phi the standard normal CDF (or its tanh approximation)."""

    def __init__(self, approximate: str = "none") -> None:
        if approximate not in ("none", "tanh"):
            raise ValueError(f"gelu approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: np.ndarray) -> np.ndarray:
        if self.approximate == "tanh":
            cube = x * x * x  # three multiplications; x**3 calls the far slower pow()
            return 0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * cube)))
        return 0.5 * x * (1 + erf(x / _SQRT_2))

    def backward(self, grad: np.ndarray):
        (x,) = self.inputs
        if self.approximate == "tanh":
            square = x * x
            th = np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * square * x))
            du = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * square)
            return (grad * (0.5 * (1 + th) + 0.5 * x * (1 - th**2) * du),)
        cdf = 0.5 * (1 + erf(x / _SQRT_2))
        pdf = _INV_SQRT_2PI * np.exp(-0.5 * x * x)
        return (grad * (cdf + x * pdf),)


class Softmax(Function):
    """exp(x) / sum(exp(x)) along ``dim``: a probability distribution."""

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x: np.ndarray) -> np.ndarray:
        shifted = x - x.max(axis=self.dim, keepdims=True)
        e = np.exp(shifted)
        return e / e.sum(axis=self.dim, keepdims=True)

    def backward(self, grad: np.ndarray):
        s = self.output
        return (s * (grad - (grad * s).sum(axis=self.dim, keepdims=True)),)


class LogSoftmax(Function):
    """log(softmax(x)) along ``dim``, computed without ever forming softmax."""

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x: np.ndarray) -> np.ndarray:
        shifted = x - x.max(axis=self.dim, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=self.dim, keepdims=True))

    def backward(self, grad: np.ndarray):
        softmax = np.exp(self.output)
        return (grad - softmax * grad.sum(axis=self.dim, keepdims=True),)
