"""Data types and PyTorch's type-promotion rules.

A tinytorch dtype *is* a NumPy dtype (``tinytorch.float32 == np.float32``), so every tensor's
``data`` can go straight into NumPy. What NumPy does not give us is PyTorch's promotion rule,
which is kinder to float32 models: an integer tensor combined with a float tensor takes the
float tensor's dtype (NumPy would widen ``int64 + float32`` to float64), and a Python number
never widens a tensor (``float32_tensor * 0.5`` stays float32).
"""

from __future__ import annotations

import builtins

import numpy as np

float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int8 = np.dtype(np.int8)
uint8 = np.dtype(np.uint8)
int16 = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
bool = np.dtype(np.bool_)

#: The dtype of a tensor made from Python floats, as in PyTorch.
default_float = float32

_BY_NAME = {
    "float16": float16, "half": float16,
    "float32": float32, "float": float32,
    "float64": float64, "double": float64,
    "int8": int8, "uint8": uint8, "int16": int16,
    "int32": int32, "int": int32,
    "int64": int64, "long": int64,
    "bool": bool,
}  # fmt: skip


def as_dtype(dtype) -> np.dtype:
    """Turn ``tinytorch.float32``, ``np.float32`` or ``"float32"`` into a NumPy dtype."""
    if isinstance(dtype, str):
        try:
            return _BY_NAME[dtype]
        except KeyError:
            raise TypeError(
                f"unknown dtype {dtype!r}; expected one of {sorted(_BY_NAME)}"
            ) from None
    try:
        result = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"expected a dtype such as tinytorch.float32, got {dtype!r}") from None
    if result.kind not in "biuf":
        raise TypeError(f"tinytorch supports bool, integer and float dtypes, got {result}")
    return result


#: 0 for bool, 1 for integers, 2 for floats: promotion never moves down this ladder.
_CATEGORY = {"b": 0, "i": 1, "u": 1, "f": 2}


def category(dtype: np.dtype) -> int:
    """The rung of ``dtype`` on the bool < integer < float ladder (0, 1 or 2)."""
    return _CATEGORY[dtype.kind]


def promote_types(a: np.dtype, b: np.dtype) -> np.dtype:
    """The result dtype of a binary op on two tensors, by PyTorch's rule."""
    if a == b:
        return a
    ca, cb = category(a), category(b)
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def promote_operands(a: np.dtype, a_ndim: int, b: np.dtype, b_ndim: int) -> np.dtype:
    """The result dtype of a binary op on two tensors, with PyTorch's rule for 0-d tensors.

    A 0-d tensor is treated much like a Python number: it decides the result only when it is
    of a higher category (bool < integer < float) than the other operand. So a float64 0-d
    tensor does not widen a float32 batch (``(3,) float32 + () float64`` is float32), but it
    does make an integer tensor float (``(3,) int64 + () float64`` is float64).
    """
    if (a_ndim == 0) == (b_ndim == 0):
        return promote_types(a, b)
    dimensioned, zero_dim = (b, a) if a_ndim == 0 else (a, b)
    return zero_dim if category(zero_dim) > category(dimensioned) else dimensioned


def scalar_result_type(tensor: np.dtype, scalar) -> np.dtype:
    """The result dtype of a tensor combined with a Python number (a "weak" scalar)."""
    if isinstance(scalar, (builtins.bool, np.bool_)):
        kind = 0
    elif isinstance(scalar, (int, np.integer)):
        kind = 1
    else:
        kind = 2
    if kind <= category(tensor):
        return tensor
    return default_float if kind == 2 else int64
