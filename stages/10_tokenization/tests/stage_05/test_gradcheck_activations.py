# Generated from solutions/tests/stage_05/test_gradcheck_activations.py by scripts/build_stages.py: a regression check from stage 05.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 05: every activation of stage 02 against finite differences."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch_testing import assert_close, gradcheck
from tinytorch_testing.strategies import float_arrays, shapes

SMALL = shapes(max_dims=3, max_side=4)

#: Inputs at least 0.01 away from 0, where ReLU and leaky ReLU have their kink.
AWAY_FROM_ZERO = hnp.arrays(
    np.float64, SMALL, elements=st.floats(-5, 5, width=32).filter(lambda v: abs(v) > 0.01)
)


@pytest.mark.points(2, hint="the slope is 1 where x > 0 and 0 (or negative_slope) elsewhere")
@given(AWAY_FROM_ZERO, st.sampled_from([0.01, 0.2]))
def test_relu_and_leaky_relu(a, slope):
    """relu and leaky_relu (inputs away from the kink at 0)."""
    gradcheck(F.relu, a)
    gradcheck(lambda x: F.leaky_relu(x, negative_slope=slope), a)
    gradcheck(lambda x: x.relu(), a)


@pytest.mark.points(3, hint="reuse the forward output: s (1 - s) and 1 - tanh**2")
@given(float_arrays(SMALL, np.float64, -8.0, 8.0))
def test_sigmoid_and_tanh(a):
    """sigmoid and tanh."""
    gradcheck(F.sigmoid, a)
    gradcheck(F.tanh, a)
    gradcheck(lambda x: x.sigmoid() * x.tanh(), a)


@pytest.mark.points(3, hint="exact: Phi(x) + x phi(x); tanh form: the chain rule through tanh")
@given(float_arrays(SMALL, np.float64, -5.0, 5.0), st.sampled_from(["none", "tanh"]))
def test_gelu(a, approximate):
    """gelu, exact (erf) and tanh forms."""
    gradcheck(lambda x: F.gelu(x, approximate=approximate), a)


@st.composite
def array_and_dim(draw):
    a = draw(float_arrays(shapes(min_dims=1, max_dims=3, max_side=4), np.float64, -5.0, 5.0))
    return a, draw(st.integers(-a.ndim, a.ndim - 1))


@pytest.mark.points(4, hint="with s = softmax(x): grad_x = s * (g - sum(g * s, dim))")
@given(array_and_dim())
def test_softmax(case):
    """softmax along any dim (the upstream gradient is random, so the Jacobian is tested)."""
    a, dim = case
    gradcheck(lambda x: F.softmax(x, dim=dim), a)
    gradcheck(lambda x: x.softmax(dim), a)


@pytest.mark.points(4, hint="grad_x = g - softmax(x) * sum(g, dim)")
@given(array_and_dim())
def test_log_softmax(case):
    """log_softmax along any dim."""
    a, dim = case
    gradcheck(lambda x: F.log_softmax(x, dim=dim), a)
    gradcheck(lambda x: x.log_softmax(dim), a)


@pytest.mark.points(2)
def test_activation_gradients_are_finite_for_huge_inputs():
    """At x = ±1e4 every activation's gradient is finite and equals its limit (0 or 1)."""
    x = np.array([-1e4, -50.0, 0.5, 50.0, 1e4], dtype=np.float32)
    limits = {  # gradient at -1e4 and at +1e4
        "relu": (F.relu, 0.0, 1.0),
        "sigmoid": (F.sigmoid, 0.0, 0.0),
        "tanh": (F.tanh, 0.0, 0.0),
        "gelu": (F.gelu, 0.0, 1.0),
        "gelu_tanh": (lambda t: F.gelu(t, approximate="tanh"), 0.0, 1.0),
    }
    for name, (fn, low, high) in limits.items():
        t = tt.tensor(x, requires_grad=True)
        fn(t).sum().backward()
        assert t.grad.dtype == tt.float32
        assert np.all(np.isfinite(t.grad.data)), f"{name}: {t.grad.data}"
        assert_close(t.grad.data[[0, -1]], np.array([low, high], np.float32), msg=name)
    t = tt.tensor([[1e4, 0.0, -1e4]], requires_grad=True)
    (F.softmax(t, dim=1) * tt.tensor([[1.0, 2.0, 3.0]])).sum().backward()
    assert_close(t.grad, np.zeros((1, 3), np.float32))
    t = tt.tensor([[1e4, 0.0, -1e4]], requires_grad=True)
    F.log_softmax(t, dim=1)[0, 0].backward()
    assert_close(t.grad, np.zeros((1, 3), np.float32))
