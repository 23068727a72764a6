"""Binary cross-entropy as operations of their own, written to never overflow.

Most losses are compositions of operations that already exist (cross-entropy is log_softmax
followed by picking one entry per row), so their gradients come for free. Binary
cross-entropy gets its own :class:`~tinytorch.function.Function` because the composed version
is fragile at the extremes: ``log(0)`` is ``-inf``, and ``sigmoid`` followed by ``log`` loses
everything for large logits. Written directly, each has a short, exact, stable formula, and
a famously simple gradient (``sigmoid(x) - y`` for the logits version).

Both return the *elementwise* loss; weights and the reduction are applied by the caller
(``tinytorch.nn.functional``).
"""

from __future__ import annotations

import numpy as np

from tinytorch.function import Function

#: PyTorch clamps each log term of binary cross-entropy at -100, so a confident mistake
#: costs 100 instead of infinity.
LOG_FLOOR = -100.0
#: PyTorch's floor on x (1 - x) in the gradient of binary cross-entropy.
GRAD_EPS = 1e-12


def _clamped_logs(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """log(x) and log(1 - x), each clamped below at LOG_FLOOR (log(0) is not an error here)."""
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(x), LOG_FLOOR), np.maximum(np.log(1 - x), LOG_FLOOR)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) without overflow: exp(-|x|) is at most 1."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


class BinaryCrossEntropy(Function):
    """-(y log x + (1 - y) log(1 - x)) elementwise, for probabilities x in [0, 1]."""

    def forward(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        log_x, log_1mx = _clamped_logs(x)
        return -(y * log_x + (1 - y) * log_1mx)

    def backward(self, grad: np.ndarray):
        x, y = self.inputs
        grad_x = grad * (x - y) / np.maximum(x * (1 - x), GRAD_EPS)
        grad_y = None
        if self.needs_input_grad[1]:
            log_x, log_1mx = _clamped_logs(x)
            grad_y = grad * (log_1mx - log_x)
        return grad_x, grad_y


class BinaryCrossEntropyWithLogits(Function):
    """-(p y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))) elementwise, for logits x.

    ``pos_weight`` (p, default 1) scales the loss of positive targets; it broadcasts against
    the last dimension (one weight per class).
    """

    def __init__(self, pos_weight: np.ndarray | None = None) -> None:
        self.pos_weight = pos_weight

    def forward(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        log_term = np.log1p(np.exp(-np.abs(x)))
        loss = np.maximum(x, 0) - x * y + log_term
        if self.pos_weight is not None:
            loss = loss + (self.pos_weight - 1) * y * (np.maximum(-x, 0) + log_term)
        return loss

    def backward(self, grad: np.ndarray):
        x, y = self.inputs
        s = _sigmoid(x)
        grad_x = s - y
        if self.pos_weight is not None:
            grad_x = grad_x + (self.pos_weight - 1) * y * (s - 1)
        grad_y = None
        if self.needs_input_grad[1]:
            grad_y = -x
            if self.pos_weight is not None:
                softplus = np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))
                grad_y = grad_y + (self.pos_weight - 1) * softplus
            grad_y = grad * grad_y
        return grad * grad_x, grad_y
