# Generated from solutions/tests/stage_01/test_pytorch_rules.py by scripts/build_stages.py: a regression check from stage 01.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 01: the places where PyTorch's rules differ from NumPy's, and tinytorch follows PyTorch."""

import operator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.errors import ShapeError
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays, shapes

OPS = {"add": operator.add, "mul": operator.mul, "truediv": operator.truediv}


@pytest.mark.points(1, hint="a 0-d tensor is like a Python number unless its category is higher")
@pytest.mark.parametrize("name", list(OPS))
@given(float_arrays(shapes(min_dims=1), min_value=0.5, max_value=4.0), st.floats(0.5, 4.0))
def test_zero_dim_tensors_do_not_widen_dimensioned_ones(name, a, s):
    """A 0-d float64 tensor keeps a float32 batch float32 but makes an int batch float64;
    a 0-d int64 tensor keeps an int32 batch int32; int32 / float16 is float16."""
    op = OPS[name]
    scalar64 = tt.tensor(s, dtype=tt.float64)
    assert_close(op(tt.tensor(a), scalar64), op(a, np.float32(s)), rtol=1e-5)
    ints = np.ceil(a).astype(np.int64)
    expected = op(ints.astype(np.float64), s)
    assert_close(op(tt.tensor(ints), scalar64), expected)
    ints32 = tt.tensor(ints.astype(np.int32))
    if name == "truediv":
        halves = tt.tensor(np.full(a.shape, 2.0, np.float16))
        assert_close(ints32 / halves, (ints / 2.0).astype(np.float16))
    else:
        assert_close(op(ints32, tt.tensor(3)), op(ints, 3).astype(np.int32))


@pytest.mark.points(1, hint="raise tinytorch.errors.ShapeError, a ValueError and a RuntimeError")
def test_shape_errors_are_value_and_runtime_errors():
    """item() of several elements, a reshape, a broadcast and a matmul that cannot work raise
    ShapeError, which both `except ValueError` (NumPy's habit) and `except RuntimeError`
    (PyTorch's) catch, and each message names the shapes."""
    assert tt.tensor([[2.5]]).item() == 2.5
    assert issubclass(ShapeError, ValueError) and issubclass(ShapeError, RuntimeError)
    with pytest.raises(ShapeError, match=r"\(2, 3\)"):
        tt.ones(2, 3).item()
    with pytest.raises(ShapeError, match=r"\(2, 3\)"):
        tt.ones(2, 3).reshape(4, -1)
    with pytest.raises(ShapeError, match=r"\(2, 3\).*\(4,\)"):
        tt.ones(2, 3) + tt.ones(4)
    with pytest.raises(ShapeError, match=r"\(2, 3\).*\(4, 3\)"):
        tt.ones(2, 3) @ tt.ones(4, 3)
    with pytest.raises(ShapeError, match="-2"):
        tt.ones(6).reshape(-2, 3)


@pytest.mark.points(1)
@given(float_arrays(shapes()))
def test_neg_method(a):
    """x.neg() is -x, as torch.Tensor.neg."""
    assert_close(tt.tensor(a).neg(), -a)


@pytest.mark.points(2, hint="argmax(keepdim=True) keeps every dim; a 0-d tensor's dim 0 is itself")
@given(float_arrays(shapes(min_dims=1)))
def test_reductions_keep_pytorch_shapes(a):
    """argmax(keepdim=True) without a dim keeps every dim as size 1; max(dim) of a 0-d tensor
    returns (the value, index 0); dim=() reduces every dim, as in PyTorch."""
    x = tt.tensor(a)
    flat_index = np.int64(np.argmax(a))
    assert_close(x.argmax(keepdim=True), np.full((1,) * a.ndim, flat_index))
    assert_close(x.argmin(keepdim=True), np.full((1,) * a.ndim, np.argmin(a), np.int64))
    values, indices = tt.tensor(a.flat[0]).max(0)
    assert_close(values, a.flat[0])
    assert_close(indices, np.int64(0))
    assert_close(x.sum(dim=()), np.sum(a), atol=1e-4)
    with pytest.raises(ValueError, match="empty"):
        tt.zeros(2, 0).argmax(1)


@pytest.mark.points(1, hint="PyTorch prints size=(2, 0) for empty tensors, and 1.0000e+10")
def test_repr_of_empty_scientific_and_non_finite_values():
    """repr follows PyTorch for empty tensors (size=), values needing scientific notation,
    whole numbers next to inf and nan, a 0-d int, and a dtype= that does not fit the line."""
    assert repr(tt.zeros(2, 0)) == "tensor([], size=(2, 0))"
    assert repr(tt.zeros(0)) == "tensor([])"
    assert repr(tt.tensor([1e10, 1.0])) == "tensor([1.0000e+10, 1.0000e+00])"
    assert repr(tt.tensor([1e-5, 1.0])) == "tensor([1.0000e-05, 1.0000e+00])"
    assert repr(tt.tensor([float("nan"), 1.0])) == "tensor([nan, 1.])"
    assert repr(tt.tensor([float("inf"), -2.5])) == "tensor([    inf, -2.5000])"
    assert repr(tt.tensor(7)) == "tensor(7)"
    assert repr(tt.arange(8, dtype=tt.float64) * 1.5) == (
        "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000],\n"
        "       dtype=tinytorch.float64)"
    )


@pytest.mark.points(1, hint="x -= y must write into x.data[...], not rebind x to a new tensor")
@given(float_arrays(shapes(min_dims=1)), float_arrays(shapes(max_dims=0)))
def test_in_place_operators_write_into_the_tensor(a, b):
    """x += y, -=, *= and /= change x itself (every reference sees it), as in PyTorch, and
    keep x's shape and dtype: a bigger result shape or an int x += 0.5 is an error."""
    x = tt.tensor(a)
    alias = x
    x -= tt.tensor(b)
    x *= 2
    x += 1.5
    x /= 4
    assert x is alias
    assert_close(alias, ((a - b) * 2 + np.float32(1.5)) / 4)
    with pytest.raises(ShapeError, match="shape"):
        x += tt.ones(2, *a.shape)
    counts = tt.tensor([1, 2])
    counts *= 3
    assert_close(counts, np.array([3, 6]))
    with pytest.raises(TypeError, match="int64"):
        counts += 0.5


@pytest.mark.points(1, hint="comparisons give bool masks; & | ^ ~ combine them elementwise")
@given(float_arrays(shapes()), float_arrays(shapes()))
def test_masks_combine_with_logical_operators(a, b):
    """(x > 0) & (x < 1), |, ^ and ~ on bool masks match NumPy; abs(x) is x.abs(); a
    one-element integer tensor works as a list index; & on floats is a TypeError."""
    x = tt.tensor(a)
    assert_close((x > 0) & (x < 1), (a > 0) & (a < 1))
    assert_close((x > 0) | (x < -1), (a > 0) | (a < -1))
    assert_close((x > 0) ^ True, (a > 0) ^ True)
    assert_close(~(x > 0), ~(a > 0))
    assert_close(abs(x), np.abs(a))
    y = tt.tensor(b)
    position = (y > 0).long().sum()
    assert list(range(b.size + 1))[position] == int(np.sum(b > 0))
    with pytest.raises(TypeError, match="bool or integer"):
        x & (x > 0)


@pytest.mark.points(1, hint="only shape problems are ShapeErrors; x + None is Python's TypeError")
def test_errors_say_what_is_wrong_not_just_shapes():
    """An integer tensor to a negative integer power is a ValueError about integer powers (not
    a ShapeError about shapes); x + None and friends raise Python's own "unsupported operand"
    TypeError, naming the type, as in PyTorch; x += None too."""
    assert_close(tt.tensor([2]) ** 2, np.array([4]))
    assert_close(tt.tensor([2.0]) ** -1, np.array([0.5], np.float32))
    for power in (lambda: tt.tensor([2]) ** -1, lambda: 2 ** tt.tensor([1, -1])):
        with pytest.raises(ValueError, match="negative integer power") as error:
            power()
        assert not isinstance(error.value, ShapeError)
    with pytest.raises(TypeError, match=r"unsupported operand.*\+.*NoneType"):
        tt.tensor([1.0]) + None
    with pytest.raises(TypeError, match=r"unsupported operand.*-.*NoneType"):
        None - tt.tensor([1.0])
    with pytest.raises(TypeError, match="NoneType"):
        tt.tensor([1.0]) @ None
    x = tt.tensor([1.0])
    with pytest.raises(TypeError, match="NoneType"):
        x += None
