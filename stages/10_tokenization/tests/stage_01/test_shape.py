# Generated from solutions/tests/stage_01/test_shape.py by scripts/build_stages.py: a regression check from stage 01.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 01: reshape, view, flatten, transpose, permute, T, squeeze and unsqueeze."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays, shapes


@st.composite
def array_and_new_shape(draw):
    """An array and another shape with the same number of elements (maybe with one -1)."""
    a = draw(float_arrays(shapes(max_dims=4)))
    sides = []
    remaining = a.size
    for _ in range(draw(st.integers(0, 3))):
        side = draw(st.sampled_from([d for d in range(1, remaining + 1) if remaining % d == 0]))
        sides.append(side)
        remaining //= side
    sides.append(remaining)
    order = draw(st.permutations(sides))
    shape = list(order)
    if draw(st.booleans()):
        shape[draw(st.integers(0, len(shape) - 1))] = -1
    return a, tuple(shape)


@pytest.mark.points(3, hint="NumPy infers a -1 dimension for you")
@given(array_and_new_shape())
def test_reshape_and_view_match_numpy(case):
    """reshape/view take sizes as arguments or as one tuple/list, with one -1 inferred."""
    a, shape = case
    x = tt.tensor(a)
    expected = a.reshape(shape)
    assert_close(x.reshape(shape), expected)
    assert_close(x.reshape(*shape), expected)
    assert_close(x.view(list(shape)), expected)


@pytest.mark.points(2)
def test_reshape_to_a_wrong_size_names_the_shapes():
    """Reshaping 6 elements into 4 raises ValueError naming the input shape."""
    assert tt.ones(2, 3).reshape(3, 2).shape == (3, 2)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4,\)"):
        tt.ones(2, 3).reshape(4)


@pytest.mark.points(2)
@given(float_arrays(shapes(min_dims=1)), st.data())
def test_flatten_matches_numpy(a, data):
    """flatten(start_dim, end_dim) merges that range of dims, as in PyTorch."""
    x = tt.tensor(a)
    assert_close(x.flatten(), a.reshape(-1))
    start = data.draw(st.integers(0, a.ndim - 1))
    end = data.draw(st.integers(start, a.ndim - 1))
    expected = a.reshape(*a.shape[:start], -1, *a.shape[end + 1 :])
    assert_close(x.flatten(start, end), expected)
    assert_close(x.flatten(start - a.ndim, end - a.ndim), expected)
    assert tt.tensor(1.0).flatten().shape == (1,)


@pytest.mark.points(3, hint="np.transpose(x, dims) reorders axes; transpose swaps two of them")
@given(float_arrays(shapes(min_dims=1)), st.data())
def test_transpose_permute_and_T_match_numpy(a, data):
    """transpose(d0, d1), permute(dims) and T equal NumPy's swapaxes/transpose."""
    x = tt.tensor(a)
    d0 = data.draw(st.integers(-a.ndim, a.ndim - 1))
    d1 = data.draw(st.integers(-a.ndim, a.ndim - 1))
    assert_close(x.transpose(d0, d1), np.swapaxes(a, d0, d1))
    dims = data.draw(st.permutations(range(a.ndim)))
    assert_close(x.permute(*dims), np.transpose(a, dims))
    assert_close(x.permute(dims), np.transpose(a, dims))
    assert_close(x.T, a.T)


@pytest.mark.points(1)
def test_permute_needs_every_dim_once():
    """permute with a repeated or missing dim raises ValueError naming the dims given."""
    assert tt.ones(2, 3, 4).permute(2, 0, 1).shape == (4, 2, 3)
    with pytest.raises(ValueError, match=r"\(0, 0, 1\)"):
        tt.ones(2, 3, 4).permute(0, 0, 1)


@pytest.mark.points(3, hint="squeeze(dim) leaves a dim whose size is not 1 alone, as PyTorch")
@given(float_arrays(shapes(max_side=2)), st.data())
def test_squeeze_and_unsqueeze_match_numpy(a, data):
    """squeeze() drops size-1 dims, squeeze(dim) only that one; unsqueeze(dim) adds one."""
    x = tt.tensor(a)
    assert_close(x.squeeze(), np.squeeze(a))
    if a.ndim:
        d = data.draw(st.integers(-a.ndim, a.ndim - 1))
        expected = np.squeeze(a, axis=d) if a.shape[d] == 1 else a
        assert_close(x.squeeze(d), expected)
    position = data.draw(st.integers(-a.ndim - 1, a.ndim))
    assert_close(x.unsqueeze(position), np.expand_dims(a, position))


@pytest.mark.points(1)
def test_shape_ops_check_their_dims():
    """transpose/unsqueeze with a dim out of range raise IndexError naming the range."""
    x = tt.ones(2, 3)
    assert x.transpose(0, -1).shape == (3, 2)
    with pytest.raises(IndexError, match="out of range"):
        x.transpose(0, 2)
    with pytest.raises(IndexError, match="out of range"):
        x.unsqueeze(4)
