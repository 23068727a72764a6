# Generated from solutions/tests/stage_03/test_flatten_identity.py by scripts/build_stages.py: a regression check from stage 03.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 03: nn.Flatten and nn.Identity."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import nn
from tinytorch_testing.strategies import float_arrays, shapes


@pytest.mark.points(2, hint="Tensor.flatten(start_dim, end_dim) does the work")
@given(float_arrays(shapes(min_dims=2, max_dims=4)), st.data())
def test_flatten_merges_the_chosen_dims(a, data):
    """Flatten() keeps the batch dim and merges the rest; other dims equal NumPy's reshape."""
    np.testing.assert_array_equal(nn.Flatten()(tt.tensor(a)).numpy(), a.reshape(a.shape[0], -1))
    start = data.draw(st.integers(0, a.ndim - 1))
    end = data.draw(st.integers(start, a.ndim - 1))
    expected = a.reshape(*a.shape[:start], -1, *a.shape[end + 1 :])
    out = nn.Flatten(start, end - a.ndim)(tt.tensor(a))  # a negative end_dim counts back
    np.testing.assert_array_equal(out.numpy(), expected)


@pytest.mark.points(1)
def test_identity_returns_its_input():
    """Identity returns its input unchanged and ignores constructor arguments."""
    x = tt.randn(3, 2)
    assert nn.Identity(54, unused="ignored")(x) is x
    assert list(nn.Identity().parameters()) == []
