# Generated from solutions/tests/stage_14/test_flops.py by scripts/build_stages.py: a regression check from stage 14.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 14: FLOPs counted exactly from shapes (a multiply-add is 2 FLOPs), forward and backward.

Every expected count below is written out from the definition of the operation: one
multiply-add per term of each dot product, times two.
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import nn
from tinytorch.profiling import FlopCounterMode, conv_flop, count_flops, matmul_flop
from tinytorch_testing.strategies import matmul_shapes


@given(shapes=matmul_shapes(max_batch_dims=2, max_side=5))
@pytest.mark.points(3, hint="2 * batch * m * k * n; a 1-D a is one row, a 1-D b one column")
def test_matmul_flops_are_two_per_multiply_add(shapes):
    """``a @ b`` costs 2 FLOPs per multiply-add: 2 * (output elements) * k, batches broadcast."""
    a_shape, b_shape = shapes
    k = a_shape[-1]
    expected = 2 * math.prod(np.matmul(np.zeros(a_shape), np.zeros(b_shape)).shape) * k
    assert matmul_flop(a_shape, b_shape) == expected
    with FlopCounterMode() as counter:
        tt.zeros(*a_shape) @ tt.zeros(*b_shape)
    assert counter.get_total_flops() == expected
    assert counter.get_flop_counts()["Global"] == {"MatMul": expected}


@given(
    batch=st.integers(1, 6),
    lead=st.sampled_from([(), (3,)]),
    features=st.tuples(st.integers(1, 9), st.integers(1, 9)),
    bias=st.booleans(),
)
@pytest.mark.points(3, hint="a Linear is one matmul: 2 * batch * in * out; the bias is not counted")
def test_linear_flops_exact_and_linear_in_batch(batch, lead, features, bias):
    """A Linear layer costs 2 * rows * in * out FLOPs, and doubling the batch doubles it."""
    n_in, n_out = features
    layer = nn.Linear(n_in, n_out, bias=bias)
    flops = count_flops(layer, tt.randn(batch, *lead, n_in))
    assert flops == 2 * batch * math.prod(lead) * n_in * n_out
    assert count_flops(layer, tt.randn(2 * batch, *lead, n_in)) == 2 * flops


@pytest.mark.points(2, hint="count every operation the forward runs, whatever module it is in")
def test_mlp_flops_add_up_over_layers():
    """An MLP's forward costs the sum of its Linear layers' FLOPs (activations cost 0)."""
    model = nn.Sequential(
        nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10)
    )
    x = tt.randn(32, 784)
    assert count_flops(model, x) == 2 * 32 * (784 * 128 + 128 * 64 + 64 * 10)


def conv_out(size, kernel, stride, padding, dilation):
    """PyTorch's output size along one axis."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


@st.composite
def conv_cases(draw):
    groups = draw(st.integers(1, 3))
    c_in, c_out = groups * draw(st.integers(1, 3)), groups * draw(st.integers(1, 3))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    spans = [dilation[i] * (kernel[i] - 1) + 1 for i in range(2)]
    size = tuple(draw(st.integers(max(1, spans[i] - 2 * padding[i]), 8)) for i in range(2))
    batch = draw(st.integers(1, 3))
    return batch, c_in, c_out, size, kernel, stride, padding, dilation, groups


@given(case=conv_cases())
@pytest.mark.points(
    4, hint="2 * N * C_out * OH * OW * (C_in / groups) * kh * kw: read it off the output shape"
)
def test_conv2d_flops_exact_for_stride_padding_dilation_groups(case):
    """Conv2d costs 2 * N * C_out * OH * OW * (C_in/groups) * kh * kw FLOPs, for any stride,
    padding, dilation and groups, and twice as much for twice the batch."""
    batch, c_in, c_out, size, kernel, stride, padding, dilation, groups = case
    conv = nn.Conv2d(c_in, c_out, kernel, stride, padding, dilation, groups)
    oh, ow = (conv_out(size[i], kernel[i], stride[i], padding[i], dilation[i]) for i in range(2))
    expected = 2 * batch * c_out * oh * ow * (c_in // groups) * kernel[0] * kernel[1]
    assert count_flops(conv, tt.randn(batch, c_in, *size)) == expected
    assert count_flops(conv, tt.randn(2 * batch, c_in, *size)) == 2 * expected
    w_shape = (c_out, c_in // groups, *kernel)
    assert conv_flop((batch, c_in, *size), w_shape, (batch, c_out, oh, ow)) == expected


@given(batch=st.integers(1, 5), n_in=st.integers(1, 6), n_out=st.integers(1, 6))
@pytest.mark.points(
    3, hint="backward of a @ b: grad @ b^T and a^T @ grad, each only if that input needs it"
)
def test_linear_backward_flops_count_only_needed_products(batch, n_in, n_out):
    """The backward of a Linear costs one forward-sized product per input that needs a
    gradient: twice the forward when x requires grad, once when only the weight does."""
    layer = nn.Linear(n_in, n_out)
    forward = 2 * batch * n_in * n_out
    for x_requires_grad, products in ((True, 2), (False, 1)):
        x = tt.randn(batch, n_in, requires_grad=x_requires_grad)
        with FlopCounterMode() as counter:
            layer(x).sum().backward()
        counts = counter.get_flop_counts()["Global"]
        assert counts["MatMul"] == forward
        assert counts["MatMulBackward0"] == products * forward
        assert counter.get_total_flops() == (1 + products) * forward


@given(case=conv_cases())
@pytest.mark.points(3, hint="grad_x = w^T @ grad and grad_w = grad @ cols^T: forward-sized each")
def test_conv2d_backward_flops(case):
    """The backward of Conv2d costs the forward's FLOPs once for the input's gradient and once
    for the weight's (the bias's gradient, a sum, is not counted)."""
    batch, c_in, c_out, size, kernel, stride, padding, dilation, groups = case
    conv = nn.Conv2d(c_in, c_out, kernel, stride, padding, dilation, groups)
    x = tt.randn(batch, c_in, *size, requires_grad=True)
    with FlopCounterMode() as counter:
        out = conv(x)
        out.sum().backward()
    oh, ow = out.shape[2:]
    forward = 2 * batch * c_out * oh * ow * (c_in // groups) * kernel[0] * kernel[1]
    assert counter.get_flop_counts()["Global"] == {
        "Conv2d": forward,
        "Conv2dBackward0": 2 * forward,
    }


@pytest.mark.points(2, hint="push a module's name on a pre-hook, pop it on the forward hook")
def test_flops_are_attributed_to_modules():
    """With a model, each module's counts include exactly the operations of its forward."""
    model = nn.Sequential(
        nn.Linear(6, 5), nn.ReLU(), nn.Sequential(nn.Linear(5, 4), nn.Linear(4, 3))
    )
    with FlopCounterMode(model) as counter:
        model(tt.randn(7, 6))
    counts = counter.get_flop_counts()
    assert counts["0"] == {"MatMul": 2 * 7 * 6 * 5}
    assert counts["2.0"] == {"MatMul": 2 * 7 * 5 * 4}
    assert counts["2"] == {"MatMul": 2 * 7 * (5 * 4 + 4 * 3)}
    assert counts["Global"] == {"MatMul": 2 * 7 * (6 * 5 + 5 * 4 + 4 * 3)}
    assert "1" not in counts or sum(counts["1"].values()) == 0
