# Generated from solutions/tests/stage_05/test_gradcheck_functions.py by scripts/build_stages.py: a regression check from stage 05.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 05: gradients of cat, stack, where, maximum and minimum, and of max/min with keepdim.

Each is checked against central differences (``gradcheck``) on shapes drawn by Hypothesis,
and the ties of maximum/minimum against PyTorch's rule (each side gets half).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch_testing import assert_close, gradcheck
from tinytorch_testing.strategies import broadcastable_shapes, float_arrays, shapes


def f64(shape, min_value=-3.0, max_value=3.0):
    return float_arrays(shape, np.float64, min_value, max_value)


@st.composite
def pieces(draw, same_shape):
    """2 or 3 float64 arrays and a dim: equal shapes, or equal except along dim."""
    shape = draw(shapes(min_dims=1, max_dims=3, max_side=3))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    result = []
    for _ in range(draw(st.integers(2, 3))):
        sides = list(shape)
        if not same_shape:
            sides[dim] = draw(st.integers(1, 3))
        result.append(draw(f64(tuple(sides))))
    return result, dim


@pytest.mark.points(2, hint="cut the gradient into pieces as long as each input along dim")
@given(pieces(same_shape=False))
def test_cat(case):
    """cat hands each input the slice of the gradient where its elements landed."""
    arrays, dim = case
    gradcheck(lambda *xs: tt.cat(list(xs), dim), *arrays)


@pytest.mark.points(2, hint="input i gets the gradient's slice i along the new dim")
@given(pieces(same_shape=True), st.data())
def test_stack(case, data):
    """stack hands input i the slice i of the gradient along the new dim."""
    arrays, _ = case
    dim = data.draw(st.integers(-arrays[0].ndim - 1, arrays[0].ndim))
    gradcheck(lambda *xs: tt.stack(list(xs), dim), *arrays)


@pytest.mark.points(2, hint="x gets the gradient where the condition holds, y elsewhere")
@given(data=st.data())
def test_where(data):
    """where sends the gradient to x where the mask holds and to y elsewhere, summed back
    over broadcast dims."""
    shape_x, shape_y = data.draw(broadcastable_shapes(max_dims=3, max_side=3))
    x, y = data.draw(f64(shape_x)), data.draw(f64(shape_y))
    mask = data.draw(f64(np.broadcast_shapes(shape_x, shape_y))) > 0
    gradcheck(lambda a, b: tt.where(tt.tensor(mask), a, b), x, y)


@pytest.mark.points(2, hint="the gradient goes to the larger (smaller) input")
@given(data=st.data())
def test_maximum_and_minimum(data):
    """maximum and minimum on every broadcasting case (no ties: a is an integer + 0.25 and
    b an integer + 0.75, so they are always at least 0.5 apart)."""
    shape_a, shape_b = data.draw(broadcastable_shapes(max_dims=3, max_side=3))
    a = np.asarray(np.round(data.draw(f64(shape_a))) + 0.25)
    b = np.asarray(np.round(data.draw(f64(shape_b))) + 0.75)
    gradcheck(tt.maximum, a, b)
    gradcheck(tt.minimum, a, b)


@pytest.mark.points(1, hint="where a == b each side gets half, as in PyTorch")
def test_maximum_and_minimum_split_ties():
    """At a tie, maximum and minimum give each input half of the gradient, as PyTorch."""
    a = tt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = tt.tensor([2.0, 2.0, 2.0], requires_grad=True)
    (tt.maximum(a, b) + 10 * tt.minimum(a, b)).sum().backward()
    assert_close(a.grad, np.array([10.0, 5.5, 1.0], np.float32))
    assert_close(b.grad, np.array([1.0, 5.5, 10.0], np.float32))


@pytest.mark.points(1, hint="x.max(keepdim=True) keeps every dim, like sum(keepdim=True)")
@given(f64(shapes(max_dims=3, max_side=3)))
def test_max_and_min_over_everything_with_keepdim(a):
    """x.max(keepdim=True) and x.min(keepdim=True) without a dim: the gradient reaches the
    extreme element through the kept size-1 dims."""
    a = np.asarray(a + np.arange(a.size).reshape(a.shape) * 1e-2)  # distinct: no ties
    gradcheck(lambda x: x.max(keepdim=True), a)
    gradcheck(lambda x: x.min(keepdim=True), a)
    x = tt.tensor(a, requires_grad=True)
    y = x.max(keepdim=True)
    assert y.shape == (1,) * a.ndim
    y.backward(np.ones(y.shape))
    assert_close(x.grad, (a == a.max()).astype(np.float64))
