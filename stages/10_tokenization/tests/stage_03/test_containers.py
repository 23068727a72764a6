# Generated from solutions/tests/stage_03/test_containers.py by scripts/build_stages.py: a regression check from stage 03.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 03: nn.Sequential and nn.ModuleList."""

from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import nn
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays


@pytest.mark.points(3, hint="feed each module's output into the next")
@given(st.integers(1, 4), st.integers(1, 5), st.integers(1, 5), st.data())
def test_sequential_composes_its_modules_in_order(batch, fan_in, hidden, data):
    """Sequential(f, g, h)(x) == h(g(f(x))), the MLP computed by hand in NumPy."""
    model = nn.Sequential(nn.Linear(fan_in, hidden), nn.Tanh(), nn.Linear(hidden, 2))
    x = data.draw(float_arrays((batch, fan_in), min_value=-3, max_value=3))
    w1, b1, w2, b2 = (p.numpy() for p in model.parameters())
    expected = np.tanh(x @ w1.T + b1) @ w2.T + b2
    assert_close(model(tt.tensor(x)), expected, rtol=1e-5, atol=1e-5)
    assert_close(nn.Sequential()(tt.tensor(x)), x)  # empty: the identity


@pytest.mark.points(
    2, hint="an int returns a module (negative counts from the end); a slice a Sequential"
)
def test_sequential_indexing_len_and_iteration():
    """Sequential supports len, iteration, int and negative indices, slices and append."""
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    model = nn.Sequential(*layers)
    assert len(model) == 3 and list(model) == layers
    assert model[0] is layers[0] and model[-1] is layers[2]
    head = model[1:]
    assert isinstance(head, nn.Sequential) and list(head) == layers[1:]
    assert list(head.state_dict()) == ["2.weight", "2.bias"]  # names are kept
    with pytest.raises(IndexError, match=r"out of range.*length 3"):
        model[3]
    assert model.append(nn.Sigmoid()) is model and len(model) == 4
    model[-1] = nn.Tanh()
    assert isinstance(model[3], nn.Tanh) and len(model) == 4
    assert model(tt.ones(5, 2)).shape == (5, 1)


@pytest.mark.points(1)
def test_sequential_from_an_ordered_dict_uses_its_names():
    """Sequential(OrderedDict(name=module)) registers each module under its name."""
    model = nn.Sequential(OrderedDict([("hidden", nn.Linear(2, 4)), ("act", nn.ReLU())]))
    assert [name for name, _ in model.named_parameters()] == ["hidden.weight", "hidden.bias"]
    assert model.hidden is model[0]
    assert model(tt.ones(3, 2)).shape == (3, 4)


@pytest.mark.points(
    2, hint="a plain list hides layers from parameters(); ModuleList registers them"
)
def test_module_list_registers_its_members():
    """ModuleList holds modules so that parameters() and the state dict find them."""

    class Tower(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = nn.ModuleList([nn.Linear(3, 3) for _ in range(3)])

        def forward(self, x):
            for block in self.blocks:
                x = block(x)
            return x

    tower = Tower()
    assert len(tower.blocks) == 3 and tower.blocks[-1] is list(tower.blocks)[2]
    assert len(list(tower.parameters())) == 6
    assert list(tower.state_dict())[:2] == ["blocks.0.weight", "blocks.0.bias"]
    tower.blocks.append(nn.Linear(3, 1))
    assert tower(tt.ones(2, 3)).shape == (2, 1)
    replacement = nn.Linear(3, 3)
    tower.blocks[0] = replacement  # replacing keeps the position
    assert tower.blocks[0] is replacement and list(tower.blocks._modules) == ["0", "1", "2", "3"]
