# Generated from solutions/tests/stage_04/test_cross_entropy.py by scripts/build_stages.py: a regression check from stage 04.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 04: cross-entropy of logits equals -log softmax at the target, for every option."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import nn
from tinytorch.nn import functional as F
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays


def log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """Reference log-softmax in float64 (log-sum-exp with the max subtracted)."""
    x = x.astype(np.float64)
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


@st.composite
def logits_and_targets(draw, min_classes=2, extra_dims=0, scale=10.0):
    """Float32 logits (N, C, *extra) and int64 class ids (N, *extra)."""
    n = draw(st.integers(1, 5))
    c = draw(st.integers(min_classes, 6))
    extra = tuple(draw(st.integers(1, 3)) for _ in range(extra_dims))
    logits = draw(float_arrays((n, c, *extra), min_value=-scale, max_value=scale))
    ids = draw(
        st.lists(
            st.integers(0, c - 1), min_size=n * math.prod(extra), max_size=n * math.prod(extra)
        )
    )
    return logits, np.array(ids, dtype=np.int64).reshape((n, *extra))


def per_sample_loss(logits, ids):
    """-log softmax(logits)[n, ids[n]] for (N, C) logits, as a float64 loop reference."""
    logp = log_softmax(logits, axis=1)
    return np.array([-logp[n, ids[n]] for n in range(len(ids))])


@pytest.mark.points(5, hint="log_softmax over dim 1, then pick -logp[n, target[n]]")
@given(logits_and_targets())
def test_cross_entropy_is_minus_log_softmax_at_the_target(case):
    """For random logits and class ids, every reduction equals the NumPy reference."""
    logits, ids = case
    losses = per_sample_loss(logits, ids)
    x, t = tt.tensor(logits), tt.tensor(ids)
    none = F.cross_entropy(x, t, reduction="none")
    assert_close(none, losses.astype(np.float32), rtol=1e-5, atol=1e-5)
    mean = F.cross_entropy(x, t)
    assert mean.shape == () and mean.dtype == tt.float32
    assert_close(mean, np.float32(losses.mean()), rtol=1e-5, atol=1e-5)
    assert_close(
        F.cross_entropy(x, t, reduction="sum"), np.float32(losses.sum()), rtol=1e-5, atol=1e-4
    )
    assert_close(nn.CrossEntropyLoss()(x, t), mean)


@pytest.mark.points(3, hint="move the class dim last and flatten: (N, C, d1, d2) -> (N*d1*d2, C)")
@given(logits_and_targets(extra_dims=2))
def test_cross_entropy_with_extra_dimensions(case):
    """Logits (N, C, d1, d2) with targets (N, d1, d2): one loss per position, as a loop computes."""
    logits, ids = case
    logp = log_softmax(logits, axis=1)
    n, _, d1, d2 = logits.shape
    expected = np.zeros((n, d1, d2))
    for i in range(n):
        for j in range(d1):
            for k in range(d2):
                expected[i, j, k] = -logp[i, ids[i, j, k], j, k]
    x, t = tt.tensor(logits), tt.tensor(ids)
    assert_close(
        F.cross_entropy(x, t, reduction="none"), expected.astype(np.float32), rtol=1e-5, atol=1e-5
    )
    assert_close(F.cross_entropy(x, t), np.float32(expected.mean()), rtol=1e-5, atol=1e-5)


@pytest.mark.points(1)
def test_unbatched_input():
    """A single sample: logits (C,) with a 0-d target give a 0-d loss."""
    logits = np.array([2.0, -1.0, 0.5], dtype=np.float32)
    loss = F.cross_entropy(tt.tensor(logits), tt.tensor(2))
    assert_close(loss, np.float32(-log_softmax(logits, 0)[2]))


@pytest.mark.points(3, hint="'mean' divides by the sum of the weights of the targets, not by N")
@given(logits_and_targets(), st.data())
def test_class_weights_give_a_weighted_average(case, data):
    """With weight w: loss_n = w[t_n] * CE_n, and 'mean' = sum(loss_n) / sum(w[t_n])."""
    logits, ids = case
    w = data.draw(float_arrays((logits.shape[1],), min_value=0.125, max_value=3.0))
    losses = per_sample_loss(logits, ids) * w[ids]
    x, t = tt.tensor(logits), tt.tensor(ids)
    assert_close(
        F.cross_entropy(x, t, tt.tensor(w), reduction="none"),
        losses.astype(np.float32),
        rtol=1e-5,
        atol=1e-5,
    )
    expected = np.float32(losses.sum() / w[ids].astype(np.float64).sum())
    assert_close(F.cross_entropy(x, t, tt.tensor(w)), expected, rtol=1e-5, atol=1e-5)
    assert_close(nn.CrossEntropyLoss(weight=tt.tensor(w))(x, t), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.points(2, hint="ignored targets contribute 0 and are not counted by 'mean'")
@given(logits_and_targets(), st.data())
def test_ignore_index_skips_targets(case, data):
    """Targets equal to ignore_index add nothing to the loss and to the mean's count."""
    logits, ids = case
    ignored = np.array(data.draw(st.lists(st.booleans(), min_size=len(ids), max_size=len(ids))))
    ignored[0] = False  # keep at least one target
    ids = np.where(ignored, -100, ids)
    losses = np.where(ignored, 0.0, per_sample_loss(logits, np.where(ignored, 0, ids)))
    x, t = tt.tensor(logits), tt.tensor(ids)
    assert_close(
        F.cross_entropy(x, t, reduction="none"), losses.astype(np.float32), rtol=1e-5, atol=1e-5
    )
    expected = np.float32(losses.sum() / (~ignored).sum())
    assert_close(F.cross_entropy(x, t), expected, rtol=1e-5, atol=1e-5)
    t7 = tt.tensor(np.where(ignored, 7, ids))
    assert_close(F.cross_entropy(x, t7, ignore_index=7), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.points(3, hint="target = (1 - eps) * one_hot + eps / C; loss = -sum(target * logp)")
@given(logits_and_targets(), st.floats(0.0, 1.0))
def test_label_smoothing_matches_its_formula(case, eps):
    """label_smoothing=eps: the loss against (1-eps)*one_hot + eps/C, per sample and mean."""
    logits, ids = case
    c = logits.shape[1]
    q = (1 - eps) * np.eye(c)[ids] + eps / c
    losses = -(q * log_softmax(logits, 1)).sum(axis=1)
    x, t = tt.tensor(logits), tt.tensor(ids)
    got = F.cross_entropy(x, t, reduction="none", label_smoothing=eps)
    assert_close(got, losses.astype(np.float32), rtol=1e-5, atol=1e-5)
    assert_close(
        F.cross_entropy(x, t, label_smoothing=eps), np.float32(losses.mean()), rtol=1e-5, atol=1e-5
    )
    module = nn.CrossEntropyLoss(label_smoothing=eps, reduction="sum")
    assert_close(module(x, t), np.float32(losses.sum()), rtol=1e-5, atol=1e-4)


@pytest.mark.points(2, hint="with weights both terms are weighted and divided by sum(w[t_n])")
def test_label_smoothing_with_weights_and_ignored_targets():
    """Smoothing with weights and ignore_index: (1-eps)*weighted NLL + eps/C*weighted smooth term."""
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((6, 4)).astype(np.float32)
    ids = np.array([0, 3, -100, 1, 2, 3])
    w = np.array([0.5, 2.0, 1.0, 1.5])
    eps, kept = 0.2, ids != -100
    logp = log_softmax(logits, 1)
    safe = np.where(kept, ids, 0)
    nll = np.where(kept, -logp[np.arange(6), safe] * w[safe], 0.0)
    smooth = np.where(kept, -(logp * w).sum(axis=1), 0.0)
    denominator = w[safe][kept].sum()
    expected = (1 - eps) * nll.sum() / denominator + eps / 4 * smooth.sum() / denominator
    got = F.cross_entropy(tt.tensor(logits), tt.tensor(ids), tt.tensor(w), label_smoothing=eps)
    assert_close(got, np.float32(expected), rtol=1e-5)
    none = F.cross_entropy(
        tt.tensor(logits), tt.tensor(ids), tt.tensor(w), reduction="none", label_smoothing=eps
    )
    assert_close(
        none, ((1 - eps) * nll + eps / 4 * smooth).astype(np.float32), rtol=1e-5, atol=1e-6
    )


@pytest.mark.points(
    3, hint="a float target of the logits' shape holds probabilities: -sum(p * logp)"
)
@given(logits_and_targets(), st.data(), st.floats(0.0, 0.5))
def test_probability_targets(case, data, eps):
    """Class-probability targets: loss_n = -sum_c w_c p_nc logp_nc; 'mean' divides by N."""
    logits, _ = case
    raw = data.draw(float_arrays(logits.shape, min_value=0.0, max_value=1.0)) + np.float32(1e-3)
    p = (raw / raw.sum(axis=1, keepdims=True)).astype(np.float32)
    w = data.draw(float_arrays((logits.shape[1],), min_value=0.125, max_value=2.0))
    logp = log_softmax(logits, 1)
    x, target = tt.tensor(logits), tt.tensor(p)
    losses = -(p * logp).sum(axis=1)
    assert_close(
        F.cross_entropy(x, target, reduction="none"),
        losses.astype(np.float32),
        rtol=1e-5,
        atol=1e-5,
    )
    weighted = -(w * p * logp).sum(axis=1)
    assert_close(
        F.cross_entropy(x, target, tt.tensor(w)), np.float32(weighted.mean()), rtol=1e-5, atol=1e-5
    )
    c = logits.shape[1]
    smoothed = -(((1 - eps) * p + eps / c) * logp).sum(axis=1)
    got = F.cross_entropy(x, target, label_smoothing=eps, reduction="sum")
    assert_close(got, np.float32(smoothed.sum()), rtol=1e-5, atol=1e-4)


@pytest.mark.points(4, hint="never exponentiate a raw logit: use log_softmax (log-sum-exp trick)")
@given(logits_and_targets(scale=1.0))
def test_cross_entropy_is_stable_for_huge_logits(case):
    """Logits scaled to 1e4 give finite losses equal to the float64 reference; exact cases too."""
    logits, ids = case
    huge = (logits * np.float32(1e4)).astype(np.float32)
    got = F.cross_entropy(tt.tensor(huge), tt.tensor(ids), reduction="none")
    assert np.all(np.isfinite(got.numpy()))
    assert_close(got, per_sample_loss(huge, ids).astype(np.float32), rtol=1e-5, atol=1e-2)
    row = tt.tensor([[1e4, 0.0, -1e4]] * 3)
    exact = F.cross_entropy(row, tt.tensor([0, 1, 2]), reduction="none")
    assert_close(exact, np.array([0.0, 1e4, 2e4], dtype=np.float32))


@pytest.mark.points(2, hint="check every id against [0, C) before indexing; name the range")
def test_bad_class_ids_are_rejected():
    """Out-of-range ids raise IndexError naming the valid range; float ids raise TypeError."""
    x = tt.randn(3, 4)
    assert F.cross_entropy(x, tt.tensor([0, 3, 1])).shape == ()
    with pytest.raises(IndexError, match=r"4 is out of range.*\[0, 3\]"):
        F.cross_entropy(x, tt.tensor([0, 4, 1]))
    with pytest.raises(IndexError, match=r"-1 is out of range"):
        F.cross_entropy(x, tt.tensor([0, -1, 1]))
    with pytest.raises(TypeError, match=r"integer.*float32"):
        F.cross_entropy(x, tt.tensor([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=r"\(3, 4\).*\(3,\).*\(2,\)"):
        F.cross_entropy(x, tt.tensor([0, 1]))


@pytest.mark.points(1)
def test_bad_options_are_rejected():
    """A wrong reduction, label_smoothing outside [0, 1] or a weight of the wrong size is a ValueError."""
    x, t = tt.randn(2, 3), tt.tensor([0, 2])
    assert F.cross_entropy(x, t, reduction="sum").shape == ()
    with pytest.raises(ValueError, match="reduction"):
        F.cross_entropy(x, t, reduction="average")
    with pytest.raises(ValueError, match="reduction"):
        nn.CrossEntropyLoss(reduction="avg")
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(x, t, label_smoothing=1.5)
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        F.cross_entropy(x, t, tt.ones(2))
