"""Observers: watch real data, then choose a scale and zero point (calibration).

A quantization grid has 256 steps; where to put them depends on the data. An observer is a
module that is run on representative inputs (it returns them unchanged), keeps statistics,
and turns them into parameters with ``calculate_qparams()``, as in ``torch.ao.quantization``:

- :class:`MinMaxObserver`: the smallest and largest value ever seen. Nothing is clamped, but
  a single outlier stretches the grid for everyone.
- :class:`MovingAverageMinMaxObserver`: an exponential moving average of each batch's min and
  max, so one unusual batch moves the range only a little.
- :class:`PerChannelMinMaxObserver`: a min and max per slice along ``ch_axis`` (weights).
- :class:`PercentileObserver`: a histogram of everything seen, and the range that holds all
  but the most extreme ``100 - percentile`` percent: the rare outliers are clamped so the
  common values get a finer grid. (PyTorch's ``HistogramObserver`` searches the histogram
  for the range of least squared error instead; the percentile rule is TensorRT's.)

From a range ``[min_val, max_val]`` (first widened to contain 0, so zero stays exact):

- **affine**: ``scale = (max_val - min_val) / (quant_max - quant_min)`` and
  ``zero_point = quant_min - round(min_val / scale)``: the grid fits the range exactly.
- **symmetric**: ``scale = max(|min_val|, max_val) / ((quant_max - quant_min) / 2)`` and a
  fixed zero point (0 for int8, 128 for uint8): half the grid may go unused, but the zero
  point vanishes from the integer arithmetic, which is why weights are quantized this way.
"""

from __future__ import annotations

import numpy as np

from tinytorch.nn.module import Module
from tinytorch.quantization.qtensor import (
    per_channel_affine,
    per_channel_symmetric,
    per_tensor_affine,
    per_tensor_symmetric,
    quant_range,
    quantized_dtype,
    quint8,
)
from tinytorch.tensor import Tensor

#: The smallest scale PyTorch allows: float32's machine epsilon.
EPS = float(np.finfo(np.float32).eps)

_SYMMETRIC = (per_tensor_symmetric, per_channel_symmetric)


def calculate_qparams(
    min_val: np.ndarray,
    max_val: np.ndarray,
    dtype=quint8,
    qscheme: str = per_tensor_affine,
    quant_min: int | None = None,
    quant_max: int | None = None,
    eps: float = EPS,
) -> tuple[np.ndarray, np.ndarray]:
    """``(scale, zero_point)`` arrays (float32, int32) for ranges ``[min_val, max_val]``.

    Works elementwise, so per-channel ranges give one pair per channel. See the module
    docstring for the formulas; a range of zero width gets the smallest scale ``eps``.
    """
    if quant_min is None or quant_max is None:
        quant_min, quant_max = quant_range(dtype)
    # BEGIN SOLUTION
    # TODO: widen the range to contain 0, then apply the affine or the symmetric formula.
    # HINT: min_neg = np.minimum(min_val, 0), max_pos = np.maximum(max_val, 0). Symmetric:
    #   zero point 0 for int8, (quant_min + quant_max + 1) // 2 for uint8. Affine: round the
    #   zero point (np.rint) and clamp it to [quant_min, quant_max]. Both: scale >= eps.
    min_neg = np.minimum(np.asarray(min_val, np.float64), 0.0)
    max_pos = np.maximum(np.asarray(max_val, np.float64), 0.0)
    if qscheme in _SYMMETRIC:
        bound = np.maximum(-min_neg, max_pos)
        scale = np.maximum(bound / ((quant_max - quant_min) / 2), eps)
        middle = (quant_min + quant_max + 1) // 2 if quantized_dtype(dtype) == quint8 else 0
        zero_point = np.full(np.shape(scale), middle)
    else:
        scale = np.maximum((max_pos - min_neg) / (quant_max - quant_min), eps)
        zero_point = np.clip(quant_min - np.rint(min_neg / scale), quant_min, quant_max)
    return scale.astype(np.float32), zero_point.astype(np.int32)
    # END SOLUTION


class ObserverBase(Module):
    """Shared set-up of the observers: dtype, scheme, quantized range.

    Args:
        dtype: ``quint8`` (default) or ``qint8``.
        qscheme: ``per_tensor_affine`` (default) or ``per_tensor_symmetric`` (per-channel
            observers take the ``per_channel_*`` names).
        reduce_range: use one bit fewer (e.g. [0, 127]), leaving headroom in int kernels.
        quant_min, quant_max: a custom integer range instead.
    """

    def __init__(
        self,
        dtype=quint8,
        qscheme: str = per_tensor_affine,
        reduce_range: bool = False,
        quant_min: int | None = None,
        quant_max: int | None = None,
        eps: float = EPS,
    ) -> None:
        super().__init__()
        self.dtype = quantized_dtype(dtype)
        schemes = (
            per_tensor_affine,
            per_tensor_symmetric,
            per_channel_affine,
            per_channel_symmetric,
        )
        if qscheme not in schemes:
            raise ValueError(f"qscheme must be one of {schemes}, got {qscheme!r}")
        self.qscheme = qscheme
        low, high = quant_range(self.dtype, reduce_range)
        if (quant_min is None) != (quant_max is None):
            raise ValueError("give both quant_min and quant_max, or neither")
        if quant_min is not None:
            if not low <= quant_min < quant_max <= high:
                raise ValueError(
                    f"need {low} <= quant_min < quant_max <= {high} for {self.dtype}, got "
                    f"quant_min={quant_min}, quant_max={quant_max}"
                )
            low, high = quant_min, quant_max
        self.quant_min, self.quant_max, self.eps = low, high, eps
        self.register_buffer("min_val", Tensor(np.float32(np.inf)))
        self.register_buffer("max_val", Tensor(np.float32(-np.inf)))

    def _range(self, x: Tensor) -> tuple[np.ndarray, np.ndarray]:
        """This batch's min and max (per channel in the per-channel observer)."""
        if not isinstance(x, Tensor):
            raise TypeError(f"{type(self).__name__} expects a Tensor, got {type(x).__name__}")
        if x.numel() == 0:
            raise ValueError(f"{type(self).__name__} cannot observe an empty tensor")
        return x.data.min(), x.data.max()

    def calculate_qparams(self) -> tuple[Tensor, Tensor]:
        """``(scale, zero_point)`` tensors for the range observed so far."""
        if not np.all(np.isfinite(self.min_val.data)):
            raise RuntimeError(
                f"{type(self).__name__} has observed nothing yet: run it on data first"
            )
        scale, zero_point = calculate_qparams(
            self.min_val.data, self.max_val.data, self.dtype, self.qscheme,
            self.quant_min, self.quant_max, self.eps,
        )  # fmt: skip
        return Tensor._wrap(np.atleast_1d(scale)), Tensor._wrap(np.atleast_1d(zero_point))

    def extra_repr(self) -> str:
        return f"min_val={self.min_val.data}, max_val={self.max_val.data}"


class MinMaxObserver(ObserverBase):
    """Track the running minimum and maximum of everything seen."""

    def forward(self, x: Tensor) -> Tensor:
        low, high = self._range(x)
        # BEGIN SOLUTION
        # TODO: fold this batch's min and max into the buffers min_val and max_val.
        # HINT: np.minimum/np.maximum; keep the buffers float32 (assign to .data).
        self.min_val.data = np.minimum(self.min_val.data, low).astype(np.float32)
        self.max_val.data = np.maximum(self.max_val.data, high).astype(np.float32)
        # END SOLUTION
        return x


class MovingAverageMinMaxObserver(ObserverBase):
    """Exponential moving average of each batch's min and max.

    ``min_val = min_val + averaging_constant * (batch_min - min_val)`` (the same for max);
    the first batch sets the values directly.
    """

    def __init__(self, averaging_constant: float = 0.01, **kwargs) -> None:
        super().__init__(**kwargs)
        if not 0.0 < averaging_constant <= 1.0:
            raise ValueError(f"averaging_constant must be in (0, 1], got {averaging_constant}")
        self.averaging_constant = averaging_constant

    def forward(self, x: Tensor) -> Tensor:
        low, high = self._range(x)
        # BEGIN SOLUTION
        # TODO: the first batch sets min_val/max_val; later ones move them a fraction
        #   averaging_constant of the way towards the batch's min and max.
        # HINT: "nothing seen yet" is min_val == +inf.
        c = self.averaging_constant
        if not np.isfinite(self.min_val.data):
            new_min, new_max = low, high
        else:
            new_min = self.min_val.data + c * (low - self.min_val.data)
            new_max = self.max_val.data + c * (high - self.max_val.data)
        self.min_val.data = np.asarray(new_min, dtype=np.float32)
        self.max_val.data = np.asarray(new_max, dtype=np.float32)
        # END SOLUTION
        return x


class PerChannelMinMaxObserver(ObserverBase):
    """Running min and max of each slice along ``ch_axis`` (0: each output row of a weight)."""

    def __init__(self, ch_axis: int = 0, qscheme: str = per_channel_affine, **kwargs) -> None:
        if qscheme not in (per_channel_affine, per_channel_symmetric):
            raise ValueError(
                f"PerChannelMinMaxObserver needs a per_channel qscheme, got {qscheme!r}"
            )
        super().__init__(qscheme=qscheme, **kwargs)
        self.ch_axis = ch_axis

    def _range(self, x: Tensor) -> tuple[np.ndarray, np.ndarray]:
        super()._range(x)
        # BEGIN SOLUTION
        # TODO: the min and max over every axis except ch_axis: one value per channel.
        # HINT: move ch_axis to the front (np.moveaxis) and reshape to (channels, -1).
        rows = np.moveaxis(x.data, self.ch_axis, 0).reshape(x.shape[self.ch_axis], -1)
        return rows.min(axis=1), rows.max(axis=1)
        # END SOLUTION

    def forward(self, x: Tensor) -> Tensor:
        low, high = self._range(x)
        if self.min_val.data.shape != low.shape:  # first batch: one entry per channel
            self.min_val.data = np.full(low.shape, np.inf, dtype=np.float32)
            self.max_val.data = np.full(low.shape, -np.inf, dtype=np.float32)
        self.min_val.data = np.minimum(self.min_val.data, low).astype(np.float32)
        self.max_val.data = np.maximum(self.max_val.data, high).astype(np.float32)
        return x


class PercentileObserver(ObserverBase):
    """Clip the rare extremes: the range holding all but ``100 - percentile`` % of the values.

    Every value seen goes into a histogram of ``bins`` (a multiple of 4) equal bins over
    ``[-R, R]``; when a value falls outside, ``R`` doubles and neighbouring bins merge in
    pairs (exactly: the edges line up), so memory stays ``bins`` counts however much data is
    seen. The range's
    ends are bin edges: the lower one has at most ``(100 - percentile) / 2`` % of the values
    below it, the upper one at most as many above it, and each lies within one bin width of
    the exact percentile.
    """

    def __init__(self, percentile: float = 99.99, bins: int = 2048, **kwargs) -> None:
        super().__init__(**kwargs)
        if not 50.0 < percentile <= 100.0:
            raise ValueError(f"percentile must be in (50, 100], got {percentile}")
        if bins < 4 or bins % 4:
            raise ValueError(f"bins must be a positive multiple of 4, got {bins}")
        self.percentile = percentile
        self.bins = bins
        self.half_width = 0.0  # R; 0 until data arrives
        self.register_buffer("histogram", Tensor(np.zeros(bins, dtype=np.int64)))

    def _grow_to(self, bound: float) -> None:
        """Double R until it holds ``bound``, merging neighbouring bins each time."""
        if self.half_width == 0.0:
            self.half_width = max(bound, EPS)
            return
        counts = self.histogram.data
        while bound > self.half_width:
            merged = counts.reshape(-1, 2).sum(axis=1)  # bins / 2 wider bins over [-R, R]
            quarter = self.bins // 4
            counts = np.zeros_like(counts)
            counts[quarter : quarter + merged.size] = merged  # the middle half of [-2R, 2R]
            self.half_width *= 2.0
        self.histogram.data = counts

    def forward(self, x: Tensor) -> Tensor:
        low, high = self._range(x)
        self._grow_to(float(max(-low, high)))
        counts, _ = np.histogram(x.data, bins=self.bins, range=(-self.half_width, self.half_width))
        self.histogram.data = self.histogram.data + counts
        self.min_val.data, self.max_val.data = self._clip_range()
        return x

    def _clip_range(self) -> tuple[np.ndarray, np.ndarray]:
        """The bin edges that cut off at most (100 - percentile) / 2 % on each side."""
        # BEGIN SOLUTION
        # TODO: from the cumulative counts, find the highest edge with at most `tail` values
        #   below it and the lowest edge with at most `tail` values above it.
        # HINT: tail = total * (100 - percentile) / 200. The edges are np.linspace(-R, R,
        #   bins + 1); below edge i lie cumsum[i - 1] values (0 for i = 0).
        counts = self.histogram.data
        total = counts.sum()
        tail = total * (100.0 - self.percentile) / 200.0
        edges = np.linspace(-self.half_width, self.half_width, self.bins + 1)
        below = np.concatenate([[0], np.cumsum(counts)])  # values below each edge
        lower = edges[np.nonzero(below <= tail)[0][-1]]
        upper = edges[np.nonzero(total - below <= tail)[0][0]]
        return np.float32(lower), np.float32(upper)
        # END SOLUTION
