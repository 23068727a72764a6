# Generated from solutions/tests/stage_09/test_pitfalls.py by scripts/build_stages.py: a regression check from stage 09.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 09: exact cases for mistakes that the other tests can miss (gradients of only some
inputs, the default initialization, batch counting in evaluation)."""

import itertools

import numpy as np
import pytest

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch import nn
from tinytorch_testing import assert_close


def gradients(fn, arrays, wanted):
    """The gradients of sum(fn(*inputs)) for the inputs flagged in ``wanted`` (None else)."""
    inputs = [tt.tensor(a, requires_grad=w) for a, w in zip(arrays, wanted, strict=True)]
    fn(*inputs).sum().backward()
    return [t.grad.data if w else t.grad for t, w in zip(inputs, wanted, strict=True)]


@pytest.mark.points(
    2, hint="needs_input_grad[i] says whether input i wants a gradient: check the index"
)
def test_only_the_inputs_that_require_grad_get_gradients_and_they_are_right():
    """For conv2d (with and without bias) and batch_norm, every subset of inputs that
    requires grad gets exactly the gradients it gets when all of them do; the others none."""
    rng = np.random.default_rng(9)
    x, w, b = (
        rng.standard_normal((2, 2, 5, 4)),
        rng.standard_normal((3, 2, 3, 2)),
        rng.standard_normal(3),
    )
    cases = [
        (lambda x, w, b: F.conv2d(x, w, b, padding=1), [x, w, b]),
        (lambda x, w: F.conv2d(x, w, stride=2), [x, w]),
        (
            lambda x, g, h: F.batch_norm(x, None, None, g, h, training=True) * tt.tensor(x),
            [x, rng.standard_normal(2), rng.standard_normal(2)],
        ),
    ]
    for fn, arrays in cases:
        full = gradients(fn, arrays, [True] * len(arrays))
        for wanted in itertools.product([False, True], repeat=len(arrays)):
            if not any(wanted):
                continue
            for got, expected, w in zip(gradients(fn, arrays, wanted), full, wanted, strict=True):
                if w:
                    assert_close(got, expected, rtol=1e-10, atol=1e-12)
                else:
                    assert got is None


@pytest.mark.points(
    1, hint="fan_in = in_channels / groups * kh * kw; weight and bias in +-1/sqrt(fan_in)"
)
def test_conv2d_default_initialization_spans_plus_minus_one_over_sqrt_fan_in():
    """Conv2d's default weight and bias are uniform in +-1/sqrt(fan_in) (PyTorch's
    kaiming_uniform_(a=sqrt(5))), with fan_in = in_channels / groups * kh * kw."""
    tt.manual_seed(0)
    layer = nn.Conv2d(4, 256, (3, 2), groups=2)
    bound = 1 / np.sqrt(2 * 3 * 2)
    for name, values in (("weight", layer.weight.data), ("bias", layer.bias.data)):
        assert np.abs(values).max() <= bound, f"{name} exceeds 1/sqrt(fan_in)"
        assert values.max() > 0.95 * bound and values.min() < -0.95 * bound, (
            f"{name} does not span +-1/sqrt(fan_in) = {bound:.4f}: "
            f"[{values.min():.4f}, {values.max():.4f}]"
        )


@pytest.mark.points(1, hint="count a batch (num_batches_tracked) only when training")
def test_batch_norm_counts_batches_only_in_training():
    """num_batches_tracked grows by one per training forward, not in evaluation, and
    evaluation leaves the running statistics alone."""
    layer = nn.BatchNorm2d(2)
    x = tt.tensor(np.random.default_rng(1).standard_normal((4, 2, 3, 3)).astype(np.float32))
    layer(x)
    layer(x)
    assert int(layer.num_batches_tracked.data) == 2
    mean = layer.running_mean.data.copy()
    layer.eval()
    layer(x)
    assert int(layer.num_batches_tracked.data) == 2
    assert_close(layer.running_mean, mean)
