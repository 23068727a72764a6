"""RMSprop: divide each step by a running root-mean-square of recent gradients.

Proposed by Hinton in a 2012 lecture: keep ``v``, an exponential average of ``g * g``, and step
by ``g / sqrt(v)``. Parameters whose gradients are usually large take smaller steps, those with
small gradients larger ones, so one learning rate suits every layer. Adam is RMSprop plus
momentum plus bias correction; RMSprop's ``centered`` variant divides by an estimate of the
gradient's standard deviation instead of its root-mean-square.
"""

from __future__ import annotations

import numpy as np

from tinytorch.creation import zeros_like
from tinytorch.optim.optimizer import Optimizer, _check_at_least
from tinytorch.tensor import Tensor


class RMSprop(Optimizer):
    """RMSprop, as ``torch.optim.RMSprop``.

    Each step, with ``g`` the gradient (negated when ``maximize``)::

        g = g + weight_decay * p                      (if weight_decay != 0)
        v = alpha * v + (1 - alpha) * g * g
        a = alpha * a + (1 - alpha) * g; s = v - a*a  (if centered, else s = v)
        b = momentum * b + g / (sqrt(s) + eps)        (if momentum > 0)
        p = p - lr * b   or, without momentum,   p = p - lr * g / (sqrt(s) + eps)

    Args:
        params: tensors or parameter groups to optimize.
        lr: learning rate.
        alpha: decay rate of the squared-gradient average.
        eps: added to the denominator so it is never zero.
        weight_decay: L2 penalty coefficient.
        momentum: momentum factor (0 disables it).
        centered: normalize by the gradient's estimated variance instead of its mean square.
        maximize: climb the objective instead of descending it.
    """

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "alpha": alpha,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "centered": centered,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _validate(self, group: dict) -> None:
        super()._validate(group)
        for name in ("alpha", "eps", "weight_decay", "momentum"):
            _check_at_least(group, name, 0.0)

    def _update(self, param: Tensor, grad: np.ndarray, state: dict, group: dict) -> None:
        if not state:
            state["step"] = 0
            state["square_avg"] = zeros_like(param)
            if group["momentum"] > 0:
                state["momentum_buffer"] = zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = zeros_like(param)
        state["step"] += 1
        alpha = group["alpha"]
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * param.data
        square_avg = state["square_avg"].data
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = state["grad_avg"].data
            grad_avg *= alpha
            grad_avg += (1 - alpha) * grad
            # v - a*a is a variance (>= 0); clamp away float rounding that would give sqrt(-0.0001).
            average = np.sqrt(np.maximum(square_avg - grad_avg * grad_avg, 0.0)) + group["eps"]
        else:
            average = np.sqrt(square_avg) + group["eps"]
        if group["momentum"] > 0:
            buffer = state["momentum_buffer"].data
            buffer *= group["momentum"]
            buffer += grad / average
            param.data -= group["lr"] * buffer
        else:
            param.data -= group["lr"] * grad / average
