# Generated from solutions/tests/stage_01/test_reductions.py by scripts/build_stages.py: a regression check from stage 01.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 01: sum, mean, max, min, argmax and argmin over dimensions."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays, shapes


@st.composite
def array_and_dim(draw, allow_tuple=True):
    """A float32 array with at least one dim, and a dim: None, an int (maybe negative) or a
    tuple of distinct dims."""
    a = draw(float_arrays(shapes(min_dims=1)))
    ints = st.integers(-a.ndim, a.ndim - 1)
    options = [st.none(), ints]
    if allow_tuple:
        options.append(
            st.lists(ints, min_size=1, max_size=a.ndim, unique_by=lambda d: d % a.ndim).map(tuple)
        )
    return a, draw(st.one_of(options))


@pytest.mark.points(4, hint="np.sum and np.mean take axis= and keepdims= directly")
@given(array_and_dim(), st.booleans())
def test_sum_and_mean_match_numpy(case, keepdim):
    """sum and mean over None, one dim, negative dims or a tuple of dims, with keepdim."""
    a, dim = case
    x = tt.tensor(a)
    assert_close(x.sum(dim, keepdim), np.sum(a, axis=dim, keepdims=keepdim), atol=1e-4)
    assert_close(x.mean(dim=dim, keepdim=keepdim), np.mean(a, axis=dim, keepdims=keepdim))


@pytest.mark.points(3)
@given(array_and_dim(), st.booleans())
def test_amax_and_amin_match_numpy(case, keepdim):
    """amax/amin (and max()/min() without a dim) equal NumPy's max/min."""
    a, dim = case
    x = tt.tensor(a)
    assert_close(x.amax(dim, keepdim), np.max(a, axis=dim, keepdims=keepdim))
    assert_close(x.amin(dim, keepdim), np.min(a, axis=dim, keepdims=keepdim))
    assert_close(x.max(), np.max(a))
    assert_close(x.min(), np.min(a))


@pytest.mark.points(3, hint="PyTorch's max(dim) returns both the values and their positions")
@given(array_and_dim(allow_tuple=False), st.booleans())
def test_max_and_min_with_dim_return_values_and_indices(case, keepdim):
    """max(dim)/min(dim) return (values, indices) like PyTorch; argmax/argmin agree."""
    a, dim = case
    dim = 0 if dim is None else dim
    x = tt.tensor(a)
    values, indices = x.max(dim, keepdim)
    assert_close(values, np.max(a, axis=dim, keepdims=keepdim))
    assert_close(indices, np.argmax(a, axis=dim, keepdims=keepdim).astype(np.int64))
    result = x.min(dim=dim, keepdim=keepdim)
    assert_close(result.values, np.min(a, axis=dim, keepdims=keepdim))
    assert_close(result.indices, np.argmin(a, axis=dim, keepdims=keepdim).astype(np.int64))
    assert_close(x.argmax(dim, keepdim), indices)


@pytest.mark.points(2)
@given(float_arrays(shapes(min_dims=1)))
def test_argmax_without_dim_indexes_the_flattened_tensor(a):
    """argmax()/argmin() without a dim give an int64 index into the flattened tensor."""
    x = tt.tensor(a)
    assert_close(x.argmax(), np.int64(np.argmax(a)))
    assert_close(x.argmin(), np.int64(np.argmin(a)))


@pytest.mark.points(2, hint="accept axis/keepdims as another spelling of dim/keepdim")
@given(array_and_dim(allow_tuple=False))
def test_numpy_spellings_axis_and_keepdims(case):
    """axis= and keepdims= are accepted as aliases of dim= and keepdim=."""
    a, dim = case
    x = tt.tensor(a)
    assert_close(x.sum(axis=dim, keepdims=True), x.sum(dim=dim, keepdim=True))
    assert_close(x.mean(axis=dim), np.mean(a, axis=dim))
    assert_close(x.amax(axis=dim, keepdims=True), np.max(a, axis=dim, keepdims=True))
    if dim is not None:
        assert_close(x.argmax(axis=dim), np.argmax(a, axis=dim).astype(np.int64))


@pytest.mark.points(2)
def test_reduction_dtypes_follow_pytorch():
    """sum of ints or bools is int64, mean of ints is float32, sum of float32 stays float32."""
    assert tt.tensor([[1, 2], [3, 4]]).sum().dtype == tt.int64
    assert tt.tensor([True, True, False]).sum().item() == 2
    mean = tt.tensor([1, 2]).mean()
    assert mean.dtype == tt.float32 and mean.item() == 1.5
    assert tt.ones(3, 2).sum(0).dtype == tt.float32
    assert tt.ones(3, 2, dtype=tt.float64).mean(1).dtype == tt.float64


@pytest.mark.points(2)
def test_reducing_a_missing_dim_is_an_index_error():
    """A dim outside the tensor raises IndexError naming the valid range."""
    x = tt.ones(2, 3)
    assert x.sum(-2).shape == (3,)
    for reduce in (x.sum, x.mean, x.amax, x.argmax):
        with pytest.raises(IndexError, match=r"-2 to 1"):
            reduce(2)


@pytest.mark.points(1, hint="check _reduced_size before np.max; say it reduces no elements")
def test_max_of_nothing_is_an_error():
    """max of an empty tensor raises ValueError; max over a non-empty dim of one is fine."""
    empty = tt.zeros(0, 3)
    assert empty.amax(1).shape == (0,)
    with pytest.raises(ValueError, match="no elements"):
        empty.amax()


@pytest.mark.points(1, hint="without a dim, keepdim keeps every dim as size 1, as sum does")
@given(float_arrays(shapes()))
def test_max_and_min_over_everything_honour_keepdim(a):
    """x.max(keepdim=True) and x.min(keepdim=True) without a dim keep every dimension as
    size 1, exactly like x.sum(keepdim=True), and hold the extreme value."""
    x = tt.tensor(a)
    kept = (1,) * a.ndim
    assert x.sum(keepdim=True).shape == kept
    assert_close(x.max(keepdim=True), np.max(a, keepdims=True))
    assert_close(x.min(keepdim=True), np.min(a, keepdims=True))
    assert_close(x.max(keepdims=True), np.max(a, keepdims=True))
    assert_close(x.max(), np.max(a))
