# Generated from solutions/tests/stage_12/test_masking.py by scripts/build_stages.py: graded in this stage.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 12: the masking operations attention needs, masked_fill, tril and triu, forward and
backward."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinytorch as tt
from tinytorch_testing import assert_close, gradcheck
from tinytorch_testing.strategies import float_arrays, shapes


@st.composite
def tensor_and_mask(draw):
    """(x shape, mask) where the mask broadcasts to x's shape (fewer dims, size-1 axes)."""
    shape = draw(shapes(min_dims=1, max_dims=3))
    dims = draw(st.integers(0, len(shape)))
    mask_shape = tuple(draw(st.sampled_from([1, n])) for n in shape[len(shape) - dims :])
    return shape, draw(hnp.arrays(np.bool_, mask_shape))


@given(case=tensor_and_mask(), value=st.sampled_from([0.0, -np.inf, 2.5]), data=st.data())
@pytest.mark.points(2, hint="np.where(mask, value, x), with value as an array of x's dtype")
def test_masked_fill_matches_numpy_where(case, value, data):
    """masked_fill equals np.where(mask, value, x) for any mask that broadcasts.

    x.masked_fill(mask, value) is np.where(mask, value, x) for masks that broadcast, and
    keeps x's float32 dtype."""
    shape, mask = case
    x = data.draw(float_arrays(shape))
    out = tt.tensor(x).masked_fill(tt.tensor(mask), value)
    assert_close(out, np.where(mask, np.float32(value), x))


@given(case=tensor_and_mask(), seed=st.integers(0, 2**16))
@pytest.mark.points(2, hint="filled elements no longer depend on x: their gradient is 0")
def test_masked_fill_gradient(case, seed):
    """masked_fill's backward matches finite differences: zero where filled, 1 elsewhere."""
    shape, mask = case
    x = np.random.default_rng(seed).standard_normal(shape)
    gradcheck(lambda t: t.masked_fill(tt.tensor(mask), 3.0), x)
    xt = tt.tensor(x, requires_grad=True)
    xt.masked_fill(tt.tensor(mask), 3.0).sum().backward()
    assert_close(xt.grad, np.where(np.broadcast_to(mask, shape), 0.0, 1.0))


@given(
    shape=shapes(min_dims=2, max_dims=4),
    diagonal=st.integers(-4, 4),
    upper=st.booleans(),
    seed=st.integers(0, 2**16),
)
@pytest.mark.points(3, hint="keep j - i <= diagonal (tril) or j - i >= diagonal (triu)")
def test_tril_triu_match_numpy_and_pass_gradients(shape, diagonal, upper, seed):
    """tril/triu equal NumPy's on any batch and pass gradients on their triangle only.

    tril/triu equal NumPy's on the last two dims of any batch, and their gradient is the
    same triangle of ones (finite differences agree)."""
    x = np.random.default_rng(seed).standard_normal(shape)
    op, reference = (tt.triu, np.triu) if upper else (tt.tril, np.tril)
    assert_close(op(tt.tensor(x), diagonal), reference(x, diagonal))
    assert_close(getattr(tt.tensor(x), op.__name__)(diagonal), reference(x, diagonal))
    gradcheck(lambda t: op(t, diagonal), x)


@pytest.mark.points(1)
def test_masking_errors_name_the_problem():
    """A non-bool mask, a mask that does not broadcast to the tensor and tril of a 1-D tensor fail."""
    x = tt.ones(2, 3)
    expected = np.array([[0, 1, 0], [0, 1, 0]], np.float32)
    assert_close(x.masked_fill(tt.tensor([True, False, True]), 0.0), expected)
    with pytest.raises(TypeError, match="bool"):
        x.masked_fill(tt.tensor([1, 0, 1]), 0.0)
    with pytest.raises(ValueError, match=r"\(4,\).*\(2, 3\)"):
        x.masked_fill(tt.tensor([True] * 4), 0.0)
    with pytest.raises(ValueError, match="2 dimensions"):
        tt.tril(tt.ones(3))
