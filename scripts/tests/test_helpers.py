"""The shared test helpers: assert_close, finite-difference gradcheck, Hypothesis strategies."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

import tinytorch as tt  # the reference solution (scripts/tests/conftest.py puts it on the path)
from tinytorch_testing import GradcheckError, assert_close, gradcheck, numerical_gradient
from tinytorch_testing import strategies as tst


def test_assert_close_accepts_values_within_the_dtype_tolerance():
    x = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    assert_close(x + np.float32(1e-6), x)
    assert_close(tt.tensor([1.0, 2.0, 3.0]), x)  # tensors and arrays mix
    assert_close(np.int64(3), np.int64(3))


@pytest.mark.parametrize(
    ("actual", "expected", "words"),
    [
        (
            np.ones(3, np.float32),
            np.ones((3, 1), np.float32),
            "shape mismatch: got (3,), expected (3, 1)",
        ),
        (
            np.ones(3, np.float64),
            np.ones(3, np.float32),
            "dtype mismatch: got float64, expected float32",
        ),
        (
            np.array([1, 2, 3.1], np.float32),
            np.array([1, 2, 3], np.float32),
            "worst at index (2,)",
        ),
        (
            np.array([[1.01, 2.0], [3.0, 9.0]], np.float32),
            np.array([[1.0, 2.0], [3.0, 4.0]], np.float32),
            "2 of 4 elements differ beyond rtol=1.3e-06, atol=1e-05; worst at index (1, 1): got "
            "np.float32(9.0), expected np.float32(4.0)",
        ),
        (
            np.array([1.5, np.nan, 30.0]),
            np.array([1.0, 2.0, 3.0]),
            "worst at index (1,): got np.float64(nan)",
        ),
        (np.array([1, 2]), np.array([1, 3]), "1 of 2 elements differ"),
    ],
)
def test_assert_close_explains_mismatches(actual, expected, words):
    with pytest.raises(AssertionError) as info:
        assert_close(actual, expected)
    assert words in str(info.value)


def test_assert_close_options():
    assert_close(np.ones(2, np.float64), np.ones(2, np.float32), check_dtype=False)
    assert_close(np.array([1.0, np.nan]), np.array([1.0, np.nan]), equal_nan=True)
    with pytest.raises(AssertionError):
        assert_close(np.array([1.0, np.nan]), np.array([1.0, np.nan]))
    assert_close(np.array([1.0]), np.array([1.1]), atol=0.2)


def test_numerical_gradient_matches_calculus():
    x = np.linspace(-2, 2, 7)
    grad = numerical_gradient(lambda v: np.sum(v**3), x.copy())
    np.testing.assert_allclose(grad, 3 * x**2, atol=1e-6)
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(np.sum, x.astype(np.float32))


def test_gradcheck_accepts_a_correct_backward():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((4,))
    gradcheck(lambda x, y: (x * y).sum(dim=0), a, b)
    gradcheck(lambda x: x.exp(), a)


def test_gradcheck_catches_a_wrong_backward(monkeypatch):
    from tinytorch.ops import arithmetic

    def wrong(self, grad):
        _, b = self.inputs
        return grad * b, grad * b  # d(a*b)/db should be a

    monkeypatch.setattr(arithmetic.Mul, "backward", wrong)
    rng = np.random.default_rng(1)
    with pytest.raises(GradcheckError, match=r"gradient of input 1 .* is wrong at index"):
        gradcheck(lambda x, y: x * y, rng.standard_normal(3), rng.standard_normal(3))
    with pytest.raises(GradcheckError, match=r"gradient of weight \(input 1\) \(shape \(3,\)\)"):
        gradcheck(
            lambda x, w: x * w, rng.standard_normal(3), rng.standard_normal(3),
            names=("input", "weight"),
        )  # fmt: skip


def test_gradcheck_reports_missing_gradients_and_bad_inputs():
    x = np.ones(3)
    with pytest.raises(GradcheckError, match="input 0 got no gradient"):
        gradcheck(
            lambda t: (
                tt.tensor([1.0, 2.0, 3.0], dtype="float64", requires_grad=True).sum()
                + 0 * t.detach().sum()
            ),
            x,
        )
    with pytest.raises(TypeError, match="must be float64"):
        gradcheck(lambda t: t.sum(), x.astype(np.float32))
    with pytest.raises(ValueError, match="at least one float"):
        gradcheck(lambda t: t, np.arange(3))


@given(tst.broadcastable_shapes())
def test_broadcastable_shapes_broadcast(shapes):
    a, b = shapes
    np.broadcast_shapes(a, b)


@given(tst.matmul_shapes())
def test_matmul_shapes_are_valid_for_matmul(shapes):
    a, b = shapes
    np.matmul(np.ones(a), np.ones(b))


@given(tst.float_arrays(tst.shapes(max_dims=3), exclude_zero=True, min_value=-5, max_value=5))
def test_float_arrays_respect_bounds_and_dtype(x):
    assert x.dtype == np.float32
    assert np.all(np.abs(x) >= 0.1) and np.all(np.abs(x) <= 5)
