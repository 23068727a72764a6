"""How every systems script measures: the median of repeated timings, and peak memory.

One timing of a fast operation is mostly noise. The first call pays for things later calls do
not: allocating buffers, filling the CPU caches, lazy set-up. Any call can be slowed by the
operating system running something else. So each time these scripts print is the *median* of
several timed runs, taken after untimed warm-up runs: the median ignores the odd slow run that
a mean would average in. ``time.perf_counter`` is Python's highest-resolution clock for
measuring intervals.

Memory is measured with ``tracemalloc``, which records every allocation Python makes, NumPy's
array buffers included: the peak during a call, minus what was allocated before it, is the
extra memory that call needed at its busiest moment.

The scripts import these helpers as ``from systems.measure import median_seconds``.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable


def median_seconds(fn: Callable[[], object], repeats: int = 5, warmup: int = 1) -> float:
    """The median wall time of ``fn()`` over ``repeats`` timed runs, after ``warmup`` untimed runs.

    Raises:
        ValueError: ``repeats`` is below 1 or ``warmup`` below 0.
    """
    if repeats < 1 or warmup < 0:
        raise ValueError(
            f"need repeats >= 1 and warmup >= 0, got repeats={repeats}, warmup={warmup}"
        )
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_bytes(fn: Callable[[], object]) -> int:
    """The peak of memory allocated while ``fn()`` runs, above what was allocated before it."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before
