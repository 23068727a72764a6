"""Stage 15: quantize_per_tensor / quantize_per_channel store real int8/uint8, round-trip
within scale/2 inside their range, clamp outside it, and dequantize as (q - zero_point) * scale."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinytorch as tt
from tinytorch import quantization as Q

RANGES = {np.dtype(np.int8): (-128, 127), np.dtype(np.uint8): (0, 255)}
dtypes = st.sampled_from([Q.qint8, Q.quint8])
scales = st.floats(1e-3, 10.0)


def slack(values):
    """float32 rounding of the dequantized values (one ulp of the largest magnitude)."""
    return float(np.spacing(np.float32(np.abs(values).max() + 1e-30)))


@st.composite
def grid(draw):
    """(dtype, scale, zero_point, low, high): a quantization grid and the range it covers."""
    dtype = np.dtype(draw(dtypes))
    qmin, qmax = RANGES[dtype]
    scale = draw(scales)
    zero_point = draw(st.integers(qmin, qmax))
    return dtype, scale, zero_point, (qmin - zero_point) * scale, (qmax - zero_point) * scale


@given(g=grid(), data=st.data())
@pytest.mark.points(
    4, hint="q = clamp(rint(x / scale) + zero_point, qmin, qmax); store as int8/uint8"
)
def test_round_trip_error_is_at_most_half_a_step(g, data):
    """Inside the grid's range, |x - dequantize(quantize(x))| <= scale / 2, and the stored
    integers really are int8/uint8 (one byte each)."""
    dtype, scale, zero_point, low, high = g
    fractions = data.draw(hnp.arrays(np.float64, st.integers(1, 30), elements=st.floats(0, 1)))
    x = (low + fractions * (high - low)).astype(np.float32)
    x = np.clip(x, low, high)  # float32 rounding must not step outside
    q = Q.quantize_per_tensor(tt.tensor(x), scale, zero_point, dtype)
    stored = q.int_repr()
    assert stored.dtype == dtype and stored.numpy().nbytes == x.size
    assert (q.q_scale(), q.q_zero_point()) == (pytest.approx(scale), zero_point)
    back = q.dequantize()
    assert back.dtype == tt.float32 and back.shape == x.shape
    error = np.abs(back.numpy().astype(np.float64) - x)
    assert error.max() <= scale / 2 * (1 + 1e-6) + slack(x)
    expected = (stored.numpy().astype(np.float64) - zero_point) * scale
    np.testing.assert_allclose(back.numpy(), expected, rtol=1e-6, atol=slack(x))


@given(g=grid(), far=st.floats(1.0, 100.0))
@pytest.mark.points(3, hint="clamp to [qmin, qmax] after adding the zero point")
def test_values_outside_the_range_clamp_to_its_ends(g, far):
    """Values beyond the grid's ends come back as the ends themselves."""
    dtype, scale, zero_point, low, high = g
    qmin, qmax = RANGES[dtype]
    x = np.array([low - far * scale, high + far * scale], dtype=np.float32)
    q = Q.quantize_per_tensor(tt.tensor(x), scale, zero_point, dtype)
    assert q.int_repr().numpy().tolist() == [qmin, qmax]
    np.testing.assert_allclose(q.dequantize().numpy(), [low, high], rtol=1e-6)


@given(
    shape=st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 3)),
    axis=st.integers(-3, 2),
    dtype=dtypes,
    data=st.data(),
)
@pytest.mark.points(
    4, hint="reshape scales/zero points to broadcast along axis ((C, 1, 1) for axis 0)"
)
def test_per_channel_quantizes_each_slice_with_its_own_parameters(shape, axis, dtype, data):
    """quantize_per_channel along ``axis`` equals quantizing each slice per tensor with that
    channel's scale and zero point."""
    qmin, qmax = RANGES[np.dtype(dtype)]
    channels = shape[axis]
    x = data.draw(hnp.arrays(np.float32, shape, elements=st.floats(-50, 50, width=32)))
    steps = np.array(data.draw(st.lists(scales, min_size=channels, max_size=channels)))
    zeros = np.array(
        data.draw(st.lists(st.integers(qmin, qmax), min_size=channels, max_size=channels))
    )
    q = Q.quantize_per_channel(tt.tensor(x), tt.tensor(steps), tt.tensor(zeros), axis, dtype)
    assert q.int_repr().dtype == np.dtype(dtype) and q.q_per_channel_axis() == axis % 3
    np.testing.assert_allclose(q.q_per_channel_scales().numpy(), steps)
    assert q.q_per_channel_zero_points().numpy().tolist() == zeros.tolist()
    ints, values = q.int_repr().numpy(), q.dequantize().numpy()
    for c in range(channels):
        piece = np.take(x, c, axis=axis)
        alone = Q.quantize_per_tensor(tt.tensor(piece), steps[c], int(zeros[c]), dtype)
        np.testing.assert_array_equal(np.take(ints, c, axis=axis), alone.int_repr().numpy())
        np.testing.assert_allclose(np.take(values, c, axis=axis), alone.dequantize().numpy())
    with pytest.raises(RuntimeError, match="per-channel"):
        q.q_scale()


@pytest.mark.points(2, hint="check scale > 0, zero_point inside the dtype's range, a float input")
def test_bad_quantization_parameters_are_rejected():
    """A bad scale, zero point, dtype or channel count is refused with a clear message."""
    x = tt.randn(3, 4)
    assert Q.quantize_per_tensor(x, 0.1, 0, Q.qint8).int_repr().dtype == tt.int8
    with pytest.raises(ValueError, match="scale must be positive"):
        Q.quantize_per_tensor(x, 0.0, 0, Q.qint8)
    with pytest.raises(ValueError, match=r"zero_point must lie in .*\[-128, 127\], got 200"):
        Q.quantize_per_tensor(x, 0.1, 200, Q.qint8)
    with pytest.raises(TypeError, match=r"int8 .* or uint8"):
        Q.quantize_per_tensor(x, 0.1, 0, tt.int32)
    with pytest.raises(ValueError, match="3 channels along axis 0"):
        Q.quantize_per_channel(x, tt.ones(4), tt.zeros(4, dtype=tt.int64), 0, Q.qint8)
