# Generated from solutions/tests/stage_09/test_batchnorm.py by scripts/build_stages.py: a regression check from stage 09.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 09: batch normalization (F.batch_norm and nn.BatchNorm2d): train and eval semantics,
running statistics, buffers in the state dict, and the fused backward pass."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch import nn
from tinytorch_testing import assert_close, gradcheck
from tinytorch_testing.strategies import float_arrays

EPS = 1e-5


def normalize_reference(x, mean, var, weight, bias, eps=EPS):
    """(x - mean) / sqrt(var + eps) * weight + bias, per channel (dim 1), in float64."""
    shape = (1, -1) + (1,) * (x.ndim - 2)
    x = x.astype(np.float64)
    return (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) * weight.reshape(
        shape
    ) + bias.reshape(shape)


image_shapes = st.tuples(st.integers(2, 4), st.integers(1, 3), st.integers(1, 4), st.integers(1, 4))


@given(shape=image_shapes, data=st.data())
@pytest.mark.points(
    3, hint="mean and the biased variance (divide by M) over N, H and W per channel"
)
def test_batchnorm2d_training_uses_batch_statistics(shape, data):
    """In training mode each channel is normalised with its batch mean and biased variance."""
    x = data.draw(float_arrays(shape, min_value=-5, max_value=5))
    bn = nn.BatchNorm2d(shape[1])
    bn.weight.data[...] = data.draw(float_arrays((shape[1],), min_value=0.5, max_value=2))
    bn.bias.data[...] = data.draw(float_arrays((shape[1],), min_value=-1, max_value=1))
    out = bn(tt.tensor(x))
    axes = (0, 2, 3)
    expected = normalize_reference(
        x, x.mean(axes, dtype=np.float64), x.var(axes, dtype=np.float64),
        bn.weight.numpy(), bn.bias.numpy(),
    )  # fmt: skip
    assert_close(out, expected.astype(np.float32), rtol=1e-4, atol=1e-4)


@pytest.mark.points(3, hint="running = (1 - momentum) * running + momentum * batch; var unbiased")
def test_batchnorm2d_running_statistics_follow_the_update_rule():
    """Each training step moves running_mean/var toward the batch's mean and *unbiased* variance."""
    rng = np.random.default_rng(0)
    bn = nn.BatchNorm2d(3, momentum=0.2)
    mean, var = np.zeros(3), np.ones(3)
    for step in range(1, 4):
        x = rng.normal(step, 2.0, (4, 3, 5, 5)).astype(np.float32)
        bn(tt.tensor(x))
        m = x.size // 3
        batch_var = x.var(axis=(0, 2, 3), dtype=np.float64) * m / (m - 1)
        mean = 0.8 * mean + 0.2 * x.mean(axis=(0, 2, 3), dtype=np.float64)
        var = 0.8 * var + 0.2 * batch_var
        assert_close(bn.running_mean, mean.astype(np.float32), rtol=1e-5)
        assert_close(bn.running_var, var.astype(np.float32), rtol=1e-5)
        assert int(bn.num_batches_tracked.item()) == step
    cumulative = nn.BatchNorm2d(2, momentum=None)  # momentum=None: the plain average
    batches = [rng.normal(size=(3, 2, 2, 2)).astype(np.float32) for _ in range(3)]
    for x in batches:
        cumulative(tt.tensor(x))
    expected = np.mean([x.mean(axis=(0, 2, 3), dtype=np.float64) for x in batches], axis=0)
    assert_close(cumulative.running_mean, expected.astype(np.float32), rtol=1e-5, atol=1e-6)


@pytest.mark.points(
    3, hint="in eval(), normalise with running_mean/running_var; do not update them"
)
def test_batchnorm2d_eval_uses_running_statistics():
    """In eval mode the running statistics normalise, nothing updates, examples are independent.

    Each example's output no longer depends on the rest of its batch."""
    rng = np.random.default_rng(1)
    bn = nn.BatchNorm2d(2)
    for _ in range(5):
        bn(tt.tensor(rng.normal(3.0, 2.0, (8, 2, 3, 3)).astype(np.float32)))
    bn.weight.data[...] = [1.5, -0.5]
    bn.bias.data[...] = [0.1, 0.2]
    running = (bn.running_mean.numpy().copy(), bn.running_var.numpy().copy())
    bn.eval()
    x = rng.normal(size=(4, 2, 3, 3)).astype(np.float32)
    out = bn(tt.tensor(x))
    expected = normalize_reference(x, *running, bn.weight.numpy(), bn.bias.numpy())
    assert_close(out, expected.astype(np.float32), rtol=1e-5, atol=1e-5)
    assert_close(bn(tt.tensor(x[2:3])), out[2:3])  # alone or in a batch: the same output
    assert_close(bn.running_mean, running[0]) and int(bn.num_batches_tracked.item()) == 5
    assert_close(bn.running_var, running[1])


@pytest.mark.points(2, hint="register_buffer: saved in state_dict, never returned by parameters()")
def test_batchnorm2d_state_dict_holds_the_buffers():
    """weight/bias are parameters; the running statistics are buffers, saved and loaded.

    running_mean, running_var and num_batches_tracked are in the state dict (not in
    parameters()), and loading a state dict restores them."""
    bn = nn.BatchNorm2d(4)
    bn(tt.randn(3, 4, 2, 2))
    assert [name for name, _ in bn.named_parameters()] == ["weight", "bias"]
    state = bn.state_dict()
    assert list(state) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert state["num_batches_tracked"].dtype == tt.int64
    fresh = nn.BatchNorm2d(4)
    fresh.load_state_dict(state)
    assert_close(fresh.running_mean, bn.running_mean)
    assert_close(fresh.running_var, bn.running_var)
    assert int(fresh.num_batches_tracked.item()) == 1
    plain = nn.BatchNorm2d(4, affine=False, track_running_stats=False)
    assert list(plain.parameters()) == [] and list(plain.state_dict()) == []
    x = tt.randn(3, 4, 2, 2)
    plain.eval()  # no running statistics: batch statistics even in eval mode
    expected = normalize_reference(
        x.numpy(), x.numpy().mean((0, 2, 3)), x.numpy().var((0, 2, 3)), np.ones(4), np.zeros(4)
    )
    assert_close(plain(x), expected.astype(np.float32), rtol=1e-4, atol=1e-4)


@given(shape=image_shapes, seed=st.integers(0, 2**16))
@pytest.mark.points(4, hint="the batch mean and variance depend on x too: two extra terms")
def test_batch_norm_gradcheck_in_training(shape, seed):
    """Training-mode batch norm's backward matches finite differences for input, weight, bias."""
    rng = np.random.default_rng(seed)
    x, w, b = (
        rng.standard_normal(shape),
        rng.standard_normal(shape[1]),
        rng.standard_normal(shape[1]),
    )
    gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), x, w, b)


@given(shape=image_shapes, seed=st.integers(0, 2**16))
@pytest.mark.points(2)
def test_batch_norm_gradcheck_in_evaluation(shape, seed):
    """Eval-mode batch norm (a fixed per-channel affine map) has the right gradients."""
    rng = np.random.default_rng(seed)
    x, w, b = (
        rng.standard_normal(shape),
        rng.standard_normal(shape[1]),
        rng.standard_normal(shape[1]),
    )
    mean = tt.tensor(rng.standard_normal(shape[1]))
    var = tt.tensor(rng.uniform(0.5, 2.0, shape[1]))
    gradcheck(lambda x, w, b: F.batch_norm(x, mean, var, w, b, training=False), x, w, b)


@pytest.mark.points(2, hint="float32 in, float32 out: use Python floats for eps and momentum")
def test_batchnorm2d_keeps_float32():
    """float32 input gives float32 output, gradients and running statistics."""
    bn = nn.BatchNorm2d(3)
    x = tt.randn(4, 3, 2, 2, requires_grad=True)
    out = bn(x)
    out.backward(tt.randn(*out.shape))
    assert out.dtype == tt.float32 and x.grad.dtype == tt.float32
    assert bn.weight.grad.dtype == tt.float32 and bn.running_var.dtype == tt.float32


@pytest.mark.points(2, hint="BatchNorm1d is the same layer over (N, C) or (N, C, L) inputs")
def test_batchnorm1d_normalises_features():
    """BatchNorm1d normalises (N, C) and (N, C, L) inputs per channel and tracks statistics."""
    rng = np.random.default_rng(2)
    for shape, axes in (((6, 3), (0,)), ((4, 3, 5), (0, 2))):
        bn = nn.BatchNorm1d(3)
        x = rng.normal(2.0, 3.0, shape).astype(np.float32)
        out = bn(tt.tensor(x))
        mean, var = x.mean(axes, dtype=np.float64), x.var(axes, dtype=np.float64)
        expected = normalize_reference(x, mean, var, np.ones(3), np.zeros(3))
        assert_close(out, expected.astype(np.float32), rtol=1e-4, atol=1e-4)
        m = x.size // 3
        assert_close(bn.running_var, (0.9 + 0.1 * var * m / (m - 1)).astype(np.float32))
    with pytest.raises(ValueError, match=r"BatchNorm1d expects a 2-D \(N, C\) or 3-D"):
        nn.BatchNorm1d(3)(tt.randn(2, 3, 4, 4))


@pytest.mark.points(2, hint="check the input first and say what was expected")
def test_batchnorm2d_rejects_bad_input_clearly():
    """Non-4-D input, a wrong channel count and one value per channel in training fail clearly."""
    bn = nn.BatchNorm2d(3)
    assert bn(tt.randn(2, 3, 1, 1)).shape == (2, 3, 1, 1)
    with pytest.raises(
        ValueError, match=r"expects a 4-D \(N, C, H, W\) input, got shape \(2, 3, 4\)"
    ):
        bn(tt.randn(2, 3, 4))
    with pytest.raises(ValueError, match=r"expects 3 channels.*\(2, 4, 1, 1\)"):
        bn(tt.randn(2, 4, 1, 1))
    with pytest.raises(ValueError, match=r"more than 1 value per channel when training"):
        bn(tt.randn(1, 3, 1, 1))
    with pytest.raises(ValueError, match=r"num_features must be a positive int"):
        nn.BatchNorm2d(0)
