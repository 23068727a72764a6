"""QuantizedLinear: a Linear layer with int8 weights and an int32-accumulating matmul.

This is *dynamic* quantization, as ``torch.ao.nn.quantized.dynamic.Linear``:

- the weight is quantized once, ahead of time, to int8 with a symmetric scheme (zero point 0)
  per tensor or per output row, and stored as int8: a quarter of its float32 bytes;
- each input batch is quantized on the fly to uint8 with an affine scheme fitted to that
  batch's own min and max (nothing to calibrate), using 7 bits (``reduce_range``, [0, 127])
  as PyTorch's x86 kernels do, which keeps every product below ``127 * 128``;
- the matmul runs on integers and accumulates in int32 (:func:`int_matmul`); one
  multiplication by ``scale_x * scale_w`` per output brings the result back to float, and
  the float32 bias is added.

Why is that the same computation? With ``x ≈ s_x (q_x - z_x)`` and ``w ≈ s_w q_w``,

    y = x @ w^T + b ≈ s_x * s_w * ((q_x - z_x) @ q_w^T) + b

and everything inside the parentheses is integer arithmetic. The layer is for inference
only: it has no parameters and no backward pass.
"""

from __future__ import annotations

import numpy as np

from tinytorch.errors import ShapeError
from tinytorch.nn.linear import Linear
from tinytorch.nn.module import Module
from tinytorch.quantization.integer import int_matmul
from tinytorch.quantization.observer import (
    EPS,
    MinMaxObserver,
    ObserverBase,
    PerChannelMinMaxObserver,
)
from tinytorch.quantization.qtensor import (
    QuantizedTensor,
    per_channel_symmetric,
    per_tensor_symmetric,
    qint8,
    quantize_per_channel,
    quantize_per_tensor,
)
from tinytorch.tensor import Tensor

#: Activations are quantized to uint8 with one bit of headroom: [0, 127].
ACTIVATION_RANGE = (0, 127)


def quantize_activation(x: np.ndarray) -> tuple[np.ndarray, float, int]:
    """Quantize a float batch to [0, 127] (uint8 with 7 bits), affine, fitted to its own range.

    Returns ``(q - zero_point, scale, zero_point)``: the centered integers are what the
    integer matmul multiplies. With q and zero_point both in [0, 127] they lie in
    [-127, 127], so they are stored as int8, and ``int_matmul`` can bound them by their
    dtype without scanning them. The parameters follow :func:`calculate_qparams` for one
    range (widened to contain 0, so zero is exact), computed on Python floats: this runs on
    every forward call, and NumPy's per-call overhead on 0-d arrays would cost more than
    the arithmetic.
    """
    low, high = ACTIVATION_RANGE
    # TODO: scale and zero point from the batch's range, then q = clamp(round(x / scale) +
    #   zero_point, 0, 127); return q - zero_point as int8, scale, zero_point.
    # HINT: min_neg = min(x.min(), 0), max_pos = max(x.max(), 0); scale = max((max_pos -
    #   min_neg) / 127, EPS); zero_point = low - round(min_neg / scale) (Python's round
    #   halves to even, as np.rint). Multiply by 1 / scale in float32 and work in place
    #   (np.rint(q, out=q), np.clip(..., out=q)): this runs on every forward.
    raise NotImplementedError(
        "stage 15: quantize_activation: scale and zero point from the batch's range, then q = clamp(round(x / scale) + zero_point, 0, 127); return q - zero_point as int8, scale, zero_point."
    )


class QuantizedLinear(Module):
    """``y = x W^T + b`` with an int8 weight, as ``torch.ao.nn.quantized.dynamic.Linear``.

    Build one from a trained layer with :meth:`from_float`. Buffers (saved in
    ``state_dict``): ``weight_int8`` (out, in) int8, ``weight_scale`` float32 with one entry
    (per tensor) or one per output row (per channel), ``bias`` float32 or None. The weight's
    zero point is always 0 (symmetric quantization), so it is not stored.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        super().__init__()
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.register_buffer("weight_int8", Tensor(np.zeros((out_features, in_features), np.int8)))
        self.register_buffer("weight_scale", Tensor(np.ones(1, np.float32)))
        self.register_buffer("bias", Tensor(np.zeros(out_features, np.float32)) if bias else None)

    @classmethod
    def from_float(
        cls, mod: Linear, weight_observer: ObserverBase | None = None
    ) -> QuantizedLinear:
        """Quantize a float ``nn.Linear``: observe its weight, then store it as int8.

        Args:
            weight_observer: a symmetric qint8 observer; the default is
                ``MinMaxObserver(dtype=qint8, qscheme=per_tensor_symmetric)``; pass a
                ``PerChannelMinMaxObserver(ch_axis=0, dtype=qint8,
                qscheme=per_channel_symmetric)`` for one scale per output row.
        """
        if not isinstance(mod, Linear):
            raise TypeError(
                f"QuantizedLinear.from_float expects an nn.Linear, got {type(mod).__name__}"
            )
        if weight_observer is None:
            weight_observer = MinMaxObserver(dtype=qint8, qscheme=per_tensor_symmetric)
        if weight_observer.dtype != qint8 or weight_observer.qscheme not in (
            per_tensor_symmetric,
            per_channel_symmetric,
        ):
            raise ValueError(
                "QuantizedLinear stores a symmetric int8 weight: the weight observer must have "
                f"dtype=qint8 and a symmetric qscheme, got {weight_observer.dtype} and "
                f"{weight_observer.qscheme}"
            )
        layer = cls(mod.in_features, mod.out_features, bias=mod.bias is not None)
        # TODO: run the observer on the weight, quantize it with the observer's qparams
        #   (per tensor, or per channel along axis 0), and fill the buffers.
        # HINT: isinstance(weight_observer, PerChannelMinMaxObserver) tells which; store
        #   qweight.int_repr().data in weight_int8, the scale(s) as float32, and a copy of
        #   the float bias.
        raise NotImplementedError(
            "stage 15: QuantizedLinear.from_float: run the observer on the weight, quantize it with the observer's qparams (per tensor, or per channel along axis 0), and fill the buffers."
        )
        return layer

    def weight(self) -> QuantizedTensor:
        """The quantized weight (as PyTorch's ``qlinear.weight()``)."""
        scale = self.weight_scale.data.astype(np.float64)
        if scale.size == 1:
            return QuantizedTensor(self.weight_int8.data, float(scale[0]), 0)
        return QuantizedTensor(self.weight_int8.data, scale, np.zeros(scale.size, np.int64), 0)

    def forward(self, input: Tensor) -> Tensor:
        if not isinstance(input, Tensor) or input.ndim == 0 or input.shape[-1] != self.in_features:
            raise ShapeError(
                f"QuantizedLinear expected input of shape (*, {self.in_features}), got "
                f"{getattr(input, 'shape', type(input).__name__)}"
            )
        x = input.data.reshape(-1, self.in_features)
        # TODO: quantize the batch, integer-matmul it with the int8 weight (transposed),
        #   rescale the int32 result by scale_x * weight_scale, add the bias.
        # HINT: quantize_activation(x) gives the centered integers and scale_x; int_matmul
        #   returns int32; weight_scale broadcasts over the rows (one value, or one per
        #   output); keep the result float32.
        raise NotImplementedError(
            "stage 15: QuantizedLinear.forward: quantize the batch, integer-matmul it with the int8 weight (transposed), rescale the int32 result by scale_x * weight_scale, add the bias."
        )
        return Tensor._wrap(out.reshape(*input.shape[:-1], self.out_features))

    def extra_repr(self) -> str:
        scheme = "per_tensor" if self.weight_scale.data.size == 1 else "per_channel"
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"dtype=qint8, qscheme={scheme}_symmetric"
        )
