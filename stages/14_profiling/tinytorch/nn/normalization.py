"""Layer normalization: ``nn.LayerNorm`` and its functional twin ``layer_norm``.

A deep stack of residual blocks keeps adding to the same vector; without a normaliser its scale
drifts from layer to layer and training becomes fragile. Layer norm (Ba, Kiros & Hinton, 2016)
re-standardises every token's features to mean 0 and variance 1, then lets the network pick
the scale and shift it wants back (``weight`` and ``bias``, one per feature). It works on one
example at a time, so it behaves the same in training and evaluation and with a batch of one,
which is why transformers use it where CNNs use batch norm.
"""

from __future__ import annotations

import numbers

import numpy as np

from tinytorch import dtypes
from tinytorch.errors import ShapeError
from tinytorch.nn.module import Module
from tinytorch.nn.parameter import Parameter
from tinytorch.ops import normalization as normalization_ops
from tinytorch.tensor import Tensor, _cast, _to_float


def _as_shape(normalized_shape) -> tuple[int, ...]:
    """``normalized_shape`` as a tuple of positive ints (an int means a 1-tuple)."""
    if isinstance(normalized_shape, numbers.Integral):
        normalized_shape = (normalized_shape,)
    shape = tuple(normalized_shape)
    if not shape or any(
        not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 1 for n in shape
    ):
        raise ValueError(
            f"normalized_shape must be a positive int or a non-empty tuple of them, "
            f"got {normalized_shape!r}"
        )
    return tuple(int(n) for n in shape)


def layer_norm(
    input: Tensor,
    normalized_shape,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Layer normalization over the last ``len(normalized_shape)`` dims, as ``F.layer_norm``.

    Args:
        input: (*, *normalized_shape).
        normalized_shape: the trailing shape each example is normalised over.
        weight, bias: optional (*normalized_shape) scale and shift (default 1 and 0).
        eps: added to the variance inside the square root.
    """
    shape = _as_shape(normalized_shape)
    if not isinstance(input, Tensor) or tuple(input.shape[input.ndim - len(shape) :]) != shape:
        got = getattr(input, "shape", type(input).__name__)
        raise ShapeError(
            f"layer_norm: normalized_shape {shape} must be the input's trailing shape, i.e. "
            f"an input of shape (*, {', '.join(map(str, shape))}), got {got}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise ShapeError(f"layer_norm: {name} must have shape {shape}, got {tuple(t.shape)}")
    x = _to_float(input)
    dtype = x.dtype
    for t in (weight, bias):
        if t is not None:
            dtype = dtypes.promote_types(dtype, t.dtype)
    x = _cast(x, dtype)
    weight = Tensor._wrap(np.ones(shape, dtype)) if weight is None else _cast(weight, dtype)
    bias = Tensor._wrap(np.zeros(shape, dtype)) if bias is None else _cast(bias, dtype)
    return normalization_ops.LayerNorm.apply(x, weight, bias, eps=float(eps))


class LayerNorm(Module):
    """Layer normalization over the trailing ``normalized_shape``, as ``torch.nn.LayerNorm``.

    Args:
        normalized_shape: an int (the last dimension) or a tuple (the last few).
        eps: added to the variance inside the square root.
        elementwise_affine: learn ``weight`` (ones) and, if ``bias``, ``bias`` (zeros), one
            value per normalised element.
        bias: learn the additive bias (only with ``elementwise_affine``).
        dtype: the parameters' dtype (default float32).
    """

    def __init__(
        self,
        normalized_shape,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        dtype=None,
    ) -> None:
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        dtype = dtypes.default_float if dtype is None else dtypes.as_dtype(dtype)
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype))
        else:
            self.register_parameter("weight", None)
        if elementwise_affine and bias:
            self.bias = Parameter(np.zeros(self.normalized_shape, dtype))
        else:
            self.register_parameter("bias", None)

    def forward(self, input: Tensor) -> Tensor:
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )
