# Generated from solutions/tests/stage_06/test_pitfalls.py by scripts/build_stages.py: a regression check from stage 06.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 06: exact cases for mistakes that random examples rarely hit (state aliasing the
gradient array, AMSGrad's running maximum)."""

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import optim
from tinytorch_testing import assert_close

#: Three steps' worth of gradients of the loss sum(c * p): the gradient is c.
COEFFICIENTS = [
    np.array([1.0, -2.0, 0.5], np.float32),
    np.array([-0.5, 1.0, 2.0], np.float32),
    np.array([2.0, 0.25, -1.0], np.float32),
]

CONFIGS = [
    (optim.SGD, {"lr": 0.1, "momentum": 0.9}),
    (optim.SGD, {"lr": 0.1, "momentum": 0.5, "nesterov": True}),
    (optim.Adam, {"lr": 0.1}),
    (optim.Adam, {"lr": 0.1, "amsgrad": True}),
    (optim.RMSprop, {"lr": 0.1, "momentum": 0.9, "centered": True}),
]


def fresh_gradients(cls, options):
    """Each step gets a brand-new gradient array."""
    p = tt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    opt = cls([p], **options)
    for c in COEFFICIENTS:
        p.grad = tt.tensor(c.copy())
        opt.step()
    return p.data


def reused_gradient(cls, options):
    """As in a training loop: backward() accumulates into one .grad array that
    zero_grad(set_to_none=False) zeroes in place between steps."""
    p = tt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    opt = cls([p], **options)
    for c in COEFFICIENTS:
        opt.zero_grad(set_to_none=False)
        (p * tt.tensor(c)).sum().backward()
        opt.step()
        assert_close(p.grad, c, msg=f"{cls.__name__}.step() changed p.grad")
    return p.data


@pytest.mark.points(
    3, hint="state buffers must be copies: the first momentum buffer is g.copy(), not g"
)
def test_optimizer_state_never_aliases_the_gradient_array():
    """With one reused .grad array (zero_grad(set_to_none=False)) every optimizer takes the
    same steps as with fresh arrays, and never writes into p.grad."""
    for cls, options in CONFIGS:
        assert_close(
            reused_gradient(cls, options),
            fresh_gradients(cls, options),
            msg=f"{cls.__name__}({options}): state shares memory with p.grad",
        )


def amsgrad_reference(p, grads, lr, betas, eps):
    """AMSGrad (Reddi et al., 2018) with Adam's bias corrections, as PyTorch, in float64."""
    beta1, beta2 = betas
    p = p.astype(np.float64)
    m, v, v_max = np.zeros_like(p), np.zeros_like(p), np.zeros_like(p)
    for t, g in enumerate(grads, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        v_max = np.maximum(v_max, v)
        p = p - lr / (1 - beta1**t) * m / (np.sqrt(v_max / (1 - beta2**t)) + eps)
    return p, v_max


@pytest.mark.points(2, hint="store the running maximum back into state['max_exp_avg_sq']")
def test_amsgrad_keeps_the_largest_second_moment_when_it_shrinks():
    """After one large gradient the second moment shrinks; AMSGrad keeps dividing by its
    running maximum (kept in state["max_exp_avg_sq"]), so its steps stay small."""
    grads = [np.array([10.0, -10.0])] + [np.array([0.1, 0.1])] * 4
    options = {"lr": 0.1, "betas": (0.5, 0.5), "eps": 1e-8}
    p = tt.tensor([0.0, 0.0], requires_grad=True)
    opt = optim.Adam([p], amsgrad=True, **options)
    for g in grads:
        p.grad = tt.tensor(g.astype(np.float32))
        opt.step()
    expected, v_max = amsgrad_reference(np.zeros(2), grads, **options)
    assert_close(p, expected.astype(np.float32), rtol=1e-5, atol=1e-6)
    assert_close(opt.state[p]["max_exp_avg_sq"], v_max.astype(np.float32), rtol=1e-5)


@pytest.mark.points(1, hint="weight decay adds weight_decay * p to the gradient, for any value")
def test_weight_decay_of_one_is_the_gradient_plus_the_parameter():
    """With weight_decay=1, SGD, Adam and RMSprop take exactly the step they take without
    decay on the gradient g + p."""
    g = np.array([0.5, -1.0, 2.0], np.float32)
    for cls, options in [
        (optim.SGD, {"lr": 0.1, "momentum": 0.9}),
        (optim.Adam, {"lr": 0.1}),
        (optim.RMSprop, {"lr": 0.1}),
    ]:
        results = []
        for decay, grad in ((1.0, g), (0.0, g + np.array([1.0, 2.0, 3.0], np.float32))):
            p = tt.tensor([1.0, 2.0, 3.0], requires_grad=True)
            opt = cls([p], weight_decay=decay, **options)
            p.grad = tt.tensor(grad)
            opt.step()
            results.append(p.data.copy())
        assert_close(results[0], results[1], msg=f"{cls.__name__} with weight_decay=1")


@pytest.mark.points(1, hint="keep state['step'] and the centered state['grad_avg'] as PyTorch does")
def test_rmsprop_state_counts_steps_and_averages_the_gradient():
    """After k steps RMSprop's state holds step == k, and with centered=True the running
    average of the gradient, grad_avg = sum over steps of (1 - alpha) alpha**(k - i) g_i."""
    alpha = 0.9
    p = tt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    opt = optim.RMSprop([p], lr=0.01, alpha=alpha, centered=True)
    grad_avg = np.zeros(3)
    for c in COEFFICIENTS:
        p.grad = tt.tensor(c)
        opt.step()
        grad_avg = alpha * grad_avg + (1 - alpha) * c
    assert opt.state[p]["step"] == len(COEFFICIENTS)
    assert_close(opt.state[p]["grad_avg"], grad_avg.astype(np.float32), rtol=1e-5)
