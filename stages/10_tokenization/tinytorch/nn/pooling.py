"""Pooling layers: shrink feature maps by summarising each window with one number.

After a convolution finds features, pooling keeps *whether* a feature is present in a
neighbourhood and forgets *exactly where*: a 2x2 max pool halves height and width, so the next
convolution sees twice as far for the same cost, and small shifts of the input barely change
the output. Max pooling keeps the strongest response; average pooling the mean response.

Output size along each axis, as in PyTorch:
``floor((H + 2 * padding - dilation * (k - 1) - 1) / stride) + 1``, or ``ceil`` instead of
``floor`` with ``ceil_mode=True`` (the last window may then hang over the edge, but must start
inside the input or the left padding).
"""

from __future__ import annotations

import numpy as np

from tinytorch import dtypes
from tinytorch.errors import ShapeError
from tinytorch.nn.conv import _batched, _pair
from tinytorch.nn.module import Module
from tinytorch.ops import pooling as pooling_ops
from tinytorch.tensor import Tensor, _to_float


def _pool_geometry(name, x: Tensor, kernel_size, stride, padding, dilation, ceil_mode: bool):
    """Check a pooling's settings; return its pairs and ((top, bottom), (left, right)) padding.

    The bottom/right padding includes the extra room ``ceil_mode`` windows hang into.
    """
    kernel = _pair(kernel_size, "kernel_size", 1)
    stride = kernel if stride is None else _pair(stride, "stride", 1)
    pad = _pair(padding, "padding", 0)
    dilation = _pair(dilation, "dilation", 1)
    pads = []
    for axis in range(2):
        span = dilation[axis] * (kernel[axis] - 1) + 1
        if 2 * pad[axis] > span:
            raise ShapeError(
                f"{name}: padding should be at most half of the kernel size, got padding={padding} "
                f"for kernel_size={kernel_size}"
            )
        size, s, p = x.shape[2 + axis], stride[axis], pad[axis]
        room = size + 2 * p - span
        if room < 0:
            raise ShapeError(
                f"{name}: the kernel spans {span} pixels but the padded input is only "
                f"{size + 2 * p} along dim {2 + axis} (input shape {x.shape}): the kernel "
                "cannot be larger than the padded input"
            )
        out = (-(-room // s) if ceil_mode else room // s) + 1
        if ceil_mode and (out - 1) * s >= size + p:
            out -= 1  # the last window would start in the right padding: PyTorch drops it
        extra = max(0, (out - 1) * s + span - (size + 2 * p))
        pads.append((p, p + extra))
    return kernel, stride, dilation, (pads[0], pads[1])


def _avg_divisor(x: Tensor, kernel, stride, pads, ceil_mode, count_include_pad, override):
    """What each window's sum is divided by: a number, or an (OH, OW) array of counts."""
    if override is not None:
        if not isinstance(override, (int, np.integer)) or override == 0:
            raise ValueError(f"divisor_override must be a non-zero int, got {override!r}")
        return float(override)
    hanging = any(p[1] != p[0] for p in pads)
    if count_include_pad and not hanging:
        return float(kernel[0] * kernel[1])
    counts = []
    for axis in range(2):
        size, p = x.shape[2 + axis], pads[axis][0]
        n_out = (size + sum(pads[axis]) - kernel[axis]) // stride[axis] + 1
        start = np.arange(n_out) * stride[axis] - p  # window start, in input coordinates
        low, high = (-p, size + p) if count_include_pad else (0, size)
        counts.append(np.minimum(start + kernel[axis], high) - np.maximum(start, low))
    return np.outer(counts[0], counts[1]).astype(x.dtype)


def max_pool2d(
    input: Tensor,
    kernel_size,
    stride=None,
    padding=0,
    dilation=1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """The maximum of each window, as ``F.max_pool2d`` (input (N, C, H, W) or (C, H, W)).

    ``stride`` defaults to ``kernel_size`` (non-overlapping windows). With
    ``return_indices=True`` also returns, for each output, the flat index ``h * W + w`` of the
    input element it came from (int64).
    """
    x, unbatched = _batched(input, "max_pool2d")
    x = _to_float(x)
    kernel, stride, dilation, pads = _pool_geometry(
        "max_pool2d", x, kernel_size, stride, padding, dilation, ceil_mode
    )
    fn = pooling_ops.MaxPool2d(kernel, stride, pads, dilation)
    out = fn(x)
    if return_indices:
        # Row and column of every window's winner: tap (i, j) of window (oh, ow) reads
        # padded pixel (oh*sh + i*dh, ow*sw + j*dw).
        winners = fn.winners(x.data, out.data)
        oh, ow = out.shape[2:]
        rows = np.arange(kernel[0])[:, None, None, None] * dilation[0]
        rows = rows + np.arange(oh)[:, None] * stride[0] - pads[0][0]
        cols = np.arange(kernel[1])[None, :, None, None] * dilation[1]
        cols = cols + np.arange(ow)[None, :] * stride[1] - pads[1][0]
        flat = rows * x.shape[3] + cols  # (kh, kw, OH, OW)
        index = (winners * flat).sum(axis=(2, 3)).astype(dtypes.int64)
        indices = Tensor._wrap(index[0] if unbatched else index)
        return (out.reshape(out.shape[1:]) if unbatched else out), indices
    return out.reshape(out.shape[1:]) if unbatched else out


def avg_pool2d(
    input: Tensor,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """The mean of each window, as ``F.avg_pool2d`` (input (N, C, H, W) or (C, H, W)).

    ``stride`` defaults to ``kernel_size``. Padding adds zeros; with ``count_include_pad``
    (the default) they count in the mean, otherwise each window divides by its number of real
    input elements. ``divisor_override`` replaces the divisor altogether.
    """
    x, unbatched = _batched(input, "avg_pool2d")
    x = _to_float(x)
    kernel, stride, _, pads = _pool_geometry(
        "avg_pool2d", x, kernel_size, stride, padding, 1, ceil_mode
    )
    divisor = _avg_divisor(x, kernel, stride, pads, ceil_mode, count_include_pad, divisor_override)
    out = pooling_ops.AvgPool2d.apply(
        x, kernel_size=kernel, stride=stride, padding=pads, divisor=divisor
    )
    return out.reshape(out.shape[1:]) if unbatched else out


class _Pool2d(Module):
    """What both pooling layers share: a window of ``kernel_size`` moved by ``stride`` (the
    kernel size unless given) over the input padded by ``padding``. The settings are checked
    when the layer is built, as PyTorch does, so a bad one fails there, not at the first call."""

    def __init__(self, kernel_size, stride, padding, ceil_mode: bool) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.ceil_mode = padding, ceil_mode
        _pair(self.kernel_size, "kernel_size", 1)
        _pair(self.stride, "stride", 1)
        _pair(self.padding, "padding", 0)


class MaxPool2d(_Pool2d):
    """Max pooling layer, as ``torch.nn.MaxPool2d``; ``stride`` defaults to ``kernel_size``."""

    def __init__(
        self,
        kernel_size,
        stride=None,
        padding=0,
        dilation=1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__(kernel_size, stride, padding, ceil_mode)
        self.dilation, self.return_indices = dilation, return_indices
        _pair(self.dilation, "dilation", 1)

    def forward(self, input: Tensor):
        """Pool ``input`` (N, C, H, W) or (C, H, W)."""
        return max_pool2d(
            input, self.kernel_size, self.stride, self.padding, self.dilation,
            ceil_mode=self.ceil_mode, return_indices=self.return_indices,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class AvgPool2d(_Pool2d):
    """Average pooling layer, as ``torch.nn.AvgPool2d``; ``stride`` defaults to ``kernel_size``."""

    def __init__(
        self,
        kernel_size,
        stride=None,
        padding=0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__(kernel_size, stride, padding, ceil_mode)
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input: Tensor) -> Tensor:
        """Pool ``input`` (N, C, H, W) or (C, H, W)."""
        return avg_pool2d(
            input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
            self.count_include_pad, self.divisor_override,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
