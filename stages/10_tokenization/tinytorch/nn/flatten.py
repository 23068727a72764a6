"""Flatten and Identity: two layers that compute nothing, and are useful anyway.

``Flatten`` turns a batch of images (N, C, H, W) into rows (N, C*H*W) so a ``Linear`` layer can
take them; it keeps dimension 0, the batch, by default. ``Identity`` returns its input: a
placeholder where a model's structure wants a layer but the computation wants none (e.g. to
remove a classifier head: ``model.head = Identity()``).
"""

from __future__ import annotations

from tinytorch.nn.module import Module
from tinytorch.tensor import Tensor


class Flatten(Module):
    """Merge dimensions ``start_dim`` to ``end_dim`` (inclusive) into one."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Identity(Module):
    """Returns its input unchanged; any constructor arguments are ignored, as in PyTorch."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input
