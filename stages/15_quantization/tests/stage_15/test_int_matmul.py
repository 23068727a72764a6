# Generated from solutions/tests/stage_15/test_int_matmul.py by scripts/build_stages.py: graded in this stage.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 15: the integer matmul is exact (equal to int64 arithmetic) and accumulates in int32,
also where float32 alone could not hold the sums (K * 127**2 >= 2**24)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinytorch import quantization as Q


def int_arrays(dtype, shape, extreme):
    """Integer arrays; with ``extreme`` every value is the dtype's most negative or largest."""
    info = np.iinfo(dtype)
    elements = (
        st.sampled_from([int(info.min), int(info.max)])
        if extreme
        else st.integers(int(info.min), int(info.max))
    )
    return hnp.arrays(dtype, shape, elements=elements)


@given(
    m=st.integers(1, 4),
    n=st.integers(1, 4),
    k=st.sampled_from([1, 7, 64, 1039, 1040, 1100, 2600]),
    dtypes=st.sampled_from([(np.int8, np.int8), (np.uint8, np.int8), (np.int16, np.int8)]),
    extreme=st.booleans(),
    data=st.data(),
)
@pytest.mark.points(
    5, hint="float32 holds integers up to 2**24: split K into chunks whose sums fit"
)
def test_int_matmul_is_exact(m, n, k, dtypes, extreme, data):
    """int_matmul equals the exact (int64) product on integer inputs, for K on both sides of
    the float32 bound, and returns int32."""
    a_dtype, b_dtype = dtypes
    if a_dtype == np.int16:  # activations centered by a zero point: [-127, 127]
        a = data.draw(hnp.arrays(np.int16, (m, k), elements=st.integers(-127, 127)))
    else:
        a = data.draw(int_arrays(a_dtype, (m, k), extreme))
    b = data.draw(int_arrays(b_dtype, (k, n), extreme))
    exact = a.astype(np.int64) @ b.astype(np.int64)
    for method in ("float32", "int32"):
        out = Q.int_matmul(a, b, method=method)
        assert out.dtype == np.int32
        np.testing.assert_array_equal(out, exact)


@pytest.mark.points(2, hint="a 1-D right operand is one column; batch dimensions broadcast")
def test_int_matmul_vectors_and_batches():
    """int_matmul follows NumPy's matmul rules for 1-D and batched operands."""
    rng = np.random.default_rng(0)
    a = rng.integers(-128, 128, (2, 3, 1500), dtype=np.int8)
    b = rng.integers(-128, 128, (1500, 5), dtype=np.int8)
    v = rng.integers(-128, 128, 1500, dtype=np.int8)
    for right in (b, v):
        exact = a.astype(np.int64) @ right.astype(np.int64)
        np.testing.assert_array_equal(Q.int_matmul(a, right), exact)
    with pytest.raises(TypeError, match="integer arrays"):
        Q.int_matmul(a.astype(np.float32), b)
    with pytest.raises(OverflowError, match="int32"):
        Q.int_matmul(np.full((1, 200_000), 127, np.int8), np.full((200_000, 1), 127, np.int8))
