# Generated from solutions/tests/stage_03/test_dropout.py by scripts/build_stages.py: a regression check from stage 03.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 03: inverted dropout: zero a fraction p, scale the rest by 1/(1-p); identity in eval."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import nn
from tinytorch.nn import functional as F
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays, shapes

N = 100_000


@pytest.mark.points(2, hint="zero with probability p, multiply survivors by 1/(1-p)")
@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_zeroes_a_fraction_p_and_preserves_the_expectation(p):
    """About p*N of N ones become 0 (within 5 binomial sigma); survivors become 1/(1-p)."""
    tt.manual_seed(0)
    out = nn.Dropout(p)(tt.ones(N)).numpy()
    assert out.dtype == np.float32
    zeros = int((out == 0).sum())
    assert abs(zeros - p * N) < 5 * math.sqrt(N * p * (1 - p))
    assert_close(out[out != 0], np.full(N - zeros, 1 / (1 - p), dtype=np.float32))
    # E[out] = x: the sample mean is within 5 standard errors of 1
    assert abs(out.mean() - 1) < 5 * math.sqrt(p / ((1 - p) * N))


@pytest.mark.points(2, hint="the kept elements are x / (1 - p), the others exactly 0")
@given(float_arrays(shapes(min_dims=1), min_value=0.5, max_value=10.0), st.floats(0.05, 0.95))
def test_dropout_scales_the_kept_elements(a, p):
    """Every output element is either 0 or its input times 1/(1-p); shape and dtype kept."""
    out = F.dropout(tt.tensor(a), p=p).numpy()
    assert out.shape == a.shape and out.dtype == np.float32
    kept = out != 0
    assert_close(out[kept], (a[kept] / np.float32(1 - p)), rtol=1e-6)


@pytest.mark.points(2, hint="in eval mode (self.training False) return the input unchanged")
@given(float_arrays(shapes()))
def test_eval_mode_is_the_identity(a):
    """Dropout in eval() mode, F.dropout(training=False) and p=0 return the input unchanged."""
    layer = nn.Dropout(0.5).eval()
    np.testing.assert_array_equal(layer(tt.tensor(a)).numpy(), a)
    np.testing.assert_array_equal(F.dropout(tt.tensor(a), 0.3, training=False).numpy(), a)
    np.testing.assert_array_equal(nn.Dropout(0.0)(tt.tensor(a)).numpy(), a)
    layer.train()
    assert layer.training


@pytest.mark.points(1)
def test_p_one_drops_everything_and_bad_p_is_rejected():
    """p=1 zeroes everything; p outside [0, 1] raises ValueError naming the value."""
    assert_close(nn.Dropout(1.0)(tt.ones(3, 4)), np.zeros((3, 4), dtype=np.float32))
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match=rf"between 0 and 1.*{bad}"):
            nn.Dropout(bad)
        with pytest.raises(ValueError, match="between 0 and 1"):
            F.dropout(tt.ones(2), bad)


@pytest.mark.points(1, hint="draw the mask from tinytorch.random.default_generator()")
def test_dropout_mask_is_seeded():
    """The same manual_seed gives the same mask; the next call draws a new one."""
    tt.manual_seed(5)
    first = nn.Dropout(0.5)(tt.ones(64)).numpy()
    again = nn.Dropout(0.5)(tt.ones(64)).numpy()
    tt.manual_seed(5)
    second = nn.Dropout(0.5)(tt.ones(64)).numpy()
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, again)
    assert repr(nn.Dropout(0.2)) == "Dropout(p=0.2, inplace=False)"
