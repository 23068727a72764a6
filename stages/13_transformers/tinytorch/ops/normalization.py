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
        # TODO: return x_hat * weight + bias, x_hat = (x - mean) / sqrt(var + eps) per example.
        # HINT: the statistics run over the last weight.ndim axes (keepdims=True), and the
        #   variance is the biased one (divide by D, as np.var does by default). Keep x_hat
        #   and 1 / sqrt(var + eps) on self for backward (eps is a Python float, so float32
        #   stays float32).
        raise NotImplementedError(
            "stage 13: LayerNorm.forward: return x_hat * weight + bias, x_hat = (x - mean) / sqrt(var + eps) per example."
        )

    def backward(self, grad: np.ndarray):
        # TODO: return (grad_x, grad_weight, grad_bias) in closed form.
        # HINT: with g = grad * weight and means over the normalized axes,
        #   grad_x = (g - mean(g) - x_hat * mean(g * x_hat)) / std. grad_weight and grad_bias
        #   sum grad * x_hat and grad over the *leading* axes (every axis but the normalized
        #   ones). Only compute what self.needs_input_grad asks for.
        raise NotImplementedError(
            "stage 13: LayerNorm.backward: return (grad_x, grad_weight, grad_bias) in closed form."
        )
