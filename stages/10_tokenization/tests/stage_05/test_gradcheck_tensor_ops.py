# Generated from solutions/tests/stage_05/test_gradcheck_tensor_ops.py by scripts/build_stages.py: a regression check from stage 05.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 05: every differentiable Tensor operation of stage 01 against finite differences.

``gradcheck(fn, *float64_arrays)`` runs ``fn`` on tensors that require grad, backpropagates a
random upstream gradient, and compares each input's ``.grad`` with central differences.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinytorch as tt
from tinytorch_testing import gradcheck
from tinytorch_testing.strategies import broadcastable_shapes, float_arrays, matmul_shapes, shapes

#: Small shapes keep finite differences (two forward passes per element) fast.
SMALL = shapes(max_dims=3, max_side=4)


def f64(shape, min_value=-3.0, max_value=3.0, exclude_zero=False):
    return float_arrays(shape, np.float64, min_value, max_value, exclude_zero)


@st.composite
def broadcast_pair(draw, b_min=-3.0, b_max=3.0, a_min=-3.0, a_max=3.0):
    shape_a, shape_b = draw(broadcastable_shapes(max_dims=3, max_side=4))
    return draw(f64(shape_a, a_min, a_max)), draw(f64(shape_b, b_min, b_max))


@pytest.mark.points(2, hint="each input's gradient must be summed back to its own shape")
@pytest.mark.parametrize("op", ["add", "sub", "mul"])
@given(broadcast_pair())
def test_add_sub_mul(op, pair):
    """+, - and * on every broadcasting case."""
    fn = {"add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y}[op]
    gradcheck(fn, *pair)


@pytest.mark.points(3, hint="d(a/b)/db = -a / b**2")
@given(data=st.data())
def test_div(data):
    """a / b on every broadcasting case (denominators kept away from 0)."""
    shape_a, shape_b = data.draw(broadcastable_shapes(max_dims=3, max_side=4))
    a = data.draw(f64(shape_a))
    b = data.draw(f64(shape_b, 0.5, 3.0)) * data.draw(st.sampled_from([-1.0, 1.0]))
    gradcheck(lambda x, y: x / y, a, b)


@pytest.mark.points(3, hint="d(a**b)/da = b a**(b-1); d(a**b)/db = a**b log(a)")
@given(broadcast_pair(a_min=0.5, a_max=3.0, b_min=-2.0, b_max=2.0))
def test_pow_with_tensor_exponent(pair):
    """a ** b with both a tensor base (positive) and a tensor exponent."""
    gradcheck(lambda x, y: x**y, *pair)


@pytest.mark.points(3)
@given(f64(SMALL, 0.5, 3.0), st.sampled_from([-1.5, -1.0, 0.5, 2.0, 3.0]))
def test_scalars_on_either_side(a, s):
    """Python numbers on either side: x + s, s - x, s * x, x / s, s / x, x ** s and s ** x."""
    gradcheck(lambda x: x + s, a)
    gradcheck(lambda x: s + x, a)
    gradcheck(lambda x: x - s, a)
    gradcheck(lambda x: s - x, a)
    gradcheck(lambda x: x * s, a)
    gradcheck(lambda x: s * x, a)
    gradcheck(lambda x: x / s, a)
    gradcheck(lambda x: s / x, a)
    gradcheck(lambda x: x**s, a)
    gradcheck(lambda x: abs(s) ** x, a)


@pytest.mark.points(1)
@given(f64(SMALL))
def test_neg(a):
    """-x."""
    gradcheck(lambda x: -x, a)


@pytest.mark.points(4, hint="treat a 1-D operand as a row/column, then sum away batch dims")
@given(data=st.data())
def test_matmul(data):
    """a @ b for vectors, matrices and broadcast batches."""
    shape_a, shape_b = data.draw(matmul_shapes(max_side=4))
    a, b = data.draw(f64(shape_a)), data.draw(f64(shape_b))
    gradcheck(lambda x, y: x @ y, a, b)
    constant_a, constant_b = tt.tensor(a), tt.tensor(b)  # only one side needs a gradient
    gradcheck(lambda y: constant_a @ y, b)
    gradcheck(lambda x: x.matmul(constant_b), a)


@st.composite
def array_and_dim(draw, allow_tuple=True, distinct=False):
    """A float64 array with a dim (None, an int, maybe negative, or a tuple); ``distinct``
    draws values at least 0.1 apart so max/min have no ties, even under finite differences."""
    shape = draw(shapes(min_dims=1, max_dims=3, max_side=4))
    if distinct:
        size = int(np.prod(shape))
        order = draw(st.permutations(range(size)))
        a = (np.array(order, dtype=np.float64) * 0.1 - size * 0.05).reshape(shape)
    else:
        a = draw(f64(shape))
    ints = st.integers(-a.ndim, a.ndim - 1)
    options = [st.none(), ints]
    if allow_tuple:
        options.append(
            st.lists(ints, min_size=1, max_size=a.ndim, unique_by=lambda d: d % a.ndim).map(tuple)
        )
    return a, draw(st.one_of(options))


@pytest.mark.points(3, hint="re-insert the reduced axes, then broadcast the gradient back")
@given(array_and_dim(), st.booleans())
def test_sum_and_mean(case, keepdim):
    """sum and mean over None, an int, a negative int or a tuple of dims, with keepdim."""
    a, dim = case
    gradcheck(lambda x: x.sum(dim, keepdim), a)
    gradcheck(lambda x: x.mean(dim=dim, keepdim=keepdim), a)


@pytest.mark.points(3, hint="the gradient goes to the element that won")
@given(array_and_dim(distinct=True), st.booleans())
def test_max_and_min(case, keepdim):
    """amax/amin and max(dim)/min(dim) values (distinct inputs: no ties)."""
    a, dim = case
    gradcheck(lambda x: x.amax(dim, keepdim), a)
    gradcheck(lambda x: x.amin(dim=dim, keepdim=keepdim), a)
    if isinstance(dim, int):
        gradcheck(lambda x: x.max(dim, keepdim).values, a)
        gradcheck(lambda x: x.min(dim, keepdim)[0], a)
    else:
        gradcheck(lambda x: x.max(), a)


@pytest.mark.points(3, hint="shape ops only move elements: move the gradient back")
@given(f64(shapes(min_dims=1, max_dims=3, max_side=4)), st.data())
def test_reshape_transpose_permute(a, data):
    """reshape, view, flatten, transpose, permute, T, squeeze and unsqueeze."""
    dims = data.draw(st.permutations(range(a.ndim)))
    d0 = data.draw(st.integers(-a.ndim, a.ndim - 1))
    d1 = data.draw(st.integers(-a.ndim, a.ndim - 1))
    gradcheck(lambda x: x.reshape(-1, 1), a)
    gradcheck(lambda x: x.view(a.size), a)
    gradcheck(lambda x: x.flatten(), a)
    gradcheck(lambda x: x.transpose(d0, d1), a)
    gradcheck(lambda x: x.permute(*dims), a)
    gradcheck(lambda x: x.T, a)
    gradcheck(lambda x: x.unsqueeze(d0).squeeze(), a)


@pytest.mark.points(2)
@given(data=st.data())
def test_basic_indexing(data):
    """Ints, slices with steps, None and Ellipsis."""
    a = data.draw(f64(shapes(min_dims=1, max_dims=3, max_side=4)))
    index = data.draw(hnp.basic_indices(a.shape, allow_newaxis=True, allow_ellipsis=True))
    gradcheck(lambda x: x[index] * 1.0, a)


@pytest.mark.points(3, hint="np.add.at accumulates where an index repeats; x[idx] += g does not")
@given(data=st.data())
def test_advanced_indexing_with_repeats(data):
    """Integer lists with repeated and negative entries, pairs of lists, and boolean masks."""
    a = data.draw(f64(shapes(min_dims=2, max_dims=3, max_side=4)))
    n, m = a.shape[:2]
    rows = data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=8))
    cols = data.draw(st.lists(st.integers(0, m - 1), min_size=len(rows), max_size=len(rows)))
    mask = a > 0
    gradcheck(lambda x: x[rows], a)
    gradcheck(lambda x: x[rows, cols], a)
    gradcheck(lambda x: x[:, cols], a)
    gradcheck(lambda x: x[mask], a)


@pytest.mark.points(3, hint="each derivative is elementwise: grad times f'(x)")
@given(f64(SMALL, -3.0, 3.0))
def test_exp_log_sqrt(a):
    """exp everywhere; log and sqrt on positive inputs."""
    positive = np.asarray(np.abs(a) + 0.5)  # (stays an array when a is 0-d)
    gradcheck(lambda x: x.exp(), a)
    gradcheck(lambda x: x.log(), positive)
    gradcheck(lambda x: x.sqrt(), positive)


def away_from(points, distance=0.01):
    """Float64 arrays whose values stay ``distance`` away from each of ``points`` (kinks)."""
    elements = st.floats(-3, 3, width=32).filter(
        lambda v: all(abs(v - p) > distance for p in points)
    )
    return hnp.arrays(np.float64, SMALL, elements=elements)


@pytest.mark.points(2, hint="abs' = sign(x)")
@given(away_from([0.0]))
def test_abs(a):
    """abs (inputs away from the kink at 0)."""
    gradcheck(lambda x: x.abs(), a)


@pytest.mark.points(2, hint="the gradient passes only where the value was not clipped")
@given(away_from([-1.0, 1.5]))
def test_clip(a):
    """clip/clamp with both bounds and with one (inputs away from the bounds)."""
    gradcheck(lambda x: x.clip(-1.0, 1.5), a)
    gradcheck(lambda x: x.clamp(min=-1.0), a)
    gradcheck(lambda x: x.clip(max=1.5), a)
