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
        # TODO: return x in self.shape (NumPy infers a -1 dimension).
        raise NotImplementedError(
            "stage 01: Reshape.forward: return x in self.shape (NumPy infers a -1 dimension)."
        )

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Reshape.backward arrives in stage 05 (Autograd)")


class Permute(Function):
    """Reorder dimensions: output dim i is input dim ``dims[i]``."""

    def __init__(self, dims: tuple[int, ...]) -> None:
        self.dims = dims

    def forward(self, x: np.ndarray) -> np.ndarray:
        # TODO: return x with its axes reordered by self.dims.
        raise NotImplementedError(
            "stage 01: Permute.forward: return x with its axes reordered by self.dims."
        )

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
        # TODO: return x[self.index]; turn NumPy's IndexError into one naming x's shape.
        raise NotImplementedError(
            "stage 01: GetItem.forward: return x[self.index]; turn NumPy's IndexError into one naming x's shape."
        )

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("GetItem.backward arrives in stage 05 (Autograd)")


class Cat(Function):
    """Join tensors end to end along an existing dimension ``dim`` (``torch.cat``)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, *xs: np.ndarray) -> np.ndarray:
        # TODO: join the arrays along self.dim.
        # HINT: np.concatenate takes a sequence of arrays and an axis.
        raise NotImplementedError("stage 01: Cat.forward: join the arrays along self.dim.")

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Cat.backward arrives in stage 05 (Autograd)")


class Stack(Function):
    """Join equally shaped tensors along a new dimension ``dim`` (``torch.stack``)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, *xs: np.ndarray) -> np.ndarray:
        # TODO: stack the arrays along a new axis self.dim.
        raise NotImplementedError(
            "stage 01: Stack.forward: stack the arrays along a new axis self.dim."
        )

    def backward(self, grad: np.ndarray):
        raise NotImplementedError("Stack.backward arrives in stage 05 (Autograd)")
