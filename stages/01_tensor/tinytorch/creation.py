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
    # TODO: np.zeros of the requested size and dtype, wrapped in a Tensor.
    # HINT: _size(size) accepts zeros(2, 3), zeros((2, 3)) and zeros([2, 3]) and rejects
    #   negative sizes; _float_dtype(dtype) is float32 unless a dtype is given. Pass
    #   requires_grad on to the Tensor.
    raise NotImplementedError(
        "stage 01: zeros: np.zeros of the requested size and dtype, wrapped in a Tensor."
    )


def ones(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones (float32 unless ``dtype`` says otherwise)."""
    # TODO: np.ones of the requested size and dtype, wrapped in a Tensor.
    raise NotImplementedError(
        "stage 01: ones: np.ones of the requested size and dtype, wrapped in a Tensor."
    )


def full(size, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``; its dtype follows the value, as in PyTorch."""
    # TODO: the dtype follows fill_value when not given: bool, int64 or float32.
    # HINT: Tensor(fill_value).dtype applies exactly those rules to a Python number
    #   (np.asarray(v).item() turns a NumPy scalar into one). `size` is one argument (an
    #   int or a tuple), so _size((size,)) normalizes it.
    raise NotImplementedError(
        "stage 01: full: the dtype follows fill_value when not given: bool, int64 or float32."
    )


def zeros_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    """Zeros with ``t``'s shape (and dtype unless given)."""
    return zeros(t.shape, dtype=t.dtype if dtype is None else dtype, requires_grad=requires_grad)


def ones_like(t: Tensor, dtype=None, requires_grad: bool = False) -> Tensor:
    """Ones with ``t``'s shape (and dtype unless given)."""
    return ones(t.shape, dtype=t.dtype if dtype is None else dtype, requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad: bool = False) -> Tensor:
    """Evenly spaced values in ``[start, end)``; int64 if all arguments are ints, else float32."""
    # TODO: like np.arange, but with PyTorch's dtype rule; step must lead from start to end.
    # HINT: arange(5) means arange(0, 5). A zero step is a ShapeError naming the step (NumPy
    #   would raise ZeroDivisionError); so is a step pointing away from end (PyTorch refuses
    #   arange(5, 0); NumPy would return an empty array): say it must go "from start to end".
    raise NotImplementedError(
        "stage 01: arange: like np.arange, but with PyTorch's dtype rule; step must lead from start to end."
    )


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
    # TODO: np.eye with the float dtype.
    raise NotImplementedError("stage 01: eye: np.eye with the float dtype.")


def randn(*size, dtype=None, requires_grad: bool = False, generator=None) -> Tensor:
    """Samples from the standard normal distribution N(0, 1)."""
    _check_float("randn", dtype)
    # TODO: draw with (generator or default_generator()).standard_normal and cast.
    raise NotImplementedError(
        "stage 01: randn: draw with (generator or default_generator()).standard_normal and cast."
    )


def rand(*size, dtype=None, requires_grad: bool = False, generator=None) -> Tensor:
    """Samples from the uniform distribution on [0, 1)."""
    _check_float("rand", dtype)
    # TODO: draw with (generator or default_generator()).random and cast.
    raise NotImplementedError(
        "stage 01: rand: draw with (generator or default_generator()).random and cast."
    )


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
