# Generated from solutions/tests/stage_13/test_layernorm.py by scripts/build_stages.py: a regression check from stage 13.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 13: layer normalization (F.layer_norm and nn.LayerNorm): the formula over the trailing
dimensions, the module's parameters, and the closed-form backward pass of one operation."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch import nn
from tinytorch.errors import ShapeError
from tinytorch.ops import normalization
from tinytorch_testing import assert_close, gradcheck
from tinytorch_testing.strategies import float_arrays


def layer_norm_reference(x, normalized_ndim, weight, bias, eps):
    """(x - mean) / sqrt(var + eps) * weight + bias over the last dims, var biased, float64."""
    x = x.astype(np.float64)
    axes = tuple(range(x.ndim - normalized_ndim, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)  # divide by D, not D - 1
    return (x - mean) / np.sqrt(var + eps) * weight + bias


@st.composite
def layer_norm_cases(draw):
    """(x, normalized_ndim): 0-2 leading dims and 1-2 normalised trailing dims."""
    leading = draw(st.lists(st.integers(1, 4), min_size=0, max_size=2))
    trailing = draw(st.lists(st.integers(1, 5), min_size=1, max_size=2))
    scale = draw(st.sampled_from([0.05, 1.0, 10.0]))
    x = draw(float_arrays((*leading, *trailing), min_value=-1, max_value=1)) * np.float32(scale)
    return x, len(trailing)


@given(case=layer_norm_cases(), eps=st.sampled_from([1e-5, 0.1, 1.0]), data=st.data())
@pytest.mark.points(
    4,
    hint="normalise over the LAST len(normalized_shape) dims, biased variance (divide by D), "
    "eps inside the square root",
)
def test_layer_norm_matches_the_formula(case, eps, data):
    """F.layer_norm equals (x - mean) / sqrt(var + eps) * weight + bias over the trailing dims.

    The statistics are per example over the normalised dims only, the variance is the biased
    one, and eps sits inside the square root (eps up to 1.0 and small inputs make each of
    these visible)."""
    x, k = case
    shape = x.shape[x.ndim - k :]
    weight = data.draw(float_arrays(shape, min_value=-2, max_value=2))
    bias = data.draw(float_arrays(shape, min_value=-1, max_value=1))
    out = F.layer_norm(tt.tensor(x), shape, tt.tensor(weight), tt.tensor(bias), eps=eps)
    expected = layer_norm_reference(x, k, weight, bias, eps)
    assert_close(out, expected.astype(np.float32), rtol=1e-4, atol=1e-4)


@pytest.mark.points(3, hint="weight = ones, bias = zeros of normalized_shape; pass your eps on")
def test_layernorm_module_parameters_and_options():
    """nn.LayerNorm has PyTorch's parameters and options, and its forward uses them.

    weight (ones) and bias (zeros) have the normalised shape; bias=False drops the bias,
    elementwise_affine=False drops both; eps reaches the computation; float32 stays float32."""
    layer = nn.LayerNorm((3, 4), eps=0.5)
    assert [(n, p.shape) for n, p in layer.named_parameters()] == [
        ("weight", (3, 4)),
        ("bias", (3, 4)),
    ]
    assert_close(layer.weight, np.ones((3, 4), np.float32))
    assert_close(layer.bias, np.zeros((3, 4), np.float32))
    rng = np.random.default_rng(0)
    layer.weight.data[...] = rng.uniform(0.5, 2, (3, 4))
    layer.bias.data[...] = rng.uniform(-1, 1, (3, 4))
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    out = layer(tt.tensor(x))
    assert out.dtype == tt.float32
    expected = layer_norm_reference(x, 2, layer.weight.numpy(), layer.bias.numpy(), 0.5)
    assert_close(out, expected.astype(np.float32), rtol=1e-5, atol=1e-5)
    no_bias = nn.LayerNorm(4, bias=False)
    assert [n for n, _ in no_bias.named_parameters()] == ["weight"] and no_bias.bias is None
    plain = nn.LayerNorm(4, elementwise_affine=False)
    assert list(plain.parameters()) == [] and plain.weight is None
    x = rng.normal(3.0, 2.0, (5, 4)).astype(np.float32)
    standardised = plain(tt.tensor(x)).numpy()
    assert_close(standardised.mean(axis=-1), np.zeros(5, np.float32), atol=1e-5)
    assert_close(standardised.var(axis=-1), np.full(5, 1.0, np.float32), rtol=1e-4)


@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple),
    seed=st.integers(0, 2**16),
)
@pytest.mark.points(4, hint="grad_x = (g - mean(g) - x_hat * mean(g * x_hat)) / std, g = grad * w")
def test_layer_norm_gradcheck_last_dim(shape, seed):
    """The backward pass matches finite differences for input, weight and bias (1 trailing dim).

    The last dim has at least 2 features, so the normalised values depend on the input."""
    rng = np.random.default_rng(seed)
    shape = (*shape[:-1], shape[-1] + 1)
    x = rng.standard_normal(shape)
    w, b = rng.standard_normal(shape[-1:]), rng.standard_normal(shape[-1:])
    gradcheck(lambda x, w, b: F.layer_norm(x, shape[-1:], w, b, eps=1e-3), x, w, b)


@given(
    leading=st.lists(st.integers(1, 3), min_size=0, max_size=2).map(tuple),
    trailing=st.tuples(st.integers(1, 3), st.integers(2, 3)),
    seed=st.integers(0, 2**16),
)
@pytest.mark.points(3, hint="with 2 normalised dims, reduce over both (axes -2 and -1)")
def test_layer_norm_gradcheck_two_dims(leading, trailing, seed):
    """The backward pass is right when the normalised shape has 2 dims (weight and bias too)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((*leading, *trailing))
    w, b = rng.standard_normal(trailing), rng.standard_normal(trailing)
    gradcheck(lambda x, w, b: F.layer_norm(x, trailing, w, b), x, w, b)


@pytest.mark.points(3, hint="one Function: LayerNorm.apply(x, weight, bias, eps=...) in layer_norm")
def test_layer_norm_is_one_operation_with_float32_gradients():
    """layer_norm records ONE LayerNorm operation (the fused closed-form backward), float32 through.

    Its inputs are the input, the weight and the bias, and every gradient keeps float32."""
    layer = nn.LayerNorm(6)
    x = tt.randn(2, 3, 6, requires_grad=True)
    out = layer(x)
    assert isinstance(out.grad_fn, normalization.LayerNorm), (
        f"layer_norm should return the LayerNorm operation's output, got {out.grad_fn!r}"
    )
    assert out.grad_fn.parents[0] is x and out.grad_fn.parents[1] is layer.weight
    out.backward(tt.randn(2, 3, 6))
    for t in (x, layer.weight, layer.bias):
        assert t.grad.dtype == tt.float32 and t.grad.shape == t.shape
    # The gradient of the sum of normalised values is zero: they always sum to D * bias.
    x.grad = None
    F.layer_norm(x, (6,)).sum().backward()
    assert_close(x.grad, np.zeros((2, 3, 6), np.float32), atol=1e-5)


@pytest.mark.points(1, hint="the error is given; your layer_norm must work on the valid input")
def test_layer_norm_rejects_a_wrong_trailing_shape():
    """An input whose trailing shape is not normalized_shape gets an error naming both shapes."""
    layer = nn.LayerNorm(4)
    assert layer(tt.ones(2, 4)).shape == (2, 4)
    with pytest.raises(ShapeError, match=r"\(\*, 4\).*\(4, 2\)"):
        layer(tt.ones(4, 2))
    with pytest.raises(ValueError, match="normalized_shape"):
        nn.LayerNorm(0)
