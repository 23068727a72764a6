"""tinytorch.nn: layers, losses and the functional API, as ``torch.nn``."""

from tinytorch.nn import functional

