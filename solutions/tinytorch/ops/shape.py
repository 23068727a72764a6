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
        # BEGIN SOLUTION
        # TODO: return x in self.shape (NumPy infers a -1 dimension).
        return x.reshape(self.shape)
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: reshape the gradient back to the input's shape.
        (x,) = self.inputs
        return (grad.reshape(x.shape),)
        # END SOLUTION


class Permute(Function):
    """Reorder dimensions: output dim i is input dim ``dims[i]``."""

    def __init__(self, dims: tuple[int, ...]) -> None:
        self.dims = dims

    def forward(self, x: np.ndarray) -> np.ndarray:
        # BEGIN SOLUTION
        # TODO: return x with its axes reordered by self.dims.
        return np.transpose(x, self.dims)
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: apply the inverse permutation (np.argsort(self.dims)) to the gradient.
        return (np.transpose(grad, np.argsort(self.dims)),)
        # END SOLUTION


def is_basic_index(index) -> bool:
    """True for ints, slices, None and Ellipsis: indexing that never repeats an element."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, (int, np.integer, slice, type(None), type(Ellipsis))) for p in parts)


class GetItem(Function):
    """``x[index]`` with NumPy's basic and advanced indexing."""

    def __init__(self, index) -> None:
        self.index = index

    def forward(self, x: np.ndarray) -> np.ndarray:
        # BEGIN SOLUTION
        # TODO: return x[self.index]; turn NumPy's IndexError into one naming x's shape.
        try:
            return x[self.index]
        except IndexError as error:
            raise IndexError(
                f"index {self.index!r} is invalid for shape {x.shape}: {error}"
            ) from None
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: scatter grad into zeros of the input's shape at self.index.
        # HINT: advanced indices can pick an element twice (x[[0, 0]]): accumulate with
        #   np.add.at there; is_basic_index(self.index) says when plain assignment is enough.
        (x,) = self.inputs
        full = np.zeros(x.shape, dtype=grad.dtype)
        if is_basic_index(self.index):
            full[self.index] = grad
        else:
            np.add.at(full, self.index, grad)
        return (full,)
        # END SOLUTION


class Cat(Function):
    """Join tensors end to end along an existing dimension ``dim`` (``torch.cat``)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, *xs: np.ndarray) -> np.ndarray:
        # BEGIN SOLUTION
        # TODO: join the arrays along self.dim.
        # HINT: np.concatenate takes a sequence of arrays and an axis.
        return np.concatenate(xs, axis=self.dim)
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: cut grad back into pieces as long as each input along self.dim.
        # HINT: np.split(grad, cut_points, axis) with the running totals of the sizes as the
        #   cut points (np.cumsum of the sizes, without the last one).
        sizes = [x.shape[self.dim] for x in self.inputs]
        return tuple(np.split(grad, np.cumsum(sizes)[:-1], axis=self.dim))
        # END SOLUTION


class Stack(Function):
    """Join equally shaped tensors along a new dimension ``dim`` (``torch.stack``)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, *xs: np.ndarray) -> np.ndarray:
        # BEGIN SOLUTION
        # TODO: stack the arrays along a new axis self.dim.
        return np.stack(xs, axis=self.dim)
        # END SOLUTION

    def backward(self, grad: np.ndarray):
        # BEGIN SOLUTION stage=05
        # TODO: input i gets the slice i of grad along self.dim.
        # HINT: np.moveaxis(grad, self.dim, 0) puts that axis first; iterating over it then
        #   yields one slice per input.
        return tuple(np.moveaxis(grad, self.dim, 0))
        # END SOLUTION
