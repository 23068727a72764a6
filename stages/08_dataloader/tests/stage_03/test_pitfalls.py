# Generated from solutions/tests/stage_03/test_pitfalls.py by scripts/build_stages.py: a regression check from stage 03.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 03: exact cases for mistakes that the other tests can miss (attributes that change
kind, assignments to registered names, a layer with no inputs)."""

import warnings

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import nn
from tinytorch_testing import assert_close


@pytest.mark.points(2, hint="an attribute can change kind: forget the old registration first")
def test_reassigning_an_attribute_to_another_kind_moves_its_registration():
    """A name that held a submodule and now holds a Parameter (or the reverse) is registered
    only under its new kind: parameters() and children() list it once, in the right place."""
    model = nn.Module()
    model.a = nn.Linear(2, 1)
    model.a = nn.Parameter(tt.ones(3))
    assert [name for name, _ in model.named_parameters()] == ["a"]
    assert list(model.children()) == []
    model.b = nn.Parameter(tt.ones(1))
    model.b = nn.Linear(2, 1)
    assert [name for name, _ in model.named_parameters()] == ["a", "b.weight", "b.bias"]
    assert list(model.children()) == [model.b]


@pytest.mark.points(
    2, hint="None may replace a registered parameter or module; anything else is a TypeError"
)
def test_registered_names_accept_none_and_refuse_other_kinds():
    """A registered parameter, submodule or buffer name takes None (and stays registered);
    a value of another kind is a TypeError naming what was expected."""
    model = nn.Linear(2, 1)
    with pytest.raises(TypeError, match="Parameter or None expected"):
        model.bias = tt.zeros(1)
    model.bias = None
    assert model.bias is None
    assert [name for name, _ in model.named_parameters()] == ["weight"]
    outer = nn.Sequential(nn.Linear(2, 1))
    outer.extra = nn.Linear(1, 1)
    with pytest.raises(TypeError, match="Module or None expected"):
        outer.extra = tt.zeros(1)
    outer.extra = None
    assert outer.extra is None
    assert len(list(outer.children())) == 1
    outer.register_buffer("count", tt.zeros(1))
    with pytest.raises(TypeError, match="Tensor or None expected"):
        outer.count = 5
    outer.count = tt.ones(1)
    assert "count" in outer.state_dict()


@pytest.mark.points(
    1, hint="with in_features == 0 the bias bound 1/sqrt(fan_in) does not exist: use 0"
)
def test_a_linear_layer_without_inputs_has_a_zero_bias():
    """Linear(0, 3) initializes (as PyTorch: bias bound 0 when fan_in is 0) and maps a batch
    of empty rows to its bias, zeros."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # initializing the empty weight is a no-op
        layer = nn.Linear(0, 3)
    assert_close(layer.bias, np.zeros(3, np.float32))
    assert_close(layer(tt.zeros((2, 0))), np.zeros((2, 3), np.float32))
