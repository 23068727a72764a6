# Generated from solutions/tests/stage_13/test_gpt.py by scripts/build_stages.py: a regression check from stage 13.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 13: the GPT: causal, tied embeddings, GPT-2's initialisation, a loss that starts at
ln(vocab) and falls to zero on one batch, and generation that crops, seeds and decodes greedily."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import optim
from tinytorch.errors import DTypeError, ShapeError
from tinytorch.models import GPT
from tinytorch.models.gpt import sample_next_token
from tinytorch_testing import assert_close


def tiny_gpt(seed=0, vocab_size=11, block_size=8, n_layer=2, n_head=2, d_model=16, dropout=0.0):
    tt.manual_seed(seed)
    return GPT(vocab_size, block_size, n_layer, n_head, d_model, dropout=dropout)


def ids(rng, shape, vocab_size=11):
    return tt.tensor(rng.integers(0, vocab_size, shape))


@given(seed=st.integers(0, 2**16), cut=st.integers(1, 7))
@settings(max_examples=10)
@pytest.mark.points(4, hint="is_causal=True in scaled_dot_product_attention: t sees 0..t only")
def test_gpt_is_causal(seed, cut):
    """Changing the tokens from position `cut` on never changes the logits before `cut`."""
    rng = np.random.default_rng(seed)
    model = tiny_gpt()
    idx = rng.integers(0, 11, (2, 8))
    changed = idx.copy()
    changed[:, cut:] = (idx[:, cut:] + rng.integers(1, 11, (2, 8 - cut))) % 11
    logits, _ = model(tt.tensor(idx))
    other, _ = model(tt.tensor(changed))
    assert logits.shape == (2, 8, 11)
    assert_close(other[:, :cut], logits[:, :cut].numpy(), rtol=1e-5, atol=1e-6)
    assert not np.allclose(other.numpy()[:, cut:], logits.numpy()[:, cut:])


@pytest.mark.points(
    3, hint="N(0, 0.02) weights and tied embeddings keep every token ~equally likely"
)
def test_gpt_loss_at_initialisation_is_ln_vocab():
    """At initialisation the mean cross-entropy over all positions is within 0.1 of ln(vocab).

    Without targets the loss is None; with them it equals the cross-entropy of the returned
    logits over all B * T positions, computed here in NumPy."""
    rng = np.random.default_rng(1)
    tt.manual_seed(1)
    model = GPT(vocab_size=96, block_size=16, n_layer=2, n_head=4, d_model=32)
    idx, targets = ids(rng, (4, 16), 96), ids(rng, (4, 16), 96)
    logits, loss = model(idx, targets)
    assert model(idx)[1] is None
    assert abs(loss.item() - math.log(96)) < 0.1
    z = logits.numpy().astype(np.float64).reshape(-1, 96)
    z -= z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    expected = -logp[np.arange(64), targets.numpy().reshape(-1)].mean()
    assert loss.item() == pytest.approx(expected, rel=1e-5)


@pytest.mark.points(4, hint="every part must pass gradients: embeddings, attention, MLP, LayerNorm")
def test_tiny_gpt_overfits_one_batch():
    """A tiny GPT trained with AdamW on one batch drives its loss from ln(vocab) to below 0.05."""
    rng = np.random.default_rng(2)
    model = tiny_gpt(seed=2)
    idx, targets = ids(rng, (4, 8)), ids(rng, (4, 8))
    optimizer = optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.0)
    losses = []
    for _ in range(80):
        optimizer.zero_grad()
        _, loss = model(idx, targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[0] > 2.0 and losses[-1] < 0.05, f"loss went from {losses[0]} to {losses[-1]}"


@pytest.mark.points(3, hint="lm_head.weight = token_embedding.weight (the same Parameter object)")
def test_gpt_ties_input_and_output_embeddings():
    """The output projection IS the token embedding: one Parameter, counted and updated once.

    The parameter count is the formula below (an untied head would add vocab * d_model),
    and the tied weight's gradient holds both uses (it is not just the embedding rows used)."""
    model = tiny_gpt()
    assert model.lm_head.weight is model.token_embedding.weight
    V, T, L, d = 11, 8, 2, 16
    per_block = (
        2 * 2 * d + (3 * d * d + 3 * d) + (d * d + d) + (4 * d * d + 4 * d) + (4 * d * d + d)
    )
    assert sum(p.numel() for p in model.parameters()) == V * d + T * d + L * per_block + 2 * d
    idx = tt.tensor(np.zeros((1, 4), dtype=np.int64))  # only token 0 goes in ...
    _, loss = model(idx, tt.tensor(np.ones((1, 4), dtype=np.int64)))
    loss.backward()
    grad = model.token_embedding.weight.grad.numpy()
    assert np.all(np.abs(grad[2:]).sum(axis=1) > 0)  # ... yet every row is scored by the head


@pytest.mark.points(
    3, hint="N(0, 0.02) everywhere, zero biases, residual projections 0.02/sqrt(2 L)"
)
def test_gpt_uses_gpt2_initialisation():
    """Weights follow GPT-2's initialisation: N(0, 0.02), zero biases, LayerNorms at (1, 0),
    and the residual projections (attn.out_proj, mlp.proj) at std 0.02 / sqrt(2 * n_layer)."""
    tt.manual_seed(3)
    model = GPT(vocab_size=200, block_size=64, n_layer=8, n_head=4, d_model=96)
    residual = 0.02 / math.sqrt(2 * 8)
    for name, p in model.named_parameters():
        values = p.numpy()
        if name.endswith(("attn.out_proj.weight", "mlp.proj.weight")):
            assert values.std() == pytest.approx(residual, rel=0.05), name
        elif ".ln_" in f".{name}":
            assert np.all(values == (1.0 if name.endswith("weight") else 0.0)), name
        elif name.endswith("bias"):
            assert np.all(values == 0.0), name
        else:
            assert values.std() == pytest.approx(0.02, rel=0.05), name
            assert abs(values.mean()) < 0.002, name


def greedy_reference(model, prompt, steps):
    """Greedy decoding written out: crop to block_size, take the argmax of the last logits."""
    tokens = prompt.copy()
    with tt.no_grad():
        for _ in range(steps):
            logits, _ = model(tt.tensor(tokens[:, -model.block_size :]))
            tokens = np.concatenate([tokens, logits.numpy()[:, -1].argmax(-1)[:, None]], axis=1)
    return tokens


@pytest.mark.points(4, hint="crop the context to the last block_size tokens before every step")
def test_greedy_generation_crops_the_context():
    """top_k=1, temperature=0 and a tiny temperature all decode greedily, past block_size.

    The prompt (10 tokens) is already longer than block_size (8), and 12 more tokens are
    generated; the prompt itself comes back unchanged."""
    rng = np.random.default_rng(4)
    model = tiny_gpt(seed=4)
    prompt = rng.integers(0, 11, (2, 10))
    expected = greedy_reference(model, prompt, 12)
    for options in ({"top_k": 1}, {"temperature": 0.0}, {"temperature": 1e-6}):
        out = model.generate(tt.tensor(prompt), 12, seed=0, **options)
        assert out.shape == (2, 22) and out.dtype == tt.int64
        assert np.array_equal(out.numpy(), expected), options


@pytest.mark.points(3, hint="seed -> np.random.default_rng(seed); without it the global generator")
def test_generation_is_reproducible_by_seed_and_respects_top_k():
    """The same seed gives the same tokens, another seed others; top_k tokens come from the top k.

    Generation runs in eval mode (dropout off) and restores the training mode afterwards;
    without a seed, tt.manual_seed makes it reproducible."""
    model = tiny_gpt(seed=5, dropout=0.5)
    prompt = tt.tensor(np.array([[1, 2, 3]]))
    first = model.generate(prompt, 20, seed=7).numpy()
    assert np.array_equal(model.generate(prompt, 20, seed=7).numpy(), first)
    assert not np.array_equal(model.generate(prompt, 20, seed=8).numpy(), first)
    assert model.training
    tt.manual_seed(9)
    unseeded = model.generate(prompt, 20).numpy()
    tt.manual_seed(9)
    assert np.array_equal(model.generate(prompt, 20).numpy(), unseeded)
    out = model.generate(prompt, 15, top_k=3, seed=1).numpy()
    model.eval()
    with tt.no_grad():
        for t in range(3, 18):
            logits, _ = model(tt.tensor(out[:, max(0, t - 8) : t]))
            top3 = np.argsort(logits.numpy()[0, -1])[-3:]
            assert out[0, t] in top3, f"step {t}: token {out[0, t]} is not among the top 3 {top3}"


@pytest.mark.points(
    3, hint="sample from softmax(logits / temperature): inverse CDF with u ~ U(0, 1)"
)
def test_sampling_follows_the_softmax_distribution():
    """Sampled token frequencies match softmax(logits / temperature) (and top-k renormalised)."""
    logits = np.log(np.array([[0.1, 0.2, 0.3, 0.4]])).repeat(20000, axis=0)
    counts = np.bincount(
        sample_next_token(logits, 1.0, None, np.random.default_rng(0)), minlength=4
    )
    assert_close(counts / 20000, np.array([0.1, 0.2, 0.3, 0.4]), atol=0.015)
    hot = np.bincount(sample_next_token(logits, 0.5, None, np.random.default_rng(1)), minlength=4)
    assert_close(hot / 20000, np.array([1, 4, 9, 16]) / 30, atol=0.015)  # p**2 renormalised
    top2 = np.bincount(sample_next_token(logits, 1.0, 2, np.random.default_rng(2)), minlength=4)
    assert_close(top2 / 20000, np.array([0, 0, 3 / 7, 4 / 7]), atol=0.015)


@pytest.mark.points(2, hint="the checks are given: your forward must run on the valid input")
def test_gpt_rejects_bad_input_clearly():
    """Ids outside the vocabulary, sequences longer than block_size and float ids are refused,
    each with a message that names what was expected and what arrived."""
    model = tiny_gpt()
    assert model(tt.tensor(np.zeros((1, 8), dtype=np.int64)))[0].shape == (1, 8, 11)
    with pytest.raises(IndexError, match=r"11.*\[0, 11\)"):
        model(tt.tensor(np.array([[1, 11]])))
    with pytest.raises(IndexError, match="-1"):
        model(tt.tensor(np.array([[-1, 2]])))
    with pytest.raises(ShapeError, match=r"length 9.*block_size 8"):
        model(tt.tensor(np.zeros((1, 9), dtype=np.int64)))
    with pytest.raises(DTypeError, match=r"integer.*float32"):
        model(tt.tensor(np.zeros((1, 3), dtype=np.float32)))
    with pytest.raises(ShapeError, match="targets"):
        model(
            tt.tensor(np.zeros((1, 3), dtype=np.int64)), tt.tensor(np.zeros((1, 2), dtype=np.int64))
        )
    with pytest.raises(ValueError, match="divisible"):
        GPT(11, 8, 1, n_head=3, d_model=16)
