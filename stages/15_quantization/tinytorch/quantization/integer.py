"""Integer matrix multiplication, exact, accumulating in int32, and fast.

An int8 matmul multiplies small integers and adds the products up. The sums outgrow 8 bits
at once (one product can be 128 * 128 = 16,384), so they are accumulated in int32, as every
int8 kernel does; with ``K`` terms the sum is at most ``K * max|a| * max|b|``, which int32
holds for K up to about 130,000.

NumPy offers two ways to do it, and the systems script times both:

- ``np.matmul`` on int32 arrays: exact, but NumPy has no BLAS for integers, so it runs a
  plain loop, many times slower than the float kernels;
- the **float32 route**: convert to float32 and use BLAS. float32 has a 24-bit significand,
  so it holds every integer up to ``2**24 = 16,777,216`` exactly, and so does every partial
  sum as long as ``K * max|a| * max|b| <= 2**24``: for int8 values up to 127, while
  ``K * 127**2 < 2**24``, i.e. K up to 1,040. Beyond that the route splits K into chunks
  that each stay exact, converts each chunk's result to int32 and adds those up in int32.

``int_matmul`` takes the float32 route (the measurement says it is the fast one) and checks
the bound before multiplying (from the dtype for 8-bit inputs, from the values otherwise),
so it is exact for every input, never "usually exact".
"""

from __future__ import annotations

import numpy as np

#: float32 represents every integer of magnitude up to 2**24 exactly.
FLOAT32_EXACT = 2**24
INT32_MAX = 2**31 - 1


def _magnitude(x: np.ndarray) -> int:
    """An upper bound of ``|x|``: the dtype's for 1-byte integers (no scan needed), else
    the data's (as Python ints: np.abs of an int16 -32768 overflows)."""
    if x.dtype.itemsize == 1:
        info = np.iinfo(x.dtype)
        return max(-int(info.min), int(info.max))
    return max(-int(x.min(initial=0)), int(x.max(initial=0)))


def int_matmul(a: np.ndarray, b: np.ndarray, method: str = "float32") -> np.ndarray:
    """``a @ b`` for integer arrays (NumPy's matmul rules), computed exactly, as int32.

    Args:
        a, b: integer arrays (int8, uint8, int16, int32), with ``a.shape[-1] ==
            b.shape[-2]`` (or ``b.shape[0]`` for a 1-D ``b``).
        method: ``"float32"`` (BLAS on float32, in exact chunks of K) or ``"int32"``
            (NumPy's integer matmul).

    Raises:
        TypeError: a non-integer input.
        OverflowError: the sums could exceed int32.
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind not in "iu" or b.dtype.kind not in "iu":
        raise TypeError(f"int_matmul expects integer arrays, got {a.dtype} and {b.dtype}")
    if method not in ("float32", "int32"):
        raise ValueError(f"method must be 'float32' or 'int32', got {method!r}")
    k = a.shape[-1]
    if k != (b.shape[0] if b.ndim == 1 else b.shape[-2]):
        raise ValueError(f"int_matmul shape mismatch: {a.shape} @ {b.shape}")
    largest = _magnitude(a) * _magnitude(b)  # the largest product's magnitude
    if k * largest > INT32_MAX:
        raise OverflowError(
            f"int_matmul: {k} products of up to {largest} can reach {k * largest}, beyond int32"
        )
    if method == "int32":
        return np.matmul(a.astype(np.int32), b.astype(np.int32))
    # TODO: multiply in float32 over chunks of K small enough that every partial sum is an
    #   exact float32 integer (chunk * largest <= 2**24), and add the chunks up in int32.
    # HINT: with chunk >= K it is one np.matmul. For a 1-D b, slice b[start:stop]; else
    #   b[..., start:stop, :]. Convert each chunk's product with .astype(np.int32).
    raise NotImplementedError(
        "stage 15: int_matmul: multiply in float32 over chunks of K small enough that every partial sum is an exact float32 integer (chunk * largest <= 2**24), and add the chunks up in int32."
    )
