"""Stage 14: parameter counts, exact."""

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinytorch import nn
from tinytorch.profiling import count_parameters


@given(sizes=st.lists(st.integers(1, 20), min_size=2, max_size=5), bias=st.booleans())
@pytest.mark.points(2, hint="add up p.numel() over model.parameters()")
def test_mlp_parameter_count_is_exact(sizes, bias):
    """An MLP has sum(in * out + out) parameters (no + out without bias)."""
    layers = []
    for n_in, n_out in pairwise(sizes):
        layers += [nn.Linear(n_in, n_out, bias=bias), nn.ReLU()]
    model = nn.Sequential(*layers)
    expected = sum(a * b + (b if bias else 0) for a, b in pairwise(sizes))
    assert count_parameters(model) == expected


@pytest.mark.points(2, hint="Conv2d: out * in/groups * kh * kw + out; BatchNorm: 2 * channels")
def test_cnn_parameter_count_is_exact():
    """Conv2d, BatchNorm2d and Linear parameters add up exactly (buffers are not parameters)."""
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, (3, 5), groups=2, bias=False), nn.Flatten(), nn.Linear(16, 10),
    )  # fmt: skip
    expected = (8 * 3 * 9 + 8) + 2 * 8 + (16 * 4 * 3 * 5) + (16 * 10 + 10)
    assert count_parameters(model) == expected


@pytest.mark.points(2, hint="a shared (tied) parameter is one set of numbers; frozen ones drop out")
def test_shared_parameters_count_once_and_frozen_ones_are_optional():
    """A weight tied between two layers counts once; ``trainable_only`` skips frozen ones."""
    first, second = nn.Linear(4, 4), nn.Linear(4, 4)
    second.weight = first.weight
    model = nn.Sequential(first, second, nn.Linear(4, 2))
    assert count_parameters(model) == 16 + 4 + 4 + (8 + 2)
    model[2].weight.requires_grad_(False)
    assert count_parameters(model, trainable_only=True) == 16 + 4 + 4 + 2
    assert count_parameters(model) == 16 + 4 + 4 + 8 + 2
