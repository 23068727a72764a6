"""Stage 12: F.scaled_dot_product_attention with PyTorch's semantics.

The reference loops over every batch element and head and computes one head's attention from
the definition, in float64: scores = q k^T * scale, masked, softmax over the keys, times v.
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch_testing import assert_close, gradcheck
from tinytorch_testing.strategies import float_arrays


def one_head(q, k, v, allowed=None, bias=None, scale=None):
    """Attention of one head, (L, E), (S, E), (S, Ev) -> (L, Ev), row by row.

    ``allowed`` (L, S) bool marks the keys each query may see; ``bias`` (L, S) is added.
    A query that may see no key gets zeros.
    """
    scale = 1.0 / math.sqrt(q.shape[1]) if scale is None else scale
    out = np.zeros((q.shape[0], v.shape[1]))
    for i in range(q.shape[0]):
        scores = np.array([q[i] @ k[j] * scale for j in range(k.shape[0])], dtype=np.float64)
        if bias is not None:
            scores = scores + bias[i]
        keep = np.ones(k.shape[0], bool) if allowed is None else allowed[i].copy()
        keep &= scores > -np.inf
        if not keep.any():
            continue
        weights = np.exp(scores[keep] - scores[keep].max())
        weights /= weights.sum()
        out[i] = weights @ v[keep]
    return out


def reference(q, k, v, allowed=None, bias=None, scale=None):
    """one_head for every (batch, head) of (B, H, L, E) inputs; masks broadcast to (B, H, L, S)."""
    b, h, length = q.shape[:3]
    source = k.shape[2]
    allowed = None if allowed is None else np.broadcast_to(allowed, (b, h, length, source))
    bias = None if bias is None else np.broadcast_to(bias, (b, h, length, source))
    out = np.zeros((b, h, length, v.shape[3]))
    for i in range(b):
        for j in range(h):
            out[i, j] = one_head(
                q[i, j], k[i, j], v[i, j],
                None if allowed is None else allowed[i, j],
                None if bias is None else bias[i, j],
                scale,
            )  # fmt: skip
    return out


@st.composite
def attention_inputs(draw, dtype=np.float32):
    """q (B, H, L, E), k (B, H, S, E), v (B, H, S, Ev) with small sides, L != S allowed."""
    b, h, length, source = (draw(st.integers(1, 3)) for _ in range(4))
    e, ev = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    q = draw(float_arrays((b, h, length, e), dtype, -2, 2))
    k = draw(float_arrays((b, h, source, e), dtype, -2, 2))
    v = draw(float_arrays((b, h, source, ev), dtype, -2, 2))
    return q, k, v


def mask_shape(draw, q, k):
    """A shape that broadcasts to (B, H, L, S): (L, S), (1, H, L, S), (B, 1, 1, S) ..."""
    full = (q.shape[0], q.shape[1], q.shape[2], k.shape[2])
    dims = draw(st.integers(2, 4))
    return tuple(draw(st.sampled_from([1, n])) for n in full[4 - dims : 2]) + tuple(
        draw(st.sampled_from([1, n])) for n in full[2:]
    )


def tensors(*arrays, requires_grad=False):
    return [tt.tensor(a, requires_grad=requires_grad) for a in arrays]


@given(inputs=attention_inputs(), kind=st.sampled_from(["none", "bool", "float"]), data=st.data())
@pytest.mark.points(
    5,
    hint="scores = (q * scale) @ k^T; bool mask: True = attend (masked_fill(~mask, -inf)); "
    "float mask: add it; masks broadcast over batch and heads",
)
def test_matches_a_per_head_loop_reference(inputs, kind, data):
    """Equal to a per-(batch, head) loop reference, for every kind of mask and scale.

    Equal to a per-(batch, head) loop of the definition, with no mask, a bool mask (True =
    attend) or a float mask (added), masks of any broadcastable shape, and any scale."""
    q, k, v = inputs
    scale = data.draw(st.sampled_from([None, 0.5, 2.0]))
    allowed = bias = mask = None
    shape = mask_shape(data.draw, q, k)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    if kind == "bool":
        allowed = mask = rng.random(shape) < 0.7
    elif kind == "float":
        bias = data.draw(float_arrays(shape, np.float32, -2, 2))
        bias[rng.random(shape) < 0.2] = -np.inf  # -inf forbids, like False in a bool mask
        mask = bias
    out = F.scaled_dot_product_attention(
        *tensors(q, k, v), attn_mask=None if mask is None else tt.tensor(mask), scale=scale
    )
    expected = reference(q, k, v, allowed, bias, scale)
    assert_close(out, expected.astype(np.float32), rtol=1e-4, atol=1e-5)


@given(inputs=attention_inputs(), data=st.data())
@pytest.mark.points(
    2, hint="softmax over the last dim (the keys); masked keys get weight exactly 0"
)
def test_attention_rows_sum_to_one(inputs, data):
    """Attention rows are non-negative, sum to 1 and give masked keys exactly 0.

    With value = identity the output *is* the weight matrix: every row is non-negative,
    sums to 1, and gives masked keys exactly 0."""
    q, k, _ = inputs
    source = k.shape[2]
    allowed = np.random.default_rng(data.draw(st.integers(0, 99))).random((*q.shape[2:3], source))
    allowed = allowed < 0.6
    allowed[:, 0] = True  # every query may see at least one key
    eye = np.broadcast_to(np.eye(source, dtype=np.float32), (*k.shape[:2], source, source))
    weights = F.scaled_dot_product_attention(*tensors(q, k, eye), attn_mask=tt.tensor(allowed))
    w = weights.numpy()
    assert (w >= 0).all()
    assert_close(w.sum(-1), np.ones(w.shape[:-1], np.float32), atol=1e-5)
    assert not w[..., ~allowed].any()


@given(inputs=attention_inputs(), data=st.data())
@pytest.mark.points(3, hint="causal: query i sees keys 0..i only (masked_fill the rest with -inf)")
def test_causal_future_tokens_never_change_past_outputs(inputs, data):
    """With is_causal=True, changing future tokens never changes past outputs.

    With is_causal=True, changing the query, key and value of positions after t leaves every
    output at positions <= t exactly unchanged."""
    q, k, v = inputs
    length = min(q.shape[2], k.shape[2])
    q, k, v = q[:, :, :length], k[:, :, :length], v[:, :, :length]
    t = data.draw(st.integers(0, length - 1))
    before = F.scaled_dot_product_attention(*tensors(q, k, v), is_causal=True).numpy()
    q2, k2, v2 = q.copy(), k.copy(), v.copy()
    for array in (q2, k2, v2):
        array[:, :, t + 1 :] = data.draw(float_arrays(array[:, :, t + 1 :].shape))
    after = F.scaled_dot_product_attention(*tensors(q2, k2, v2), is_causal=True).numpy()
    np.testing.assert_array_equal(after[:, :, : t + 1], before[:, :, : t + 1])
    full = reference(q, k, v, allowed=np.tril(np.ones((length, length), bool)))
    assert_close(before, full.astype(np.float32), rtol=1e-4, atol=1e-5)


@given(inputs=attention_inputs())
@pytest.mark.points(2, hint="PyTorch's causal mask is tril(ones(L, S)): top-left aligned")
def test_causal_mask_for_different_lengths_is_top_left_aligned(inputs):
    """For L != S, is_causal equals the boolean mask tril(ones(L, S)) (PyTorch's alignment)."""
    q, k, v = inputs
    causal = F.scaled_dot_product_attention(*tensors(q, k, v), is_causal=True)
    mask = np.tril(np.ones((q.shape[2], k.shape[2]), bool))
    explicit = F.scaled_dot_product_attention(*tensors(q, k, v), attn_mask=tt.tensor(mask))
    assert_close(causal, explicit.numpy())
    assert_close(causal, reference(q, k, v, allowed=mask).astype(np.float32), rtol=1e-4, atol=1e-5)


@given(inputs=attention_inputs(), data=st.data())
@pytest.mark.points(2, hint="without a mask, attention treats keys as a set and queries one by one")
def test_permutation_equivariance_without_a_mask(inputs, data):
    """Without a mask, attention is permutation-equivariant in queries, invariant in keys.

    Permuting the queries permutes the outputs the same way; permuting keys and values
    together changes nothing."""
    q, k, v = inputs
    out = F.scaled_dot_product_attention(*tensors(q, k, v)).numpy()
    rows = np.array(data.draw(st.permutations(range(q.shape[2]))))
    keys = np.array(data.draw(st.permutations(range(k.shape[2]))))
    shuffled_queries = F.scaled_dot_product_attention(*tensors(q[:, :, rows], k, v))
    assert_close(shuffled_queries, out[:, :, rows], atol=1e-5)
    shuffled_keys = F.scaled_dot_product_attention(*tensors(q, k[:, :, keys], v[:, :, keys]))
    assert_close(shuffled_keys, out, rtol=1e-4, atol=1e-5)


@pytest.mark.points(2, hint="rows with every key masked give zeros (and no nan), as in PyTorch")
def test_a_query_that_may_see_no_key_gets_zeros():
    """A query whose keys are all masked gets zeros and zero gradient, never nan.

    A query row whose keys are all masked (bool False or float -inf) outputs zeros and
    passes zero gradient, with no nan anywhere (PyTorch 2.x's behaviour)."""
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal((1, 2, 3, 4)).astype(np.float32) for _ in range(3))
    allowed = np.array([[True, False, True], [False, False, False], [True, True, False]])
    bias = np.where(allowed, 0.0, -np.inf).astype(np.float32)
    for mask in (allowed, bias):
        qt, kt, vt = tensors(q, k, v, requires_grad=True)
        out = F.scaled_dot_product_attention(qt, kt, vt, attn_mask=tt.tensor(mask))
        out.sum().backward()
        assert not out.numpy()[:, :, 1].any()
        assert_close(out, reference(q, k, v, allowed=allowed).astype(np.float32), atol=1e-5)
        for t in (qt, kt, vt):
            assert np.isfinite(t.grad.numpy()).all()
        assert not qt.grad.numpy()[:, :, 1].any()


@given(inputs=attention_inputs(np.float64), kind=st.sampled_from(["none", "bool", "causal"]))
@pytest.mark.points(3)
def test_gradcheck_query_key_value(inputs, kind):
    """The gradients of query, key and value match finite differences.

    The gradients with respect to query, key and value match finite differences (no mask,
    a bool mask, causal)."""
    q, k, v = inputs
    mask = None
    if kind == "bool":
        mask = tt.tensor(np.random.default_rng(1).random((q.shape[2], k.shape[2])) < 0.7)
    gradcheck(
        lambda a, b, c: F.scaled_dot_product_attention(
            a, b, c, attn_mask=mask, is_causal=kind == "causal", scale=0.8
        ),
        q, k, v,
    )  # fmt: skip


@given(inputs=attention_inputs(np.float64))
@pytest.mark.points(1)
def test_gradcheck_float_mask(inputs):
    """A float attn_mask is added to the scores, so it gets a gradient too (finite differences)."""
    q, k, v = inputs
    bias = np.random.default_rng(2).standard_normal((q.shape[2], k.shape[2]))
    gradcheck(lambda m: F.scaled_dot_product_attention(*tensors(q, k, v), attn_mask=m), bias)


@pytest.mark.points(2, hint="dropout the weights (inverted: survivors scaled by 1/(1 - p))")
def test_dropout_acts_on_the_weights_only_when_asked():
    """dropout_p > 0 drops attention weights (inverted); dropout_p = 0 is deterministic.

    dropout_p > 0 zeroes attention weights and scales the rest by 1 / (1 - p) (seeded);
    dropout_p = 0 is deterministic."""
    rng = np.random.default_rng(0)
    q, k = (rng.standard_normal((2, 2, 8, 4)).astype(np.float32) for _ in range(2))
    eye = np.broadcast_to(np.eye(8, dtype=np.float32), (2, 2, 8, 8))
    plain = F.scaled_dot_product_attention(*tensors(q, k, eye)).numpy()
    again = F.scaled_dot_product_attention(*tensors(q, k, eye), dropout_p=0.0).numpy()
    np.testing.assert_array_equal(plain, again)
    tt.manual_seed(3)
    dropped = F.scaled_dot_product_attention(*tensors(q, k, eye), dropout_p=0.25).numpy()
    kept = dropped != 0
    assert 0.5 < kept.mean() < 0.95
    assert_close(dropped[kept], plain[kept] / 0.75, rtol=1e-5)
    tt.manual_seed(3)
    repeat = F.scaled_dot_product_attention(*tensors(q, k, eye), dropout_p=0.25).numpy()
    np.testing.assert_array_equal(repeat, dropped)


@pytest.mark.points(2, hint="the argument checks are given: make a valid call work first")
def test_bad_arguments_are_refused_as_pytorch_refuses_them():
    """Bad masks and shapes are refused as PyTorch refuses them, with clear errors.

    attn_mask with is_causal, mismatched E or S, an integer mask and a mask that does not
    broadcast are refused with errors naming the problem."""
    q, k, v = tt.randn(2, 3, 4), tt.randn(2, 5, 4), tt.randn(2, 5, 6)
    assert F.scaled_dot_product_attention(q, k, v).shape == (2, 3, 6)
    with pytest.raises(RuntimeError, match="is_causal"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=tt.ones(3, 5) > 0, is_causal=True)
    with pytest.raises(ValueError, match=r"\(2, 3, 4\).*\(2, 5, 3\)"):
        F.scaled_dot_product_attention(q, tt.randn(2, 5, 3), v)
    with pytest.raises(ValueError, match=r"\(2, 5, 4\).*\(2, 4, 6\)"):
        F.scaled_dot_product_attention(q, k, tt.randn(2, 4, 6))
    with pytest.raises(TypeError, match="int64"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=tt.ones(3, 5).long())
    with pytest.raises(ValueError, match=r"\(3, 4\)"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=tt.ones(3, 4) > 0)
