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
        raise NotImplementedError("Reshape.backward arrives in stage 05 (Autograd)")


class Permute(Function):
    """Reorder dimensions: output dim i is input dim ``dims[i]``."""

    def __init__(self, dims: tuple[int, ...]) -> None:
        self.dims = dims

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.transpose(x, self.dims)

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Permute.backward arrives in stage 05 (Autograd)")


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
        raise NotImplementedError("GetItem.backward arrives in stage 05 (Autograd)")


class Cat(Function):
    """Join tensors end to end along an existing dimension ``dim`` (``torch.cat``)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, *xs: np.ndarray) -> np.ndarray:
        return np.concatenate(xs, axis=self.dim)

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Cat.backward arrives in stage 05 (Autograd)")


class Stack(Function):
    """Join equally shaped tensors along a new dimension ``dim`` (``torch.stack``)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, *xs: np.ndarray) -> np.ndarray:
        return np.stack(xs, axis=self.dim)

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Stack.backward arrives in stage 05 (Autograd)")
