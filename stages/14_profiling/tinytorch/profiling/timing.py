"""Latency you can trust: warm-up runs, then the median and spread of repeated timings.

The first call of anything is slow for reasons that have nothing to do with it: caches are
cold, memory is not yet allocated, lazy set-up runs. And any call can be slowed by the
operating system doing something else. So a measurement is:

1. ``warmup`` untimed calls, then
2. ``repeats`` timed calls, each between two readings of a clock, and
3. the **median** of those times (robust: one slow outlier does not move it) with the
   **interquartile range** ``IQR = Q3 - Q1`` (the spread of the middle half), instead of a
   mean and a standard deviation, which one outlier ruins.

The clock is a parameter (``time.perf_counter`` by default) so that tests can inject a fake
clock and check the statistics exactly.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Clock = Callable[[], float]


@dataclass(frozen=True)
class LatencyStats:
    """Statistics of repeated timings, in seconds.

    ``q1`` and ``q3`` are the 25th and 75th percentiles with linear interpolation between the
    sorted samples (NumPy's default method).
    """

    samples: tuple[float, ...]
    warmup: int
    median: float
    q1: float
    q3: float

    @property
    def iqr(self) -> float:
        """The interquartile range ``q3 - q1``."""
        return self.q3 - self.q1

    @property
    def repeats(self) -> int:
        return len(self.samples)

    @classmethod
    def from_samples(cls, samples: Sequence[float], warmup: int = 0) -> LatencyStats:
        """Summarize timed ``samples`` (seconds)."""
        if len(samples) == 0:
            raise ValueError("need at least one timed sample, got none")
        # TODO: the median and the 25th/75th percentiles of the samples.
        # HINT: np.percentile(samples, [25, 50, 75]) interpolates linearly, as documented.
        raise NotImplementedError(
            "stage 14: LatencyStats.from_samples: the median and the 25th/75th percentiles of the samples."
        )

    def __str__(self) -> str:
        return (
            f"median {self.median * 1e3:.3f} ms, IQR {self.iqr * 1e3:.3f} ms "
            f"({self.repeats} repeats after {self.warmup} warm-up)"
        )


def measure_latency(
    fn: Callable[[], object], warmup: int = 3, repeats: int = 10, clock: Clock = time.perf_counter
) -> LatencyStats:
    """Call ``fn()`` ``warmup`` times untimed, then time ``repeats`` calls with ``clock``.

    Raises:
        ValueError: ``warmup`` is negative or ``repeats`` is below 1.
    """
    if warmup < 0 or repeats < 1:
        raise ValueError(
            f"need warmup >= 0 and repeats >= 1, got warmup={warmup}, repeats={repeats}"
        )
    # TODO: run the warm-up calls, then time each repeat between two clock() readings.
    # HINT: read the clock only around the timed calls, and summarize with
    #   LatencyStats.from_samples(samples, warmup).
    raise NotImplementedError(
        "stage 14: measure_latency: run the warm-up calls, then time each repeat between two clock() readings."
    )
