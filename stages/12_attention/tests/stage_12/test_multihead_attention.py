# Generated from solutions/tests/stage_12/test_multihead_attention.py by scripts/build_stages.py: graded in this stage.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 12: nn.MultiheadAttention with PyTorch's parameters, masks and forward signature.

The reference projects with NumPy, then loops over every batch element, head and query and
computes that query's weights from the definition, in float64. Masks mean what PyTorch's
module says: a bool True marks a key (or a query-key pair) that may NOT be attended; floats
are added to the scores.
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import nn
from tinytorch_testing import assert_close, gradcheck
from tinytorch_testing.gradcheck import numerical_gradient

PYTORCH_KEYS = ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]


def random_state(rng, e, bias=True):
    """A state dict with PyTorch's names and shapes (as NumPy arrays)."""
    state = {
        "in_proj_weight": rng.standard_normal((3 * e, e)) / math.sqrt(e),
        "in_proj_bias": rng.standard_normal(3 * e) * 0.1,
        "out_proj.weight": rng.standard_normal((e, e)) / math.sqrt(e),
        "out_proj.bias": rng.standard_normal(e) * 0.1,
    }
    if not bias:
        del state["in_proj_bias"], state["out_proj.bias"]
    return state


def reference(q, k, v, state, heads, key_padding_mask=None, attn_mask=None):
    """Batch-first (N, L, E), (N, S, E) -> output (N, L, E) and weights (N, H, L, S)."""
    n, length, e = q.shape
    source, d = k.shape[1], e // heads
    w, b = state["in_proj_weight"], state.get("in_proj_bias", np.zeros(3 * e))
    qs, ks, vs = (
        x @ w[i * e : (i + 1) * e].T + b[i * e : (i + 1) * e] for i, x in enumerate((q, k, v))
    )
    weights = np.zeros((n, heads, length, source))
    for i in range(n):
        for h in range(heads):
            cols = slice(h * d, (h + 1) * d)
            for t in range(length):
                scores = np.array([qs[i, t, cols] @ ks[i, s, cols] for s in range(source)])
                scores = scores / math.sqrt(d)
                for mask in (attn_mask, key_padding_mask):
                    if mask is None:
                        continue
                    row = (
                        mask[i, :]
                        if mask is key_padding_mask
                        else (mask[t] if mask.ndim == 2 else mask[i * heads + h, t])
                    )
                    scores = np.where(row, -np.inf, scores) if row.dtype == bool else scores + row
                keep = scores > -np.inf
                if keep.any():
                    e_scores = np.exp(scores[keep] - scores[keep].max())
                    weights[i, h, t, keep] = e_scores / e_scores.sum()
    heads_out = np.einsum("nhls,nshd->nlhd", weights, vs.reshape(n, source, heads, d))
    out = heads_out.reshape(n, length, e) @ state["out_proj.weight"].T
    return out + state.get("out_proj.bias", np.zeros(e)), weights


def module_with(state, e, heads, **options):
    module = nn.MultiheadAttention(e, heads, bias="in_proj_bias" in state, **options)
    module.load_state_dict(
        {name: tt.tensor(value.astype(np.float32)) for name, value in state.items()}
    )
    return module


@st.composite
def cases(draw):
    """Sizes, layout and masks: (e, heads, n, length, source, options)."""
    heads = draw(st.integers(1, 3))
    e = heads * draw(st.integers(1, 3))
    n, length, source = (draw(st.integers(1, 3)) for _ in range(3))
    return e, heads, n, length, source


def draw_mask(rng, shape, kind):
    """A bool mask (True = masked out, never a whole row), a float mask, or None."""
    if kind == "bool":
        mask = rng.random(shape) < 0.3
        mask[..., 0] = False  # every query keeps at least one key
        return mask
    if kind == "float":
        return rng.standard_normal(shape).astype(np.float32)
    return None


@given(
    case=cases(),
    padding=st.sampled_from(["none", "bool", "float"]),
    attn=st.sampled_from(["none", "bool", "float", "bool3d"]),
    batch_first=st.booleans(),
    self_attention=st.booleans(),
    bias=st.booleans(),
    average=st.booleans(),
    seed=st.integers(0, 2**16),
)
@pytest.mark.points(
    5,
    hint="q, k, v from rows [0:E], [E:2E], [2E:3E] of in_proj_weight; heads are a reshape; "
    "bool masks here mean True = masked out",
)
def test_matches_a_per_head_loop_reference(
    case, padding, attn, batch_first, self_attention, bias, average, seed
):
    """Output and weights equal a per-head loop reference, for every layout and mask.

    Output and attention weights equal a per-head loop, for PyTorch's state dict layout,
    both batch layouts, self- and cross-attention, key_padding_mask and attn_mask of each kind
    (2-D or per head), with the weights averaged over heads or not."""
    e, heads, n, length, source = case
    rng = np.random.default_rng(seed)
    if self_attention:
        source = length
    state = random_state(rng, e, bias)
    q = rng.standard_normal((n, length, e)).astype(np.float32)
    k = q if self_attention else rng.standard_normal((n, source, e)).astype(np.float32)
    v = q if self_attention else rng.standard_normal((n, source, e)).astype(np.float32)
    kpm = draw_mask(rng, (n, source), padding)
    shape = (n * heads, length, source) if attn == "bool3d" else (length, source)
    am = draw_mask(rng, shape, "bool" if attn == "bool3d" else attn)
    expected, expected_weights = reference(q, k, v, state, heads, kpm, am)

    module = module_with(state, e, heads, batch_first=batch_first)
    layout = (lambda x: x) if batch_first else (lambda x: np.ascontiguousarray(x.swapaxes(0, 1)))
    qt = tt.tensor(layout(q))
    kt, vt = (qt, qt) if self_attention else (tt.tensor(layout(k)), tt.tensor(layout(v)))
    out, weights = module(
        qt, kt, vt,
        key_padding_mask=None if kpm is None else tt.tensor(kpm),
        attn_mask=None if am is None else tt.tensor(am),
        average_attn_weights=average,
    )  # fmt: skip
    assert_close(out, layout(expected).astype(np.float32), rtol=1e-4, atol=1e-5)
    if average:
        expected_weights = expected_weights.mean(1)
    assert_close(weights, expected_weights.astype(np.float32), rtol=1e-4, atol=1e-5)


@pytest.mark.points(2, hint="in_proj_weight (3E, E) Xavier-uniform; both biases start at zero")
def test_parameters_have_pytorchs_names_shapes_and_init():
    """The parameters have PyTorch's names, shapes and initialisation.

    The state dict has PyTorch's keys and shapes (so its state dicts load); in_proj_weight
    is Xavier-uniform, the biases are zero, out_proj keeps Linear's init; bias=False drops both."""
    tt.manual_seed(0)
    e = 64
    module = nn.MultiheadAttention(e, 8)
    state = module.state_dict()
    assert list(state) == PYTORCH_KEYS
    assert [state[k].shape for k in PYTORCH_KEYS] == [(3 * e, e), (3 * e,), (e, e), (e,)]
    w = module.in_proj_weight.numpy()
    bound = math.sqrt(6.0 / (e + 3 * e))
    assert np.abs(w).max() <= bound and abs(w.std() - bound / math.sqrt(3)) < 0.01
    assert not module.in_proj_bias.numpy().any() and not module.out_proj.bias.numpy().any()
    assert np.abs(module.out_proj.weight.numpy()).max() <= 1 / math.sqrt(e)
    assert isinstance(module.out_proj, nn.Linear) and module.head_dim == 8
    no_bias = nn.MultiheadAttention(e, 8, bias=False)
    assert list(no_bias.state_dict()) == ["in_proj_weight", "out_proj.weight"]
    assert no_bias.in_proj_bias is None


@given(case=cases(), seed=st.integers(0, 2**16))
@pytest.mark.points(2, hint="unbatched (L, E): add a batch dimension of 1, remove it at the end")
def test_unbatched_inputs_equal_a_batch_of_one(case, seed):
    """Unbatched (L, E) inputs give the batch-of-one result without its batch dimension.

    Unbatched (L, E) inputs (key_padding_mask (S,), attn_mask (H, L, S)) give the batch-of-one
    result without its batch dimension: output (L, E), weights (L, S) or (H, L, S)."""
    e, heads, _, length, source = case
    rng = np.random.default_rng(seed)
    module = module_with(random_state(rng, e), e, heads, batch_first=True)
    q, k, v = (
        rng.standard_normal(s).astype(np.float32) for s in ((length, e), (source, e), (source, e))
    )
    kpm, am = draw_mask(rng, (source,), "bool"), draw_mask(rng, (heads, length, source), "bool")
    out, weights = module(
        tt.tensor(q),
        tt.tensor(k),
        tt.tensor(v),
        key_padding_mask=tt.tensor(kpm),
        attn_mask=tt.tensor(am),
        average_attn_weights=False,
    )
    batched, batched_weights = module(
        tt.tensor(q[None]),
        tt.tensor(k[None]),
        tt.tensor(v[None]),
        key_padding_mask=tt.tensor(kpm[None]),
        attn_mask=tt.tensor(am),
        average_attn_weights=False,
    )
    assert out.shape == (length, e) and weights.shape == (heads, length, source)
    assert_close(out, batched.numpy()[0])
    assert_close(weights, batched_weights.numpy()[0])
    _, averaged = module(tt.tensor(q), tt.tensor(k), tt.tensor(v))
    assert averaged.shape == (length, source)


@pytest.mark.points(1, hint="need_weights=False returns (output, None)")
def test_need_weights_false_returns_none():
    """need_weights=False returns the same output and None instead of the weights."""
    tt.manual_seed(1)
    module = nn.MultiheadAttention(6, 2)
    x = tt.randn(4, 2, 6)
    out, weights = module(x, x, x)
    out2, none = module(x, x, x, need_weights=False)
    assert none is None and weights.shape == (2, 4, 4)
    assert_close(out2, out.numpy())


@given(length=st.integers(2, 5), t=st.integers(0, 3), seed=st.integers(0, 2**16))
@pytest.mark.points(2, hint="attn_mask True above the diagonal: query i never sees keys j > i")
def test_causal_self_attention_ignores_the_future(length, t, seed):
    """Under a causal attn_mask, changing future tokens never changes past outputs.

    With the causal attn_mask (and the is_causal hint), outputs at positions <= t do not
    change when the tokens after t change."""
    t = min(t, length - 1)
    rng = np.random.default_rng(seed)
    module = module_with(random_state(rng, 4), 4, 2, batch_first=True)
    future = tt.tensor(np.triu(np.ones((length, length), bool), 1))
    x = rng.standard_normal((2, length, 4)).astype(np.float32)
    before, _ = module(tt.tensor(x), tt.tensor(x), tt.tensor(x), attn_mask=future, is_causal=True)
    x[:, t + 1 :] = rng.standard_normal(x[:, t + 1 :].shape)
    after, _ = module(tt.tensor(x), tt.tensor(x), tt.tensor(x), attn_mask=future, is_causal=True)
    np.testing.assert_array_equal(after.numpy()[:, : t + 1], before.numpy()[:, : t + 1])


@given(
    heads=st.integers(1, 2),
    sizes=st.tuples(st.integers(1, 2), st.integers(1, 3), st.integers(1, 2)),
    self_attention=st.booleans(),
    seed=st.integers(0, 2**16),
)
@pytest.mark.points(3)
def test_gradcheck_inputs_and_parameters(heads, sizes, self_attention, seed):
    """Gradients of the inputs and of every parameter match finite differences.

    Gradients of query, key and value (or of one input used three times) and of every
    parameter match finite differences, with a key_padding_mask."""
    e, (n, length, source) = 2 * heads, sizes
    rng = np.random.default_rng(seed)
    state = random_state(rng, e)
    module = module_with(state, e, heads, batch_first=True).double()
    kpm = tt.tensor(draw_mask(rng, (n, length if self_attention else source), "bool"))
    q = rng.standard_normal((n, length, e))
    if self_attention:
        gradcheck(lambda x: module(x, x, x, key_padding_mask=kpm)[0], q)
    else:
        k, v = rng.standard_normal((n, source, e)), rng.standard_normal((n, source, e))
        gradcheck(lambda a, b, c: module(a, b, c, key_padding_mask=kpm)[0], q, k, v)
        q = (q, k, v)
    inputs = [tt.tensor(x) for x in (q if isinstance(q, tuple) else (q, q, q))]
    upstream = rng.standard_normal((n, length, e))
    module.zero_grad()
    module(*inputs, key_padding_mask=kpm)[0].backward(tt.tensor(upstream))
    for name, parameter in module.named_parameters():

        def loss(values, parameter=parameter):
            saved = parameter.data.copy()
            parameter.data[...] = values
            with tt.no_grad():
                result = float((module(*inputs, key_padding_mask=kpm)[0].numpy() * upstream).sum())
            parameter.data[...] = saved
            return result

        numeric = numerical_gradient(loss, parameter.numpy().copy())
        assert_close(parameter.grad, numeric, rtol=1e-4, atol=1e-6, msg=name)


@pytest.mark.points(2, hint="dropout_p = self.dropout if self.training else 0.0")
def test_dropout_only_in_training():
    """With dropout=0.5, training outputs vary with the seed and weights are dropped; eval()
    gives the deterministic result of the same module without dropout."""
    rng = np.random.default_rng(0)
    state = random_state(rng, 8)
    x = tt.tensor(rng.standard_normal((5, 2, 8)).astype(np.float32))
    module = module_with(state, 8, 2, dropout=0.5)
    plain = module_with(state, 8, 2)
    tt.manual_seed(0)
    first, weights = module(x, x, x, average_attn_weights=False)
    tt.manual_seed(1)
    second, _ = module(x, x, x)
    assert not np.allclose(first.numpy(), second.numpy())
    assert (weights.numpy() == 0).mean() > 0.2
    module.eval()
    evaluated, eval_weights = module(x, x, x)
    expected, expected_weights = plain(x, x, x)
    assert_close(evaluated, expected.numpy())
    assert_close(eval_weights, expected_weights.numpy())
    assert_close(eval_weights.numpy().sum(-1), np.ones((2, 5), np.float32), atol=1e-5)


@pytest.mark.points(2, hint="the checks are given: make a valid forward pass work first")
def test_bad_arguments_are_refused():
    """Bad sizes, options, masks and inputs are refused with clear errors.

    embed_dim not divisible by num_heads, unsupported options, is_causal without attn_mask,
    a wrong embedding size and masks of the wrong shape or dtype all fail clearly."""
    module = nn.MultiheadAttention(4, 2)
    x = tt.randn(3, 2, 4)
    assert module(x, x, x)[0].shape == (3, 2, 4)
    with pytest.raises(ValueError, match="divisible"):
        nn.MultiheadAttention(5, 2)
    with pytest.raises(ValueError, match="kdim"):
        nn.MultiheadAttention(4, 2, kdim=3)
    with pytest.raises(RuntimeError, match="attn_mask"):
        module(x, x, x, is_causal=True)
    with pytest.raises(ValueError, match=r"embed_dim=4.*\(3, 2, 5\)"):
        module(tt.randn(3, 2, 5), x, x)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3, 2\)"):
        module(x, x, x, key_padding_mask=tt.zeros(3, 2) > 0)
    with pytest.raises(ValueError, match=r"\(3, 3\).*\(2, 3\)"):
        module(x, x, x, attn_mask=tt.zeros(2, 3) > 0)
    with pytest.raises(TypeError, match="int64"):
        module(x, x, x, attn_mask=tt.zeros(3, 3).long())
