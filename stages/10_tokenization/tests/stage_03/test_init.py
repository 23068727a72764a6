# Generated from solutions/tests/stage_03/test_init.py by scripts/build_stages.py: a regression check from stage 03.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 03: nn.init fills tensors in place with the distributions PyTorch documents."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import nn
from tinytorch.nn import init
from tinytorch_testing import assert_close

#: Uniform on [-b, b]: variance b^2/3; the sample variance has relative std ~sqrt(4/5)/sqrt(n).
UNIFORM_VAR_REL_STD = math.sqrt(4 / 5)
#: Normal: the sample variance has relative std sqrt(2)/sqrt(n).
NORMAL_VAR_REL_STD = math.sqrt(2)


def assert_uniform(values: np.ndarray, bound: float) -> None:
    """Values look like U(-bound, bound): in range, mean ~0 and variance ~bound^2/3 (5 sigma)."""
    n = values.size
    assert np.abs(values).max() <= bound * (1 + 1e-6)
    assert np.abs(values).max() > 0.99 * bound
    assert abs(values.mean()) < 5 * bound / math.sqrt(3 * n)
    assert abs(values.var() / (bound**2 / 3) - 1) < 5 * UNIFORM_VAR_REL_STD / math.sqrt(n)


def assert_normal(values: np.ndarray, std: float, mean: float = 0.0) -> None:
    """Values look like N(mean, std^2): mean and variance within 5 sigma."""
    n = values.size
    assert abs(values.mean() - mean) < 5 * std / math.sqrt(n)
    assert abs(values.var() / std**2 - 1) < 5 * NORMAL_VAR_REL_STD / math.sqrt(n)


@pytest.mark.points(2, hint="tanh 5/3, relu sqrt(2), leaky_relu sqrt(2/(1+slope^2)), selu 3/4")
def test_calculate_gain_matches_the_documented_table():
    """calculate_gain gives PyTorch's recommended gains; unknown names raise ValueError."""
    for name in ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose2d", "sigmoid"):
        assert init.calculate_gain(name) == 1
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert init.calculate_gain("leaky_relu", 0) == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("selu") == pytest.approx(0.75)
    with pytest.raises(ValueError, match="nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", "0.2")


@pytest.mark.points(
    2, hint="fan_in = shape[1] * prod(shape[2:]), fan_out = shape[0] * prod(shape[2:])"
)
@given(st.lists(st.integers(1, 5), min_size=2, max_size=4))
def test_fan_in_and_fan_out(shape):
    """fan_in = shape[1] x receptive field, fan_out = shape[0] x receptive field; 1-D is rejected."""
    receptive = math.prod(shape[2:])
    fans = init._calculate_fan_in_and_fan_out(tt.zeros(*shape))
    assert fans == (shape[1] * receptive, shape[0] * receptive)
    with pytest.raises(ValueError, match=r"2 dimensions.*\(3,\)"):
        init._calculate_fan_in_and_fan_out(tt.zeros(3))


@pytest.mark.points(1, hint="write into tensor.data[...] so the tensor keeps its array and dtype")
@pytest.mark.parametrize("dtype", [tt.float32, tt.float64])
def test_initialisers_work_in_place_and_keep_the_dtype(dtype):
    """Every initialiser returns its argument, fills the same array and keeps the dtype."""
    calls = [
        lambda t: init.uniform_(t, -2.0, 3.0),
        lambda t: init.normal_(t, 1.0, 2.0),
        lambda t: init.constant_(t, 0.5),
        init.zeros_,
        init.ones_,
        init.xavier_uniform_,
        init.xavier_normal_,
        init.kaiming_uniform_,
        init.kaiming_normal_,
    ]
    for call in calls:
        t = nn.Parameter(tt.zeros(6, 5, dtype=dtype))
        array = t.data
        assert call(t) is t
        assert t.data is array and t.dtype == dtype and t.requires_grad
    assert_close(init.constant_(tt.zeros(2, 2, dtype=dtype), 0.5), np.full((2, 2), 0.5, dtype))
    assert_close(init.ones_(tt.zeros(3, dtype=dtype)), np.ones(3, dtype))
    assert_close(init.zeros_(tt.ones(3, dtype=dtype)), np.zeros(3, dtype))


@pytest.mark.points(2)
def test_uniform_and_normal_statistics():
    """uniform_(a, b) stays in [a, b) with mean (a+b)/2; normal_(m, s) has mean m and std s."""
    tt.manual_seed(0)
    values = init.uniform_(tt.zeros(200, 300), -1.0, 3.0).numpy()
    assert values.min() >= -1.0 and values.max() < 3.0
    assert_uniform(values - 1.0, 2.0)
    assert_normal(init.normal_(tt.zeros(200, 300), 2.0, 0.5).numpy(), 0.5, mean=2.0)


@pytest.mark.points(
    1, hint="std = gain * sqrt(2 / (fan_in + fan_out)); uniform bound = sqrt(3) * std"
)
@pytest.mark.parametrize("shape", [(300, 200), (20, 1000), (64, 32, 3, 3)])
def test_xavier_statistics(shape):
    """Xavier: uniform bound gain*sqrt(6/(fan_in+fan_out)), normal std gain*sqrt(2/(fan_in+fan_out))."""
    tt.manual_seed(1)
    receptive = math.prod(shape[2:])
    fan_in, fan_out = shape[1] * receptive, shape[0] * receptive
    gain = 1.7
    bound = gain * math.sqrt(6 / (fan_in + fan_out))
    assert_uniform(init.xavier_uniform_(tt.zeros(*shape), gain=gain).numpy(), bound)
    std = gain * math.sqrt(2 / (fan_in + fan_out))
    assert_normal(init.xavier_normal_(tt.zeros(*shape), gain=gain).numpy(), std)


@pytest.mark.points(
    1, hint="std = calculate_gain(nonlinearity, a) / sqrt(fan); bound = sqrt(3) * std"
)
@pytest.mark.parametrize(
    ("shape", "a", "mode", "nonlinearity"),
    [
        ((400, 100), 0.0, "fan_in", "relu"),
        ((100, 400), 0.0, "fan_out", "relu"),
        ((250, 160), math.sqrt(5), "fan_in", "leaky_relu"),
        ((32, 16, 5, 5), 0.1, "fan_out", "leaky_relu"),
        ((300, 150), 0.0, "fan_in", "tanh"),
    ],
)
def test_kaiming_statistics(shape, a, mode, nonlinearity):
    """Kaiming uniform/normal use gain/sqrt(fan) for the chosen fan mode and nonlinearity."""
    tt.manual_seed(2)
    receptive = math.prod(shape[2:])
    fan = (shape[1] if mode == "fan_in" else shape[0]) * receptive
    if nonlinearity == "leaky_relu":
        gain = math.sqrt(2 / (1 + a**2))
    else:
        gain = {"relu": math.sqrt(2), "tanh": 5 / 3}[nonlinearity]
    std = gain / math.sqrt(fan)
    w = tt.zeros(*shape)
    init.kaiming_uniform_(w, a=a, mode=mode, nonlinearity=nonlinearity)
    assert_uniform(w.numpy(), math.sqrt(3) * std)
    init.kaiming_normal_(w, a=a, mode=mode, nonlinearity=nonlinearity)
    assert_normal(w.numpy(), std)


@pytest.mark.points(1)
def test_initialisers_are_seeded():
    """manual_seed (or an explicit generator) makes every random initialiser reproducible."""
    draws = []
    for _ in range(2):
        tt.manual_seed(11)
        w = tt.zeros(4, 6)
        draws.append(
            [init.uniform_(w).numpy().copy(), init.normal_(w).numpy().copy(),
             init.xavier_uniform_(w).numpy().copy(), init.kaiming_normal_(w).numpy().copy()]
        )  # fmt: skip
    for first, second in zip(*draws, strict=True):
        np.testing.assert_array_equal(first, second)
    a = init.uniform_(tt.zeros(5), generator=np.random.default_rng(4)).numpy()
    b = init.uniform_(tt.zeros(5), generator=np.random.default_rng(4)).numpy()
    np.testing.assert_array_equal(a, b)


@pytest.mark.points(1)
def test_kaiming_rejects_an_unknown_mode():
    """mode must be 'fan_in' or 'fan_out'; anything else raises ValueError naming both."""
    assert init.kaiming_uniform_(tt.zeros(3, 3), mode="fan_out").shape == (3, 3)
    with pytest.raises(ValueError, match=r"fan_in.*fan_out"):
        init.kaiming_uniform_(tt.zeros(3, 3), mode="fan_avg")
