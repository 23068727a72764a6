"""Gradient clipping, as ``torch.nn.utils``.

One bad batch (an outlier, a loss spike in a recurrent or attention model) can produce a
gradient thousands of times larger than usual, and one step along it can wreck the weights.
Clipping the *global* norm rescales all gradients together when their combined length
exceeds ``max_norm``: the direction of the step is kept, only its length is capped.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from tinytorch.tensor import Tensor


def _with_grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    """The parameters (a tensor or an iterable of them) that have a gradient."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    params = list(parameters)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"expected Tensors (parameters), got {type(p).__name__}")
    return [p for p in params if p.grad is not None]


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """Scale the gradients in place so that their global norm is at most ``max_norm``.

    The global norm treats every gradient as one long vector:
    ``total = norm([norm(g1), norm(g2), ...])`` with the p-norm ``norm_type`` (``inf`` for
    the largest absolute value). When ``total > max_norm`` every gradient is multiplied by
    ``max_norm / (total + 1e-6)``, as in PyTorch; a nan norm makes every gradient nan, so a
    broken step cannot pass for a good one.

    ``error_if_nonfinite=True`` raises instead of clipping when the norm is inf or nan.
    ``foreach`` is accepted for PyTorch compatibility (NumPy has one code path).

    Returns:
        the total norm *before* clipping (a 0-d tensor): log it, it is the best early
        warning of a diverging run.
    """
    if isinstance(norm_type, str) and norm_type == "inf":
        norm_type = math.inf
    norm_type = float(norm_type)
    if not max_norm >= 0:
        raise ValueError(f"max_norm must be >= 0, got {max_norm}")
    if not norm_type > 0:
        raise ValueError(f"norm_type must be a positive number or inf, got {norm_type}")
    grads = [p.grad.data for p in _with_grads(parameters)]
    if not grads:
        return Tensor(0.0)
    norms = np.array([np.linalg.norm(g.ravel().astype(np.float64), ord=norm_type) for g in grads])
    total = float(np.linalg.norm(norms, ord=norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"the total norm of order {norm_type} of the gradients is {total}; set "
            "error_if_nonfinite=False to clip anyway"
        )
    coefficient = max_norm / (total + 1e-6)
    if not coefficient >= 1.0:  # also when the norm is nan: nan gradients say the step broke
        for g in grads:
            g *= coefficient
    return Tensor(np.asarray(total, dtype=grads[0].dtype))


def clip_grad_value_(
    parameters: Tensor | Iterable[Tensor], clip_value: float, foreach: bool | None = None
) -> None:
    """Clamp every gradient element into ``[-clip_value, clip_value]``, in place.

    Cruder than :func:`clip_grad_norm_`: it changes the gradient's direction, not only its
    length. ``foreach`` is accepted for PyTorch compatibility.
    """
    if not clip_value >= 0:
        raise ValueError(f"clip_value must be >= 0, got {clip_value}")
    for p in _with_grads(parameters):
        np.clip(p.grad.data, -clip_value, clip_value, out=p.grad.data)
