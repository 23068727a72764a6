"""tinytorch.optim: optimizers (and, from stage 07, learning-rate schedulers), as ``torch.optim``."""

from tinytorch.optim.adam import Adam, AdamW
from tinytorch.optim.optimizer import Optimizer
from tinytorch.optim.rmsprop import RMSprop
from tinytorch.optim.sgd import SGD

# isort: split
from tinytorch.optim import lr_scheduler


__all__ = ["SGD", "Adam", "AdamW", "Optimizer", "RMSprop"]
