"""Early stopping: end training when the monitored value stops improving.

Validation loss usually falls, flattens, then rises again as the model starts to memorize its
training set. Stopping once it has not improved for ``patience`` epochs, and going back to the
weights of the best epoch, keeps the model from before that turn.
"""

from __future__ import annotations

import copy
import math

import numpy as np

from tinytorch.nn.module import Module


class EarlyStopping:
    """Stop training when ``monitor`` has not improved for ``patience`` epochs.

    An epoch improves on the best so far when its value is lower by more than ``min_delta``
    (``mode="min"``, for losses) or higher by more than ``min_delta`` (``mode="max"``, for
    accuracies). With ``restore_best_weights`` the model's weights at the best epoch are kept,
    and put back when training stops early.

    Args:
        monitor: a key of the epoch record, such as ``"val_loss"`` or ``"val_accuracy"``.
        patience: how many epochs without improvement to tolerate.
        min_delta: the smallest change that counts as an improvement.
        mode: ``"min"`` or ``"max"``.
        restore_best_weights: keep a copy of the best weights and restore them on stopping.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 5,
        min_delta: float = 0.0,
        mode: str = "min",
        restore_best_weights: bool = True,
    ) -> None:
        if not isinstance(patience, int) or isinstance(patience, bool) or patience < 1:
            raise ValueError(f"patience must be a positive integer, got {patience!r}")
        if not min_delta >= 0:
            raise ValueError(f"min_delta must be >= 0, got {min_delta}")
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        self.monitor, self.patience, self.min_delta, self.mode = monitor, patience, min_delta, mode
        self.restore_best_weights = restore_best_weights
        self.best = math.inf if mode == "min" else -math.inf
        self.best_epoch = 0
        self.wait = 0
        self.best_state: dict[str, np.ndarray] | None = None

    def step(self, value: float, model: Module, epoch: int) -> bool:
        """Record epoch ``epoch``'s ``value``; return True when training should stop."""
        if self.mode == "min":
            improved = value < self.best - self.min_delta
        else:
            improved = value > self.best + self.min_delta
        if improved:
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_state = {k: v.data.copy() for k, v in model.state_dict().items()}
            return False
        self.wait += 1
        return self.wait >= self.patience

    def restore(self, model: Module) -> None:
        """Load the best weights seen into ``model`` (if they were kept)."""
        if self.best_state is not None:
            model.load_state_dict(self.best_state)

    def state_dict(self) -> dict:
        """The counters, the best value and the best weights, for checkpoints."""
        return copy.deepcopy(self.__dict__)

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore a state saved by :meth:`state_dict`."""
        self.__dict__.update(copy.deepcopy(state_dict))
