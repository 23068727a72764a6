"""The ``torch.*`` functions: ``tinytorch.exp(x)``, ``tinytorch.matmul(a, b)``, ``tinytorch.cat``.

PyTorch offers most operations twice, as a method (``x.exp()``) and as a function of the
``torch`` namespace (``torch.exp(x)``), and real code uses both. Here each function is the
method under its PyTorch name and signature: ``tinytorch.sum(x, dim=1)`` *is*
``x.sum(dim=1)``, so there is one implementation to learn and to test. A few have no method
because they take several tensors at once (``cat``, ``stack``, ``where``).

Like PyTorch's, these functions want a Tensor as ``input``; a plain number or list is a
TypeError (write ``tinytorch.tensor(...)`` first). The other operand may be a number.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence

import numpy as np

from tinytorch import dtypes
from tinytorch.errors import ShapeError
from tinytorch.ops import elementwise
from tinytorch.ops import shape as shape_ops
from tinytorch.tensor import Tensor, _cast, _normalize_dim


def _tensor(input, name: str) -> Tensor:
    """``input`` itself, or a TypeError saying that ``name`` needs a Tensor."""
    if not isinstance(input, Tensor):
        raise TypeError(
            f"tinytorch.{name}() expects a Tensor as input, got {type(input).__name__}; "
            "wrap it first: tinytorch.tensor(...)"
        )
    return input


# ---------------------------------------------------------------------- elementwise


def add(input: Tensor, other, *, alpha=1) -> Tensor:
    """``input + alpha * other``."""
    return _tensor(input, "add") + (other if alpha == 1 else alpha * other)


def sub(input: Tensor, other, *, alpha=1) -> Tensor:
    """``input - alpha * other``."""
    return _tensor(input, "sub") - (other if alpha == 1 else alpha * other)


def mul(input: Tensor, other) -> Tensor:
    """``input * other``."""
    return _tensor(input, "mul") * other


def div(input: Tensor, other, *, rounding_mode: str | None = None) -> Tensor:
    """``input / other`` (true division: integers give float32).

    PyTorch's ``rounding_mode='trunc'`` and ``'floor'`` are not available: they round the
    quotient, which has no gradient; only the default ``None`` is accepted.
    """
    if rounding_mode is not None:
        raise ValueError(f"div supports rounding_mode=None only, got {rounding_mode!r}")
    return _tensor(input, "div") / other


def pow(input: Tensor, exponent) -> Tensor:
    """``input ** exponent``."""
    return _tensor(input, "pow") ** exponent


def neg(input: Tensor) -> Tensor:
    """``-input``."""
    return -_tensor(input, "neg")


def exp(input: Tensor) -> Tensor:
    """e to the power of each element."""
    return _tensor(input, "exp").exp()


def log(input: Tensor) -> Tensor:
    """The natural logarithm of each element."""
    return _tensor(input, "log").log()


def sqrt(input: Tensor) -> Tensor:
    """The square root of each element."""
    return _tensor(input, "sqrt").sqrt()


def abs(input: Tensor) -> Tensor:
    """The absolute value of each element."""
    return _tensor(input, "abs").abs()


def clamp(input: Tensor, min=None, max=None) -> Tensor:
    """Each element limited to ``[min, max]`` (either bound may be None, or a tensor)."""
    return _tensor(input, "clamp").clamp(min, max)


clip = clamp


def maximum(input: Tensor, other) -> Tensor:
    """The larger of each pair of elements (shapes broadcast)."""
    return _tensor(input, "maximum").maximum(other)


def minimum(input: Tensor, other) -> Tensor:
    """The smaller of each pair of elements (shapes broadcast)."""
    return _tensor(input, "minimum").minimum(other)


def where(condition: Tensor, input, other) -> Tensor:
    """``input`` where ``condition`` is True, else ``other``; all three broadcast together.

    ``condition`` is a bool tensor (a mask, e.g. ``x > 0``); ``input`` and ``other`` are
    tensors or numbers, promoted to a common dtype as in ``input + other``. The gradient goes
    to ``input`` where the condition holds and to ``other`` elsewhere.
    """
    condition = _tensor(condition, "where")
    if condition.dtype != dtypes.bool:
        raise TypeError(f"where expects a bool condition (a mask), got dtype {condition.dtype}")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError("where needs a Tensor as input or as other (or both)")
    x = input if isinstance(input, Tensor) else other._operand(input)
    y = other if isinstance(other, Tensor) else x._operand(other)
    try:
        np.broadcast_shapes(condition.shape, x.shape, y.shape)
    except ValueError:
        raise ShapeError(
            f"where: condition {condition.shape}, input {x.shape} and other {y.shape} do not "
            "broadcast together"
        ) from None
    target = dtypes.promote_operands(x.dtype, x.ndim, y.dtype, y.ndim)
    return elementwise.Where.apply(_cast(x, target), _cast(y, target), condition=condition.data)


def eq(input: Tensor, other) -> Tensor:
    """``input == other`` elementwise, as a bool tensor."""
    return _tensor(input, "eq") == other


def ne(input: Tensor, other) -> Tensor:
    """``input != other`` elementwise, as a bool tensor."""
    return _tensor(input, "ne") != other


def lt(input: Tensor, other) -> Tensor:
    """``input < other`` elementwise, as a bool tensor."""
    return _tensor(input, "lt") < other


def le(input: Tensor, other) -> Tensor:
    """``input <= other`` elementwise, as a bool tensor."""
    return _tensor(input, "le") <= other


def gt(input: Tensor, other) -> Tensor:
    """``input > other`` elementwise, as a bool tensor."""
    return _tensor(input, "gt") > other


def ge(input: Tensor, other) -> Tensor:
    """``input >= other`` elementwise, as a bool tensor."""
    return _tensor(input, "ge") >= other


# ---------------------------------------------------------------------- reductions


def sum(input: Tensor, dim=None, keepdim: builtins.bool = False, *, dtype=None) -> Tensor:
    """The sum over ``dim`` (an int, a tuple, or None for every dimension); ``dtype``
    converts the input first, as in PyTorch."""
    input = _tensor(input, "sum")
    return (input if dtype is None else input.to(dtype)).sum(dim, keepdim)


def mean(input: Tensor, dim=None, keepdim: builtins.bool = False, *, dtype=None) -> Tensor:
    """The mean over ``dim`` (an int, a tuple, or None for every dimension)."""
    input = _tensor(input, "mean")
    return (input if dtype is None else input.to(dtype)).mean(dim, keepdim)


def max(input: Tensor, dim=None, keepdim: builtins.bool = False):
    """The largest element; with ``dim`` a ``(values, indices)`` pair; with a tensor as the
    second argument, the elementwise :func:`maximum` (PyTorch's three forms of ``max``)."""
    return _tensor(input, "max").max(dim, keepdim)


def min(input: Tensor, dim=None, keepdim: builtins.bool = False):
    """The smallest element; with ``dim`` a ``(values, indices)`` pair; with a tensor as
    the second argument, the elementwise :func:`minimum`."""
    return _tensor(input, "min").min(dim, keepdim)


def amax(input: Tensor, dim=(), keepdim: builtins.bool = False) -> Tensor:
    """The largest value over ``dim`` (every dimension by default); ties share the gradient."""
    return _tensor(input, "amax").amax(dim, keepdim)


def amin(input: Tensor, dim=(), keepdim: builtins.bool = False) -> Tensor:
    """The smallest value over ``dim`` (every dimension by default); ties share the gradient."""
    return _tensor(input, "amin").amin(dim, keepdim)


def argmax(input: Tensor, dim=None, keepdim: builtins.bool = False) -> Tensor:
    """The index of the largest element along ``dim`` (of the flattened tensor when None)."""
    return _tensor(input, "argmax").argmax(dim, keepdim)


def argmin(input: Tensor, dim=None, keepdim: builtins.bool = False) -> Tensor:
    """The index of the smallest element along ``dim`` (of the flattened tensor when None)."""
    return _tensor(input, "argmin").argmin(dim, keepdim)


# ---------------------------------------------------------------------- matrix product


def matmul(input: Tensor, other) -> Tensor:
    """The matrix product ``input @ other`` (vectors and broadcast batches too)."""
    return _tensor(input, "matmul").matmul(other)


# ---------------------------------------------------------------------- shape


def numel(input: Tensor) -> int:
    """The number of elements."""
    return _tensor(input, "numel").numel()


def reshape(input: Tensor, shape: Sequence[int]) -> Tensor:
    """The same elements in ``shape`` (one size may be -1)."""
    return _tensor(input, "reshape").reshape(shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Dimensions ``start_dim..end_dim`` merged into one."""
    return _tensor(input, "flatten").flatten(start_dim, end_dim)


def permute(input: Tensor, dims: Sequence[int]) -> Tensor:
    """The dimensions reordered: output dim i is input dim ``dims[i]``."""
    return _tensor(input, "permute").permute(dims)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Dimensions ``dim0`` and ``dim1`` swapped."""
    return _tensor(input, "transpose").transpose(dim0, dim1)


def squeeze(input: Tensor, dim=None) -> Tensor:
    """Size-1 dimensions removed (all of them, or those of ``dim``)."""
    return _tensor(input, "squeeze").squeeze(dim)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """A size-1 dimension inserted at ``dim``."""
    return _tensor(input, "unsqueeze").unsqueeze(dim)


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join ``tensors`` end to end along the existing dimension ``dim``.

    Every tensor has the same number of dimensions and the same sizes except along ``dim``;
    dtypes are promoted to a common one, as in PyTorch. ``cat([a, b], dim=1)`` of shapes
    (2, 3) and (2, 4) is (2, 7).
    """
    tensors = _tensor_list(tensors, "cat")
    first = tensors[0]
    d = _normalize_dim(dim, first.ndim)
    if first.ndim == 0:
        raise ShapeError("cat cannot join 0-d tensors (they have no dim to join along); use stack")
    for i, t in enumerate(tensors):
        others = t.shape[:d] + t.shape[d + 1 :]
        if t.ndim != first.ndim or others != first.shape[:d] + first.shape[d + 1 :]:
            raise ShapeError(
                f"cat along dim {dim}: sizes must match except in dim {dim}, but tensor 0 has "
                f"shape {first.shape} and tensor {i} has shape {t.shape}"
            )
    return shape_ops.Cat.apply(*_common_dtype(tensors), dim=d)


concat = concatenate = cat


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join equally shaped ``tensors`` along a new dimension ``dim``: ``stack`` of three
    (2, 4) tensors is (3, 2, 4) with ``dim=0`` and (2, 4, 3) with ``dim=-1``."""
    tensors = _tensor_list(tensors, "stack")
    first = tensors[0]
    d = _normalize_dim(dim, first.ndim + 1)
    for i, t in enumerate(tensors):
        if t.shape != first.shape:
            raise ShapeError(
                f"stack expects tensors of equal shape, but tensor 0 has shape {first.shape} "
                f"and tensor {i} has shape {t.shape}"
            )
    return shape_ops.Stack.apply(*_common_dtype(tensors), dim=d)


def _tensor_list(tensors, name: str) -> list[Tensor]:
    """``tensors`` as a non-empty list of Tensors, or a TypeError/ValueError saying why not."""
    if isinstance(tensors, Tensor) or not isinstance(tensors, Sequence):
        raise TypeError(f"{name} expects a list or tuple of tensors, got {type(tensors).__name__}")
    if len(tensors) == 0:
        raise ValueError(f"{name} expects a non-empty list of tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{name} expects tensors, but item {i} is {type(t).__name__}")
    return list(tensors)


def _common_dtype(tensors: list[Tensor]) -> list[Tensor]:
    """The tensors cast to the dtype they promote to together."""
    target = tensors[0].dtype
    for t in tensors[1:]:
        target = dtypes.promote_types(target, t.dtype)
    return [_cast(t, target) for t in tensors]


# ---------------------------------------------------------------------- activations


def relu(input: Tensor) -> Tensor:
    """max(x, 0) elementwise: ``tinytorch.nn.functional.relu``."""
    return _tensor(input, "relu").relu()


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + exp(-x)) elementwise: ``tinytorch.nn.functional.sigmoid``."""
    return _tensor(input, "sigmoid").sigmoid()


def tanh(input: Tensor) -> Tensor:
    """The hyperbolic tangent elementwise: ``tinytorch.nn.functional.tanh``."""
    return _tensor(input, "tanh").tanh()


def softmax(input: Tensor, dim: int, dtype=None) -> Tensor:
    """Softmax along ``dim``: ``tinytorch.nn.functional.softmax``."""
    from tinytorch.nn import functional

    return functional.softmax(_tensor(input, "softmax"), dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int, dtype=None) -> Tensor:
    """Log-softmax along ``dim``: ``tinytorch.nn.functional.log_softmax``."""
    from tinytorch.nn import functional

    return functional.log_softmax(_tensor(input, "log_softmax"), dim, dtype=dtype)


