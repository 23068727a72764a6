"""tinytorch.quantization: int8 numbers, measured error, a quarter of the bytes.

- :func:`quantize_per_tensor`, :func:`quantize_per_channel` and :class:`QuantizedTensor`
  (``int_repr``, ``q_scale``, ``q_zero_point``, ``dequantize``), as PyTorch's;
- observers that calibrate a scale and zero point from data: :class:`MinMaxObserver`,
  :class:`MovingAverageMinMaxObserver`, :class:`PerChannelMinMaxObserver`,
  :class:`PercentileObserver`; affine and symmetric schemes;
- :func:`int_matmul`: exact integer matrix products accumulated in int32;
- :class:`QuantizedLinear` and :func:`quantize_dynamic`, as ``torch.ao.quantization``.
"""

from tinytorch.quantization.integer import int_matmul
from tinytorch.quantization.linear import QuantizedLinear, quantize_activation
from tinytorch.quantization.observer import (
    MinMaxObserver,
    MovingAverageMinMaxObserver,
    ObserverBase,
    PercentileObserver,
    PerChannelMinMaxObserver,
    calculate_qparams,
)
from tinytorch.quantization.qtensor import (
    QuantizedTensor,
    dequantize,
    per_channel_affine,
    per_channel_symmetric,
    per_tensor_affine,
    per_tensor_symmetric,
    qint8,
    quant_range,
    quantize_per_channel,
    quantize_per_tensor,
    quint8,
)
from tinytorch.quantization.quantize import quantize_dynamic

__all__ = [
    "MinMaxObserver",
    "MovingAverageMinMaxObserver",
    "ObserverBase",
    "PerChannelMinMaxObserver",
    "PercentileObserver",
    "QuantizedLinear",
    "QuantizedTensor",
    "calculate_qparams",
    "dequantize",
    "int_matmul",
    "per_channel_affine",
    "per_channel_symmetric",
    "per_tensor_affine",
    "per_tensor_symmetric",
    "qint8",
    "quant_range",
    "quantize_activation",
    "quantize_dynamic",
    "quantize_per_channel",
    "quantize_per_tensor",
    "quint8",
]
