"""The Function: one differentiable operation, its forward and its backward side by side.

Every tensor operation in tinytorch is a small subclass of :class:`Function`::

    class Mul(Function):
        def forward(self, a, b):          # NumPy arrays in, a NumPy array out
            return a * b

        def backward(self, grad):         # dLoss/dOut in, dLoss/dInput for each input out
            a, b = self.inputs
            return grad * b, grad * a

``Tensor.__mul__`` only calls ``Mul.apply(self, other)``. Stage 01 writes the ``forward``
of each operation; stage 05 comes back to write each ``backward`` and teaches ``apply`` to
remember who made each tensor, which is all a computation graph is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

# The module, not the class: tensor.py imports this file, so while this line runs the Tensor
# class does not exist yet. By the time an operation is called, it does.
from tinytorch import tensor as tensor_module
from tinytorch.errors import ShapeError

# isort: split
from tinytorch import autograd


if TYPE_CHECKING:
    from tinytorch.tensor import Tensor


class Function:
    """Base class of differentiable operations.

    Options of an operation (an axis, a shape, a slope) go to ``__init__`` and are stored as
    attributes, so ``backward`` can read them: ``Sum(axis=1)(x)`` or ``Sum.apply(x, axis=1)``.
    """

    #: The NumPy arrays the forward pass received (set by ``apply`` when a graph is recorded).
    inputs: tuple[np.ndarray, ...]
    #: The array the forward pass returned.
    output: np.ndarray
    #: The tensors the inputs came from: the edges of the computation graph.
    parents: tuple[Tensor, ...]
    #: For each input, whether it wants a gradient (``backward`` may skip the others).
    needs_input_grad: tuple[bool, ...]

    def forward(self, *inputs: np.ndarray) -> np.ndarray:
        """Compute the result from NumPy arrays. Subclasses override this."""
        raise NotImplementedError(f"{type(self).__name__} has no forward")

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, ...] | np.ndarray | None:
        """Given dLoss/dOutput, return dLoss/dInput for each input (``None`` if not needed).

        Each returned gradient must have its input's shape: undo any broadcasting with
        :func:`unbroadcast`.
        """
        raise NotImplementedError(f"{type(self).__name__} has no backward")

    def __call__(self, *tensors: Tensor) -> Tensor:
        """Run ``forward`` on the tensors' data and wrap the result in a new Tensor."""
        arrays = tuple([t.data for t in tensors])
        try:
            data = self.forward(*arrays)
        except ValueError as error:
            # A forward fails with ValueError only when its inputs' shapes do not fit (NumPy's
            # broadcasting and reshape errors, matmul's inner sizes): report it as ShapeError,
            # which is PyTorch's RuntimeError too. Problems of another kind, such as an
            # integer to a negative power, are checked before the operation runs.
            shapes = " and ".join(str(a.shape) for a in arrays)
            raise ShapeError(f"{type(self).__name__} got shapes {shapes}: {error}") from None
        out = tensor_module.Tensor._wrap(data)
        if autograd.is_grad_enabled():
            needs_input_grad = tuple([t.requires_grad for t in tensors])
            if True in needs_input_grad and out.data.dtype.kind == "f":
                # Record the graph: the output remembers this Function, which remembers its
                # inputs. Tensor.backward walks these links in reverse. (Integer results,
                # such as x.long(), have no gradient and are never recorded.)
                self.inputs, self.output, self.parents = arrays, out.data, tensors
                self.needs_input_grad = needs_input_grad
                out.grad_fn = self
                out.requires_grad = True
        return out

    @classmethod
    def apply(cls, *tensors: Tensor, **options) -> Tensor:
        """Shorthand for ``cls(**options)(*tensors)``."""
        return cls(**options)(*tensors)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}Backward0>"  # PyTorch's spelling: <MulBackward0>


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` down to ``shape``, undoing NumPy broadcasting.

    When ``a`` of shape (3, 1) meets ``b`` of shape (4,), NumPy stretches both to (3, 4): each
    element of ``a`` was used 4 times, so its gradient is the sum over those 4 uses.
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad
