# Generated from solutions/tests/stage_04/test_bce.py by scripts/build_stages.py: a regression check from stage 04.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 04: binary cross-entropy, of probabilities and (stably) of logits."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import nn
from tinytorch.nn import functional as F
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays, shapes


def softplus(x):
    """log(1 + e^x) in float64 without overflow."""
    return np.logaddexp(0.0, np.asarray(x, dtype=np.float64))


def bce_with_logits_reference(x, y, pos_weight=1.0):
    """-(p y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))) in float64 log space."""
    # log sigmoid(x) = -softplus(-x) and log(1 - sigmoid(x)) = -softplus(x)
    return pos_weight * y * softplus(-x) + (1 - y) * softplus(x)


@st.composite
def probabilities_and_targets(draw, low=0.015625, high=0.984375):
    shape = draw(shapes(min_dims=1, max_dims=3))
    x = draw(float_arrays(shape, min_value=low, max_value=high))
    y = draw(float_arrays(shape, min_value=0.0, max_value=1.0))
    return x, y


@pytest.mark.points(3, hint="-(y log x + (1 - y) log(1 - x)), each log clamped at -100")
@given(probabilities_and_targets())
def test_bce_matches_its_formula(case):
    """binary_cross_entropy equals -(y log x + (1-y) log(1-x)) for every reduction."""
    x, y = case
    x64 = x.astype(np.float64)
    losses = -(y * np.log(x64) + (1 - y) * np.log(1 - x64))
    got = F.binary_cross_entropy(tt.tensor(x), tt.tensor(y), reduction="none")
    assert_close(got, losses.astype(np.float32), rtol=1e-4, atol=1e-5)
    mean = F.binary_cross_entropy(tt.tensor(x), tt.tensor(y))
    assert mean.dtype == tt.float32 and mean.shape == ()
    assert_close(mean, np.float32(losses.mean()), rtol=1e-4, atol=1e-5)
    assert_close(
        nn.BCELoss(reduction="sum")(tt.tensor(x), tt.tensor(y)),
        np.float32(losses.sum()),
        rtol=1e-4,
        atol=1e-4,
    )


@pytest.mark.points(2, hint="np.log(0) is -inf: clamp each log term at -100 as PyTorch does")
def test_bce_clamps_the_log_at_minus_100():
    """A certain wrong prediction costs exactly 100, not infinity; a certain right one costs 0."""
    x = tt.tensor([0.0, 1.0, 0.0, 1.0])
    y = tt.tensor([1.0, 0.0, 0.0, 1.0])
    assert_close(
        F.binary_cross_entropy(x, y, reduction="none"), np.array([100, 100, 0, 0], dtype=np.float32)
    )


@pytest.mark.points(2, hint="weight multiplies each element's loss before the reduction")
@given(probabilities_and_targets(), st.data())
def test_bce_weight_rescales_each_element(case, data):
    """weight (broadcast to the input) multiplies each element's loss; mean is the plain mean."""
    x, y = case
    w = data.draw(float_arrays(x.shape[-1:], min_value=0.0, max_value=3.0))
    plain = F.binary_cross_entropy(tt.tensor(x), tt.tensor(y), reduction="none").numpy()
    got = F.binary_cross_entropy(tt.tensor(x), tt.tensor(y), tt.tensor(w), reduction="none")
    assert_close(got, plain * w, rtol=1e-5, atol=1e-6)
    module = nn.BCELoss(weight=tt.tensor(w))
    assert_close(
        module(tt.tensor(x), tt.tensor(y)),
        np.float32((plain * w).astype(np.float64).mean()),
        rtol=1e-5,
        atol=1e-6,
    )


@pytest.mark.points(2, hint="the input must hold probabilities; name the range you found")
def test_bce_rejects_values_outside_0_1_and_shape_mismatches():
    """Inputs outside [0, 1] and targets of another shape raise ValueError explaining why."""
    assert_close(F.binary_cross_entropy(tt.tensor([0.5]), tt.tensor([1.0])), np.float32(np.log(2)))
    with pytest.raises(ValueError, match=r"\[0, 1\].*1\.5"):
        F.binary_cross_entropy(tt.tensor([0.5, 1.5]), tt.tensor([1.0, 0.0]))
    with pytest.raises(ValueError, match=r"\(2, 1\).*\(2,\)"):
        F.binary_cross_entropy(tt.tensor([0.5, 0.2]), tt.tensor([[1.0], [0.0]]))
    with pytest.raises(ValueError, match="shape"):
        F.binary_cross_entropy_with_logits(tt.zeros(3), tt.zeros(3, 1))


@pytest.mark.points(3, hint="max(x, 0) - x*y + log1p(exp(-|x|)) never overflows")
@given(probabilities_and_targets(low=-8.0, high=8.0))
def test_bce_with_logits_equals_bce_of_sigmoid_where_both_are_finite(case):
    """For moderate logits, BCEWithLogits(x) equals BCE(sigmoid(x)) and the float64 reference."""
    x, y = case
    got = F.binary_cross_entropy_with_logits(tt.tensor(x), tt.tensor(y), reduction="none")
    assert_close(got, bce_with_logits_reference(x, y).astype(np.float32), rtol=1e-5, atol=1e-6)
    via_sigmoid = F.binary_cross_entropy(F.sigmoid(tt.tensor(x)), tt.tensor(y), reduction="none")
    assert_close(got, via_sigmoid, rtol=1e-3, atol=1e-4)
    mean = nn.BCEWithLogitsLoss()(tt.tensor(x), tt.tensor(y))
    assert mean.dtype == tt.float32 and mean.shape == ()
    assert_close(mean, np.float32(bce_with_logits_reference(x, y).mean()), rtol=1e-5, atol=1e-6)


@pytest.mark.points(4, hint="exp(-|x|) is at most 1: the formula holds for |x| = 1e4")
@given(
    st.lists(st.floats(-1e4, 1e4, width=32), min_size=1, max_size=8),
    st.lists(st.sampled_from([0.0, 1.0]), min_size=8, max_size=8),
)
def test_bce_with_logits_is_stable_where_bce_of_sigmoid_overflows(logits, labels):
    """Logits up to ±1e4: finite, exact losses, where float32 -log(sigmoid(x)) is inf."""
    x = np.array(logits, dtype=np.float32)
    y = np.array(labels[: len(logits)], dtype=np.float32)
    got = F.binary_cross_entropy_with_logits(tt.tensor(x), tt.tensor(y), reduction="none")
    assert np.all(np.isfinite(got.numpy()))
    assert_close(got, bce_with_logits_reference(x, y).astype(np.float32), rtol=1e-5, atol=1e-6)
    # The naive float32 formula overflows for a confident mistake:
    big = tt.tensor([-1e4, 1e4, -200.0])
    with np.errstate(over="ignore", divide="ignore"):
        naive = -np.log(1 / (1 + np.exp(-big.numpy())))
    assert np.isinf(naive[0])
    stable = F.binary_cross_entropy_with_logits(big, tt.tensor([1.0, 0.0, 1.0]), reduction="none")
    assert_close(stable, np.array([1e4, 1e4, 200.0], dtype=np.float32))


@pytest.mark.points(
    2, hint="pos_weight p scales the positive term: p*y*softplus(-x) + (1-y)*softplus(x)"
)
@given(probabilities_and_targets(low=-20.0, high=20.0), st.data())
def test_bce_with_logits_pos_weight_and_weight(case, data):
    """pos_weight (one per class, last dim) scales positive targets' loss; weight every element."""
    x, y = case
    p = data.draw(float_arrays(x.shape[-1:], min_value=0.125, max_value=5.0))
    w = data.draw(float_arrays(x.shape[-1:], min_value=0.0, max_value=2.0))
    expected = bce_with_logits_reference(x, y, p) * w
    got = F.binary_cross_entropy_with_logits(
        tt.tensor(x), tt.tensor(y), tt.tensor(w), reduction="none", pos_weight=tt.tensor(p)
    )
    assert_close(got, expected.astype(np.float32), rtol=1e-5, atol=1e-5)
    module = nn.BCEWithLogitsLoss(weight=tt.tensor(w), reduction="sum", pos_weight=tt.tensor(p))
    assert_close(
        module(tt.tensor(x), tt.tensor(y)), np.float32(expected.sum()), rtol=1e-4, atol=1e-4
    )
    with pytest.raises(ValueError, match="pos_weight"):
        F.binary_cross_entropy_with_logits(
            tt.tensor(x), tt.tensor(y), pos_weight=tt.ones(7, 1, 1, 1)
        )
