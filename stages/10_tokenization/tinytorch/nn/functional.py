"""tinytorch.nn.functional: stateless building blocks, as ``torch.nn.functional``.

Each function here is a thin, documented front door to an operation in ``tinytorch.ops``; the
layer classes in ``tinytorch.nn`` call these, and so can you.
"""

from __future__ import annotations

import warnings

from tinytorch import dtypes
from tinytorch.errors import DTypeError
from tinytorch.ops import activation
from tinytorch.tensor import Tensor, _normalize_dim, _to_float

from tinytorch.nn.dropout import dropout
from tinytorch.nn.linear import linear

from tinytorch.nn.loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    mse_loss,
    nll_loss,
)

from tinytorch.nn.batchnorm import batch_norm
from tinytorch.nn.conv import conv2d
from tinytorch.nn.pooling import avg_pool2d, max_pool2d


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0) elementwise. ``inplace`` is accepted for PyTorch compatibility; a new tensor
    is always returned.

    Integer tensors stay integer; bool tensors are refused, as in PyTorch: NumPy would
    silently turn ``max(True, 0)`` into an int64 1, a different dtype than the input.
    """
    if input.dtype == dtypes.bool:
        raise DTypeError(
            "relu does not accept bool tensors (as in PyTorch); convert the mask first, "
            "e.g. relu(x.float())"
        )
    return activation.ReLU.apply(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x where x > 0, else ``negative_slope * x`` (``inplace`` is accepted, as in :func:`relu`)."""
    return activation.LeakyReLU.apply(_to_float(input), negative_slope=negative_slope)


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + exp(-x)), stable for any x."""
    return activation.Sigmoid.apply(_to_float(input))


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent."""
    return activation.Tanh.apply(_to_float(input))


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit: exact (``'none'``) or the tanh approximation."""
    return activation.GELU.apply(_to_float(input), approximate=approximate)


def softmax(input: Tensor, dim: int | None = None, dtype=None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``; each slice sums to 1.

    ``dtype``, as in PyTorch, converts the input first (e.g. to float64 for extra precision).
    Always pass ``dim``: without it PyTorch's legacy choice applies (0 for 0-, 1- and 3-D
    inputs, else 1), with a warning.
    """
    x = _to_float(input) if dtype is None else input.to(dtype)
    dim = _softmax_dim(input, dim, "softmax")
    if x.data.size == 0:  # nothing to normalise (exp and max of an empty slice)
        return x * 1.0
    return activation.Softmax.apply(x, dim=dim)


def log_softmax(input: Tensor, dim: int | None = None, dtype=None) -> Tensor:
    """log(softmax(x)) along ``dim``, computed stably; ``dtype`` converts the input first.

    Without ``dim``, PyTorch's legacy choice applies, with a warning (see :func:`softmax`).
    """
    x = _to_float(input) if dtype is None else input.to(dtype)
    dim = _softmax_dim(input, dim, "log_softmax")
    if x.data.size == 0:
        return x * 1.0
    return activation.LogSoftmax.apply(x, dim=dim)


def implicit_softmax_dim(name: str, ndim: int) -> int:
    """PyTorch's legacy ``dim`` when none is given: 0 for 0-, 1- and 3-D inputs, else 1."""
    warnings.warn(
        f"implicit dimension choice for {name} is deprecated; pass dim=...",
        UserWarning,
        stacklevel=4,
    )
    return 0 if ndim in (0, 1, 3) else 1


def _softmax_dim(input: Tensor, dim: int | None, name: str) -> int | None:
    """``dim`` checked and made non-negative; None for a 0-d tensor (its one element)."""
    if dim is None:
        dim = implicit_softmax_dim(name, input.ndim)
    dim = _normalize_dim(dim, input.ndim)
    return dim if input.ndim else None
