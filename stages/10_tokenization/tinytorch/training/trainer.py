"""The Trainer: one training loop with accumulation, clipping, history, early stopping and
checkpoints that resume exactly."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable

import numpy as np

from tinytorch.autograd import no_grad
from tinytorch.nn.module import Module
from tinytorch.nn.utils import clip_grad_norm_
from tinytorch.optim.lr_scheduler import LRScheduler
from tinytorch.optim.optimizer import Optimizer
from tinytorch.random import get_rng_state, set_rng_state
from tinytorch.serialization import load, save
from tinytorch.tensor import Tensor
from tinytorch.training.early_stopping import EarlyStopping

#: The keys every Trainer checkpoint holds.
CHECKPOINT_KEYS = (
    "epoch", "global_step", "model", "optimizer", "scheduler", "early_stopping", "history",
    "rng", "data_rng",
)  # fmt: skip


class Trainer:
    """Train ``model`` with ``optimizer`` on ``loss_fn``, epoch after epoch.

    Data is any re-iterable of ``(inputs, targets)`` batches: a list such as ``[(x, y)]`` for
    full-batch training, or a ``DataLoader`` (stage 08). ``fit`` continues from
    ``self.epoch``, so after :meth:`load_checkpoint` the same call finishes an interrupted run.

    Args:
        model: the module to train.
        optimizer: an optimizer over the model's parameters.
        loss_fn: ``loss_fn(output, targets)`` returns a scalar tensor (mean over the batch).
        scheduler: a learning-rate scheduler, stepped every epoch (or every optimizer step
            with ``scheduler_interval="step"``).
        metrics: ``{name: fn(output, targets) -> float}``, e.g. ``{"accuracy": accuracy}``.
        accumulation_steps: micro-batches whose gradients are averaged into one step.
        max_grad_norm: clip the global gradient norm to this before each step.
        early_stopping: an :class:`EarlyStopping`.
        log_every: print a progress line every this many epochs (None: silent).
        log: where progress lines go: a callable taking one string (default: print them).
    """

    def __init__(
        self,
        model: Module,
        optimizer: Optimizer,
        loss_fn: Callable,
        *,
        scheduler: LRScheduler | None = None,
        metrics: dict[str, Callable] | None = None,
        accumulation_steps: int = 1,
        max_grad_norm: float | None = None,
        early_stopping: EarlyStopping | None = None,
        scheduler_interval: str = "epoch",
        log_every: int | None = 1,
        log: Callable[[str], object] | None = None,
    ) -> None:
        if not isinstance(model, Module):
            raise TypeError(f"model must be a tinytorch.nn.Module, got {type(model).__name__}")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"optimizer must be a tinytorch Optimizer, got {type(optimizer).__name__}"
            )
        if not callable(loss_fn):
            raise TypeError(f"loss_fn must be callable, got {type(loss_fn).__name__}")
        if scheduler is not None and not isinstance(scheduler, LRScheduler):
            raise TypeError(f"scheduler must be an LRScheduler, got {type(scheduler).__name__}")
        if not _positive_int(accumulation_steps):
            raise ValueError(
                f"accumulation_steps must be a positive integer, got {accumulation_steps!r}"
            )
        if max_grad_norm is not None and not max_grad_norm > 0:
            raise ValueError(f"max_grad_norm must be > 0 or None, got {max_grad_norm}")
        if scheduler_interval not in ("epoch", "step"):
            raise ValueError(
                f"scheduler_interval must be 'epoch' or 'step', got {scheduler_interval!r}"
            )
        if log_every is not None and not _positive_int(log_every):
            raise ValueError(f"log_every must be a positive integer or None, got {log_every!r}")
        if log is not None and not callable(log):
            raise TypeError(f"log must be a callable taking a string, got {type(log).__name__}")
        self.model, self.optimizer, self.loss_fn = model, optimizer, loss_fn
        self.scheduler, self.scheduler_interval = scheduler, scheduler_interval
        self.metrics = dict(metrics or {})
        self.accumulation_steps, self.max_grad_norm = accumulation_steps, max_grad_norm
        self.early_stopping, self.log_every, self.log = early_stopping, log_every, log
        #: Epochs completed, and optimizer steps taken, so far.
        self.epoch, self.global_step = 0, 0
        #: One list per quantity ("train_loss", "val_accuracy", "lr", ...), one entry per epoch.
        self.history: dict[str, list] = {}
        self._train_data = None  # the last data fit() ran on (its generator is saved)
        self._data_rng = None  # a data loader's generator state, from a checkpoint

    # ------------------------------------------------------------------ one epoch

    def train_epoch(self, data: Iterable) -> dict[str, float]:
        """One pass over ``data`` in training mode; returns the mean loss and metrics.

        The means weight every batch by its number of samples.
        """
        self.model.train()
        self.optimizer.zero_grad()
        totals, seen, pending = {"loss": 0.0}, 0, 0
        for batch in data:
            inputs, targets = _unpack(batch)
            output = self.model(inputs)
            loss = self.loss_fn(output, targets)
            loss.backward()
            pending += 1
            size = _batch_size(targets)
            seen += size
            self._accumulate(totals, loss, output, targets, size)
            if pending == self.accumulation_steps:
                self._optimizer_step(pending)
                pending = 0
        if pending:
            self._optimizer_step(pending)
        return _means(totals, seen)

    def _optimizer_step(self, micro_batches: int) -> None:
        """Average the gradients accumulated over ``micro_batches``, clip, step and reset."""
        params = [p for group in self.optimizer.param_groups for p in group["params"]]
        if micro_batches > 1:
            for p in params:
                if p.grad is not None:
                    p.grad.data /= micro_batches
        if self.max_grad_norm is not None:
            clip_grad_norm_(params, self.max_grad_norm)
        self.optimizer.step()
        self.optimizer.zero_grad()
        self.global_step += 1
        if self.scheduler is not None and self.scheduler_interval == "step":
            self.scheduler.step()

    def evaluate(self, data: Iterable) -> dict[str, float]:
        """Mean loss and metrics over ``data``, in eval mode and without recording a graph.

        The model's previous mode (train or eval) is restored afterwards.
        """
        was_training = self.model.training
        self.model.eval()
        totals, seen = {"loss": 0.0}, 0
        try:
            with no_grad():
                for batch in data:
                    inputs, targets = _unpack(batch)
                    output = self.model(inputs)
                    size = _batch_size(targets)
                    seen += size
                    self._accumulate(totals, self.loss_fn(output, targets), output, targets, size)
        finally:
            self.model.train(was_training)
        return _means(totals, seen)

    def _accumulate(self, totals: dict, loss: Tensor, output, targets, size: int) -> None:
        """Add this batch's loss and metrics, weighted by its size, into ``totals``."""
        totals["loss"] += float(loss.item()) * size
        with no_grad():  # metrics are measurements, not part of the graph
            for name, metric in self.metrics.items():
                totals[name] = totals.get(name, 0.0) + float(metric(output, targets)) * size

    # ------------------------------------------------------------------ the loop

    def fit(
        self,
        train_data: Iterable,
        epochs: int,
        val_data: Iterable | None = None,
        checkpoint_path: str | None = None,
    ) -> dict[str, list]:
        """Train until ``epochs`` epochs are done in total (or early stopping says stop).

        Args:
            train_data: re-iterable ``(inputs, targets)`` batches.
            epochs: the total number of epochs (a resumed run continues from ``self.epoch``).
            val_data: batches to evaluate after each epoch (gives ``val_loss`` and metrics).
            checkpoint_path: save a checkpoint there after every epoch.

        Returns:
            ``self.history``.
        """
        if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 0:
            raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}")
        monitor = self.early_stopping.monitor if self.early_stopping is not None else ""
        if monitor.startswith("val_") and val_data is None:
            raise ValueError(
                f"early stopping monitors {monitor!r}, but fit() got no val_data; pass "
                "val_data to fit() or monitor a 'train_' value"
            )
        self._restore_data_rng(train_data)
        self._train_data = train_data
        while self.epoch < epochs:
            started = time.perf_counter()
            record = {"epoch": self.epoch + 1, "lr": self.optimizer.param_groups[0]["lr"]}
            record.update({f"train_{k}": v for k, v in self.train_epoch(train_data).items()})
            if val_data is not None:
                record.update({f"val_{k}": v for k, v in self.evaluate(val_data).items()})
            if self.scheduler is not None and self.scheduler_interval == "epoch":
                self.scheduler.step()
            self.epoch += 1
            for key, value in record.items():
                self.history.setdefault(key, []).append(value)
            stop = self._early_stop(record)
            if checkpoint_path is not None:
                self.save_checkpoint(checkpoint_path)
            self._log(record, epochs, time.perf_counter() - started, force=stop)
            if stop:
                self._print(
                    f"early stopping after epoch {self.epoch}: {self.early_stopping.monitor} has "
                    f"not improved for {self.early_stopping.patience} epochs (best "
                    f"{self.early_stopping.best:.4g} at epoch {self.early_stopping.best_epoch})"
                )
                if self.early_stopping.restore_best_weights:
                    self.early_stopping.restore(self.model)
                break
        return self.history

    def _early_stop(self, record: dict) -> bool:
        if self.early_stopping is None:
            return False
        monitor = self.early_stopping.monitor
        if monitor not in record:
            raise ValueError(
                f"early stopping monitors {monitor!r}, but an epoch records only "
                f"{sorted(record)}; pass val_data to fit() or monitor another key"
            )
        return self.early_stopping.step(record[monitor], self.model, self.epoch)

    def _log(self, record: dict, epochs: int, seconds: float, force: bool = False) -> None:
        if self.log_every is None:
            return
        if not (force or self.epoch % self.log_every == 0 or self.epoch == epochs):
            return
        width = len(str(epochs))
        parts = [f"epoch {self.epoch:>{width}}/{epochs}"]
        parts += [f"{k} {v:.4f}" for k, v in record.items() if k not in ("epoch", "lr")]
        parts += [f"lr {record['lr']:.3g}", f"{seconds:.2f}s"]
        self._print("  ".join(parts))

    def _print(self, line: str) -> None:
        if self.log is None:
            print(line, flush=True)
        else:
            self.log(line)

    # ------------------------------------------------------------------ checkpoints

    def state_dict(self) -> dict:
        """Everything an exact resume needs, as plain data (see :data:`CHECKPOINT_KEYS`)."""
        generator = _data_generator(self._train_data)
        return {
            "epoch": self.epoch,
            "global_step": self.global_step,
            "model": {k: v.data.copy() for k, v in self.model.state_dict().items()},
            "optimizer": self.optimizer.state_dict(),
            "scheduler": None if self.scheduler is None else self.scheduler.state_dict(),
            "early_stopping": (
                None if self.early_stopping is None else self.early_stopping.state_dict()
            ),
            "history": copy.deepcopy(self.history),
            "rng": get_rng_state(),
            "data_rng": None if generator is None else generator.bit_generator.state,
        }

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore a state saved by :meth:`state_dict` into this trainer's objects."""
        missing = [key for key in CHECKPOINT_KEYS if key not in state_dict]
        if missing:
            raise ValueError(f"not a Trainer checkpoint: missing {missing}")
        for name in ("scheduler", "early_stopping"):
            if (state_dict[name] is None) != (getattr(self, name) is None):
                saved = "with" if state_dict[name] is not None else "without"
                raise ValueError(
                    f"the checkpoint was saved {saved} a {name}, but this trainer has "
                    f"{'one' if getattr(self, name) is not None else 'none'}"
                )
        self.model.load_state_dict(state_dict["model"])
        self.optimizer.load_state_dict(state_dict["optimizer"])
        if self.scheduler is not None:
            self.scheduler.load_state_dict(state_dict["scheduler"])
        if self.early_stopping is not None:
            self.early_stopping.load_state_dict(state_dict["early_stopping"])
        self.epoch, self.global_step = state_dict["epoch"], state_dict["global_step"]
        self.history = copy.deepcopy(state_dict["history"])
        set_rng_state(state_dict["rng"])
        self._data_rng = state_dict["data_rng"]

    def save_checkpoint(self, path) -> None:
        """Write :meth:`state_dict` to ``path`` with :func:`tinytorch.save`."""
        save(self.state_dict(), path)

    def load_checkpoint(self, path) -> None:
        """Resume from a checkpoint written by :meth:`save_checkpoint`."""
        self.load_state_dict(load(path))

    def _restore_data_rng(self, train_data) -> None:
        """Give the training data's generator the state a checkpoint saved, once."""
        if self._data_rng is None:
            return
        generator = _data_generator(train_data)
        if generator is None:
            raise ValueError(
                "the checkpoint holds the state of the training data's own generator, but the "
                "train_data given to fit() has none (pass the same kind of loader)"
            )
        generator.bit_generator.state = self._data_rng
        self._data_rng = None


# ---------------------------------------------------------------------- helpers


def _positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _unpack(batch) -> tuple:
    """A batch's ``(inputs, targets)``, with a clear error for anything else."""
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        kind = f"a {type(batch).__name__}"
        if isinstance(batch, (tuple, list)):
            kind += f" of {len(batch)} items"
        raise TypeError(f"each batch must be an (inputs, targets) pair, got {kind}")
    return batch[0], batch[1]


def _batch_size(targets) -> int:
    """The number of samples in a batch: the length of its targets."""
    shape = np.shape(targets.data if isinstance(targets, Tensor) else targets)
    return shape[0] if shape else 1


def _means(totals: dict[str, float], seen: int) -> dict[str, float]:
    if seen == 0:
        raise ValueError("the data yielded no batches")
    return {name: total / seen for name, total in totals.items()}


def _data_generator(data) -> np.random.Generator | None:
    """The NumPy generator a data loader draws its order from, if it has its own."""
    generator = getattr(data, "generator", None)
    return generator if isinstance(generator, np.random.Generator) else None
