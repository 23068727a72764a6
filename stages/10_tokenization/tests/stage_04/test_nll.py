# Generated from solutions/tests/stage_04/test_nll.py by scripts/build_stages.py: a regression check from stage 04.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 04: negative log-likelihood of log-probabilities."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import nn
from tinytorch.nn import functional as F
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays


@st.composite
def nll_case(draw):
    n, c = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    logp = draw(float_arrays((n, c), min_value=-8.0, max_value=0.0))
    ids = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    ignored = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    ignored[0] = False
    w = draw(float_arrays((c,), min_value=0.125, max_value=3.0))
    return logp, np.where(ignored, -100, ids), w


@pytest.mark.points(3, hint="pick input[n, target[n]] with advanced indexing; negate; weight")
@given(nll_case())
def test_nll_loss_matches_a_loop(case):
    """nll_loss equals a loop over samples: -w[t] * logp[n, t], ignored targets skipped."""
    logp, ids, w = case
    losses, weights = np.zeros(len(ids)), np.zeros(len(ids))
    for n, t in enumerate(ids):
        if t != -100:
            losses[n], weights[n] = -logp[n, t] * w[t], w[t]
    x, t = tt.tensor(logp), tt.tensor(ids)
    got = F.nll_loss(x, t, tt.tensor(w), reduction="none")
    assert_close(got, losses.astype(np.float32), rtol=1e-5, atol=1e-6)
    assert_close(
        F.nll_loss(x, t, tt.tensor(w)),
        np.float32(losses.sum() / weights.sum()),
        rtol=1e-5,
        atol=1e-5,
    )
    assert_close(
        F.nll_loss(x, t, reduction="sum"),
        np.float32(-sum(logp[n, k] for n, k in enumerate(ids) if k != -100)),
        rtol=1e-5,
        atol=1e-5,
    )
    assert_close(nn.NLLLoss(weight=tt.tensor(w))(x, t), F.nll_loss(x, t, tt.tensor(w)))


@pytest.mark.points(2, hint="cross_entropy(x, t) is nll_loss(log_softmax(x, 1), t)")
@given(nll_case())
def test_nll_of_log_softmax_is_cross_entropy(case):
    """nll_loss(log_softmax(x)) equals cross_entropy(x) for the same targets and weights."""
    logits, ids, w = case
    x, t = tt.tensor(logits), tt.tensor(ids)
    expected = F.cross_entropy(x, t, tt.tensor(w), reduction="none")
    got = F.nll_loss(F.log_softmax(x, dim=1), t, tt.tensor(w), reduction="none")
    assert_close(got, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.points(1)
def test_nll_loss_checks_its_targets():
    """Targets must be integer class ids inside [0, C), with a shape matching the input's."""
    x = tt.tensor([[-0.5, -1.0], [-2.0, -0.1]])
    assert_close(F.nll_loss(x, tt.tensor([1, 0])), np.float32(1.5))
    with pytest.raises(IndexError, match=r"\[0, 1\]"):
        F.nll_loss(x, tt.tensor([2, 0]))
    with pytest.raises(TypeError, match="integer"):
        F.nll_loss(x, tt.tensor([1.0, 0.0]))
    with pytest.raises(ValueError, match="shape"):
        F.nll_loss(x, tt.tensor([[1, 0]]))
