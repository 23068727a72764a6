# Generated from solutions/tests/stage_02/test_functions.py by scripts/build_stages.py: a regression check from stage 02.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 02: the activations as torch.* functions (tinytorch.relu, softmax, ...) and relu's
dtype rule."""

import numpy as np
import pytest
from hypothesis import given

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch.errors import DTypeError
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays, shapes


@pytest.mark.points(1, hint="tinytorch.relu(x) is F.relu(x)")
@given(float_arrays(shapes(min_dims=1)))
def test_activation_functions_match_nn_functional(a):
    """tinytorch.relu/sigmoid/tanh/softmax/log_softmax equal their nn.functional twins."""
    x = tt.tensor(a)
    assert_close(tt.relu(x), np.maximum(a, np.float32(0)))
    assert_close(tt.sigmoid(x), F.sigmoid(x))
    assert_close(tt.tanh(x), np.tanh(a))
    assert_close(tt.softmax(x, -1), F.softmax(x, dim=-1))
    assert_close(tt.log_softmax(x, dim=0), F.log_softmax(x, 0))


@pytest.mark.points(1, hint="integer tensors stay integer; bool tensors are refused")
def test_relu_keeps_integers_and_refuses_bool():
    """relu of an int64 tensor is int64, as in PyTorch; relu of a bool tensor is refused
    with a DTypeError (PyTorch: "Boolean inputs not supported for relu") instead of
    silently turning into int64."""
    assert_close(F.relu(tt.tensor([-2, 3])), np.array([0, 3], np.int64))
    with pytest.raises(DTypeError, match="bool"):
        F.relu(tt.tensor([True, False]))
    with pytest.raises(DTypeError, match="bool"):
        tt.tensor([True]).relu()
