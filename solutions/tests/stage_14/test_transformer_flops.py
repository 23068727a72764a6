"""Stage 14: FLOPs of attention, LayerNorm and a whole GPT, exact from their shapes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch import nn
from tinytorch.models import GPT
from tinytorch.profiling import (
    FlopCounterMode,
    count_flops,
    count_parameters,
    layer_norm_flop,
    sdpa_flop,
)


@given(
    dims=st.tuples(*(st.integers(1, 4) for _ in range(6))),
    is_causal=st.booleans(),
)
@pytest.mark.points(
    3, hint="two products: q @ k^T is L x E by E x S, weights @ v is L x S by S x Ev"
)
def test_attention_flops_are_its_two_products(dims, is_causal):
    """scaled_dot_product_attention costs 2*B*H*L*S*E (scores) + 2*B*H*L*S*Ev (weighted sum);
    a causal mask saves nothing, and the count is linear in the batch."""
    b, h, length, source, e, ev = dims
    q, k, v = tt.randn(b, h, length, e), tt.randn(b, h, source, e), tt.randn(b, h, source, ev)
    expected = 2 * b * h * length * source * (e + ev)
    assert sdpa_flop(q.shape, k.shape, v.shape) == expected
    causal = is_causal and length == source
    with FlopCounterMode() as counter:
        F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    assert counter.get_total_flops() == expected
    double = (
        tt.randn(2 * b, h, length, e),
        tt.randn(2 * b, h, source, e),
        tt.randn(2 * b, h, source, ev),
    )
    with FlopCounterMode() as counter:
        F.scaled_dot_product_attention(*double, is_causal=causal)
    assert counter.get_total_flops() == 2 * expected


@given(
    n=st.integers(1, 3),
    length=st.integers(1, 4),
    source=st.integers(1, 4),
    heads=st.integers(1, 3),
    head_dim=st.integers(1, 3),
)
@pytest.mark.points(2, hint="in-projections, attention over heads, out-projection: all matmuls")
def test_multihead_attention_flops(n, length, source, heads, head_dim):
    """nn.MultiheadAttention costs its four projections plus attention over every head."""
    e = heads * head_dim
    mha = nn.MultiheadAttention(e, heads, batch_first=True)
    query, memory = tt.randn(n, length, e), tt.randn(n, source, e)
    projections = 2 * n * length * e * e + 2 * (2 * n * source * e * e) + 2 * n * length * e * e
    attention = 2 * n * heads * length * source * head_dim * 2
    assert count_flops(mha, query, memory, memory) == projections + attention
    self_attention = 4 * (2 * n * length * e * e) + 2 * n * heads * length * length * head_dim * 2
    assert count_flops(mha, query, query, query) == self_attention


@given(
    shape=st.tuples(st.integers(1, 3), st.integers(1, 4), st.integers(1, 6)), x_grad=st.booleans()
)
@pytest.mark.points(3, hint="7 per element forward; backward 8 (input) + 2 (weight) + 1 (bias)")
def test_layer_norm_flops_forward_and_backward(shape, x_grad):
    """LayerNorm costs 7 FLOPs per element forward; backward 8 per element for the input's
    gradient, 2 for the weight's and 1 for the bias's, each only when needed."""
    numel = shape[0] * shape[1] * shape[2]
    norm = nn.LayerNorm(shape[-1])
    x = tt.randn(*shape, requires_grad=x_grad)
    assert layer_norm_flop(shape) == 7 * numel
    with FlopCounterMode() as counter:
        norm(x).sum().backward()
    counts = counter.get_flop_counts()["Global"]
    assert counts["LayerNorm"] == 7 * numel
    assert counts["LayerNormBackward0"] == (11 if x_grad else 3) * numel
    assert layer_norm_flop(shape, "backward", (x_grad, True, True)) == (11 if x_grad else 3) * numel


@pytest.mark.points(3, hint="everything a forward multiplies: every Linear, attention, LayerNorm")
def test_gpt_forward_flops_and_parameters():
    """A GPT's forward costs, per block, 2 LayerNorms (7*B*T*d each), the qkv, output and MLP
    products (24*B*T*d^2) and attention (4*B*T^2*d), then a final LayerNorm and the head
    (2*B*T*d*V); its parameters count the tied embedding once."""
    vocab, block, layers, heads, d = 11, 8, 2, 2, 8
    model = GPT(vocab, block, layers, heads, d)
    for batch, t in ((1, 8), (3, 5)):
        idx = tt.randint(0, vocab, (batch, t))
        per_block = 2 * 7 * batch * t * d + 24 * batch * t * d * d + 4 * batch * t * t * d
        expected = layers * per_block + 7 * batch * t * d + 2 * batch * t * d * vocab
        assert count_flops(model, idx) == expected
    per_block_params = (
        2 * 2 * d + (3 * d * d + 3 * d) + (d * d + d) + (4 * d * d + 4 * d) + (4 * d * d + d)
    )
    assert count_parameters(model) == vocab * d + block * d + layers * per_block_params + 2 * d
