"""Batch normalization as one fused operation, forward and backward.

Batch norm standardises every channel over the batch (and, for images, over all pixels):
``x_hat = (x - mean) / sqrt(var + eps)``, then rescales it with a learned ``weight`` and
``bias``. Built from elementary ops, the graph would hold a dozen temporaries the size of the
input; written as one operation it keeps only ``x_hat``, and its backward is three reductions.

Training and evaluation differ:

- **training**: ``mean`` and ``var`` are the batch's own statistics (the biased variance,
  dividing by the count M), and each call moves the running estimates toward them:
  ``running = (1 - momentum) * running + momentum * batch``, where the running variance takes
  the *unbiased* batch variance (dividing by M - 1), as PyTorch does.
- **evaluation**: the running estimates are used, so one example's output no longer depends
  on the rest of its batch; normalisation becomes a fixed per-channel affine map.
"""

from __future__ import annotations

import numpy as np

from tinytorch.function import Function


class BatchNorm(Function):
    """Normalise ``x`` (N, C, ...) per channel C, then scale by ``weight`` and shift by ``bias``.

    Args:
        running_mean, running_var: (C,) arrays updated in place in training mode (either may be
            None: no running statistics); the statistics used in evaluation mode.
        training: use (and record) batch statistics, or use the running ones.
        momentum: how far the running estimates move toward each batch's statistics.
        eps: added to the variance so a constant channel does not divide by zero.
    """

    def __init__(
        self,
        running_mean: np.ndarray | None = None,
        running_var: np.ndarray | None = None,
        training: bool = True,
        momentum: float = 0.1,
        eps: float = 1e-5,
    ) -> None:
        self.running_mean, self.running_var = running_mean, running_var
        self.training, self.momentum, self.eps = training, momentum, eps

    def forward(self, x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
        axes = (0, *range(2, x.ndim))
        shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
        if self.training:
            # Accumulate in float64 (as PyTorch does on the CPU): a float32 sum of many values
            # drifts, and a constant channel must give x - mean == 0 exactly.
            mean = x.mean(axis=axes, keepdims=True, dtype=np.float64).astype(x.dtype)
            centered = x - mean
            var = np.mean(centered * centered, axis=axes, keepdims=True, dtype=np.float64)
            var = var.astype(x.dtype)
            count = x.size // x.shape[1]
            m = self.momentum
            if self.running_mean is not None:
                self.running_mean *= 1.0 - m
                self.running_mean += m * mean.reshape(-1)
            if self.running_var is not None:
                self.running_var *= 1.0 - m
                self.running_var += (m * count / (count - 1)) * var.reshape(-1)
        else:
            centered = x - self.running_mean.reshape(shape)
            var = self.running_var.reshape(shape)
        self.inv_std = (1.0 / np.sqrt(var + self.eps)).astype(x.dtype, copy=False)
        self.x_hat = centered * self.inv_std
        return self.x_hat * weight.reshape(shape) + bias.reshape(shape)

    def backward(self, grad: np.ndarray):
        x, weight, _ = self.inputs
        axes = (0, *range(2, x.ndim))
        shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
        grad_x = grad_weight = grad_bias = None
        if self.needs_input_grad[0]:
            g = grad * weight.reshape(shape)
            if self.training:
                mean_g = g.mean(axis=axes, keepdims=True)
                mean_gx = (g * self.x_hat).mean(axis=axes, keepdims=True)
                g = g - mean_g - self.x_hat * mean_gx
            grad_x = g * self.inv_std
        if self.needs_input_grad[1]:
            grad_weight = (grad * self.x_hat).sum(axis=axes)
        if self.needs_input_grad[2]:
            grad_bias = grad.sum(axis=axes)
        return grad_x, grad_weight, grad_bias
