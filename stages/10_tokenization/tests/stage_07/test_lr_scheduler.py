# Generated from solutions/tests/stage_07/test_lr_scheduler.py by scripts/build_stages.py: a regression check from stage 07.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Learning-rate schedulers: each schedule equals its formula, epoch by epoch."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import optim
from tinytorch.optim import lr_scheduler

base_lrs = st.lists(st.sampled_from([0.1, 0.05, 1e-3, 3.0]), min_size=1, max_size=3)


def make_optimizer(lrs):
    """An SGD optimizer with one single-parameter group per learning rate."""
    groups = [{"params": [tt.zeros(2, requires_grad=True)], "lr": lr} for lr in lrs]
    return optim.SGD(groups, lr=lrs[0])


def schedule(scheduler, epochs):
    """The learning rates of every group for epochs 0..epochs-1 (stepping between them)."""
    seen = []
    for _ in range(epochs):
        seen.append([g["lr"] for g in scheduler.optimizer.param_groups])
        assert scheduler.get_last_lr() == seen[-1]
        scheduler.optimizer.step()
        scheduler.step()
    return seen


def assert_schedule(seen, formula, lrs):
    for epoch, row in enumerate(seen):
        for lr, base in zip(row, lrs, strict=True):
            expected = formula(base, epoch)
            assert math.isclose(lr, expected, rel_tol=1e-12, abs_tol=1e-15), (
                f"epoch {epoch}: lr {lr}, the formula gives {expected} (base_lr {base})"
            )


@pytest.mark.points(2, hint="epoch 0 has the base rate; step() first advances last_epoch")
@given(base_lrs, st.integers(1, 4), st.sampled_from([0.1, 0.5, 0.9]))
def test_step_lr_matches_its_formula(lrs, step_size, gamma):
    """StepLR gives base_lr * gamma ** (epoch // step_size) in every group."""
    scheduler = lr_scheduler.StepLR(make_optimizer(lrs), step_size=step_size, gamma=gamma)
    seen = schedule(scheduler, 12)
    assert_schedule(seen, lambda base, e: base * gamma ** (e // step_size), lrs)


@pytest.mark.points(3, hint="lr = eta_min + (base - eta_min) * (1 + cos(pi * epoch / T_max)) / 2")
@given(base_lrs, st.integers(1, 8), st.sampled_from([0.0, 1e-4]))
def test_cosine_annealing_matches_its_formula(lrs, t_max, eta_min):
    """CosineAnnealingLR follows half a cosine to eta_min at T_max (and beyond, as PyTorch)."""
    scheduler = lr_scheduler.CosineAnnealingLR(make_optimizer(lrs), T_max=t_max, eta_min=eta_min)
    seen = schedule(scheduler, 2 * t_max + 3)

    def formula(base, e):
        return eta_min + (base - eta_min) * (1 + math.cos(math.pi * e / t_max)) / 2

    assert_schedule(seen, formula, lrs)
    assert all(math.isclose(lr, eta_min, abs_tol=1e-12) for lr in seen[t_max])


@pytest.mark.points(
    2, hint="factor = start + (end - start) * min(epoch, total_iters) / total_iters"
)
@given(
    base_lrs,
    st.sampled_from([0.1, 1 / 3, 1.0]),
    st.sampled_from([1.0, 0.5]),
    st.integers(1, 6),
)
def test_linear_warmup_matches_its_formula(lrs, start, end, total):
    """LinearLR ramps the factor from start_factor to end_factor over total_iters, then holds."""
    optimizer = make_optimizer(lrs)
    scheduler = lr_scheduler.LinearLR(
        optimizer, start_factor=start, end_factor=end, total_iters=total
    )
    seen = schedule(scheduler, total + 4)

    def formula(base, e):
        return base * (start + (end - start) * min(e, total) / total)

    assert_schedule(seen, formula, lrs)


@pytest.mark.points(2)
def test_lambda_lr_uses_one_function_per_group():
    """LambdaLR multiplies each group's base rate by its own function of the epoch."""
    optimizer = make_optimizer([0.1, 0.2])
    scheduler = lr_scheduler.LambdaLR(optimizer, [lambda e: 0.5**e, lambda e: 1 / (e + 1)])
    seen = schedule(scheduler, 5)
    for e, (a, b) in enumerate(seen):
        assert math.isclose(a, 0.1 * 0.5**e) and math.isclose(b, 0.2 / (e + 1))
    with pytest.raises(ValueError, match=r"expected 2 lr_lambdas.*got 3"):
        lr_scheduler.LambdaLR(optimizer, [lambda e: 1.0] * 3)


@pytest.mark.points(3, hint="at a milestone the next scheduler starts again from its epoch 0")
@given(st.integers(1, 4), st.integers(2, 6))
def test_warmup_then_cosine_with_sequential_lr(warmup, t_max):
    """SequentialLR: linear warm-up for `warmup` epochs, then a cosine from the base rate."""
    optimizer = make_optimizer([0.1])
    schedulers = [
        lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=warmup),
        lr_scheduler.CosineAnnealingLR(optimizer, T_max=t_max),
    ]
    scheduler = lr_scheduler.SequentialLR(optimizer, schedulers, milestones=[warmup])
    seen = schedule(scheduler, warmup + t_max + 1)

    def formula(base, e):
        if e < warmup:
            return base * (0.1 + 0.9 * e / warmup)
        return base * (1 + math.cos(math.pi * (e - warmup) / t_max)) / 2

    assert_schedule(seen, formula, [0.1])


@pytest.mark.points(2, hint="LRScheduler.step writes each new rate into its group's 'lr'")
def test_the_optimizer_steps_with_the_scheduled_rate():
    """An SGD step after scheduler.step() moves the weights by the new learning rate."""
    p = tt.tensor([1.0], requires_grad=True)
    optimizer = optim.SGD([p], lr=1.0)
    scheduler = lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    moves = []
    for _ in range(3):
        before = p.item()
        p.grad = tt.tensor([1.0])
        optimizer.step()
        scheduler.step()
        moves.append(before - p.item())
    assert moves == [1.0, 0.5, 0.25]


@pytest.mark.points(2)
@pytest.mark.parametrize(
    "make",
    [
        lambda o: lr_scheduler.StepLR(o, step_size=2, gamma=0.3),
        lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=0.01),
        lambda o: lr_scheduler.SequentialLR(
            o, [lr_scheduler.LinearLR(o, 0.2, total_iters=2), lr_scheduler.StepLR(o, 2)], [2]
        ),
    ],
    ids=["StepLR", "CosineAnnealingLR", "SequentialLR"],
)
def test_scheduler_state_dict_resumes_the_schedule(make):
    """A scheduler rebuilt from state_dict() (with its optimizer's) continues the same rates."""
    straight = make(make_optimizer([0.5]))
    expected = schedule(straight, 8)

    first = make(make_optimizer([0.5]))
    seen = schedule(first, 3)
    saved, saved_optimizer = first.state_dict(), first.optimizer.state_dict()
    assert "optimizer" not in saved
    optimizer = make_optimizer([0.5])
    resumed = make(optimizer)
    optimizer.load_state_dict(saved_optimizer)
    resumed.load_state_dict(saved)
    seen += schedule(resumed, 5)
    assert seen == expected


@pytest.mark.points(1)
def test_schedulers_reject_bad_arguments():
    """Non-positive periods, factors out of range and mismatched milestones are refused."""
    optimizer = make_optimizer([0.1])
    with pytest.raises(ValueError, match="step_size must be a positive integer, got 0"):
        lr_scheduler.StepLR(optimizer, step_size=0)
    with pytest.raises(ValueError, match="T_max must be a positive integer, got -1"):
        lr_scheduler.CosineAnnealingLR(optimizer, T_max=-1)
    with pytest.raises(ValueError, match=r"start_factor must be in \(0, 1\], got 0"):
        lr_scheduler.LinearLR(optimizer, start_factor=0)
    with pytest.raises(TypeError, match="expected a tinytorch Optimizer, got list"):
        lr_scheduler.StepLR([], step_size=1)
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(make_optimizer([0.1]), step_size=1, last_epoch=3)
    step = lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    with pytest.raises(ValueError, match="expected 1 milestones for 2 schedulers, got 0"):
        lr_scheduler.SequentialLR(optimizer, [step, step], milestones=[])
    step.step()
    assert step.get_last_lr() == [0.05]


@pytest.mark.points(
    2, hint="MultiStepLR: gamma ** (number of milestones <= epoch), repeats included"
)
@given(base_lrs, st.lists(st.integers(0, 10), max_size=4), st.sampled_from([0.1, 0.5]))
def test_multistep_and_exponential_decay_match_their_formulas(lrs, milestones, gamma):
    """MultiStepLR decays at each milestone (repeats count twice); ExponentialLR every epoch."""
    multistep = lr_scheduler.MultiStepLR(make_optimizer(lrs), milestones=milestones, gamma=gamma)
    assert_schedule(
        schedule(multistep, 12),
        lambda base, e: base * gamma ** sum(m <= e for m in milestones),
        lrs,
    )
    exponential = lr_scheduler.ExponentialLR(make_optimizer(lrs), gamma=gamma)
    assert_schedule(schedule(exponential, 8), lambda base, e: base * gamma**e, lrs)


@pytest.mark.points(1, hint="a NaN factor would make every later learning rate NaN")
@pytest.mark.parametrize("bad", [math.nan, math.inf, -0.5, 0.0])
def test_schedulers_reject_factors_that_are_nan_infinite_or_out_of_range(bad):
    """Every scheduler refuses a gamma, eta_min or factor that is NaN, infinite or out of
    range, as the optimizer refuses lr=nan; a LambdaLR whose function returns NaN stops
    with a ValueError naming the epoch instead of writing NaN into the optimizer."""
    optimizer = make_optimizer([0.1])
    exponential = lr_scheduler.ExponentialLR(optimizer, gamma=0.5)
    assert schedule(exponential, 3) == [[0.1], [0.05], [0.025]]
    makers = [
        lambda o: lr_scheduler.StepLR(o, step_size=2, gamma=bad),
        lambda o: lr_scheduler.MultiStepLR(o, milestones=[1], gamma=bad),
        lambda o: lr_scheduler.ExponentialLR(o, gamma=bad),
        lambda o: lr_scheduler.LinearLR(o, start_factor=bad),
        lambda o: lr_scheduler.LinearLR(o, end_factor=bad if bad != 0.0 else -1.0),
    ]
    if bad != 0.0:
        makers.append(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=3, eta_min=bad))
    for make in makers:
        fresh = make_optimizer([0.1])
        with pytest.raises(ValueError, match=f"got {bad if bad != 0.0 else ''}"):
            make(fresh)
        assert fresh.param_groups[0]["lr"] == 0.1
    lam = lr_scheduler.LambdaLR(make_optimizer([0.1]), lambda epoch: 1.0 if epoch < 2 else bad)
    if bad < 0 or not math.isfinite(bad):
        lam.step()
        with pytest.raises(ValueError, match="epoch 2"):
            lam.step()
