# Generated from solutions/tests/stage_01/test_factories.py by scripts/build_stages.py: a regression check from stage 01.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 01: factories (zeros, ones, full, arange, eye, rand, randn) and seeding."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.errors import DTypeError, ShapeError
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import shapes


@pytest.mark.points(2)
@given(shapes(max_dims=3))
def test_zeros_and_ones(shape):
    """zeros/ones accept sizes as arguments, a tuple or a list, and default to float32."""
    assert_close(tt.zeros(*shape), np.zeros(shape, dtype=np.float32))
    assert_close(tt.ones(shape), np.ones(shape, dtype=np.float32))
    assert_close(tt.ones(list(shape), dtype=tt.int64), np.ones(shape, dtype=np.int64))
    like = tt.zeros_like(tt.ones(shape, dtype=tt.float64))
    assert_close(like, np.zeros(shape, dtype=np.float64))
    assert_close(tt.ones_like(tt.zeros(shape), dtype=tt.int32), np.ones(shape, dtype=np.int32))


@pytest.mark.points(2)
def test_full_takes_its_dtype_from_the_value():
    """full's dtype follows fill_value (float32, int64 or bool) unless dtype is given."""
    assert_close(tt.full((2, 3), 1.5), np.full((2, 3), 1.5, dtype=np.float32))
    assert_close(tt.full((2,), 7), np.full((2,), 7, dtype=np.int64))
    assert_close(tt.full((1, 2), True), np.ones((1, 2), dtype=bool))
    assert_close(tt.full((3,), 2, dtype=tt.float64), np.full((3,), 2.0))


@pytest.mark.points(3, hint="int64 when start, end and step are all ints, float32 otherwise")
@given(
    st.integers(-20, 20),
    st.integers(-20, 20),
    st.integers(1, 4) | st.integers(-4, -1),
)
def test_arange_matches_numpy(start, end, step):
    """arange has NumPy's values; int64 for int arguments, float32 when any is a float."""
    if (end - start) * step < 0:  # the step must lead from start to end (PyTorch's rule)
        start, end = end, start
    assert_close(tt.arange(start, end, step), np.arange(start, end, step, dtype=np.int64))
    assert_close(tt.arange(abs(end)), np.arange(abs(end), dtype=np.int64))
    expected = np.arange(start, end, step / 2).astype(np.float32)
    assert_close(tt.arange(start, end, step / 2), expected)


@pytest.mark.points(
    1, hint="a zero step names the step; a backward one must go 'from start to end'"
)
def test_arange_rejects_a_zero_step():
    """arange(0, 5, 0) raises ValueError instead of looping forever; so does a step that
    points away from the end, as arange(5, 0) (PyTorch refuses it; NumPy returns [])."""
    assert tt.arange(0, 1, 0.25).shape == (4,)
    with pytest.raises(ValueError, match="step"):
        tt.arange(0, 5, 0)
    with pytest.raises(ValueError, match="start to end"):
        tt.arange(5, 0)
    with pytest.raises(ValueError, match="start to end"):
        tt.arange(0, 5, -1)


@pytest.mark.points(1)
def test_negative_sizes_are_rejected():
    """A negative size raises ValueError naming the sizes."""
    assert tt.zeros(0, 3).shape == (0, 3)
    with pytest.raises(ValueError, match=r"\(2, -1\)"):
        tt.zeros(2, -1)


@pytest.mark.points(2)
@given(st.integers(1, 6), st.integers(1, 6))
def test_eye_and_linspace(n, m):
    """eye(n) and eye(n, m) are identity matrices; linspace includes both ends."""
    assert_close(tt.eye(n), np.eye(n, dtype=np.float32))
    assert_close(tt.eye(n, m), np.eye(n, m, dtype=np.float32))
    assert_close(tt.linspace(-1.0, 2.0, m), np.linspace(-1.0, 2.0, m, dtype=np.float32))


@pytest.mark.points(3, hint="draw every random number from tinytorch.random.default_generator()")
@given(st.integers(0, 2**31 - 1), shapes(min_dims=1, max_dims=3))
def test_manual_seed_makes_random_factories_reproducible(seed, shape):
    """Same seed, same numbers: randn, rand and randint replay exactly after manual_seed."""
    tt.manual_seed(seed)
    first = (tt.randn(*shape), tt.rand(shape), tt.randint(0, 10, shape))
    tt.manual_seed(seed)
    second = (tt.randn(*shape), tt.rand(shape), tt.randint(0, 10, shape))
    for a, b in zip(first, second, strict=True):
        assert a.shape == shape
        assert_close(a, b, rtol=0, atol=0)
    assert first[0].dtype == first[1].dtype == tt.float32
    assert first[2].dtype == tt.int64


@pytest.mark.points(2)
def test_different_seeds_give_different_numbers():
    """Two seeds give two different streams, and consecutive draws differ."""
    tt.manual_seed(0)
    a, b = tt.randn(100), tt.randn(100)
    tt.manual_seed(1)
    c = tt.randn(100)
    assert not np.array_equal(a.data, b.data)
    assert not np.array_equal(a.data, c.data)


@pytest.mark.points(2)
def test_random_distributions():
    """randn is N(0, 1), rand is uniform on [0, 1) and randint stays in [low, high)."""
    tt.manual_seed(123)
    n = tt.randn(200, 100).numpy()
    assert abs(n.mean()) < 0.02 and abs(n.std() - 1) < 0.02
    u = tt.rand(200, 100).numpy()
    assert u.min() >= 0 and u.max() < 1
    assert abs(u.mean() - 0.5) < 0.01 and abs(u.var() - 1 / 12) < 0.005
    r = tt.randint(3, 7, (1000,)).numpy()
    assert set(np.unique(r)) == {3, 4, 5, 6}
    assert set(np.unique(tt.randint(2, (100,)).numpy())) == {0, 1}  # randint(high, size)
    assert tt.randn(3, dtype=tt.float64).dtype == tt.float64


@pytest.mark.points(1)
def test_random_factories_reject_bad_arguments():
    """randn/rand refuse negative sizes and integer dtypes; bad seeds and ranges name the values."""
    assert tt.rand(2, 0).shape == (2, 0)
    with pytest.raises(ShapeError, match=r"\(2, -1\)"):
        tt.randn(2, -1)
    with pytest.raises(ShapeError, match=r"\(-3,\)"):
        tt.rand((-3,))
    with pytest.raises(DTypeError, match=r"randn draws floats: .* floating dtype, got int64"):
        tt.randn(2, dtype=tt.int64)
    with pytest.raises(ValueError, match="-1"):
        tt.manual_seed(-1)
    with pytest.raises(ValueError, match="low=5, high=5"):
        tt.randint(5, 5, (2,))
