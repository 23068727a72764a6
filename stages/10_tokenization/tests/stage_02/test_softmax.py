# Generated from solutions/tests/stage_02/test_softmax.py by scripts/build_stages.py: a regression check from stage 02.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 02: softmax and log_softmax, exact and numerically stable."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays, shapes


@st.composite
def array_and_dim(draw, min_value=-10.0, max_value=10.0):
    """A float32 array with at least one dim and a dim of it (maybe negative)."""
    a = draw(float_arrays(shapes(min_dims=1), min_value=min_value, max_value=max_value))
    return a, draw(st.integers(-a.ndim, a.ndim - 1))


def softmax_reference(a: np.ndarray, dim: int) -> np.ndarray:
    """Softmax in float64, straight from the definition (safe for the inputs used here)."""
    e = np.exp(a.astype(np.float64))
    return e / e.sum(axis=dim, keepdims=True)


@pytest.mark.points(4, hint="subtract the max along dim before exp")
@given(array_and_dim())
def test_softmax_matches_its_definition(case):
    """softmax(x, dim) equals exp(x) / sum(exp(x)) along dim, as float32."""
    a, dim = case
    expected = softmax_reference(a, dim).astype(np.float32)
    assert_close(F.softmax(tt.tensor(a), dim=dim), expected)
    assert_close(tt.tensor(a).softmax(dim), expected)


@pytest.mark.points(
    3, hint="exp overflows float32 above about 88: subtract the max along dim first"
)
@given(array_and_dim(min_value=-1e4, max_value=1e4))
def test_softmax_is_a_distribution_along_dim(case):
    """Every slice along dim is non-negative and sums to 1, even for logits up to 1e4."""
    a, dim = case
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = F.softmax(tt.tensor(a), dim).numpy()
    assert s.dtype == np.float32
    assert np.all(np.isfinite(s)) and np.all(s >= 0)
    assert_close(s.sum(axis=dim), np.ones(np.delete(a.shape, dim % a.ndim), np.float32), atol=1e-5)


@pytest.mark.points(3, hint="softmax(x + c) = softmax(x): this is what makes the max shift safe")
@given(array_and_dim(), st.sampled_from([-1e4, -50.0, 3.0, 100.0, 1e4]))
def test_softmax_is_shift_invariant(case, shift):
    """Adding the same constant to a slice changes nothing: softmax(x + c) = softmax(x)."""
    a, dim = case
    shifted = (a.astype(np.float64) + shift).astype(np.float32)
    # compare against the softmax of the rounded shifted values, so float32 rounding of the
    # shift itself does not count against the implementation
    reference = softmax_reference(shifted - np.float32(shift), dim).astype(np.float32)
    assert_close(F.softmax(tt.tensor(shifted), dim), reference, atol=1e-5)


@pytest.mark.points(4, hint="x - max - log(sum(exp(x - max))): never take the log of softmax")
@given(array_and_dim(min_value=-30, max_value=30))
def test_log_softmax_equals_log_of_softmax(case):
    """log_softmax(x) equals log(softmax(x)) (float64 reference) wherever that is finite."""
    a, dim = case
    expected = np.log(softmax_reference(a, dim)).astype(np.float32)
    got = F.log_softmax(tt.tensor(a), dim=dim)
    assert_close(got, expected, atol=1e-5)
    assert_close(tt.tensor(a).log_softmax(dim), expected, atol=1e-5)


@pytest.mark.points(
    1, hint="softmax: subtract the max first; log_softmax: (x - m) - log(sum(exp(x - m)))"
)
@pytest.mark.parametrize("scale", [1e2, 1e3, 1e4])
def test_softmax_and_log_softmax_are_stable_for_huge_logits(scale):
    """Logits of +-1e4 give exact, finite answers without any RuntimeWarning."""
    x = tt.tensor([[scale, 0.0, -scale], [-scale, -scale, -scale], [scale, scale, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            s = F.softmax(x, dim=1).numpy()
            ls = F.log_softmax(x, dim=-1).numpy()
    assert_close(s[0], np.array([1.0, 0.0, 0.0], np.float32))
    assert_close(s[1], np.full(3, 1 / 3, np.float32))
    assert_close(s[2], np.array([0.5, 0.5, 0.0], np.float32))
    assert np.all(np.isfinite(ls))
    assert_close(ls[0], np.array([0.0, -scale, -2 * scale], np.float32))
    assert_close(ls[2], np.array([-np.log(2), -np.log(2), -scale - np.log(2)], np.float32))


@pytest.mark.points(2, hint="keep the input's dtype: no NumPy float64 constants in the formula")
def test_softmax_keeps_float_dtypes_and_converts_ints():
    """float32/float64 are kept, int input gives float32, dtype= converts first, as PyTorch."""
    for dtype in (tt.float32, tt.float64):
        x = tt.tensor([[1.0, 2.0, 3.0]], dtype=dtype)
        assert F.softmax(x, dim=1).dtype == dtype
        assert F.log_softmax(x, dim=1).dtype == dtype
    assert F.softmax(tt.tensor([1, 2, 3]), dim=0).dtype == tt.float32
    as64 = F.log_softmax(tt.tensor([[1.0, 2.0]]), dim=1, dtype=tt.float64)  # PyTorch's dtype=
    assert as64.dtype == tt.float64


@pytest.mark.points(1)
def test_softmax_checks_its_dim():
    """A dim outside the tensor raises IndexError naming the valid range."""
    assert F.softmax(tt.ones(2, 3), dim=-1).shape == (2, 3)
    with pytest.raises(IndexError, match=r"-2 to 1"):
        F.softmax(tt.ones(2, 3), dim=2)
    with pytest.raises(IndexError, match=r"-2 to 1"):
        F.log_softmax(tt.ones(2, 3), dim=-3)
