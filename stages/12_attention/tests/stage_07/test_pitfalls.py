# Generated from solutions/tests/stage_07/test_pitfalls.py by scripts/build_stages.py: a regression check from stage 07.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 07: exact cases for mistakes in the training loop that the other tests can miss
(the train/eval switch, per-sample means, the per-step scheduler)."""

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import nn, optim
from tinytorch.optim import lr_scheduler
from tinytorch.training import EarlyStopping, Trainer
from tinytorch_testing import assert_close


def regression_data(n, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)
    return tt.tensor(x), tt.tensor(y)


def batches(x, y, size):
    return [(x[i : i + size], y[i : i + size]) for i in range(0, len(x), size)]


class ModeProbe(nn.Module):
    """Passes its input through and records whether each forward ran in training mode."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = []

    def forward(self, x):
        self.seen.append(self.training)
        return x


@pytest.mark.points(2, hint="train_epoch starts with model.train(): the model may be in eval mode")
def test_train_epoch_switches_the_model_to_training_mode():
    """train_epoch trains in training mode even when the model was left in eval mode (e.g. by
    an evaluation), and fit alternates: training batches train, validation batches eval."""
    x, y = regression_data(6)
    probe = ModeProbe()
    model = nn.Sequential(nn.Linear(3, 1), probe)
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=0.01), nn.MSELoss(), log_every=None)
    model.eval()
    trainer.train_epoch(batches(x, y, 3))
    assert probe.seen == [True, True], f"training forwards ran with training={probe.seen}"
    probe.seen.clear()
    trainer.fit(batches(x, y, 3), epochs=2, val_data=batches(x, y, 6))
    assert probe.seen == [True, True, False] * 2, f"training/eval per forward: {probe.seen}"


@pytest.mark.points(2, hint="weight each batch's mean loss by its number of samples")
def test_epoch_loss_and_metrics_are_per_sample_means_with_an_uneven_last_batch():
    """The epoch's train loss and metrics average over samples: batches of 2, 2 and 1 sample
    give the mean over all 5, not the mean of the 3 batch means."""
    x, y = regression_data(5, seed=3)
    tt.manual_seed(0)
    model = nn.Linear(3, 1)
    with tt.no_grad():
        errors = model(x).data - y.data
    trainer = Trainer(
        model, optim.SGD(model.parameters(), lr=0.0), nn.MSELoss(),
        metrics={"mae": lambda out, t: (out - t).abs().mean().item()}, log_every=None,
    )  # fmt: skip
    result = trainer.train_epoch(batches(x, y, 2))
    assert np.isclose(result["loss"], (errors**2).mean(), rtol=1e-5), result
    assert np.isclose(result["mae"], np.abs(errors).mean(), rtol=1e-5), result


@pytest.mark.points(
    2, hint='with scheduler_interval="step", step the scheduler after each optimizer step'
)
def test_the_scheduler_steps_per_optimizer_step_or_per_epoch():
    """scheduler_interval="step" steps the scheduler after every optimizer step (the weights
    equal a hand-written loop doing so); the default steps it once per epoch."""
    x, y = regression_data(10)
    for interval, expected_lrs in (("step", [1.0, 0.25, 0.5**5]), ("epoch", [1.0, 1.0, 0.5])):
        tt.manual_seed(0)
        model = nn.Linear(3, 1)
        opt = optim.SGD(model.parameters(), lr=1.0)
        trainer = Trainer(
            model, opt, nn.MSELoss(), scheduler=lr_scheduler.StepLR(opt, step_size=2, gamma=0.5),
            scheduler_interval=interval, log_every=None,
        )  # fmt: skip
        history = trainer.fit(batches(x, y, 2), epochs=3)  # 5 optimizer steps per epoch
        assert history["lr"] == pytest.approx(expected_lrs), (interval, history["lr"])

    tt.manual_seed(0)
    reference = nn.Linear(3, 1)
    ref_opt = optim.SGD(reference.parameters(), lr=1.0)
    ref_scheduler = lr_scheduler.StepLR(ref_opt, step_size=2, gamma=0.5)
    for _ in range(2):
        for xb, yb in batches(x, y, 2):
            ref_opt.zero_grad()
            nn.MSELoss()(reference(xb), yb).backward()
            ref_opt.step()
            ref_scheduler.step()
    tt.manual_seed(0)
    model = nn.Linear(3, 1)
    opt = optim.SGD(model.parameters(), lr=1.0)
    trainer = Trainer(
        model, opt, nn.MSELoss(), scheduler=lr_scheduler.StepLR(opt, step_size=2, gamma=0.5),
        scheduler_interval="step", log_every=None,
    )  # fmt: skip
    trainer.fit(batches(x, y, 2), epochs=2)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.5**5)
    for name, value in reference.state_dict().items():
        assert_close(model.state_dict()[name], value.data, rtol=1e-5, atol=1e-6)


@pytest.mark.points(1, hint="coefficient = max_norm / (total_norm + 1e-6), as PyTorch")
def test_clip_grad_norm_adds_its_epsilon_to_the_norm():
    """At a tiny norm the 1e-6 in max_norm / (norm + 1e-6) matters: gradients of norm 2e-6
    clipped to 1e-6 are scaled by 1/3, not 1/2."""
    p = tt.tensor([0.0, 0.0], dtype=tt.float64, requires_grad=True)
    p.grad = tt.tensor([2e-6, 0.0], dtype=tt.float64)
    total = nn.utils.clip_grad_norm_([p], max_norm=1e-6)
    assert float(total) == pytest.approx(2e-6)
    assert_close(p.grad, np.array([2e-6 / 3, 0.0]), rtol=1e-9, atol=0)


@pytest.mark.points(1, hint="an improvement is better than the best by MORE than min_delta")
def test_early_stopping_counts_only_improvements_beyond_min_delta():
    """With min_delta=0.5 a value exactly 0.5 better than the best, or a worse one, is not an
    improvement, in "min" and in "max" mode."""
    model = nn.Linear(1, 1)
    for mode, values in (("min", [1.0, 0.5, 1.25]), ("max", [1.0, 1.5, 0.75])):
        stopper = EarlyStopping(monitor="val_loss", patience=2, min_delta=0.5, mode=mode)
        stops = [stopper.step(value, model, epoch) for epoch, value in enumerate(values, 1)]
        assert stops == [False, False, True], (mode, stops)
        assert (stopper.best, stopper.best_epoch) == (1.0, 1)


@pytest.mark.points(1, hint="with max_grad_norm, clip the averaged gradients before each step")
def test_trainer_clips_the_gradient_norm_before_each_step():
    """Trainer(max_grad_norm=m) takes the step of a hand-written loop that clips the
    gradients to norm m before every optimizer step."""
    x, y = regression_data(8)
    tt.manual_seed(0)
    reference = nn.Linear(3, 1)
    ref_opt = optim.SGD(reference.parameters(), lr=0.1)
    for xb, yb in batches(x, y, 4):
        ref_opt.zero_grad()
        nn.MSELoss()(reference(xb), yb).backward()
        nn.utils.clip_grad_norm_(reference.parameters(), 0.01)
        ref_opt.step()
    tt.manual_seed(0)
    model = nn.Linear(3, 1)
    trainer = Trainer(
        model, optim.SGD(model.parameters(), lr=0.1), nn.MSELoss(), max_grad_norm=0.01,
        log_every=None,
    )  # fmt: skip
    trainer.train_epoch(batches(x, y, 4))
    for name, value in reference.state_dict().items():
        assert_close(model.state_dict()[name], value.data, rtol=1e-5, atol=1e-7)


@pytest.mark.points(1, hint="load_state_dict restores the early stopping state too")
def test_a_checkpoint_restores_the_early_stopping_state():
    """Loading a Trainer state dict gives its EarlyStopping the saved best value, best epoch
    and patience count."""
    x, y = regression_data(8)
    trainers = []
    for _ in range(2):
        tt.manual_seed(0)
        model = nn.Linear(3, 1)
        stopper = EarlyStopping(monitor="train_loss", patience=5)
        opt = optim.SGD(model.parameters(), lr=0.1)
        trainers.append(Trainer(model, opt, nn.MSELoss(), early_stopping=stopper, log_every=None))
    trainers[0].fit(batches(x, y, 4), epochs=3)
    trainers[1].load_state_dict(trainers[0].state_dict())
    saved, loaded = trainers[0].early_stopping, trainers[1].early_stopping
    assert (loaded.best, loaded.best_epoch, loaded.wait) == (
        saved.best, saved.best_epoch, saved.wait,
    )  # fmt: skip
    assert loaded.best_epoch == 3


@pytest.mark.points(
    1, hint="train_epoch starts with optimizer.zero_grad(): old gradients may be left"
)
def test_train_epoch_ignores_gradients_left_from_before():
    """Gradients left on the parameters before train_epoch (from an earlier backward) do not
    leak into its first step."""
    x, y = regression_data(6)
    results = []
    for stale in (False, True):
        tt.manual_seed(0)
        model = nn.Linear(3, 1)
        if stale:
            nn.MSELoss()(model(x * 5.0), y).backward()
        trainer = Trainer(
            model, optim.SGD(model.parameters(), lr=0.1), nn.MSELoss(), log_every=None
        )
        trainer.train_epoch(batches(x, y, 3))
        results.append({k: v.data.copy() for k, v in model.state_dict().items()})
    for name in results[0]:
        assert_close(results[1][name], results[0][name])
