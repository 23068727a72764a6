# Generated from solutions/tests/stage_03/test_activation_modules.py by scripts/build_stages.py: a regression check from stage 03.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 03: activation layers are modules that call nn.functional with their settings."""

import math

import numpy as np
import pytest
from hypothesis import given

import tinytorch as tt
from tinytorch import nn
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays, shapes

ERF = np.vectorize(math.erf)


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.points(3, hint="each forward is one call to the matching tinytorch.nn.functional")
@given(float_arrays(shapes(min_dims=1, max_dims=3)))
def test_elementwise_activation_modules(a):
    """ReLU, LeakyReLU, Sigmoid, Tanh and GELU modules equal their NumPy formulas."""
    x, a64 = tt.tensor(a), a.astype(np.float64)
    cases = [
        (nn.ReLU(), np.maximum(a64, 0)),
        (nn.LeakyReLU(), np.where(a64 > 0, a64, 0.01 * a64)),
        (nn.LeakyReLU(0.2), np.where(a64 > 0, a64, 0.2 * a64)),
        (nn.Sigmoid(), 1 / (1 + np.exp(-a64))),
        (nn.Tanh(), np.tanh(a64)),
        (nn.GELU(), 0.5 * a64 * (1 + ERF(a64 / math.sqrt(2)))),
        (
            nn.GELU(approximate="tanh"),
            0.5 * a64 * (1 + np.tanh(math.sqrt(2 / math.pi) * (a64 + 0.044715 * a64**3))),
        ),
    ]
    for module, expected in cases:
        assert_close(module(x), expected.astype(np.float32), rtol=1e-5, atol=1e-5, msg=repr(module))


@pytest.mark.points(2, hint="pass the module's dim to F.softmax / F.log_softmax")
@given(float_arrays(shapes(min_dims=2, max_dims=3)))
def test_softmax_modules_use_their_dim(a):
    """Softmax(dim) and LogSoftmax(dim) normalise along their dim, as NumPy does."""
    x = tt.tensor(a)
    for dim in range(-a.ndim, a.ndim):
        expected = softmax(a.astype(np.float64), dim)
        assert_close(nn.Softmax(dim=dim)(x), expected.astype(np.float32), rtol=1e-5, atol=1e-6)
        assert_close(
            nn.LogSoftmax(dim=dim)(x), np.log(expected).astype(np.float32), rtol=1e-5, atol=1e-5
        )


@pytest.mark.points(1)
def test_activation_reprs_and_settings():
    """Activation modules print their settings as PyTorch does and have no parameters."""
    assert repr(nn.ReLU()) == "ReLU()"
    assert repr(nn.LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)"
    assert repr(nn.GELU(approximate="tanh")) == "GELU(approximate='tanh')"
    assert repr(nn.Softmax(dim=1)) == "Softmax(dim=1)"
    assert repr(nn.LogSoftmax(dim=-1)) == "LogSoftmax(dim=-1)"
    assert repr(nn.Sigmoid()) == "Sigmoid()" and repr(nn.Tanh()) == "Tanh()"
    assert all(list(m.parameters()) == [] for m in (nn.ReLU(), nn.GELU(), nn.Softmax(0)))
    with pytest.warns(UserWarning, match="dim"):
        out = nn.Softmax()(tt.ones(2, 4))  # no dim: PyTorch's legacy choice, dim 1 for 2-D
    assert_close(out, np.full((2, 4), 0.25, dtype=np.float32))
    with pytest.raises(ValueError, match="approximate"):
        nn.GELU(approximate="fast")
