# Generated from solutions/tests/stage_07/test_pytorch_rules.py by scripts/build_stages.py: a regression check from stage 07.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 07: schedulers that chain, and clipping that does not hide a broken step."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import optim
from tinytorch.optim import lr_scheduler


def make_optimizer(lr=0.1):
    return optim.SGD([tt.zeros(2, requires_grad=True)], lr=lr)


@pytest.mark.points(2, hint="apply the schedule's change (old rate -> new rate) to the current lr")
@given(st.integers(1, 4), st.sampled_from([0.5, 0.9]), st.sampled_from([0.1, 0.5]))
def test_two_schedulers_on_one_optimizer_multiply(step_size, gamma, decay):
    """ExponentialLR and StepLR stepping the same optimizer combine, as PyTorch's chainable
    schedulers do: lr = base * gamma**epoch * decay**(epoch // step_size)."""
    optimizer = make_optimizer(0.1)
    exponential = lr_scheduler.ExponentialLR(optimizer, gamma=gamma)
    steps = lr_scheduler.StepLR(optimizer, step_size=step_size, gamma=decay)
    for epoch in range(1, 10):
        optimizer.step()
        exponential.step()
        steps.step()
        expected = 0.1 * gamma**epoch * decay ** (epoch // step_size)
        assert math.isclose(optimizer.param_groups[0]["lr"], expected, rel_tol=1e-12), epoch
        assert steps.get_last_lr() == [optimizer.param_groups[0]["lr"]]


@pytest.mark.points(1)
def test_a_learning_rate_set_by_hand_is_kept_by_the_schedule():
    """After lr is changed by hand, StepLR keeps decaying from the new rate, and a cosine
    schedule keeps its shape above eta_min, as in PyTorch."""
    optimizer = make_optimizer(1.0)
    scheduler = lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    seen = []
    for epoch in range(1, 7):
        optimizer.step()
        scheduler.step()
        if epoch == 1:
            optimizer.param_groups[0]["lr"] = 0.2
        seen.append(optimizer.param_groups[0]["lr"])
    assert seen == [0.2, 0.1, 0.1, 0.05, 0.05, 0.025]
    optimizer = make_optimizer(1.0)
    cosine = lr_scheduler.CosineAnnealingLR(optimizer, T_max=4, eta_min=0.1)
    optimizer.param_groups[0]["lr"] = 0.55  # halfway between eta_min and the base rate
    for epoch in range(1, 4):
        optimizer.step()
        cosine.step()
        formula = 0.1 + (1.0 - 0.1) * (1 + math.cos(math.pi * epoch / 4)) / 2
        assert math.isclose(optimizer.param_groups[0]["lr"], 0.1 + (formula - 0.1) / 2)


@pytest.mark.points(1, hint="min(1, nan) is 1 in Python: test `coefficient < 1` another way")
def test_clip_grad_norm_lets_a_nan_norm_through():
    """A nan total norm makes every gradient nan (as PyTorch does) instead of leaving them
    unclipped; the norm is returned all the same."""
    a, b = tt.zeros(2, requires_grad=True), tt.zeros(3, requires_grad=True)
    a.grad, b.grad = tt.tensor([3.0, 4.0]), tt.tensor([0.0, 0.0, 0.0])
    total = tt.nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    assert math.isclose(total.item(), 5.0, rel_tol=1e-6)
    np.testing.assert_allclose(a.grad.numpy(), [0.6, 0.8], rtol=1e-5)
    a.grad, b.grad = tt.tensor([float("nan"), 1.0]), tt.tensor([1.0, 2.0, 3.0])
    total = tt.nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    assert math.isnan(total.item())
    assert np.isnan(a.grad.numpy()).all() and np.isnan(b.grad.numpy()).all()
