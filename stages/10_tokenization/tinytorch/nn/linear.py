"""Linear: the fully connected layer, y = x W^T + b.

Every output feature is a weighted sum of every input feature plus a bias. The weight is stored
as (out_features, in_features), PyTorch's convention, so row ``j`` of the weight is the
"template" output ``j`` compares the input with. The layer works on any number of leading
dimensions: (in,), (batch, in) or (batch, time, in) all map their last dimension to ``out``.

It costs ``in * out (+ out)`` parameters and about ``2 * batch * in * out`` floating-point
operations per forward pass: that product is why wide layers dominate a model's size and time.
"""

from __future__ import annotations

import math

import numpy as np

from tinytorch import dtypes
from tinytorch.errors import ShapeError
from tinytorch.nn import init
from tinytorch.nn.module import Module
from tinytorch.nn.parameter import Parameter
from tinytorch.tensor import Tensor


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias`` over the last dimension, as ``torch.nn.functional.linear``.

    Args:
        input: (*, in_features).
        weight: (out_features, in_features).
        bias: (out_features,) or None.

    Returns:
        (*, out_features).
    """
    if weight.ndim != 2:
        raise ShapeError(
            f"linear weight must be 2-D (out_features, in_features), got shape {weight.shape}"
        )
    if input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        raise ShapeError(
            f"linear expected input of shape (*, {weight.shape[1]}) (its last dimension is "
            f"in_features), got shape {input.shape}"
        )
    if bias is not None and bias.shape != (weight.shape[0],):
        raise ShapeError(f"linear bias must have shape ({weight.shape[0]},), got {bias.shape}")
    out = input.matmul(weight.T)
    if bias is not None:
        out = out + bias
    return out


class Linear(Module):
    """Applies ``y = x W^T + b``, as ``torch.nn.Linear``.

    Args:
        in_features: size of each input's last dimension.
        out_features: size of each output's last dimension.
        bias: whether to learn an additive bias (default True).
        dtype: the parameters' dtype (default float32).

    Attributes:
        weight: (out_features, in_features), initialised from U(-1/sqrt(in), 1/sqrt(in)).
        bias: (out_features,), from the same distribution, or None.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype=None) -> None:
        super().__init__()
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
                raise ValueError(f"Linear {name} must be a non-negative integer, got {value!r}")
        dtype = dtypes.default_float if dtype is None else dtypes.as_dtype(dtype)
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty((self.out_features,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default: kaiming_uniform_(a=sqrt(5)) for the weight, which is
        U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same range for the bias."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )
