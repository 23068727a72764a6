# Generated from solutions/tests/stage_03/test_linear.py by scripts/build_stages.py: a regression check from stage 03.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 03: nn.Linear, its parameter shapes and counts, its forward pass and its init."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import nn
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays, shapes


@pytest.mark.points(3, hint="weight is (out_features, in_features); bias is (out_features,)")
@given(st.integers(1, 40), st.integers(1, 40), st.booleans())
def test_parameter_shapes_and_counts(fan_in, fan_out, bias):
    """weight (out, in) and bias (out,): exactly in*out (+out) parameters, float32, trainable."""
    layer = nn.Linear(fan_in, fan_out, bias=bias)
    assert layer.weight.shape == (fan_out, fan_in)
    assert sum(p.numel() for p in layer.parameters()) == fan_in * fan_out + fan_out * bias
    assert (layer.bias is not None) == bias
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"][: 1 + bias]
    for p in layer.parameters():
        assert isinstance(p, nn.Parameter) and p.requires_grad and p.dtype == tt.float32
    assert (layer.in_features, layer.out_features) == (fan_in, fan_out)


@pytest.mark.points(2)
def test_mlp_parameter_count():
    """An MLP 784-128-64-10 has exactly 109 386 parameters."""
    model = nn.Sequential(
        nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10)
    )
    assert (
        sum(p.numel() for p in model.parameters()) == 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10
    )


@pytest.mark.points(4, hint="x @ weight.T + bias: matmul batches over all leading dimensions")
@given(
    shapes(min_dims=0, max_dims=3, max_side=4),
    st.integers(1, 6),
    st.integers(1, 6),
    st.booleans(),
    st.data(),
)
def test_forward_matches_numpy_for_any_leading_dims(lead, fan_in, fan_out, bias, data):
    """y = x W^T + b equals NumPy for inputs (*, in) with 0 to 3 leading dims; float32 kept."""
    layer = nn.Linear(fan_in, fan_out, bias=bias)
    x = data.draw(float_arrays((*lead, fan_in)))
    expected = x @ layer.weight.numpy().T
    if bias:
        expected = expected + layer.bias.numpy()
    out = layer(tt.tensor(x))
    assert out.shape == (*lead, fan_out)
    assert_close(out, expected, rtol=1e-5, atol=1e-5)
    assert_close(nn.functional.linear(tt.tensor(x), layer.weight, layer.bias), out)


@pytest.mark.points(2, hint="kaiming_uniform_(a=sqrt(5)) is U(-1/sqrt(in), 1/sqrt(in))")
@pytest.mark.parametrize("fan_in", [1, 3, 64, 500])
def test_default_init_is_uniform_with_bound_one_over_sqrt_fan_in(fan_in):
    """Weight and bias follow U(-1/sqrt(in), 1/sqrt(in)): bounds, mean and std within 5 sigma."""
    tt.manual_seed(fan_in)
    fan_out = max(50_000 // fan_in, 1)
    layer = nn.Linear(fan_in, fan_out)
    bound = 1 / math.sqrt(fan_in)
    for tensor in (layer.weight.numpy(), layer.bias.numpy()):
        n = tensor.size
        assert np.abs(tensor).max() <= bound
        # U(-b, b): mean 0 with std b/sqrt(3n); variance b^2/3 with relative std ~0.894/sqrt(n)
        assert abs(tensor.mean()) < 5 * bound / math.sqrt(3 * n)
        assert abs(tensor.var() / (bound**2 / 3) - 1) < 5 * 0.894 / math.sqrt(n)
    assert np.abs(layer.weight.numpy()).max() > 0.99 * bound  # the bound is reached


@pytest.mark.points(1)
def test_manual_seed_fixes_the_initial_weights():
    """Two layers built after the same manual_seed have identical weights; a new seed differs."""
    tt.manual_seed(3)
    a = nn.Linear(5, 4)
    tt.manual_seed(3)
    b = nn.Linear(5, 4)
    c = nn.Linear(5, 4)
    np.testing.assert_array_equal(a.weight.numpy(), b.weight.numpy())
    np.testing.assert_array_equal(a.bias.numpy(), b.bias.numpy())
    assert not np.array_equal(b.weight.numpy(), c.weight.numpy())


@pytest.mark.points(1)
def test_dtype_option_and_reset_parameters():
    """dtype=float64 makes float64 parameters and outputs; reset_parameters redraws in place."""
    layer = nn.Linear(3, 2, dtype=tt.float64)
    assert layer.weight.dtype == tt.float64 and layer.bias.dtype == tt.float64
    assert layer(tt.ones(4, 3, dtype=tt.float64)).dtype == tt.float64
    weight, before = layer.weight, layer.weight.numpy().copy()
    layer.reset_parameters()
    assert layer.weight is weight and not np.array_equal(weight.numpy(), before)


@pytest.mark.points(2, hint="check input.shape[-1] against in_features and name both")
def test_wrong_input_size_names_the_shapes():
    """An input whose last dimension is not in_features raises ValueError naming the shapes."""
    layer = nn.Linear(4, 3)
    assert layer(tt.ones(2, 4)).shape == (2, 3)
    with pytest.raises(ValueError, match=r"\(\*, 4\).*\(2, 5\)"):
        layer(tt.ones(2, 5))
    with pytest.raises(ValueError, match="in_features"):
        nn.Linear(-1, 3)
