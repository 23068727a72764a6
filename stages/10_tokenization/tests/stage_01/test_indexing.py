# Generated from solutions/tests/stage_01/test_indexing.py by scripts/build_stages.py: a regression check from stage 01.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 01: indexing and slicing, basic and advanced, reading and writing."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinytorch as tt
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays, shapes


@pytest.mark.points(3, hint="x[index] on the array does it; keep the result a Tensor")
@given(data=st.data())
def test_basic_indexing_matches_numpy(data):
    """Ints, slices (with steps), None and Ellipsis select what NumPy selects."""
    a = data.draw(float_arrays(shapes(min_dims=1)))
    index = data.draw(hnp.basic_indices(a.shape, allow_newaxis=True, allow_ellipsis=True))
    got = tt.tensor(a)[index]
    assert isinstance(got, tt.Tensor)
    assert_close(got, a[index])


@pytest.mark.points(3)
@given(data=st.data())
def test_advanced_indexing_matches_numpy(data):
    """Integer lists/tensors (with repeats, negatives) and boolean masks select like NumPy."""
    a = data.draw(float_arrays(shapes(min_dims=2, max_dims=3)))
    n = a.shape[0]
    rows = data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=6))
    x = tt.tensor(a)
    assert_close(x[rows], a[rows])
    assert_close(x[tt.tensor(rows)], a[np.array(rows)])
    cols = data.draw(
        st.lists(st.integers(0, a.shape[1] - 1), min_size=len(rows), max_size=len(rows))
    )
    assert_close(x[rows, cols], a[rows, cols])
    assert_close(x[:, cols], a[:, cols])
    assert_close(x[x > 0], a[a > 0])


@pytest.mark.points(2, hint="catch NumPy's IndexError in GetItem.forward; raise one naming x.shape")
def test_index_out_of_range_names_the_shape():
    """An index past the end raises IndexError naming the tensor's shape."""
    x = tt.zeros(2, 3)
    assert x[1, -1].shape == ()
    with pytest.raises(IndexError, match=r"\(2, 3\)"):
        x[2]
    with pytest.raises(IndexError, match=r"\(2, 3\)"):
        x[[0, 5]]


@pytest.mark.points(2)
@given(data=st.data())
def test_setitem_writes_in_place(data):
    """x[index] = value writes into the tensor, for numbers and tensors, as NumPy does."""
    a = data.draw(float_arrays(shapes(min_dims=1)))
    index = data.draw(hnp.basic_indices(a.shape))
    value = data.draw(st.floats(-5, 5, width=32))
    x = tt.tensor(a)
    expected = a.copy()
    x[index] = value
    expected[index] = value
    assert_close(x, expected)
    x[index] = tt.tensor(a)[index] * 2
    expected[index] = a[index] * 2
    assert_close(x, expected)
