# Generated from solutions/tests/stage_02/test_activations.py by scripts/build_stages.py: a regression check from stage 02.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 02: ReLU, leaky ReLU, sigmoid, tanh and GELU."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays, shapes

#: Inputs far beyond where exp overflows (float32 exp overflows above ~88.7).
HUGE = np.array([-1e4, -1e3, -100.0, -88.0, -1.0, 0.0, 1.0, 88.0, 100.0, 1e3, 1e4], np.float32)

ACTIVATIONS = {
    "relu": F.relu,
    "leaky_relu": F.leaky_relu,
    "sigmoid": F.sigmoid,
    "tanh": F.tanh,
    "gelu": F.gelu,
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
}


def finite_and_silent(fn, x):
    """Call fn(x) with every NumPy warning turned into an error; return the result's array."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            out = fn(x)
    assert np.all(np.isfinite(out.data)), f"non-finite output {out.data} for input {x.data}"
    return out.data


@pytest.mark.points(2)
@given(float_arrays(shapes()))
def test_relu_matches_max_with_zero(a):
    """relu(x) = max(x, 0) elementwise, float32 in and out; x.relu() is the same."""
    assert_close(F.relu(tt.tensor(a)), np.maximum(a, np.float32(0)))
    assert_close(tt.tensor(a).relu(), np.maximum(a, np.float32(0)))


@pytest.mark.points(2, hint="x where x > 0, else negative_slope * x")
@given(float_arrays(shapes()), st.sampled_from([0.01, 0.1, 0.2, 0.5]))
def test_leaky_relu_uses_its_slope(a, slope):
    """leaky_relu keeps positives and scales negatives by negative_slope (default 0.01)."""
    expected = np.where(a > 0, a, a * np.float32(slope))
    assert_close(F.leaky_relu(tt.tensor(a), negative_slope=slope), expected)
    assert_close(F.leaky_relu(tt.tensor(a)), np.where(a > 0, a, a * np.float32(0.01)))


@pytest.mark.points(3)
@given(float_arrays(shapes(), min_value=-30, max_value=30))
def test_sigmoid_matches_its_definition(a):
    """sigmoid(x) equals 1 / (1 + exp(-x)) computed in float64, returned as float32."""
    expected = 1 / (1 + np.exp(-a.astype(np.float64)))
    assert_close(F.sigmoid(tt.tensor(a)), expected.astype(np.float32))
    assert_close(tt.tensor(a).sigmoid(), expected.astype(np.float32))


@pytest.mark.points(2, hint="sigmoid is increasing and never reaches 0 or 1 for moderate x")
@given(st.lists(st.floats(-15, 15, width=32), min_size=2, max_size=30))
def test_sigmoid_is_in_the_open_unit_interval_and_monotone(values):
    """sigmoid maps moderate inputs into (0, 1) and keeps their order."""
    a = np.sort(np.array(values, dtype=np.float32))
    s = F.sigmoid(tt.tensor(a)).numpy()
    assert np.all(s > 0) and np.all(s < 1)
    assert np.all(np.diff(s) >= 0)


@pytest.mark.points(3)
@given(float_arrays(shapes()))
def test_tanh_matches_numpy_and_is_odd(a):
    """tanh equals np.tanh and is odd: tanh(-x) = -tanh(x)."""
    x = tt.tensor(a)
    assert_close(F.tanh(x), np.tanh(a))
    assert_close(x.tanh(), np.tanh(a))
    assert_close(F.tanh(-x), -F.tanh(x).numpy())


def gelu_reference(x: float) -> float:
    """GELU's definition: x * Phi(x), Phi the standard normal CDF via math.erf."""
    return 0.5 * x * (1.0 + math.erf(x / math.sqrt(2.0)))


@pytest.mark.points(4, hint="NumPy has no erf: use tinytorch.ops.activation.erf, or build one")
@given(float_arrays(shapes(), min_value=-8, max_value=8), st.sampled_from(["none", "tanh"]))
def test_gelu_is_close_to_the_erf_definition(a, approximate):
    """Both GELU forms stay within 1e-3 of x * Phi(x) computed with math.erf; exact is closer."""
    expected = np.vectorize(gelu_reference)(a.astype(np.float64)).reshape(a.shape)
    got = F.gelu(tt.tensor(a), approximate=approximate)
    assert got.dtype == tt.float32 and got.shape == a.shape
    assert np.all(np.abs(got.numpy() - expected) <= 1e-3)
    if approximate == "none":
        assert_close(got, expected.astype(np.float32), rtol=1e-5, atol=1e-5)


@pytest.mark.points(2)
@given(float_arrays(shapes(), min_value=-8, max_value=8))
def test_gelu_tanh_form_matches_its_formula(a):
    """approximate='tanh' is 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
    x = a.astype(np.float64)
    expected = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    assert_close(F.gelu(tt.tensor(a), approximate="tanh"), expected.astype(np.float32))


@pytest.mark.points(1)
def test_gelu_rejects_an_unknown_approximation():
    """gelu(approximate=...) accepts only 'none' and 'tanh' and names what it got."""
    assert F.gelu(tt.zeros(2)).shape == (2,)
    with pytest.raises(ValueError, match="'erf'"):
        F.gelu(tt.zeros(2), approximate="erf")


@pytest.mark.points(2, hint="rewrite each formula so that exp never sees a large positive number")
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activations_are_stable_for_huge_inputs(name):
    """Inputs up to ±1e4 give finite, warning-free outputs with the right limits."""
    out = finite_and_silent(ACTIVATIONS[name], tt.tensor(HUGE))
    if name == "sigmoid":
        assert np.all((out >= 0) & (out <= 1))
        assert out[0] == 0.0 and out[-1] == 1.0
    elif name == "tanh":
        assert out[0] == -1.0 and out[-1] == 1.0
    else:  # relu-like: identity for large x, (almost) zero for very negative x
        assert_close(out[HUGE >= 100], HUGE[HUGE >= 100])
        assert np.all(np.abs(out[HUGE <= -100]) <= 0.01 * np.abs(HUGE[HUGE <= -100]))
    if not name.startswith("gelu"):  # GELU dips below 0 near x = -0.75; the others increase
        assert np.all(np.diff(out) >= 0)


@pytest.mark.points(
    1, hint="write constants as Python floats (math.sqrt), not NumPy float64 scalars"
)
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activations_keep_float_dtypes(name):
    """float32 stays float32 and float64 stays float64 through every activation."""
    fn = ACTIVATIONS[name]
    for dtype in (tt.float32, tt.float64):
        x = tt.tensor([[-2.0, -0.5], [0.5, 3.0]], dtype=dtype)
        out = fn(x)
        assert out.dtype == dtype and out.shape == (2, 2)
    if name != "relu":
        assert fn(tt.tensor([-1, 0, 2])).dtype == tt.float32
