"""Stochastic gradient descent, with momentum, Nesterov momentum and weight decay.

Plain SGD steps against the gradient: ``p -= lr * g``. On a long narrow valley that zig-zags
across the valley and crawls along it. Momentum keeps a running sum of past steps (a
"velocity" ``b = momentum * b + g``) and steps along it instead: the zig-zags cancel, the
consistent direction accumulates, and progress speeds up by up to ``1 / (1 - momentum)``.
Nesterov's variant looks one step ahead (``g + momentum * b``), which damps overshooting.
"""

from __future__ import annotations

import numpy as np

from tinytorch.optim.optimizer import Optimizer, _check_at_least
from tinytorch.tensor import Tensor


class SGD(Optimizer):
    """Stochastic gradient descent, as ``torch.optim.SGD``.

    Each step, with ``g`` the gradient (negated when ``maximize``)::

        g = g + weight_decay * p                          (if weight_decay != 0)
        b = g on the first step, else momentum * b + (1 - dampening) * g
        g = g + momentum * b if nesterov else b           (if momentum != 0)
        p = p - lr * g

    Args:
        params: tensors or parameter groups to optimize.
        lr: learning rate (step size).
        momentum: momentum factor (0 disables momentum and its buffer).
        dampening: how much of the new gradient is left out of the momentum buffer.
        weight_decay: L2 penalty coefficient, added to the gradient.
        nesterov: use Nesterov momentum (needs momentum > 0 and dampening = 0).
        maximize: climb the objective instead of descending it.
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _validate(self, group: dict) -> None:
        super()._validate(group)
        _check_at_least(group, "momentum", 0.0)
        _check_at_least(group, "weight_decay", 0.0)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                "Nesterov momentum requires a momentum > 0 and zero dampening, got "
                f"momentum={group['momentum']} and dampening={group['dampening']}"
            )

    def _update(self, param: Tensor, grad: np.ndarray, state: dict, group: dict) -> None:
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * param.data
        momentum = group["momentum"]
        if momentum != 0:
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = Tensor(grad)  # Tensor() copies the array
            else:
                buffer = state["momentum_buffer"].data
                buffer *= momentum
                buffer += (1 - group["dampening"]) * grad
            buffer = state["momentum_buffer"].data
            grad = grad + momentum * buffer if group["nesterov"] else buffer
        param.data -= group["lr"] * grad
