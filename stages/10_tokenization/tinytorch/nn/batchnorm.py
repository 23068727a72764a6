"""Batch normalization layers and their functional twin ``batch_norm``.

Deep networks train slowly when the scale of each layer's inputs keeps drifting as the layers
before it learn. Batch norm (Ioffe & Szegedy, 2015) re-standardises every channel to mean 0 and
variance 1 over the batch, then lets the network pick the scale and shift it wants back
(``weight`` and ``bias``). It allows larger learning rates and makes deep CNNs train reliably.

A batch norm layer has two kinds of state:

- **parameters** ``weight`` (gamma) and ``bias`` (beta), learned by gradient descent;
- **buffers** ``running_mean``, ``running_var`` and ``num_batches_tracked``: statistics
  gathered during training, used in evaluation mode, saved in the state dict, but never
  returned by ``parameters()`` (no optimizer touches them).
"""

from __future__ import annotations

import numpy as np

from tinytorch import dtypes
from tinytorch.errors import ShapeError
from tinytorch.nn.conv import _positive_int
from tinytorch.nn.module import Module
from tinytorch.nn.parameter import Parameter
from tinytorch.ops import batchnorm as batchnorm_ops
from tinytorch.tensor import Tensor, _cast, _to_float


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Batch normalization over every dimension but 1 (channels), as ``F.batch_norm``.

    With ``training=True`` the batch's statistics normalise the input and the running
    statistics (if given) are updated in place; with ``training=False`` the running statistics
    normalise it. ``weight`` and ``bias`` (C,) default to 1 and 0.
    """
    if not isinstance(input, Tensor) or input.ndim < 2:
        shape = getattr(input, "shape", type(input).__name__)
        raise ShapeError(
            f"batch_norm expects an input (N, C, ...) with at least 2 dims, got {shape}"
        )
    channels = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):  # fmt: skip
        if t is not None and tuple(t.shape) != (channels,):
            raise ShapeError(
                f"batch_norm: {name} must have shape ({channels},) for an input with {channels} "
                f"channels (shape {input.shape}), got {tuple(t.shape)}"
            )
    if training:
        count = input.data.size // max(channels, 1)
        if count < 2:
            raise ShapeError(
                f"batch_norm: expected more than 1 value per channel when training, got input "
                f"of shape {input.shape}: the variance of one value is undefined"
            )
    elif running_mean is None or running_var is None:
        raise ValueError("batch_norm: running_mean and running_var are needed when not training")
    x = _to_float(input)
    dtype = x.dtype
    for t in (weight, bias):
        if t is not None:
            dtype = dtypes.promote_types(dtype, t.dtype)
    x = _cast(x, dtype)
    weight = Tensor._wrap(np.ones(channels, dtype)) if weight is None else _cast(weight, dtype)
    bias = Tensor._wrap(np.zeros(channels, dtype)) if bias is None else _cast(bias, dtype)
    return batchnorm_ops.BatchNorm.apply(
        x, weight, bias,
        running_mean=None if running_mean is None else running_mean.data,
        running_var=None if running_var is None else running_var.data,
        training=bool(training), momentum=float(momentum), eps=float(eps),
    )  # fmt: skip


class _BatchNorm(Module):
    """What BatchNorm1d and BatchNorm2d share; they differ only in the input ranks accepted."""

    #: The input ranks the layer accepts, and how to name them in an error.
    _ranks: tuple[int, ...] = ()
    _expected = ""

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        dtype=None,
    ) -> None:
        super().__init__()
        self.num_features = _positive_int(num_features, "num_features")
        self.eps, self.momentum = eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        dtype = dtypes.default_float if dtype is None else dtypes.as_dtype(dtype)
        if affine:
            self.weight = Parameter(np.ones(self.num_features, dtype))
            self.bias = Parameter(np.zeros(self.num_features, dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(self.num_features, dtype)))
            self.register_buffer("running_var", Tensor(np.ones(self.num_features, dtype)))
            self.register_buffer("num_batches_tracked", Tensor(0, dtype=dtypes.int64))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self) -> None:
        """Forget the gathered statistics (mean 0, variance 1, no batches seen)."""
        if self.track_running_stats:
            self.running_mean.data[...] = 0
            self.running_var.data[...] = 1
            self.num_batches_tracked.data[...] = 0

    def forward(self, input: Tensor) -> Tensor:
        """Normalise ``input`` with batch statistics (training) or running ones (evaluation)."""
        if not isinstance(input, Tensor) or input.ndim not in self._ranks:
            shape = getattr(input, "shape", type(input).__name__)
            raise ShapeError(
                f"{type(self).__name__} expects {self._expected} input, got shape {shape}"
            )
        if input.shape[1] != self.num_features:
            raise ShapeError(
                f"{type(self).__name__}({self.num_features}) expects {self.num_features} "
                f"channels (dim 1), got input of shape {input.shape}"
            )
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.data += 1
            if self.momentum is None:
                factor = 1.0 / int(self.num_batches_tracked.data)
        use_batch_stats = self.training or self.running_mean is None
        keep_running = not self.training or self.track_running_stats
        return batch_norm(
            input,
            self.running_mean if keep_running else None,
            self.running_var if keep_running else None,
            self.weight, self.bias, use_batch_stats, factor, self.eps,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch norm over (N, C) or (N, C, L) inputs, as ``torch.nn.BatchNorm1d``."""

    _ranks = (2, 3)
    _expected = "a 2-D (N, C) or 3-D (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch norm of images (N, C, H, W), per channel over N, H and W, as ``torch.nn.BatchNorm2d``.

    Args:
        num_features: C, the number of channels.
        eps: added to the variance for numerical stability.
        momentum: running = (1 - momentum) * running + momentum * batch statistic; None for a
            cumulative average over all batches seen.
        affine: learn ``weight`` and ``bias`` (else the output is just standardised).
        track_running_stats: keep running statistics for evaluation (else batch statistics
            are used in evaluation mode too).
    """

    _ranks = (4,)
    _expected = "a 4-D (N, C, H, W)"
