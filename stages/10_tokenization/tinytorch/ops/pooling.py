"""Max and average pooling: summarise each window of an image by one number.

Pooling reuses the receptive fields of :mod:`tinytorch.ops.conv`. There are only kh*kw kernel
taps but thousands of windows, so both directions loop over the taps and let NumPy handle all
windows of one tap at once: ``windows(x)[:, :, i, j]`` is the (OH, OW) image of tap (i, j).

- **Max pooling** keeps each window's largest value. Its gradient goes to that one element
  (PyTorch's rule: the first maximum in the window, in row-major order, wins ties); where
  windows overlap, one element can win several windows and collects all their gradients.
- **Average pooling** takes each window's mean, so each element of a window receives
  ``grad / divisor``.
"""

from __future__ import annotations

import numpy as np

from tinytorch.function import Function
from tinytorch.ops.conv import Padding, col2im, pad2d, windows


class MaxPool2d(Function):
    """The largest value of each (dilated) window; padding counts as -infinity."""

    def __init__(
        self,
        kernel_size: tuple[int, int],
        stride: tuple[int, int],
        padding: Padding = ((0, 0), (0, 0)),
        dilation: tuple[int, int] = (1, 1),
    ) -> None:
        self.kernel_size, self.stride = kernel_size, stride
        self.padding, self.dilation = padding, dilation

    def _windows(self, x: np.ndarray) -> np.ndarray:
        padded = pad2d(x, self.padding, value=-np.inf)
        return windows(padded, self.kernel_size, self.stride, self.dilation)

    def forward(self, x: np.ndarray) -> np.ndarray:
        view = self._windows(x)
        kh, kw = self.kernel_size
        out = view[:, :, 0, 0].copy()
        for i in range(kh):
            for j in range(kw):
                if i or j:
                    np.maximum(out, view[:, :, i, j], out=out)
        return out

    def winners(self, x: np.ndarray, out: np.ndarray) -> np.ndarray:
        """A (N, C, kh, kw, OH, OW) mask: True at the one element each window's max came from.

        Recomputed from the input ``x`` and the output ``out`` instead of stored by forward,
        so inference never pays for it. Ties go to the first tap in row-major order, as in
        PyTorch.
        """
        view = self._windows(x)
        mask = np.empty(view.shape, dtype=bool)
        claimed = np.zeros(out.shape, dtype=bool)
        kh, kw = self.kernel_size
        for i in range(kh):
            for j in range(kw):
                won = view[:, :, i, j] == out
                won &= ~claimed
                claimed |= won
                mask[:, :, i, j] = won
        return mask

    def backward(self, grad: np.ndarray):
        (x,) = self.inputs
        n, c, h, w = x.shape
        (top, bottom), (left, right) = self.padding
        cols = self.winners(x, self.output) * grad[:, :, None, None]
        padded_shape = (n, c, h + top + bottom, w + left + right)
        grad_x = col2im(cols, padded_shape, self.stride, self.dilation)
        return (grad_x[:, :, top : top + h, left : left + w],)


class AvgPool2d(Function):
    """The mean of each window: the window's sum divided by ``divisor``.

    ``divisor`` is a number (kh*kw, or PyTorch's ``divisor_override``) or an (OH, OW) array
    when windows near the border count fewer elements (``count_include_pad=False``, or
    ``ceil_mode`` windows that hang over the edge).
    """

    def __init__(
        self,
        kernel_size: tuple[int, int],
        stride: tuple[int, int],
        padding: Padding = ((0, 0), (0, 0)),
        divisor: float | np.ndarray = 1.0,
    ) -> None:
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.divisor = divisor

    def forward(self, x: np.ndarray) -> np.ndarray:
        view = windows(pad2d(x, self.padding), self.kernel_size, self.stride)
        kh, kw = self.kernel_size
        out = view[:, :, 0, 0].copy()
        for i in range(kh):
            for j in range(kw):
                if i or j:
                    out += view[:, :, i, j]
        out /= self.divisor
        return out

    def backward(self, grad: np.ndarray):
        (x,) = self.inputs
        n, c, h, w = x.shape
        kh, kw = self.kernel_size
        (top, bottom), (left, right) = self.padding
        share = (grad / self.divisor).astype(grad.dtype, copy=False)
        cols = np.broadcast_to(share[:, :, None, None], (n, c, kh, kw, *grad.shape[2:]))
        padded_shape = (n, c, h + top + bottom, w + left + right)
        grad_x = col2im(cols, padded_shape, self.stride)
        return (grad_x[:, :, top : top + h, left : left + w],)
