# Generated from solutions/tests/stage_01/test_arithmetic.py by scripts/build_stages.py: a regression check from stage 01.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 01: + - * / ** and negation, with broadcasting and PyTorch's type promotion."""

import operator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import broadcastable_shapes, float_arrays, shapes

BINARY = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "truediv": operator.truediv,
}


@st.composite
def broadcast_pair(draw, exclude_zero=False):
    """Two float32 arrays whose shapes broadcast, in any of the ways NumPy allows."""
    shape_a, shape_b = draw(broadcastable_shapes())
    a = draw(float_arrays(shape_a))
    b = draw(float_arrays(shape_b, exclude_zero=exclude_zero))
    return a, b


@pytest.mark.points(2, hint="NumPy broadcasts for you; the result must stay float32")
@pytest.mark.parametrize("name", list(BINARY))
@given(data=st.data())
def test_binary_ops_match_numpy_with_broadcasting(name, data):
    """a + b, a - b, a * b and a / b equal NumPy for every pair of broadcastable shapes."""
    op = BINARY[name]
    a, b = data.draw(broadcast_pair(exclude_zero=name == "truediv"))
    assert_close(op(tt.tensor(a), tt.tensor(b)), op(a, b))


@pytest.mark.points(3)
@given(data=st.data())
def test_pow_matches_numpy(data):
    """a ** b equals NumPy for broadcastable tensors (positive bases)."""
    shape_a, shape_b = data.draw(broadcastable_shapes())
    a = data.draw(float_arrays(shape_a, min_value=0.125, max_value=4.0))
    b = data.draw(float_arrays(shape_b, min_value=-3.0, max_value=3.0))
    assert_close(tt.tensor(a) ** tt.tensor(b), a**b)


@pytest.mark.points(2)
@given(float_arrays(shapes()))
def test_negation(a):
    """-x equals NumPy's negation and keeps the dtype."""
    assert_close(-tt.tensor(a), -a)


@pytest.mark.points(4, hint="a Python number never widens a tensor: float32 * 0.5 stays float32")
@given(
    float_arrays(shapes(), min_value=0.5, max_value=4.0),
    st.floats(0.5, 3.0, width=32),
)
def test_python_scalars_on_either_side(a, s):
    """Numbers work on either side of + - * / ** and the result stays float32."""
    x = tt.tensor(a)
    s32 = np.float32(s)
    cases = [
        (x + s, a + s32),
        (s + x, s32 + a),
        (x - s, a - s32),
        (s - x, s32 - a),
        (x * s, a * s32),
        (s * x, s32 * a),
        (x / s, a / s32),
        (s / x, s32 / a),
        (x**s, a**s32),
        (s**x, s32**a),
        (x**2, a**2),
        (2 * x, 2 * a),
    ]
    for got, expected in cases:
        assert got.dtype == tt.float32
        assert_close(got, expected)


def t(values, dtype=None):
    """A tensor spec (values, dtype): tensors are made inside the test, not at import."""
    return ("tensor", values, dtype)


PROMOTION = [
    # (left, right, result dtype), following torch.result_type
    (t([1, 2]), t([1.5, 2.5]), tt.float32),
    (t([1.5, 2.5]), t([1, 2]), tt.float32),
    (t([1, 2]), 1.5, tt.float32),
    (1.5, t([1, 2]), tt.float32),
    (t([1, 2]), 3, tt.int64),
    (t([1.0, 2.0]), 3, tt.float32),
    (t([1.0, 2.0]), 0.1, tt.float32),
    (t([1.0], tt.float64), t([1.0]), tt.float64),
    (t([1], tt.int32), 5, tt.int32),
    (t([1], tt.int32), t([1]), tt.int64),
    (t([1], tt.uint8), t([1], tt.int8), tt.int16),
    (t([True]), 2, tt.int64),
    (t([True]), t([1.0]), tt.float32),
]


def make(spec):
    if isinstance(spec, tuple):
        return tt.tensor(spec[1], dtype=spec[2])
    return spec


@pytest.mark.points(4, hint="dtypes.promote_types and dtypes.scalar_result_type decide")
def test_type_promotion_follows_pytorch():
    """Mixed dtypes promote as in PyTorch: int tensor + float gives float32, never float64."""
    for left_spec, right_spec, expected in PROMOTION:
        left, right = make(left_spec), make(right_spec)
        for op in (operator.add, operator.sub, operator.mul):
            result = op(left, right)
            case = f"{left_spec} {op.__name__} {right_spec}"
            assert result.dtype == expected, f"{case}: got {result.dtype}, expected {expected}"
            l_np = np.asarray(getattr(left, "data", left), dtype=np.float64)
            r_np = np.asarray(getattr(right, "data", right), dtype=np.float64)
            assert_close(result.data.astype(np.float64), op(l_np, r_np), msg=case)


@pytest.mark.points(2)
@given(
    st.lists(st.integers(-50, 50), min_size=1, max_size=8),
    st.integers(1, 9),
)
def test_true_division_of_integers_is_float32(values, divisor):
    """int / int is true division with a float32 result, as in PyTorch."""
    a = np.array(values, dtype=np.int64)
    t = tt.tensor(values)
    for got, expected in [
        (t / divisor, a / divisor),
        (t / tt.tensor([divisor]), a / divisor),
        (divisor / (t * 0 + 1), divisor / np.ones_like(a)),
    ]:
        assert got.dtype == tt.float32
        assert_close(got, expected.astype(np.float32))


@pytest.mark.points(1, hint="let Function.__call__ add the shapes to NumPy's ValueError")
@pytest.mark.parametrize("name", list(BINARY))
def test_shape_mismatch_names_both_shapes(name):
    """Shapes that do not broadcast raise ValueError naming both shapes."""
    op = BINARY[name]
    assert op(tt.ones(2, 3), tt.ones(3)).shape == (2, 3)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4,\)"):
        op(tt.ones(2, 3), tt.ones(4))
