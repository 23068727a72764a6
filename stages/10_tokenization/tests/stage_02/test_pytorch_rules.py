# Generated from solutions/tests/stage_02/test_pytorch_rules.py by scripts/build_stages.py: a regression check from stage 02.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 02: softmax's default dim, empty inputs, and float64 GELU, as PyTorch has them."""

import math

import numpy as np
import pytest
from hypothesis import given

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays, shapes


@pytest.mark.points(1, hint="without dim, PyTorch uses dim 0 for 0-, 1- and 3-D inputs, else 1")
@given(float_arrays(shapes(min_dims=1, max_dims=4)))
def test_softmax_without_dim_warns_and_uses_pytorchs_choice(a):
    """softmax/log_softmax without dim warn and pick PyTorch's legacy dim; an empty input
    gives an empty result."""
    dim = 0 if a.ndim in (1, 3) else 1
    e = np.exp(a.astype(np.float64) - a.max(axis=dim, keepdims=True))
    expected = e / e.sum(axis=dim, keepdims=True)
    with pytest.warns(UserWarning, match="dim"):
        got = F.softmax(tt.tensor(a))
    assert_close(got, expected.astype(np.float32))
    with pytest.warns(UserWarning, match="dim"):
        got = F.log_softmax(tt.tensor(a))
    assert_close(got, np.log(expected).astype(np.float32), atol=1e-4)
    assert F.softmax(tt.zeros(3, 0), dim=1).shape == (3, 0)
    assert F.log_softmax(tt.zeros(0, 4), dim=1).shape == (0, 4)


@pytest.mark.points(1, hint="use the given erf: it is exact to float64 precision for float64")
@given(float_arrays(shapes(min_dims=1), np.float64, min_value=-8.0, max_value=8.0))
def test_gelu_in_float64_is_exact(a):
    """In float64, gelu equals x Phi(x) from math.erf to 1e-12: float64 is for precision."""
    phi = np.array([0.5 * (1.0 + math.erf(v / math.sqrt(2.0))) for v in a.ravel()])
    assert_close(F.gelu(tt.tensor(a)), a * phi.reshape(a.shape), rtol=1e-12, atol=1e-14)
