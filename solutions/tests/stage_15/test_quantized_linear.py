"""Stage 15: QuantizedLinear stores int8 weights and multiplies integers; quantize_dynamic
swaps every Linear; the model gets ~4x smaller and the digits MLP keeps its accuracy."""

import os

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import nn, optim
from tinytorch import quantization as Q
from tinytorch.datasets import Digits


@given(
    n_in=st.integers(1, 40),
    n_out=st.integers(1, 12),
    batch=st.integers(1, 5),
    per_channel=st.booleans(),
    bias=st.booleans(),
    seed=st.integers(0, 1000),
)
@pytest.mark.points(5, hint="y = s_x * s_w * ((q_x - z_x) @ q_w^T) + b, the matmul in integers")
def test_quantized_linear_matches_its_integer_definition(
    n_in, n_out, batch, per_channel, bias, seed
):
    """QuantizedLinear stores an int8 weight (symmetric: zero point 0), quantizes the batch to
    [0, 127], and computes s_x * s_w * ((q_x - z_x) @ q_w^T) + b, written here in int64."""
    tt.manual_seed(seed)
    layer = nn.Linear(n_in, n_out, bias=bias)
    x = tt.randn(batch, n_in) * 3.0
    observer = (
        Q.PerChannelMinMaxObserver(0, dtype=Q.qint8, qscheme=Q.per_channel_symmetric)
        if per_channel
        else None
    )
    qlayer = Q.QuantizedLinear.from_float(layer, observer)
    w = layer.weight.numpy().astype(np.float64)
    bound = np.abs(w).max(axis=1, keepdims=per_channel) if per_channel else np.abs(w).max()
    s_w = np.maximum(bound / 127.5, np.finfo(np.float32).eps).astype(np.float32).astype(np.float64)
    q_w = np.clip(np.rint(w / s_w), -128, 127)
    assert qlayer.weight_int8.dtype == tt.int8
    np.testing.assert_array_equal(qlayer.weight_int8.numpy(), q_w)
    xs = x.numpy().astype(np.float64)
    low, high = min(xs.min(), 0.0), max(xs.max(), 0.0)
    s_x = max((high - low) / 127, np.finfo(np.float32).eps)
    z_x = int(np.clip(0 - np.rint(low / s_x), 0, 127))
    q_x = np.clip(np.rint(xs / s_x) + z_x, 0, 127)
    expected = ((q_x - z_x).astype(np.int64) @ q_w.T.astype(np.int64)) * s_x * s_w.reshape(1, -1)
    if bias:
        expected = expected + layer.bias.numpy()
    out = qlayer(x)
    assert out.dtype == tt.float32 and out.shape == (batch, n_out)
    np.testing.assert_allclose(
        out.numpy(), expected, rtol=1e-5, atol=1e-5 * (1 + np.abs(expected).max())
    )
    float_out = layer(x).numpy()
    assert np.abs(out.numpy() - float_out).max() <= 0.05 * (1 + np.abs(float_out).max())


@pytest.mark.points(3, hint="walk named_modules and setattr the quantized twin on the parent")
def test_quantize_dynamic_swaps_every_linear():
    """quantize_dynamic replaces each nested Linear (in a copy, unless inplace) and leaves
    the other modules alone."""
    model = nn.Sequential(
        nn.Linear(6, 8), nn.ReLU(), nn.Sequential(nn.Linear(8, 8), nn.Tanh()), nn.Linear(8, 3)
    )
    x = tt.randn(4, 6)
    quantized = Q.quantize_dynamic(model, {nn.Linear})
    kinds = [type(m).__name__ for _, m in quantized.named_modules()]
    assert kinds == [
        "Sequential",
        "QuantizedLinear",
        "ReLU",
        "Sequential",
        "QuantizedLinear",
        "Tanh",
        "QuantizedLinear",
    ]
    assert isinstance(model[0], nn.Linear)  # the original is untouched
    assert sum(1 for _ in quantized.parameters()) == 0
    np.testing.assert_allclose(quantized(x).numpy(), model(x).numpy(), atol=0.05)
    same = Q.quantize_dynamic(model, inplace=True, per_channel=True)
    assert same is model and isinstance(model[2][0], Q.QuantizedLinear)
    assert model[2][0].weight().q_per_channel_axis() == 0


def state_bytes(model):
    return sum(t.numpy().nbytes for t in model.state_dict().values())


@pytest.mark.points(
    4, hint="store the weight as int8 with one scale (or one per row), the bias as float32"
)
def test_quantized_model_is_at_least_3_9_times_smaller(tmp_path):
    """int8 storage makes a weight-dominated model >= 3.9x smaller than float32, measured from
    its arrays and from the file tinytorch.save writes."""
    tt.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)
    )
    for per_channel in (False, True):
        quantized = Q.quantize_dynamic(model, per_channel=per_channel)
        assert state_bytes(model) / state_bytes(quantized) >= 3.9
        tt.save(model.state_dict(), tmp_path / "fp32.tt")
        tt.save(quantized.state_dict(), tmp_path / "int8.tt")
        ratio = os.path.getsize(tmp_path / "fp32.tt") / os.path.getsize(tmp_path / "int8.tt")
        assert ratio >= 3.9
        restored = Q.quantize_dynamic(model, per_channel=per_channel)
        restored.load_state_dict(tt.load(tmp_path / "int8.tt"))
        x = tt.randn(3, 784)
        np.testing.assert_array_equal(restored(x).numpy(), quantized(x).numpy())


@pytest.fixture(scope="module")
def digits_mlp():
    """A 64-128-10 MLP trained on the shipped digits for a few seconds, and the test images."""
    train, test = Digits(train=True), Digits(train=False)
    x = train.data.numpy().reshape(-1, 64).astype(np.float32) / 16.0
    mean, std = x.mean(), x.std()
    x = tt.tensor((x - mean) / std)
    y = train.targets
    x_test = tt.tensor((test.data.numpy().reshape(-1, 64).astype(np.float32) / 16.0 - mean) / std)
    tt.manual_seed(15)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    optimizer = optim.Adam(model.parameters(), lr=3e-3)
    order = np.random.default_rng(15)
    for _ in range(6):
        for batch in np.array_split(order.permutation(len(y)), len(y) // 32):
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
    return model.eval(), x_test, test.targets.numpy()


def accuracy(model, x, labels):
    with tt.no_grad():
        return float((model(x).numpy().argmax(axis=1) == labels).mean())


@pytest.mark.points(
    4, hint="quantize_dynamic(model, {nn.Linear}): the int8 model must still read digits"
)
def test_quantized_digits_mlp_loses_at_most_one_point(digits_mlp):
    """The int8 digits MLP's test accuracy is within 1 percentage point of the float32 one."""
    model, x_test, labels = digits_mlp
    fp32 = accuracy(model, x_test, labels)
    assert fp32 >= 0.95
    for per_channel in (False, True):
        int8 = accuracy(Q.quantize_dynamic(model, per_channel=per_channel), x_test, labels)
        assert int8 >= fp32 - 0.01
