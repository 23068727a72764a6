"""Stage 15: observers calibrate (scale, zero_point) from data: min-max, moving average,
per channel and percentile; affine and symmetric schemes, with zero always exact."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinytorch as tt
from tinytorch import quantization as Q

EPS = float(np.finfo(np.float32).eps)


def batches(min_value=-100.0, max_value=100.0):
    return hnp.arrays(
        np.float32, st.integers(1, 20), elements=st.floats(min_value, max_value, width=32)
    )


def expected_qparams(low, high, qmin, qmax, symmetric, middle=0):
    """PyTorch's formulas, with the range widened to contain zero."""
    low, high = min(low, 0.0), max(high, 0.0)
    if symmetric:
        scale = max(max(-low, high) / ((qmax - qmin) / 2), EPS)
        return scale, middle
    scale = max((high - low) / (qmax - qmin), EPS)
    return scale, int(np.clip(qmin - np.rint(low / scale), qmin, qmax))


@given(xs=st.lists(batches(), min_size=1, max_size=3), dtype=st.sampled_from([Q.qint8, Q.quint8]))
@pytest.mark.points(4, hint="min_neg = min(min, 0), max_pos = max(max, 0), then PyTorch's formulas")
def test_min_max_observer_affine_and_symmetric(xs, dtype):
    """MinMaxObserver tracks the running min and max and turns them into PyTorch's affine and
    symmetric (scale, zero_point); every observed value then round-trips within scale / 2."""
    qmin, qmax = (-128, 127) if dtype == Q.qint8 else (0, 255)
    low = float(min(x.min() for x in xs))
    high = float(max(x.max() for x in xs))
    for scheme, symmetric in ((Q.per_tensor_affine, False), (Q.per_tensor_symmetric, True)):
        observer = Q.MinMaxObserver(dtype=dtype, qscheme=scheme)
        for x in xs:
            assert observer(tt.tensor(x)) is not None
        scale, zero_point = observer.calculate_qparams()
        middle = 0 if dtype == Q.qint8 else 128
        want_scale, want_zero = expected_qparams(low, high, qmin, qmax, symmetric, middle)
        assert float(scale.numpy()[0]) == pytest.approx(want_scale, rel=1e-6)
        assert int(zero_point.numpy()[0]) == want_zero
        s, z = float(scale.numpy()[0]), int(zero_point.numpy()[0])
        every = np.concatenate(xs)
        q = Q.quantize_per_tensor(tt.tensor(every), s, z, dtype)
        assert np.abs(q.dequantize().numpy() - every).max() <= s / 2 * (1 + 1e-4) + 1e-5


@given(x=batches(), shift=st.floats(-50, 50), dtype=st.sampled_from([Q.qint8, Q.quint8]))
@pytest.mark.points(3, hint="affine: zero_point = qmin - round(min / scale) is an integer in range")
def test_zero_is_exactly_representable(x, shift, dtype):
    """With affine quantization 0.0 maps to the integer zero_point and back to exactly 0.0,
    whatever the data's range (all positive, all negative, or both)."""
    x = (x + np.float32(shift)).astype(np.float32)
    observer = Q.MinMaxObserver(dtype=dtype, qscheme=Q.per_tensor_affine)
    observer(tt.tensor(x))
    scale, zero_point = observer.calculate_qparams()
    z = int(zero_point.numpy()[0])
    qmin, qmax = (-128, 127) if dtype == Q.qint8 else (0, 255)
    assert qmin <= z <= qmax
    q = Q.quantize_per_tensor(tt.zeros(5), float(scale.numpy()[0]), z, dtype)
    assert q.int_repr().numpy().tolist() == [z] * 5
    assert q.dequantize().numpy().tolist() == [0.0] * 5


@given(xs=st.lists(batches(), min_size=1, max_size=4), c=st.sampled_from([0.01, 0.3, 1.0]))
@pytest.mark.points(
    2, hint="the first batch sets the values; later ones move a fraction c of the way"
)
def test_moving_average_min_max_observer(xs, c):
    """MovingAverageMinMaxObserver follows min += c * (batch_min - min), and the same for max."""
    observer = Q.MovingAverageMinMaxObserver(averaging_constant=c)
    low, high = float(xs[0].min()), float(xs[0].max())
    for i, x in enumerate(xs):
        observer(tt.tensor(x))
        if i:
            low += c * (float(x.min()) - low)
            high += c * (float(x.max()) - high)
    assert float(observer.min_val.numpy()) == pytest.approx(low, rel=1e-5, abs=1e-4)
    assert float(observer.max_val.numpy()) == pytest.approx(high, rel=1e-5, abs=1e-4)


@given(
    rows=st.integers(2, 6),
    cols=st.integers(2, 8),
    axis=st.integers(0, 1),
    data=st.data(),
)
@pytest.mark.points(2, hint="reduce over every axis except ch_axis")
def test_per_channel_observer_tracks_each_channel(rows, cols, axis, data):
    """PerChannelMinMaxObserver keeps one min and max per slice along ch_axis."""
    xs = [
        data.draw(hnp.arrays(np.float32, (rows, cols), elements=st.floats(-9, 9, width=32)))
        for _ in range(2)
    ]
    observer = Q.PerChannelMinMaxObserver(
        ch_axis=axis, dtype=Q.qint8, qscheme=Q.per_channel_symmetric
    )
    for x in xs:
        observer(tt.tensor(x))
    stacked = np.concatenate(xs, axis=1 - axis)
    other = 1 - axis
    np.testing.assert_array_equal(observer.min_val.numpy(), stacked.min(axis=other))
    np.testing.assert_array_equal(observer.max_val.numpy(), stacked.max(axis=other))
    scale, zero_point = observer.calculate_qparams()
    bound = np.maximum(
        -np.minimum(stacked.min(axis=other), 0), np.maximum(stacked.max(axis=other), 0)
    )
    np.testing.assert_allclose(scale.numpy(), np.maximum(bound / 127.5, EPS), rtol=1e-6)
    assert zero_point.numpy().tolist() == [0] * stacked.shape[axis]


@given(
    seed=st.integers(0, 2**16),
    scales=st.lists(st.sampled_from([0.01, 0.1, 1.0, 10.0]), min_size=3, max_size=6),
)
@pytest.mark.points(3, hint="one (scale, zero_point) per output row: a small row gets a fine grid")
def test_per_channel_beats_per_tensor_on_unequal_rows(seed, scales):
    """On a weight whose rows have very different ranges, per-channel quantization has a
    smaller error than per-tensor (and never a larger one on any row)."""
    rng = np.random.default_rng(seed)
    scales = [*scales, 100.0]  # at least one row much larger than the others
    w = (rng.standard_normal((len(scales), 16)) * np.array(scales)[:, None]).astype(np.float32)
    weight = tt.tensor(w)
    tensor_observer = Q.MinMaxObserver(dtype=Q.qint8, qscheme=Q.per_tensor_symmetric)
    tensor_observer(weight)
    s, z = tensor_observer.calculate_qparams()
    per_tensor = Q.quantize_per_tensor(weight, s, z, Q.qint8).dequantize().numpy()
    channel_observer = Q.PerChannelMinMaxObserver(0, dtype=Q.qint8, qscheme=Q.per_channel_symmetric)
    channel_observer(weight)
    s, z = channel_observer.calculate_qparams()
    per_channel = Q.quantize_per_channel(weight, s, z, 0, Q.qint8).dequantize().numpy()
    tensor_error = ((per_tensor - w) ** 2).mean(axis=1)
    channel_error = ((per_channel - w) ** 2).mean(axis=1)
    assert channel_error.sum() < tensor_error.sum()
    assert np.all(channel_error <= tensor_error * (1 + 1e-6) + 1e-12)


@given(seed=st.integers(0, 2**16), percentile=st.sampled_from([99.0, 99.8]))
@pytest.mark.points(3, hint="cumulative histogram counts: cut at most (100 - p) / 2 % off each end")
def test_percentile_observer_clips_rare_outliers(seed, percentile):
    """The percentile observer's range keeps all but the rarest values (within one bin of the
    exact percentiles), so on data with outliers its error on the common values is smaller
    than min-max calibration's."""
    rng = np.random.default_rng(seed)
    bulk = rng.standard_normal(4000).astype(np.float32)
    outliers = np.array([-1, -1, 1, 1], np.float32) * rng.uniform(40, 80, 4).astype(np.float32)
    data = np.concatenate([bulk[:2000], outliers, bulk[2000:]])
    observer = Q.PercentileObserver(percentile=percentile, bins=512)
    for part in np.split(data, 4):  # several batches: the histogram grows as needed
        observer(tt.tensor(part))
    low, high = float(observer.min_val.numpy()), float(observer.max_val.numpy())
    width = 2 * max(-data.min(), data.max()) / 512 * 2  # at most one (possibly doubled) bin
    tail = (100 - percentile) / 2
    assert abs(low - np.percentile(data, tail)) <= width + 1e-6
    assert abs(high - np.percentile(data, 100 - tail)) <= width + 1e-6
    assert (data < low).mean() <= tail / 100 + 1e-9 and (data > high).mean() <= tail / 100 + 1e-9

    def bulk_error(observer):
        scale, zero_point = observer.calculate_qparams()
        q = Q.quantize_per_tensor(tt.tensor(bulk), scale, zero_point, Q.quint8)
        return float(((q.dequantize().numpy() - bulk) ** 2).mean())

    min_max = Q.MinMaxObserver()
    min_max(tt.tensor(data))
    assert bulk_error(observer) < bulk_error(min_max) / 10
