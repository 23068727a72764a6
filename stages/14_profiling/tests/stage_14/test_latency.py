# Generated from solutions/tests/stage_14/test_latency.py by scripts/build_stages.py: graded in this stage.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 14: latency statistics (warm-up, median, interquartile range), checked exactly with
an injected clock that only moves when the code under test "works"."""

import statistics

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import nn
from tinytorch.profiling import LatencyStats, measure_latency, profile


class FakeClock:
    """A clock that stands still until someone advances it."""

    def __init__(self):
        self.now = 0.0
        self.reads = 0

    def __call__(self):
        self.reads += 1
        return self.now


def quartiles(samples):
    """(Q1, median, Q3) with linear interpolation between order statistics."""
    if len(samples) == 1:
        return samples[0], samples[0], samples[0]
    q1, median, q3 = statistics.quantiles(samples, n=4, method="inclusive")
    return q1, median, q3


durations = st.lists(st.integers(1, 1000).map(lambda ms: ms / 1000), min_size=1, max_size=12)


@given(times=durations, warmup=st.integers(0, 3), data=st.data())
@pytest.mark.points(
    4, hint="warm-up calls are run but never timed; then clock() before and after each"
)
def test_measure_latency_statistics_with_injected_clock(times, warmup, data):
    """measure_latency runs ``warmup`` untimed calls, then reports the median and IQR of the
    timed ones exactly."""
    repeats = data.draw(st.integers(1, 10))
    script = [100.0] * warmup + [times[i % len(times)] for i in range(repeats)]  # warm-up is slow
    clock, calls = FakeClock(), []

    def work():
        clock.now += script[len(calls)]
        calls.append(1)

    stats = measure_latency(work, warmup=warmup, repeats=repeats, clock=clock)
    timed = script[warmup:]
    q1, median, q3 = quartiles(timed)
    assert len(calls) == warmup + repeats
    assert stats.samples == pytest.approx(timed)
    assert (stats.median, stats.q1, stats.q3) == pytest.approx((median, q1, q3))
    assert stats.iqr == pytest.approx(q3 - q1)
    assert (stats.warmup, stats.repeats) == (warmup, repeats)


@pytest.mark.points(1, hint="np.percentile(samples, [25, 50, 75]) interpolates linearly")
def test_latency_stats_from_samples():
    """The median and IQR are robust: one huge outlier barely moves them."""
    stats = LatencyStats.from_samples([1.0, 2.0, 3.0, 4.0, 1000.0])
    assert (stats.q1, stats.median, stats.q3, stats.iqr) == (2.0, 3.0, 4.0, 2.0)
    with pytest.raises(ValueError, match="at least one"):
        LatencyStats.from_samples([])


class Busy(nn.Module):
    """Advances the fake clock by the next scripted duration on each call."""

    def __init__(self, clock, durations):
        super().__init__()
        self.clock, self.durations, self.calls = clock, list(durations), 0

    def forward(self, x):
        self.clock.now += self.durations[self.calls % len(self.durations)]
        self.calls += 1
        return x * 1.0


@given(a=durations, b=durations, warmup=st.integers(0, 2), repeats=st.integers(1, 6))
@pytest.mark.points(4, hint="time each module between its pre-hook and its forward hook, per run")
def test_profile_latency_per_layer_with_injected_clock(a, b, warmup, repeats):
    """profile() reports, per module, the median and IQR of its forward's time over the timed
    runs only; a container's time is its children's."""
    clock = FakeClock()
    model = nn.Sequential(Busy(clock, a), Busy(clock, b))
    report = profile(model, tt.ones(2, 3), warmup=warmup, repeats=repeats, clock=clock)
    rows = {row.name: row for row in report}
    calls_before = {"0": model[0].calls - warmup - repeats, "1": model[1].calls - warmup - repeats}
    timed = {}
    for name, script in (("0", a), ("1", b)):
        first = calls_before[name] + warmup
        timed[name] = [script[(first + i) % len(script)] for i in range(repeats)]
    timed[""] = [x + y for x, y in zip(timed["0"], timed["1"], strict=True)]
    for name, samples in timed.items():
        q1, median, q3 = quartiles(samples)
        latency = rows[name].latency
        assert (latency.median, latency.q1, latency.q3) == pytest.approx((median, q1, q3))
        assert (latency.warmup, latency.repeats) == (warmup, repeats)
    assert np.isfinite(rows[""].latency.iqr)
