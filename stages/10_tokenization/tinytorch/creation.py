"""Factories: the ways to make a tensor without writing out its data.

All random factories draw from :mod:`tinytorch.random`, so ``tinytorch.manual_seed(0)``
fixes every one of them, as ``torch.manual_seed`` does.
"""

from __future__ import annotations

import numpy as np

from tinytorch import dtypes
from tinytorch.errors import DTypeError, ShapeError
from tinytorch.random import default_generator
from tinytorch.tensor import Tensor


def _size(size: tuple) -> tuple[int, ...]:
    """``zeros(2, 3)``, ``zeros((2, 3))`` and ``zeros([2, 3])`` all mean shape (2, 3)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for n in size:
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
            raise ShapeError(f"sizes must be non-negative integers, got {tuple(size)}")
    return tuple(int(n) for n in size)


def _float_dtype(dtype) -> np.dtype:
    return dtypes.default_float if dtype is None else dtypes.as_dtype(dtype)


def _check_float(name: str, dtype) -> None:
    """Random floats need a floating dtype (PyTorch refuses randn(..., dtype=int64) too)."""
    if dtype is not None and dtypes.as_dtype(dtype).kind != "f":
        raise DTypeError(f"{name} draws floats: dtype must be a floating dtype, got {dtype}")


def tensor(data, dtype=None, requires_grad: bool = False) -> Tensor:
    """Make a tensor from data (a copy), as ``torch.tensor``."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def zeros(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros (float32 unless ``dtype`` says otherwise)."""
    return Tensor(np.zeros(_size(size), dtype=_float_dtype(dtype)), requires_grad=requires_grad)


def ones(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones (float32 unless ``dtype`` says otherwise)."""
    return Tensor(np.ones(_size(size), dtype=_float_dtype(dtype)), requires_grad=requires_grad)


def full(size, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``; its dtype follows the value, as in PyTorch."""
    if dtype is None:
        dtype = Tensor(np.asarray(fill_value).item()).dtype
    data = np.full(_size((size,)), fill_value, dtype=dtypes.as_dtype(dtype))
    return Tensor(data, requires_grad=requires_grad)


def zeros_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    """Zeros with ``t``'s shape (and dtype unless given)."""
    return zeros(t.shape, dtype=t.dtype if dtype is None else dtype, requires_grad=requires_grad)


def ones_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    """Ones with ``t``'s shape (and dtype unless given)."""
    return ones(t.shape, dtype=t.dtype if dtype is None else dtype, requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad: bool = False) -> Tensor:
    """Evenly spaced values in ``[start, end)``; int64 if all arguments are ints, else float32."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ShapeError("arange step must be non-zero")
    if (end - start) * step < 0:
        raise ShapeError(f"arange({start}, {end}, {step}): the step must point from start to end")
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = dtypes.int64 if ints else dtypes.default_float
    data = np.arange(start, end, step).astype(dtypes.as_dtype(dtype))
    return Tensor(data, requires_grad=requires_grad)


def linspace(
    start: float, end: float, steps: int, dtype=None, requires_grad: bool = False
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    if steps < 0:
        raise ShapeError(f"linspace needs a non-negative number of steps, got {steps}")
    data = np.linspace(start, end, steps, dtype=_float_dtype(dtype))
    return Tensor(data, requires_grad=requires_grad)


def eye(n: int, m: int | None = None, dtype=None, requires_grad: bool = False) -> Tensor:
    """The identity matrix (``n`` × ``m``)."""
    return Tensor(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad=requires_grad)


def randn(*size, dtype=None, requires_grad: bool = False, generator=None) -> Tensor:
    """Samples from the standard normal distribution N(0, 1)."""
    _check_float("randn", dtype)
    rng = generator or default_generator()
    data = rng.standard_normal(_size(size)).astype(_float_dtype(dtype))
    return Tensor(data, requires_grad=requires_grad)


def rand(*size, dtype=None, requires_grad: bool = False, generator=None) -> Tensor:
    """Samples from the uniform distribution on [0, 1)."""
    _check_float("rand", dtype)
    rng = generator or default_generator()
    data = rng.random(_size(size)).astype(_float_dtype(dtype))
    return Tensor(data, requires_grad=requires_grad)


def randint(low: int, high: int | None = None, size=None, *, generator=None, dtype=None) -> Tensor:
    """Random integers in ``[low, high)`` (int64 by default), as ``torch.randint``.

    Like PyTorch, ``randint(high, size)`` means ``randint(0, high, size)``.
    """
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    elif high is None:  # randint(high, size=size)
        low, high = 0, low
    if size is None:
        raise TypeError("randint needs a size: randint(high, size) or randint(low, high, size)")
    if high <= low:
        raise ValueError(f"randint needs low < high, got low={low}, high={high}")
    rng = generator or default_generator()
    data = rng.integers(low, high, _size((size,)))
    return Tensor(data, dtype=dtypes.int64 if dtype is None else dtype)
