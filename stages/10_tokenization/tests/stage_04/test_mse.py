# Generated from solutions/tests/stage_04/test_mse.py by scripts/build_stages.py: a regression check from stage 04.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 04: mean squared error."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import nn
from tinytorch.nn import functional as F
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays, shapes


@st.composite
def pairs(draw):
    shape = draw(shapes(min_dims=0, max_dims=3))
    return draw(float_arrays(shape)), draw(float_arrays(shape))


@pytest.mark.points(3, hint="(input - target) ** 2, then the reduction")
@given(pairs())
def test_mse_matches_numpy(pair):
    """mse_loss equals NumPy's (a - b)**2 with reduction none, mean and sum; float32 kept."""
    a, b = pair
    squared = (a.astype(np.float64) - b) ** 2
    x, y = tt.tensor(a), tt.tensor(b)
    assert_close(
        F.mse_loss(x, y, reduction="none"), squared.astype(np.float32), rtol=1e-5, atol=1e-5
    )
    mean = F.mse_loss(x, y)
    assert mean.shape == () and mean.dtype == tt.float32
    assert_close(mean, np.float32(squared.mean()), rtol=1e-5, atol=1e-4)
    assert_close(F.mse_loss(x, y, reduction="sum"), np.float32(squared.sum()), rtol=1e-5, atol=1e-3)
    assert_close(nn.MSELoss(reduction="sum")(x, y), F.mse_loss(x, y, reduction="sum"))


@pytest.mark.points(1)
def test_mse_warns_when_shapes_broadcast():
    """Different shapes broadcast, as in PyTorch, but with a warning (usually a bug)."""
    assert_close(F.mse_loss(tt.tensor([1.0, 3.0]), tt.tensor([1.0, 1.0])), np.float32(2.0))
    with pytest.warns(UserWarning, match=r"\(3,\).*\(3, 1\)"):
        out = F.mse_loss(tt.zeros(3, 1), tt.ones(3))
    assert_close(out, np.float32(1.0))
