# Generated from solutions/tests/stage_06/test_adam.py by scripts/build_stages.py: a regression check from stage 06.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Adam and AdamW: the update rules with bias correction, AMSGrad, decoupled weight decay."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import optim
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays, shapes


def adam_reference(p, grads, lr, betas, eps, weight_decay, amsgrad, maximize, decoupled):
    """Adam as published (Kingma & Ba; AMSGrad; AdamW's decoupled decay), in float64 NumPy."""
    beta1, beta2 = betas
    p = p.astype(np.float64)
    m, v, v_max = np.zeros_like(p), np.zeros_like(p), np.zeros_like(p)
    for t, g in enumerate(grads, start=1):
        g = g.astype(np.float64)
        if maximize:
            g = -g
        if decoupled:
            p = p - lr * weight_decay * p
        elif weight_decay:
            g = g + weight_decay * p
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        if amsgrad:
            v_max = np.maximum(v_max, v)
            v_hat = v_max / (1 - beta2**t)
        else:
            v_hat = v / (1 - beta2**t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p, m, v


@st.composite
def adam_cases(draw):
    shape = draw(shapes(max_dims=3, max_side=4))
    p = draw(float_arrays(shape, min_value=-5, max_value=5))
    grads = [
        draw(float_arrays(shape, min_value=-5, max_value=5)) for _ in range(draw(st.integers(1, 5)))
    ]
    options = {
        "lr": draw(st.sampled_from([1e-3, 0.01, 0.1])),
        "betas": draw(st.sampled_from([(0.9, 0.999), (0.5, 0.9), (0.0, 0.99)])),
        "eps": draw(st.sampled_from([1e-8, 1e-3])),
        "weight_decay": draw(st.sampled_from([0.0, 0.01, 0.1])),
        "amsgrad": draw(st.booleans()),
        "maximize": draw(st.booleans()),
    }
    return p, grads, options


def run(optimizer_cls, p_array, grads, **options):
    p = tt.tensor(p_array, requires_grad=True)
    opt = optimizer_cls([p], **options)
    for g in grads:
        p.grad = tt.tensor(g)
        opt.step()
    return p, opt


@pytest.mark.points(5, hint="bias correction uses the step count t, starting at 1")
@given(adam_cases())
def test_adam_matches_the_update_rule(case):
    """Several Adam steps (bias correction, L2 decay, AMSGrad, maximize) equal the rule."""
    p_array, grads, options = case
    p, opt = run(optim.Adam, p_array, grads, **options)
    expected, m, v = adam_reference(p_array, grads, decoupled=False, **options)
    assert_close(p, expected.astype(np.float32), rtol=1e-4, atol=1e-4)
    state = opt.state[p]
    assert state["step"] == len(grads)
    assert_close(state["exp_avg"], m.astype(np.float32), rtol=1e-4, atol=1e-5)
    assert_close(state["exp_avg_sq"], v.astype(np.float32), rtol=1e-4, atol=1e-5)


@pytest.mark.points(4, hint="AdamW shrinks p by lr * weight_decay * p before the Adam step")
@given(adam_cases())
def test_adamw_matches_the_update_rule(case):
    """Several AdamW steps equal Adam with decoupled weight decay applied to the weights."""
    p_array, grads, options = case
    options["weight_decay"] = max(options["weight_decay"], 0.05)
    p, _ = run(optim.AdamW, p_array, grads, **options)
    expected, _, _ = adam_reference(p_array, grads, decoupled=True, **options)
    assert_close(p, expected.astype(np.float32), rtol=1e-4, atol=1e-4)


@pytest.mark.points(2, hint="divide m by 1 - beta1**t and v by 1 - beta2**t, with t = 1 first")
@given(float_arrays(shapes(min_dims=1, max_dims=2, max_side=5), min_value=0.5, max_value=10))
def test_first_adam_step_moves_each_weight_by_lr(g):
    """Bias correction makes Adam's first step lr * sign(g), whatever the gradient's scale."""
    p_array = np.zeros_like(g)
    p, _ = run(optim.Adam, p_array, [g * 1000.0], lr=0.01)
    assert_close(p, -0.01 * np.sign(g), rtol=1e-4)
    p, _ = run(optim.Adam, p_array, [-g / 1000.0], lr=0.01)
    assert_close(p, 0.01 * np.sign(g), rtol=1e-4)


@pytest.mark.points(2)
def test_adamw_default_weight_decay_is_decoupled():
    """AdamW's default decay (1e-2) shrinks a weight with zero gradient; Adam's default does not."""
    weights = np.array([2.0, -4.0], dtype=np.float32)
    zero = np.zeros(2, dtype=np.float32)
    p, opt = run(optim.AdamW, weights, [zero], lr=0.1)
    assert opt.param_groups[0]["weight_decay"] == 0.01
    assert_close(p, weights * np.float32(1 - 0.1 * 0.01))
    p, _ = run(optim.Adam, weights, [zero], lr=0.1)
    assert_close(p, weights)


@pytest.mark.points(1, hint="create the state Tensors with zeros_like(param): same dtype")
@pytest.mark.parametrize("cls", [optim.Adam, optim.AdamW])
def test_adam_is_in_place_and_keeps_float32(cls):
    """Adam updates p.data in place, keeps float32 params and state, and leaves .grad alone."""
    p = tt.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    array = p.data
    opt = cls([p], lr=0.1, amsgrad=True)
    p.grad = tt.tensor([[0.1, -0.2], [0.3, -0.4]])
    grad_before = p.grad.data.copy()
    opt.step()
    opt.step()
    assert p.data is array and p.dtype == np.float32
    for name in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"):
        assert opt.state[p][name].dtype == np.float32, name
    assert_close(p.grad, grad_before)


@pytest.mark.points(
    2, hint="the checks are given; it ends with one step: bias-corrected, it moves p by lr"
)
def test_adam_rejects_invalid_hyper_parameters():
    """Betas outside [0, 1), a negative lr, eps or weight decay are refused, naming the value."""
    p = tt.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"beta at index 0.*1\.0"):
        optim.Adam([p], betas=(1.0, 0.999))
    with pytest.raises(ValueError, match=r"beta at index 1.*-0\.1"):
        optim.AdamW([p], betas=(0.9, -0.1))
    with pytest.raises(ValueError, match=r"lr.*-1"):
        optim.Adam([p], lr=-1.0)
    with pytest.raises(ValueError, match=r"eps.*-1e-08"):
        optim.Adam([p], eps=-1e-8)
    with pytest.raises(ValueError, match=r"weight_decay.*-0\.1"):
        optim.AdamW([p], weight_decay=-0.1)
    with pytest.raises(ValueError, match="pair"):
        optim.Adam([p], betas=(0.9,))
    opt = optim.Adam([p], lr=0.5)
    p.grad = tt.tensor([3.0])
    opt.step()
    assert math.isclose(p.item(), 0.5, rel_tol=1e-5)
