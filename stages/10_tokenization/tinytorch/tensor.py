"""The Tensor: an n-dimensional array that can remember how it was computed.

A ``Tensor`` wraps a NumPy array (``tensor.data``) and adds the three things a deep-learning
framework needs on top of it: PyTorch's API and type rules, a place to keep a gradient
(``tensor.grad``), and, from stage 05 on, a link to the operation that produced it
(``tensor.grad_fn``), which is what lets ``loss.backward()`` find every parameter.

Arithmetic is delegated to the :class:`~tinytorch.function.Function` subclasses in
``tinytorch.ops``: this file decides *which* operation runs, ``ops`` decides *how*.
"""

from __future__ import annotations

import builtins
from collections import namedtuple
from collections.abc import Iterator

import numpy as np

from tinytorch import dtypes
from tinytorch.errors import DTypeError, ShapeError
from tinytorch.ops import arithmetic, elementwise, reduction
from tinytorch.ops import shape as shape_ops

# isort: split
from tinytorch import autograd

#: What ``max(dim)`` and ``min(dim)`` return, as in PyTorch.
ValuesIndices = namedtuple("ValuesIndices", ["values", "indices"])


class Tensor:
    """An n-dimensional array with PyTorch's API.

    Args:
        data: a nested list, a number, a NumPy array or another Tensor.
        requires_grad: whether gradients should flow to this tensor (floats only).
        dtype: the element type; by default Python floats become float32, Python ints int64,
            and NumPy arrays keep their dtype, exactly as ``torch.tensor`` does.
    """

    # NumPy must call our reflected operators (np.float32(2) * t) instead of looping over us.
    __array_ufunc__ = None

    def __init__(self, data, requires_grad: bool = False, dtype=None) -> None:
        if isinstance(data, Tensor):
            data = data.data
        if dtype is not None:
            array = np.array(data, dtype=dtypes.as_dtype(dtype))
        elif isinstance(data, (np.ndarray, np.generic)):
            array = np.array(data)
        else:
            try:
                array = np.array(data)
            except ValueError:
                raise ValueError(
                    "Tensor data must be rectangular (every row the same length), got a "
                    "ragged nested list"
                ) from None
            if array.dtype.kind == "f":
                array = array.astype(dtypes.default_float)
            elif array.dtype.kind in "iu":
                array = array.astype(dtypes.int64)
        if array.dtype.kind not in "biuf":
            raise TypeError(
                f"Tensor data must be numbers or booleans, got an array of dtype {array.dtype}"
            )
        self.data = array
        self.grad = None
        self.requires_grad = requires_grad
        self.grad_fn = None

    @classmethod
    def _wrap(cls, data) -> Tensor:
        """Wrap an operation's result without copying or converting it (the fast path)."""
        out = cls.__new__(cls)
        out.data = data if isinstance(data, np.ndarray) else np.asarray(data)
        out.grad = None
        out._requires_grad = False  # skip the property's check: False is always allowed
        out.grad_fn = None
        return out

    # ------------------------------------------------------------------ attributes

    @property
    def requires_grad(self) -> bool:
        """Whether operations on this tensor are recorded so gradients can flow back to it."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if value and self.data.dtype.kind != "f":
            raise RuntimeError(
                f"only floating-point tensors can require gradients, got dtype {self.data.dtype}"
            )
        if not value and getattr(self, "grad_fn", None) is not None:
            raise RuntimeError(
                "requires_grad can only be switched off on leaf tensors; this one was computed "
                "by an operation. Use .detach() to get a tensor cut from the graph."
            )
        self._requires_grad = builtins.bool(value)

    @property
    def shape(self) -> tuple[int, ...]:
        """The size of each dimension, e.g. ``(2, 3)``."""
        return self.data.shape

    @property
    def ndim(self) -> int:
        """The number of dimensions (0 for a scalar)."""
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        """The element type, e.g. ``tinytorch.float32``."""
        return self.data.dtype

    def size(self, dim: int | None = None):
        """The shape as a tuple, or the size of one dimension: ``x.size(1)``."""
        if dim is None:
            return self.shape
        return self.shape[_normalize_dim(dim, self.ndim)]

    def numel(self) -> int:
        """The number of elements."""
        return self.data.size

    def dim(self) -> int:
        """The number of dimensions, as ``torch.Tensor.dim()``."""
        return self.ndim

    # ------------------------------------------------------------------ conversion

    def numpy(self) -> np.ndarray:
        """The underlying NumPy array (shared, not copied, as in PyTorch).

        Unlike PyTorch, this also works on a tensor that requires grad. PyTorch insists on
        ``t.detach().numpy()`` to keep NumPy's writes out of its graph; here the graph keeps
        its own copies of what backward needs, so *reading* the array is always safe (the
        milestones read parameters this way). Writing into it bypasses autograd: do that only
        under ``no_grad()`` or on detached tensors.
        """
        return self.data

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ShapeError(
                f"item() needs a tensor with exactly one element, got shape {self.shape} "
                f"({self.data.size} elements)"
            )
        return self.data.item()

    def tolist(self):
        """The data as (nested) Python lists."""
        return self.data.tolist()

    def to(self, dtype) -> Tensor:
        """A copy converted to ``dtype`` (differentiable between float types); the tensor
        itself when it already has that dtype, as in PyTorch."""
        dtype = dtypes.as_dtype(dtype)
        return self if dtype == self.dtype else elementwise.Cast.apply(self, dtype=dtype)

    def float(self) -> Tensor:
        """Convert to float32."""
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        """Convert to float64."""
        return self.to(dtypes.float64)

    def long(self) -> Tensor:
        """Convert to int64."""
        return self.to(dtypes.int64)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        return self.data if dtype is None else self.data.astype(dtype)

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise RuntimeError(
                f"the truth value of a tensor with {self.data.size} elements is ambiguous; "
                "use .any() or .all()"
            )
        return builtins.bool(self.data.item())

    def __float__(self) -> float:
        return builtins.float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        """A one-element integer tensor can index a list or size a range, as in PyTorch."""
        if self.dtype.kind not in "biu":
            raise DTypeError(f"only integer tensors can be used as an index, got {self.dtype}")
        return int(self.item())

    def __abs__(self) -> Tensor:
        return self.abs()

    __hash__ = object.__hash__  # tensors are identified by identity, as in PyTorch

    def __repr__(self) -> str:
        body = np.array2string(
            self.data,
            separator=", ",
            prefix="tensor(",
            max_line_width=79 + self.ndim,  # PyTorch's 80 (NumPy also counts the "]]")
            formatter={"float_kind": _float_formatter(self.data)},
        )
        extras = []
        if self.data.size == 0 and self.shape != (0,):
            extras.append(f"size={self.shape}")
        if self.dtype not in (dtypes.float32, dtypes.int64, dtypes.bool):
            extras.append(f"dtype=tinytorch.{self.dtype}")
        grad_fn = getattr(self, "grad_fn", None)  # (recorded operations arrive in stage 05)
        if grad_fn is not None:
            extras.append(f"grad_fn={grad_fn}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return _with_suffixes("tensor(" + body, extras)

    # ------------------------------------------------------------------ arithmetic

    def _operand(self, other) -> Tensor:
        """Turn the other side of a binary operation into a tensor of the promoted dtype."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, (builtins.bool, int, builtins.float, np.number, np.bool_)):
            return Tensor._wrap(
                np.asarray(other, dtype=dtypes.scalar_result_type(self.dtype, other))
            )
        if not isinstance(other, (list, tuple, np.ndarray, np.generic)):
            raise TypeError(
                f"expected a Tensor, a number, a list or a NumPy array as the other operand, "
                f"got {type(other).__name__}"
            )
        return Tensor(other)

    def _binary(
        self, op, other, reflected: builtins.bool = False, floating: builtins.bool = False
    ) -> Tensor:
        """Run the binary ``op`` on both operands cast to their common dtype (a float dtype
        when ``floating``: true division of integers gives float32, as in PyTorch).

        Operands Python cannot turn into a tensor (None, a string, a dict) give
        ``NotImplemented``, so ``x + None`` raises Python's own TypeError, "unsupported
        operand type(s) for +: 'Tensor' and 'NoneType'", as in PyTorch. An integer power
        with a negative exponent is refused here, before ``Pow`` runs: its forward may only
        fail for shapes (see ``Function.__call__``).
        """
        if not isinstance(other, _OPERAND_TYPES):
            return NotImplemented
        other = self._operand(other)
        a, b = (other, self) if reflected else (self, other)
        target = dtypes.promote_operands(a.dtype, a.ndim, b.dtype, b.ndim)
        if floating and target.kind != "f":
            target = dtypes.default_float
        if op is arithmetic.Pow and target.kind in "iu" and np.any(b.data < 0):
            raise ValueError(
                "integers cannot be raised to negative integer powers (the result is a "
                f"fraction, which {target} cannot hold); use a float tensor, e.g. x.float() ** -1"
            )
        return op.apply(_cast(a, target), _cast(b, target))

    def __add__(self, other) -> Tensor:
        return self._binary(arithmetic.Add, other)

    def __radd__(self, other) -> Tensor:
        return self._binary(arithmetic.Add, other, reflected=True)

    def __sub__(self, other) -> Tensor:
        return self._binary(arithmetic.Sub, other)

    def __rsub__(self, other) -> Tensor:
        return self._binary(arithmetic.Sub, other, reflected=True)

    def __mul__(self, other) -> Tensor:
        return self._binary(arithmetic.Mul, other)

    def __rmul__(self, other) -> Tensor:
        return self._binary(arithmetic.Mul, other, reflected=True)

    def __truediv__(self, other) -> Tensor:
        return self._binary(arithmetic.Div, other, floating=True)

    def __rtruediv__(self, other) -> Tensor:
        return self._binary(arithmetic.Div, other, reflected=True, floating=True)

    def __pow__(self, other) -> Tensor:
        return self._binary(arithmetic.Pow, other)

    def __rpow__(self, other) -> Tensor:
        return self._binary(arithmetic.Pow, other, reflected=True)

    def __neg__(self) -> Tensor:
        return arithmetic.Neg.apply(self)

    def neg(self) -> Tensor:
        """-x, as a method (``torch.Tensor.neg``)."""
        return arithmetic.Neg.apply(self)

    def __matmul__(self, other) -> Tensor:
        return self.matmul(other) if isinstance(other, _OPERAND_TYPES) else NotImplemented

    def __rmatmul__(self, other) -> Tensor:
        if not isinstance(other, _OPERAND_TYPES):
            return NotImplemented
        return self._operand(other).matmul(self)

    def matmul(self, other) -> Tensor:
        """Matrix product with NumPy's rules: 1-D operands, and batches that broadcast.

        Different dtypes are promoted (int64 @ float32 is float32); PyTorch insists on equal
        dtypes and raises instead.
        """
        other = self._operand(other)
        target = dtypes.promote_types(self.dtype, other.dtype)
        return arithmetic.MatMul.apply(_cast(self, target), _cast(other, target))

    # Comparisons produce bool tensors and are not differentiable.

    def _compare(self, ufunc, other) -> Tensor:
        other = other.data if isinstance(other, Tensor) else other
        try:
            return Tensor._wrap(ufunc(self.data, other))
        except ValueError:
            raise ShapeError(
                f"cannot compare shapes {self.shape} and {np.shape(other)}: they do not broadcast"
            ) from None

    def __eq__(self, other) -> Tensor:  # type: ignore[override]
        return self._compare(np.equal, other)

    def __ne__(self, other) -> Tensor:  # type: ignore[override]
        return self._compare(np.not_equal, other)

    def __lt__(self, other) -> Tensor:
        return self._compare(np.less, other)

    def __le__(self, other) -> Tensor:
        return self._compare(np.less_equal, other)

    def __gt__(self, other) -> Tensor:
        return self._compare(np.greater, other)

    def __ge__(self, other) -> Tensor:
        return self._compare(np.greater_equal, other)

    # & | ^ ~ combine masks (bitwise for integers); like comparisons, not differentiable.

    def _logical(self, ufunc, other) -> Tensor:
        other = other.data if isinstance(other, Tensor) else other
        kinds = (self.dtype.kind, np.asarray(other).dtype.kind)
        if not all(kind in "biu" for kind in kinds):
            raise DTypeError(
                f"{ufunc.__name__} needs bool or integer tensors, got {self.dtype} and "
                f"{np.asarray(other).dtype}"
            )
        try:
            return Tensor._wrap(ufunc(self.data, other))
        except ValueError:
            raise ShapeError(
                f"cannot combine shapes {self.shape} and {np.shape(other)}: they do not broadcast"
            ) from None

    def __and__(self, other) -> Tensor:
        return self._logical(np.bitwise_and, other)

    def __or__(self, other) -> Tensor:
        return self._logical(np.bitwise_or, other)

    def __xor__(self, other) -> Tensor:
        return self._logical(np.bitwise_xor, other)

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__  # (all three commute)

    def __invert__(self) -> Tensor:
        """``~mask`` flips a bool mask (and the bits of an integer tensor)."""
        return self._logical(lambda a, _: np.invert(a), 0)

    # ------------------------------------------------------------------ elementwise

    def exp(self) -> Tensor:
        """e to the power of each element."""
        return elementwise.Exp.apply(_to_float(self))

    def log(self) -> Tensor:
        """Natural logarithm of each element."""
        return elementwise.Log.apply(_to_float(self))

    def sqrt(self) -> Tensor:
        """Square root of each element."""
        return elementwise.Sqrt.apply(_to_float(self))

    def abs(self) -> Tensor:
        """Absolute value of each element."""
        return elementwise.Abs.apply(self)

    def clip(self, min=None, max=None) -> Tensor:
        """Limit each element to ``[min, max]`` (either bound may be None)."""
        if min is None and max is None:
            raise ValueError("clip needs at least one of min and max")
        # The bounds take part in type promotion, as in PyTorch: int_tensor.clip(0.5) is float.
        target = self.dtype
        for bound in (min, max):
            if isinstance(bound, Tensor):
                target = dtypes.promote_operands(target, self.ndim, bound.dtype, bound.ndim)
            elif bound is not None:
                target = dtypes.promote_types(target, dtypes.scalar_result_type(target, bound))
        low, high = (
            b.data.astype(target, copy=False) if isinstance(b, Tensor) else b for b in (min, max)
        )
        return elementwise.Clip.apply(_cast(self, target), low=low, high=high)

    clamp = clip

    def maximum(self, other) -> Tensor:
        """The larger of each pair of elements (broadcasting); ties share the gradient."""
        return self._binary(elementwise.Maximum, other)

    def minimum(self, other) -> Tensor:
        """The smaller of each pair of elements (broadcasting); ties share the gradient."""
        return self._binary(elementwise.Minimum, other)

    def where(self, condition, other) -> Tensor:
        """``self`` where ``condition`` holds, else ``other``: ``tinytorch.where(condition,
        self, other)``."""
        from tinytorch.functions import where

        return where(condition, self, other)

    # ------------------------------------------------------------------ reductions

    def sum(self, dim=None, keepdim: builtins.bool = False, *, axis=None, keepdims=None) -> Tensor:
        """Sum over ``dim`` (an int, a tuple, or None for all dimensions)."""
        dim, keepdim = _reduction_args(self, dim, keepdim, axis, keepdims)
        return reduction.Sum.apply(self, axis=dim, keepdims=keepdim)

    def mean(self, dim=None, keepdim: builtins.bool = False, *, axis=None, keepdims=None) -> Tensor:
        """Mean over ``dim`` (an int, a tuple, or None for all dimensions)."""
        dim, keepdim = _reduction_args(self, dim, keepdim, axis, keepdims)
        return reduction.Mean.apply(_to_float(self), axis=dim, keepdims=keepdim)

    def amax(self, dim=None, keepdim: builtins.bool = False, *, axis=None, keepdims=None) -> Tensor:
        """Largest value over ``dim``; ties share the gradient equally."""
        dim, keepdim = _reduction_args(self, dim, keepdim, axis, keepdims)
        return reduction.Max.apply(self, axis=dim, keepdims=keepdim)

    def amin(self, dim=None, keepdim: builtins.bool = False, *, axis=None, keepdims=None) -> Tensor:
        """Smallest value over ``dim``; ties share the gradient equally."""
        dim, keepdim = _reduction_args(self, dim, keepdim, axis, keepdims)
        return reduction.Min.apply(self, axis=dim, keepdims=keepdim)

    def max(self, dim=None, keepdim: builtins.bool = False, *, axis=None, keepdims=None):
        """The largest element, or with ``dim`` a ``(values, indices)`` pair, as in PyTorch.

        Without a dim, ``keepdim=True`` keeps every dimension as size 1, as ``sum`` does;
        with a tensor instead of a dim, ``x.max(y)`` is the elementwise ``x.maximum(y)``.

        With ``dim`` the values are the elements at ``indices`` (the first maximum of each
        slice), so the gradient goes to exactly those elements; ``amax`` and ``max()``
        without a dim share it equally among tied maxima instead.
        """
        if isinstance(dim, Tensor):  # x.max(y): the elementwise maximum, as in PyTorch
            return self.maximum(dim)
        if dim is None and axis is None:
            return self.amax(keepdim=keepdim, keepdims=keepdims)
        return _values_and_indices(self, Tensor.argmax, dim, keepdim, axis, keepdims)

    def min(self, dim=None, keepdim: builtins.bool = False, *, axis=None, keepdims=None):
        """The smallest element, or with ``dim`` a ``(values, indices)`` pair, as in PyTorch.

        As for :meth:`max`, the gradient of the values goes to the returned indices only.
        """
        if isinstance(dim, Tensor):  # x.min(y): the elementwise minimum, as in PyTorch
            return self.minimum(dim)
        if dim is None and axis is None:
            return self.amin(keepdim=keepdim, keepdims=keepdims)
        return _values_and_indices(self, Tensor.argmin, dim, keepdim, axis, keepdims)

    def argmax(
        self, dim=None, keepdim: builtins.bool = False, *, axis=None, keepdims=None
    ) -> Tensor:
        """Index of the largest element along ``dim`` (of the flattened tensor when None)."""
        dim, keepdim = _reduction_args(self, dim, keepdim, axis, keepdims)
        _check_not_empty("argmax", self, dim)
        return _arg_reduce(np.argmax, self, dim, keepdim)

    def argmin(
        self, dim=None, keepdim: builtins.bool = False, *, axis=None, keepdims=None
    ) -> Tensor:
        """Index of the smallest element along ``dim`` (of the flattened tensor when None)."""
        dim, keepdim = _reduction_args(self, dim, keepdim, axis, keepdims)
        _check_not_empty("argmin", self, dim)
        return _arg_reduce(np.argmin, self, dim, keepdim)

    # ------------------------------------------------------------------ shape

    def reshape(self, *shape) -> Tensor:
        """The same elements in a new shape; one dimension may be -1 (inferred)."""
        shape = _shape_args(shape)
        if any(n < -1 for n in shape):
            raise ShapeError(
                f"reshape to {shape}: sizes must be >= 0, or -1 for the one inferred size"
            )
        return shape_ops.Reshape.apply(self, shape=shape)

    def view(self, *shape) -> Tensor:
        """Same as :meth:`reshape`.

        PyTorch's ``view`` refuses tensors whose memory layout cannot be reinterpreted
        without a copy (e.g. ``x.T.view(-1)``) and asks for ``reshape``; tinytorch always
        succeeds, copying when NumPy has to.
        """
        return self.reshape(*shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge dimensions ``start_dim..end_dim`` into one."""
        if self.ndim == 0:
            return self.reshape(1)
        start, end = _normalize_dim(start_dim, self.ndim), _normalize_dim(end_dim, self.ndim)
        if start > end:
            raise ShapeError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
        merged = int(np.prod(self.shape[start : end + 1]))
        return self.reshape(*self.shape[:start], merged, *self.shape[end + 1 :])

    def permute(self, *dims) -> Tensor:
        """Reorder dimensions: ``x.permute(2, 0, 1)`` turns HWC into CHW."""
        dims = _shape_args(dims)
        if sorted(_normalize_dim(d, self.ndim) for d in dims) != list(range(self.ndim)):
            raise ShapeError(
                f"permute needs each of the {self.ndim} dims exactly once, got {tuple(dims)}"
            )
        return shape_ops.Permute.apply(self, dims=tuple(_normalize_dim(d, self.ndim) for d in dims))

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        """Swap two dimensions."""
        dims = list(range(self.ndim))
        a, b = _normalize_dim(dim0, self.ndim), _normalize_dim(dim1, self.ndim)
        if a != b:  # (a 0-d tensor has no dims to swap, but transpose(0, 0) is allowed)
            dims[a], dims[b] = dims[b], dims[a]
        return shape_ops.Permute.apply(self, dims=tuple(dims))

    @property
    def T(self) -> Tensor:
        """All dimensions reversed (the matrix transpose for 2-D tensors)."""
        return shape_ops.Permute.apply(self, dims=tuple(reversed(range(self.ndim))))

    def squeeze(self, dim=None) -> Tensor:
        """Remove dimensions of size 1: all of them, or those of ``dim`` (an int or a tuple)
        that have size 1; others are left alone, as in PyTorch."""
        if dim is None:
            drop = {d for d, n in enumerate(self.shape) if n == 1}
        else:
            dims = dim if isinstance(dim, (tuple, list)) else (dim,)
            drop = {d % max(self.ndim, 1) for d in dims if _size_one(self, d)}
        return self.reshape(*(n for d, n in enumerate(self.shape) if d not in drop))

    def unsqueeze(self, dim: int) -> Tensor:
        """Insert a dimension of size 1 at ``dim`` (``-1`` appends)."""
        d = _normalize_dim(dim, self.ndim + 1)
        return self.reshape(*self.shape[:d], 1, *self.shape[d:])

    def __getitem__(self, index) -> Tensor:
        """``x[index]`` with NumPy's indexing: ints, slices, None, ``...``, integer and
        boolean arrays (or tensors).

        One corner differs from PyTorch: an int *separated by a slice* from an integer array,
        as in ``x[0, :, [1, 2]]``, counts as an advanced index in NumPy, which moves the
        indexed dimension first ((2, 4) for x of shape (3, 4, 5)); PyTorch gives (4, 2).
        """
        return shape_ops.GetItem.apply(self, index=_index_arrays(index))

    def __setitem__(self, index, value) -> None:
        """``x[index] = value``: write into the array in place.

        Under autograd (stage 05) the write is refused while gradients are recorded and it
        involves a tensor that requires grad, computed ones included: PyTorch can record
        in-place writes into the graph, tinytorch keeps its graph simple and asks for
        ``no_grad()`` (or ``t.data``) instead.
        """
        if autograd.is_grad_enabled() and (
            self.requires_grad or getattr(value, "requires_grad", False)
        ):
            raise RuntimeError(
                "in-place assignment into a tensor that requires grad would corrupt its "
                "gradient; assign into t.data, or do it under tinytorch.no_grad()"
            )
        self.data[_index_arrays(index)] = value.data if isinstance(value, Tensor) else value

    # ------------------------------------------------------------------ in-place arithmetic

    def __iadd__(self, other) -> Tensor:
        return self._in_place(Tensor.__add__, other, "+=")

    def __isub__(self, other) -> Tensor:
        return self._in_place(Tensor.__sub__, other, "-=")

    def __imul__(self, other) -> Tensor:
        return self._in_place(Tensor.__mul__, other, "*=")

    def __itruediv__(self, other) -> Tensor:
        return self._in_place(Tensor.__truediv__, other, "/=")

    def _in_place(self, op, other, symbol: str) -> Tensor:
        """``x += y`` and friends write the result into x's own array, as in PyTorch, so every
        reference to x sees it: ``p -= lr * p.grad`` updates the model's parameter ``p``.

        x keeps its shape and dtype: a result that would need a larger shape, or a higher
        category (an integer x += a float), is an error rather than a silent change.
        """
        if autograd.is_grad_enabled() and (
            self.requires_grad or getattr(other, "requires_grad", False)
        ):
            raise RuntimeError(
                f"x {symbol} y writes into x, which autograd cannot record: write "
                f"x = x {symbol[0]} y, or do it under tinytorch.no_grad() (optimizer updates)"
            )
        result = op(self, other)
        if result is NotImplemented:  # x += None: Python then says x + None is unsupported
            return NotImplemented
        if result.shape != self.shape:
            raise ShapeError(
                f"x {symbol} y in place: the result has shape {result.shape} but x has shape "
                f"{self.shape}, and an in-place result keeps x's shape"
            )
        if dtypes.category(result.dtype) > dtypes.category(self.dtype):
            raise DTypeError(
                f"x {symbol} y in place: the result is {result.dtype}, which cannot be stored "
                f"in x of dtype {self.dtype}"
            )
        self.data[...] = result.data
        return self

    # ------------------------------------------------------------------ activations

    def relu(self) -> Tensor:
        """max(x, 0) elementwise; see tinytorch.nn.functional.relu."""
        from tinytorch.nn import functional

        return functional.relu(self)

    def sigmoid(self) -> Tensor:
        """1 / (1 + exp(-x)) elementwise; see tinytorch.nn.functional.sigmoid."""
        from tinytorch.nn import functional

        return functional.sigmoid(self)

    def tanh(self) -> Tensor:
        """Hyperbolic tangent elementwise; see tinytorch.nn.functional.tanh."""
        from tinytorch.nn import functional

        return functional.tanh(self)

    def softmax(self, dim: int) -> Tensor:
        """Softmax along ``dim``; see tinytorch.nn.functional.softmax."""
        from tinytorch.nn import functional

        return functional.softmax(self, dim)

    def log_softmax(self, dim: int) -> Tensor:
        """Log-softmax along ``dim``; see tinytorch.nn.functional.log_softmax."""
        from tinytorch.nn import functional

        return functional.log_softmax(self, dim)

    # ------------------------------------------------------------------ autograd

    def backward(self, gradient=None, retain_graph: builtins.bool = False) -> None:
        """Compute the gradient of this tensor w.r.t. every leaf that requires grad.

        Args:
            gradient: dThis/dThis, needed when this tensor is not a scalar.
            retain_graph: keep the graph so ``backward`` can run through it again.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() on a tensor that does not require grad: no input of the "
                "computation had requires_grad=True"
            )
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() without a gradient only works on a scalar, but this tensor "
                    f"has shape {self.shape}; reduce it first (e.g. loss.sum()) or pass "
                    f"gradient=<tensor of shape {self.shape}>"
                )
            grad = np.ones_like(self.data)
        else:
            grad = _as_gradient(gradient).data
            if grad.shape != self.shape:
                raise RuntimeError(
                    f"backward(): gradient has shape {grad.shape} but the tensor has shape "
                    f"{self.shape}"
                )
            grad = grad.astype(self.dtype, copy=False)
        autograd.backward(self, grad, retain_graph=retain_graph)

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user rather than by a recorded operation."""
        return self.grad_fn is None

    def detach(self) -> Tensor:
        """A tensor sharing this one's data but cut from the graph (requires_grad=False)."""
        return Tensor._wrap(self.data)

    def requires_grad_(self, requires_grad: builtins.bool = True) -> Tensor:
        """Set ``requires_grad`` in place on a leaf tensor; returns self."""
        if not self.is_leaf and not requires_grad:
            raise RuntimeError(
                f"requires_grad_(False) only works on leaf tensors; this one was made by "
                f"{self.grad_fn}. Use .detach() to get a tensor cut from the graph."
            )
        self.requires_grad = requires_grad
        return self

    def zero_(self) -> Tensor:
        """Fill with zeros in place; returns self."""
        self.data[...] = 0
        return self



# ---------------------------------------------------------------------- helpers


#: What a binary operator accepts on its other side; anything else gives NotImplemented.
_OPERAND_TYPES = (
    Tensor,
    builtins.bool,
    int,
    builtins.float,
    np.number,
    np.bool_,
    list,
    tuple,
    np.ndarray,
)


def _cast(t: Tensor, dtype: np.dtype) -> Tensor:
    return t if t.dtype == dtype else elementwise.Cast.apply(t, dtype=dtype)


def _to_float(t: Tensor) -> Tensor:
    """Integer and bool tensors become float32 before float-valued operations, as in PyTorch."""
    return t if t.dtype.kind == "f" else elementwise.Cast.apply(t, dtype=dtypes.default_float)


def _as_gradient(gradient) -> Tensor:
    """``backward``'s ``gradient`` argument as a Tensor of numbers, or an error saying why not.

    A ragged nested list or a string would otherwise surface as NumPy's messages about
    "inhomogeneous shapes" or converting strings to floats.
    """
    if isinstance(gradient, Tensor):
        return gradient
    try:
        return Tensor(gradient)
    except (TypeError, ValueError) as error:
        raise type(error)(
            f"backward(): gradient must be a tensor of numbers with the output's shape, got "
            f"{type(gradient).__name__} {gradient!r:.60}: {error}"
        ) from None


def _normalize_dim(dim: int, ndim: int) -> int:
    """Map a possibly negative ``dim`` into ``range(ndim)`` or raise IndexError."""
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise IndexError(
            f"dimension {dim} is out of range for a tensor with {ndim} dimensions "
            f"(expected {-max(ndim, 1)} to {max(ndim, 1) - 1})"
        )
    return dim % max(ndim, 1)


def _reduction_args(t: Tensor, dim, keepdim, axis, keepdims):
    """Accept PyTorch's ``dim/keepdim`` and NumPy's ``axis/keepdims`` spellings.

    Returns ``dim`` as None, a non-negative int or a tuple of them (checked against ``t``'s
    dimensions), and ``keepdim`` as a bool. An empty tuple means every dim, as in PyTorch.
    """
    if axis is not None:
        if dim is not None:
            raise TypeError("pass either dim or axis, not both")
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    if isinstance(dim, (tuple, list)) and len(dim) == 0:
        dim = None
    if isinstance(dim, (tuple, list)):
        dim = tuple(_normalize_dim(d, t.ndim) for d in dim)
    elif dim is not None:
        dim = _normalize_dim(dim, t.ndim)
    if t.ndim == 0:
        dim = None  # dim 0 (or -1) of a 0-d tensor is its one element: reduce everything
    return dim, builtins.bool(keepdim)


def _arg_reduce(find, t: Tensor, dim, keepdim: builtins.bool) -> Tensor:
    """Where ``find`` (np.argmax or np.argmin) locates its element along ``dim``."""
    if isinstance(dim, tuple):
        raise TypeError(f"{find.__name__} takes a single dim, got {dim}")
    if dim is not None:
        dim = _normalize_dim(dim, t.ndim)
    index = find(t.data, axis=dim, keepdims=keepdim)
    return Tensor._wrap(np.asarray(index, dtype=dtypes.int64))


def _check_not_empty(name: str, t: Tensor, dim) -> None:
    """argmax/argmin need at least one element in every slice they search."""
    if t.data.size == 0 and (dim is None or t.shape[dim] == 0):
        where = "the tensor" if dim is None else f"dim {dim}"
        raise ShapeError(
            f"{name} of an empty slice: {where} of a tensor of shape {t.shape} has no "
            "elements to choose from"
        )


def _values_and_indices(t: Tensor, arg_reduce, dim, keepdim, axis, keepdims) -> ValuesIndices:
    """``max(dim)``/``min(dim)``: the indices from ``arg_reduce``, and the values at them.

    The values are gathered by advanced indexing (``t[grid]``), so their gradient flows back
    to the chosen elements only, as PyTorch's does.
    """
    if isinstance(dim, (tuple, list)) or isinstance(axis, (tuple, list)):
        raise TypeError(f"max/min take a single dim, got {dim}; use amax/amin for several")
    dim, keepdim = _reduction_args(t, dim, keepdim, axis, keepdims)
    if t.ndim == 0:  # dim 0 of a scalar: the scalar itself, at index 0
        return ValuesIndices(t[()], Tensor._wrap(np.zeros((), dtype=dtypes.int64)))
    index = arg_reduce(t, dim, keepdim=True).data
    grid = list(np.indices(index.shape, sparse=True))
    grid[dim] = index  # the chosen position along dim, every position along the others
    values = t[tuple(grid)]
    if not keepdim:
        values, index = values.squeeze(dim), index.squeeze(dim)
    return ValuesIndices(values, Tensor._wrap(index))


def _with_suffixes(text: str, suffixes: list[str]) -> str:
    """Close a repr: ``, dtype=...`` and friends go on the last line, or on a new line of
    their own when that line would pass 80 characters, as PyTorch prints them."""
    line = len(text) - text.rfind("\n") + 1  # PyTorch's measure of the current line
    for suffix in suffixes:
        if line + len(suffix) + 2 > 80:
            text += ",\n" + " " * len("tensor(") + suffix
            line = len("tensor(") + len(suffix)
        else:
            text += ", " + suffix
            line += len(suffix) + 2
    return text + ")"


def _float_formatter(data: np.ndarray):
    """PyTorch's way of printing floats, as a function for ``np.array2string``.

    The finite non-zero values decide the style: scientific (``1.0000e+10``) when their
    magnitudes span more than 1000x or leave [1e-4, 1e8]; otherwise ``1.`` when every one is
    whole, else 4 decimals (``1.5000``). Every entry is right-aligned to the widest of them.
    """
    values = data[np.isfinite(data) & (data != 0)].astype(np.float64)
    magnitude = np.abs(values)
    style, dot = "%.4f", ""
    if values.size and (
        magnitude.max() / magnitude.min() > 1e3 or magnitude.max() > 1e8 or magnitude.min() < 1e-4
    ):
        style = "%.4e"
    elif np.all(values == np.round(values)):
        style, dot = "%.0f", "."
    # The widest entry has the largest or the smallest magnitude (the latter for exponents
    # like e-100), with or without a sign: four candidates instead of formatting them all.
    extremes = [side for side in (values[values > 0], values[values < 0]) if side.size]
    candidates = [v for side in extremes for v in (side.min(), side.max())]
    width = max((len(style % v) for v in candidates), default=0) + len(dot)

    def format_one(value) -> str:
        text = style % value + (dot if np.isfinite(value) else "")
        return text.rjust(width)

    return format_one


def _size_one(t: Tensor, dim: int) -> bool:
    """Whether dimension ``dim`` of ``t`` (checked, may be negative) has size 1."""
    d = _normalize_dim(dim, t.ndim)
    return t.ndim > 0 and t.shape[d] == 1


def _shape_args(args: tuple) -> tuple[int, ...]:
    """``reshape(2, 3)``, ``reshape((2, 3))`` and ``reshape([2, 3])`` all mean (2, 3)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    return tuple(int(n) for n in args)


def _index_arrays(index):
    """Replace tensors inside an index by their arrays so NumPy can use them."""
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, tuple):
        return tuple(_index_arrays(i) for i in index)
    return index
