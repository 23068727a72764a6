# Generated from solutions/tests/stage_01/test_elementwise.py by scripts/build_stages.py: a regression check from stage 01.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 01: comparisons and the elementwise functions exp, log, sqrt, abs and clip."""

import operator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import broadcastable_shapes, float_arrays, shapes

COMPARISONS = [operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge]


@pytest.mark.points(3, hint="apply the NumPy ufunc to both arrays and wrap the bool result")
@given(data=st.data())
def test_comparisons_match_numpy(data):
    """== != < <= > >= give bool tensors equal to NumPy's, with broadcasting and scalars."""
    shape_a, shape_b = data.draw(broadcastable_shapes())
    # small integers as floats, so that equal elements actually occur
    a = data.draw(float_arrays(shape_a, min_value=-2, max_value=2)).round()
    b = data.draw(float_arrays(shape_b, min_value=-2, max_value=2)).round()
    for op in COMPARISONS:
        got = op(tt.tensor(a), tt.tensor(b))
        assert got.dtype == tt.bool
        assert_close(got, op(a, b))
        assert_close(op(tt.tensor(a), 0.0), op(a, np.float32(0.0)))


@pytest.mark.points(1, hint="catch NumPy's ValueError and raise one that names both shapes")
def test_comparison_shape_mismatch_names_both_shapes():
    """Comparing shapes that do not broadcast raises ValueError naming both shapes."""
    assert (tt.ones(2, 3) < tt.ones(3)).shape == (2, 3)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2,\)"):
        _ = tt.ones(2, 3) < tt.ones(2)


@pytest.mark.points(4, hint="np.exp, np.log, np.sqrt and np.abs keep float32")
@given(float_arrays(shapes(), min_value=-10.0, max_value=10.0))
def test_unary_functions_match_numpy(a):
    """exp, log, sqrt and abs equal NumPy and keep float32."""
    x = tt.tensor(a)
    positive = np.abs(a) + np.float32(0.5)
    assert_close(x.exp(), np.exp(a))
    assert_close(tt.tensor(positive).log(), np.log(positive))
    assert_close(tt.tensor(positive).sqrt(), np.sqrt(positive))
    assert_close(x.abs(), np.abs(a))


@pytest.mark.points(2)
def test_float_functions_of_int_tensors_are_float32():
    """exp/log/sqrt of an integer tensor give float32, as in PyTorch; abs keeps the int dtype."""
    t = tt.tensor([1, 4, 9])
    assert_close(t.sqrt(), np.array([1.0, 2.0, 3.0], dtype=np.float32))
    assert_close(t.exp(), np.exp(np.array([1, 4, 9], dtype=np.float32)))
    assert_close(t.log(), np.log(np.array([1, 4, 9], dtype=np.float32)))
    assert_close(tt.tensor([-3, 2]).abs(), np.array([3, 2]))


@pytest.mark.points(3, hint="np.clip(x, low, high) accepts None for a missing bound")
@given(
    float_arrays(shapes()),
    st.floats(-5, 0, width=32),
    st.floats(0, 5, width=32),
)
def test_clip_matches_numpy(a, low, high):
    """clip/clamp limit values to [min, max]; either bound may be left out."""
    x = tt.tensor(a)
    lo, hi = np.float32(low), np.float32(high)
    assert_close(x.clip(low, high), np.clip(a, lo, hi))
    assert_close(x.clamp(min=low), np.maximum(a, lo))
    assert_close(x.clip(max=high), np.minimum(a, hi))


@pytest.mark.points(1)
def test_clip_needs_a_bound_and_promotes_like_pytorch():
    """clip() without bounds raises ValueError; an int tensor clipped by floats is float32."""
    clipped = tt.tensor([1, 5, 9]).clip(2.5, 7.5)
    assert_close(clipped, np.array([2.5, 5.0, 7.5], dtype=np.float32))
    assert_close(tt.tensor([1, 5, 9]).clip(2, 7), np.array([2, 5, 7]))
    with pytest.raises(ValueError, match="min and max"):
        tt.ones(3).clip()
