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
        # TODO: return x_hat * weight + bias, x_hat normalised with batch or running statistics.
        # HINT: training: the batch mean and biased variance (and update the running
        #   statistics in place, `*=` and `+=`, with the unbiased variance var * M / (M - 1));
        #   evaluation: the running ones. Reduce over every axis but 1 with keepdims=True
        #   (dtype=np.float64 keeps the sums exact enough; cast back), and reshape (C,) arrays
        #   to (1, C, 1, 1) to broadcast. Keep x_hat and 1/std for backward.
        raise NotImplementedError(
            "stage 09: BatchNorm.forward: return x_hat * weight + bias, x_hat normalised with batch or running statistics."
        )

    def backward(self, grad: np.ndarray):
        # TODO: return (grad_x, grad_weight, grad_bias).
        # HINT: grad_bias = sum(grad), grad_weight = sum(grad * x_hat) over all axes but 1.
        #   With g = grad * weight: in evaluation grad_x = g / std; in training the batch
        #   statistics depend on x too, which gives
        #   grad_x = (g - mean(g) - x_hat * mean(g * x_hat)) / std  (means over axes but 1).
        raise NotImplementedError(
            "stage 09: BatchNorm.backward: return (grad_x, grad_weight, grad_bias)."
        )
