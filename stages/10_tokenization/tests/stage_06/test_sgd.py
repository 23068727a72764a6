# Generated from solutions/tests/stage_06/test_sgd.py by scripts/build_stages.py: a regression check from stage 06.
# Do not edit: the grader checks this file against ci/manifest.json.
"""SGD: the update rule step by step, in-place updates, dtypes, and argument checks."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import optim
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays, shapes


def sgd_reference(p, grads, lr, momentum, dampening, weight_decay, nesterov, maximize):
    """PyTorch's documented SGD algorithm, in float64 NumPy."""
    p, buffer = p.astype(np.float64), None
    for g in grads:
        g = g.astype(np.float64)
        if maximize:
            g = -g
        if weight_decay:
            g = g + weight_decay * p
        if momentum:
            buffer = g.copy() if buffer is None else momentum * buffer + (1 - dampening) * g
            g = g + momentum * buffer if nesterov else buffer
        p = p - lr * g
    return p, buffer


@st.composite
def sgd_cases(draw):
    shape = draw(shapes(max_dims=3, max_side=4))
    p = draw(float_arrays(shape, min_value=-5, max_value=5))
    grads = [
        draw(float_arrays(shape, min_value=-5, max_value=5)) for _ in range(draw(st.integers(1, 4)))
    ]
    momentum = draw(st.sampled_from([0.0, 0.5, 0.9]))
    nesterov = momentum > 0 and draw(st.booleans())
    options = {
        "lr": draw(st.sampled_from([0.0, 0.01, 0.1, 0.5])),
        "momentum": momentum,
        "dampening": 0.0 if nesterov else draw(st.sampled_from([0.0, 0.3])),
        "weight_decay": draw(st.sampled_from([0.0, 0.01, 0.1])),
        "nesterov": nesterov,
        "maximize": draw(st.booleans()),
    }
    return p, grads, options


def run(optimizer_cls, p_array, grads, **options):
    """Step an optimizer over a list of given gradients; return the parameter and optimizer."""
    p = tt.tensor(p_array, requires_grad=True)
    opt = optimizer_cls([p], **options)
    for g in grads:
        p.grad = tt.tensor(g)
        opt.step()
    return p, opt


@pytest.mark.points(4, hint="follow the algorithm in the SGD docstring line by line")
@given(sgd_cases())
def test_sgd_matches_the_update_rule(case):
    """Several SGD steps (momentum, dampening, Nesterov, weight decay, maximize) equal the rule."""
    p_array, grads, options = case
    p, opt = run(optim.SGD, p_array, grads, **options)
    expected, buffer = sgd_reference(p_array, grads, **options)
    assert_close(p, expected.astype(np.float32), rtol=1e-4, atol=1e-4)
    if options["momentum"]:
        assert_close(
            opt.state[p]["momentum_buffer"], buffer.astype(np.float32), rtol=1e-4, atol=1e-4
        )


@pytest.mark.points(2)
@given(float_arrays(shapes(min_dims=1, max_dims=3, max_side=4)), st.sampled_from([0.01, 0.1, 1.0]))
def test_plain_sgd_step_is_p_minus_lr_times_grad(p_array, lr):
    """Without momentum one step is exactly p - lr * grad, and keeps no state."""
    g = np.full_like(p_array, 0.5)
    p, opt = run(optim.SGD, p_array, [g], lr=lr)
    assert_close(p, p_array - np.float32(lr) * g)
    assert not opt.state.get(p), "plain SGD needs no per-parameter state"


@pytest.mark.points(1, hint="update p.data in place (p.data -= ...), never rebind it")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sgd_updates_in_place_and_keeps_the_dtype(dtype):
    """A step changes p.data in place (same array object) and keeps its dtype and the grad's."""
    p = tt.tensor(np.array([1.0, -2.0, 3.0], dtype=dtype), requires_grad=True)
    array = p.data
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad = tt.tensor(np.array([1.0, 1.0, 1.0], dtype=dtype))
    grad_before = p.grad.data.copy()
    opt.step()
    assert p.data is array
    assert p.dtype == dtype
    assert opt.state[p]["momentum_buffer"].dtype == dtype
    assert_close(p.grad, grad_before, msg="step must not modify the gradient")
    assert_close(p, np.array([0.9, -2.1, 2.9], dtype=dtype))


@pytest.mark.points(2)
def test_sgd_rejects_invalid_hyper_parameters():
    """Negative lr, momentum or weight decay, and Nesterov without momentum, are refused."""
    p = tt.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"lr.*>= 0.*-0\.1"):
        optim.SGD([p], lr=-0.1)
    with pytest.raises(ValueError, match=r"momentum.*-0\.5"):
        optim.SGD([p], lr=0.1, momentum=-0.5)
    with pytest.raises(ValueError, match=r"weight_decay.*-1"):
        optim.SGD([p], lr=0.1, weight_decay=-1.0)
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum"):
        optim.SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="zero dampening"):
        optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)
    opt = optim.SGD([p], lr=0.5, momentum=0.9, nesterov=True)
    p.grad = tt.tensor([1.0, 1.0])
    opt.step()
    assert_close(p, np.array([1.0 - 0.5 * 1.9, 2.0 - 0.5 * 1.9], dtype=np.float32))
