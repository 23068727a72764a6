# Generated from solutions/tests/stage_07/test_trainer.py by scripts/build_stages.py: a regression check from stage 07.
# Do not edit: the grader checks this file against ci/manifest.json.
"""The Trainer: accumulation, evaluation, history, early stopping and exact resume."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import nn, optim
from tinytorch.optim import lr_scheduler
from tinytorch.training import EarlyStopping, Trainer, accuracy
from tinytorch_testing import assert_close


def regression_data(n=24, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], dtype=np.float32) + 0.1).astype(np.float32)
    return tt.tensor(x), tt.tensor(y)


def batches(x, y, size):
    return [(x[i : i + size], y[i : i + size]) for i in range(0, len(x), size)]


def weights(model):
    return {k: v.data.copy() for k, v in model.state_dict().items()}


class Shuffled:
    """Mini-batches in a fresh random order every epoch, drawn from `generator`
    (the global tinytorch generator when None), as a data loader does."""

    def __init__(self, x, y, size, generator=None):
        self.x, self.y, self.size, self.generator = x, y, size, generator

    def __iter__(self):
        rng = self.generator or tt.random.default_generator()
        order = rng.permutation(len(self.x))
        for i in range(0, len(order), self.size):
            index = tt.tensor(order[i : i + self.size])
            yield self.x[index], self.y[index]


@pytest.mark.points(4, hint="average the summed gradients over the micro-batches before stepping")
@given(st.sampled_from([2, 3, 4, 6]), st.integers(0, 2**16))
def test_accumulating_micro_batches_equals_one_big_batch(k, seed):
    """k micro-batches with accumulation_steps=k take the same step as one k-times larger batch."""
    x, y = regression_data(24, seed)
    results = []
    for data, steps in ((batches(x, y, 24), 1), (batches(x, y, 24 // k), k)):
        tt.manual_seed(seed)
        model = nn.Linear(3, 1)
        trainer = Trainer(
            model, optim.SGD(model.parameters(), lr=0.1), nn.MSELoss(),
            accumulation_steps=steps, log_every=None,
        )  # fmt: skip
        trainer.train_epoch(data)
        assert trainer.global_step == 1
        results.append(weights(model))
    for name in results[0]:
        assert_close(results[1][name], results[0][name], rtol=1e-5, atol=1e-6)


@pytest.mark.points(2)
def test_a_short_last_group_still_steps_with_averaged_gradients():
    """5 micro-batches with accumulation_steps=2 make 3 steps; the last averages 1 batch."""
    x, y = regression_data(10)
    tt.manual_seed(0)
    model = nn.Linear(3, 1)
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=0.1), nn.MSELoss(),
                      accumulation_steps=2, log_every=None)  # fmt: skip
    trainer.train_epoch(batches(x, y, 2))
    assert trainer.global_step == 3
    assert all(p.grad is None for p in model.parameters()), "gradients are cleared after a step"

    tt.manual_seed(0)
    reference = nn.Linear(3, 1)
    opt = optim.SGD(reference.parameters(), lr=0.1)
    for group in (batches(x[:4], y[:4], 4), batches(x[4:8], y[4:8], 4), batches(x[8:], y[8:], 2)):
        opt.zero_grad()
        nn.MSELoss()(reference(group[0][0]), group[0][1]).backward()
        opt.step()
    for name, value in weights(reference).items():
        assert_close(weights(model)[name], value, rtol=1e-5, atol=1e-6)


@pytest.mark.points(3)
def test_fit_records_history_prints_progress_and_learns(capsys):
    """fit() trains, keeps one history entry per epoch and reports a line per logged epoch."""
    x, y = regression_data(32)
    tt.manual_seed(0)
    model = nn.Linear(3, 1)
    trainer = Trainer(model, optim.Adam(model.parameters(), lr=0.1), nn.MSELoss(), log_every=2)
    history = trainer.fit(batches(x, y, 8), epochs=5, val_data=batches(x, y, 32))
    assert history is trainer.history
    assert set(history) == {"epoch", "lr", "train_loss", "val_loss"}
    assert history["epoch"] == [1, 2, 3, 4, 5]
    assert all(len(v) == 5 for v in history.values())
    assert history["val_loss"][-1] < 0.2 * history["val_loss"][0]
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[1] for line in lines] == ["2/5", "4/5", "5/5"]
    assert "train_loss" in lines[0] and "val_loss" in lines[0]
    trainer.log_every = None
    trainer.fit(batches(x, y, 8), epochs=6)
    assert capsys.readouterr().out == ""
    assert trainer.epoch == 6
    logged = []
    trainer.log_every, trainer.log = 1, logged.append
    trainer.fit(batches(x, y, 8), epochs=7)
    assert capsys.readouterr().out == "", "with log=..., progress goes to the callable only"
    assert [line.split()[1] for line in logged] == ["7/7"]


@pytest.mark.points(3, hint="evaluate in eval() mode under no_grad(), then restore the mode")
def test_evaluate_is_a_sample_weighted_mean_in_eval_mode():
    """evaluate() averages over samples (uneven batches too), disables dropout, keeps no graph."""
    x, y = regression_data(10)
    tt.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Dropout(0.5), nn.Linear(4, 1))
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=0.1), nn.MSELoss(),
                      metrics={"mae": lambda out, t: (out - t).abs().mean().item()})  # fmt: skip
    model.eval()
    with tt.no_grad():
        out = model(x)
    expected_mse = ((out.data - y.data) ** 2).mean()
    expected_mae = np.abs(out.data - y.data).mean()
    model.train()
    result = trainer.evaluate(batches(x, y, 4))  # batches of 4, 4 and 2 samples
    assert set(result) == {"loss", "mae"}
    assert np.isclose(result["loss"], expected_mse, rtol=1e-5)
    assert np.isclose(result["mae"], expected_mae, rtol=1e-5)
    assert model.training, "evaluate() must put the model back in training mode"
    assert all(p.grad is None for p in model.parameters())
    model.eval()
    trainer.evaluate(batches(x, y, 4))
    assert not model.training


class Scripted:
    """A metric returning pre-set values, one per evaluation call (one validation batch per
    epoch), and 0 on training batches."""

    def __init__(self, values, model):
        self.values, self.model = iter(values), model

    def __call__(self, output, target):
        return 0.0 if self.model.training else next(self.values)


@pytest.mark.points(3, hint="improvement means better than the best by more than min_delta")
def test_early_stopping_stops_after_patience_and_restores_the_best_weights(capsys):
    """Training stops after `patience` epochs without improvement and goes back to the best."""
    x, y = regression_data(16)
    scores = [0.5, 0.7, 0.75, 0.72, 0.76, 0.765, 0.99]  # best 0.75 at epoch 3 (min_delta 0.02)

    def run(epochs, stopper):
        tt.manual_seed(0)
        model = nn.Linear(3, 1)
        trainer = Trainer(
            model, optim.SGD(model.parameters(), lr=0.05), nn.MSELoss(),
            metrics={"score": Scripted(scores, model)}, early_stopping=stopper,
        )  # fmt: skip
        trainer.fit(batches(x, y, 8), epochs=epochs, val_data=[(x, y)])
        return trainer, model

    stopper = EarlyStopping(monitor="val_score", mode="max", patience=3, min_delta=0.02)
    trainer, model = run(10, stopper)
    assert trainer.epoch == 6 and len(trainer.history["epoch"]) == 6
    assert stopper.best == 0.75 and stopper.best_epoch == 3
    assert "early stopping" in capsys.readouterr().out
    _, best_model = run(3, None)
    for name, value in weights(best_model).items():
        np.testing.assert_array_equal(weights(model)[name], value)
    model = nn.Linear(3, 1)
    watcher = Trainer(model, optim.SGD(model.parameters(), lr=0.1), nn.MSELoss(),
                      early_stopping=EarlyStopping())  # fmt: skip
    with pytest.raises(ValueError, match=r"monitors 'val_loss'.*pass val_data"):
        watcher.fit(batches(x, y, 8), epochs=1)


def make_run(seed, generator=None):
    """A trainer exercising every piece of state: dropout, Adam, a schedule, clipping,
    accumulation, early stopping and shuffled batches."""
    tt.manual_seed(seed)
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Dropout(0.2), nn.Linear(8, 1))
    optimizer = optim.Adam(model.parameters(), lr=0.05)
    trainer = Trainer(
        model, optimizer, nn.MSELoss(),
        scheduler=lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5),
        accumulation_steps=2, max_grad_norm=1.0, log_every=None,
        early_stopping=EarlyStopping(monitor="train_loss", patience=10),
    )  # fmt: skip
    x, y = regression_data(20)
    return trainer, Shuffled(x, y, 4, generator)


@pytest.mark.points(4, hint="a checkpoint needs the RNG states too, not only the weights")
@pytest.mark.parametrize("own_generator", [False, True], ids=["global-rng", "loader-rng"])
def test_resuming_from_a_checkpoint_reproduces_the_run_bit_for_bit(tmp_path, own_generator):
    """6 epochs straight equal 3 epochs, save, fresh objects, load, 3 more: weights, optimizer
    state, learning rate, history and random state are identical."""

    def generator():
        return np.random.default_rng(123) if own_generator else None

    trainer, data = make_run(0, generator())
    trainer.fit(data, epochs=6)
    expected = trainer.state_dict()

    first, data = make_run(0, generator())
    first.fit(data, epochs=3)
    first.save_checkpoint(tmp_path / "run.ckpt")
    resumed, data = make_run(42, np.random.default_rng(7) if own_generator else None)
    tt.manual_seed(99)
    resumed.load_checkpoint(tmp_path / "run.ckpt")
    assert resumed.epoch == 3
    resumed.fit(data, epochs=6)
    actual = resumed.state_dict()

    assert actual["epoch"] == 6 and actual["global_step"] == expected["global_step"]
    for name, value in expected["model"].items():
        np.testing.assert_array_equal(actual["model"][name], value, err_msg=name)
    for i, state in expected["optimizer"]["state"].items():
        for key, value in state.items():
            other = actual["optimizer"]["state"][i][key]
            np.testing.assert_array_equal(
                getattr(other, "data", other), getattr(value, "data", value)
            )
    assert actual["optimizer"]["param_groups"] == expected["optimizer"]["param_groups"]
    assert resumed.scheduler.get_last_lr() == trainer.scheduler.get_last_lr()
    assert actual["history"] == expected["history"]
    assert actual["rng"] == expected["rng"]
    assert actual["data_rng"] == expected["data_rng"]


@pytest.mark.points(2)
def test_trainer_rejects_bad_settings_and_batches(tmp_path):
    """Bad accumulation steps, non-pair batches and mismatched checkpoints are clear errors."""
    x, y = regression_data(8)
    model = nn.Linear(3, 1)
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="accumulation_steps must be a positive integer, got 0"):
        Trainer(model, optimizer, nn.MSELoss(), accumulation_steps=0)
    with pytest.raises(TypeError, match="optimizer must be a tinytorch Optimizer"):
        Trainer(model, "sgd", nn.MSELoss())
    with pytest.raises(TypeError, match="log must be a callable taking a string, got str"):
        Trainer(model, optimizer, nn.MSELoss(), log="progress.txt")
    trainer = Trainer(model, optimizer, nn.MSELoss(), log_every=None)
    with pytest.raises(TypeError, match=r"\(inputs, targets\) pair, got a tuple of 3 items"):
        trainer.train_epoch([(x, y, y)])
    trainer.fit(batches(x, y, 4), epochs=1)
    trainer.save_checkpoint(tmp_path / "plain")
    scheduled = Trainer(model, optimizer, nn.MSELoss(),
                        scheduler=lr_scheduler.StepLR(optimizer, 1), log_every=None)  # fmt: skip
    with pytest.raises(ValueError, match="saved without a scheduler, but this trainer has one"):
        scheduled.load_checkpoint(tmp_path / "plain")


@pytest.mark.points(1)
def test_accuracy_for_class_scores_and_binary_logits():
    """accuracy() takes the argmax of class scores, and thresholds one score per sample."""
    scores = tt.tensor([[0.1, 2.0, -1.0], [3.0, 0.0, 0.0], [0.0, 0.0, 5.0], [1.0, 2.0, 0.0]])
    assert accuracy(scores, tt.tensor([1, 0, 1, 1])) == 0.75
    logits = tt.tensor([[2.0], [-1.0], [0.5], [-3.0]])
    assert accuracy(logits, tt.tensor([1.0, 0.0, 0.0, 0.0])) == 0.75
    assert accuracy(tt.tensor([0.9, 0.2]), tt.tensor([1.0, 1.0]), threshold=0.5) == 0.5
    with pytest.raises(ValueError, match=r"class ids of shape \(4,\), got \(3,\)"):
        accuracy(scores, tt.tensor([1, 0, 1]))
    model = nn.Linear(2, 3)
    trainer = Trainer(model, optim.SGD(model.parameters()), nn.CrossEntropyLoss(),
                      metrics={"accuracy": accuracy}, log_every=None)  # fmt: skip
    result = trainer.evaluate([(tt.randn(5, 2), tt.tensor([0, 1, 2, 0, 1]))])
    assert 0.0 <= result["accuracy"] <= 1.0
