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
        # TODO: apply the RMSprop rule of the class docstring to param.data, in place.
        # HINT: on the first call create state["step"] = 0 and a zero Tensor "square_avg",
        #   plus "momentum_buffer" if momentum > 0 and "grad_avg" if centered.
        raise NotImplementedError(
            "stage 06: RMSprop._update: apply the RMSprop rule of the class docstring to param.data, in place."
        )
