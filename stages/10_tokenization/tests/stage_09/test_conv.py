# Generated from solutions/tests/stage_09/test_conv.py by scripts/build_stages.py: a regression check from stage 09.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 09: 2-D convolution (im2col windows, col2im, Conv2d forward and backward, nn.Conv2d).

Every result is compared with a direct loop written here from the definition of a convolution:
one output pixel at a time, the sum of its receptive field times the kernel.
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch import nn
from tinytorch.ops.conv import col2im, windows
from tinytorch_testing import assert_close, gradcheck
from tinytorch_testing.strategies import float_arrays


def conv_reference(x, w, b=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1):
    """out[n, o, y, x] = b[o] + sum(receptive field of (y, x) in o's group * w[o]), in float64."""
    n, _, h, width = x.shape
    o, c_g, kh, kw = w.shape
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (width + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, o, oh, ow))
    for i in range(n):
        for j in range(o):
            g = j // (o // groups)
            for y in range(oh):
                for z in range(ow):
                    field = xp[
                        i,
                        g * c_g : (g + 1) * c_g,
                        y * sh : y * sh + dh * (kh - 1) + 1 : dh,
                        z * sw : z * sw + dw * (kw - 1) + 1 : dw,
                    ]
                    out[i, j, y, z] = np.sum(field * w[j]) + (0.0 if b is None else b[j])
    return out


@st.composite
def conv_cases(draw, dilation=False, groups=False):
    """(input shape, weight shape, stride, padding, dilation, groups) that fit together."""
    g = draw(st.integers(1, 2)) if groups else 1
    n, c_g, o_g = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    dil = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilation else (1, 1)
    span_h, span_w = dil[0] * (kh - 1) + 1, dil[1] * (kw - 1) + 1
    h = draw(st.integers(max(1, span_h - 2 * padding[0]), 7))
    w = draw(st.integers(max(1, span_w - 2 * padding[1]), 7))
    return (n, c_g * g, h, w), (o_g * g, c_g, kh, kw), stride, padding, dil, g


def padded(shape, padding):
    """The shape of an (N, C, H, W) input after padding, which the windows of a case fit."""
    return (*shape[:2], shape[2] + 2 * padding[0], shape[3] + 2 * padding[1])


# ----------------------------------------------------------------------------- im2col


@given(case=conv_cases(dilation=True), data=st.data())
@pytest.mark.points(
    2, hint="windows(x)[n, c, i, j] is x[n, c, i*dh :: sh, j*dw :: sw], cut to OH x OW"
)
def test_windows_match_their_definition(case, data):
    """windows() is a view whose [n, c, i, j, y, x] is the pixel tap (i, j) sees at output (y, x)."""
    x_shape, w_shape, stride, padding, dilation, _ = case
    x_shape = padded(x_shape, padding)
    x = data.draw(float_arrays(x_shape))
    kh, kw = w_shape[2:]
    view = windows(x, (kh, kw), stride, dilation)
    oh = (x_shape[2] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (x_shape[3] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    assert view.shape == (*x_shape[:2], kh, kw, oh, ow)
    assert np.shares_memory(view, x), "windows must be a view of x, not a copy"
    for i in range(kh):
        for j in range(kw):
            for y in range(oh):
                for z in range(ow):
                    expected = x[
                        :, :, y * stride[0] + i * dilation[0], z * stride[1] + j * dilation[1]
                    ]
                    np.testing.assert_array_equal(view[:, :, i, j, y, z], expected)


@given(case=conv_cases(dilation=True), seed=st.integers(0, 2**16))
@pytest.mark.points(2, hint="overlapping windows share pixels: add (+=), never assign")
def test_col2im_is_the_adjoint_of_windows(case, seed):
    """col2im is the transpose of windows: <windows(x), c> == <x, col2im(c)> for any x and c."""
    x_shape, w_shape, stride, padding, dilation, _ = case
    x_shape = padded(x_shape, padding)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(x_shape)
    view = windows(x, w_shape[2:], stride, dilation)
    cols = rng.standard_normal(view.shape)
    back = col2im(cols, x_shape, stride, dilation)
    assert back.shape == x_shape
    assert math.isclose(np.sum(view * cols), np.sum(x * back), rel_tol=1e-9, abs_tol=1e-9)


# ----------------------------------------------------------------------------- forward


@given(case=conv_cases(), bias=st.booleans(), data=st.data())
@pytest.mark.points(5, hint="pad, gather the windows into columns, one matmul, add the bias")
def test_conv2d_matches_a_direct_loop(case, bias, data):
    """F.conv2d equals the direct loop for random shapes, kernel sizes, strides and paddings."""
    x_shape, w_shape, stride, padding, _, _ = case
    x = data.draw(float_arrays(x_shape, min_value=-2, max_value=2))
    w = data.draw(float_arrays(w_shape, min_value=-2, max_value=2))
    b = data.draw(float_arrays((w_shape[0],), min_value=-2, max_value=2)) if bias else None
    out = F.conv2d(tt.tensor(x), tt.tensor(w), None if b is None else tt.tensor(b), stride, padding)
    expected = conv_reference(x, w, b, stride, padding).astype(np.float32)
    assert_close(out, expected, rtol=1e-5, atol=1e-4)


@given(case=conv_cases(dilation=True, groups=True), data=st.data())
@pytest.mark.points(3, hint="dilation spaces the taps; groups split channels into separate convs")
def test_conv2d_with_dilation_and_groups_matches_a_direct_loop(case, data):
    """F.conv2d with dilation and groups equals the direct loop."""
    x_shape, w_shape, stride, padding, dilation, groups = case
    x = data.draw(float_arrays(x_shape, min_value=-2, max_value=2))
    w = data.draw(float_arrays(w_shape, min_value=-2, max_value=2))
    b = data.draw(float_arrays((w_shape[0],), min_value=-2, max_value=2))
    out = F.conv2d(tt.tensor(x), tt.tensor(w), tt.tensor(b), stride, padding, dilation, groups)
    expected = conv_reference(x, w, b, stride, padding, dilation, groups).astype(np.float32)
    assert_close(out, expected, rtol=1e-5, atol=1e-4)


@given(case=conv_cases(dilation=True))
@pytest.mark.points(2)
def test_conv2d_output_shape_formula(case):
    """The output is (N, C_out, OH, OW) with OH = floor((H + 2p - d(k - 1) - 1) / s) + 1."""
    x_shape, w_shape, stride, padding, dilation, _ = case
    out = nn.Conv2d(
        x_shape[1], w_shape[0], w_shape[2:], stride=stride, padding=padding, dilation=dilation
    )(tt.zeros(x_shape))
    oh, ow = (
        math.floor(
            (x_shape[2 + a] + 2 * padding[a] - dilation[a] * (w_shape[2 + a] - 1) - 1) / stride[a]
        )
        + 1
        for a in range(2)
    )
    assert out.shape == (x_shape[0], w_shape[0], oh, ow)


# ----------------------------------------------------------------------------- backward


@given(case=conv_cases(), seed=st.integers(0, 2**16))
@pytest.mark.points(5, hint="grad_w = grad @ cols^T, grad_cols = w^T @ grad, then col2im")
def test_conv2d_gradcheck(case, seed):
    """Conv2d's backward matches finite differences for the input, the weight and the bias."""
    x_shape, w_shape, stride, padding, _, _ = case
    rng = np.random.default_rng(seed)
    x, w, b = (rng.standard_normal(s) for s in (x_shape, w_shape, w_shape[:1]))
    gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride, padding), x, w, b)


@given(case=conv_cases(dilation=True, groups=True), seed=st.integers(0, 2**16))
@pytest.mark.points(2)
def test_conv2d_gradcheck_with_dilation_and_groups(case, seed):
    """The backward pass is right with dilation and groups too."""
    x_shape, w_shape, stride, padding, dilation, groups = case
    rng = np.random.default_rng(seed)
    x, w, b = (rng.standard_normal(s) for s in (x_shape, w_shape, w_shape[:1]))
    gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride, padding, dilation, groups), x, w, b)


@pytest.mark.points(2, hint="float32 in, float32 out: keep every temporary in the input's dtype")
def test_conv2d_keeps_float32_forward_and_backward():
    """float32 input and parameters give a float32 output and float32 gradients."""
    tt.manual_seed(0)
    conv = nn.Conv2d(2, 3, 3, padding=1)
    x = tt.randn(2, 2, 5, 5, requires_grad=True)
    out = conv(x)
    assert out.dtype == tt.float32
    out.backward(tt.randn(*out.shape))
    for grad in (x.grad, conv.weight.grad, conv.bias.grad):
        assert grad.dtype == tt.float32


# ----------------------------------------------------------------------------- the layer


@pytest.mark.points(3, hint="bound = 1/sqrt(in_channels // groups * kh * kw), for weight and bias")
def test_conv2d_layer_parameters_and_init():
    """nn.Conv2d has PyTorch's parameter shapes, counts and init range U(-1/sqrt(fan_in), ...)."""
    tt.manual_seed(0)
    conv = nn.Conv2d(16, 32, (3, 5))
    assert conv.weight.shape == (32, 16, 3, 5) and conv.bias.shape == (32,)
    assert sum(p.numel() for p in conv.parameters()) == 32 * 16 * 3 * 5 + 32
    bound = 1 / math.sqrt(16 * 3 * 5)
    w = conv.weight.numpy()
    assert np.abs(w).max() <= bound and np.abs(conv.bias.numpy()).max() <= bound
    # 7680 uniform draws: the spread fills the range (std of U(-a, a) is a / sqrt(3)).
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound and abs(w.mean()) < 0.05 * bound
    assert w.dtype == np.float32 and conv.weight.requires_grad
    no_bias = nn.Conv2d(4, 6, 3, bias=False)
    assert no_bias.bias is None and [n for n, _ in no_bias.named_parameters()] == ["weight"]
    grouped = nn.Conv2d(4, 6, 3, groups=2)
    assert grouped.weight.shape == (6, 2, 3, 3)
    assert np.abs(grouped.weight.numpy()).max() <= 1 / math.sqrt(2 * 9)
    tt.manual_seed(1)
    first = nn.Conv2d(3, 4, 3).weight.numpy().copy()
    tt.manual_seed(1)
    assert np.array_equal(first, nn.Conv2d(3, 4, 3).weight.numpy()), "init must use the seed"


@pytest.mark.points(2, hint="a 3-D (C, H, W) input is one unbatched image: add and drop dim 0")
def test_conv2d_layer_forward_unbatched_and_same_padding():
    """nn.Conv2d calls conv2d; takes an unbatched (C, H, W) image; padding='same' keeps H x W."""
    tt.manual_seed(0)
    conv = nn.Conv2d(3, 4, 3, stride=2, padding=1)
    x = tt.randn(2, 3, 7, 6)
    out = conv(x)
    expected = conv_reference(x.numpy(), conv.weight.numpy(), conv.bias.numpy(), (2, 2), (1, 1))
    assert_close(out, expected.astype(np.float32), rtol=1e-5, atol=1e-5)
    single = conv(x[1])
    assert single.shape == out.shape[1:]
    assert_close(single, out[1])
    same = nn.Conv2d(3, 2, (4, 3), padding="same")(x)  # even kernel: the extra zero goes last
    assert same.shape == (2, 2, 7, 6)
    assert repr(conv) == "Conv2d(3, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))"


def copy_padded(x, pad, mode):
    """x padded by ``pad`` = (ph, pw) with copies of its own pixels, index by index."""
    h, w = x.shape[2:]

    def source(i, size, p):
        i -= p
        if mode == "circular":
            return i % size
        if mode == "replicate":
            return min(max(i, 0), size - 1)
        return -i if i < 0 else (2 * (size - 1) - i if i >= size else i)  # reflect

    rows = [source(i, h, pad[0]) for i in range(h + 2 * pad[0])]
    cols = [source(j, w, pad[1]) for j in range(w + 2 * pad[1])]
    return x[:, :, rows][:, :, :, cols]


@given(
    mode=st.sampled_from(["reflect", "replicate", "circular"]),
    size=st.tuples(st.integers(3, 6), st.integers(3, 6)),
    pad=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    stride=st.integers(1, 2),
    seed=st.integers(0, 2**16),
)
@pytest.mark.points(2, hint="padding_mode pads with copies of pixels; their gradients add up")
def test_conv2d_layer_padding_modes(mode, size, pad, stride, seed):
    """padding_mode 'reflect', 'replicate' and 'circular' pad with the right pixels, and backprop."""
    rng = np.random.default_rng(seed)
    conv = nn.Conv2d(2, 3, 3, stride=stride, padding=pad, padding_mode=mode, dtype=tt.float64)
    x = rng.standard_normal((2, 2, *size))
    expected = conv_reference(
        copy_padded(x, pad, mode), conv.weight.numpy(), conv.bias.numpy(), (stride, stride)
    )
    assert_close(conv(tt.tensor(x)), expected)
    gradcheck(lambda x: conv(x), x)


@pytest.mark.points(
    2, hint="check the input before computing: name what was expected and what arrived"
)
def test_conv2d_rejects_bad_input_clearly():
    """Wrong channel count, non-4-D input, a kernel larger than the input and bad settings fail clearly."""
    conv = nn.Conv2d(3, 4, 3)
    assert conv(tt.zeros(1, 3, 3, 3)).shape == (1, 4, 1, 1)
    with pytest.raises(ValueError, match=r"expects 3 input channels.*has 2 channels"):
        conv(tt.zeros(1, 2, 5, 5))
    with pytest.raises(ValueError, match=r"4-D input.*got a 2-D input of shape \(5, 5\)"):
        conv(tt.zeros(5, 5))
    with pytest.raises(
        ValueError, match=r"kernel spans 3x3 pixels but the padded input is only 2x5"
    ):
        conv(tt.zeros(1, 3, 2, 5))
    with pytest.raises(ValueError, match=r"stride must be at least 1, got 0"):
        nn.Conv2d(3, 4, 3, stride=0)
    with pytest.raises(ValueError, match=r"padding must be at least 0, got -1"):
        nn.Conv2d(3, 4, 3, padding=-1)
    with pytest.raises(ValueError, match=r"kernel_size must be at least 1"):
        nn.Conv2d(3, 4, (3, 0))
    with pytest.raises(TypeError, match=r"stride must be an int or a pair of ints, got 1.5"):
        nn.Conv2d(3, 4, 3, stride=1.5)
    with pytest.raises(ValueError, match=r"divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match=r"padding='same' needs stride 1"):
        nn.Conv2d(3, 4, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match=r"padding_mode must be one of .*got 'mirror'"):
        nn.Conv2d(3, 4, 3, padding_mode="mirror")
