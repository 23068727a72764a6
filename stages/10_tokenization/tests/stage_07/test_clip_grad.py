# Generated from solutions/tests/stage_07/test_clip_grad.py by scripts/build_stages.py: a regression check from stage 07.
# Do not edit: the grader checks this file against ci/manifest.json.
"""Gradient clipping: the global norm after clipping is max_norm; below it nothing changes."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.nn.utils import clip_grad_norm_, clip_grad_value_
from tinytorch_testing import assert_close
from tinytorch_testing.strategies import float_arrays, shapes

gradient_lists = st.lists(float_arrays(shapes(max_dims=3, max_side=4)), min_size=1, max_size=4)


def with_grads(grads):
    params = []
    for g in grads:
        p = tt.zeros(*g.shape, requires_grad=True)
        p.grad = tt.tensor(g.copy())
        params.append(p)
    return params


def global_norm(arrays, order):
    flat = np.concatenate([np.ravel(a).astype(np.float64) for a in arrays])
    if order == math.inf:
        return np.abs(flat).max(initial=0.0)
    return np.sum(np.abs(flat) ** order) ** (1 / order)


@pytest.mark.points(4, hint="one coefficient max_norm / (total + 1e-6), capped at 1, for all")
@given(gradient_lists, st.sampled_from([0.1, 1.0, 5.0]), st.sampled_from([2.0, 1.0, math.inf]))
def test_clip_grad_norm_caps_the_global_norm(grads, max_norm, norm_type):
    """Returns the norm before clipping; afterwards the global norm is min(norm, max_norm)."""
    params = with_grads(grads)
    total = clip_grad_norm_(params, max_norm, norm_type=norm_type)
    expected = global_norm(grads, norm_type)
    assert isinstance(total, tt.Tensor) and total.shape == () and total.dtype == np.float32
    assert math.isclose(total.item(), expected, rel_tol=1e-5, abs_tol=1e-6)
    clipped = [p.grad.data for p in params]
    coefficient = max_norm / (expected + 1e-6)
    if coefficient >= 1:
        for p, g in zip(params, grads, strict=True):
            np.testing.assert_array_equal(p.grad.data, g)
    else:
        for c, g in zip(clipped, grads, strict=True):
            assert_close(c, (g * coefficient).astype(np.float32), rtol=1e-5, atol=1e-6)
        if expected > max_norm:
            assert math.isclose(global_norm(clipped, norm_type), max_norm, rel_tol=1e-4)


@pytest.mark.points(2)
def test_clip_grad_norm_skips_missing_gradients_and_accepts_one_tensor():
    """Parameters without .grad are ignored; a single tensor works; no gradient at all gives 0."""
    a, b = tt.zeros(2, requires_grad=True), tt.zeros(3, requires_grad=True)
    a.grad = tt.tensor([3.0, 4.0])
    assert clip_grad_norm_([a, b], max_norm=1.0).item() == pytest.approx(5.0)
    assert_close(a.grad, np.array([0.6, 0.8], dtype=np.float32), rtol=1e-5)
    assert b.grad is None
    assert clip_grad_norm_(a, max_norm=10.0).item() == pytest.approx(1.0, rel=1e-5)
    assert clip_grad_norm_([b], max_norm=1.0).item() == 0.0


@pytest.mark.points(
    1, hint="with error_if_nonfinite, an inf or nan total is a RuntimeError naming it"
)
def test_clip_grad_norm_reports_non_finite_norms():
    """error_if_nonfinite=True raises when a gradient holds inf or nan."""
    p = tt.zeros(2, requires_grad=True)
    p.grad = tt.tensor([3.0, 4.0])
    assert clip_grad_norm_([p], 1.0, error_if_nonfinite=True).item() == pytest.approx(5.0)
    p.grad = tt.tensor([np.inf, 1.0])
    with pytest.raises(RuntimeError, match="inf"):
        clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    with pytest.raises(ValueError, match="max_norm must be >= 0, got -1"):
        clip_grad_norm_([p], -1.0)


@pytest.mark.points(1)
@given(gradient_lists, st.sampled_from([0.5, 2.0]))
def test_clip_grad_value_clamps_each_element(grads, clip_value):
    """clip_grad_value_ clamps every element into [-clip_value, clip_value], in place."""
    params = with_grads(grads)
    arrays = [p.grad.data for p in params]
    clip_grad_value_(params, clip_value)
    for p, array, g in zip(params, arrays, grads, strict=True):
        assert p.grad.data is array
        assert_close(p.grad, np.clip(g, -clip_value, clip_value))
