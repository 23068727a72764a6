# Generated from solutions/tests/stage_09/test_pooling.py by scripts/build_stages.py: a regression check from stage 09.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 09: max and average pooling, forward and backward, and their layers.

The references below loop over output pixels and read each window straight from the
definition (PyTorch's rules for padding, ``ceil_mode`` and ``count_include_pad``).
"""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch import nn
from tinytorch_testing import assert_close, gradcheck
from tinytorch_testing.strategies import float_arrays


def out_size(size, kernel, stride, pad, dilation=1, ceil_mode=False):
    """PyTorch's pooling output size along one axis."""
    span = dilation * (kernel - 1) + 1
    rounding = math.ceil if ceil_mode else math.floor
    out = rounding((size + 2 * pad - span) / stride) + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1  # a window may not start inside the right padding
    return out


def max_pool_reference(x, grad, kernel, stride, pad, dilation=(1, 1), ceil_mode=False):
    """(output, input gradient): each window's max, and its gradient sent to the window's
    first maximum in row-major order (padding never wins)."""
    n, c, h, w = x.shape
    oh = out_size(h, kernel[0], stride[0], pad[0], dilation[0], ceil_mode)
    ow = out_size(w, kernel[1], stride[1], pad[1], dilation[1], ceil_mode)
    out = np.zeros((n, c, oh, ow), x.dtype)
    grad_x = np.zeros(x.shape)
    for i in range(n):
        for j in range(c):
            for y in range(oh):
                for z in range(ow):
                    best, where = -np.inf, None
                    for a in range(kernel[0]):
                        for b in range(kernel[1]):
                            r = y * stride[0] + a * dilation[0] - pad[0]
                            s = z * stride[1] + b * dilation[1] - pad[1]
                            if 0 <= r < h and 0 <= s < w and x[i, j, r, s] > best:
                                best, where = x[i, j, r, s], (r, s)
                    out[i, j, y, z] = best
                    grad_x[i, j, where[0], where[1]] += grad[i, j, y, z]
    return out, grad_x


def avg_pool_reference(
    x, kernel, stride, pad, ceil_mode=False, count_include_pad=True, divisor=None
):
    """Each window's sum over the real pixels, divided as PyTorch divides it."""
    n, c, h, w = x.shape
    oh = out_size(h, kernel[0], stride[0], pad[0], 1, ceil_mode)
    ow = out_size(w, kernel[1], stride[1], pad[1], 1, ceil_mode)
    out = np.zeros((n, c, oh, ow))
    for y in range(oh):
        for z in range(ow):
            top, left = y * stride[0] - pad[0], z * stride[1] - pad[1]
            # The window as far as it lies inside the padded input ...
            bottom, right = min(top + kernel[0], h + pad[0]), min(left + kernel[1], w + pad[1])
            with_padding = (bottom - top) * (right - left)
            # ... and as far as it covers real pixels.
            r0, r1, s0, s1 = max(top, 0), min(bottom, h), max(left, 0), min(right, w)
            total = x[:, :, r0:r1, s0:s1].sum(axis=(2, 3))
            count = with_padding if count_include_pad else (r1 - r0) * (s1 - s0)
            out[:, :, y, z] = total / (divisor or count)
    return out


def every_window_sees_the_image(size, kernel, stride, pad, dilation, ceil_mode):
    """Whether each window has a tap on a real pixel (PyTorch leaves all-padding windows undefined)."""
    for axis in range(2):
        n = out_size(size[axis], kernel[axis], stride[axis], pad[axis], dilation[axis], ceil_mode)
        for o in range(n):
            taps = [o * stride[axis] + a * dilation[axis] - pad[axis] for a in range(kernel[axis])]
            if not any(0 <= t < size[axis] for t in taps):
                return False
    return True


@st.composite
def pool_cases(draw, dilation=False):
    """(input shape, kernel, stride, padding, dilation, ceil_mode) PyTorch accepts."""
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dil = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilation else (1, 1)
    spans = [dil[a] * (kernel[a] - 1) + 1 for a in range(2)]
    pad = tuple(draw(st.integers(0, span // 2)) for span in spans)
    h = draw(st.integers(max(1, spans[0] - 2 * pad[0]), 7))
    w = draw(st.integers(max(1, spans[1] - 2 * pad[1]), 7))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), h, w)
    ceil_mode = draw(st.booleans())
    assume(every_window_sees_the_image((h, w), kernel, stride, pad, dil, ceil_mode))
    return shape, kernel, stride, pad, dil, ceil_mode


def small_integers(shape):
    """Arrays of a few distinct values: most windows hold ties."""
    return hnp.arrays(np.float32, shape, elements=st.integers(-2, 2).map(float))


# ----------------------------------------------------------------------------- max pooling


@given(case=pool_cases(dilation=True), data=st.data())
@pytest.mark.points(4, hint="pad with -inf (padding must never win), then max over the kh*kw taps")
def test_max_pool2d_matches_a_direct_loop(case, data):
    """F.max_pool2d equals the direct loop for random kernels, strides, paddings and ceil_mode."""
    shape, kernel, stride, pad, dilation, ceil_mode = case
    x = data.draw(float_arrays(shape))
    out = F.max_pool2d(tt.tensor(x), kernel, stride, pad, dilation, ceil_mode)
    grad = np.zeros(out.shape)
    expected, _ = max_pool_reference(x, grad, kernel, stride, pad, dilation, ceil_mode)
    assert_close(out, expected)


@given(case=pool_cases(dilation=True), data=st.data())
@pytest.mark.points(
    4, hint="one winner per window (the first maximum); overlapping windows add up at a pixel"
)
def test_max_pool2d_gradient_goes_to_each_windows_first_maximum(case, data):
    """With ties everywhere, each window's gradient goes to its first max; overlaps accumulate."""
    shape, kernel, stride, pad, dilation, ceil_mode = case
    x = data.draw(small_integers(shape))
    xt = tt.tensor(x, requires_grad=True)
    out = F.max_pool2d(xt, kernel, stride, pad, dilation, ceil_mode)
    grad = data.draw(float_arrays(out.shape, min_value=-1, max_value=1))
    out.backward(tt.tensor(grad))
    _, expected = max_pool_reference(
        x, grad.astype(np.float64), kernel, stride, pad, dilation, ceil_mode
    )
    assert_close(xt.grad, expected.astype(np.float32), atol=1e-5)


@given(case=pool_cases(dilation=True), seed=st.integers(0, 2**16))
@pytest.mark.points(2)
def test_max_pool2d_gradcheck(case, seed):
    """max_pool2d's backward matches finite differences (distinct values, so no ties)."""
    shape, kernel, stride, pad, dilation, ceil_mode = case
    rng = np.random.default_rng(seed)
    x = (rng.permutation(math.prod(shape)) * 0.1 + rng.uniform(0, 0.01, math.prod(shape))).reshape(
        shape
    )
    gradcheck(lambda x: F.max_pool2d(x, kernel, stride, pad, dilation, ceil_mode), x)


# ----------------------------------------------------------------------------- average pooling


@given(
    case=pool_cases(), include_pad=st.booleans(), divisor=st.sampled_from([None, 3]), data=st.data()
)
@pytest.mark.points(4, hint="count_include_pad=False divides each window by its real pixels only")
def test_avg_pool2d_matches_a_direct_loop(case, include_pad, divisor, data):
    """F.avg_pool2d equals the direct loop, with and without count_include_pad, ceil_mode, divisor_override."""
    shape, kernel, stride, pad, _, ceil_mode = case
    x = data.draw(float_arrays(shape))
    out = F.avg_pool2d(tt.tensor(x), kernel, stride, pad, ceil_mode, include_pad, divisor)
    expected = avg_pool_reference(x, kernel, stride, pad, ceil_mode, include_pad, divisor)
    assert_close(out, expected.astype(np.float32), rtol=1e-5, atol=1e-5)


@given(case=pool_cases(), include_pad=st.booleans(), seed=st.integers(0, 2**16))
@pytest.mark.points(3, hint="every pixel of a window receives grad / divisor")
def test_avg_pool2d_gradcheck(case, include_pad, seed):
    """avg_pool2d's backward matches finite differences."""
    shape, kernel, stride, pad, _, ceil_mode = case
    x = np.random.default_rng(seed).standard_normal(shape)
    gradcheck(lambda x: F.avg_pool2d(x, kernel, stride, pad, ceil_mode, include_pad), x)


# ----------------------------------------------------------------------------- the layers


@pytest.mark.points(2, hint="stride=None means stride = kernel_size (non-overlapping windows)")
def test_pooling_layers_defaults_dtype_and_unbatched_input():
    """MaxPool2d/AvgPool2d default the stride to the kernel, keep float32, take (C, H, W) input."""
    x = tt.randn(2, 3, 6, 7)
    for layer, reference in (
        (
            nn.MaxPool2d(2),
            lambda a: max_pool_reference(a, np.zeros((2, 3, 3, 3)), (2, 2), (2, 2), (0, 0))[0],
        ),
        (nn.AvgPool2d(2), lambda a: avg_pool_reference(a, (2, 2), (2, 2), (0, 0))),
    ):
        out = layer(x)
        assert out.shape == (2, 3, 3, 3) and out.dtype == tt.float32
        assert_close(out, reference(x.numpy()).astype(np.float32))
        assert_close(layer(x[0]), out[0])
    assert nn.MaxPool2d(3, stride=1, padding=1)(x).shape == (2, 3, 6, 7)
    assert nn.MaxPool2d(2, ceil_mode=True)(x).shape == (2, 3, 3, 4)
    assert nn.AvgPool2d((2, 3), stride=(1, 2))(x).shape == (2, 3, 5, 3)


@pytest.mark.points(2, hint="index = row * W + column of the winner, in the unpadded input")
def test_max_pool2d_return_indices():
    """return_indices gives, per output, the flat index (h * W + w) of the input it came from."""
    x = tt.tensor([[[[1.0, 5.0, 2.0], [7.0, 3.0, 7.0], [0.0, 9.0, 4.0]]]])
    out, indices = nn.MaxPool2d(2, stride=1, return_indices=True)(x)
    assert_close(out, np.array([[[[7.0, 7.0], [9.0, 9.0]]]], np.float32))
    assert indices.dtype == tt.int64
    assert indices.numpy().tolist() == [[[[3, 5], [7, 7]]]]


@pytest.mark.points(2, hint="validate before pooling; name the expected and the actual values")
def test_pooling_rejects_bad_input_clearly():
    """Too much padding, non-4-D input, a too-large kernel and bad strides fail with clear errors."""
    assert F.max_pool2d(tt.ones(1, 1, 2, 2), 2).shape == (1, 1, 1, 1)
    assert F.avg_pool2d(tt.ones(1, 1, 2, 2), 2).shape == (1, 1, 1, 1)
    with pytest.raises(ValueError, match=r"padding should be at most half of the kernel size"):
        F.max_pool2d(tt.ones(1, 1, 4, 4), 2, padding=2)
    with pytest.raises(ValueError, match=r"4-D input.*got a 2-D input of shape \(4, 4\)"):
        nn.AvgPool2d(2)(tt.ones(4, 4))
    with pytest.raises(ValueError, match=r"kernel spans 5 pixels but the padded input is only 4"):
        F.max_pool2d(tt.ones(1, 1, 4, 8), 5, padding=0)
    with pytest.raises(ValueError, match=r"stride must be at least 1, got 0"):
        nn.MaxPool2d(2, stride=0)
    with pytest.raises(TypeError, match=r"kernel_size must be an int or a pair of ints"):
        nn.AvgPool2d("2")
