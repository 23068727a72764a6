# Generated from solutions/tests/stage_01/test_matmul.py by scripts/build_stages.py: a regression check from stage 01.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 01: matrix multiplication with NumPy's rules (vectors, matrices, batches)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays, matmul_shapes


@st.composite
def matmul_pair(draw):
    shape_a, shape_b = draw(matmul_shapes())
    return draw(float_arrays(shape_a)), draw(float_arrays(shape_b))


@pytest.mark.points(5, hint="np.matmul handles 1-D operands and broadcast batch dimensions")
@given(matmul_pair())
def test_matmul_matches_numpy(pair):
    """a @ b and a.matmul(b) equal np.matmul for vectors, matrices and broadcast batches."""
    a, b = pair
    expected = np.matmul(a, b)
    got = tt.tensor(a) @ tt.tensor(b)
    assert_close(got, expected, rtol=1e-5, atol=1e-4)
    assert_close(tt.tensor(a).matmul(tt.tensor(b)), expected, rtol=1e-5, atol=1e-4)


@pytest.mark.points(2)
def test_matmul_of_vectors_and_matrices():
    """vector @ vector is a 0-d dot product; matrix @ vector is a vector, as in PyTorch."""
    v = tt.tensor([1.0, 2.0, 3.0])
    m = tt.tensor([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]])
    dot = v @ v
    assert dot.shape == () and dot.item() == 14.0
    assert_close(m @ v, np.array([1.0, 4.0], dtype=np.float32))
    assert_close(v @ m.T, np.array([1.0, 4.0], dtype=np.float32))
    assert_close(tt.ones(2, 3, dtype=tt.int64) @ tt.ones(3, 4, dtype=tt.int64), np.full((2, 4), 3))


@pytest.mark.points(1, hint="compare a's last dim with b's second-to-last (or only) dim first")
@pytest.mark.parametrize(
    ("shape_a", "shape_b"),
    [((2, 3), (4, 5)), ((3,), (4,)), ((2, 3), (2,)), ((5, 2, 3), (5, 4, 2))],
)
def test_matmul_mismatch_names_both_shapes(shape_a, shape_b):
    """Inner dimensions that disagree raise ValueError naming both shapes."""
    assert (tt.ones(2, 3) @ tt.ones(3, 4)).shape == (2, 4)
    pattern = rf"{shape_a}".replace("(", r"\(").replace(")", r"\)")
    pattern += ".*" + rf"{shape_b}".replace("(", r"\(").replace(")", r"\)")
    with pytest.raises(ValueError, match=pattern):
        tt.ones(*shape_a) @ tt.ones(*shape_b)


@pytest.mark.points(1, hint="a 0-d operand is a ValueError whose message points to * instead")
def test_matmul_rejects_scalars():
    """A 0-d operand raises ValueError pointing to * instead."""
    assert (tt.ones(3) @ tt.ones(3)).item() == 3.0
    with pytest.raises(ValueError, match=r"\*"):
        tt.tensor(2.0) @ tt.ones(3)
