"""Shape operations: reshape, permute (transpose), indexing, and joining tensors (cat, stack).

None of these compute anything: they rearrange elements. So their backward passes rearrange the
gradient the opposite way: reshape back, permute back, scatter back into the indexed places.
"""

from __future__ import annotations

import numpy as np

from tinytorch.function import Function


class Reshape(Function):
    """The same elements in a new shape (one dimension may be -1)."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x.reshape(self.shape)

    def backward(self, grad: np.ndarray):
        (x,) = self.inputs
        return (grad.reshape(x.shape),)


class Permute(Function):
    """Reorder dimensions: output dim i is input dim ``dims[i]``."""

    def __init__(self, dims: tuple[int, ...]) -> None:
        self.dims = dims

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.transpose(x, self.dims)

    def backward(self, grad: np.ndarray):
        return (np.transpose(grad, np.argsort(self.dims)),)


def is_basic_index(index) -> bool:
    """True for ints, slices, None and Ellipsis: indexing that never repeats an element."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, (int, np.integer, slice, type(None), type(Ellipsis))) for p in parts)


class GetItem(Function):
    """``x[index]`` with NumPy's basic and advanced indexing."""

    def __init__(self, index) -> None:
        self.index = index

    def forward(self, x: np.ndarray) -> np.ndarray:
        try:
            return x[self.index]
        except IndexError as error:
            raise IndexError(
                f"index {self.index!r} is invalid for shape {x.shape}: {error}"
            ) from None

    def backward(self, grad: np.ndarray):
        (x,) = self.inputs
        full = np.zeros(x.shape, dtype=grad.dtype)
        if is_basic_index(self.index):
            full[self.index] = grad
        else:
            np.add.at(full, self.index, grad)
        return (full,)


class Cat(Function):
    """Join tensors end to end along an existing dimension ``dim`` (``torch.cat``)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, *xs: np.ndarray) -> np.ndarray:
        return np.concatenate(xs, axis=self.dim)

    def backward(self, grad: np.ndarray):
        sizes = [x.shape[self.dim] for x in self.inputs]
        return tuple(np.split(grad, np.cumsum(sizes)[:-1], axis=self.dim))


class Stack(Function):
    """Join equally shaped tensors along a new dimension ``dim`` (``torch.stack``)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, *xs: np.ndarray) -> np.ndarray:
        return np.stack(xs, axis=self.dim)

    def backward(self, grad: np.ndarray):
        return tuple(np.moveaxis(grad, self.dim, 0))
