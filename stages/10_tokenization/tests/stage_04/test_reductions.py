# Generated from solutions/tests/stage_04/test_reductions.py by scripts/build_stages.py: a regression check from stage 04.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Stage 04: every loss supports reduction='none' | 'mean' | 'sum', and checks it."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import nn
from tinytorch.nn import functional as F
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays


def cases(logits, probs, labels, ids):
    """(name, loss function taking reduction=..., expected 'none' shape) for every loss."""
    x, p, y, t = tt.tensor(logits), tt.tensor(probs), tt.tensor(labels), tt.tensor(ids)
    return [
        ("mse_loss", lambda r: F.mse_loss(x, y, reduction=r), x.shape),
        ("cross_entropy", lambda r: F.cross_entropy(x, t, reduction=r), t.shape),
        ("nll_loss", lambda r: F.nll_loss(F.log_softmax(x, 1), t, reduction=r), t.shape),
        ("binary_cross_entropy", lambda r: F.binary_cross_entropy(p, y, reduction=r), x.shape),
        (
            "bce_with_logits",
            lambda r: F.binary_cross_entropy_with_logits(x, y, reduction=r),
            x.shape,
        ),
    ]


@st.composite
def inputs(draw):
    n, c = draw(st.integers(1, 5)), draw(st.integers(2, 5))
    logits = draw(float_arrays((n, c), min_value=-5.0, max_value=5.0))
    probs = draw(float_arrays((n, c), min_value=0.015625, max_value=0.984375))
    labels = draw(float_arrays((n, c), min_value=0.0, max_value=1.0))
    ids = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    return logits, probs, labels, ids


@pytest.mark.points(3, hint="'none' keeps one loss per element; 'sum' adds them; 'mean' averages")
@given(inputs())
def test_sum_and_mean_reduce_the_elementwise_losses(case):
    """For every loss: 'sum' == 'none'.sum() and 'mean' == 'none'.mean(), as float32 scalars."""
    for name, loss, shape in cases(*case):
        none = loss("none")
        assert none.shape == shape and none.dtype == tt.float32, name
        for reduction, reduce in (("sum", np.sum), ("mean", np.mean)):
            got = loss(reduction)
            assert got.shape == () and got.dtype == tt.float32, (name, reduction)
            expected = np.float32(reduce(none.numpy().astype(np.float64)))
            assert_close(got, expected, rtol=1e-5, atol=1e-5, msg=f"{name} {reduction}")


@pytest.mark.points(1)
def test_an_unknown_reduction_is_rejected_by_every_loss():
    """reduction='avg' raises ValueError naming the valid choices, for functions and modules."""
    case = (
        np.zeros((2, 3), np.float32),
        np.full((2, 3), 0.5, np.float32),
        np.ones((2, 3), np.float32),
        np.array([0, 2]),
    )
    for _, loss, _ in cases(*case):
        assert loss("mean").shape == ()
        with pytest.raises(ValueError, match="'none', 'mean', 'sum'"):
            loss("avg")
    for module in (nn.MSELoss, nn.CrossEntropyLoss, nn.NLLLoss, nn.BCELoss, nn.BCEWithLogitsLoss):
        assert module(reduction="none").reduction == "none"
        with pytest.raises(ValueError, match="reduction"):
            module(reduction="avg")


@pytest.mark.points(1)
def test_loss_modules_keep_their_weight_as_a_buffer():
    """A loss module's class weight is a buffer: in its state dict, not in parameters()."""
    w = tt.tensor([1.0, 2.0, 3.0])
    loss = nn.CrossEntropyLoss(weight=w)
    assert list(loss.parameters()) == [] and list(loss.state_dict()) == ["weight"]
    x, t = tt.zeros(2, 3), tt.tensor([0, 2])
    assert_close(loss(x, t), np.float32(np.log(3)))
    assert repr(nn.MSELoss()) == "MSELoss()"
