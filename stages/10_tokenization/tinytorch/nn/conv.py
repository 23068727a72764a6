"""Conv2d: the layer that made computer vision work, and its functional twin ``conv2d``.

A fully connected layer on a 32x32 RGB image needs 3072 weights per output unit and forgets
that neighbouring pixels belong together. A convolution reuses one small kernel at every
position instead: the same edge detector works anywhere in the image (translation
equivariance), and a 3x3 kernel over 3 channels has 27 weights however large the image is.

Shapes follow PyTorch (NCHW): input (N, C_in, H, W) or unbatched (C_in, H, W), weight
(C_out, C_in // groups, kh, kw), output (N, C_out, OH, OW) with, along each axis,
``OH = floor((H + 2 * padding - dilation * (kh - 1) - 1) / stride) + 1``.
"""

from __future__ import annotations

import math

import numpy as np

from tinytorch import dtypes
from tinytorch.errors import ShapeError
from tinytorch.nn import init
from tinytorch.nn.module import Module
from tinytorch.nn.parameter import Parameter
from tinytorch.ops import conv as conv_ops
from tinytorch.tensor import Tensor, _cast, _to_float


def _pair(value, name: str, minimum: int) -> tuple[int, int]:
    """``3`` -> (3, 3) and ``(3, 5)`` -> (3, 5), checking each is an int >= ``minimum``."""
    pair = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(pair) != 2 or not all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in pair
    ):
        raise TypeError(f"{name} must be an int or a pair of ints, got {value!r}")
    if any(v < minimum for v in pair):
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
    return int(pair[0]), int(pair[1])


def _positive_int(value, name: str) -> int:
    """``value`` as an int, checking it is a positive integer (and not a bool)."""
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def _batched(input: Tensor, name: str) -> tuple[Tensor, bool]:
    """A 4-D view of a 3-D (C, H, W) or 4-D (N, C, H, W) input, and whether it was unbatched."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{name} expects a tinytorch.Tensor input, got {type(input).__name__}")
    if input.ndim not in (3, 4):
        raise ShapeError(
            f"{name} expects a 4-D input (N, C, H, W) or a 3-D unbatched input (C, H, W), "
            f"got a {input.ndim}-D input of shape {input.shape}"
        )
    return (input.unsqueeze(0), True) if input.ndim == 3 else (input, False)


def _check_fits(name: str, size: tuple[int, int], padding, span: tuple[int, int]) -> None:
    """The (dilated) kernel must fit inside the padded input at least once."""
    padded = (size[0] + sum(padding[0]), size[1] + sum(padding[1]))
    if padded[0] < span[0] or padded[1] < span[1]:
        raise ShapeError(
            f"{name}: the kernel spans {span[0]}x{span[1]} pixels but the padded input is only "
            f"{padded[0]}x{padded[1]} (input {size[0]}x{size[1]} plus padding): the kernel "
            "cannot be larger than the padded input"
        )


def _conv_padding(padding, kernel: tuple[int, int], dilation: tuple[int, int], stride):
    """((top, bottom), (left, right)) from an int, a pair, 'valid' or 'same'."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise ValueError(f"padding='same' needs stride 1, got stride={stride}")
            # The output keeps the input's size; an odd total puts the extra zero at the end.
            totals = (dilation[0] * (kernel[0] - 1), dilation[1] * (kernel[1] - 1))
            return tuple((t // 2, t - t // 2) for t in totals)
        raise ValueError(f"padding must be an int, a pair, 'valid' or 'same', got {padding!r}")
    ph, pw = _pair(padding, "padding", 0)
    return (ph, ph), (pw, pw)


def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride=1,
    padding=0,
    dilation=1,
    groups: int = 1,
) -> Tensor:
    """2-D convolution (cross-correlation) of ``input`` with ``weight``, as ``F.conv2d``.

    Args:
        input: (N, C_in, H, W), or (C_in, H, W) for one image.
        weight: (C_out, C_in // groups, kh, kw).
        bias: (C_out,) or None.
        stride, dilation: an int or an (h, w) pair, each >= 1.
        padding: zeros added on every side: an int, an (h, w) pair, ``'valid'`` (none) or
            ``'same'`` (output as large as the input; stride 1 only).
        groups: split the channels into this many independent convolutions.

    Integer inputs become float32, and mixed float dtypes are promoted (a float64 input and
    a float32 weight give float64) where PyTorch would refuse them.
    """
    x, unbatched = _batched(input, "conv2d")
    if not isinstance(weight, Tensor) or weight.ndim != 4:
        shape = getattr(weight, "shape", type(weight).__name__)
        raise ShapeError(f"conv2d expects a 4-D weight (C_out, C_in/groups, kh, kw), got {shape}")
    groups = _positive_int(groups, "groups")
    out_channels, group_channels, kh, kw = weight.shape
    if x.shape[1] != group_channels * groups:
        raise ShapeError(
            f"conv2d: the weight {weight.shape} (groups={groups}) expects "
            f"{group_channels * groups} input channels, but the input {input.shape} has "
            f"{x.shape[1]} channels"
        )
    if out_channels % groups:
        raise ShapeError(f"out_channels ({out_channels}) must be divisible by groups ({groups})")
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise ShapeError(f"conv2d expects a bias of shape ({out_channels},), got {bias.shape}")
    stride = _pair(stride, "stride", 1)
    dilation = _pair(dilation, "dilation", 1)
    pads = _conv_padding(padding, (kh, kw), dilation, stride)
    span = (dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1)
    _check_fits("conv2d", x.shape[2:], pads, span)

    tensors = [_to_float(t) for t in ([x, weight] if bias is None else [x, weight, bias])]
    target = tensors[0].dtype
    for t in tensors[1:]:
        target = dtypes.promote_types(target, t.dtype)
    tensors = [_cast(t, target) for t in tensors]
    out = conv_ops.Conv2d.apply(
        *tensors, stride=stride, padding=pads, dilation=dilation, groups=groups
    )
    return out.reshape(out.shape[1:]) if unbatched else out


#: Conv2d's padding modes, and the np.pad mode each one is.
PADDING_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _pad_by_copying(x: Tensor, pads, mode: str) -> Tensor:
    """``x`` (N, C, H, W) padded in ``mode`` ('reflect', 'replicate' or 'circular')."""
    for axis, (before, after) in enumerate(pads):
        size = x.shape[2 + axis]
        limit = size - 1 if mode == "reflect" else size
        if max(before, after) > limit:
            raise ShapeError(
                f"padding_mode={mode!r} can pad dim {2 + axis} by at most {limit} (the input "
                f"has {size} there, shape {x.shape}), got padding {(before, after)}"
            )
    return conv_ops.Pad2d.apply(x, padding=pads, mode=PADDING_MODES[mode])


class Conv2d(Module):
    """2-D convolution layer, as ``torch.nn.Conv2d``.

    Args:
        in_channels, out_channels: channels of the input and of the output.
        kernel_size: an int or an (h, w) pair.
        stride, padding, dilation, groups: as in :func:`conv2d`.
        bias: learn a per-output-channel bias (default True).
        padding_mode: what the padding holds: ``'zeros'``, or copies of the image's own pixels,
            mirrored (``'reflect'``), repeated from the edge (``'replicate'``) or wrapped
            around (``'circular'``).
        dtype: the parameters' dtype (float32 by default).

    The weight (out_channels, in_channels // groups, kh, kw) and bias (out_channels,) start
    uniform in ``[-1/sqrt(fan_in), 1/sqrt(fan_in)]`` with ``fan_in = in_channels // groups * kh
    * kw``: PyTorch's default, ``kaiming_uniform_(a=sqrt(5))``.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        dtype=None,
    ) -> None:
        super().__init__()
        self.in_channels = _positive_int(in_channels, "in_channels")
        self.out_channels = _positive_int(out_channels, "out_channels")
        self.groups = _positive_int(groups, "groups")
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"in_channels ({in_channels}) and out_channels ({out_channels}) must both be "
                f"divisible by groups ({groups})"
            )
        self.kernel_size = _pair(kernel_size, "kernel_size", 1)
        self.stride = _pair(stride, "stride", 1)
        self.dilation = _pair(dilation, "dilation", 1)
        self.padding = padding if isinstance(padding, str) else _pair(padding, "padding", 0)
        _conv_padding(self.padding, self.kernel_size, self.dilation, self.stride)  # validate
        if padding_mode not in PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {sorted(PADDING_MODES)}, got {padding_mode!r}"
            )
        self.padding_mode = padding_mode
        dtype = dtypes.default_float if dtype is None else dtypes.as_dtype(dtype)
        shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty((self.out_channels,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default: kaiming_uniform_(a=sqrt(5)) for the weight, which is
        U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same range for the bias."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * self.weight.shape[2] * self.weight.shape[3]
            bound = 1.0 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        """Convolve ``input`` (N, in_channels, H, W) or (in_channels, H, W)."""
        args = (self.weight, self.bias, self.stride)
        if self.padding_mode == "zeros":
            return conv2d(input, *args, self.padding, self.dilation, self.groups)
        # Pad with copies of the image's pixels first, then convolve without padding.
        x, unbatched = _batched(input, "Conv2d")
        pads = _conv_padding(self.padding, self.kernel_size, self.dilation, self.stride)
        x = _pad_by_copying(x, pads, self.padding_mode)
        out = conv2d(x, *args, 0, self.dilation, self.groups)
        return out.reshape(out.shape[1:]) if unbatched else out

    def extra_repr(self) -> str:
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text
