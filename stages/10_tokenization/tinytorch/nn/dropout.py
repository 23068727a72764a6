"""Dropout: randomly silence units during training, so no unit can rely on another.

In training mode each element is zeroed with probability ``p`` and the survivors are scaled by
``1 / (1 - p)`` ("inverted" dropout). The scaling keeps every element's expected value equal to
its input: ``E[out] = (1 - p) * x / (1 - p) = x``. So in evaluation mode dropout can simply be
the identity, and the next layer sees inputs of the same scale in both modes.

The mask comes from ``tinytorch.random``, so ``tinytorch.manual_seed`` fixes it. Because the
output is ``input * mask`` (an ordinary multiplication by a constant), its gradient is the
same mask: dropped units get no gradient.
"""

from __future__ import annotations

from tinytorch.nn.module import Module
from tinytorch.random import default_generator
from tinytorch.tensor import Tensor, _to_float


def _check_probability(p) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p!r}")
    return float(p)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    The identity when ``training`` is False. ``inplace`` is accepted for PyTorch
    compatibility; a new tensor is always returned.
    """
    p = _check_probability(p)
    if not training or p == 0.0:
        return input
    input = _to_float(input)
    keep = default_generator().random(input.shape) >= p
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    mask = keep.astype(input.dtype) * scale
    return input * Tensor._wrap(mask)


class Dropout(Module):
    """Inverted dropout with probability ``p`` (default 0.5); the identity in ``eval()`` mode."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        self.p = _check_probability(p)
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return dropout(input, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
