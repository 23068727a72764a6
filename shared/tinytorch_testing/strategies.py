"""Hypothesis strategies for tensor tests.

Shapes stay small (sides up to 5, up to 4 dims) so a property test runs in milliseconds while
still covering the cases that break code: 0-d scalars, size-1 axes that broadcast, and
different ranks on each side of a binary operation.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

__all__ = [
    "arrays",
    "broadcastable_shapes",
    "float_arrays",
    "matmul_shapes",
    "shapes",
]


def shapes(min_dims: int = 0, max_dims: int = 4, min_side: int = 1, max_side: int = 5):
    """Array shapes such as (), (3,), (2, 1, 4)."""
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


def broadcastable_shapes(min_dims: int = 0, max_dims: int = 4, max_side: int = 5):
    """Pairs of shapes that broadcast together, covering every broadcasting case:
    equal shapes, size-1 axes on either side, and missing leading axes on either side."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=min_dims, max_dims=max_dims, max_side=max_side
    ).map(lambda bs: bs.input_shapes)


def float_arrays(
    shape,
    dtype=np.float32,
    min_value: float = -10.0,
    max_value: float = 10.0,
    exclude_zero: bool = False,
):
    """Arrays of finite floats in [min_value, max_value] (``shape`` may be a strategy).

    ``exclude_zero`` keeps values at least 0.1 away from zero, for division and logarithms.
    """
    elements = st.floats(
        min_value=min_value, max_value=max_value, allow_nan=False, allow_infinity=False, width=32
    )
    if exclude_zero:
        elements = elements.filter(lambda v: abs(v) >= 0.1)
    return hnp.arrays(dtype=dtype, shape=shape, elements=elements)


def arrays(shape, dtype=np.float32, min_value: float = -10.0, max_value: float = 10.0):
    """Arrays of any supported dtype: bounded floats, small integers or booleans."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return float_arrays(shape, dtype, min_value, max_value)
    if dtype.kind == "b":
        return hnp.arrays(dtype=dtype, shape=shape)
    return hnp.arrays(
        dtype=dtype, shape=shape, elements=st.integers(int(min_value), int(max_value))
    )


@st.composite
def matmul_shapes(draw, max_batch_dims: int = 2, max_side: int = 5):
    """Pairs (a_shape, b_shape) valid for ``a @ b``: 1-D vectors, matrices, and batched
    stacks whose batch dimensions broadcast."""
    n, k, m = (draw(st.integers(1, max_side)) for _ in range(3))
    batch_a, batch_b = draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=max_batch_dims, max_side=3)
    ).input_shapes
    a_vector, b_vector = draw(st.booleans()), draw(st.booleans())
    a_shape = (k,) if a_vector else (*batch_a, n, k)
    b_shape = (k,) if b_vector else (*batch_b, k, m)
    return a_shape, b_shape
