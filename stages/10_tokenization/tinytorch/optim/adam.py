"""Adam and AdamW: a step size for every parameter, adapted from its gradient's history.

SGD uses one learning rate for every parameter, but gradients differ wildly in scale from
layer to layer. Adam keeps two running averages per parameter: ``m`` of the gradient (a
momentum that smooths noise) and ``v`` of its square (how large gradients usually are), and
steps by ``m / sqrt(v)``: every parameter moves by about ``lr`` per step, whatever its scale.

Both averages start at zero, so early on they are biased towards zero; dividing by
``1 - beta ** t`` removes that bias (after one step ``m / (1 - beta1)`` is exactly ``g``).

The price is memory: two extra arrays the size of the parameters (see this stage's systems
script). AdamW differs in one line: its weight decay shrinks the weights directly instead of
being added to the gradient, where Adam's scaling would weaken it for large-gradient weights.
"""

from __future__ import annotations

import math

import numpy as np

from tinytorch.creation import zeros_like
from tinytorch.optim.optimizer import Optimizer, _check_at_least
from tinytorch.tensor import Tensor


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), as ``torch.optim.Adam``.

    Each step ``t = 1, 2, ...``, with ``g`` the gradient (negated when ``maximize``)::

        g = g + weight_decay * p                (AdamW instead: p = p - lr * weight_decay * p)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        v_max = max(v_max, v); use v_max for v  (if amsgrad)
        p = p - lr * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + eps)

    Args:
        params: tensors or parameter groups to optimize.
        lr: learning rate.
        betas: decay rates of the gradient average and of the squared-gradient average.
        eps: added to the denominator so it is never zero.
        weight_decay: L2 penalty coefficient (added to the gradient).
        amsgrad: divide by the largest ``v`` seen so far (Reddi et al., 2018).
        maximize: climb the objective instead of descending it.
    """

    #: AdamW sets this: weight decay shrinks the weights instead of joining the gradient.
    decoupled_weight_decay = False

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _validate(self, group: dict) -> None:
        super()._validate(group)
        _check_at_least(group, "eps", 0.0)
        _check_at_least(group, "weight_decay", 0.0)
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"invalid beta at index {i}: expected 0 <= beta < 1, got {beta}")

    def _update(self, param: Tensor, grad: np.ndarray, state: dict, group: dict) -> None:
        if not state:
            state["step"] = 0
            state["exp_avg"] = zeros_like(param)
            state["exp_avg_sq"] = zeros_like(param)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = zeros_like(param)
        state["step"] += 1
        step, lr = state["step"], group["lr"]
        beta1, beta2 = group["betas"]
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            if self.decoupled_weight_decay:
                param.data *= 1 - lr * group["weight_decay"]
            else:
                grad = grad + group["weight_decay"] * param.data
        m, v = state["exp_avg"].data, state["exp_avg_sq"].data
        m *= beta1
        m += (1 - beta1) * grad
        v *= beta2
        v += (1 - beta2) * grad * grad
        if group["amsgrad"]:
            v = np.maximum(state["max_exp_avg_sq"].data, v, out=state["max_exp_avg_sq"].data)
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        denominator = np.sqrt(v) / math.sqrt(bias_correction2) + group["eps"]
        param.data -= (lr / bias_correction1) * m / denominator


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019), as ``torch.optim.AdamW``.

    Before the Adam step, the weights shrink: ``p = p - lr * weight_decay * p``. Unlike
    Adam's L2 term, this decay is the same for every weight, whatever its gradient history.
    Its default ``weight_decay`` is 1e-2, PyTorch's.
    """

    decoupled_weight_decay = True

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)
