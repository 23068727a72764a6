"""The training loop, written once: a ``Trainer`` with history, early stopping and checkpoints.

Every model in this course trains with the same loop: for each batch, forward, loss,
backward, step. What turns those four lines into a dependable tool is the bookkeeping around
them, which is what this module adds:

- **gradient accumulation**: ``backward`` adds into ``.grad``, so k micro-batches can be summed
  before one optimizer step. Averaging the sum over the k micro-batches gives exactly the
  gradient of one batch k times larger (of equal-sized micro-batches), at the memory cost of one;
- **evaluation** under ``no_grad()`` in ``eval()`` mode (dropout off, no graph kept);
- **history**: per-epoch loss, metrics and learning rate, printed as training goes;
- **early stopping**: stop once the monitored value has not improved for ``patience`` epochs,
  and go back to the best weights seen;
- **checkpoints**: everything an *exact* resume needs (weights, optimizer state, scheduler,
  epoch, history and the random generators' states), saved with :func:`tinytorch.save`.
"""

from tinytorch.training.early_stopping import EarlyStopping
from tinytorch.training.metrics import accuracy
from tinytorch.training.trainer import CHECKPOINT_KEYS, Trainer

__all__ = ["CHECKPOINT_KEYS", "EarlyStopping", "Trainer", "accuracy"]
