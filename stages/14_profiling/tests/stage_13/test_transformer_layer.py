# Generated from solutions/tests/stage_13/test_transformer_layer.py by scripts/build_stages.py: a regression check from stage 13.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 13: nn.TransformerEncoderLayer, post-LN (the 2017 paper) and pre-LN (norm_first), against
a reference composition written here in NumPy with the layer's own weights."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import nn
from tinytorch_testing import assert_close


def layer_norm(x, weight, bias, eps):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def gelu(x):
    from math import erf

    return 0.5 * x * (1 + np.vectorize(erf)(x / np.sqrt(2)))


def self_attention(x, layer, nhead, mask, padding):
    """Multi-head self-attention of x (N, S, E), one head at a time (PyTorch's parameter layout)."""
    p = {k: v.numpy().astype(np.float64) for k, v in layer.self_attn.state_dict().items()}
    E = x.shape[-1]
    q, k, v = np.split(x @ p["in_proj_weight"].T + p["in_proj_bias"], 3, axis=-1)
    heads, d = [], E // nhead
    for h in range(nhead):
        part = slice(h * d, (h + 1) * d)
        scores = q[..., part] @ k[..., part].transpose(0, 2, 1) / np.sqrt(d) + mask
        scores = np.where(padding[:, None, :], -np.inf, scores)
        weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
        heads.append((weights / weights.sum(axis=-1, keepdims=True)) @ v[..., part])
    return np.concatenate(heads, axis=-1) @ p["out_proj.weight"].T + p["out_proj.bias"]


def encoder_reference(layer, x, nhead, mask, padding, norm_first, activation, eps):
    """One encoder layer composed by hand, in float64, on (N, S, E)."""
    p = {k: v.numpy().astype(np.float64) for k, v in layer.state_dict().items()}

    def norm(i, x):
        return layer_norm(x, p[f"norm{i}.weight"], p[f"norm{i}.bias"], eps)

    def feed_forward(x):
        hidden = activation(x @ p["linear1.weight"].T + p["linear1.bias"])
        return hidden @ p["linear2.weight"].T + p["linear2.bias"]

    def attend(x):
        return self_attention(x, layer, nhead, mask, padding)

    if norm_first:
        x = x + attend(norm(1, x))
        return x + feed_forward(norm(2, x))
    x = norm(1, x + attend(x))
    return norm(2, x + feed_forward(x))


PYTORCH_NAMES = [
    "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
    "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight",
    "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias",
]  # fmt: skip


def check_against_reference(norm_first, batch_first, seed, activation="relu"):
    rng = np.random.default_rng(seed)
    N, S, E, nhead = 2, 5, 8, 2
    tt.manual_seed(seed)
    layer = nn.TransformerEncoderLayer(
        E, nhead, dim_feedforward=12, dropout=0.1, activation=activation, layer_norm_eps=1e-3,
        batch_first=batch_first, norm_first=norm_first,
    )  # fmt: skip
    assert list(layer.state_dict()) == PYTORCH_NAMES
    for name in ("norm1", "norm2"):  # LayerNorm weights away from (1, 0), so they matter
        getattr(layer, name).weight.data[...] = rng.uniform(0.5, 1.5, E)
        getattr(layer, name).bias.data[...] = rng.uniform(-0.5, 0.5, E)
    layer.eval()  # dropout off
    x = rng.normal(size=(N, S, E)).astype(np.float32)
    causal = np.triu(np.full((S, S), -np.inf, np.float32), 1)
    padding = np.zeros((N, S), dtype=bool)
    padding[1, -2:] = True  # the second sequence is 3 tokens long
    src = x if batch_first else x.transpose(1, 0, 2)
    out = layer(tt.tensor(src), src_mask=tt.tensor(causal), src_key_padding_mask=tt.tensor(padding))
    out = out.numpy() if batch_first else out.numpy().transpose(1, 0, 2)
    act = (lambda h: np.maximum(h, 0)) if activation == "relu" else gelu
    expected = encoder_reference(
        layer, x.astype(np.float64), nhead, causal, padding, norm_first, act, 1e-3
    )
    assert_close(out, expected.astype(np.float32), rtol=1e-4, atol=1e-4)


@given(batch_first=st.booleans(), seed=st.integers(0, 2**16))
@settings(max_examples=6)
@pytest.mark.points(4, hint="post-LN: x = norm1(x + sa(x)); x = norm2(x + ff(x))")
def test_encoder_layer_post_ln_matches_reference(batch_first, seed):
    """norm_first=False (the paper's post-LN) equals the composition written out in the test.

    With a causal src_mask, a key padding mask, (S, N, E) or batch_first inputs, and
    PyTorch's parameter names."""
    check_against_reference(norm_first=False, batch_first=batch_first, seed=seed)


@given(batch_first=st.booleans(), seed=st.integers(0, 2**16))
@settings(max_examples=6)
@pytest.mark.points(4, hint="pre-LN: x = x + sa(norm1(x)); x = x + ff(norm2(x))")
def test_encoder_layer_pre_ln_matches_reference(batch_first, seed):
    """norm_first=True (pre-LN, as GPT-2) equals the composition written out in the test."""
    check_against_reference(norm_first=True, batch_first=batch_first, seed=seed)


@pytest.mark.points(2, hint="activation may be 'relu', 'gelu' or a callable; dropout only in train")
def test_encoder_layer_activation_and_dropout():
    """activation='gelu' is used in the feed-forward network, and dropout acts only in training.

    Dropout sits on both residual branches and inside the feed-forward network."""
    check_against_reference(norm_first=True, batch_first=True, seed=1, activation="gelu")
    tt.manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.5, batch_first=True)
    x = tt.randn(2, 4, 8)
    assert not np.allclose(layer(x).numpy(), layer(x).numpy())  # two dropout masks
    layer.eval()
    assert_close(layer(x), layer(x).numpy())
    layer.train()  # only the dropout inside the feed-forward network left on
    layer.dropout1.p = layer.dropout2.p = layer.self_attn.dropout = 0.0
    assert not np.allclose(layer(x).numpy(), layer(x).numpy())
