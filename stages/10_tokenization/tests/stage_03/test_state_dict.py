# Generated from solutions/tests/stage_03/test_state_dict.py by scripts/build_stages.py: a regression check from stage 03.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 03: state_dict() and load_state_dict() save and restore a model exactly."""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import nn
from tinytorch_testing import assert_close


def mlp(sizes, seed):
    """Linear/ReLU layers of the given sizes, initialised from ``seed``."""
    tt.manual_seed(seed)
    layers = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


class WithBuffer(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3)
        self.register_buffer("count", tt.zeros(3))

    def forward(self, x):
        return self.fc(x) + self.count


@pytest.mark.points(2)
def test_state_dict_names_every_parameter_and_buffer_in_order():
    """Keys are dotted names: own parameters, own buffers, then each child's, in order."""
    assert list(mlp([4, 3, 2], seed=0).state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    state = nn.Sequential(WithBuffer()).state_dict()
    assert list(state) == ["0.count", "0.fc.weight", "0.fc.bias"]  # own state, then children
    assert all(isinstance(v, tt.Tensor) and not v.requires_grad for v in state.values())
    assert list(nn.Linear(2, 2, bias=False).state_dict()) == ["weight"]


@pytest.mark.points(4, hint="copy each value into the existing parameter: target.data[...] = value")
@given(
    st.lists(st.integers(1, 6), min_size=2, max_size=4),
    st.integers(0, 2**16),
    st.integers(1, 5),
)
def test_state_dict_round_trip_is_exact(sizes, seed, batch):
    """Loading A's state dict into a differently initialised B makes B compute exactly as A."""
    a, b = mlp(sizes, seed), mlp(sizes, seed + 1)
    b_params = list(b.parameters())
    snapshot = {k: v.numpy().copy() for k, v in a.state_dict().items()}
    result = b.load_state_dict(a.state_dict())
    assert tuple(result) == ([], [])
    assert [id(p) for p in b.parameters()] == [id(p) for p in b_params]  # loaded in place
    for key, value in b.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), snapshot[key])
        assert value.dtype == tt.float32
    x = tt.randn(batch, sizes[0])
    np.testing.assert_array_equal(b(x).numpy(), a(x).numpy())


@pytest.mark.points(1)
def test_state_dict_values_share_memory_with_the_model():
    """As in PyTorch, state_dict values are references: they see in-place updates."""
    model = mlp([3, 2], seed=0)
    state = model.state_dict()
    model[0].weight.data[...] = 7.0
    assert_close(state["0.weight"], np.full((2, 3), 7.0, dtype=np.float32))
    assert model.state_dict(keep_vars=True)["0.weight"] is model[0].weight


@pytest.mark.points(1)
def test_buffers_round_trip():
    """Buffers are restored by load_state_dict too, keeping their dtype."""
    source, target = WithBuffer(), WithBuffer()
    source.count.data[...] = [1.0, 2.0, 3.0]
    target.load_state_dict(source.state_dict())
    assert_close(target.count, np.array([1.0, 2.0, 3.0], dtype=np.float32))
    target.load_state_dict({**source.state_dict(), "count": np.array([4.0, 5.0, 6.0])})
    assert_close(target.count, np.array([4.0, 5.0, 6.0], dtype=np.float32))


@pytest.mark.points(
    2, hint="one RuntimeError with 'Missing key(s) ...' and 'Unexpected key(s) ...' lines"
)
def test_load_rejects_missing_and_unexpected_keys():
    """strict loading names every missing and unexpected key; strict=False returns them."""
    model = mlp([3, 4, 2], seed=0)
    state = dict(model.state_dict())
    del state["2.bias"]
    state["2.scale"] = tt.ones(2)
    with pytest.raises(RuntimeError, match=r"Missing key\(s\).*2\.bias") as info:
        model.load_state_dict(state)
    assert "Unexpected key(s)" in str(info.value) and "2.scale" in str(info.value)
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert (missing, unexpected) == (["2.bias"], ["2.scale"])


@pytest.mark.points(
    2, hint="check every shape before copying; 'size mismatch for <key>: ...' names both shapes"
)
def test_load_rejects_wrong_shapes_and_changes_nothing():
    """A shape mismatch is an error naming the key and both shapes, and nothing is copied."""
    model = mlp([3, 4, 2], seed=0)
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    state = {k: tt.zeros(v.shape) for k, v in model.state_dict().items()}
    state["2.weight"] = tt.zeros(4, 2)
    with pytest.raises(RuntimeError, match=r"2\.weight.*\(4, 2\).*\(2, 4\)"):
        model.load_state_dict(state)
    with pytest.raises(RuntimeError, match="size mismatch"):
        model.load_state_dict(state, strict=False)
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), before[key])
