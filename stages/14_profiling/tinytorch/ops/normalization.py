"""Layer normalization as one operation, forward and closed-form backward.

Layer norm standardises each *example* over its last few dimensions (for a transformer, each
token's feature vector): ``x_hat = (x - mean) / sqrt(var + eps)`` with the mean and the biased
variance (divide by the count D) over those dimensions, then applies a learned elementwise
``weight`` and ``bias`` of the normalized shape. Unlike batch norm it never looks across the
batch, so training and evaluation compute the same thing and there are no running statistics.

Written with elementary ops, the graph would hold a mean, a difference, a square, another mean,
a square root and a division, each a temporary the size of the input. As one operation the
forward keeps only ``x_hat`` and ``1 / std``, and the backward is the closed form

    g = grad * weight
    grad_x = (g - mean(g) - x_hat * mean(g * x_hat)) / std      (means over the D features)

derived by differentiating through the mean and the variance: the ``mean(g)`` term is what the
shared mean takes away, the ``x_hat * mean(g * x_hat)`` term what the shared variance does.
"""

from __future__ import annotations

import numpy as np

from tinytorch.function import Function


class LayerNorm(Function):
    """Normalise ``x`` over its last ``len(weight.shape)`` dimensions, then scale and shift.

    Inputs: ``x`` (*, *normalized_shape), ``weight`` and ``bias`` (*normalized_shape).

    Args:
        eps: added to the variance (inside the square root) so that a constant row does not
            divide by zero.
    """

    def __init__(self, eps: float = 1e-5) -> None:
        self.eps = eps

    def forward(self, x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
        axes = tuple(range(x.ndim - weight.ndim, x.ndim))
        centered = x - x.mean(axis=axes, keepdims=True)
        var = np.mean(centered * centered, axis=axes, keepdims=True)
        self.inv_std = 1.0 / np.sqrt(var + self.eps)
        self.x_hat = centered * self.inv_std
        return self.x_hat * weight + bias

    def backward(self, grad: np.ndarray):
        x, weight, _ = self.inputs
        axes = tuple(range(x.ndim - weight.ndim, x.ndim))
        leading = tuple(range(x.ndim - weight.ndim))
        grad_x = grad_weight = grad_bias = None
        if self.needs_input_grad[0]:
            g = grad * weight
            mean_g = g.mean(axis=axes, keepdims=True)
            mean_gx = (g * self.x_hat).mean(axis=axes, keepdims=True)
            grad_x = (g - mean_g - self.x_hat * mean_gx) * self.inv_std
        if self.needs_input_grad[1]:
            grad_weight = (grad * self.x_hat).sum(axis=leading)
        if self.needs_input_grad[2]:
            grad_bias = grad.sum(axis=leading)
        return grad_x, grad_weight, grad_bias
