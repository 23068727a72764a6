# Generated from solutions/tests/stage_06/test_rmsprop.py by scripts/build_stages.py: a regression check from stage 06.
# Do not edit: the grader checks this file against ci/manifest.json.
"""RMSprop: the update rule with momentum, centering and weight decay."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import optim
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays, shapes


def rmsprop_reference(p, grads, lr, alpha, eps, weight_decay, momentum, centered, maximize):
    """RMSprop as PyTorch documents it, in float64 NumPy."""
    p = p.astype(np.float64)
    v, g_avg, buffer = np.zeros_like(p), np.zeros_like(p), np.zeros_like(p)
    for g in grads:
        g = g.astype(np.float64)
        if maximize:
            g = -g
        if weight_decay:
            g = g + weight_decay * p
        v = alpha * v + (1 - alpha) * g**2
        v_tilde = v
        if centered:
            g_avg = alpha * g_avg + (1 - alpha) * g
            v_tilde = v - g_avg**2
        if momentum > 0:
            buffer = momentum * buffer + g / (np.sqrt(v_tilde) + eps)
            p = p - lr * buffer
        else:
            p = p - lr * g / (np.sqrt(v_tilde) + eps)
    return p, v


@st.composite
def rmsprop_cases(draw):
    shape = draw(shapes(max_dims=3, max_side=4))
    p = draw(float_arrays(shape, min_value=-5, max_value=5))
    grads = [
        draw(float_arrays(shape, min_value=-5, max_value=5)) for _ in range(draw(st.integers(1, 4)))
    ]
    options = {
        "lr": draw(st.sampled_from([1e-3, 0.01, 0.1])),
        "alpha": draw(st.sampled_from([0.99, 0.9, 0.5])),
        "eps": draw(st.sampled_from([1e-8, 1e-2])),
        "weight_decay": draw(st.sampled_from([0.0, 0.1])),
        "momentum": draw(st.sampled_from([0.0, 0.9])),
        "centered": draw(st.booleans()),
        "maximize": draw(st.booleans()),
    }
    return p, grads, options


@pytest.mark.points(4, hint="centered: divide by sqrt(v - g_avg**2) + eps")
@given(rmsprop_cases())
def test_rmsprop_matches_the_update_rule(case):
    """Several RMSprop steps (momentum, centered, weight decay, maximize) equal the rule."""
    p_array, grads, options = case
    p = tt.tensor(p_array, requires_grad=True)
    array = p.data
    opt = optim.RMSprop([p], **options)
    for g in grads:
        p.grad = tt.tensor(g)
        opt.step()
    expected, v = rmsprop_reference(p_array, grads, **options)
    # The centered denominator is a difference of close numbers: allow float32 rounding in it.
    assert_close(p, expected.astype(np.float32), rtol=2e-4, atol=2e-4)
    assert_close(opt.state[p]["square_avg"], v.astype(np.float32), rtol=1e-4, atol=1e-5)
    assert p.data is array


@pytest.mark.points(2)
def test_rmsprop_defaults_and_validation():
    """Defaults are PyTorch's (lr 1e-2, alpha 0.99, eps 1e-8); negative values are refused."""
    p = tt.tensor([1.0, -1.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"alpha.*-0\.5"):
        optim.RMSprop([p], alpha=-0.5)
    with pytest.raises(ValueError, match=r"momentum.*-0\.9"):
        optim.RMSprop([p], momentum=-0.9)
    with pytest.raises(ValueError, match=r"eps.*-1"):
        optim.RMSprop([p], eps=-1.0)
    opt = optim.RMSprop([p])
    p.grad = tt.tensor([2.0, -2.0])
    opt.step()
    # v = 0.01 * 4, step = lr * g / sqrt(v) = 0.01 * 2 / 0.2 = 0.1 per weight
    assert_close(p, np.array([0.9, -0.9], dtype=np.float32), rtol=1e-5)
