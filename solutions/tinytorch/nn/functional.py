"""tinytorch.nn.functional: stateless building blocks, as ``torch.nn.functional``.

Each function here is a thin, documented front door to an operation in ``tinytorch.ops``; the
layer classes in ``tinytorch.nn`` call these, and so can you.
"""

from __future__ import annotations

from tinytorch.ops import activation
from tinytorch.tensor import Tensor, _normalize_dim, _to_float


def relu(input: Tensor) -> Tensor:  # noqa: A002 - PyTorch's argument name
    """max(x, 0) elementwise."""
    return activation.ReLU.apply(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:  # noqa: A002
    """x where x > 0, else ``negative_slope * x``."""
    return activation.LeakyReLU.apply(_to_float(input), negative_slope=negative_slope)


def sigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """1 / (1 + exp(-x)), stable for any x."""
    return activation.Sigmoid.apply(_to_float(input))


def tanh(input: Tensor) -> Tensor:  # noqa: A002
    """Hyperbolic tangent."""
    return activation.Tanh.apply(_to_float(input))


def gelu(input: Tensor, approximate: str = "none") -> Tensor:  # noqa: A002
    """Gaussian error linear unit: exact (``'none'``) or the tanh approximation."""
    return activation.GELU.apply(_to_float(input), approximate=approximate)


def softmax(input: Tensor, dim: int = -1) -> Tensor:  # noqa: A002
    """exp(x) / sum(exp(x)) along ``dim``; each slice sums to 1."""
    return activation.Softmax.apply(_to_float(input), dim=_normalize_dim(dim, input.ndim))


def log_softmax(input: Tensor, dim: int = -1) -> Tensor:  # noqa: A002
    """log(softmax(x)) along ``dim``, computed stably."""
    return activation.LogSoftmax.apply(_to_float(input), dim=_normalize_dim(dim, input.ndim))
