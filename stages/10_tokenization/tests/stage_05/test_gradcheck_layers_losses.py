# Generated from solutions/tests/stage_05/test_gradcheck_layers_losses.py by scripts/build_stages.py: a regression check from stage 05.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 05: gradients of the layers of stage 03 and the losses of stage 04, checked against
finite differences (so they are right as soon as every operation's backward is)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch import nn
from tinytorch_testing import assert_close, gradcheck, numerical_gradient
from tinytorch_testing.strategies import float_arrays, shapes

REDUCTIONS = ["none", "mean", "sum"]


def check_parameter_gradients(model: nn.Module, x: np.ndarray, seed: int = 0) -> None:
    """Backpropagate sum(v * model(x)) and compare every parameter's .grad with finite
    differences taken by nudging that parameter's own array in place."""
    inputs = tt.tensor(x)
    out = model(inputs)
    v = np.random.default_rng(seed).standard_normal(out.shape)
    model.zero_grad()
    (out * tt.tensor(v)).sum().backward()
    for name, param in model.named_parameters():
        assert param.grad is not None, f"{name} got no gradient"
        numeric = numerical_gradient(lambda _: float((model(inputs).numpy() * v).sum()), param.data)
        assert_close(param.grad, numeric, rtol=1e-4, atol=1e-6, msg=name)


@st.composite
def linear_case(draw):
    lead = draw(shapes(min_dims=0, max_dims=2, max_side=3))
    fan_in, fan_out = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    x = draw(float_arrays((*lead, fan_in), np.float64, -3.0, 3.0))
    w = draw(float_arrays((fan_out, fan_in), np.float64, -1.0, 1.0))
    b = draw(float_arrays((fan_out,), np.float64, -1.0, 1.0))
    return x, w, b


@pytest.mark.points(3, hint="linear is matmul + transpose + add: their backwards compose")
@given(linear_case())
def test_linear_function(case):
    """F.linear's gradients for input, weight and bias, for inputs with 0 to 2 leading dims."""
    x, w, b = case
    gradcheck(F.linear, x, w, b)
    gradcheck(lambda x, w: F.linear(x, w), x, w)


@pytest.mark.points(3, hint="backward must reach the Parameters the layer registered")
@given(linear_case(), st.booleans())
def test_linear_layer_parameters_and_input(case, bias):
    """nn.Linear: weight.grad, bias.grad and the input's gradient match finite differences."""
    x, _, _ = case
    layer = nn.Linear(x.shape[-1], 3, bias=bias).double()
    check_parameter_gradients(layer, x)
    gradcheck(layer, x)


@pytest.mark.points(3, hint="gradients flow through every layer of a Sequential")
@given(float_arrays((4, 3), np.float64, -2.0, 2.0), st.integers(0, 2**16))
def test_sequential_mlp(x, seed):
    """A Sequential MLP (Linear-Tanh-Linear-Sigmoid-Linear): every parameter and the input."""
    tt.manual_seed(seed)
    model = nn.Sequential(
        nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 4), nn.Sigmoid(), nn.Linear(4, 2)
    ).double()
    check_parameter_gradients(model, x, seed)
    gradcheck(model, x)


@pytest.mark.points(2, hint="the gradient of x * mask is the same mask")
@given(float_arrays(shapes(min_dims=1, max_dims=3), np.float64), st.sampled_from([0.2, 0.5, 0.9]))
def test_dropout_with_a_fixed_mask(a, p):
    """Dropout (seeded, so the mask is fixed) passes gradient 1/(1-p) where kept, 0 elsewhere."""

    def dropout(x):
        tt.manual_seed(7)
        return F.dropout(x, p=p)

    gradcheck(dropout, a)
    gradcheck(nn.Dropout(p).eval(), a)


@pytest.mark.points(2)
@given(float_arrays(shapes(max_dims=3), np.float64), st.data(), st.sampled_from(REDUCTIONS))
def test_mse_loss(a, data, reduction):
    """mse_loss, for input and target, with every reduction."""
    b = data.draw(float_arrays(a.shape, np.float64))
    gradcheck(lambda x, y: F.mse_loss(x, y, reduction=reduction), a, b)


@st.composite
def classification(draw, extra_dims=0):
    n, c = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    extra = tuple(draw(st.integers(1, 2)) for _ in range(extra_dims))
    logits = draw(float_arrays((n, c, *extra), np.float64, -4.0, 4.0))
    size = n * int(np.prod(extra))
    ids = np.array(draw(st.lists(st.integers(0, c - 1), min_size=size, max_size=size)))
    weight = draw(float_arrays((c,), np.float64, 0.25, 2.0))
    return logits, ids.reshape((n, *extra)), weight


@pytest.mark.points(4, hint="log_softmax's backward and GetItem's scatter do the work")
@given(classification(), st.sampled_from(REDUCTIONS), st.booleans(), st.sampled_from([0.0, 0.3]))
def test_cross_entropy_with_class_ids(case, reduction, weighted, smoothing):
    """cross_entropy with class ids: every reduction, with and without weights and smoothing."""
    logits, ids, weight = case
    w = tt.tensor(weight) if weighted else None
    options = {"reduction": reduction, "label_smoothing": smoothing}
    gradcheck(lambda x: F.cross_entropy(x, tt.tensor(ids), w, **options), logits)
    if len(ids) > 1:  # ignore the second target
        ignored = tt.tensor(np.where(np.arange(len(ids)) == 1, -100, ids))
        gradcheck(lambda x: F.cross_entropy(x, ignored, w, **options), logits)


@pytest.mark.points(2)
@given(classification(extra_dims=2), st.sampled_from(REDUCTIONS))
def test_cross_entropy_with_extra_dimensions(case, reduction):
    """cross_entropy for (N, C, d1, d2) logits and (N, d1, d2) targets."""
    logits, ids, _ = case
    gradcheck(lambda x: F.cross_entropy(x, tt.tensor(ids), reduction=reduction), logits)


@pytest.mark.points(2)
@given(classification(), st.data(), st.sampled_from(REDUCTIONS))
def test_cross_entropy_with_probability_targets(case, data, reduction):
    """cross_entropy against class probabilities, for both the logits and the probabilities."""
    logits, _, weight = case
    p = data.draw(float_arrays(logits.shape, np.float64, 0.0, 1.0))
    gradcheck(lambda x, y: F.cross_entropy(x, y, tt.tensor(weight), reduction=reduction), logits, p)
    gradcheck(
        lambda x, y: F.cross_entropy(x, y, label_smoothing=0.1, reduction=reduction), logits, p
    )


@pytest.mark.points(2)
@given(classification(), st.sampled_from(REDUCTIONS))
def test_nll_loss(case, reduction):
    """nll_loss with class weights, for every reduction."""
    logits, ids, weight = case
    gradcheck(
        lambda x: F.nll_loss(x, tt.tensor(ids), tt.tensor(weight), reduction=reduction), logits
    )


@pytest.mark.points(3, hint="d/dx = (x - y) / (x (1 - x)); d/dy = log(1 - x) - log(x)")
@given(
    float_arrays(shapes(min_dims=1, max_dims=3), np.float64, 0.125, 0.875),
    st.data(),
    st.sampled_from(REDUCTIONS),
)
def test_binary_cross_entropy(x, data, reduction):
    """binary_cross_entropy, for input and target, with and without a weight."""
    y = data.draw(float_arrays(x.shape, np.float64, 0.0, 1.0))
    w = tt.tensor(data.draw(float_arrays(x.shape[-1:], np.float64, 0.0, 2.0)))
    gradcheck(lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction), x, y)
    gradcheck(lambda a, b: F.binary_cross_entropy(a, b, w, reduction=reduction), x, y)


@pytest.mark.points(
    3, hint="d/dx = sigmoid(x) - y (with pos_weight p: add (p-1) y (sigmoid(x) - 1))"
)
@given(
    float_arrays(shapes(min_dims=1, max_dims=3), np.float64, -6.0, 6.0),
    st.data(),
    st.sampled_from(REDUCTIONS),
)
def test_binary_cross_entropy_with_logits(x, data, reduction):
    """binary_cross_entropy_with_logits, for input and target, with weight and pos_weight."""
    y = data.draw(float_arrays(x.shape, np.float64, 0.0, 1.0))
    p = tt.tensor(data.draw(float_arrays(x.shape[-1:], np.float64, 0.25, 4.0)))
    w = tt.tensor(data.draw(float_arrays(x.shape[-1:], np.float64, 0.0, 2.0)))
    gradcheck(lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction), x, y)
    gradcheck(
        lambda a, b: F.binary_cross_entropy_with_logits(a, b, w, reduction=reduction, pos_weight=p),
        x,
        y,
    )


@pytest.mark.points(2, hint="every backward must keep the dtype: float32 in, float32 gradients out")
def test_float32_model_gets_float32_gradients():
    """A float32 MLP trained with each loss gets float32 gradients of the right shapes."""
    tt.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.2), nn.Linear(8, 3))
    x = tt.randn(5, 4, requires_grad=True)
    logits = model(x)
    losses = [
        nn.CrossEntropyLoss(label_smoothing=0.1)(logits, tt.tensor([0, 1, 2, 1, 0])),
        nn.MSELoss()(logits, tt.zeros(5, 3)),
        nn.BCEWithLogitsLoss(pos_weight=tt.ones(3))(logits, tt.ones(5, 3)),
        nn.BCELoss()(F.sigmoid(logits), tt.ones(5, 3)),
        nn.NLLLoss()(F.log_softmax(logits, 1), tt.tensor([2, 1, 0, 1, 2])),
    ]
    total = losses[0]
    for extra in losses[1:]:
        total = total + extra
    assert total.dtype == tt.float32
    total.backward()
    for name, param in [("input", x), *model.named_parameters()]:
        assert param.grad is not None, name
        assert param.grad.dtype == tt.float32 and param.grad.shape == param.shape, name
        assert np.all(np.isfinite(param.grad.numpy())), name
