"""2-D convolution as one big matrix product (im2col), forward and backward.

A convolution slides a small kernel over the image and takes a dot product at every stop. Written
as loops that is seven nested ``for`` statements; written for NumPy it is two steps:

1. **im2col**: gather every receptive field into one column, so a (C, H, W) image becomes a
   matrix with C*kh*kw rows and one column per output pixel. ``windows`` builds these fields as
   a strided *view* (no copy); reshaping the view into a matrix makes the one copy.
2. **matmul**: the (out_channels, C*kh*kw) weight matrix times that column matrix is the whole
   convolution, done by the BLAS library at full speed.

The backward pass is the same idea in reverse: matrix products give the gradients of the weight
and of the columns, and **col2im** adds each column's gradient back onto the pixels it was
gathered from (a pixel sits in up to kh*kw windows, so the contributions add up).

Shapes follow PyTorch: input (N, C, H, W), weight (out_channels, C // groups, kh, kw).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tinytorch.function import Function

#: ((top, bottom), (left, right)) zeros added around the image before the kernel slides.
Padding = tuple[tuple[int, int], tuple[int, int]]


def conv_output_size(size: int, kernel: int, stride: int, padding: int, dilation: int = 1) -> int:
    """How many positions a kernel takes along one axis: floor((size + padding - span) / stride) + 1.

    ``padding`` is the total added on both sides, and ``span = dilation * (kernel - 1) + 1`` is
    how far the (possibly dilated) kernel reaches.
    """
    span = dilation * (kernel - 1) + 1
    return (size + padding - span) // stride + 1


def pad2d(x: np.ndarray, padding: Padding, value: float = 0.0) -> np.ndarray:
    """``x`` with ``value`` added around its last two axes (returned as is when no padding)."""
    if not any(padding[0] + padding[1]):
        return x
    return np.pad(x, ((0, 0),) * (x.ndim - 2) + tuple(padding), constant_values=value)


def windows(
    x: np.ndarray,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int] = (1, 1),
    writeable: bool = False,
) -> np.ndarray:
    """Every receptive field of ``x`` (N, C, H, W) as a view of shape (N, C, kh, kw, OH, OW).

    ``windows(x, ...)[n, c, i, j]`` is the (OH, OW) image of the pixels that kernel tap (i, j)
    sees at each output position: ``x[n, c, oh*sh + i*dh, ow*sw + j*dw]``. Nothing is copied;
    with ``writeable=True`` the view can be written through (col2im does that).
    """
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    view = sliding_window_view(x, span, axis=(2, 3), writeable=writeable)
    view = view[:, :, ::sh, ::sw, ::dh, ::dw]
    return view.transpose(0, 1, 4, 5, 2, 3)


def col2im(
    cols: np.ndarray,
    shape: tuple[int, ...],
    stride: tuple[int, int],
    dilation: tuple[int, int] = (1, 1),
) -> np.ndarray:
    """The adjoint of :func:`windows`: add each window value back onto the pixel it came from.

    ``cols`` has the windows' shape (N, C, kh, kw, OH, OW); the result has ``shape`` (N, C, H, W).
    Windows overlap when the stride is smaller than the kernel, so a pixel can receive several
    contributions: they must add up, not overwrite each other.
    """
    out = np.zeros(shape, dtype=cols.dtype)
    kh, kw = cols.shape[2:4]
    view = windows(out, (kh, kw), stride, dilation, writeable=True)
    for i in range(kh):
        for j in range(kw):
            view[:, :, i, j] += cols[:, :, i, j]
    return out


class Pad2d(Function):
    """Pad the last two axes by copying input pixels: NumPy's 'reflect', 'edge' or 'wrap' mode.

    Conv2d's ``padding_mode`` ('reflect', 'replicate', 'circular'). Every padded pixel is a copy
    of one input pixel, so the backward pass adds each padded pixel's gradient onto its source.
    Which source? Pad an array of pixel *indices* the same way, and it says.
    """

    def __init__(self, padding: Padding, mode: str) -> None:
        self.padding, self.mode = padding, mode

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.pad(x, ((0, 0),) * (x.ndim - 2) + tuple(self.padding), mode=self.mode)

    def backward(self, grad: np.ndarray):
        (x,) = self.inputs
        h, w = x.shape[-2:]
        source = np.pad(np.arange(h * w).reshape(h, w), self.padding, mode=self.mode)
        rows = grad.reshape(-1, source.size)
        out = np.zeros((rows.shape[0], h * w), dtype=grad.dtype)
        np.add.at(out, (slice(None), source.reshape(-1)), rows)  # repeated sources add up
        return (out.reshape(x.shape),)


class Conv2d(Function):
    """Cross-correlation of a batch of images with a bank of filters, plus an optional bias.

    ``out[n, o, y, x] = bias[o] + sum over c, i, j of
    weight[o, c, i, j] * padded[n, g*C_g + c, y*sh + i*dh, x*sw + j*dw]``, where ``g`` is the
    group of output channel ``o`` (each group of channels is convolved separately).
    """

    def __init__(
        self,
        stride: tuple[int, int] = (1, 1),
        padding: Padding = ((0, 0), (0, 0)),
        dilation: tuple[int, int] = (1, 1),
        groups: int = 1,
    ) -> None:
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, groups

    def forward(self, x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None):
        n = x.shape[0]
        o, c_g, kh, kw = weight.shape
        g = self.groups
        view = windows(pad2d(x, self.padding), (kh, kw), self.stride, self.dilation)
        oh, ow = view.shape[-2:]
        self.cols = view.reshape(n, g, c_g * kh * kw, oh * ow)  # im2col: the one copy
        out = np.matmul(weight.reshape(g, o // g, c_g * kh * kw), self.cols)
        out = out.reshape(n, o, oh, ow)
        if bias is not None:
            out += bias.reshape(o, 1, 1)
        return out

    def backward(self, grad: np.ndarray):
        x, weight = self.inputs[:2]
        n, c, h, w = x.shape
        o, c_g, kh, kw = weight.shape
        g = self.groups
        oh, ow = grad.shape[2:]
        grad = grad.reshape(n, g, o // g, oh * ow)
        grad_x = grad_weight = grad_bias = None
        if self.needs_input_grad[0]:
            w_mat = weight.reshape(g, o // g, c_g * kh * kw)
            grad_cols = np.matmul(w_mat.transpose(0, 2, 1), grad)
            grad_cols = grad_cols.reshape(n, c, kh, kw, oh, ow)
            (top, bottom), (left, right) = self.padding
            padded_shape = (n, c, h + top + bottom, w + left + right)
            grad_x = col2im(grad_cols, padded_shape, self.stride, self.dilation)
            grad_x = grad_x[:, :, top : top + h, left : left + w]
        if self.needs_input_grad[1]:
            grad_weight = np.matmul(grad, self.cols.transpose(0, 1, 3, 2)).sum(axis=0)
            grad_weight = grad_weight.reshape(weight.shape)
        if len(self.inputs) == 3 and self.needs_input_grad[2]:
            grad_bias = grad.sum(axis=(0, 3)).reshape(o)
        return (grad_x, grad_weight, grad_bias)[: len(self.inputs)]
