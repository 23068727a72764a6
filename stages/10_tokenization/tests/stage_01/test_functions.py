# Generated from solutions/tests/stage_01/test_functions.py by scripts/build_stages.py: a regression check from stage 01.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 01: the torch.* functions (tinytorch.exp, matmul, cat, stack, where, maximum, ...)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.errors import ShapeError
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import (
    broadcastable_shapes,
    float_arrays,
    matmul_shapes,
    shapes,
)


@pytest.mark.points(2, hint="each function calls the method of the same name")
@given(float_arrays(shapes(), min_value=0.5, max_value=5.0), st.floats(-3, 3, width=32))
def test_elementwise_functions_match_numpy(a, s):
    """tinytorch.exp/log/sqrt/abs/neg/add/sub/mul/div/pow/clamp equal NumPy, as the methods."""
    x, s = tt.tensor(a), np.float32(s)
    for name, expected in [
        ("exp", np.exp(a)),
        ("log", np.log(a)),
        ("sqrt", np.sqrt(a)),
        ("abs", np.abs(-a)),
        ("neg", -a),
    ]:
        arg = tt.tensor(-a) if name == "abs" else x
        assert_close(getattr(tt, name)(arg), expected)
    assert_close(tt.add(x, s), a + s)
    assert_close(tt.add(x, x, alpha=2), a + 2 * a)
    assert_close(tt.sub(x, s, alpha=3), a - 3 * s)
    assert_close(tt.mul(x, s), a * s)
    assert_close(tt.div(x, x + 1), a / (a + 1))
    assert_close(tt.pow(x, 2), a**2)
    assert_close(tt.clamp(x, 1.0, 2.0), np.clip(a, 1.0, 2.0))
    assert_close(tt.clip(x, max=2.0), np.clip(a, None, 2.0))


@pytest.mark.points(2)
@given(data=st.data())
def test_maximum_and_minimum_match_numpy(data):
    """tinytorch.maximum/minimum (and x.max(y), x.min(y)) broadcast like NumPy's."""
    shape_a, shape_b = data.draw(broadcastable_shapes())
    a, b = data.draw(float_arrays(shape_a)), data.draw(float_arrays(shape_b))
    x, y = tt.tensor(a), tt.tensor(b)
    assert_close(tt.maximum(x, y), np.maximum(a, b))
    assert_close(tt.minimum(x, y), np.minimum(a, b))
    assert_close(x.max(y), np.maximum(a, b))
    assert_close(tt.min(x, y), np.minimum(a, b))
    assert_close(x.maximum(0.0), np.maximum(a, np.float32(0)))


@pytest.mark.points(2, hint="np.where(condition, x, y) broadcasts all three")
@given(data=st.data())
def test_where_matches_numpy(data):
    """tinytorch.where(condition, x, y) picks elementwise, broadcasting all three, with numbers
    on either side; the condition must be a bool mask."""
    shape_c, shape_x = data.draw(broadcastable_shapes())
    c = data.draw(float_arrays(shape_c)) > 0
    a = data.draw(float_arrays(shape_x))
    x = tt.tensor(a)
    assert_close(tt.where(tt.tensor(c), x, -x), np.where(c, a, -a))
    assert_close(tt.where(tt.tensor(c), x, 0.0), np.where(c, a, np.float32(0)))
    assert_close(x.where(tt.tensor(c), 1.0), np.where(c, a, np.float32(1)))
    assert_close(tt.where(x > 0, 1, x), np.where(a > 0, np.float32(1), a))
    with pytest.raises(TypeError, match="bool"):
        tt.where(x, x, x)


@st.composite
def arrays_to_join(draw, same_shape):
    """2 to 4 float32 arrays and a dim (maybe negative): equal shapes, or equal except
    along dim."""
    shape = draw(shapes(min_dims=1, max_dims=3))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    count = draw(st.integers(2, 4))
    result = []
    for _ in range(count):
        sides = list(shape)
        if not same_shape:
            sides[dim] = draw(st.integers(1, 4))
        result.append(draw(float_arrays(tuple(sides))))
    return result, dim


@pytest.mark.points(3, hint="np.concatenate(arrays, axis=dim)")
@given(arrays_to_join(same_shape=False))
def test_cat_matches_numpy(case):
    """tinytorch.cat joins tensors along an existing dim, as np.concatenate; mixed dtypes
    are promoted (int64 with float32 gives float32)."""
    arrays, dim = case
    assert_close(tt.cat([tt.tensor(a) for a in arrays], dim), np.concatenate(arrays, dim))
    assert_close(
        tt.concat(tuple(tt.tensor(a) for a in arrays), dim=dim), np.concatenate(arrays, dim)
    )
    ints = np.ones(arrays[0].shape, np.int64)
    mixed = tt.cat([tt.tensor(ints), tt.tensor(arrays[0])], dim)
    assert_close(mixed, np.concatenate([ints.astype(np.float32), arrays[0]], dim))


@pytest.mark.points(3, hint="np.stack(arrays, axis=dim) adds the new axis")
@given(arrays_to_join(same_shape=True), st.data())
def test_stack_matches_numpy(case, data):
    """tinytorch.stack joins equally shaped tensors along a new dim (also the last, -1)."""
    arrays, _ = case
    dim = data.draw(st.integers(-arrays[0].ndim - 1, arrays[0].ndim))
    assert_close(tt.stack([tt.tensor(a) for a in arrays], dim), np.stack(arrays, dim))


@pytest.mark.points(1, hint="check the shapes before joining and name the tensor that differs")
def test_cat_and_stack_errors_name_the_shapes():
    """cat and stack reject tensors that do not fit with a ShapeError naming both shapes and
    the position of the tensor that differs; an empty list or a non-tensor is refused."""
    a, b = tt.ones(2, 3), tt.ones(2, 4)
    assert tt.cat([a, b], dim=1).shape == (2, 7)
    with pytest.raises(ShapeError, match=r"\(2, 3\).*tensor 1.*\(2, 4\)"):
        tt.cat([a, b], dim=0)
    with pytest.raises(ShapeError, match=r"\(2, 3\).*tensor 2.*\(2, 4\)"):
        tt.stack([a, a, b])
    with pytest.raises(ValueError, match="non-empty"):
        tt.cat([])
    with pytest.raises(TypeError, match="item 1"):
        tt.stack([a, [1, 2, 3]])
    with pytest.raises(IndexError):
        tt.cat([a, a], dim=2)


@pytest.mark.points(2)
@given(float_arrays(shapes(min_dims=1)), st.data())
def test_reduction_functions_match_numpy(a, data):
    """tinytorch.sum/mean/amax/amin/argmax/argmin/max/min take dim and keepdim as the
    methods do; sum and mean take a dtype."""
    dim = data.draw(st.integers(-a.ndim, a.ndim - 1))
    keep = data.draw(st.booleans())
    x = tt.tensor(a)
    assert_close(tt.sum(x, dim, keep), np.sum(a, axis=dim, keepdims=keep), atol=1e-4)
    assert_close(tt.sum(x, dtype=tt.float64), np.sum(a.astype(np.float64)), atol=1e-4)
    assert_close(tt.mean(x, dim=dim, keepdim=keep), np.mean(a, axis=dim, keepdims=keep))
    assert_close(tt.amax(x), np.max(a))
    assert_close(tt.amin(x, dim, keep), np.min(a, axis=dim, keepdims=keep))
    assert_close(tt.argmax(x, dim), np.argmax(a, axis=dim).astype(np.int64))
    assert_close(tt.argmin(x), np.int64(np.argmin(a)))
    assert_close(tt.max(x), np.max(a))
    values, indices = tt.min(x, dim, keep)
    assert_close(values, np.min(a, axis=dim, keepdims=keep))
    assert_close(indices, np.argmin(a, axis=dim, keepdims=keep).astype(np.int64))


@pytest.mark.points(2)
@given(matmul_shapes(), st.data())
def test_matmul_and_shape_functions_match_numpy(pair, data):
    """tinytorch.matmul, reshape, flatten, permute, transpose, squeeze, unsqueeze and numel
    equal NumPy's."""
    shape_a, shape_b = pair
    a, b = data.draw(float_arrays(shape_a)), data.draw(float_arrays(shape_b))
    x = tt.tensor(a)
    assert_close(tt.matmul(x, tt.tensor(b)), np.matmul(a, b), atol=1e-3)
    assert_close(tt.reshape(x, (-1,)), a.reshape(-1))
    assert_close(tt.flatten(x), a.reshape(-1))
    order = tuple(reversed(range(a.ndim)))
    assert_close(tt.permute(x, order), np.transpose(a, order))
    assert_close(tt.transpose(x, 0, -1), np.swapaxes(a, 0, -1))
    assert_close(tt.unsqueeze(x, 0), a[None])
    assert_close(tt.squeeze(tt.unsqueeze(x, -1), -1), a)
    assert tt.numel(x) == a.size


@pytest.mark.points(1, hint="compare with the operators: tinytorch.gt(x, y) is x > y")
@given(data=st.data())
def test_comparison_functions(data):
    """tinytorch.eq/ne/lt/le/gt/ge equal NumPy's comparisons."""
    shape_a, shape_b = data.draw(broadcastable_shapes())
    a, b = data.draw(float_arrays(shape_a)), data.draw(float_arrays(shape_b))
    x, y = tt.tensor(a), tt.tensor(b)
    for name, ufunc in [
        ("eq", np.equal),
        ("ne", np.not_equal),
        ("lt", np.less),
        ("le", np.less_equal),
        ("gt", np.greater),
        ("ge", np.greater_equal),
    ]:
        assert_close(getattr(tt, name)(x, y), ufunc(a, b))
        assert_close(getattr(tt, name)(x, a.flat[0].item()), ufunc(a, a.flat[0]))


@pytest.mark.points(1)
def test_functions_want_a_tensor_as_input():
    """As in PyTorch, the functions take a Tensor as input and say so when given a number or
    a list (the other operand may be a number)."""
    assert_close(tt.exp(tt.tensor([0.0])), np.ones(1, np.float32))
    with pytest.raises(TypeError, match=r"tinytorch\.exp\(\) expects a Tensor.*float"):
        tt.exp(1.0)
    with pytest.raises(TypeError, match="list"):
        tt.sum([1, 2])
