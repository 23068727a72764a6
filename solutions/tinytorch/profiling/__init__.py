"""tinytorch.profiling: measure a model before optimizing it.

- :func:`count_parameters`, :func:`count_flops` and :class:`FlopCounterMode` (as
  ``torch.utils.flop_counter``): size and arithmetic, counted exactly from shapes;
- :func:`profile`: a per-layer table of parameters, FLOPs, activation bytes, latency
  (median and IQR after warm-up) and peak memory, printable and exportable to JSON/CSV;
- :class:`Profiler` (as ``torch.profiler.profile``): every operation's time, grouped by
  :meth:`Profiler.key_averages`;
- :func:`measure_latency`: the timing discipline everything above uses.
"""

from tinytorch.profiling.flops import (
    FlopCounterMode,
    conv_flop,
    count_flops,
    flop_registry,
    layer_norm_flop,
    matmul_flop,
    register_flop_formula,
    sdpa_flop,
)
from tinytorch.profiling.layers import LayerProfile, ProfileReport, count_parameters, profile
from tinytorch.profiling.profiler import EventAverage, EventList, Profiler, ProfilerEvent
from tinytorch.profiling.timing import LatencyStats, measure_latency

__all__ = [
    "EventAverage",
    "EventList",
    "FlopCounterMode",
    "LatencyStats",
    "LayerProfile",
    "ProfileReport",
    "Profiler",
    "ProfilerEvent",
    "conv_flop",
    "count_flops",
    "count_parameters",
    "flop_registry",
    "layer_norm_flop",
    "matmul_flop",
    "measure_latency",
    "profile",
    "register_flop_formula",
    "sdpa_flop",
]
