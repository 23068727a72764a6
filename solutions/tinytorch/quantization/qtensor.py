"""Quantized tensors: real int8/uint8 storage plus the scale and zero point that give it meaning.

Affine quantization maps a float ``x`` to an integer ``q`` on a uniform grid::

    q = clamp(round(x / scale) + zero_point, quant_min, quant_max)      # quantize
    x' = (q - zero_point) * scale                                       # dequantize

``scale`` is the grid's step and ``zero_point`` the integer that stands for 0.0, so zero is
represented exactly (padding and ReLU outputs are full of zeros; an error there would be
everywhere). Inside the grid's range ``[(quant_min - zero_point) * scale, (quant_max -
zero_point) * scale]`` rounding moves a value by at most ``scale / 2``; outside it, the
value is clamped to the nearest end. With int8 (quant range [-128, 127]) every number takes
one byte instead of float32's four.

*Per-tensor* quantization uses one (scale, zero_point) for the whole tensor; *per-channel*
uses one pair per slice along an ``axis`` (for a Linear weight, per output row), so a row of
small weights is not forced onto the coarse grid of the row with the largest ones.

Names follow PyTorch: ``quantize_per_tensor(x, scale, zero_point, dtype)``,
``quantize_per_channel(x, scales, zero_points, axis, dtype)``, and on the result
``int_repr()``, ``q_scale()``, ``q_zero_point()``, ``q_per_channel_scales()``,
``q_per_channel_zero_points()``, ``q_per_channel_axis()``, ``qscheme()`` and ``dequantize()``.
"""

from __future__ import annotations

import numpy as np

from tinytorch import dtypes
from tinytorch.errors import ShapeError
from tinytorch.tensor import Tensor

#: PyTorch spells the quantized dtypes torch.qint8 and torch.quint8; here they are the
#: integer dtypes the values are stored in.
qint8 = dtypes.int8
quint8 = dtypes.uint8

#: Quantization schemes, PyTorch's names.
per_tensor_affine = "per_tensor_affine"
per_tensor_symmetric = "per_tensor_symmetric"
per_channel_affine = "per_channel_affine"
per_channel_symmetric = "per_channel_symmetric"


def quantized_dtype(dtype) -> np.dtype:
    """``dtype`` as int8 or uint8 (``"qint8"``/``"quint8"`` are accepted too), or a TypeError."""
    names = {"qint8": qint8, "quint8": quint8}
    result = names.get(dtype) if isinstance(dtype, str) else None
    if result is None:
        try:
            result = dtypes.as_dtype(dtype)
        except TypeError:
            result = None
    if result not in (qint8, quint8):
        raise TypeError(f"quantized dtype must be int8 (qint8) or uint8 (quint8), got {dtype!r}")
    return result


def quant_range(dtype, reduce_range: bool = False) -> tuple[int, int]:
    """``(quant_min, quant_max)`` of int8 (-128, 127) or uint8 (0, 255); one bit fewer with
    ``reduce_range`` (-64, 63 or 0, 127), which leaves headroom in integer accumulators."""
    info = np.iinfo(quantized_dtype(dtype))
    low, high = int(info.min), int(info.max)
    if reduce_range:
        low, high = low // 2, high // 2
    return low, high


def _as_array(value, name: str) -> np.ndarray:
    return np.asarray(value.data if isinstance(value, Tensor) else value)


class QuantizedTensor:
    """Integers plus quantization parameters: what ``quantize_per_tensor/channel`` return.

    ``int_repr()`` is the stored int8/uint8 data; ``dequantize()`` the float32 values it
    stands for. There is no arithmetic on quantized tensors: dequantize, or use an integer
    kernel such as :func:`tinytorch.quantization.int_matmul`.
    """

    def __init__(self, data: np.ndarray, scale, zero_point, axis: int | None = None) -> None:
        self._data = data  # int8 or uint8
        self._scale = scale  # float, or float64 array (C,) when per channel
        self._zero_point = zero_point  # int, or int64 array (C,)
        self._axis = axis

    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def dtype(self) -> np.dtype:
        """The storage dtype: int8 (qint8) or uint8 (quint8)."""
        return self._data.dtype

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def nbytes(self) -> int:
        """Bytes stored: the integers plus the scales and zero points."""
        params = np.asarray(self._scale).nbytes + np.asarray(self._zero_point).nbytes
        return self._data.nbytes + params

    def numel(self) -> int:
        return self._data.size

    def qscheme(self) -> str:
        return per_tensor_affine if self._axis is None else per_channel_affine

    def int_repr(self) -> Tensor:
        """The stored integers as an int8/uint8 tensor (a copy)."""
        return Tensor._wrap(self._data.copy())

    def q_scale(self) -> float:
        self._require(per_tensor=True, what="q_scale")
        return float(self._scale)

    def q_zero_point(self) -> int:
        self._require(per_tensor=True, what="q_zero_point")
        return int(self._zero_point)

    def q_per_channel_scales(self) -> Tensor:
        self._require(per_tensor=False, what="q_per_channel_scales")
        return Tensor._wrap(self._scale.copy())

    def q_per_channel_zero_points(self) -> Tensor:
        self._require(per_tensor=False, what="q_per_channel_zero_points")
        return Tensor._wrap(self._zero_point.copy())

    def q_per_channel_axis(self) -> int:
        self._require(per_tensor=False, what="q_per_channel_axis")
        return self._axis

    def _require(self, per_tensor: bool, what: str) -> None:
        if (self._axis is None) != per_tensor:
            other = "per-channel" if per_tensor else "per-tensor"
            raise RuntimeError(f"{what}() is not defined for a {other} quantized tensor")

    def dequantize(self) -> Tensor:
        """The float32 values: ``(q - zero_point) * scale``."""
        # BEGIN SOLUTION
        # TODO: return (q - zero_point) * scale as a float32 Tensor.
        # HINT: per channel, reshape the scales and zero points so they broadcast along
        #   self._axis (shape (C, 1, ...) for axis 0); compute in float64, then cast, so the
        #   only rounding is the final one to float32.
        scale, zero_point = _broadcastable(self._scale, self._zero_point, self._axis, self.ndim)
        values = (self._data.astype(np.float64) - zero_point) * scale
        return Tensor._wrap(values.astype(np.float32))
        # END SOLUTION

    def __repr__(self) -> str:
        if self._axis is None:
            params = f"scale={self.q_scale():.6g}, zero_point={self.q_zero_point()}"
        else:
            params = f"axis={self._axis}, {len(self._scale)} scales"
        return (
            f"QuantizedTensor({self.dequantize().numpy()}, shape={self.shape}, "
            f"dtype={self.dtype}, {self.qscheme()}, {params})"
        )


def _broadcastable(scale, zero_point, axis: int | None, ndim: int):
    """Scale and zero point shaped to broadcast against the data (per channel: along axis)."""
    if axis is None:
        return scale, zero_point
    shape = [1] * ndim
    shape[axis] = -1
    return np.reshape(scale, shape), np.reshape(zero_point, shape)


def _quantize(x: np.ndarray, scale, zero_point, dtype: np.dtype) -> np.ndarray:
    """``clamp(round(x / scale) + zero_point, quant_min, quant_max)`` stored as ``dtype``."""
    # BEGIN SOLUTION
    # TODO: divide by the scale, round to the nearest integer, add the zero point, clamp to
    #   the dtype's range and store as dtype.
    # HINT: work in float64 (x / scale in float32 can round the wrong way); np.rint rounds
    #   halves to even as PyTorch does; quant_range(dtype) gives the clamp bounds.
    low, high = quant_range(dtype)
    q = np.rint(x.astype(np.float64) / scale) + zero_point
    return np.clip(q, low, high).astype(dtype)
    # END SOLUTION


def _check_float_input(input, name: str) -> np.ndarray:
    if not isinstance(input, Tensor):
        raise TypeError(f"{name} expects a tinytorch.Tensor, got {type(input).__name__}")
    if input.dtype.kind != "f":
        raise TypeError(f"{name} expects a floating-point tensor, got dtype {input.dtype}")
    return input.data


def _check_scale(scale: np.ndarray, name: str) -> None:
    if not np.all(np.isfinite(scale)) or np.any(scale <= 0):
        raise ValueError(f"{name}: scale must be positive and finite, got {scale}")


def _check_zero_point(zero_point: np.ndarray, dtype, name: str) -> None:
    low, high = quant_range(dtype)
    if zero_point.dtype.kind not in "iu" and not np.all(zero_point == np.round(zero_point)):
        raise TypeError(f"{name}: zero_point must be an integer, got {zero_point}")
    if np.any(zero_point < low) or np.any(zero_point > high):
        raise ValueError(
            f"{name}: zero_point must lie in the {dtypes.as_dtype(dtype)} range "
            f"[{low}, {high}], got {zero_point}"
        )


def quantize_per_tensor(input: Tensor, scale, zero_point, dtype) -> QuantizedTensor:
    """Quantize ``input`` with one ``scale`` and ``zero_point``, as ``torch.quantize_per_tensor``.

    Args:
        input: a float tensor.
        scale: the grid step, a positive number (or a one-element tensor).
        zero_point: the integer that represents 0.0, inside the dtype's range.
        dtype: ``qint8``/``int8`` (stored as int8) or ``quint8``/``uint8``.
    """
    x = _check_float_input(input, "quantize_per_tensor")
    dtype = quantized_dtype(dtype)
    scale_array, zero_array = _as_array(scale, "scale"), _as_array(zero_point, "zero_point")
    if scale_array.size != 1 or zero_array.size != 1:
        raise ShapeError(
            f"quantize_per_tensor expects one scale and one zero_point, got "
            f"{scale_array.size} and {zero_array.size} values (per channel: quantize_per_channel)"
        )
    _check_scale(scale_array, "quantize_per_tensor")
    _check_zero_point(zero_array, dtype, "quantize_per_tensor")
    scale, zero_point = float(scale_array.reshape(())), int(zero_array.reshape(()))
    return QuantizedTensor(_quantize(x, scale, zero_point, dtype), scale, zero_point)


def quantize_per_channel(input: Tensor, scales, zero_points, axis: int, dtype) -> QuantizedTensor:
    """Quantize each slice of ``input`` along ``axis`` with its own scale and zero point, as
    ``torch.quantize_per_channel``.

    Args:
        input: a float tensor.
        scales, zero_points: 1-D, one entry per index of ``input.shape[axis]``.
        axis: the channel dimension (0 for a Linear or Conv2d weight: one per output).
        dtype: ``qint8``/``int8`` or ``quint8``/``uint8``.
    """
    x = _check_float_input(input, "quantize_per_channel")
    dtype = quantized_dtype(dtype)
    if not isinstance(axis, (int, np.integer)) or not -x.ndim <= axis < max(x.ndim, 1):
        raise ValueError(
            f"quantize_per_channel: axis {axis!r} is out of range for {x.ndim}-D input"
        )
    axis = int(axis) % x.ndim
    scales = _as_array(scales, "scales").astype(np.float64)
    zero_points = _as_array(zero_points, "zero_points")
    channels = x.shape[axis]
    if scales.shape != (channels,) or zero_points.shape != (channels,):
        raise ShapeError(
            f"quantize_per_channel: input {x.shape} has {channels} channels along axis {axis}, "
            f"so scales and zero_points must have shape ({channels},); got {scales.shape} and "
            f"{zero_points.shape}"
        )
    _check_scale(scales, "quantize_per_channel")
    _check_zero_point(zero_points, dtype, "quantize_per_channel")
    zero_points = zero_points.astype(np.int64)
    # BEGIN SOLUTION
    # TODO: quantize with the scales and zero points shaped to broadcast along axis.
    # HINT: _broadcastable(scales, zero_points, axis, x.ndim), then _quantize.
    scale, zero_point = _broadcastable(scales, zero_points, axis, x.ndim)
    data = _quantize(x, scale, zero_point, dtype)
    # END SOLUTION
    return QuantizedTensor(data, scales, zero_points, axis)


def dequantize(input: QuantizedTensor) -> Tensor:
    """The float32 values a quantized tensor stands for (``input.dequantize()``)."""
    if not isinstance(input, QuantizedTensor):
        raise TypeError(f"dequantize expects a QuantizedTensor, got {type(input).__name__}")
    return input.dequantize()
